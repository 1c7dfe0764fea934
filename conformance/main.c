/*
 * main.c: the conformance runner `conform`.
 *
 * Opens the target, loads and checks every vector file before anything
 * runs, selects cases (by id glob, tag, level), runs them (on --jobs
 * workers, jobs.c), prints what did not pass and the closing counts,
 * and writes the reports; `conform --compare A B` compares two runs
 * (compare.c). Exit status: 0 every selected case passed, 1 a case failed,
 * 2 a usage or vector error, 3 the target could not be reached (an
 * ERROR outcome).
 */
#include "compare.h"
#include "jobs.h"
#include "coverage.h"
#include "output.h"
#include "report.h"
#include "run.h"
#include "target.h"
#include "vectors.h"

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CF_VERSION "1.0.0"

enum { EXIT_PASS = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_TARGET = 3 };

/* A repeatable option's values. */
typedef struct strings {
  const char **v;
  size_t count;
} strings;

typedef struct options {
  const char *target;
  const char *vectors;
  const char *requirements;
  int requirements_given;
  const char *report_dir;
  strings ids;
  strings tags;
  strings skips;
  const char *level;
  int list;
  int check;
  int quiet;
  int help;
  int version;
  long jobs;                    /* workers, 1 to CF_JOBS_MAX */
  cf_target_options settings;   /* what only HTTP targets take */
} options;

static const char help_text[] =
    "usage: conform [OPTION]...\n"
    "Replays the conformance vectors of CompleteMultipartReadSetUpload\n"
    "against a target and reports which cases pass.\n"
    "\n"
    "  --target SPEC        the implementation under test (default\n"
    "                       builtin); see the targets below\n"
    "  --endpoint URL       the same as --target URL\n"
    "  --vectors DIR        folder of vector files (default vectors);\n"
    "                       every *.json but schema.json is loaded\n"
    "  --requirements FILE  requirement ids the cases may name (default\n"
    "                       spec/requirements.json, skipped if absent)\n"
    "  --id GLOB            run the cases whose id matches (repeatable)\n"
    "  --tag TAG            run the cases with this tag (repeatable)\n"
    "  --level LEVEL        run only MUST or only SHOULD cases\n"
    "  --skip GLOB          report matching cases as skipped, without\n"
    "                       running them (repeatable)\n"
    "  --list               print id, level and title of the selected\n"
    "                       cases, and run nothing\n"
    "  --check              check that the vectors cover every requirement\n"
    "                       and error type, or that PENDING lists it; run\n"
    "                       nothing (exit 1 when something is uncovered)\n"
    "  --report-dir DIR     where results.json and junit.xml go\n"
    "                       (default reports/latest)\n"
    "  --jobs N             run N cases at a time, each on a worker of\n"
    "                       its own (default 1; at most 64); output\n"
    "                       and reports keep the order of the vectors\n"
    "  --quiet              no progress; failures and counts only\n"
    "  --help               print this help\n"
    "  --version            print the version\n"
    "\n"
    "Options of one kind are alternatives; kinds combine: --id a --id b\n"
    "--level MUST runs the MUST cases among a and b. A selection that\n"
    "matches nothing is an error.\n"
    "\n"
    "conform --compare A B  compares two results.json files case by\n"
    "                       case; exit 0 when every outcome is the same,\n"
    "                       1 when one differs, 2 when a file is bad\n"
    "\n"
    "Targets:\n";

static const char exit_text[] =
    "\n"
    "Exit status: 0 every selected case passed, 1 a case failed,\n"
    "2 a usage or vector error, 3 the target could not be reached.\n";

/* Prints a usage error. Returns EXIT_USAGE. */
static int usage_error(const char *what, const char *arg)
{
  fprintf(stderr, "conform: %s%s%s; see conform --help\n", what,
          arg ? ": " : "", arg ? arg : "");
  return EXIT_USAGE;
}

enum opt_kind {
  OPT_TARGET, OPT_VECTORS, OPT_REQUIREMENTS, OPT_ID, OPT_TAG, OPT_LEVEL,
  OPT_SKIP, OPT_LIST, OPT_REPORT_DIR, OPT_QUIET, OPT_HELP, OPT_VERSION,
  OPT_JOBS, OPT_SETTING, OPT_CHECK
};

static const struct {
  const char *name;
  enum opt_kind kind;
  int takes_value;
} option_table[] = {
  {"target", OPT_TARGET, 1},
  {"vectors", OPT_VECTORS, 1},
  {"requirements", OPT_REQUIREMENTS, 1},
  {"id", OPT_ID, 1},
  {"tag", OPT_TAG, 1},
  {"level", OPT_LEVEL, 1},
  {"skip", OPT_SKIP, 1},
  {"list", OPT_LIST, 0},
  {"check", OPT_CHECK, 0},
  {"report-dir", OPT_REPORT_DIR, 1},
  {"quiet", OPT_QUIET, 0},
  {"help", OPT_HELP, 0},
  {"version", OPT_VERSION, 0},
  {"endpoint", OPT_TARGET, 1},
  {"jobs", OPT_JOBS, 1},
  {"store", OPT_SETTING, 1},
  {"missing-store", OPT_SETTING, 1},
  {"missing-upload", OPT_SETTING, 1},
  {"timeout", OPT_SETTING, 1},
  {"cacert", OPT_SETTING, 1},
  {"insecure", OPT_SETTING, 0},
  {"sigv4", OPT_SETTING, 0},
  {"region", OPT_SETTING, 1},
  {"access-key-id", OPT_SETTING, 1},
  {"secret-access-key", OPT_SETTING, 1},
  {"session-token", OPT_SETTING, 1},
};

/* 1 when tag is in the tag table of the format. */
static int known_tag(const char *tag)
{
  for (size_t i = 0; cf_tags[i]; i++)
    if (strcmp(cf_tags[i], tag) == 0)
      return 1;
  return 0;
}

/* Reads --jobs: 1 to CF_JOBS_MAX. Returns 0, or EXIT_USAGE after
 * saying why. */
static int parse_jobs(options *o, const char *value)
{
  char *end;

  errno = 0;
  o->jobs = strtol(value, &end, 10);
  if (errno || end == value || *end || o->jobs < 1 ||
      o->jobs > CF_JOBS_MAX)
    return usage_error("--jobs takes a number from 1 to 64", value);
  return 0;
}

/* Stores an option of the target. Returns 0, or EXIT_USAGE after
 * saying why. */
static int apply_setting(options *o, const char *name, const char *value)
{
  char err[160];

  if (cf_target_setting(&o->settings, name, value, err, sizeof err) < 0)
    return usage_error(err, NULL);
  return 0;
}

/* Stores option `name` of that kind into o. Returns 0, or EXIT_USAGE
 * after saying why. */
static int apply_option(options *o, enum opt_kind kind, const char *name,
                        const char *value)
{
  switch (kind) {
  case OPT_TARGET: o->target = value; break;
  case OPT_VECTORS: o->vectors = value; break;
  case OPT_REQUIREMENTS:
    o->requirements = value;
    o->requirements_given = 1;
    break;
  case OPT_ID: o->ids.v[o->ids.count++] = value; break;
  case OPT_TAG:
    if (!known_tag(value))
      return usage_error("unknown tag", value);
    o->tags.v[o->tags.count++] = value;
    break;
  case OPT_LEVEL:
    if (strcmp(value, "MUST") != 0 && strcmp(value, "SHOULD") != 0)
      return usage_error("--level takes MUST or SHOULD", value);
    o->level = value;
    break;
  case OPT_SKIP: o->skips.v[o->skips.count++] = value; break;
  case OPT_LIST: o->list = 1; break;
  case OPT_CHECK: o->check = 1; break;
  case OPT_REPORT_DIR: o->report_dir = value; break;
  case OPT_QUIET: o->quiet = 1; break;
  case OPT_HELP: o->help = 1; break;
  case OPT_VERSION: o->version = 1; break;
  case OPT_JOBS: return parse_jobs(o, value);
  case OPT_SETTING: return apply_setting(o, name, value);
  }
  return 0;
}

/* The index of the option spelled --NAME or --NAME=VALUE, or -1. */
static int find_option(const char *arg)
{
  size_t n = strcspn(arg + 2, "=");

  for (size_t i = 0; i < sizeof option_table / sizeof option_table[0];
       i++)
    if (strlen(option_table[i].name) == n &&
        strncmp(option_table[i].name, arg + 2, n) == 0)
      return (int)i;
  return -1;
}

/* Reads the command line into o. Returns 0, or EXIT_USAGE after
 * saying why. */
static int parse_args(int argc, char **argv, options *o)
{
  const char *arg, *value;
  int k;

  for (int i = 1; i < argc; i++) {
    arg = strcmp(argv[i], "-h") == 0 ? "--help" : argv[i];
    k = strncmp(arg, "--", 2) == 0 ? find_option(arg) : -2;
    if (k == -2)
      return usage_error("unexpected argument", arg);
    if (k < 0)
      return usage_error("unknown option", arg);
    value = strchr(arg, '=');
    if (value && !option_table[k].takes_value)
      return usage_error("this option takes no value", arg);
    if (value)
      value++;
    else if (option_table[k].takes_value && i + 1 < argc)
      value = argv[++i];
    else if (option_table[k].takes_value)
      return usage_error("this option needs a value", arg);
    if (apply_option(o, option_table[k].kind, option_table[k].name,
                     value))
      return EXIT_USAGE;
  }
  return 0;
}

/* Sets the defaults; the repeatable options get room for argc values.
 * Returns 0, or -1 when memory ran out. */
static int options_init(options *o, int argc)
{
  memset(o, 0, sizeof *o);
  o->target = "builtin";
  o->vectors = "vectors";
  o->requirements = "spec/requirements.json";
  o->report_dir = "reports/latest";
  o->jobs = 1;
  o->ids.v = calloc((size_t)argc, sizeof *o->ids.v);
  o->tags.v = calloc((size_t)argc, sizeof *o->tags.v);
  o->skips.v = calloc((size_t)argc, sizeof *o->skips.v);
  if (cf_target_options_init(&o->settings, (size_t)argc) < 0)
    return -1;
  return o->ids.v && o->tags.v && o->skips.v ? 0 : -1;
}

/* Frees what options_init allocated. */
static void options_free(options *o)
{
  free(o->ids.v);
  free(o->tags.v);
  free(o->skips.v);
  cf_target_options_free(&o->settings);
}

/* 1 when id matches one of globs (or there are none). */
static int matches_glob(const strings *globs, const char *id)
{
  for (size_t i = 0; i < globs->count; i++)
    if (fnmatch(globs->v[i], id, 0) == 0)
      return 1;
  return globs->count == 0;
}

/* 1 when the case carries one of the tags (or none are asked for). */
static int has_tag(const strings *tags, const cf_case *c)
{
  const cJSON *tag;

  cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(c->json,
                                                           "tags"))
    for (size_t i = 0; i < tags->count; i++)
      if (strcmp(tags->v[i], tag->valuestring) == 0)
        return 1;
  return tags->count == 0;
}

/* 1 when the options select case c. */
static int selected(const options *o, const cf_case *c)
{
  return matches_glob(&o->ids, c->id) && has_tag(&o->tags, c) &&
         (!o->level || strcmp(o->level, c->level) == 0);
}

/* Builds the entries of the selected cases, in suite order; those
 * matching --skip are marked skipped. Returns the count; *out is NULL
 * when memory ran out. The caller frees. */
static size_t select_cases(const options *o, const cf_suite *s,
                           cf_entry **out)
{
  cf_entry *e = calloc(s->case_count + 1, sizeof *e);
  size_t n = 0;

  *out = e;
  for (size_t i = 0; e && i < s->case_count; i++) {
    if (!selected(o, &s->cases[i]))
      continue;
    e[n].c = &s->cases[i];
    if (o->skips.count && matches_glob(&o->skips, e[n].c->id))
      cf_skip_case(&e[n].result, "skipped by --skip");
    n++;
  }
  return n;
}

/* Prints how to run the first case that did not pass on its own, for
 * a target that does not show a command with each failure. */
static void print_rerun(const options *o, const char *prog,
                        const cf_target *t, const cf_entry *e, size_t n)
{
  for (size_t i = 0; !t->reproduce && i < n; i++) {
    if (e[i].result.outcome != CF_FAIL && e[i].result.outcome != CF_ERROR)
      continue;
    printf("rerun one: %s --target %s --vectors %s --id %s\n", prog,
           o->target, o->vectors, e[i].c->id);
    return;
  }
}

/* Writes the time now as ISO 8601 UTC into out. */
static void now_iso(char out[21])
{
  time_t t = time(NULL);
  struct tm tm;

  if (!gmtime_r(&t, &tm) || !strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(out, 21, "1970-01-01T00:00:00Z");
}

/* Loads and checks the vectors for target t, printing every fault.
 * Returns 0 or EXIT_USAGE. */
static int load(const options *o, const cf_target *t, cf_suite *s)
{
  cf_req_source req = {o->requirements, o->requirements_given};
  size_t lines = 0;
  buf diag;
  int rc;

  buf_init(&diag);
  rc = cf_suite_load(s, o->vectors, &req, &t->vars, &diag);
  for (size_t i = 0; i < diag.len; i++)
    lines += diag.data[i] == '\n';
  if (diag.len)
    fputs(diag.data, stderr);
  if (buf_failed(&diag))
    fputs("conform: out of memory reporting vector faults\n", stderr);
  else if (rc < 0)
    fprintf(stderr, "conform: %zu fault%s in the vectors; nothing was "
            "run\n", lines, lines == 1 ? "" : "s");
  buf_free(&diag);
  return rc < 0 ? EXIT_USAGE : 0;
}

/* Opens the targets of workers 1 and up (t[0] is open). Returns 0, or
 * EXIT_USAGE after saying why. */
static int open_workers(const options *o, cf_target **t)
{
  char err[256];

  for (long i = 1; i < o->jobs; i++) {
    t[i] = cf_target_open(o->target, &o->settings, err, sizeof err);
    if (!t[i])
      return usage_error(err, NULL);
  }
  return 0;
}

/* Runs the selected entries on the targets t of the workers, writes
 * the reports and prints the closing line. Returns the exit status. */
static int run_selection(const options *o, const char *prog,
                         cf_target **t, const cf_suite *s, cf_entry *e,
                         size_t n)
{
  cf_run_info info;
  char err[512];
  int status;

  if (open_workers(o, t))
    return EXIT_USAGE;
  memset(&info, 0, sizeof info);
  info.version = CF_VERSION;
  info.target = t[0]->description;
  info.suite = s;
  now_iso(info.started);
  info.counts = cf_run_jobs(t, (size_t)o->jobs, e, n, o->quiet);
  print_rerun(o, prog, t[0], e, n);
  status = info.counts.errors ? EXIT_TARGET
           : info.counts.failed ? EXIT_FAIL : EXIT_PASS;
  if (cf_report_write(o->report_dir, &info, e, n, err, sizeof err) < 0) {
    fprintf(stderr, "conform: the reports were not written: %s\n", err);
    status = EXIT_USAGE;
  }
  cf_print_summary(&info.counts);
  return status;
}

/* The number of entries marked skipped. */
static size_t count_skipped(const cf_entry *e, size_t n)
{
  size_t k = 0;

  for (size_t i = 0; i < n; i++)
    k += e[i].result.outcome == CF_SKIPPED;
  return k;
}

/* Prints --help or --version. Returns EXIT_PASS. */
static int print_info(const options *o)
{
  if (o->help)
    printf("%s%s%s", help_text, cf_target_help, exit_text);
  else
    printf("conform %s (vector format %s)\n", CF_VERSION, CF_FORMAT);
  return EXIT_PASS;
}

/* Prints what --check finds in the loaded suite. Returns the exit
 * status: 0 everything covered or pending, 1 not. */
static int check_coverage(const cf_suite *s)
{
  buf out;
  int rc;

  if (!s->requirements)
    return usage_error("--check needs a requirements file", NULL);
  buf_init(&out);
  rc = cf_coverage_check(s, &out);
  if (rc < 0)
    fprintf(stderr, "conform: out of memory checking coverage\n");
  else
    fputs(out.data, stdout);
  buf_free(&out);
  return rc < 0 ? EXIT_USAGE : rc ? EXIT_FAIL : EXIT_PASS;
}

/* Loads, selects and lists or runs. Returns the exit status. */
static int conform(const options *o, const char *prog)
{
  cf_target *t[CF_JOBS_MAX] = {NULL};
  cf_entry *e = NULL;
  cf_suite s;
  char err[256];
  size_t n = 0;
  int status = EXIT_USAGE;

  memset(&s, 0, sizeof s);
  t[0] = cf_target_open(o->target, &o->settings, err, sizeof err);
  if (!t[0]) {
    usage_error(err, NULL);
    goto out;
  }
  if (o->settings.insecure)
    fprintf(stderr, "conform: WARNING: --insecure: TLS certificates are "
            "NOT verified; the target may not be who it claims\n");
  if (load(o, t[0], &s))
    goto out;
  if (o->check) {
    status = check_coverage(&s);
    goto out;
  }
  n = select_cases(o, &s, &e);
  if (!e)
    fprintf(stderr, "conform: out of memory\n");
  else if (n == 0)
    usage_error("no case matches the selection", NULL);
  else if (count_skipped(e, n) == n)
    usage_error("every selected case is skipped; nothing would run", NULL);
  else if (o->list)
    status = cf_print_list(e, n);
  else
    status = run_selection(o, prog, t, &s, e, n);

out:
  for (size_t i = 0; i < n; i++)
    cf_result_free(&e[i].result);
  free(e);
  cf_suite_free(&s);
  for (size_t i = 0; i < CF_JOBS_MAX; i++)
    cf_target_close(t[i]);
  return status;
}

/* Returns the exit status described at the top of this file. */
int main(int argc, char **argv)
{
  options o;
  int status = EXIT_USAGE;

  if (argc > 1 && strcmp(argv[1], "--compare") == 0)
    return argc == 4 ? cf_compare(argv[2], argv[3])
                     : usage_error("--compare takes two results.json "
                                   "files", NULL);
  signal(SIGPIPE, SIG_IGN);
  if (options_init(&o, argc) < 0)
    fprintf(stderr, "conform: out of memory\n");
  else if (parse_args(argc, argv, &o) == 0)
    status = o.help || o.version ? print_info(&o)
                                 : conform(&o, argv[0]);
  options_free(&o);
  return status;
}
