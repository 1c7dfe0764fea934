/*
 * tidy.c: aborting the uploads a case opened, and checking that a store
 * holds no open upload, on a target whose cases share stores (tidy.h).
 */
#include "tidy.h"

#include "buf.h"
#include "json_gate.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_PREFIX "/sequencestore/"
#define UPLOAD_SUFFIX "/upload"

/* 1 when path is /sequencestore/{store}/upload: a Create. */
static int is_create(const char *method, const char *path)
{
  size_t n = strlen(path), prefix = strlen(STORE_PREFIX);
  size_t suffix = strlen(UPLOAD_SUFFIX);

  return strcmp(method, "POST") == 0 && n > prefix + suffix &&
         strncmp(path, STORE_PREFIX, prefix) == 0 &&
         strcmp(path + n - suffix, UPLOAD_SUFFIX) == 0 &&
         !memchr(path + prefix, '/', n - prefix - suffix);
}

/* 1 when id can stand as one segment of a path, as the case's own
 * requests carry it: 1 to 128 bytes, no space or control character,
 * nothing a URL reads apart ('/', '?', '#', '%'), and not a dot
 * segment, which would make the abort name another resource. */
static int path_segment(const char *id)
{
  size_t n = strlen(id);

  if (n == 0 || n > 128 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
    return 0;
  for (; *id; id++)
    if ((unsigned char)*id <= 0x20 || *id == 0x7F || strchr("/?#%", *id))
      return 0;
  return 1;
}

/* The uploadId of a JSON body, as the captures of a case read it (the
 * strict gate; a string, or a number written as a plain integer), as
 * a new string; NULL when there is none that path_segment admits. */
static char *upload_id(const cf_response *rs)
{
  char fault[160];
  cJSON *body = rs->body_len ? jg_parse(rs->body, rs->body_len, fault,
                                        sizeof fault, NULL)
                             : NULL;
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "uploadId");
  const char *text = NULL;
  char *copy = NULL;

  if (cJSON_IsString(id))
    text = id->valuestring;
  else if (cJSON_IsNumber(id) && id->valuestring &&
           id->valuestring[strspn(id->valuestring, "0123456789")] == '\0')
    text = id->valuestring;
  if (text && path_segment(text))
    copy = strdup(text);
  cJSON_Delete(body);
  return copy;
}

int cf_opened_note(cf_opened *o, const cf_request *rq,
                   const cf_response *rs)
{
  char *id, **grown;
  buf path;

  if (rs->status != 200 || !is_create(rq->method, rq->path) ||
      !(id = upload_id(rs)))
    return 0;
  buf_init(&path);
  buf_addf(&path, "%s/%s/abort", rq->path, id);
  free(id);
  if (o->count == o->cap) {
    grown = realloc(o->paths, (o->cap * 2 + 4) * sizeof *grown);
    if (!grown) {
      buf_free(&path);
      return -1;
    }
    o->paths = grown;
    o->cap = o->cap * 2 + 4;
  }
  o->paths[o->count] = buf_take(&path);
  return o->paths[o->count] ? (o->count++, 0) : -1;
}

/* Sends method path?query (body "{}" when json) to t, signed by s, and
 * records it in exchanges as name with "tidy": true. Returns 0 with the
 * answer in rs; -1, or -2 when the target is out of reach (target.h),
 * with the reason in err. */
static int tidy_exchange(cf_target *t, const cf_signer *s,
                         const char *name, const char *method,
                         const char *path, const char *query, int json,
                         cJSON *exchanges, cf_response *rs, char *err,
                         size_t errlen)
{
  cf_built b = {0};
  cf_request rq;
  cJSON *rec = cJSON_CreateObject();
  int rc = -1;

  b.method = method;
  b.path = strdup(path);
  b.query = query ? strdup(query) : NULL;
  snprintf(err, errlen, "out of memory");
  if (!rec || !b.path || (query && !b.query) ||
      (json && (!(b.body = (unsigned char *)strdup("{}")) ||
                cf_built_add_header(&b, "Content-Type",
                                    "application/json") < 0)))
    goto out;
  b.body_len = json ? 2 : 0;
  if (cf_sign(s, NULL, t->host, t->path_prefix, &b, err, errlen) != 0)
    goto out;
  cf_built_view(&b, &rq);
  rc = t->exchange(t, &rq, rs, err, errlen);
  if (!cJSON_AddStringToObject(rec, "name", name) ||
      !cJSON_AddTrueToObject(rec, "tidy") ||
      !cJSON_AddStringToObject(rec, "method", method) ||
      !cJSON_AddStringToObject(rec, "path", path) ||
      !(rc == 0 ? cJSON_AddNumberToObject(rec, "status", rs->status)
                : cJSON_AddStringToObject(rec, "error", err)))
    goto out;
  if (cJSON_AddItemToArray(exchanges, rec))
    rec = NULL;

out:
  cJSON_Delete(rec);
  cf_built_free(&b);
  return rc;
}

int cf_opened_abort(const cf_opened *o, cf_target *t, const cf_signer *s,
                    cJSON *exchanges, char *why, size_t whylen)
{
  cf_response rs;
  int rc = 0;

  for (size_t i = 0; rc == 0 && i < o->count; i++) {
    memset(&rs, 0, sizeof rs);
    rc = tidy_exchange(t, s, "abort an upload the case opened", "DELETE",
                       o->paths[i], NULL, 0, exchanges, &rs, why, whylen);
    cf_response_free(&rs);
  }
  return rc == -2 ? -2 : 0;
}

void cf_opened_free(cf_opened *o)
{
  for (size_t i = 0; i < o->count; i++)
    free(o->paths[i]);
  free(o->paths);
  memset(o, 0, sizeof *o);
}

int cf_store_busy(cf_target *t, const cf_signer *s, const char *store,
                  cJSON *exchanges, char *why, size_t whylen)
{
  cf_response rs = {0};
  cJSON *body = NULL;
  const cJSON *uploads;
  buf path, reason;
  int rc = -1;

  buf_init(&path);
  buf_init(&reason);
  buf_addf(&path, STORE_PREFIX "%s/uploads", store);
  if (!buf_str(&path)) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  rc = tidy_exchange(t, s, "check that the store holds no open upload",
                     "POST", buf_str(&path), "maxResults=1", 1, exchanges,
                     &rs, why, whylen);
  if (rc < 0)
    goto out;
  body = cJSON_ParseWithLength((const char *)rs.body, rs.body_len);
  uploads = cJSON_GetObjectItemCaseSensitive(body, "uploads");
  rc = rs.status == 200 && cJSON_IsArray(uploads) &&
       cJSON_GetArraySize(uploads) > 0;
  if (rc) {
    buf_addf(&reason, "the case lists every open upload of its store, "
             "and store %s already holds some that it did not open: "
             "give the run an empty store (--store)", store);
    buf_copy_out(&reason, why, whylen);
  }

out:
  cJSON_Delete(body);
  cf_response_free(&rs);
  buf_free(&path);
  buf_free(&reason);
  return rc;
}
