/*
 * jptr.h: JSON Pointers (RFC 6901) over cJSON trees.
 *
 * Pointers name values in response bodies (captures, match) and name
 * the place of a fault in a vector file.
 */
#ifndef CF_JPTR_H
#define CF_JPTR_H

#include "buf.h"

#include <cjson/cJSON.h>

/* 1 when s is a JSON Pointer: empty, or '/'-separated tokens in which
 * '~' is always followed by '0' or '1'; else 0. */
int jptr_valid(const char *s);

/* The value that pointer ptr names in root, or NULL when there is none
 * (or ptr is not valid). Array indexes are 0 or digits without a
 * leading zero; "-" names nothing. Member names match case-sensitively
 * after ~1 -> '/' and ~0 -> '~'. */
const cJSON *jptr_get(const cJSON *root, const char *ptr);

/* Appends "/" and token, escaping '~' as ~0 and '/' as ~1. */
void jptr_push(buf *path, const char *token);

/* Appends "/" and an array index. */
void jptr_push_index(buf *path, size_t index);

#endif
