/*
 * regex.h: the regular expressions of `match` expectations (PCRE2,
 * UTF-8, anchored at both ends of the subject).
 */
#ifndef CF_REGEX_H
#define CF_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stddef.h>

/* Compiles pattern, anchored at both ends. Returns the code, which the
 * caller frees with pcre2_code_free, or NULL with the reason and its
 * offset in err. */
pcre2_code *regex_compile(const char *pattern, char *err, size_t errlen);

/* 1 when the whole of subject matches, 0 when it does not, -1 when
 * matching failed (resource limit, memory) with the reason in err. */
int regex_match(const pcre2_code *code, const char *subject, char *err,
                size_t errlen);

#endif
