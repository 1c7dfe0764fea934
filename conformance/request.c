/*
 * request.c: building requests from templates.
 *
 * Query pairs are percent-encoded (name and value, all but RFC 3986
 * unreserved bytes) and joined with '&' in order; rawQuery is sent as
 * written. A `json` body is serialised compactly by cJSON, with each
 * number written as the literal the vector file holds, so forms such
 * as 1.0, 1e0 or -0 reach the target as written.
 */
#include "request.h"

#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Turns every number that kept its literal into a raw node printing
 * that literal. */
static void numbers_as_literals(cJSON *node)
{
  cJSON *child;

  if (cJSON_IsNumber(node) && node->valuestring) {
    node->type = cJSON_Raw;
    return;
  }
  cJSON_ArrayForEach(child, node)
    numbers_as_literals(child);
}

char *cf_json_body(const cJSON *tmpl, const vars *vs, char *err,
                   size_t errlen)
{
  cJSON *copy = cJSON_Duplicate(tmpl, 1);
  char *text = NULL;

  if (errlen)
    err[0] = '\0';
  if (!copy || vars_expand_tree(copy, vs, err, errlen) < 0)
    goto out;
  numbers_as_literals(copy);
  text = cJSON_PrintUnformatted(copy);

out:
  cJSON_Delete(copy);
  return text;
}

/* Builds the query string of the template into b->query. */
static int build_query(const cJSON *rq, const vars *vs, cf_built *b,
                       char *err, size_t errlen)
{
  const cJSON *raw = cJSON_GetObjectItemCaseSensitive(rq, "rawQuery");
  const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(rq, "query");
  const cJSON *pair;
  char *value;
  buf q;

  if (raw)
    return (b->query = strdup(raw->valuestring)) ? 0 : -1;
  if (cJSON_GetArraySize(pairs) == 0)
    return 0;
  buf_init(&q);
  cJSON_ArrayForEach(pair, pairs) {
    value = vars_expand_new(cJSON_GetArrayItem(pair, 1)->valuestring, vs,
                            err, errlen);
    if (!value) {
      buf_free(&q);
      return -1;
    }
    if (q.len)
      buf_addc(&q, '&');
    pct_encode(&q, cJSON_GetArrayItem(pair, 0)->valuestring);
    buf_addc(&q, '=');
    pct_encode(&q, value);
    free(value);
  }
  b->query = buf_take(&q);
  return b->query ? 0 : -1;
}

/* Builds the headers of the template, values expanded. */
static int build_headers(const cJSON *rq, const vars *vs, cf_built *b,
                         char *err, size_t errlen)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(rq, "headers");
  const cJSON *pair;
  cf_header *h;
  int n = cJSON_GetArraySize(list);

  if (n == 0)
    return 0;
  b->headers = calloc((size_t)n, sizeof *b->headers);
  if (!b->headers)
    return -1;
  cJSON_ArrayForEach(pair, list) {
    h = &b->headers[b->header_count++];
    h->name = strdup(cJSON_GetArrayItem(pair, 0)->valuestring);
    h->value = vars_expand_new(cJSON_GetArrayItem(pair, 1)->valuestring,
                               vs, err, errlen);
    if (!h->name || !h->value)
      return -1;
  }
  return 0;
}

/* Builds the body from json, text or base64 (or none). */
static int build_body(const cJSON *rq, const vars *vs, cf_built *b,
                      char *err, size_t errlen)
{
  const cJSON *json = cJSON_GetObjectItemCaseSensitive(rq, "json");
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(rq, "text");
  const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(rq, "base64");
  char *s = NULL;
  int rc;

  if (b64) {
    rc = b64_decode(b64->valuestring, &b->body, &b->body_len);
    if (rc == -1)
      snprintf(err, errlen, "the base64 body cannot be decoded");
    return rc < 0 ? -1 : 0;
  }
  if (json)
    s = cf_json_body(json, vs, err, errlen);
  else if (text)
    s = vars_expand_new(text->valuestring, vs, err, errlen);
  else
    return 0;
  if (!s)
    return -1;
  b->body_len = strlen(s);
  b->body = (unsigned char *)s;
  return 0;
}

int cf_build_request(const cJSON *rq, const vars *vs, cf_built *b,
                     char *err, size_t errlen)
{
  const cJSON *path = cJSON_GetObjectItemCaseSensitive(rq, "path");

  if (errlen)
    err[0] = '\0';
  b->method = cJSON_GetObjectItemCaseSensitive(rq, "method")->valuestring;
  b->path = vars_expand_new(path->valuestring, vs, err, errlen);
  if (!b->path)
    return -1;
  if (build_query(rq, vs, b, err, errlen) < 0 ||
      build_headers(rq, vs, b, err, errlen) < 0 ||
      build_body(rq, vs, b, err, errlen) < 0)
    return -1;
  return 0;
}

void cf_built_free(cf_built *b)
{
  for (size_t i = 0; i < b->header_count; i++) {
    free(b->headers[i].name);
    free(b->headers[i].value);
  }
  free(b->headers);
  free(b->path);
  free(b->query);
  free(b->body);
  memset(b, 0, sizeof *b);
}

void cf_built_view(const cf_built *b, cf_request *out)
{
  out->method = b->method;
  out->path = b->path;
  out->query = b->query;
  out->headers = b->headers;
  out->header_count = b->header_count;
  out->body = b->body;
  out->body_len = b->body_len;
}
