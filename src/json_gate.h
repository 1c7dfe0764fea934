/*
 * json_gate.h: strict JSON acceptance (RFC 8259) in front of cJSON.
 *
 * cJSON alone accepts text that RFC 8259 forbids and loses information
 * the validators need. This gate parses the bytes itself, rejects every
 * departure from the grammar, and builds a cJSON tree only from text it
 * accepted:
 *   - the text is UTF-8 without a byte order mark; every byte sequence is
 *     a well-formed, shortest-form encoding of a Unicode scalar value;
 *   - one value, surrounded only by JSON white space, nothing after it;
 *   - numbers follow the grammar exactly: no leading zeros, no "1.",
 *     no ".5", no "+1", no NaN or Infinity;
 *   - strings hold no raw control character (below U+0020); escapes are
 *     the eight of the RFC and \u with four hex digits; a surrogate must
 *     pair; an escaped U+0000 is rejected, because a C string cannot
 *     carry it and no member of this API admits it;
 *   - member names are unique within an object (compared after escapes
 *     are decoded); nesting is at most JG_MAX_DEPTH deep.
 * Number nodes keep their exact source text in valuestring, so integer
 * members can be judged without floating-point rounding (jg_integer).
 * Look members up with cJSON_GetObjectItemCaseSensitive only.
 */
#ifndef JSON_GATE_H
#define JSON_GATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define JG_MAX_DEPTH 64

/* Parses len bytes. Returns the tree, which the caller frees with
 * cJSON_Delete, or NULL with a one-line reason in err (at most errlen
 * bytes, including the byte offset of the fault). Allocation failure
 * also returns NULL, with *oom set to 1 when oom is not NULL. */
cJSON *jg_parse(const unsigned char *text, size_t len,
                char *err, size_t errlen, int *oom);

/* How a JSON number compares with an integer range. */
typedef enum jg_int_verdict {
  JG_INT_OK,            /* whole and within [min, max]; *out holds it */
  JG_INT_NOT_NUMBER,    /* the node is not a number */
  JG_INT_NOT_WHOLE,     /* has a fractional part, such as 3.5 or 1e-1 */
  JG_INT_OUT_OF_RANGE   /* whole, but below min or above max */
} jg_int_verdict;

/* Judges a number node made by jg_parse from its exact source text:
 * "3", "3.0", "30e-1" and "0.3e1" are the whole number 3. Can't fail. */
jg_int_verdict jg_integer(const cJSON *node, long long min, long long max,
                          long long *out);

#endif
