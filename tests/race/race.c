/*
 * race.c: requests racing on one upload through mrsu_handle, from many
 * threads at once; built with ThreadSanitizer by `make race`.
 *
 * Three races, each released by a barrier so the threads start
 * together:
 *   - first use: every thread opens its own service and sends a Create,
 *     so the printable pattern is compiled while others want it;
 *   - Complete against Complete: every thread completes the same upload
 *     with the same parts (each listed in its own order), many times;
 *     every answer is 200 with one read set id, and exactly one read
 *     set id is issued;
 *   - Complete against Abort, round after round on a fresh upload, with
 *     readers listing parts and uploads meanwhile: either Completes won
 *     (each 200 names the same read set, every Abort is 400) or one
 *     Abort won (no Complete is 200, the other Aborts are 404).
 * After each race the service's dump must show one consistent state:
 * the upload COMPLETED with that read set, or ABORTED, and the read
 * set counter moved by exactly the read sets issued. Prints one line
 * per race; exits 1 when an outcome is wrong (TSan exits on a race).
 */
#include "mrsu.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define REPEATS 25              /* Completes per thread, second race */
#define ROUNDS 150              /* rounds of the third race */
#define STORE MRSU_DEFAULT_STORE

/* What one thread answers in a round. */
typedef struct answer {
  int status;
  char read_set[16];
} answer;

/* One race: the service, the upload, and what each thread saw. */
typedef struct race {
  mrsu_service *service;
  char upload[16];
  char body[1024];              /* the Complete body, parts in order */
  char reversed[1024];          /* the same parts in reverse order */
  pthread_barrier_t start;
  answer answers[THREADS][REPEATS];
} race;

static int failures;

/* Reports a wrong outcome. */
static void wrong(const char *race_name, const char *what)
{
  failures++;
  printf("race %s: %s\n", race_name, what);
}

/* Sends one request; copies the member "name" of a 200 answer (when
 * name is not NULL) into out. Returns the status. */
static int send(mrsu_service *s, const char *method, const char *path,
                const char *query, const char *body, const char *name,
                char *out, size_t outlen)
{
  static const mrsu_header json = {"Content-Type", "application/json"};
  mrsu_request rq;
  mrsu_response rs;
  const char *at;
  int status;

  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.query = query;
  rq.headers = &json;
  rq.header_count = 1;
  rq.body = (const unsigned char *)body;
  rq.body_len = body ? strlen(body) : 0;
  if (mrsu_handle(s, &rq, &rs) < 0)
    wrong("send", "out of memory");
  status = rs.status;
  if (name && status == 200 && rs.body) {
    at = strstr(rs.body, name);
    if (at)
      snprintf(out, outlen, "%.*s", (int)strcspn(at + strlen(name), "\""),
               at + strlen(name));
  }
  mrsu_response_free(&rs);
  return status;
}

/* Opens a FASTQ upload with SOURCE1 parts 1..3 and SOURCE2 parts 1..2,
 * and writes the Complete bodies that list them. Returns 0 or -1. */
static int prepare(race *r)
{
  static const char *const sources[] = {"SOURCE1", "SOURCE1", "SOURCE1",
                                        "SOURCE2", "SOURCE2"};
  static const int numbers[] = {1, 2, 3, 1, 2};
  char path[128], query[64], sum[5][64], data[32];
  size_t a = 0, b = 0;

  if (send(r->service, "POST", "/sequencestore/" STORE "/upload", NULL,
           "{\"sourceFileType\":\"FASTQ\",\"subjectId\":\"s\","
           "\"sampleId\":\"m\",\"name\":\"race\"}", "\"uploadId\":\"",
           r->upload, sizeof r->upload) != 200)
    return -1;
  snprintf(path, sizeof path, "/sequencestore/" STORE "/upload/%s/part",
           r->upload);
  for (int i = 0; i < 5; i++) {
    snprintf(query, sizeof query, "partSource=%s&partNumber=%d",
             sources[i], numbers[i]);
    snprintf(data, sizeof data, "@r%d\nACGT\n+\nIIII\n", i);
    if (send(r->service, "PUT", path, query, data, "\"checksum\":\"",
             sum[i], sizeof sum[i]) != 200)
      return -1;
  }
  a += (size_t)snprintf(r->body, sizeof r->body, "{\"parts\":[");
  b += (size_t)snprintf(r->reversed, sizeof r->reversed, "{\"parts\":[");
  for (int i = 0; i < 5; i++) {
    a += (size_t)snprintf(r->body + a, sizeof r->body - a,
                          "%s{\"partNumber\":%d,\"partSource\":\"%s\","
                          "\"checksum\":\"%s\"}", i ? "," : "",
                          numbers[i], sources[i], sum[i]);
    b += (size_t)snprintf(r->reversed + b, sizeof r->reversed - b,
                          "%s{\"partNumber\":%d,\"partSource\":\"%s\","
                          "\"checksum\":\"%s\"}", i ? "," : "",
                          numbers[4 - i], sources[4 - i], sum[4 - i]);
  }
  snprintf(r->body + a, sizeof r->body - a, "]}");
  snprintf(r->reversed + b, sizeof r->reversed - b, "]}");
  return 0;
}

/* A service with the defaults and a fixed clock, or NULL. */
static mrsu_service *new_service(void)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.fixed_time = 1767225600;
  return mrsu_service_new(&config);
}

/* The thread's index and its race. */
typedef struct worker {
  race *r;
  int index;
} worker;

/* First race: a service of its own, and a Create at once. */
static void *first_use(void *arg)
{
  worker *w = arg;
  mrsu_service *s = new_service();
  char id[16] = "";

  pthread_barrier_wait(&w->r->start);
  if (!s || send(s, "POST", "/sequencestore/" STORE "/upload", NULL,
                 "{\"sourceFileType\":\"BAM\",\"subjectId\":\"s\","
                 "\"sampleId\":\"m\",\"name\":\"first use\"}",
                 "\"uploadId\":\"", id, sizeof id) != 200)
    w->r->answers[w->index][0].status = -1;
  else
    w->r->answers[w->index][0].status = 200;
  mrsu_service_free(s);
  return NULL;
}

/* Second race: Complete the same upload REPEATS times. */
static void *complete_many(void *arg)
{
  worker *w = arg;
  race *r = w->r;
  char path[128];

  snprintf(path, sizeof path, "/sequencestore/" STORE
           "/upload/%s/complete", r->upload);
  pthread_barrier_wait(&r->start);
  for (int k = 0; k < REPEATS; k++) {
    answer *a = &r->answers[w->index][k];
    a->status = send(r->service, "POST", path, NULL,
                     (w->index + k) % 2 ? r->reversed : r->body,
                     "\"readSetId\":\"", a->read_set,
                     sizeof a->read_set);
  }
  return NULL;
}

/* Third race: even threads Complete, odd ones Abort, and each then
 * lists the parts and the uploads while the others still run. */
static void *complete_or_abort(void *arg)
{
  worker *w = arg;
  race *r = w->r;
  answer *a = &r->answers[w->index][0];
  char path[128], scratch[64];
  int aborting = w->index % 2;

  snprintf(path, sizeof path, "/sequencestore/" STORE "/upload/%s/%s",
           r->upload, aborting ? "abort" : "complete");
  pthread_barrier_wait(&r->start);
  a->status = send(r->service, aborting ? "DELETE" : "POST", path, NULL,
                   aborting ? NULL : r->body, "\"readSetId\":\"",
                   a->read_set, sizeof a->read_set);
  snprintf(path, sizeof path, "/sequencestore/" STORE "/upload/%s/parts",
           r->upload);
  send(r->service, "POST", path, NULL, "{\"partSource\":\"SOURCE1\"}",
       NULL, scratch, sizeof scratch);
  send(r->service, "POST", "/sequencestore/" STORE "/uploads", NULL, NULL,
       NULL, scratch, sizeof scratch);
  return NULL;
}

/* Runs fn on THREADS threads over r. Returns 0 or -1. */
static int run_threads(race *r, void *(*fn)(void *))
{
  pthread_t threads[THREADS];
  worker workers[THREADS];
  int started = 0, rc = 0;

  memset(r->answers, 0, sizeof r->answers);
  if (pthread_barrier_init(&r->start, NULL, THREADS))
    return -1;
  for (; started < THREADS; started++) {
    workers[started].r = r;
    workers[started].index = started;
    if (pthread_create(&threads[started], NULL, fn, &workers[started]))
      break;
  }
  if (started < THREADS) {
    /* A barrier that can never fill would hang: give up instead. */
    fprintf(stderr, "race: cannot start %d threads\n", THREADS);
    exit(2);
  }
  for (int i = 0; i < started; i++)
    rc |= pthread_join(threads[i], NULL);
  pthread_barrier_destroy(&r->start);
  return rc ? -1 : 0;
}

/* 1 when the dump of s shows upload in state, with read set id
 * read_set when completed, and the next read set id next. */
static int dump_shows(mrsu_service *s, const char *upload,
                      const char *state, const char *read_set,
                      unsigned long next)
{
  char *dump = mrsu_service_dump(s), line[128], counter[64];
  int ok;

  snprintf(counter, sizeof counter, "next read set %lu\n", next);
  snprintf(line, sizeof line, "  upload %s %s\n", upload, state);
  ok = dump && strstr(dump, counter) && strstr(dump, line);
  if (ok && read_set) {
    snprintf(line, sizeof line, " read set %s\n", read_set);
    ok = strstr(dump, line) != NULL;
  }
  free(dump);
  return ok;
}

/* The first race. */
static void race_first_use(race *r)
{
  int ok = 0;

  run_threads(r, first_use);
  for (int i = 0; i < THREADS; i++)
    ok += r->answers[i][0].status == 200;
  if (ok != THREADS)
    wrong("first use", "a Create failed");
  printf("race first use: %d threads, %d services, each Create 200\n",
         THREADS, ok);
}

/* The second race. */
static void race_complete_many(race *r)
{
  const char *id = NULL;
  int ok = 0;

  r->service = new_service();
  if (!r->service || prepare(r) < 0 || run_threads(r, complete_many) < 0) {
    wrong("complete", "cannot set up the race");
    mrsu_service_free(r->service);
    return;
  }
  for (int i = 0; i < THREADS; i++)
    for (int k = 0; k < REPEATS; k++) {
      answer *a = &r->answers[i][k];
      if (a->status != 200)
        wrong("complete", "a Complete was not 200");
      else if (id && strcmp(id, a->read_set))
        wrong("complete", "two read set ids for one upload");
      else
        ok++, id = a->read_set;
    }
  if (!id || !dump_shows(r->service, r->upload, "COMPLETED", id,
                         2000000002UL))
    wrong("complete", "the state is not one completed upload");
  printf("race complete: %d Completes from %d threads, all 200 with read "
         "set %s\n", ok, THREADS, id ? id : "(none)");
  mrsu_service_free(r->service);
}

/* Judges one round of the third race; counts who won. If a Complete
 * won, every Complete is 200 with one read set and every Abort 400; if
 * an Abort won, it is the only 200 and every other answer is 404. */
static void judge_round(race *r, unsigned long *next, int *completed,
                        int *aborted)
{
  const char *id = NULL;
  int c200 = 0, a200 = 0, bad = 0, loser;

  for (int i = 0; i < THREADS; i += 2)
    if (r->answers[i][0].status == 200) {
      bad |= id && strcmp(id, r->answers[i][0].read_set);
      id = r->answers[i][0].read_set;
      c200++;
    }
  for (int i = 1; i < THREADS; i += 2)
    a200 += r->answers[i][0].status == 200;
  loser = c200 ? 400 : 404;
  for (int i = 0; i < THREADS; i++)
    bad |= r->answers[i][0].status != 200 &&
           r->answers[i][0].status != (i % 2 ? loser : 404);
  bad |= c200 ? c200 != THREADS / 2 || a200 : a200 != 1;
  if (bad)
    wrong("complete or abort", "answers of both outcomes, or wrong ones");
  else if (c200 && !dump_shows(r->service, r->upload, "COMPLETED", id,
                               ++*next))
    wrong("complete or abort", "Complete won but the state disagrees");
  else if (a200 && !dump_shows(r->service, r->upload, "ABORTED", NULL,
                               *next))
    wrong("complete or abort", "Abort won but the state disagrees");
  *completed += c200 > 0;
  *aborted += a200 > 0;
}

/* The third race. */
static void race_complete_or_abort(race *r)
{
  unsigned long next = 2000000001UL;
  int completed = 0, aborted = 0;

  r->service = new_service();
  for (int round = 0; r->service && round < ROUNDS; round++) {
    if (prepare(r) < 0 || run_threads(r, complete_or_abort) < 0) {
      wrong("complete or abort", "cannot set up a round");
      break;
    }
    judge_round(r, &next, &completed, &aborted);
  }
  printf("race complete or abort: %d rounds of %d threads; Complete won "
         "%d, Abort won %d, one outcome each round\n", ROUNDS, THREADS,
         completed, aborted);
  mrsu_service_free(r->service);
}

int main(void)
{
  race *r = calloc(1, sizeof *r);

  if (!r)
    return 2;
  race_first_use(r);
  race_complete_many(r);
  race_complete_or_abort(r);
  free(r);
  printf("race: %s\n", failures ? "FAILED" : "every outcome consistent");
  return failures ? 1 : 0;
}
