/*
 * report.h: the reports of a run, written into one folder:
 * results.json (every case with every exchange), junit.xml (one
 * testcase per case, named by its id, classed by its group) and
 * traceability.md (requirements to cases, trace.h).
 */
#ifndef CF_REPORT_H
#define CF_REPORT_H

#include "run.h"
#include "vectors.h"

#include <stddef.h>

/* The counts of a run, by outcome. */
typedef struct cf_counts {
  size_t passed;
  size_t failed;
  size_t errors;
  size_t skipped;
  size_t not_verified;
} cf_counts;

/* What the header of a report records. */
typedef struct cf_run_info {
  const char *version;          /* of the runner */
  const char *target;           /* the target's description */
  const char *signing;          /* how requests were signed, or why not */
  const char *controls;         /* whether the target had test controls,
                                 * and how that was known */
  const cf_suite *suite;        /* for the vector set's hash and files */
  char started[21];             /* ISO 8601 UTC */
  cf_counts counts;
} cf_run_info;

/* One selected case and what running it found. */
typedef struct cf_entry {
  const cf_case *c;
  cf_result result;
} cf_entry;

/* Creates dir and its parents when missing, before a run, so that a
 * folder the reports cannot go to stops the run before it starts: one
 * that cannot be made, is not a folder, or is the vector folder
 * vectors (when not NULL). Returns 0, or -1 with the reason in err. */
int cf_report_prepare(const char *dir, const char *vectors, char *err,
                      size_t errlen);

/* Creates dir (and its parents) and writes results.json, junit.xml
 * and traceability.md for the n entries. Returns 0, or -1 with the
 * reason in err. */
int cf_report_write(const char *dir, const cf_run_info *info,
                    const cf_entry *entries, size_t n, char *err,
                    size_t errlen);

#endif
