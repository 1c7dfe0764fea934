/*
 * reply.c: building responses, and reading what every operation reads
 * from a request (headers, query parameters, a JSON body).
 */
#include "call.h"

#include "json_gate.h"
#include "never.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct {
  int status;
  const char *name;
} errors[] = {
  {400, "ValidationException"},
  {402, "ServiceQuotaExceededException"},
  {403, "AccessDeniedException"},
  {404, "ResourceNotFoundException"},
  {405, "NotSupportedOperationException"},
  {408, "RequestTimeoutException"},
  {429, "ThrottlingException"},
  {500, "InternalServerException"},
  {403, "MissingAuthenticationTokenException"},
  {403, "IncompleteSignatureException"},
  {403, "UnrecognizedClientException"},
  {403, "InvalidSignatureException"},
};

/* Sets status and headers; the body is left to the caller. */
static void set_head(mrsu_response *r, int status, const char *error_type)
{
  r->status = status;
  r->error_type = error_type;
  r->headers[0].name = "Content-Type";
  r->headers[0].value = "application/json";
  r->header_count = 1;
  if (error_type) {
    r->headers[1].name = "X-Amzn-ErrorType";
    r->headers[1].value = error_type;
    r->header_count = 2;
  }
}

/* Frees the body the response holds, if it owns it. */
static void drop_body(mrsu_response *r)
{
  if (!NEVER(r->body_is_static))
    free(r->body);
  r->body = NULL;
  r->body_len = 0;
  r->body_is_static = 0;
}

void reply_no_memory(mrsu_response *response)
{
  static char body[] = "{\"message\":\"out of memory; nothing was "
                       "changed\"}";

  drop_body(response);
  response->body = body;
  response->body_len = sizeof body - 1;
  response->body_is_static = 1;
  set_head(response, 500, errors[ERR_INTERNAL].name);
}

/* Serialises body into the response with the given head. Takes
 * ownership of body. Returns 0 or -1 (out of memory). */
static int put_body(call *c, int status, const char *type, cJSON *body)
{
  char *text = body ? cJSON_PrintUnformatted(body) : NULL;

  cJSON_Delete(body);
  if (!text)
    return -1;
  drop_body(c->response);
  c->response->body = text;
  c->response->body_len = strlen(text);
  set_head(c->response, status, type);
  return 0;
}

int reply_field_failure(call *c, field_result rc)
{
  if (rc != FIELD_BAD)
    return -1;
  return reply_error(c, ERR_VALIDATION, "%s", c->err);
}

int reply_json(call *c, cJSON *body)
{
  return put_body(c, 200, NULL, body);
}

int reply_error(call *c, err_kind kind, const char *fmt, ...)
{
  char message[512];
  va_list ap;
  cJSON *body = cJSON_CreateObject();

  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  if (body && !cJSON_AddStringToObject(body, "message", message)) {
    cJSON_Delete(body);
    body = NULL;
  }
  return put_body(c, errors[kind].status, errors[kind].name, body);
}

int reply_quota(call *c, const char *what, unsigned long long limit)
{
  return reply_error(c, ERR_QUOTA, "%s: the quota of %llu would be "
                     "exceeded; nothing was changed", what, limit);
}

int reply_storage_failed(call *c, const char *what)
{
  return reply_error(c, ERR_INTERNAL, "%s could not be stored; nothing "
                     "was changed", what);
}

const char *call_header(const call *c, const char *name)
{
  for (size_t i = 0; i < c->request->header_count; i++)
    if (!strcasecmp(c->request->headers[i].name, name))
      return c->request->headers[i].value;
  return NULL;
}

int call_query(call *c, const char *name, char **value)
{
  const char *q = c->request->query, *end, *eq;
  char *key, *found = NULL;
  int oom = 0, bad = 0;

  for (; q && *q; q = *end ? end + 1 : end) {
    end = q + strcspn(q, "&");
    eq = memchr(q, '=', (size_t)(end - q));
    key = text_percent_decode(q, (size_t)((eq ? eq : end) - q), &oom);
    if (!key && oom)
      goto fail;
    if (!key || strcmp(key, name)) {
      free(key);
      continue;
    }
    free(key);
    if (found) {
      bad = reply_error(c, ERR_VALIDATION, "%s: must appear at most once "
                        "in the query string", name);
      goto fail;
    }
    found = text_percent_decode(eq ? eq + 1 : end,
                                eq ? (size_t)(end - eq - 1) : 0, &oom);
    if (!found) {
      if (!oom)
        bad = reply_error(c, ERR_VALIDATION, "%s: is not valid "
                          "percent-encoded UTF-8", name);
      goto fail;
    }
  }
  *value = found;
  return found != NULL;
fail:
  free(found);
  return oom || bad < 0 ? -2 : -1;
}

/* 1 when the Content-Type is absent or names application/json. */
static int is_json_content_type(const char *value)
{
  static const char json[] = "application/json";
  size_t n = sizeof json - 1;

  if (!value)
    return 1;
  while (*value == ' ' || *value == '\t')
    value++;
  if (strncasecmp(value, json, n))
    return 0;
  value += n;
  while (*value == ' ' || *value == '\t')
    value++;
  return *value == '\0' || *value == ';';
}

cJSON *call_json_body(call *c, int *failed)
{
  const mrsu_request *r = c->request;
  char why[200];
  int oom = 0;
  cJSON *body = NULL;

  *failed = 0;
  if (!is_json_content_type(call_header(c, "Content-Type")))
    *failed = reply_error(c, ERR_VALIDATION, "Content-Type: must be "
                          "application/json");
  else if (r->body_len > c->config->max_json_body)
    *failed = reply_error(c, ERR_VALIDATION, "body: must be at most %zu "
                          "bytes", c->config->max_json_body);
  else if (r->body_len == 0)
    body = cJSON_CreateObject(), oom = !body;
  else {
    body = jg_parse(r->body, r->body_len, why, sizeof why, &oom);
    if (!body && !oom)
      *failed = reply_error(c, ERR_VALIDATION, "body: %s", why);
    else if (body && !cJSON_IsObject(body)) {
      *failed = reply_error(c, ERR_VALIDATION, "body: must be a JSON "
                            "object, not %s", body->type == cJSON_Array
                            ? "an array" : "a scalar");
      cJSON_Delete(body);
      body = NULL;
    }
  }
  if (oom)
    *failed = -1;
  return body;
}

int reply_store_result(call *c, st_result rc)
{
  switch (rc) {
  case ST_NOT_FOUND:
    if (!st_store_exists(c->db, c->store_id))
      return reply_error(c, ERR_NOT_FOUND, "sequence store %s: not found",
                         c->store_id);
    return reply_error(c, ERR_NOT_FOUND, "upload %s: not found in "
                       "sequence store %s", c->upload_id, c->store_id);
  case ST_REJECTED:
    return reply_error(c, ERR_VALIDATION, "%s", c->err);
  case ST_EXHAUSTED:
    return reply_error(c, ERR_INTERNAL, "no identifier left to issue");
  default:
    return -1;
  }
}

void call_format_time(int64_t seconds, char out[21])
{
  time_t t = (time_t)seconds;
  struct tm tm;

  if (!gmtime_r(&t, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(out, 21, "1970-01-01T00:00:00Z");
}
