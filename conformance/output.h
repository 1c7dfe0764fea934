/*
 * output.h: what the runner shows a person: progress on stderr while
 * cases run, one line per case that did not pass, and the closing line
 * "N passed, N failed[, N skipped]" on stdout, after a line for each
 * reason some cases were not verified.
 */
#ifndef CF_OUTPUT_H
#define CF_OUTPUT_H

#include "report.h"

#include <stddef.h>

/* How progress is shown. */
typedef struct cf_progress {
  int quiet;                    /* 1: no progress at all */
  int tty;                      /* 1: a counter redrawn on one line */
  size_t total;                 /* cases selected */
  size_t done;
  const char *file;             /* the file whose cases are running */
  size_t file_done;             /* cases of that file done */
} cf_progress;

/* Starts progress for total cases; tty when stderr is a terminal. */
void cf_progress_start(cf_progress *p, size_t total, int quiet);

/* Shows that case c is about to run. */
void cf_progress_case(cf_progress *p, const cf_case *c);

/* Ends progress (a file line, or clears the counter). */
void cf_progress_end(cf_progress *p);

/* Prints the line of a case that did not pass (stdout). */
void cf_print_result(cf_progress *p, const cf_entry *e);

/* Prints the cases that would run (not skipped) as id, level, title,
 * aligned. Returns 0. */
int cf_print_list(const cf_entry *entries, size_t n);

/* Prints the closing lines: the errors, if any; "N not verified:
 * reason" for each reason cases of e were not verified; with strict,
 * that the cases not verified or skipped fail the run; then
 * "N passed, N failed" and ", N skipped" when some were. */
void cf_print_summary(const cf_counts *k, const cf_entry *e, size_t n,
                      int strict);

#endif
