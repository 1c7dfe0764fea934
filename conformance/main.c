/*
 * main.c: the conformance runner `conform`.
 *
 * Reads the credentials that sign the requests, opens the target,
 * loads and checks every vector file before anything runs, selects
 * cases (by id glob, tag, level), asks the target for its test controls
 * when a selected case needs them, runs the cases (on --jobs workers,
 * jobs.c), prints what did not pass and the closing counts, and writes
 * the reports; `conform --compare A B` compares two runs (compare.c).
 * Exit status: 0 every selected case passed (or was not verified or
 * skipped, unless --strict), 1 a case failed, 2 a usage or vector
 * error, 3 the target could not be reached (an ERROR outcome).
 */
#include "compare.h"
#include "jobs.h"
#include "coverage.h"
#include "output.h"
#include "report.h"
#include "run.h"
#include "sign.h"
#include "target.h"
#include "vectors.h"

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CF_VERSION "1.1.0"

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
  strings rerun;                /* the arguments a rerun keeps */
  const char *level;
  int list;
  int check;
  int quiet;
  int help;
  int version;
  int strict;
  long jobs;                    /* workers, 1 to CF_JOBS_MAX */
  const char *credentials;
  int credentials_given;
  int no_auth;
  const char *region;
  int64_t sign_time;            /* < 0: the target's clock */
  int no_controls;
  cf_target_options settings;   /* what only HTTP targets take */
} options;

/* How the run signs, and what it says about it. */
typedef struct signing {
  mrsu_credentials creds;
  cf_signer signer;
  const char *unsigned_why;     /* when nothing signs: why */
  char text[256];               /* for the reports */
} signing;

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
    "  --credentials FILE   the principals that sign requests, in the\n"
    "                       format of refserver --credentials (default\n"
    "                       tests/credentials.json; unsigned if that\n"
    "                       is absent); the first signs unless a case\n"
    "                       names another\n"
    "  --no-auth            send requests unsigned, for a target that\n"
    "                       does not authenticate; the cases about\n"
    "                       signatures are not verified\n"
    "  --region REGION      the region signed for (default us-east-1)\n"
    "  --sign-time TIME     sign as at TIME, YYYY-MM-DDTHH:MM:SSZ\n"
    "                       (default: the built-in target's fixed clock,\n"
    "                       2026-01-01T00:00:00Z; the clock over HTTP)\n"
    "  --no-controls        the target has no test controls (SPEC.md\n"
    "                       section 16): the cases that need them are\n"
    "                       not verified; without it an HTTP target is\n"
    "                       asked once, with POST /_mrsu/control {}\n"
    "  --strict             a case not verified or skipped fails the\n"
    "                       run (exit 1), as for a certification\n"
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
    "Exit status: 0 every selected case passed (cases not verified or\n"
    "skipped aside, unless --strict), 1 a case failed, 2 a usage or\n"
    "vector error, or reports or output that cannot be written, 3 the\n"
    "target could not be reached.\n";

/* Prints s on standard error, control characters escaped: it may hold
 * what the command line gave. */
static void error_safe(const char *s)
{
  buf_fputs_safe(s, stderr);
}

/* Prints a usage error. Returns EXIT_USAGE. */
static int usage_error(const char *what, const char *arg)
{
  fputs("conform: ", stderr);
  error_safe(what);
  if (arg) {
    fputs(": ", stderr);
    error_safe(arg);
  }
  fputs("; see conform --help\n", stderr);
  return EXIT_USAGE;
}

/* Says that tag is unknown and names the known ones. Returns
 * EXIT_USAGE. */
static int unknown_tag(const char *tag)
{
  fputs("conform: unknown tag: ", stderr);
  error_safe(tag);
  fputs("; the tags are", stderr);
  for (size_t i = 0; cf_tags[i]; i++)
    fprintf(stderr, "%s %s", i ? "," : "", cf_tags[i]);
  fprintf(stderr, " (vectors/README.md says what each means)\n");
  return EXIT_USAGE;
}

enum opt_kind {
  OPT_TARGET, OPT_VECTORS, OPT_REQUIREMENTS, OPT_ID, OPT_TAG, OPT_LEVEL,
  OPT_SKIP, OPT_LIST, OPT_REPORT_DIR, OPT_QUIET, OPT_HELP, OPT_VERSION,
  OPT_JOBS, OPT_SETTING, OPT_CHECK, OPT_CREDENTIALS, OPT_NO_AUTH,
  OPT_REGION, OPT_SIGN_TIME, OPT_NO_CONTROLS, OPT_STRICT
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
  {"credentials", OPT_CREDENTIALS, 1},
  {"no-auth", OPT_NO_AUTH, 0},
  {"region", OPT_REGION, 1},
  {"sign-time", OPT_SIGN_TIME, 1},
  {"no-controls", OPT_NO_CONTROLS, 0},
  {"strict", OPT_STRICT, 0},
  {"store", OPT_SETTING, 1},
  {"missing-store", OPT_SETTING, 1},
  {"missing-upload", OPT_SETTING, 1},
  {"timeout", OPT_SETTING, 1},
  {"cacert", OPT_SETTING, 1},
  {"insecure", OPT_SETTING, 0},
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

/* Reads --sign-time. Returns 0, or EXIT_USAGE after saying why. */
static int parse_sign_time(options *o, const char *value)
{
  if (cf_parse_time(value, &o->sign_time) < 0)
    return usage_error("--sign-time takes a UTC time such as "
                       "2026-01-01T00:00:00Z", value);
  return 0;
}

/* Reads --region: not empty, no white space or '/'. Returns 0, or
 * EXIT_USAGE after saying why. */
static int parse_region(options *o, const char *value)
{
  if (!*value || value[strcspn(value, " \t/\r\n")])
    return usage_error("--region takes a region name such as "
                       "us-east-1", value);
  o->region = value;
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
      return unknown_tag(value);
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
  case OPT_REPORT_DIR:
    if (!*value)
      return usage_error("--report-dir needs a value that is not empty",
                         NULL);
    o->report_dir = value;
    break;
  case OPT_QUIET: o->quiet = 1; break;
  case OPT_HELP: o->help = 1; break;
  case OPT_VERSION: o->version = 1; break;
  case OPT_JOBS: return parse_jobs(o, value);
  case OPT_SETTING: return apply_setting(o, name, value);
  case OPT_CREDENTIALS:
    o->credentials = value;
    o->credentials_given = 1;
    break;
  case OPT_NO_AUTH: o->no_auth = 1; break;
  case OPT_REGION: return parse_region(o, value);
  case OPT_SIGN_TIME: return parse_sign_time(o, value);
  case OPT_NO_CONTROLS: o->no_controls = 1; break;
  case OPT_STRICT: o->strict = 1; break;
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

/* Keeps the n words of one option for the rerun line, unless the
 * option selects cases or shapes only how the run goes. */
static void keep_for_rerun(options *o, enum opt_kind kind, char **words,
                           int n)
{
  if (kind == OPT_ID || kind == OPT_TAG || kind == OPT_LEVEL ||
      kind == OPT_SKIP || kind == OPT_JOBS || kind == OPT_QUIET ||
      kind == OPT_STRICT)
    return;
  for (int i = 0; i < n; i++)
    o->rerun.v[o->rerun.count++] = words[i];
}

/* Reads the command line into o. Returns 0, or EXIT_USAGE after
 * saying why. */
static int parse_args(int argc, char **argv, options *o)
{
  const char *arg, *value;
  int k, from;

  for (int i = 1; i < argc; i++) {
    arg = strcmp(argv[i], "-h") == 0 ? "--help" : argv[i];
    k = strncmp(arg, "--", 2) == 0 ? find_option(arg) : -2;
    from = i;
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
    keep_for_rerun(o, option_table[k].kind, argv + from, i + 1 - from);
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
  o->credentials = CF_DEFAULT_CREDENTIALS;
  o->region = CF_SIGN_REGION;
  o->sign_time = -1;
  o->ids.v = calloc((size_t)argc, sizeof *o->ids.v);
  o->tags.v = calloc((size_t)argc, sizeof *o->tags.v);
  o->skips.v = calloc((size_t)argc, sizeof *o->skips.v);
  if (cf_target_options_init(&o->settings, (size_t)argc) < 0)
    return -1;
  o->rerun.v = calloc((size_t)argc, sizeof *o->rerun.v);
  return o->ids.v && o->tags.v && o->skips.v && o->rerun.v ? 0 : -1;
}

/* Frees what options_init allocated. */
static void options_free(options *o)
{
  free(o->ids.v);
  free(o->tags.v);
  free(o->skips.v);
  free(o->rerun.v);
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

/* Prints word for a POSIX shell: as it is when it holds only safe
 * characters, else in single quotes. */
static void print_shell_word(const char *word)
{
  if (*word && !word[strspn(word, "abcdefghijklmnopqrstuvwxyz"
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            "@%+=:,./_-")]) {
    fputs(word, stdout);
    return;
  }
  putchar('\'');
  for (; *word; word++) {
    if (*word == '\'')
      fputs("'\\''", stdout);
    else
      putchar(*word);
  }
  putchar('\'');
}

/* Prints the command that runs the first case that did not pass on its
 * own: this run's arguments, but those that select cases or shape the
 * run, then --id. */
static void print_rerun(const options *o, const char *prog,
                        const cf_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (e[i].result.outcome != CF_FAIL && e[i].result.outcome != CF_ERROR)
      continue;
    fputs("rerun one: ", stdout);
    print_shell_word(prog);
    for (size_t k = 0; k < o->rerun.count; k++) {
      putchar(' ');
      print_shell_word(o->rerun.v[k]);
    }
    fputs(" --id ", stdout);
    print_shell_word(e[i].c->id);
    putchar('\n');
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
static int open_workers(const options *o, const cf_target_run *run,
                        cf_target **t)
{
  char err[256];

  for (long i = 1; i < o->jobs; i++) {
    t[i] = cf_target_open(o->target, &o->settings, run, err, sizeof err);
    if (!t[i])
      return usage_error(err, NULL);
  }
  return 0;
}

/* 1 when a selected case that is not skipped needs test controls. */
static int needs_controls(const cf_entry *e, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (e[i].c->controls && e[i].result.outcome != CF_SKIPPED)
      return 1;
  return 0;
}

/* Settles whether target t has test controls: as --no-controls or the
 * backend says, else by asking it, when a selected case needs them.
 * Says how it was settled in text (for the reports), and on stderr
 * when the target has none. Returns 1 when it has them, else 0. */
static int settle_controls(const options *o, cf_target *t,
                           const cf_signer *signer, const cf_entry *e,
                           size_t n, char *text, size_t len)
{
  char why[400];
  int on;

  if (o->no_controls) {
    snprintf(text, len, "off (--no-controls)");
    return 0;
  }
  if (t->controls >= 0) {
    snprintf(text, len, t->controls ? "on (built in)" : "off");
    return t->controls;
  }
  if (!needs_controls(e, n)) {
    snprintf(text, len, "not asked: no selected case needs them");
    return 0;
  }
  on = cf_probe_controls(t, signer, why, sizeof why);
  snprintf(text, len, "%s (%s)", on ? "on" : "off", why);
  if (!on)
    fprintf(stderr, "conform: no test controls, so the cases that need "
            "them are not verified: %s\n", why);
  return on;
}

/* The exit status of a run that counted k. */
static int run_status(const options *o, const cf_counts *k)
{
  if (k->errors)
    return EXIT_TARGET;
  if (k->failed)
    return EXIT_FAIL;
  if (o->strict && (k->not_verified || k->skipped))
    return EXIT_FAIL;
  return EXIT_PASS;
}

/* The status of the last response among exchanges, or 0. */
static int last_status(const cJSON *exchanges)
{
  const cJSON *x, *rs;
  int status = 0;

  cJSON_ArrayForEach(x, exchanges) {
    rs = cJSON_GetObjectItemCaseSensitive(x, "response");
    if (rs)
      status = cJSON_GetObjectItemCaseSensitive(rs, "status")->valueint;
  }
  return status;
}

/* Says on stderr, when half or more of the cases that shape a
 * signature failed in a signed run because the target accepted what
 * they expect refused (a 2xx), that a target which checks no signature
 * needs --no-auth. */
static void hint_no_auth(const signing *g, const cf_entry *e, size_t n)
{
  size_t shaped = 0, accepted = 0;
  int status;

  for (size_t i = 0; i < n; i++) {
    shaped += e[i].c->signs;
    status = last_status(e[i].result.exchanges);
    accepted += e[i].c->signs && e[i].result.outcome == CF_FAIL &&
                status >= 200 && status < 300;
  }
  if (g->signer.count == 0 || accepted == 0 || accepted * 2 < shaped)
    return;
  fprintf(stderr, "conform: %zu of the %zu cases about signatures "
          "failed as the target accepted what they expect refused; if it "
          "checks no signature, run with --no-auth (they are then not "
          "verified)\n", accepted, shaped);
}

/* Runs the selected entries on the targets t of the workers, writes
 * the reports and prints the closing line. Returns the exit status. */
static int run_selection(const options *o, const char *prog,
                         const cf_target_run *run, cf_target **t,
                         const cf_suite *s, signing *g, cf_entry *e,
                         size_t n)
{
  cf_run_env env = {&g->signer, g->unsigned_why, 0};
  cf_run_info info;
  char err[512], controls[512];
  int status;

  if (cf_report_prepare(o->report_dir, o->vectors, err, sizeof err) < 0)
    return usage_error("--report-dir cannot take the reports", err);
  if (open_workers(o, run, t))
    return EXIT_USAGE;
  memset(&info, 0, sizeof info);
  env.controls = settle_controls(o, t[0], &g->signer, e, n, controls,
                                 sizeof controls);
  for (long i = 0; i < o->jobs; i++)
    t[i]->env = &env;
  info.version = CF_VERSION;
  info.target = t[0]->description;
  info.signing = g->text;
  info.controls = controls;
  info.suite = s;
  now_iso(info.started);
  info.counts = cf_run_jobs(t, (size_t)o->jobs, e, n, o->quiet);
  print_rerun(o, prog, e, n);
  hint_no_auth(g, e, n);
  status = run_status(o, &info.counts);
  if (cf_report_write(o->report_dir, &info, e, n, err, sizeof err) < 0) {
    fprintf(stderr, "conform: the reports were not written: %s\n", err);
    status = EXIT_USAGE;
  }
  cf_print_summary(&info.counts, e, n, o->strict);
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

/* Reads the credentials into g as the options say: none with
 * --no-auth, or when the default file is absent. Returns 0, or
 * EXIT_USAGE after saying why. */
static int read_credentials(const options *o, signing *g)
{
  char err[256];

  g->signer.region = o->region;
  if (o->no_auth && o->credentials_given)
    return usage_error("--no-auth and --credentials exclude each other",
                       NULL);
  if (o->no_auth) {
    g->unsigned_why = "the run is not signed (--no-auth)";
    return 0;
  }
  if (!o->credentials_given && access(o->credentials, F_OK) != 0) {
    g->unsigned_why = "the run is not signed: no credentials file "
                      "(" CF_DEFAULT_CREDENTIALS " is absent)";
    return 0;
  }
  if (mrsu_credentials_load(o->credentials, &g->creds, err,
                            sizeof err) < 0) {
    fprintf(stderr, "conform: %s\n", err);
    return EXIT_USAGE;
  }
  g->signer.principals = g->creds.principals;
  g->signer.count = g->creds.count;
  return 0;
}

/* Fixes the signing time (--sign-time, else the clock of target t)
 * and writes how the run signs into g->text. */
static void settle_signing(const options *o, const cf_target *t,
                           signing *g)
{
  char when[32] = "the time of sending";
  time_t at;
  struct tm tm;

  g->signer.time = o->sign_time >= 0 ? o->sign_time : t->clock;
  at = (time_t)g->signer.time;
  if (g->signer.time >= 0 && gmtime_r(&at, &tm))
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (g->signer.count == 0)
    snprintf(g->text, sizeof g->text, "unsigned: %s", g->unsigned_why);
  else
    snprintf(g->text, sizeof g->text, "SigV4 as %s for %s/%s, at %s",
             g->signer.principals[0].access_key_id, g->signer.region,
             CF_SIGN_SERVICE, when);
}

/* Frees what read_credentials kept. */
static void signing_free(signing *g)
{
  mrsu_credentials_free(&g->creds);
}

/* Loads, selects and lists or runs. Returns the exit status. */
static int conform(const options *o, const char *prog)
{
  cf_target *t[CF_JOBS_MAX] = {NULL};
  cf_target_run run;
  cf_entry *e = NULL;
  cf_suite s;
  signing g;
  char err[256];
  size_t n = 0;
  int status = EXIT_USAGE;

  memset(&s, 0, sizeof s);
  memset(&g, 0, sizeof g);
  if (read_credentials(o, &g))
    goto out;
  run = (cf_target_run){g.creds.count ? g.creds.principals : NULL,
                        g.creds.count, o->region, !o->no_controls};
  t[0] = cf_target_open(o->target, &o->settings, &run, err, sizeof err);
  if (!t[0]) {
    usage_error(err, NULL);
    goto out;
  }
  settle_signing(o, t[0], &g);
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
    status = run_selection(o, prog, &run, t, &s, &g, e, n);

out:
  for (size_t i = 0; i < n; i++)
    cf_result_free(&e[i].result);
  free(e);
  cf_suite_free(&s);
  for (size_t i = 0; i < CF_JOBS_MAX; i++)
    cf_target_close(t[i]);
  signing_free(&g);
  return status;
}

/* Returns status, or EXIT_USAGE after saying so when what was printed
 * on standard output did not all reach it (a full disk, a closed
 * pipe): a closing line or listing lost must not pass for a result. */
static int output_status(int status)
{
  if (fflush(stdout) == 0 && !ferror(stdout))
    return status;
  fprintf(stderr, "conform: the standard output could not be written "
          "in full\n");
  return EXIT_USAGE;
}

/* Returns the exit status described at the top of this file. */
int main(int argc, char **argv)
{
  options o;
  int status = EXIT_USAGE;

  signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && strcmp(argv[1], "--compare") == 0)
    return output_status(argc == 4 ? cf_compare(argv[2], argv[3])
                                   : usage_error("--compare takes two "
                                                 "results.json files",
                                                 NULL));
  if (options_init(&o, argc) < 0)
    fprintf(stderr, "conform: out of memory\n");
  else if (parse_args(argc, argv, &o) == 0)
    status = o.help || o.version ? print_info(&o)
                                 : conform(&o, argv[0]);
  options_free(&o);
  return output_status(status);
}
