/*
 * op_complete.c: CompleteMultipartReadSetUpload.
 *
 * Order of checks, first failure answers: the body (strict JSON, then
 * each member of each listed part in list order), the sequence store and
 * the upload (404), then the state and parts-list rules (400), the
 * quota of read sets (402), the deadline (408) and last the storage of
 * the read set (500). A failed Complete changes nothing.
 */
#include "call.h"

#include "fields.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const source_values[] = {"SOURCE1", "SOURCE2"};

/* Checks list entry item (at index i) and fills *out. */
static field_result check_part(call *c, const cJSON *item, size_t i,
                               st_listed_part *out)
{
  char prefix[32];
  field_place place = {prefix, "partNumber", 1, c->err, sizeof c->err};
  long long number;
  int source;
  field_result rc;

  snprintf(prefix, sizeof prefix, "parts[%zu]", i);
  if (!cJSON_IsObject(item)) {
    snprintf(c->err, sizeof c->err, "%s: must be an object, not %s",
             prefix, field_type_name(item));
    return FIELD_BAD;
  }
  rc = field_integer(item, &place, ST_PART_MIN, ST_PART_MAX, &number);
  if (rc != FIELD_OK)
    return rc;
  place.name = "partSource";
  rc = field_enum(item, &place, source_values, 2, &source);
  if (rc != FIELD_OK)
    return rc;
  place.name = "checksum";
  rc = field_string(item, &place, 1, ST_CHECKSUM_MAX, 1, &out->checksum);
  out->number = (int)number;
  out->source = (st_source)source;
  return rc;
}

/* Checks the body and builds the list. Returns FIELD_OK with *list and
 * *count set (the caller frees *list), FIELD_BAD with c->err set, or
 * FIELD_NO_MEMORY. */
static field_result read_parts(call *c, const cJSON *body,
                               st_listed_part **list, size_t *count)
{
  field_place place = {"", "parts", 1, c->err, sizeof c->err};
  const cJSON *parts, *item;
  field_result rc;
  size_t i = 0;

  rc = field_container(body, &place, cJSON_Array, &parts);
  if (rc != FIELD_OK)
    return rc;
  *count = (size_t)cJSON_GetArraySize(parts);
  *list = malloc((*count ? *count : 1) * sizeof **list);
  if (!*list)
    return FIELD_NO_MEMORY;
  for (item = parts->child; item; item = item->next) {
    rc = check_part(c, item, i, &(*list)[i]);
    if (rc != FIELD_OK) {
      free(*list);
      *list = NULL;
      return rc;
    }
    i++;
  }
  return FIELD_OK;
}

/* Applies what a Complete that passed its rules may still meet: the
 * quota of read sets (an upload still OPEN makes one), the deadline,
 * and the storage of the read set. Returns 1 when the Complete may
 * commit, 0 after answering, -1 when memory ran out. */
static int hold_back(call *c, const st_upload *upload,
                     const char *read_set)
{
  const mrsu_storage *hooks = &c->config->storage;
  const limits *l = &c->ctl->now;
  size_t open, read_sets;
  long long took;

  st_store_counts(c->db, c->store_id, &open, &read_sets);
  if (st_upload_state(upload) == ST_OPEN && read_sets >= l->read_sets)
    return reply_quota(c, "read sets of the sequence store", l->read_sets);
  took = (controls_clock(c->ctl) - c->started) / 1000000 + l->delay_ms;
  if (took > l->deadline_ms)
    return reply_error(c, ERR_TIMEOUT, "the Complete took %lld ms, over "
                       "its deadline of %lld ms; nothing was changed",
                       took, (long long)l->deadline_ms);
  if (st_upload_state(upload) != ST_OPEN)
    return 1;
  if (limits_fault(&c->ctl->now, FAULT_COMPLETE) ||
      (hooks->keep_read_set &&
       hooks->keep_read_set(hooks->arg, c->request, c->store_id,
                            c->upload_id, read_set) < 0))
    return reply_storage_failed(c, "the read set");
  return 1;
}

int op_complete(call *c)
{
  st_listed_part *list = NULL;
  st_upload *upload;
  char read_set[ST_ID_LEN + 1];
  cJSON *body, *answer = NULL;
  size_t count = 0;
  int failed, rc = -1;
  field_result fr;
  st_result sr;

  body = call_json_body(c, &failed);
  if (!body)
    return failed;
  fr = read_parts(c, body, &list, &count);
  if (fr != FIELD_OK) {
    rc = reply_field_failure(c, fr);
    goto out;
  }
  sr = st_upload_find(c->db, c->store_id, c->upload_id, &upload);
  if (sr == ST_OK)
    sr = st_complete_check(c->db, upload, list, count, read_set, c->err,
                           sizeof c->err);
  if (sr != ST_OK) {
    rc = reply_store_result(c, sr);
    goto out;
  }
  answer = cJSON_CreateObject();
  if (!answer || !cJSON_AddStringToObject(answer, "readSetId", read_set))
    goto out;
  rc = hold_back(c, upload, read_set);
  if (rc < 1)
    goto out;
  /* The state changes only once the answer exists. */
  rc = reply_json(c, answer);
  answer = NULL;
  if (rc == 0)
    st_complete_commit(c->db, upload);
out:
  cJSON_Delete(answer);
  free(list);
  cJSON_Delete(body);
  return rc;
}
