/*
 * output.c: progress, failure lines and the closing line.
 *
 * On a terminal, progress is a counter redrawn in place on stderr; when
 * stderr is a file or a pipe, one line is written as each vector file's
 * cases are done, so logs stay short. Failure lines go to stdout and
 * carry the case id, its title, its requirements, the step and what
 * was expected beside what came; when the target can write one, a
 * command that sends the request of that step again follows.
 */
#include "output.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LINE_WIDTH 78

/* The longest command shown after a failure line; a longer one is
 * only in results.json. */
#define REPRODUCE_SHOWN_MAX 4096

void cf_progress_start(cf_progress *p, size_t total, int quiet)
{
  memset(p, 0, sizeof *p);
  p->quiet = quiet;
  p->tty = isatty(STDERR_FILENO);
  p->total = total;
}

/* Clears the counter line of a terminal. */
static void clear_counter(cf_progress *p)
{
  if (!p->quiet && p->tty && p->done)
    fprintf(stderr, "\r%*s\r", LINE_WIDTH, "");
}

/* Writes the line that says a file's cases are done. */
static void file_done(cf_progress *p)
{
  if (!p->quiet && !p->tty && p->file)
    fprintf(stderr, "conform: %s: %zu case%s run (%zu of %zu)\n", p->file,
            p->file_done, p->file_done == 1 ? "" : "s", p->done, p->total);
}

void cf_progress_case(cf_progress *p, const cf_case *c)
{
  if (p->file && strcmp(p->file, c->file->path) != 0) {
    file_done(p);
    p->file_done = 0;
  }
  p->file = c->file->path;
  p->done++;
  p->file_done++;
  if (!p->quiet && p->tty) {
    fprintf(stderr, "\r[%zu/%zu] %-*.*s", p->done, p->total, 60, 60, c->id);
    fflush(stderr);
  }
}

void cf_progress_end(cf_progress *p)
{
  clear_counter(p);
  file_done(p);
  fflush(stderr);
}

/* Prints s with control characters escaped. */
static void print_safe(const char *s)
{
  buf_fputs_safe(s, stdout);
}

/* Prints " [REQ-1, REQ-2]" from the requirements of a case. */
static void print_requirements(const cf_case *c)
{
  const cJSON *item;
  const char *sep = " [";

  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                               c->json, "requirements")) {
    fputs(sep, stdout);
    print_safe(item->valuestring);
    sep = ", ";
  }
  fputs("]", stdout);
}

void cf_print_result(cf_progress *p, const cf_entry *e)
{
  const cf_result *r = &e->result;

  if (r->outcome == CF_PASS || r->outcome == CF_SKIPPED ||
      r->outcome == CF_NOT_VERIFIED)
    return;
  clear_counter(p);
  fflush(stderr);
  printf("%s %s: ", cf_outcome_name(r->outcome), e->c->id);
  print_safe(e->c->title);
  print_requirements(e->c);
  fputs(": ", stdout);
  print_safe(r->message ? r->message : "(no message: out of memory)");
  fputs("\n", stdout);
  if (r->reproduce && strlen(r->reproduce) <= REPRODUCE_SHOWN_MAX)
    printf("reproduce: %s\n", r->reproduce);
  else if (r->reproduce)
    printf("reproduce: a command of %zu bytes, \"reproduce\" in "
           "results.json\n", strlen(r->reproduce));
  fflush(stdout);
}

int cf_print_list(const cf_entry *entries, size_t n)
{
  int width = 0;

  for (size_t i = 0; i < n; i++)
    if ((int)strlen(entries[i].c->id) > width)
      width = (int)strlen(entries[i].c->id);
  for (size_t i = 0; i < n; i++) {
    if (entries[i].result.outcome == CF_SKIPPED)
      continue;
    printf("%-*s  %-6s  ", width, entries[i].c->id, entries[i].c->level);
    print_safe(entries[i].c->title);
    fputs("\n", stdout);
  }
  return 0;
}

/* 1 when entry i is the first not verified for its reason. */
static int first_reason(const cf_entry *e, size_t i)
{
  const char *why = e[i].result.message ? e[i].result.message : "";

  for (size_t j = 0; j < i; j++)
    if (e[j].result.outcome == CF_NOT_VERIFIED &&
        strcmp(e[j].result.message ? e[j].result.message : "", why) == 0)
      return 0;
  return 1;
}

/* Prints "N not verified: reason" for each reason, in the order the
 * reasons first come. */
static void print_not_verified(const cf_entry *e, size_t n)
{
  const char *why;
  size_t k;

  for (size_t i = 0; i < n; i++) {
    if (e[i].result.outcome != CF_NOT_VERIFIED || !first_reason(e, i))
      continue;
    why = e[i].result.message ? e[i].result.message : "";
    k = 0;
    for (size_t j = i; j < n; j++)
      k += e[j].result.outcome == CF_NOT_VERIFIED &&
           strcmp(e[j].result.message ? e[j].result.message : "",
                  why) == 0;
    printf("%zu not verified: ", k);
    print_safe(why);
    fputs("\n", stdout);
  }
}

void cf_print_summary(const cf_counts *k, const cf_entry *e, size_t n,
                      int strict)
{
  if (k->errors)
    printf("%zu error%s: the target could not be reached or the harness "
           "broke (counted as failed)\n", k->errors,
           k->errors == 1 ? "" : "s");
  print_not_verified(e, n);
  if (strict && (k->not_verified || k->skipped))
    printf("--strict: the run fails, as %zu case%s not verified or "
           "skipped\n", k->not_verified + k->skipped,
           k->not_verified + k->skipped == 1 ? " was" : "s were");
  printf("%zu passed, %zu failed", k->passed, k->failed + k->errors);
  if (k->skipped)
    printf(", %zu skipped", k->skipped);
  printf("\n");
}
