/*
 * complete.c: CompleteMultipartReadSetUpload with many parts through
 * mrsu_handle, timed against cJSON_Parse of the same body.
 *
 * For 100, 1,000 and 10,000 parts in each of the two sources, every
 * round builds a fresh service holding one FASTQ upload and all its
 * parts, each uploaded with body_checksum set so that no bytes are
 * hashed (not timed). It then times, one after the other, mrsu_handle
 * on the Complete that lists every part (SOURCE1 1..N, then SOURCE2
 * 1..N), the identical repeat (200 with the same read set: the same
 * validation and parts checks), cJSON_Parse of the body, and, alone,
 * two pieces of the Complete: jg_parse of the body and text_printable
 * of its checksums. Timings are the process's CPU time, so that other
 * work on the machine does not count. Medians over the rounds give the
 * cost per listed part at each size, and for 10,000 per source the
 * ratio of the Complete to the parse. Last, a repeated Complete of 2
 * parts per source and an unknown path are timed through mrsu_handle,
 * for comparison with the same two over HTTP (tests/bench/run.sh).
 *
 * usage: complete [ROUND_SCALE]   (1 by default; 0.2 for a quick look)
 */
#include "bench.h"

#include "checksum.h"
#include "json_gate.h"
#include "mrsu.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE "/sequencestore/" MRSU_DEFAULT_STORE
#define SIZES 3
#define ID_ROOM 16

/* The checksum of one part, as UploadReadSetPart issues it. */
typedef char sum_text[CHECKSUM_LEN + 1];

/* One size: the parts per source and how many rounds to time. */
static const struct {
  size_t parts;
  int rounds;
} sizes[SIZES] = {{100, 201}, {1000, 41}, {10000, 9}};

/* What one size measured: medians, in seconds. */
typedef struct measured {
  double complete;
  double repeat;
  double parse;
  double gate;                  /* jg_parse alone */
  double printable;             /* text_printable over every checksum */
  double ratio;                 /* Complete / cJSON_Parse, per round */
  size_t body_len;
} measured;

/* The timings of one round, in CPU seconds; a negative one failed. */
enum {
  T_COMPLETE, T_REPEAT, T_PARSE, T_GATE, T_PRINTABLE, T_RATIO, T_KINDS
};

/* Sends one request with a JSON Content-Type. Fills *res (the caller
 * frees). Returns the status, or -1 when the core ran out of memory. */
static int call_core(mrsu_service *s, const char *method,
                     const char *path, const char *query,
                     const char *body, size_t len, const char *sum,
                     mrsu_response *res)
{
  static const mrsu_header json = {"Content-Type", "application/json"};
  mrsu_request rq;

  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.query = query;
  rq.headers = &json;
  rq.header_count = 1;
  rq.body = (const unsigned char *)body;
  rq.body_len = len;
  rq.body_checksum = sum;
  if (mrsu_handle(s, &rq, res) < 0)
    return -1;
  return res->status;
}

/* Creates a FASTQ upload; its id goes to id. Returns 0 or -1. */
static int create_upload(mrsu_service *s, char id[ID_ROOM])
{
  static const char body[] = "{\"sourceFileType\":\"FASTQ\","
    "\"subjectId\":\"s1\",\"sampleId\":\"x1\",\"name\":\"bench\"}";
  mrsu_response res;
  cJSON *answer = NULL;
  const cJSON *v;
  int rc = -1;

  if (call_core(s, "POST", STORE "/upload", NULL, body, sizeof body - 1,
           NULL, &res) != 200)
    goto out;
  answer = cJSON_ParseWithLength(res.body, res.body_len);
  v = cJSON_GetObjectItemCaseSensitive(answer, "uploadId");
  if (!cJSON_IsString(v) || strlen(v->valuestring) >= ID_ROOM)
    goto out;
  memcpy(id, v->valuestring, strlen(v->valuestring) + 1);
  rc = 0;
out:
  cJSON_Delete(answer);
  mrsu_response_free(&res);
  return rc;
}

/* Uploads parts 1..n of both sources, each 1 byte long by body_len
 * with the checksum sums[source * n + number - 1]. Returns 0 or -1. */
static int put_parts(mrsu_service *s, const char *id, size_t n,
                     sum_text *sums)
{
  char path[80], query[80];
  mrsu_response res;
  int status;

  snprintf(path, sizeof path, STORE "/upload/%s/part", id);
  for (size_t k = 0; k < 2 * n; k++) {
    snprintf(query, sizeof query, "partSource=SOURCE%zu&partNumber=%zu",
             k / n + 1, k % n + 1);
    status = call_core(s, "PUT", path, query, NULL, 1, sums[k], &res);
    mrsu_response_free(&res);
    if (status != 200)
      return -1;
  }
  return 0;
}

/* The Complete body listing every part of both sources. Returns it
 * (the caller frees) with *len set, or NULL when memory ran out. */
static char *complete_body(size_t n, sum_text *sums,
                           size_t *len)
{
  size_t room = 16 + 2 * n * 128, used;
  char *body = malloc(room);

  if (!body)
    return NULL;
  used = (size_t)snprintf(body, room, "{\"parts\":[");
  for (size_t k = 0; k < 2 * n; k++)
    used += (size_t)snprintf(body + used, room - used,
                             "%s{\"partNumber\":%zu,\"partSource\":"
                             "\"SOURCE%zu\",\"checksum\":\"%s\"}",
                             k ? "," : "", k % n + 1, k / n + 1, sums[k]);
  used += (size_t)snprintf(body + used, room - used, "]}");
  *len = used;
  return body;
}

/* Times one Complete of body on s: the CPU seconds it took, or a
 * negative value when it did not answer 200. */
static double time_complete(mrsu_service *s, const char *path,
                            const char *body, size_t len)
{
  mrsu_response res;
  double t0 = bench_cpu(), t1;
  int status = call_core(s, "POST", path, NULL, body, len, NULL, &res);

  t1 = bench_cpu();
  if (status != 200 || !strstr(res.body, "readSetId"))
    t1 = t0 - 1;
  mrsu_response_free(&res);
  return t1 - t0;
}

/* Times cJSON_Parse of body: the CPU seconds it took, or a negative
 * value when it failed. */
static double time_parse(const char *body)
{
  double t0 = bench_cpu(), t1;
  cJSON *tree = cJSON_Parse(body);

  t1 = bench_cpu();
  if (!tree)
    return -1;
  cJSON_Delete(tree);
  return t1 - t0;
}

/* Times jg_parse, the core's strict JSON gate, on body: the CPU
 * seconds it took, or a negative value when it failed. */
static double time_gate(const char *body, size_t len)
{
  double t0 = bench_cpu(), t1;
  cJSON *tree = jg_parse((const unsigned char *)body, len, NULL, 0, NULL);

  t1 = bench_cpu();
  if (!tree)
    return -1;
  cJSON_Delete(tree);
  return t1 - t0;
}

/* Times text_printable, the printable pattern every checksum of a
 * Complete must match, over the 2 * n checksums: the CPU seconds it
 * took, or a negative value when one did not match. */
static double time_printable(size_t n, sum_text *sums)
{
  double t0 = bench_cpu();

  for (size_t k = 0; k < 2 * n; k++)
    if (text_printable(sums[k]) != 1)
      return -1;
  return bench_cpu() - t0;
}

/* Runs one round: a fresh service, the upload and its parts (not
 * timed), then the timings t[T_KINDS] back to back, so that the ratio
 * of a round compares measurements taken together. Returns 0, or -1
 * when a request or a timing failed. */
static int one_round(size_t n, sum_text *sums, const char *body,
                     size_t len, double *t)
{
  mrsu_config config;
  mrsu_service *s;
  char id[ID_ROOM], path[80];
  int rc = -1;

  mrsu_config_default(&config);
  config.fixed_time = 1767225600;
  s = mrsu_service_new(&config);
  if (!s || create_upload(s, id) || strcmp(id, "1000000001") ||
      put_parts(s, id, n, sums))
    goto out;
  snprintf(path, sizeof path, STORE "/upload/%s/complete", id);
  t[T_COMPLETE] = time_complete(s, path, body, len);
  t[T_REPEAT] = time_complete(s, path, body, len);
  t[T_PARSE] = time_parse(body);
  t[T_GATE] = time_gate(body, len);
  t[T_PRINTABLE] = time_printable(n, sums);
  t[T_RATIO] = t[T_COMPLETE] / t[T_PARSE];
  rc = 0;
  for (int k = 0; k < T_RATIO; k++)
    if (t[k] < 0)
      rc = -1;
out:
  mrsu_service_free(s);
  return rc;
}

/* Measures one size into *m: the median of each timing over the
 * rounds. Returns 0 or -1. */
static int measure(size_t n, int rounds, sum_text *sums, measured *m)
{
  double *median[T_KINDS] = {&m->complete, &m->repeat, &m->parse,
                             &m->gate, &m->printable, &m->ratio};
  double *t = calloc(T_KINDS * (size_t)rounds, sizeof *t);
  double *column = calloc((size_t)rounds, sizeof *column);
  char *body = complete_body(n, sums, &m->body_len);
  int rc = -1;

  if (!t || !column || !body)
    goto out;
  for (int r = 0; r < rounds; r++)
    if (one_round(n, sums, body, m->body_len, t + T_KINDS * r))
      goto out;
  for (int k = 0; k < T_KINDS; k++) {
    for (int r = 0; r < rounds; r++)
      column[r] = t[T_KINDS * r + k];
    *median[k] = bench_median(column, (size_t)rounds);
  }
  rc = 0;
out:
  free(t);
  free(column);
  free(body);
  return rc;
}

/* Times batches of count identical requests on s: the median CPU
 * seconds per request, or a negative value when one did not answer
 * status. */
static double time_small(mrsu_service *s, const char *method,
                         const char *path, const char *body, int status)
{
  enum { BATCHES = 9, COUNT = 1000 };
  size_t len = body ? strlen(body) : 0;
  double t[BATCHES];
  mrsu_response res;
  int got;

  for (int b = 0; b < BATCHES; b++) {
    t[b] = bench_cpu();
    for (int i = 0; i < COUNT; i++) {
      got = call_core(s, method, path, NULL, body, len, NULL, &res);
      mrsu_response_free(&res);
      if (got != status)
        return -1;
    }
    t[b] = (bench_cpu() - t[b]) / COUNT;
  }
  return bench_median(t, BATCHES);
}

/* Prints what figure 3 compares, without HTTP: a repeated Complete of
 * two parts per source against an unknown path (405), each through
 * mrsu_handle. Returns 0 or -1. */
static int report_small(sum_text *sums)
{
  mrsu_config config;
  mrsu_service *s;
  char id[ID_ROOM], path[80], *body = NULL;
  double complete, unknown;
  size_t len;
  int rc = -1;

  mrsu_config_default(&config);
  s = mrsu_service_new(&config);
  body = complete_body(2, sums, &len);
  if (!s || !body || create_upload(s, id) || put_parts(s, id, 2, sums))
    goto out;
  snprintf(path, sizeof path, STORE "/upload/%s/complete", id);
  complete = time_small(s, "POST", path, body, 200);
  unknown = time_small(s, "GET", "/bench", NULL, 405);
  if (complete < 0 || unknown < 0)
    goto out;
  printf("complete: without HTTP, a repeated Complete of 2 parts per "
         "source (%zu-byte body) takes %.2f us in mrsu_handle, an "
         "unknown path (405) %.2f us\n", len, complete * 1e6,
         unknown * 1e6);
  rc = 0;
out:
  free(body);
  mrsu_service_free(s);
  return rc;
}

/* Makes a distinct checksum for each of the 2 * n parts. Returns the
 * array (the caller frees), or NULL. */
static sum_text *make_sums(size_t n)
{
  sum_text *sums = calloc(2 * n, sizeof *sums);
  char text[32];

  for (size_t k = 0; sums && k < 2 * n; k++) {
    snprintf(text, sizeof text, "part %zu", k);
    if (checksum_of(text, strlen(text), sums[k]) < 0) {
      free(sums);
      return NULL;
    }
  }
  return sums;
}

/* Prints one size's raw line. Returns its ns per listed part. */
static double report_size(size_t n, int rounds, const measured *m)
{
  double per_part = m->complete * 1e9 / (double)(2 * n);

  printf("complete: %zu parts per source (%zu listed), %zu-byte body, "
         "%d rounds: Complete %.3f ms (%.0f ns per part), repeat "
         "%.3f ms, cJSON_Parse %.3f ms, Complete/parse %.2f\n", n, 2 * n,
         m->body_len, rounds, m->complete * 1e3, per_part,
         m->repeat * 1e3, m->parse * 1e3, m->ratio);
  printf("complete: %zu parts per source, two pieces of the Complete "
         "timed alone: jg_parse (the strict JSON gate) of the body "
         "%.3f ms, text_printable (the PCRE2 pattern) of its %zu "
         "checksums %.3f ms\n", n, m->gate * 1e3, 2 * n,
         m->printable * 1e3);
  return per_part;
}

int main(int argc, char **argv)
{
  double scale = argc > 1 ? strtod(argv[1], NULL) : 1.0;
  double per_part[SIZES], step = 0;
  sum_text *sums = make_sums(sizes[SIZES - 1].parts);
  measured m[SIZES];
  int rounds;

  if (!sums || scale <= 0) {
    fprintf(stderr, "complete: bad scale or out of memory\n");
    return 2;
  }
  for (int i = 0; i < SIZES; i++) {
    rounds = (int)(sizes[i].rounds * scale) | 1;
    if (measure(sizes[i].parts, rounds, sums, &m[i])) {
      fprintf(stderr, "complete: %zu parts: a request failed\n",
              sizes[i].parts);
      free(sums);
      return 1;
    }
    per_part[i] = report_size(sizes[i].parts, rounds, &m[i]);
    if (i > 0 && per_part[i] / per_part[i - 1] > step)
      step = per_part[i] / per_part[i - 1];
  }
  if (report_small(sums))
    fprintf(stderr, "complete: the small Complete failed\n");
  free(sums);
  bench_figure("complete-vs-parse", m[SIZES - 1].ratio, BENCH_AT_MOST,
               3.0);
  bench_figure("complete-linear", step, BENCH_AT_MOST, 2.0);
  return 0;
}
