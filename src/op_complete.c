/*
 * op_complete.c: CompleteMultipartReadSetUpload.
 *
 * Order of checks, first failure answers: the body (strict JSON, then
 * each member of each listed part in list order), the sequence store and
 * the upload (404), then the state and parts-list rules (400). A failed
 * Complete changes nothing.
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

int op_complete(call *c)
{
  st_listed_part *list = NULL;
  st_upload *upload;
  char read_set[ST_ID_LEN + 1];
  cJSON *body, *answer;
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
  if (answer && !cJSON_AddStringToObject(answer, "readSetId", read_set)) {
    cJSON_Delete(answer);
    answer = NULL;
  }
  /* The state changes only once the answer exists. */
  rc = answer ? reply_json(c, answer) : -1;
  if (rc == 0)
    st_complete_commit(c->db, upload);
out:
  free(list);
  cJSON_Delete(body);
  return rc;
}
