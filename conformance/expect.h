/*
 * expect.h: judging a response against the expectation of a step.
 *
 * An outcome fixes the status, and optionally the error type, headers
 * (regular expressions their values must match), the body (exact, a
 * subset of its members, or empty), regular expressions that values at
 * JSON Pointers must match, pointers that must name nothing, elements
 * that arrays must contain or exclude, and values that must differ from
 * a variable's. An expectation is one outcome or anyOf several; the
 * first branch that matches is the one taken.
 */
#ifndef CF_EXPECT_H
#define CF_EXPECT_H

#include "buf.h"
#include "target.h"
#include "vars.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Appends the message of an error body, quoted and cut short, after a
 * space; nothing when body has no string message. */
void expect_show_message(buf *why, const cJSON *body);

/* Writes the error type of a response into out (n bytes; "" when there
 * is none): the X-Amzn-ErrorType header, else the __type or code
 * member of the body, cut before the first ':' and after the first '#',
 * and at a character boundary when longer than out holds. body is the
 * parsed response body or NULL. */
void expect_error_type(const cf_response *rs, const cJSON *body, char *out,
                       size_t n);

/* Judges rs (with body, its parsed JSON or NULL) against expect, with
 * ${name} in expected strings taken from vs. Returns 1 when it matches,
 * with *branch the anyOf branch taken (-1 when expect is one outcome);
 * 0 when it does not, with expected beside actual in why; -1 when the
 * judging failed (no memory, a regular expression that could not run),
 * with the reason in why. */
int expect_judge(const cJSON *expect, const vars *vs, const cf_response *rs,
                 const cJSON *body, int *branch, buf *why);

/* Appends a short display of a JSON value (compact, cut after about
 * 60 bytes). */
void expect_show(buf *b, const cJSON *value);

#endif
