/*
 * torture.c: every vector replayed on the built-in target with one
 * allocation failing, for each allocation in turn.
 *
 * For each case, run n (n = 1, 2, ...) replays the case with the n-th
 * allocation made inside mrsu_handle failing (failmalloc.h numbers
 * only those, wherever they happen: the core, cJSON, OpenSSL, PCRE2 or
 * the C library); the case is done after the first run that never
 * reaches its n-th allocation. The calls into the core are wrapped at
 * link time (-Wl,--wrap), so the runner and the built-in target are
 * the ones `conform` uses. Each run must show:
 *   - the request that met the failure answers its normal outcome, or
 *     500 InternalServerException with the fixed out-of-memory body and
 *     the service state (mrsu_service_dump) exactly as before it;
 *   - sent again with memory back, that request and the rest of the case
 *     pass as the vector expects, and the service ends in the state the
 *     run without a failure ends in;
 *   - no block is left allocated when the case is over (a growth that a
 *     second identical run does not repeat is a library's one-time
 *     cache, and is counted apart, not as a leak; the errors OpenSSL
 *     keeps for the thread are cleared after each run, since it holds
 *     them in a ring of fixed size).
 * mrsu_service_new, mrsu_service_dump, text_printable (before any
 * vector compiles its pattern) and sigv4_canonical_request (on strings
 * longer than a memory stream's first buffer) are tortured the same
 * way, each on its own. The cases are shared among --jobs worker processes
 * (one per processor by default). Prints every finding, then the number
 * of runs; exits 1 when anything was found, 2 on a usage or vector
 * error.
 *
 *   torture [--vectors DIR] [--id GLOB] [--jobs N]
 */
#include "failmalloc.h"
#include "mrsu.h"
#include "run.h"
#include "sigv4.h"
#include "target.h"
#include "text.h"
#include "vectors.h"

#include <fnmatch.h>
#include <openssl/err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int __real_mrsu_handle(mrsu_service *s, const mrsu_request *rq,
                       mrsu_response *rs);
void __real_mrsu_service_free(mrsu_service *s);

#define SAMPLE_ABOVE 20000
#define SAMPLE_EDGE 64

static const char oom_body[] =
    "{\"message\":\"out of memory; nothing was changed\"}";

/* What the current run has seen. */
static struct {
  const char *case_id;
  unsigned long n;              /* the allocation failing in this run */
  unsigned call;                /* mrsu_handle calls so far */
  uint64_t final;               /* hash of the last state freed */
} run;

/* Totals over the whole torture. */
static struct {
  unsigned long runs;
  unsigned long failed_calls;   /* answered 500, state unchanged */
  unsigned long absorbed;       /* failure hidden, normal answer */
  unsigned long caches;         /* one-time growths of a library */
  unsigned long sampled;        /* cases tortured at a sample */
  unsigned long findings;
} total;

/* Reports one finding. */
static void finding(const char *what, const char *detail)
{
  total.findings++;
  printf("FINDING %s: allocation %lu, call %u: %s%s%s\n",
         run.case_id, run.n, run.call, what, detail ? ": " : "",
         detail ? detail : "");
}

/* FNV-1a of a NUL-terminated string; 0 for NULL. */
static uint64_t hash_text(const char *s)
{
  uint64_t h = 1469598103934665603ULL;

  if (!s)
    return 0;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

/* The first line where a and b differ, into out. */
static void first_difference(const char *a, const char *b, char *out,
                             size_t n)
{
  size_t line = 1, i = 0;

  for (; a[i] && a[i] == b[i]; i++)
    line += a[i] == '\n';
  snprintf(out, n, "dumps differ from line %zu", line);
}

/* Judges a call that met the failure and answered -1: the fixed 500,
 * and the state as before. */
static void judge_failed_call(mrsu_service *s, const mrsu_response *rs,
                              const char *before)
{
  const char *type = mrsu_response_header(rs, "X-Amzn-ErrorType");
  char *after = mrsu_service_dump(s);
  char why[80];

  total.failed_calls++;
  if (rs->status != 500 || !type ||
      strcmp(type, "InternalServerException") ||
      rs->body_len != sizeof oom_body - 1 ||
      memcmp(rs->body, oom_body, rs->body_len))
    finding("the failed call did not answer the fixed 500", NULL);
  if (!before || !after)
    finding("the state could not be dumped", NULL);
  else if (strcmp(before, after)) {
    first_difference(before, after, why, sizeof why);
    finding("the failed call changed the state", why);
  }
  free(after);
}

/* The core's entry point as the runner reaches it: numbered
 * allocations, and the checks above when the failure was met. */
int __wrap_mrsu_handle(mrsu_service *s, const mrsu_request *rq,
                       mrsu_response *rs)
{
  char *before = NULL;
  int rc, armed = fm.fail_at && !fm.hit;

  run.call++;
  if (armed)
    before = mrsu_service_dump(s);
  fm.counting = 1;
  rc = __real_mrsu_handle(s, rq, rs);
  fm.counting = 0;
  if (armed && fm.hit && rc < 0) {
    judge_failed_call(s, rs, before);
    mrsu_response_free(rs);
    rc = __real_mrsu_handle(s, rq, rs);
  } else if (armed && fm.hit) {
    total.absorbed++;
  }
  free(before);
  return rc;
}

/* Frees a service, remembering the hash of its last state. */
void __wrap_mrsu_service_free(mrsu_service *s)
{
  char *dump;

  if (s) {
    dump = mrsu_service_dump(s);
    run.final = hash_text(dump);
    free(dump);
  }
  __real_mrsu_service_free(s);
}

/* Replays case c once with allocation n failing (0: none). Returns 1
 * when the failure was met. *growth gets the blocks left allocated,
 * *count the allocations numbered. */
static int replay(cf_target *t, const cf_case *c, unsigned long n,
                  long *growth, unsigned long *count)
{
  cf_result r;
  long live = fm.live;
  int hit;

  memset(&r, 0, sizeof r);
  run.n = n;
  run.call = 0;
  run.final = 0;
  fm_arm(n);
  cf_run_case(t, c, &r);
  hit = fm.hit;
  *count = fm.seen;
  fm_arm(0);
  /* OpenSSL keeps a thread's last errors (copies of their file and
   * function names) in a ring it reuses: held, not leaked. */
  ERR_clear_error();
  total.runs++;
  if (r.outcome != CF_PASS)
    finding("the case did not pass", r.message ? r.message : "");
  cf_result_free(&r);
  *growth = fm.live - live;
  return hit;
}

/* One torture run of case c with allocation n failing (0: none), with
 * its checks: no block left (a growth that the same run does not
 * repeat is a library's one-time cache), and the final state the one
 * of the run without failure (hash final; n > 0). Returns 1 when the
 * failure was met; *count gets the allocations numbered. */
static int fail_run(cf_target *t, const cf_case *c, unsigned long n,
                    uint64_t final, unsigned long *count)
{
  long growth, kept;
  int hit = replay(t, c, n, &growth, count);
  uint64_t ended = run.final;

  kept = growth;
  if (growth && replay(t, c, n, &growth, count) == hit && growth == 0) {
    total.caches++;
    printf("note %s: allocation %lu: %ld blocks kept once, not again "
           "(a library's one-time cache)\n", c->id, n, kept);
  } else if (growth) {
    finding("blocks left allocated", growth > 0 ? "more" : "fewer");
  }
  run.n = n;
  if (n && ended != final)
    finding("the case ended in another state than without failure",
            NULL);
  return hit;
}

/* Tortures one case: a run without failure, then allocation 1, 2, ...
 * until a run meets none. A case making over SAMPLE_ABOVE allocations
 * (a body of thousands of parts) fails a sample of them instead: the
 * first and the last SAMPLE_EDGE, and SAMPLE_EDGE spread evenly
 * between, since every run of it costs a parse of the whole body. */
static void torture_case(cf_target *t, const cf_case *c)
{
  unsigned long all, count, spread, n;
  uint64_t final;

  run.case_id = c->id;
  fail_run(t, c, 0, 0, &all);
  final = run.final;
  if (all <= SAMPLE_ABOVE) {
    for (n = 1; fail_run(t, c, n, final, &count); n++)
      continue;
    return;
  }
  total.sampled++;
  printf("note %s: %lu allocations; %d of them failed in turn (a "
         "sample)\n", c->id, all, 3 * SAMPLE_EDGE);
  spread = (all - 2 * SAMPLE_EDGE) / (SAMPLE_EDGE + 1);
  for (n = 1; n <= SAMPLE_EDGE; n++) {
    fail_run(t, c, n, final, &count);
    fail_run(t, c, SAMPLE_EDGE + n * spread, final, &count);
    fail_run(t, c, all - SAMPLE_EDGE + n, final, &count);
  }
}

/* Tortures case c as torture_case does, but each run in a new child
 * process, so that the failure can fall on what a process does only
 * once (compiling a pattern, loading a table) and its effect on the
 * runs that follow shows. */
static void torture_first_use(cf_target *t, const cf_case *c)
{
  unsigned long before, count;
  long growth;
  int status = 0;
  pid_t pid;

  run.case_id = c->id;
  for (unsigned long n = 1;; n++) {
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      before = total.findings;
      status = replay(t, c, n, &growth, &count) ? 0 : 3;
      /* exit, not _exit: a coverage build writes its counts at exit. */
      exit(total.findings > before ? 1 : status);
    }
    total.runs++;
    if (pid < 0 || waitpid(pid, &status, 0) != pid ||
        !WIFEXITED(status)) {
      finding("the run in a child process did not end normally", NULL);
      return;
    }
    total.findings += WEXITSTATUS(status) == 1;
    if (WEXITSTATUS(status) == 3)
      return;
  }
}

/* Runs attempt(ctx) with the n-th allocation failing, for n = 1, 2, ...
 * until a run meets no failure; attempt makes the call under test
 * between fm.counting = 1 and 0, checks its result and frees it. A
 * block left allocated by a run is a finding, except the first growth
 * when keeps_once (a cache the call fills once). */
static void torture_calls(const char *name, void (*attempt)(void *ctx),
                          void *ctx, int keeps_once)
{
  int kept = 0;
  long live;

  run.case_id = name;
  for (unsigned long n = 1;; n++) {
    live = fm.live;
    run.n = n;
    fm_arm(n);
    attempt(ctx);
    total.runs++;
    if (fm.live != live && (!keeps_once || kept++))
      finding("blocks left allocated", NULL);
    if (!fm.hit)
      break;
  }
  fm_arm(0);
}

/* mrsu_service_new: NULL, or a service only if no allocation failed. */
static void attempt_service_new(void *ctx)
{
  mrsu_service *s;

  fm.counting = 1;
  s = mrsu_service_new(ctx);
  fm.counting = 0;
  if (s && fm.hit)
    finding("a service was made without the memory it needs", NULL);
  mrsu_service_free(s);
}

/* Tortures mrsu_service_new: NULL and nothing left, or a service. */
static void torture_service_new(void)
{
  mrsu_config config;

  mrsu_config_default(&config);
  torture_calls("mrsu_service_new", attempt_service_new, &config, 0);
}

/* Sends one request to s outside the torture. Returns the status. */
static int send(mrsu_service *s, const char *method, const char *path,
                const char *query, const char *body)
{
  static const mrsu_header json = {"Content-Type", "application/json"};
  mrsu_request rq;
  mrsu_response rs;
  int status;

  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.query = query;
  rq.headers = &json;
  rq.header_count = 1;
  rq.body = (const unsigned char *)body;
  rq.body_len = strlen(body);
  __real_mrsu_handle(s, &rq, &rs);
  status = rs.status;
  mrsu_response_free(&rs);
  return status;
}

/* Fills s with enough uploads and parts that its dump outgrows the
 * first buffer of a memory stream. Returns 0 or -1. */
static int fill(mrsu_service *s)
{
  char path[96];
  int ok = 1;

  for (int i = 1; i <= 30; i++) {
    ok &= send(s, "POST", "/sequencestore/" MRSU_DEFAULT_STORE "/upload",
               NULL, "{\"sourceFileType\":\"FASTQ\",\"subjectId\":\"s\","
               "\"sampleId\":\"m\",\"name\":\"n\"}") == 200;
    snprintf(path, sizeof path, "/sequencestore/" MRSU_DEFAULT_STORE
             "/upload/%d/part", 1000000000 + i);
    ok &= send(s, "PUT", path, "partSource=SOURCE1&partNumber=1",
               "ACGT") == 200;
    ok &= send(s, "PUT", path, "partSource=SOURCE2&partNumber=1",
               "TTGA") == 200;
  }
  return ok ? 0 : -1;
}

/* A service to dump and its dump made with memory. */
typedef struct dump_ctx {
  mrsu_service *service;
  char *whole;
} dump_ctx;

/* mrsu_service_dump: NULL, or the whole dump. */
static void attempt_dump(void *ctx)
{
  dump_ctx *d = ctx;
  char *dump;

  fm.counting = 1;
  dump = mrsu_service_dump(d->service);
  fm.counting = 0;
  if (dump && fm.hit && strcmp(dump, d->whole) != 0)
    finding("a dump made despite the failure is not whole", NULL);
  free(dump);
}

/* Tortures mrsu_service_dump on a full service: NULL and nothing
 * left, or the whole dump. */
static void torture_dump(void)
{
  mrsu_config config;
  dump_ctx d;

  run.case_id = "mrsu_service_dump";
  mrsu_config_default(&config);
  d.service = mrsu_service_new(&config);
  d.whole = d.service && fill(d.service) == 0
            ? mrsu_service_dump(d.service) : NULL;
  if (d.whole)
    torture_calls(run.case_id, attempt_dump, &d, 0);
  else
    finding("cannot prepare the service to dump", NULL);
  free(d.whole);
  mrsu_service_free(d.service);
}

/* text_printable on text outside ASCII: 1, or -1 for a failure. */
static void attempt_printable(void *ctx)
{
  int rc;

  fm.counting = 1;
  rc = text_printable(ctx);
  fm.counting = 0;
  if (rc != 1 && !(rc == -1 && fm.hit))
    finding("text_printable gave neither 1 nor -1 for a failure", NULL);
}

/* Tortures text_printable before anything in this process has compiled
 * its pattern: no block left but the compiled pattern, kept once. Must
 * run before any vector in the process. */
static void torture_printable(void)
{
  static char text[] = "caf\xC3\xA9";

  torture_calls("text_printable", attempt_printable, text, 1);
}

/* Appends to f count query pairs, each with a long value, and one
 * value of 9000 bytes, longer than a memory stream's first buffer. */
static void long_query(FILE *f, int count)
{
  for (int i = 0; i < count; i++)
    fprintf(f, "k%03d=%%7e%0120d&", count - i, i);
  fprintf(f, "z=%09000d", 0);
}

/* A request and its canonical form and header list made with memory. */
typedef struct canonical_ctx {
  sigv4_request rq;
  char *whole, *whole_list;
} canonical_ctx;

/* sigv4_canonical_request: NULL and no list for a failure, or the same
 * text and list as with memory. */
static void attempt_canonical(void *ctx)
{
  canonical_ctx *k = ctx;
  char *text, *list;

  fm.counting = 1;
  text = sigv4_canonical_request(&k->rq, &list);
  fm.counting = 0;
  if (text && (strcmp(text, k->whole) != 0 || !list ||
               strcmp(list, k->whole_list) != 0))
    finding("a canonical request made despite the failure is wrong",
            NULL);
  if (!text && (list || !fm.hit))
    finding("no canonical request, yet no failure to explain it", NULL);
  free(text);
  free(list);
}

/* Tortures sigv4_canonical_request on a request whose strings outgrow
 * a memory stream's first buffer. */
static void torture_canonical(void)
{
  static const sigv4_header headers[] = {
    {"Host", "localhost"}, {"X-Amz-Date", "20260101T000000Z"},
  };
  canonical_ctx k = {{"POST", "/sequencestore/1234567890/upload", NULL,
                      headers, 2, "UNSIGNED-PAYLOAD"}, NULL, NULL};
  char *query = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&query, &len);

  run.case_id = "sigv4_canonical_request";
  if (f) {
    long_query(f, 200);
    fclose(f);
  }
  k.rq.query = query;
  k.whole = query ? sigv4_canonical_request(&k.rq, &k.whole_list) : NULL;
  if (k.whole)
    torture_calls(run.case_id, attempt_canonical, &k, 0);
  else
    finding("cannot prepare the request to canonicalise", NULL);
  free(k.whole);
  free(k.whole_list);
  free(query);
}

/* Opens the built-in target, as conform --target builtin does.
 * Returns it, or NULL with the reason in err. */
static cf_target *open_builtin(char *err, size_t errlen)
{
  cf_target *t = calloc(1, sizeof *t);

  if (!t) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (cf_builtin_open(t, "builtin", err, errlen) == 0)
    return t;
  cf_target_close(t);
  return NULL;
}

/* What the command line asks for. */
typedef struct options {
  const char *dir;              /* the vector folder */
  const char *glob;             /* of the case ids to torture */
  long jobs;                    /* worker processes */
} options;

/* Reads the options. Returns 0, or -1 after printing the usage. */
static int parse_args(int argc, char **argv, options *o)
{
  char *end;

  for (int i = 1; i < argc; i++) {
    if (i + 1 < argc && strcmp(argv[i], "--vectors") == 0)
      o->dir = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--id") == 0)
      o->glob = argv[++i];
    else if (i + 1 < argc && strcmp(argv[i], "--jobs") == 0 &&
             (o->jobs = strtol(argv[++i], &end, 10)) >= 1 &&
             o->jobs <= 64 && *end == '\0')
      continue;
    else {
      fprintf(stderr, "usage: torture [--vectors DIR] [--id GLOB] "
              "[--jobs N]\n");
      return -1;
    }
  }
  return 0;
}

/* Tortures the selected cases whose rank is job modulo jobs; the first
 * one also in child processes. Returns how many it tortured. */
static unsigned long torture_share(cf_target *t, const cf_suite *s,
                                   const options *o, long job)
{
  unsigned long rank = 0, done = 0;

  for (size_t i = 0; i < s->case_count; i++) {
    if (fnmatch(o->glob, s->cases[i].id, 0) != 0)
      continue;
    if ((long)(rank++ % (unsigned long)o->jobs) != job)
      continue;
    if (rank == 1)
      torture_first_use(t, &s->cases[i]);
    torture_case(t, &s->cases[i]);
    done++;
  }
  return done;
}

/* Adds the totals of a worker to the totals here. */
static void add_totals(const unsigned long w[7], unsigned long *cases)
{
  total.runs += w[0];
  total.failed_calls += w[1];
  total.absorbed += w[2];
  total.caches += w[3];
  total.sampled += w[4];
  total.findings += w[5];
  *cases += w[6];
}

/* Runs the workers, each on its share of the cases, and gathers their
 * totals through a pipe. Returns the number of cases tortured. */
static unsigned long run_workers(cf_target *t, const cf_suite *s,
                                 const options *o)
{
  unsigned long cases = 0, w[7];
  int fds[2], status;
  pid_t pid;

  if (pipe(fds) < 0) {
    finding("cannot make a pipe for the workers", NULL);
    return 0;
  }
  fflush(stdout);
  for (long job = 0; job < o->jobs; job++) {
    pid = fork();
    if (pid == 0) {
      close(fds[0]);
      memset(&total, 0, sizeof total);      /* the parent counts its own */
      w[6] = torture_share(t, s, o, job);
      w[0] = total.runs, w[1] = total.failed_calls, w[2] = total.absorbed;
      w[3] = total.caches, w[4] = total.sampled, w[5] = total.findings;
      fflush(stdout);
      /* exit, not _exit: a coverage build writes its counts at exit. */
      exit(write(fds[1], w, sizeof w) == (ssize_t)sizeof w ? 0 : 1);
    }
    if (pid < 0)
      finding("cannot start a worker", NULL);
  }
  close(fds[1]);
  while (read(fds[0], w, sizeof w) == (ssize_t)sizeof w)
    add_totals(w, &cases);
  close(fds[0]);
  while ((pid = wait(&status)) > 0)
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      finding("a worker did not end normally", NULL);
  return cases;
}

int main(int argc, char **argv)
{
  options o = {"vectors", "*", sysconf(_SC_NPROCESSORS_ONLN)};
  cf_req_source req = {"spec/requirements.json", 0};
  cf_target *t = NULL;
  unsigned long cases;
  cf_suite s;
  char err[256];
  buf diag;
  int status = 2;

  memset(&s, 0, sizeof s);
  buf_init(&diag);
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (o.jobs < 1)
    o.jobs = 1;
  if (parse_args(argc, argv, &o) < 0)
    goto out;
  t = open_builtin(err, sizeof err);
  if (!t || cf_suite_load(&s, o.dir, &req, &t->vars, &diag) < 0) {
    fprintf(stderr, "torture: %s\n", t ? buf_str(&diag) : err);
    goto out;
  }
  torture_printable();
  cases = run_workers(t, &s, &o);
  run.case_id = "";
  torture_canonical();
  torture_service_new();
  torture_dump();
  printf("torture: %lu runs over %lu cases (%lu sampled) in %ld "
         "processes; %lu failed calls answered 500 with the state "
         "unchanged, %lu failures absorbed, %lu one-time library caches; "
         "%lu findings\n", total.runs, cases, total.sampled, o.jobs,
         total.failed_calls, total.absorbed, total.caches,
         total.findings);
  status = total.findings ? 1 : 0;

out:
  buf_free(&diag);
  cf_suite_free(&s);
  cf_target_close(t);
  return status;
}
