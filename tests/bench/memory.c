/*
 * memory.c: the memory refserver needs per part it holds.
 *
 *   memory URL STORE UPLOADS PARTS CONNS PID SECONDS
 *
 * Reads the resident set of the idle server PID (VmRSS), creates
 * UPLOADS FASTQ uploads on it, then uploads PARTS one-byte parts to
 * each (SOURCE1, numbered from 1), every upload left open. The parts go
 * round-robin: part 1 of every upload, then part 2 of every upload, and
 * so on, as many clients uploading at once would send them, so that
 * every upload's parts grow side by side. Requests go over CONNS
 * kept-alive connections at once (libcurl multi). Every answer must be
 * 200. The figure is the server's peak resident set (VmHWM) less its
 * idle resident set, per part held. The parts' bytes are in the data
 * directory, not in memory. The run stops issuing requests after
 * SECONDS, and then says how far it got.
 */
#include "bench.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CONNS 64
#define ID_ROOM 16

/* One connection's request in flight. */
typedef struct conn {
  CURL *h;
  size_t job;                   /* which request it carries */
  char url[256];
  char answer[512];
  size_t answer_len;
  int busy;
} conn;

/* The whole run. */
typedef struct load {
  const char *base;             /* URL/sequencestore/STORE */
  size_t uploads, parts;
  char (*ids)[ID_ROOM];         /* the upload ids, by index */
  CURLM *multi;
  conn c[MAX_CONNS];
  size_t conns;
  struct curl_slist *headers;
  size_t next, done, failed;
  double deadline;
} load;

/* libcurl's write callback: keeps the start of the answer. */
static size_t keep(char *in, size_t size, size_t count, void *cls)
{
  conn *c = cls;
  size_t n = size * count, room = sizeof c->answer - 1 - c->answer_len;

  if (n < room)
    room = n;
  memcpy(c->answer + c->answer_len, in, room);
  c->answer_len += room;
  c->answer[c->answer_len] = '\0';
  return n;
}

/* Sets up connection c for job j of the phase (creating: a Create;
 * else a part). */
static void prepare(load *l, conn *c, size_t j, int creating)
{
  static const char create[] = "{\"sourceFileType\":\"FASTQ\","
    "\"subjectId\":\"s1\",\"sampleId\":\"x1\",\"name\":\"bench\"}";
  size_t upload = j % l->uploads, number = j / l->uploads + 1;

  c->job = j;
  c->answer_len = 0;
  if (creating)
    snprintf(c->url, sizeof c->url, "%s/upload", l->base);
  else
    snprintf(c->url, sizeof c->url, "%s/upload/%s/part?partSource="
             "SOURCE1&partNumber=%zu", l->base, l->ids[upload], number);
  curl_easy_setopt(c->h, CURLOPT_URL, c->url);
  curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, creating ? "POST" : "PUT");
  curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, creating ? create : "A");
  curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE,
                   creating ? (long)sizeof create - 1 : 1L);
}

/* Reads the answer of a finished request. Returns 0, or -1 when it was
 * not a 200 with what the phase needs. */
static int finish(load *l, conn *c, CURLcode result, int creating)
{
  const char *at;
  long status = 0;

  curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
  if (result != CURLE_OK || status != 200)
    return -1;
  if (!creating)
    return 0;
  at = strstr(c->answer, "\"uploadId\":\"");
  if (!at || sscanf(at + 12, "%15[0-9]", l->ids[c->job]) != 1)
    return -1;
  return 0;
}

/* Hands the next jobs to idle connections, until total or the
 * deadline. */
static void feed(load *l, size_t total, int creating)
{
  for (size_t i = 0; i < l->conns; i++) {
    if (l->c[i].busy || l->next >= total || bench_now() > l->deadline)
      continue;
    prepare(l, &l->c[i], l->next++, creating);
    l->c[i].busy = 1;
    curl_multi_add_handle(l->multi, l->c[i].h);
  }
}

/* Collects the requests that ended. */
static void collect(load *l, int creating)
{
  CURLMsg *m;
  conn *c;
  int left;

  while ((m = curl_multi_info_read(l->multi, &left))) {
    if (m->msg != CURLMSG_DONE)
      continue;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&c);
    if (finish(l, c, m->data.result, creating) && l->failed++ == 0)
      fprintf(stderr, "memory: %s: failed: %s\n", c->url, c->answer);
    curl_multi_remove_handle(l->multi, m->easy_handle);
    c->busy = 0;
    l->done++;
  }
}

/* Runs total requests of one phase. Returns how many were answered. */
static size_t phase(load *l, size_t total, int creating)
{
  int running = 1;

  l->next = l->done = 0;
  while (l->done < l->next || l->next < total) {
    feed(l, total, creating);
    if (l->done == l->next)
      break;
    curl_multi_perform(l->multi, &running);
    collect(l, creating);
    if (l->done < l->next)
      curl_multi_poll(l->multi, NULL, 0, 100, NULL);
  }
  return l->done;
}

/* Opens the connections. Returns 0 or -1. */
static int open_load(load *l)
{
  l->multi = curl_multi_init();
  l->headers = curl_slist_append(NULL, "Content-Type: application/json");
  l->ids = calloc(l->uploads, sizeof *l->ids);
  if (!l->multi || !l->headers || !l->ids)
    return -1;
  curl_multi_setopt(l->multi, CURLMOPT_MAXCONNECTS, (long)l->conns);
  for (size_t i = 0; i < l->conns; i++) {
    conn *c = &l->c[i];
    c->h = curl_easy_init();
    if (!c->h)
      return -1;
    curl_easy_setopt(c->h, CURLOPT_PRIVATE, (char *)c);
    curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, keep);
    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, l->headers);
    curl_easy_setopt(c->h, CURLOPT_TIMEOUT, 30L);
  }
  return 0;
}

/* Closes what open_load opened. */
static void close_load(load *l)
{
  for (size_t i = 0; i < l->conns; i++)
    if (l->c[i].h) {
      if (l->c[i].busy)
        curl_multi_remove_handle(l->multi, l->c[i].h);
      curl_easy_cleanup(l->c[i].h);
    }
  if (l->multi)
    curl_multi_cleanup(l->multi);
  curl_slist_free_all(l->headers);
  free(l->ids);
}

/* Prints the raw lines and the figure. Returns the exit status. */
static int report(const load *l, long pid, size_t idle, size_t made,
                  size_t parts, double seconds)
{
  size_t peak, now;

  if (bench_rss(pid, &peak, &now)) {
    fprintf(stderr, "memory: cannot read /proc/%ld/status\n", pid);
    return 1;
  }
  printf("memory: %zu uploads created, %zu parts of 1 byte uploaded in "
         "%.1f s (%.0f per second), %zu failed\n", made, parts, seconds,
         (double)parts / seconds, l->failed);
  printf("memory: refserver resident set: idle %zu bytes, peak (VmHWM) "
         "%zu, now (VmRSS) %zu; peak less idle %zu bytes\n", idle, peak,
         now, peak - idle);
  if (made < l->uploads || parts < l->uploads * l->parts || l->failed) {
    printf("memory: stopped short of %zu parts: no figure\n",
           l->uploads * l->parts);
    return 1;
  }
  printf("memory: per upload (peak less idle): %.0f bytes\n",
         (double)(peak - idle) / (double)l->uploads);
  bench_figure("memory-per-part", (double)(peak - idle) / (double)parts,
               BENCH_AT_MOST, 200);
  return 0;
}

int main(int argc, char **argv)
{
  char base[512];
  load l;
  size_t idle, peak, made = 0, parts = 0;
  long pid = argc == 8 ? strtol(argv[6], NULL, 10) : 0;
  double t0;
  int rc = 1;

  memset(&l, 0, sizeof l);
  if (argc == 8) {
    snprintf(base, sizeof base, "%s/sequencestore/%s", argv[1], argv[2]);
    l.base = base;
    l.uploads = strtoul(argv[3], NULL, 10);
    l.parts = strtoul(argv[4], NULL, 10);
    l.conns = strtoul(argv[5], NULL, 10);
  }
  if (!l.uploads || !l.parts || !l.conns || l.conns > MAX_CONNS ||
      pid <= 0) {
    fprintf(stderr, "usage: memory URL STORE UPLOADS PARTS CONNS PID "
            "SECONDS\n");
    return 2;
  }
  if (bench_rss(pid, &peak, &idle) || curl_global_init(CURL_GLOBAL_ALL) ||
      open_load(&l))
    goto out;
  t0 = bench_now();
  l.deadline = t0 + strtod(argv[7], NULL);
  made = phase(&l, l.uploads, 1);
  if (made == l.uploads && !l.failed)
    parts = phase(&l, l.uploads * l.parts, 0);
  rc = report(&l, pid, idle, made, parts, bench_now() - t0);
out:
  close_load(&l);
  curl_global_cleanup();
  return rc;
}
