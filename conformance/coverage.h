/*
 * coverage.h: what the vector set covers, and what it cannot cover yet.
 *
 * A requirement is covered when some case names it; an error type of
 * SPEC.md section 14.1 is covered when some outcome of some case expects
 * it (errorType). The PENDING file of the vector folder lists, by name
 * and with a reason, the requirements and error types that no case can
 * cover yet; `conform --check` proves that everything else is covered
 * and that nothing PENDING lists is covered already.
 */
#ifndef CF_COVERAGE_H
#define CF_COVERAGE_H

#include "buf.h"
#include "vectors.h"

#include <stddef.h>

/* The eight error types of SPEC.md section 14.1, then NULL. */
extern const char *const cf_error_types[];

/* Reads dir/PENDING into s (a missing file lists nothing). Each line is
 * blank, a comment starting with '#', or a name (a requirement of the
 * requirements file, or an error type), white space and a reason.
 * Returns the number of faults, each a line in diag naming the file and
 * the line. */
long cf_pending_load(cf_suite *s, const char *dir, buf *diag);

/* Frees the PENDING entries of s. Can't fail. */
void cf_pending_free(cf_suite *s);

/* The reason PENDING gives for name, or NULL when it does not list it */
const char *cf_pending_reason(const cf_suite *s, const char *name);

/* Checks the coverage of s, which holds a requirements file. Appends to
 * out one line per fault (a requirement or error type neither covered
 * nor pending; a PENDING entry that is covered), one "pending: " line
 * per PENDING entry, and the summary line. Returns 0 when everything is
 * covered or pending, 1 when not, -1 when memory ran out. */
int cf_coverage_check(const cf_suite *s, buf *out);

#endif
