/*
 * request.c: building requests from templates.
 *
 * Query pairs are percent-encoded (name and value, all but RFC 3986
 * unreserved bytes) and joined with '&' in order; rawQuery is sent as
 * written. A `json` body is serialised compactly by cJSON, with each
 * number written as the literal the vector file holds, so forms such
 * as 1.0, 1e0 or -0 reach the target as written. A `repeat` body is
 * built in memory: prefix, count units joined by the separator, then
 * suffix; without a counter the units are copied by doubling the part
 * already written, so a body of 100 MiB takes a few copies.
 */
#include "request.h"

#include "codec.h"
#include "vectors.h"

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

/* The number of units of a repeat. */
static unsigned long long repeat_count(const cJSON *rp)
{
  return (unsigned long long)cJSON_GetObjectItemCaseSensitive(
             rp, "count")->valuedouble;
}

/* The string member name of a repeat, or "" when it is absent. */
static const char *repeat_text(const cJSON *rp, const char *name)
{
  const cJSON *node = cJSON_GetObjectItemCaseSensitive(rp, name);

  return cJSON_IsString(node) ? node->valuestring : "";
}

/* Appends unit number i of a repeat: its text with the counter, when
 * there is one, standing for i. Returns 0, or -1 with the reason in err
 * ("" when memory ran out). */
static int add_unit(const cJSON *rp, unsigned long long i, buf *out,
                    char *err, size_t errlen)
{
  const cJSON *counter = cJSON_GetObjectItemCaseSensitive(rp, "counter");
  vars local = {0};
  char num[24];
  int rc = -1;

  snprintf(num, sizeof num, "%llu", i);
  if (counter && vars_set(&local, counter->valuestring, num) < 0)
    goto out;
  rc = vars_expand(repeat_text(rp, "text"), &local, out, err, errlen);

out:
  vars_free(&local);
  return rc;
}

int cf_repeat_size(const cJSON *rp, size_t affixes,
                   unsigned long long *size, char *err, size_t errlen)
{
  unsigned long long count = repeat_count(rp);
  size_t sep = strlen(repeat_text(rp, "separator"));
  buf unit;
  int rc;

  if (errlen)
    err[0] = '\0';
  buf_init(&unit);
  rc = add_unit(rp, count ? count : 1, &unit, err, errlen);
  if (rc == 0 && buf_failed(&unit))
    rc = -1;
  *size = affixes;
  if (rc == 0 && count)
    *size += count * unit.len + (count - 1) * sep;
  buf_free(&unit);
  return rc;
}

/* Appends the units of a repeat with a counter, one by one. Returns 0,
 * or -1 with the reason in err. */
static int add_counted(const cJSON *rp, buf *out, char *err,
                       size_t errlen)
{
  unsigned long long count = repeat_count(rp);
  const char *sep = repeat_text(rp, "separator");

  for (unsigned long long i = 1; i <= count; i++) {
    if (i > 1)
      buf_adds(out, sep);
    if (add_unit(rp, i, out, err, errlen) < 0)
      return -1;
  }
  return buf_failed(out) ? -1 : 0;
}

/* Fills p with count copies of unit + sep (count * period bytes,
 * period = unit + sep), copying what is written already. */
static void fill_copies(char *p, const buf *unit, const char *sep,
                        unsigned long long count)
{
  size_t period = unit->len + strlen(sep), done = period, n;
  size_t total = (size_t)count * period;

  memcpy(p, unit->data ? unit->data : "", unit->len);
  memcpy(p + unit->len, sep, strlen(sep));
  while (done < total) {
    n = done < total - done ? done : total - done;
    memcpy(p + done, p, n);
    done += n;
  }
}

/* Builds a repeat without a counter into one allocation of the exact
 * size: prefix, copies, suffix. Returns 0, or -1 with the reason in
 * err. */
static int build_copies(const cJSON *rp, const char *prefix,
                        const char *suffix, unsigned long long size,
                        cf_built *b, char *err, size_t errlen)
{
  unsigned long long count = repeat_count(rp);
  const char *sep = repeat_text(rp, "separator");
  size_t at = strlen(prefix);
  buf unit;
  int rc = -1;

  buf_init(&unit);
  if (add_unit(rp, 1, &unit, err, errlen) < 0 || buf_failed(&unit))
    goto out;
  b->body = malloc((size_t)size + strlen(sep) + 1);
  if (!b->body)
    goto out;
  memcpy(b->body, prefix, at);
  if (count) {
    fill_copies((char *)b->body + at, &unit, sep, count);
    at += (size_t)count * (unit.len + strlen(sep)) - strlen(sep);
  }
  memcpy(b->body + at, suffix, strlen(suffix));
  b->body_len = (size_t)size;
  rc = 0;

out:
  buf_free(&unit);
  return rc;
}

/* Builds a `repeat` body: the affixes expanded with vs, the size
 * checked against CF_BODY_MAX, then the units. Returns 0, or -1 with
 * the reason in err ("" when memory ran out). */
static int build_repeat(const cJSON *rp, const vars *vs, cf_built *b,
                        char *err, size_t errlen)
{
  char *prefix = vars_expand_new(repeat_text(rp, "prefix"), vs, err,
                                 errlen);
  char *suffix = prefix ? vars_expand_new(repeat_text(rp, "suffix"), vs,
                                          err, errlen) : NULL;
  unsigned long long size;
  buf out;
  int rc = -1;

  buf_init(&out);
  if (!suffix || cf_repeat_size(rp, strlen(prefix) + strlen(suffix),
                                &size, err, errlen) < 0)
    goto out;
  if (size > CF_BODY_MAX) {
    snprintf(err, errlen, "the repeat body would be %llu bytes, over the "
             "limit of %llu", size, CF_BODY_MAX);
    goto out;
  }
  if (!cJSON_GetObjectItemCaseSensitive(rp, "counter")) {
    rc = build_copies(rp, prefix, suffix, size, b, err, errlen);
    goto out;
  }
  buf_adds(&out, prefix);
  if (add_counted(rp, &out, err, errlen) < 0)
    goto out;
  buf_adds(&out, suffix);
  b->body_len = out.len;
  b->body = (unsigned char *)buf_take(&out);
  rc = b->body ? 0 : -1;

out:
  buf_free(&out);
  free(prefix);
  free(suffix);
  return rc;
}

/* Builds the body from json, text, base64 or repeat (or none). */
static int build_body(const cJSON *rq, const vars *vs, cf_built *b,
                      char *err, size_t errlen)
{
  const cJSON *json = cJSON_GetObjectItemCaseSensitive(rq, "json");
  const cJSON *text = cJSON_GetObjectItemCaseSensitive(rq, "text");
  const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(rq, "base64");
  const cJSON *rp = cJSON_GetObjectItemCaseSensitive(rq, "repeat");
  char *s = NULL;
  int rc;

  if (rp)
    return build_repeat(rp, vs, b, err, errlen);
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

int cf_built_add_header(cf_built *b, const char *name, const char *value)
{
  cf_header *grown = realloc(b->headers,
                             (b->header_count + 1) * sizeof *grown);
  cf_header *h;

  if (!grown)
    return -1;
  b->headers = grown;
  h = &grown[b->header_count++];
  h->name = strdup(name);
  h->value = strdup(value);
  return h->name && h->value ? 0 : -1;
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
