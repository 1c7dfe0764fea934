/*
 * trace.c: building traceability.md.
 *
 * Requirements are grouped by their `section`, sections in the order of
 * their numbers (4.1 before 10.1), requirements in the file's order
 * within a section. The outcome of a requirement sums up the cases that
 * name it: a case not selected, or skipped, did not run; FAIL and ERROR
 * count as failed; a case not verified is counted apart.
 */
#include "trace.h"

#include "coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A section heading of SPEC.md: "4.1" and its title. */
typedef struct heading {
  char *number;
  char *title;
} heading;

/* The headings of SPEC.md, in file order. */
typedef struct headings {
  heading *v;
  size_t count;
} headings;

/* One requirement and its place in the requirements file. */
typedef struct req_ref {
  const cJSON *item;
  size_t index;
} req_ref;

/* What the cases naming one requirement showed. */
typedef struct verdict {
  size_t cases;
  size_t passed;
  size_t failed;
  size_t unverified;
} verdict;

/* What building the report needs. */
typedef struct trace_ctx {
  const cf_suite *s;
  const cf_result **results;    /* by case index; NULL: not selected */
  headings heads;
  buf *out;
} trace_ctx;

/* The string member name of a requirement, or "". */
static const char *req_text(const cJSON *item, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(item, name);

  return cJSON_IsString(v) ? v->valuestring : "";
}

/* Orders section numbers by their dot-separated parts, as numbers. */
static int compare_numbers(const char *a, const char *b)
{
  char *end_a, *end_b;
  long x, y;

  while (*a && *b) {
    x = strtol(a, &end_a, 10);
    y = strtol(b, &end_b, 10);
    if (x != y)
      return x < y ? -1 : 1;
    if (end_a == a || end_b == b)
      return strcmp(a, b);
    a = end_a + (*end_a == '.');
    b = end_b + (*end_b == '.');
  }
  return (*a != '\0') - (*b != '\0');
}

/* qsort order of requirements: by section, then by place in the file */
static int compare_reqs(const void *pa, const void *pb)
{
  const req_ref *a = pa, *b = pb;
  int rc = compare_numbers(req_text(a->item, "section"),
                           req_text(b->item, "section"));

  if (rc)
    return rc;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Adds the heading of line when it is "## N. Title" or "### N.M Title".
 * Returns 0, or -1 when memory ran out. */
static int add_heading(headings *h, const char *line)
{
  size_t hashes = strspn(line, "#"), len;
  const char *number = line + hashes + 1;
  heading *grown;

  if ((hashes != 2 && hashes != 3) || line[hashes] != ' ' ||
      *number < '0' || *number > '9')
    return 0;
  len = strcspn(number, " ");
  grown = realloc(h->v, (h->count + 1) * sizeof *grown);
  if (!grown)
    return -1;
  h->v = grown;
  grown[h->count].number = strndup(number, len - (number[len - 1] == '.'));
  grown[h->count].title = strdup(number + len + strspn(number + len, " "));
  if (!grown[h->count].number || !grown[h->count].title) {
    free(grown[h->count].number);
    free(grown[h->count].title);
    return -1;
  }
  h->count++;
  return 0;
}

/* Reads the headings of the SPEC.md in the folder of the requirements
 * file. A missing file gives none. Returns 0, or -1 (no memory). */
static int read_headings(headings *h, const char *req_path)
{
  const char *slash = strrchr(req_path, '/');
  char *line = NULL;
  size_t cap = 0;
  FILE *f;
  buf path;
  int rc = 0;

  buf_init(&path);
  if (slash)
    buf_add(&path, req_path, (size_t)(slash - req_path + 1));
  buf_adds(&path, "SPEC.md");
  f = buf_failed(&path) ? NULL : fopen(path.data, "r");
  buf_free(&path);
  if (!f)
    return 0;
  while (rc == 0 && getline(&line, &cap, f) >= 0) {
    line[strcspn(line, "\r\n")] = '\0';
    rc = add_heading(h, line);
  }
  free(line);
  fclose(f);
  return rc;
}

/* Frees the headings. */
static void free_headings(headings *h)
{
  for (size_t i = 0; i < h->count; i++) {
    free(h->v[i].number);
    free(h->v[i].title);
  }
  free(h->v);
}

/* Appends text for a table cell: on one line, '|' escaped. */
static void add_cell(buf *out, const char *text)
{
  buf safe;

  buf_init(&safe);
  buf_add_safe(&safe, text, strlen(text));
  for (size_t i = 0; !buf_failed(&safe) && i < safe.len; i++) {
    if (safe.data[i] == '|')
      buf_addc(out, '\\');
    buf_addc(out, safe.data[i]);
  }
  if (buf_failed(&safe))
    buf_adds(out, "?");
  buf_free(&safe);
}

/* Appends the "## N Title" line that opens section number. */
static void add_section(trace_ctx *x, const char *number)
{
  const char *title = NULL;

  for (size_t i = 0; i < x->heads.count && !title; i++)
    if (strcmp(x->heads.v[i].number, number) == 0)
      title = x->heads.v[i].title;
  buf_adds(x->out, "\n## ");
  if (title) {
    buf_adds(x->out, number);
    buf_addc(x->out, ' ');
    add_cell(x->out, title);
  } else {
    buf_adds(x->out, *number ? "Section " : "No section");
    buf_adds(x->out, number);
  }
  buf_adds(x->out, "\n\n| requirement | level | title | vectors | outcome "
           "|\n|---|---|---|---|---|\n");
}

/* 1 when case c names requirement id. */
static int names(const cf_case *c, const char *id)
{
  const cJSON *item;

  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                               c->json, "requirements"))
    if (strcmp(item->valuestring, id) == 0)
      return 1;
  return 0;
}

/* Appends the ids of the cases naming id, and sums up their results. */
static verdict add_vectors(trace_ctx *x, const char *id)
{
  verdict v = {0, 0, 0, 0};
  const cf_result *r;

  for (size_t i = 0; i < x->s->case_count; i++) {
    if (!names(&x->s->cases[i], id))
      continue;
    buf_adds(x->out, v.cases++ ? ", " : "");
    buf_adds(x->out, x->s->cases[i].id);
    r = x->results[i];
    if (!r)
      continue;
    v.passed += r->outcome == CF_PASS;
    v.failed += r->outcome == CF_FAIL || r->outcome == CF_ERROR;
    v.unverified += r->outcome == CF_NOT_VERIFIED;
  }
  if (v.cases == 0)
    buf_adds(x->out, "none");
  return v;
}

/* Appends ", N not verified" and ", N not run" where N is not 0. */
static void add_rest(trace_ctx *x, const verdict *v, size_t not_run)
{
  if (v->unverified)
    buf_addf(x->out, ", %zu not verified", v->unverified);
  if (not_run)
    buf_addf(x->out, ", %zu not run", not_run);
}

/* Appends the outcome of a requirement: what its cases showed, or why
 * it has none. */
static void add_outcome(trace_ctx *x, const verdict *v, const char *id)
{
  size_t not_run = v->cases - v->passed - v->failed - v->unverified;
  const char *reason = cf_pending_reason(x->s, id);

  if (v->cases == 0 && reason) {
    buf_adds(x->out, "pending: ");
    add_cell(x->out, reason);
  } else if (v->cases == 0) {
    buf_adds(x->out, "no vector");
  } else if (v->failed) {
    buf_addf(x->out, "%zu failed", v->failed);
    add_rest(x, v, not_run);
  } else if (v->passed == 0 && v->unverified) {
    buf_addf(x->out, "%zu not verified", v->unverified);
    if (not_run)
      buf_addf(x->out, ", %zu not run", not_run);
  } else if (v->passed == 0) {
    buf_adds(x->out, "not run");
  } else if (not_run || v->unverified) {
    buf_addf(x->out, "%zu passed", v->passed);
    add_rest(x, v, not_run);
  } else {
    buf_adds(x->out, "all pass");
  }
}

/* Appends the table row of one requirement. */
static void add_row(trace_ctx *x, const cJSON *item)
{
  const char *id = req_text(item, "id");
  verdict v;

  buf_adds(x->out, "| ");
  add_cell(x->out, id);
  buf_adds(x->out, " | ");
  add_cell(x->out, req_text(item, "level"));
  buf_adds(x->out, " | ");
  add_cell(x->out, req_text(item, "title"));
  buf_adds(x->out, " | ");
  v = add_vectors(x, id);
  buf_adds(x->out, " | ");
  add_outcome(x, &v, id);
  buf_adds(x->out, " |\n");
}

/* Appends the title and what the run was. */
static void add_preamble(trace_ctx *x, const cf_run_info *info, size_t n)
{
  const cf_counts *k = &info->counts;

  buf_addf(x->out, "# Traceability: requirements to vectors\n\n"
           "Every requirement of `%s`, the vectors that name it, and what "
           "they showed on the target of one run.\n\n",
           x->s->requirements_path);
  buf_addf(x->out, "- runner: conform %s, vector format %s\n",
           info->version, CF_FORMAT);
  buf_addf(x->out, "- vector set: SHA-256 %s (%zu file%s, %zu case%s)\n",
           x->s->sha256, x->s->file_count,
           x->s->file_count == 1 ? "" : "s", x->s->case_count,
           x->s->case_count == 1 ? "" : "s");
  buf_adds(x->out, "- target: ");
  add_cell(x->out, info->target);
  buf_addf(x->out, "\n- run: %zu selected, %zu passed, %zu failed, %zu "
           "skipped", n, k->passed, k->failed + k->errors, k->skipped);
  if (k->not_verified)
    buf_addf(x->out, ", %zu not verified", k->not_verified);
  buf_adds(x->out, "\n\n");
  buf_addf(x->out, "Outcome: `all pass`, every vector that names the "
           "requirement ran and passed; `N failed`, N of them failed or "
           "erred; `not run`, none was selected; `P passed, M not run`, "
           "some were not selected or were skipped; `N not verified`, "
           "the target could not be put in the state they need; "
           "`pending`, no vector "
           "can cover it yet (the reason is in `%s`); `no vector`, "
           "nothing names it.\n", x->s->pending_path);
}

/* Appends the tables: requirements sorted into sections. Returns 0 or
 * -1 (no memory). */
static int add_tables(trace_ctx *x)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(x->s->requirements,
                                                       "requirements");
  size_t count = (size_t)cJSON_GetArraySize(list), i = 0;
  req_ref *refs = calloc(count + 1, sizeof *refs);
  const cJSON *item;
  const char *section = NULL;

  if (!refs)
    return -1;
  cJSON_ArrayForEach(item, list) {
    refs[i].item = item;
    refs[i].index = i;
    i++;
  }
  qsort(refs, count, sizeof *refs, compare_reqs);
  for (i = 0; i < count; i++) {
    if (!section || strcmp(section, req_text(refs[i].item, "section")))
      add_section(x, section = req_text(refs[i].item, "section"));
    add_row(x, refs[i].item);
  }
  free(refs);
  return 0;
}

int cf_trace_build(buf *out, const cf_run_info *info,
                   const cf_entry *entries, size_t n)
{
  trace_ctx x = {info->suite, NULL, {NULL, 0}, out};
  int rc = -1;

  x.results = calloc(x.s->case_count + 1, sizeof *x.results);
  if (!x.results || read_headings(&x.heads, x.s->requirements_path) < 0)
    goto out;
  for (size_t i = 0; i < n; i++)
    if (entries[i].result.outcome != CF_SKIPPED)
      x.results[entries[i].c - x.s->cases] = &entries[i].result;
  add_preamble(&x, info, n);
  if (add_tables(&x) == 0 && !buf_failed(out))
    rc = 0;

out:
  free(x.results);
  free_headings(&x.heads);
  return rc;
}
