/*
 * trace.h: the traceability report of a run, traceability.md: every
 * requirement of the requirements file with its level and title, the
 * cases that name it, and what they showed on the target, grouped by
 * the sections of SPEC.md.
 */
#ifndef CF_TRACE_H
#define CF_TRACE_H

#include "buf.h"
#include "report.h"

#include <stddef.h>

/* Appends the Markdown of traceability.md for the n entries of a run
 * whose suite holds a requirements file. Section titles come from the
 * SPEC.md beside the requirements file; without one, sections are
 * named by number. The text holds no time, so two runs that found the
 * same write the same bytes. Returns 0, or -1 when memory ran out. */
int cf_trace_build(buf *out, const cf_run_info *info,
                   const cf_entry *entries, size_t n);

#endif
