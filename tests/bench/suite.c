/*
 * suite.c: the conformance suite replayed by conform, timed against
 * merely parsing its vector files with cJSON_Parse.
 *
 *   suite --parse-only FILE...
 *       reads and parses each file with cJSON_Parse, and exits: the
 *       baseline, run as a process of its own like conform.
 *   suite builtin CONFORM VECTORS WORKDIR ROUNDS
 *       times ROUNDS runs of `CONFORM --quiet` on the built-in target,
 *       and as many of the baseline over the same vector files (every
 *       *.json of VECTORS but schema.json, as conform loads them),
 *       alternating; also what loading alone costs (--list) and the run
 *       without the six limits-* cases. Figure: the median ratio of the
 *       CPU time (user + system, from wait4) of a run to that of the
 *       baseline. CPU time, so that other work on the machine counts
 *       for neither.
 *   suite http CONFORM VECTORS WORKDIR ROUNDS REFSERVER JOBS
 *       times ROUNDS runs of conform --jobs JOBS against a fresh
 *       refserver each (eight sequence stores, taken in turn by the
 *       cases; its data directory in WORKDIR), alternating with runs on
 *       the built-in target. Figure: the median HTTP rate in cases per
 *       second over the median built-in rate, both by wall time.
 */
#define _DEFAULT_SOURCE         /* wait4 */

#include "bench.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 48
#define MAX_ROUNDS 50
#define STORES 8

extern char **environ;

/* How one child ran. */
typedef struct child_run {
  double wall;                  /* seconds */
  double cpu;                   /* user + system seconds */
  int status;                   /* exit status, or -1 */
  long passed, failed;          /* from conform's closing line */
} child_run;

/* An argument list being built. */
typedef struct args {
  char *v[MAX_ARGS + 1];
  int n;
} args;

/* Appends one argument (not copied). Can't fail: MAX_ARGS is more than
 * any list here needs. */
static void arg(args *a, const char *s)
{
  if (a->n < MAX_ARGS)
    a->v[a->n++] = (char *)s;
  a->v[a->n] = NULL;
}

/* Reads "N passed, M failed" from the file conform wrote. */
static void read_counts(const char *path, child_run *r)
{
  size_t len;
  char *text = bench_read_file(path, &len), *at;

  r->passed = r->failed = -1;
  at = text ? strstr(text, " passed, ") : NULL;
  while (at && at > text && at[-1] >= '0' && at[-1] <= '9')
    at--;
  if (at && sscanf(at, "%ld passed, %ld failed", &r->passed,
                   &r->failed) != 2)
    r->passed = r->failed = -1;
  free(text);
}

/* Where the standard error of the last child went (WORKDIR/child.err),
 * shown when that child did not run as expected. */
static char child_err[4096] = "/dev/null";

/* Prints the first lines the last child wrote on its standard error. */
static void show_child_err(void)
{
  size_t len;
  char *text = bench_read_file(child_err, &len), *line, *end;
  int shown = 0;

  for (line = text; line && *line && shown < 5; line = end + 1) {
    end = strchr(line, '\n');
    if (!end)
      end = line + strlen(line) - 1;
    fprintf(stderr, "suite: it said: %.*s\n", (int)(end - line), line);
    shown++;
  }
  free(text);
}

/* Runs a->v to its end with stdout to out (NULL: /dev/null) and stderr
 * to child_err, filling *r. Returns 0, or -1 when it could not start. */
static int run_child(const args *a, const char *out, child_run *r)
{
  posix_spawn_file_actions_t fa;
  struct rusage ru;
  double t0 = bench_now();
  pid_t pid;
  int status, rc;

  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null",
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, child_err,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  rc = posix_spawn(&pid, a->v[0], &fa, NULL, a->v, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc) {
    errno = rc;
    return -1;
  }
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
    continue;
  r->wall = bench_now() - t0;
  r->cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  r->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r->passed = r->failed = -1;
  if (out)
    read_counts(out, r);
  return 0;
}

/* Parses each file with cJSON_Parse. Returns 0, or 1 when one could not
 * be read or parsed. */
static int parse_only(int count, char **files)
{
  size_t len;
  char *text;
  cJSON *tree;

  for (int i = 0; i < count; i++) {
    text = bench_read_file(files[i], &len);
    tree = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!tree) {
      fprintf(stderr, "suite: %s: not parsed\n", files[i]);
      return 1;
    }
    cJSON_Delete(tree);
  }
  return 0;
}

/* The vector files of dir as conform loads them, in *g (the caller
 * frees with globfree), with schema.json dropped. Returns 0 or -1. */
static int vector_files(const char *dir, glob_t *g)
{
  char pattern[4096];
  size_t keep = 0;

  snprintf(pattern, sizeof pattern, "%s/*.json", dir);
  if (glob(pattern, 0, NULL, g))
    return -1;
  for (size_t i = 0; i < g->gl_pathc; i++) {
    const char *slash = strrchr(g->gl_pathv[i], '/');
    if (strcmp(slash ? slash + 1 : g->gl_pathv[i], "schema.json"))
      g->gl_pathv[keep++] = g->gl_pathv[i];
    else
      free(g->gl_pathv[i]);
  }
  g->gl_pathc = keep;
  g->gl_pathv[keep] = NULL;
  return keep ? 0 : -1;
}

/* The baseline's argument list: this program, then the files. */
static void parse_args_of(args *a, const char *self, const glob_t *g)
{
  a->n = 0;
  arg(a, self);
  arg(a, "--parse-only");
  for (size_t i = 0; i < g->gl_pathc && a->n < MAX_ARGS; i++)
    arg(a, g->gl_pathv[i]);
}

/* conform's argument list for the built-in target, with extra (or
 * NULL) appended. */
static void conform_args(args *a, char **argv, const char *extra,
                         const char *report_dir)
{
  a->n = 0;
  arg(a, argv[2]);
  arg(a, "--quiet");
  arg(a, "--vectors");
  arg(a, argv[3]);
  arg(a, "--report-dir");
  arg(a, report_dir);
  if (extra && !strcmp(extra, "--list"))
    arg(a, extra);
  else if (extra) {
    arg(a, "--skip");
    arg(a, extra);
  }
}

/* Median of what pick takes from each of the n runs. */
static double median_of(const child_run *r, int n,
                        double (*pick)(const child_run *))
{
  double v[MAX_ROUNDS];

  for (int i = 0; i < n; i++)
    v[i] = pick(&r[i]);
  return bench_median(v, (size_t)n);
}

static double pick_cpu(const child_run *r)
{
  return r->cpu;
}

static double pick_wall(const child_run *r)
{
  return r->wall;
}

/* Runs a->v rounds times into r; each must exit with status want.
 * Returns 0 or -1 after saying why. */
static int run_rounds(const args *a, const char *out, int rounds,
                      int want, child_run *r)
{
  for (int i = 0; i < rounds; i++)
    if (run_child(a, out, &r[i]) || r[i].status != want) {
      fprintf(stderr, "suite: %s did not run as expected (exit %d)\n",
              a->v[0], r[i].status);
      show_child_err();
      return -1;
    }
  return 0;
}

/* Prints the raw line of one kind of run. */
static void print_runs(const char *what, const child_run *r, int n)
{
  printf("suite: %s: median of %d runs: %.1f ms wall, %.1f ms CPU",
         what, n, median_of(r, n, pick_wall) * 1e3,
         median_of(r, n, pick_cpu) * 1e3);
  if (r[0].passed >= 0)
    printf(", %ld passed, %ld failed", r[0].passed, r[0].failed);
  printf("\n");
}

/* Times the parse-only baseline in this process, as a raw line. */
static void print_in_process(const glob_t *g, size_t bytes)
{
  double t[9];

  for (int i = 0; i < 9; i++) {
    t[i] = bench_cpu();
    parse_only((int)g->gl_pathc, g->gl_pathv);
    t[i] = bench_cpu() - t[i];
  }
  printf("suite: cJSON_Parse of the %zu vector files (%zu bytes) in "
         "process: median %.2f ms CPU\n", g->gl_pathc, bytes,
         bench_median(t, 9) * 1e3);
}

/* The total size of the files of g. */
static size_t total_bytes(const glob_t *g)
{
  size_t sum = 0, len;
  char *text;

  for (size_t i = 0; i < g->gl_pathc; i++) {
    text = bench_read_file(g->gl_pathv[i], &len);
    sum += text ? len : 0;
    free(text);
  }
  return sum;
}

/* The runs of one built-in measurement. */
typedef struct builtin_runs {
  child_run full[MAX_ROUNDS], base[MAX_ROUNDS];
  child_run list[MAX_ROUNDS], nolimits[MAX_ROUNDS];
  double ratio[MAX_ROUNDS];
} builtin_runs;

/* Runs conform on the built-in target and the baseline, alternating,
 * into b. Returns 0 or -1. */
static int builtin_rounds(char **argv, int rounds, const glob_t *g,
                          builtin_runs *b)
{
  char out[4096], reports[4096];
  args conform, base, list, nolimits;

  snprintf(out, sizeof out, "%s/conform.out", argv[4]);
  snprintf(reports, sizeof reports, "%s/builtin", argv[4]);
  conform_args(&conform, argv, NULL, reports);
  conform_args(&list, argv, "--list", reports);
  conform_args(&nolimits, argv, "limits-*", reports);
  parse_args_of(&base, "/proc/self/exe", g);
  for (int i = 0; i < rounds; i++) {
    if (run_rounds(&base, NULL, 1, 0, &b->base[i]) ||
        run_rounds(&conform, out, 1, 0, &b->full[i]) ||
        run_rounds(&list, NULL, 1, 0, &b->list[i]) ||
        run_rounds(&nolimits, out, 1, 0, &b->nolimits[i]))
      return -1;
    b->ratio[i] = b->full[i].cpu / b->base[i].cpu;
  }
  return 0;
}

/* Figure 1. Returns the exit status. */
static int builtin(char **argv, int rounds)
{
  builtin_runs *b = calloc(1, sizeof *b);
  double base_cpu;
  glob_t g;
  int rc = 1;

  if (!b || vector_files(argv[3], &g)) {
    fprintf(stderr, "suite: no vector files in %s\n", argv[3]);
    free(b);
    return 1;
  }
  if (builtin_rounds(argv, rounds, &g, b))
    goto out;
  base_cpu = median_of(b->base, rounds, pick_cpu);
  print_in_process(&g, total_bytes(&g));
  print_runs("cJSON_Parse of the vector files, as a process", b->base,
             rounds);
  print_runs("conform --list (start, load and check the vectors)",
             b->list, rounds);
  print_runs("conform, built-in target, without the 6 limits-* cases",
             b->nolimits, rounds);
  print_runs("conform, built-in target, every case", b->full, rounds);
  printf("suite: built-in replay: %.0f cases per second (wall)\n",
         (double)b->full[0].passed / median_of(b->full, rounds,
                                               pick_wall));
  printf("suite: CPU over the baseline's: --list %.1f, without the "
         "limits-* cases %.1f, every case %.1f\n",
         median_of(b->list, rounds, pick_cpu) / base_cpu,
         median_of(b->nolimits, rounds, pick_cpu) / base_cpu,
         median_of(b->full, rounds, pick_cpu) / base_cpu);
  bench_figure("suite-vs-parse", bench_median(b->ratio, (size_t)rounds),
               BENCH_AT_MOST, 3.0);
  rc = 0;
out:
  globfree(&g);
  free(b);
  return rc;
}

/* Starts refserver (argv[6]) on a free port with STORES stores and its
 * data in data_dir, its log dropped; its URL goes to url. Returns its
 * pid, or -1. */
static pid_t start_server(char **argv, const char *data_dir,
                          char *url, size_t len)
{
  static char store_ids[STORES][11];
  posix_spawn_file_actions_t fa;
  args a = {{NULL}, 0};
  int fd[2];
  pid_t pid = -1;
  FILE *f;

  arg(&a, argv[6]);
  arg(&a, "--port");
  arg(&a, "0");
  arg(&a, "--quiet");
  arg(&a, "--data-dir");
  arg(&a, data_dir);
  for (int i = 0; i < STORES; i++) {
    snprintf(store_ids[i], sizeof store_ids[i], "10000000%02d", i + 1);
    arg(&a, "--store");
    arg(&a, store_ids[i]);
  }
  if (pipe(fd))
    return -1;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
  posix_spawn_file_actions_addclose(&fa, fd[0]);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  if (posix_spawn(&pid, a.v[0], &fa, NULL, a.v, environ))
    pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  close(fd[1]);
  f = fdopen(fd[0], "r");
  if (!f || !fgets(url, (int)len, f) ||
      strncmp(url, "listening on ", 13)) {
    url[0] = '\0';
  } else {
    memmove(url, url + 13, strlen(url + 13) + 1);
    url[strcspn(url, "\n")] = '\0';
  }
  if (f)
    fclose(f);
  else
    close(fd[0]);
  return pid;
}

/* Stops a server started by start_server. */
static void stop_server(pid_t pid)
{
  int status;

  if (pid <= 0)
    return;
  kill(pid, SIGTERM);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    continue;
}

/* conform's argument list for an HTTP target at url. */
static void http_args(args *a, char **argv, const char *url,
                      const char *report_dir)
{
  static char store_ids[STORES][11];

  a->n = 0;
  arg(a, argv[2]);
  arg(a, "--quiet");
  arg(a, "--vectors");
  arg(a, argv[3]);
  arg(a, "--report-dir");
  arg(a, report_dir);
  arg(a, "--endpoint");
  arg(a, url);
  arg(a, "--jobs");
  arg(a, argv[7]);
  for (int i = 0; i < STORES; i++) {
    snprintf(store_ids[i], sizeof store_ids[i], "10000000%02d", i + 1);
    arg(a, "--store");
    arg(a, store_ids[i]);
  }
}

/* One HTTP run against a fresh server. A run whose cases fail still
 * counts (their number is reported); one that cannot reach the server
 * does not. Returns 0 or -1. */
static int http_once(char **argv, int round, child_run *r)
{
  char url[256], data[4096], out[4096], reports[4096];
  pid_t pid;
  args a;
  int rc = -1;

  snprintf(data, sizeof data, "%s/data-%d", argv[4], round);
  snprintf(out, sizeof out, "%s/http.out", argv[4]);
  snprintf(reports, sizeof reports, "%s/http", argv[4]);
  pid = start_server(argv, data, url, sizeof url);
  if (pid < 0 || !url[0]) {
    fprintf(stderr, "suite: refserver did not start\n");
    goto out;
  }
  http_args(&a, argv, url, reports);
  if (run_child(&a, out, r) == 0 && (r->status == 0 || r->status == 1))
    rc = 0;
  else {
    fprintf(stderr, "suite: conform --endpoint exited %d\n", r->status);
    show_child_err();
  }
out:
  stop_server(pid);
  return rc;
}

/* Figure 6. Returns the exit status. */
static int http(char **argv, int rounds)
{
  child_run web[MAX_ROUNDS], local[MAX_ROUNDS];
  char out[4096], reports[4096];
  double web_rate, local_rate;
  args a;

  snprintf(out, sizeof out, "%s/conform.out", argv[4]);
  snprintf(reports, sizeof reports, "%s/builtin", argv[4]);
  conform_args(&a, argv, NULL, reports);
  for (int i = 0; i < rounds; i++)
    if (http_once(argv, i, &web[i]) ||
        run_rounds(&a, out, 1, 0, &local[i]))
      return 1;
  print_runs("conform --jobs 8 over HTTP to refserver", web, rounds);
  print_runs("conform, built-in target", local, rounds);
  web_rate = (double)(web[0].passed + web[0].failed) /
             median_of(web, rounds, pick_wall);
  local_rate = (double)local[0].passed / median_of(local, rounds,
                                                   pick_wall);
  printf("suite: %.0f cases per second over HTTP, %.0f built in "
         "(wall)\n", web_rate, local_rate);
  bench_figure("suite-http-vs-builtin", web_rate / local_rate,
               BENCH_NO_GOAL, 0);
  return 0;
}

int main(int argc, char **argv)
{
  int rounds = argc > 5 ? (int)strtol(argv[5], NULL, 10) : 0;

  if (argc > 2 && !strcmp(argv[1], "--parse-only"))
    return parse_only(argc - 2, argv + 2);
  if (argc > 4)
    snprintf(child_err, sizeof child_err, "%s/child.err", argv[4]);
  if (rounds < 1 || rounds > MAX_ROUNDS) {
    fprintf(stderr, "usage: suite builtin CONFORM VECTORS WORKDIR ROUNDS"
            "\n       suite http CONFORM VECTORS WORKDIR ROUNDS "
            "REFSERVER JOBS\n       suite --parse-only FILE...\n");
    return 2;
  }
  if (argc == 6 && !strcmp(argv[1], "builtin"))
    return builtin(argv, rounds);
  if (argc == 8 && !strcmp(argv[1], "http"))
    return http(argv, rounds);
  fprintf(stderr, "suite: unknown mode %s\n", argv[1]);
  return 2;
}
