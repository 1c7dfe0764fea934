/*
 * coverage.c: reading PENDING, and checking that every requirement and
 * every error type is covered by a case or listed there with a reason.
 */
#include "coverage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

const char *const cf_error_types[] = {
  "ValidationException", "ServiceQuotaExceededException",
  "AccessDeniedException", "ResourceNotFoundException",
  "NotSupportedOperationException", "RequestTimeoutException",
  "ThrottlingException", "InternalServerException", NULL
};

/* Counts of one kind of name (requirements, or error types). */
typedef struct tally {
  size_t total;
  size_t covered;
  size_t pending;
  size_t faults;
} tally;

/* 1 when name is one of the eight error types. */
static int is_error_type(const char *name)
{
  for (size_t i = 0; cf_error_types[i]; i++)
    if (strcmp(cf_error_types[i], name) == 0)
      return 1;
  return 0;
}

/* The requirements of the requirements file of s (an array), or NULL */
static const cJSON *requirement_list(const cf_suite *s)
{
  return cJSON_GetObjectItemCaseSensitive(s->requirements, "requirements");
}

/* The string member name of a requirement, or "". */
static const char *req_text(const cJSON *item, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, name);

  return cJSON_IsString(v) ? v->valuestring : "";
}

/* 1 when the requirements file of s lists id. */
static int is_requirement(const cf_suite *s, const char *id)
{
  const cJSON *item;

  cJSON_ArrayForEach(item, requirement_list(s))
    if (strcmp(req_text(item, "id"), id) == 0)
      return 1;
  return 0;
}

/* The PENDING entry of name, or NULL. */
static const cf_pending *find_entry(const cf_suite *s, const char *name)
{
  for (size_t i = 0; i < s->pending_count; i++)
    if (strcmp(s->pending[i].name, name) == 0)
      return &s->pending[i];
  return NULL;
}

const char *cf_pending_reason(const cf_suite *s, const char *name)
{
  const cf_pending *e = find_entry(s, name);

  return e ? e->reason : NULL;
}

/* Adds an entry: name (n bytes of text), reason. Returns 0 or -1. */
static int add_entry(cf_suite *s, const char *text, size_t n,
                     const char *reason, size_t line)
{
  cf_pending *grown = realloc(s->pending,
                              (s->pending_count + 1) * sizeof *grown);
  cf_pending *e;

  if (!grown)
    return -1;
  s->pending = grown;
  e = &grown[s->pending_count];
  e->name = strndup(text, n);
  e->reason = strdup(reason);
  e->line = line;
  if (!e->name || !e->reason) {
    free(e->name);
    free(e->reason);
    return -1;
  }
  s->pending_count++;
  return 0;
}

/* Appends a fault about line n of PENDING, naming what. */
static void line_fault(const cf_suite *s, size_t n, buf *diag,
                       const char *what, const char *name)
{
  buf_addf(diag, "%s: line %zu: ", s->pending_path, n);
  buf_add_safe(diag, name, strlen(name));
  buf_addf(diag, ": %s\n", what);
}

/* Reads line n (without its line end) into s. Returns the number of
 * faults, or -1 when memory ran out. */
static long parse_line(cf_suite *s, char *text, size_t n, buf *diag)
{
  size_t len = strcspn(text, " \t");
  const char *reason = text + len + strspn(text + len, " \t");
  const cf_pending *first;

  if (*reason == '\0' && len == 0)
    return 0;
  if (*text == '#')
    return 0;
  if (len == 0 || *reason == '\0') {
    line_fault(s, n, diag, len ? "no reason given after the name"
               : "must start with a name", text);
    return 1;
  }
  text[len] = '\0';
  first = find_entry(s, text);
  if (first) {
    buf_addf(diag, "%s: line %zu: %s: listed on line %zu already\n",
             s->pending_path, n, text, first->line);
    return 1;
  }
  if (!is_error_type(text) && s->requirements &&
      !is_requirement(s, text)) {
    buf_addf(diag, "%s: line %zu: %s: neither a requirement of %s nor an "
             "error type\n", s->pending_path, n, text,
             s->requirements_path);
    return 1;
  }
  return add_entry(s, text, len, reason, n) < 0 ? -1 : 0;
}

/* Cuts white space and the line end off the end of line. */
static void trim_end(char *line)
{
  size_t n = strlen(line);

  while (n && strchr(" \t\r\n", line[n - 1]))
    line[--n] = '\0';
}

/* Reads the lines of open file f into s. Returns the number of faults */
static long read_entries(cf_suite *s, FILE *f, buf *diag)
{
  char *line = NULL;
  size_t cap = 0, n = 0;
  long faults = 0, rc;

  while (getline(&line, &cap, f) >= 0) {
    trim_end(line);
    rc = parse_line(s, line, ++n, diag);
    if (rc < 0) {
      buf_addf(diag, "%s: out of memory\n", s->pending_path);
      faults++;
      break;
    }
    faults += rc;
  }
  if (ferror(f)) {
    buf_addf(diag, "%s: cannot read: %s\n", s->pending_path,
             strerror(errno));
    faults++;
  }
  free(line);
  return faults;
}

long cf_pending_load(cf_suite *s, const char *dir, buf *diag)
{
  FILE *f;
  buf path;
  long faults;

  buf_init(&path);
  buf_addf(&path, "%s/PENDING", dir);
  s->pending_path = buf_take(&path);
  if (!s->pending_path) {
    buf_addf(diag, "%s/PENDING: out of memory\n", dir);
    return 1;
  }
  f = fopen(s->pending_path, "r");
  if (!f && errno == ENOENT)
    return 0;
  if (!f) {
    buf_addf(diag, "%s: cannot open: %s\n", s->pending_path,
             strerror(errno));
    return 1;
  }
  faults = read_entries(s, f, diag);
  fclose(f);
  return faults;
}

void cf_pending_free(cf_suite *s)
{
  for (size_t i = 0; i < s->pending_count; i++) {
    free(s->pending[i].name);
    free(s->pending[i].reason);
  }
  free(s->pending);
  free(s->pending_path);
  s->pending = NULL;
  s->pending_count = 0;
  s->pending_path = NULL;
}

/* The first case that names requirement id, or NULL. */
static const cf_case *case_naming(const cf_suite *s, const char *id)
{
  const cJSON *item;

  for (size_t i = 0; i < s->case_count; i++)
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                                 s->cases[i].json, "requirements"))
      if (strcmp(item->valuestring, id) == 0)
        return &s->cases[i];
  return NULL;
}

/* 1 when the expectation of a step, in one of its outcomes, expects
 * error type type. */
static int expects_type(const cJSON *expect, const char *type)
{
  const cJSON *any = cJSON_GetObjectItemCaseSensitive(expect, "anyOf");
  const cJSON *o, *t;

  if (!any) {
    t = cJSON_GetObjectItemCaseSensitive(expect, "errorType");
    return cJSON_IsString(t) && strcmp(t->valuestring, type) == 0;
  }
  cJSON_ArrayForEach(o, any)
    if (expects_type(o, type))
      return 1;
  return 0;
}

/* The first case that expects error type type in some step, or NULL. */
static const cf_case *case_expecting(const cf_suite *s, const char *type)
{
  const cf_case *c;

  for (size_t i = 0; i < s->case_count; i++) {
    c = &s->cases[i];
    for (size_t k = 0; k < c->step_count; k++)
      if (expects_type(cJSON_GetObjectItemCaseSensitive(c->steps[k].json,
                                                        "expect"), type))
        return c;
  }
  return NULL;
}

/* The case that covers name (a requirement, or an error type), or NULL */
static const cf_case *covering_case(const cf_suite *s, const char *name)
{
  return is_error_type(name) ? case_expecting(s, name)
                             : case_naming(s, name);
}

/* Counts one name into t: covered by case by (or NULL), pending or
 * neither; says so in out when it is a fault. what describes the name
 * for an uncovered line. */
static void count_name(const cf_suite *s, const char *name,
                       const cf_case *by, const char *what, tally *t,
                       buf *out)
{
  const cf_pending *e = find_entry(s, name);

  t->total++;
  if (by && e) {
    buf_addf(out, "stale: %s line %zu lists %s, but case %s covers it\n",
             s->pending_path, e->line, name, by->id);
    t->faults++;
  } else if (e) {
    t->pending++;
  } else if (!by) {
    buf_addf(out, "uncovered: %s\n", what);
    t->faults++;
  }
  t->covered += by != NULL;
}

/* Counts every requirement of the requirements file. */
static void count_requirements(const cf_suite *s, tally *t, buf *out)
{
  const cJSON *item;
  const char *id;
  buf what;

  cJSON_ArrayForEach(item, requirement_list(s)) {
    id = req_text(item, "id");
    buf_init(&what);
    buf_addf(&what, "requirement %s (%s): ", id, req_text(item, "level"));
    buf_add_safe(&what, req_text(item, "title"),
                 strlen(req_text(item, "title")));
    buf_adds(&what, ": no case names it");
    count_name(s, id, case_naming(s, id),
               buf_failed(&what) ? id : what.data, t, out);
    buf_free(&what);
  }
}

/* Counts the eight error types. */
static void count_error_types(const cf_suite *s, tally *t, buf *out)
{
  char what[160];

  for (size_t i = 0; cf_error_types[i]; i++) {
    snprintf(what, sizeof what, "error type %s: no outcome expects it",
             cf_error_types[i]);
    count_name(s, cf_error_types[i], case_expecting(s, cf_error_types[i]),
               what, t, out);
  }
}

/* Appends a "pending: NAME: reason" line for each entry no case covers */
static void list_pending(const cf_suite *s, buf *out)
{
  const cf_pending *e;

  for (size_t i = 0; i < s->pending_count; i++) {
    e = &s->pending[i];
    if (covering_case(s, e->name))
      continue;
    buf_addf(out, "pending: %s: ", e->name);
    buf_add_safe(out, e->reason, strlen(e->reason));
    buf_addc(out, '\n');
  }
}

int cf_coverage_check(const cf_suite *s, buf *out)
{
  tally reqs = {0, 0, 0, 0}, types = {0, 0, 0, 0};

  count_requirements(s, &reqs, out);
  count_error_types(s, &types, out);
  list_pending(s, out);
  buf_addf(out, "vectors: %zu case%s in %zu file%s, %zu/%zu requirements "
           "covered (%zu pending), %zu/%zu error types (%zu pending)\n",
           s->case_count, s->case_count == 1 ? "" : "s", s->file_count,
           s->file_count == 1 ? "" : "s", reqs.covered, reqs.total,
           reqs.pending, types.covered, types.total, types.pending);
  if (buf_failed(out))
    return -1;
  return reqs.faults || types.faults ? 1 : 0;
}
