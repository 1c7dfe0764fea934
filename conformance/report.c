/*
 * report.c: writing results.json and junit.xml.
 *
 * results.json holds a header (runner, vector set hash and files,
 * target, start time, counts) and one entry per selected case with its
 * outcome, the anyOf branches taken, its time, the failure message,
 * the command that resends the failing request (HTTP targets) and
 * every exchange. junit.xml has one testsuite per group and one
 * testcase per case; text is escaped for XML 1.0, and characters XML
 * cannot carry become U+FFFD. traceability.md (trace.c) is written when
 * the suite has a requirements file, and removed when it has none, so
 * the folder never holds one from another run.
 */
#include "report.h"

#include "codec.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Creates dir and its missing parents. Returns 0, or -1 with errno
 * (ENOENT for an empty dir). */
static int make_dirs(const char *dir)
{
  char *path = strdup(dir), *p;
  int rc = -1;

  if (!path)
    return -1;
  for (p = path; *p; p++) {
    if (*p != '/' || p == path)
      continue;
    *p = '\0';
    if (mkdir(path, 0777) < 0 && errno != EEXIST)
      goto out;
    *p = '/';
  }
  if (mkdir(path, 0777) < 0 && errno != EEXIST)
    goto out;
  rc = 0;

out:
  free(path);
  return rc;
}

/* Writes len bytes to dir/name. Returns 0, or -1 with the reason. */
static int write_file(const char *dir, const char *name, const char *text,
                      size_t len, char *err, size_t errlen)
{
  FILE *f;
  buf path;
  int rc = -1;

  buf_init(&path);
  buf_addf(&path, "%s/%s", dir, name);
  if (buf_failed(&path)) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  f = fopen(path.data, "wb");
  if (!f) {
    snprintf(err, errlen, "%s: %s", path.data, strerror(errno));
    goto out;
  }
  rc = fwrite(text, 1, len, f) == len ? 0 : -1;
  if (fclose(f) != 0 || rc < 0) {
    snprintf(err, errlen, "%s: cannot write: %s", path.data,
             strerror(errno));
    rc = -1;
  }

out:
  buf_free(&path);
  return rc;
}

/* Adds the counts as an object member. Returns 0 or -1. */
static int add_counts(cJSON *obj, const cf_counts *k, size_t n)
{
  cJSON *o = cJSON_AddObjectToObject(obj, "counts");

  return o && cJSON_AddNumberToObject(o, "selected", (double)n) &&
         cJSON_AddNumberToObject(o, "passed", (double)k->passed) &&
         cJSON_AddNumberToObject(o, "failed", (double)k->failed) &&
         cJSON_AddNumberToObject(o, "errors", (double)k->errors) &&
         cJSON_AddNumberToObject(o, "skipped", (double)k->skipped) &&
         cJSON_AddNumberToObject(o, "notVerified",
                                 (double)k->not_verified)
         ? 0 : -1;
}

/* Adds the vector set: its SHA-256 and its files in hashing order. */
static int add_vector_set(cJSON *obj, const cf_suite *s)
{
  cJSON *o = cJSON_AddObjectToObject(obj, "vectorSet"), *files;

  if (!o || !cJSON_AddStringToObject(o, "sha256", s->sha256) ||
      !cJSON_AddBoolToObject(o, "requirementsChecked",
                             s->requirements_checked))
    return -1;
  files = cJSON_AddArrayToObject(o, "files");
  for (size_t i = 0; files && i < s->file_count; i++)
    if (!cJSON_AddItemToArray(files,
                              cJSON_CreateString(s->files[i].path)))
      return -1;
  return files ? 0 : -1;
}

/* Builds the header object. NULL when memory ran out. */
static cJSON *header_json(const cf_run_info *info, size_t n)
{
  cJSON *h = cJSON_CreateObject();

  if (!h || !cJSON_AddStringToObject(h, "runner", "conform") ||
      !cJSON_AddStringToObject(h, "version", info->version) ||
      !cJSON_AddStringToObject(h, "format", CF_FORMAT) ||
      add_vector_set(h, info->suite) < 0 ||
      !cJSON_AddStringToObject(h, "target", info->target) ||
      !cJSON_AddStringToObject(h, "signing", info->signing) ||
      !cJSON_AddStringToObject(h, "testControls", info->controls) ||
      !cJSON_AddStringToObject(h, "started", info->started) ||
      add_counts(h, &info->counts, n) < 0) {
    cJSON_Delete(h);
    return NULL;
  }
  return h;
}

/* Adds member name of the case object (an array), by reference. */
static int add_case_list(cJSON *obj, const cf_case *c, const char *name)
{
  return cJSON_AddItemReferenceToObject(
             obj, name, cJSON_GetObjectItemCaseSensitive(c->json, name))
         ? 0 : -1;
}

/* Builds the entry of one case; exchanges are added by reference, so
 * the entry must be freed before the result. NULL when memory ran out */
static cJSON *case_json(const cf_entry *e)
{
  const cf_result *r = &e->result;
  cJSON *o = cJSON_CreateObject();

  if (!o || !cJSON_AddStringToObject(o, "id", e->c->id) ||
      !cJSON_AddStringToObject(o, "group", e->c->file->group) ||
      !cJSON_AddStringToObject(o, "title", e->c->title) ||
      !cJSON_AddStringToObject(o, "level", e->c->level) ||
      add_case_list(o, e->c, "requirements") < 0 ||
      add_case_list(o, e->c, "tags") < 0 ||
      !cJSON_AddStringToObject(o, "outcome", cf_outcome_name(r->outcome)) ||
      !cJSON_AddNumberToObject(o, "milliseconds", (double)r->ms) ||
      !(r->message ? cJSON_AddStringToObject(o, "message", r->message)
                   : cJSON_AddNullToObject(o, "message")) ||
      !(r->reproduce
        ? cJSON_AddStringToObject(o, "reproduce", r->reproduce)
        : cJSON_AddNullToObject(o, "reproduce")) ||
      (r->branches &&
       !cJSON_AddItemReferenceToObject(o, "branches", r->branches)) ||
      (r->exchanges &&
       !cJSON_AddItemReferenceToObject(o, "exchanges", r->exchanges))) {
    cJSON_Delete(o);
    return NULL;
  }
  return o;
}

/* Writes results.json. Returns 0, or -1 with the reason in err. */
static int write_results(const char *dir, const cf_run_info *info,
                         const cf_entry *entries, size_t n, char *err,
                         size_t errlen)
{
  cJSON *root = cJSON_CreateObject(), *cases, *header = NULL;
  char *text = NULL;
  int rc = -1;

  if (!root)
    goto oom;
  header = header_json(info, n);
  if (!header || !cJSON_AddItemToObject(root, "header", header))
    goto oom;
  cases = cJSON_AddArrayToObject(root, "cases");
  for (size_t i = 0; cases && i < n; i++)
    if (!cJSON_AddItemToArray(cases, case_json(&entries[i])))
      goto oom;
  text = cases ? cJSON_Print(root) : NULL;
  if (!text)
    goto oom;
  rc = write_file(dir, "results.json", text, strlen(text), err, errlen);
  goto out;

oom:
  snprintf(err, errlen, "out of memory building results.json");
out:
  free(text);
  cJSON_Delete(root);
  return rc;
}

/* Appends s escaped for XML 1.0 text and attribute values. */
static void xml_escape(buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s), i = 0, n;

  while (i < len) {
    n = utf8_seq(p + i, len - i);
    if (n == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE)
      n = 0;
    if (n == 0 || (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
                   p[i] != '\r'))
      buf_adds(b, "\xEF\xBF\xBD");
    else if (strchr("&<>\"'\t\n\r", p[i]))
      buf_addf(b, "&#%d;", p[i]);
    else
      buf_add(b, p + i, n);
    i += n ? n : 1;
  }
}

/* Adds up the outcomes of entries [from, to). */
static cf_counts count_range(const cf_entry *entries, size_t from,
                             size_t to, long *ms)
{
  cf_counts k = {0, 0, 0, 0, 0};

  *ms = 0;
  for (size_t i = from; i < to; i++) {
    *ms += entries[i].result.ms;
    k.passed += entries[i].result.outcome == CF_PASS;
    k.failed += entries[i].result.outcome == CF_FAIL;
    k.errors += entries[i].result.outcome == CF_ERROR;
    k.skipped += entries[i].result.outcome == CF_SKIPPED;
    k.not_verified += entries[i].result.outcome == CF_NOT_VERIFIED;
  }
  return k;
}

/* Appends the counting attributes of a testsuite(s) element; a case
 * not verified counts as skipped, the nearest JUnit has. */
static void xml_counts(buf *b, const cf_entry *entries, size_t from,
                       size_t to)
{
  long ms;
  cf_counts k = count_range(entries, from, to, &ms);

  buf_addf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
           "skipped=\"%zu\" time=\"%.3f\"", to - from, k.failed, k.errors,
           k.skipped + k.not_verified, ms / 1000.0);
}

/* Appends one testcase element. A case not verified is skipped, its
 * message starting "not verified: ". */
static void xml_case(buf *b, const cf_entry *e)
{
  static const char *const tags[] = {NULL, "failure", "error", "skipped",
                                     "skipped"};
  const char *tag = tags[e->result.outcome];
  const char *msg = e->result.message ? e->result.message : "";
  buf text;

  buf_adds(b, "    <testcase name=\"");
  xml_escape(b, e->c->id);
  buf_adds(b, "\" classname=\"");
  xml_escape(b, e->c->file->group);
  buf_addf(b, "\" time=\"%.3f\"", e->result.ms / 1000.0);
  if (!tag) {
    buf_adds(b, "/>\n");
    return;
  }
  buf_init(&text);
  if (e->result.outcome == CF_NOT_VERIFIED)
    buf_adds(&text, "not verified: ");
  buf_adds(&text, msg);
  msg = buf_failed(&text) ? "(out of memory)" : buf_str(&text);
  buf_addf(b, ">\n      <%s message=\"", tag);
  xml_escape(b, msg);
  buf_adds(b, "\">");
  xml_escape(b, e->c->title);
  buf_adds(b, ": ");
  xml_escape(b, msg);
  buf_addf(b, "</%s>\n    </testcase>\n", tag);
  buf_free(&text);
}

/* The end of the run of entries that share the group of entries[from]. */
static size_t group_end(const cf_entry *entries, size_t from, size_t n)
{
  size_t to = from + 1;

  while (to < n && strcmp(entries[to].c->file->group,
                          entries[from].c->file->group) == 0)
    to++;
  return to;
}

/* Writes junit.xml. Returns 0, or -1 with the reason in err. */
static int write_junit(const char *dir, const cf_run_info *info,
                       const cf_entry *entries, size_t n, char *err,
                       size_t errlen)
{
  size_t from = 0, to;
  buf b;
  int rc = -1;

  buf_init(&b);
  buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  buf_adds(&b, "<testsuites name=\"conform\"");
  xml_counts(&b, entries, 0, n);
  buf_adds(&b, ">\n");
  for (; from < n; from = to) {
    to = group_end(entries, from, n);
    buf_adds(&b, "  <testsuite name=\"");
    xml_escape(&b, entries[from].c->file->group);
    buf_addf(&b, "\" timestamp=\"%s\"", info->started);
    xml_counts(&b, entries, from, to);
    buf_adds(&b, ">\n");
    for (size_t i = from; i < to; i++)
      xml_case(&b, &entries[i]);
    buf_adds(&b, "  </testsuite>\n");
  }
  buf_adds(&b, "</testsuites>\n");
  if (buf_failed(&b))
    snprintf(err, errlen, "out of memory building junit.xml");
  else
    rc = write_file(dir, "junit.xml", b.data, b.len, err, errlen);
  buf_free(&b);
  return rc;
}

/* Writes traceability.md, or removes it when the suite has no
 * requirements file. Returns 0, or -1 with the reason in err. */
static int write_trace(const char *dir, const cf_run_info *info,
                       const cf_entry *entries, size_t n, char *err,
                       size_t errlen)
{
  buf b;
  int rc = -1;

  buf_init(&b);
  if (!info->suite->requirements) {
    buf_addf(&b, "%s/traceability.md", dir);
    rc = buf_failed(&b) || (unlink(b.data) < 0 && errno != ENOENT)
         ? -1 : 0;
    if (rc < 0)
      snprintf(err, errlen, "cannot remove %s/traceability.md", dir);
  } else if (cf_trace_build(&b, info, entries, n) < 0) {
    snprintf(err, errlen, "out of memory building traceability.md");
  } else {
    rc = write_file(dir, "traceability.md", b.data, b.len, err, errlen);
  }
  buf_free(&b);
  return rc;
}

/* 1 when paths a and b name the same existing folder. */
static int same_folder(const char *a, const char *b)
{
  struct stat sa, sb;

  return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cf_report_prepare(const char *dir, const char *vectors, char *err,
                      size_t errlen)
{
  struct stat st;

  if (make_dirs(dir) < 0)
    snprintf(err, errlen, "%s: cannot create the folder: %s", dir,
             strerror(errno));
  else if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
    snprintf(err, errlen, "%s: not a folder", dir);
  else if (vectors && same_folder(dir, vectors))
    snprintf(err, errlen, "%s: is the vector folder, where the next run "
             "would load results.json as a vector file", dir);
  else
    return 0;
  return -1;
}

int cf_report_write(const char *dir, const cf_run_info *info,
                    const cf_entry *entries, size_t n, char *err,
                    size_t errlen)
{
  if (cf_report_prepare(dir, NULL, err, errlen) < 0)
    return -1;
  if (write_results(dir, info, entries, n, err, errlen) < 0 ||
      write_junit(dir, info, entries, n, err, errlen) < 0)
    return -1;
  return write_trace(dir, info, entries, n, err, errlen);
}
