/*
 * compare.c: comparing the outcomes of two runs, case by case.
 *
 * Cases are matched by id. A line is printed for every case whose
 * outcome differs (with both outcomes and the message of the run that
 * has one, the second first) and for every case only one run holds.
 * Runs of different vector sets are compared all the same, with a
 * warning, since ids are stable across versions.
 */
#include "compare.h"

#include "buf.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads the whole file at path into b. Returns 0, or -1 after saying
 * why on stderr. */
static int read_file(const char *path, buf *b)
{
  FILE *f = fopen(path, "rb");
  char chunk[65536];
  size_t n;
  int rc;

  if (!f) {
    fprintf(stderr, "conform: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    buf_add(b, chunk, n);
  rc = ferror(f) || buf_failed(b) ? -1 : 0;
  fclose(f);
  if (rc < 0)
    fprintf(stderr, "conform: %s: cannot read the file\n", path);
  return rc;
}

/* Loads results.json at path. Returns its "cases" array (inside *root,
 * which the caller deletes), or NULL after saying why on stderr. */
static const cJSON *load_cases(const char *path, cJSON **root)
{
  const cJSON *cases;
  buf text;

  buf_init(&text);
  *root = NULL;
  if (read_file(path, &text) < 0) {
    buf_free(&text);
    return NULL;
  }
  *root = cJSON_ParseWithLength(text.data ? text.data : "", text.len);
  buf_free(&text);
  cases = cJSON_GetObjectItemCaseSensitive(*root, "cases");
  if (cJSON_IsArray(cases))
    return cases;
  fprintf(stderr, "conform: %s: not a results.json of conform (no "
          "\"cases\" array)\n", path);
  return NULL;
}

/* The string member name of obj, or "" when it has none. */
static const char *member(const cJSON *obj, const char *name)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);

  return cJSON_IsString(m) ? m->valuestring : "";
}

/* The case of that id in cases, or NULL. */
static const cJSON *find_case(const cJSON *cases, const char *id)
{
  const cJSON *c;

  cJSON_ArrayForEach(c, cases)
    if (strcmp(member(c, "id"), id) == 0)
      return c;
  return NULL;
}

/* Prints s on standard output, escaped as buf_add_safe does. */
static void print_safe(const char *s)
{
  buf_fputs_safe(s, stdout);
}

/* The target a run was made on, from the header of its results. */
static const char *target_of(const cJSON *root)
{
  return member(cJSON_GetObjectItemCaseSensitive(root, "header"),
                "target");
}

/* Prints the line of a case whose outcome differs between runs a and
 * b, named by their targets ("on") or files ("in"): both outcomes,
 * then b's message, else a's. */
static void print_differs(const char *word, const char *a,
                          const cJSON *ca, const char *b, const cJSON *cb)
{
  const char *msg = *member(cb, "message") ? member(cb, "message")
                                           : member(ca, "message");

  fputs("DIFFERS ", stdout);
  print_safe(member(ca, "id"));
  fputs(": ", stdout);
  print_safe(member(ca, "outcome"));
  printf(" %s ", word);
  print_safe(a);
  fputs(", ", stdout);
  print_safe(member(cb, "outcome"));
  printf(" %s ", word);
  print_safe(b);
  if (*msg) {
    fputs(": ", stdout);
    print_safe(msg);
  }
  fputs("\n", stdout);
}

/* Prints the cases of one run that the other lacks. Returns how many */
static size_t print_only(const cJSON *in, const cJSON *other,
                         const char *path)
{
  const cJSON *c;
  size_t n = 0;

  cJSON_ArrayForEach(c, in) {
    if (find_case(other, member(c, "id")))
      continue;
    fputs("ONLY ", stdout);
    print_safe(member(c, "id"));
    fputs(": ", stdout);
    print_safe(member(c, "outcome"));
    fputs(" in ", stdout);
    print_safe(path);
    fputs("\n", stdout);
    n++;
  }
  return n;
}

/* Warns when the two runs used different vector sets. */
static void check_vector_sets(const cJSON *ra, const cJSON *rb)
{
  const cJSON *ha = cJSON_GetObjectItemCaseSensitive(ra, "header");
  const cJSON *hb = cJSON_GetObjectItemCaseSensitive(rb, "header");
  const char *sa = member(cJSON_GetObjectItemCaseSensitive(ha,
                                                           "vectorSet"),
                          "sha256");
  const char *sb = member(cJSON_GetObjectItemCaseSensitive(hb,
                                                           "vectorSet"),
                          "sha256");

  if (strcmp(sa, sb) == 0)
    return;
  fputs("conform: warning: the runs used different vector sets (",
        stderr);
  buf_fputs_safe(sa, stderr);
  fputs(", ", stderr);
  buf_fputs_safe(sb, stderr);
  fputs("); cases are matched by id\n", stderr);
}

int cf_compare(const char *a, const char *b)
{
  cJSON *ra = NULL, *rb = NULL;
  const cJSON *ca = load_cases(a, &ra), *cb = ca ? load_cases(b, &rb)
                                                 : NULL;
  const cJSON *c, *other;
  const char *label_a, *label_b, *word = "on";
  size_t compared = 0, differ = 0, only;

  if (!ca || !cb) {
    cJSON_Delete(ra);
    cJSON_Delete(rb);
    return 2;
  }
  check_vector_sets(ra, rb);
  label_a = target_of(ra);
  label_b = target_of(rb);
  if (strcmp(label_a, label_b) == 0) {
    label_a = a;
    label_b = b;
    word = "in";
  }
  cJSON_ArrayForEach(c, ca) {
    other = find_case(cb, member(c, "id"));
    compared += other != NULL;
    if (other && strcmp(member(c, "outcome"), member(other, "outcome"))) {
      print_differs(word, label_a, c, label_b, other);
      differ++;
    }
  }
  only = print_only(ca, cb, a) + print_only(cb, ca, b);
  printf("%zu cases compared, %zu differ", compared, differ);
  if (only)
    printf(", %zu in one run only", only);
  printf("\n");
  cJSON_Delete(ra);
  cJSON_Delete(rb);
  return differ || only ? 1 : 0;
}
