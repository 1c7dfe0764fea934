/*
 * jobs.h: running the selected cases on one worker or several.
 *
 * Each worker has a target of its own (for HTTP: its own connection)
 * and runs whole cases, so the steps of a case stay in order on one
 * worker. Test controls are global to a target, so with several
 * workers the cases that set them run alone, one after another, once
 * the others are done. Whatever the number of workers, progress,
 * failure lines and counts come in the order of the entries: a case is
 * shown once it and every case before it are done.
 */
#ifndef CF_JOBS_H
#define CF_JOBS_H

#include "report.h"
#include "target.h"

#include <stddef.h>

#define CF_JOBS_MAX 64          /* the most workers a run may have */

/* Runs every entry not marked skipped on the n targets: the calling
 * thread works with targets[0], one thread more with each other one;
 * the cases with test controls run on targets[0] alone, after the
 * others when n > 1. The case of entry i runs with store
 * turn i (cf_target_use_store). n is at most CF_JOBS_MAX.
 * Once a case finds the target unreachable, the cases not yet started
 * end in ERROR without running. Shows progress (unless quiet) and the
 * cases that did not pass. Returns the counts. */
cf_counts cf_run_jobs(cf_target **targets, size_t n, cf_entry *e,
                      size_t count, int quiet);

#endif
