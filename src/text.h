/*
 * text.h: the string constraints of the API.
 *
 * Lengths count Unicode code points, not bytes. The "printable" pattern
 * of the service model, [\p{L}||\p{M}||\p{Z}||\p{S}||\p{N}||\p{P}]+,
 * admits every character outside general category C (control, format,
 * surrogate, private use, unassigned); it is matched with PCRE2.
 * Identifiers (sequence store, upload, read set) are 10 to 36 ASCII digits.
 * Input to every function is UTF-8 already checked by the JSON gate or
 * by text_utf8_valid().
 */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>

#define TEXT_ID_MIN 10
#define TEXT_ID_MAX 36

/* Length of the well-formed, shortest-form UTF-8 sequence of one
 * Unicode scalar value at s (n > 0 bytes available), or 0 when the bytes
 * there are not one, or are a NUL. */
size_t text_utf8_sequence(const unsigned char *s, size_t n);

/* 1 when len bytes are well-formed UTF-8 with no NUL byte, else 0. */
int text_utf8_valid(const char *s, size_t len);

/* Number of code points in NUL-terminated UTF-8 s. */
size_t text_code_points(const char *s);

/* 1 when every character of non-empty s is outside general category C,
 * 0 when one is inside it or s is empty, -1 when PCRE2 failed (out of
 * memory). Thread-safe. */
int text_printable(const char *s);

/* 1 when s is an identifier: 10..36 characters, each of 0-9. */
int text_is_id(const char *s);

/* Decodes %XX escapes of len bytes of s into a new NUL-terminated string
 * ('+' is kept as is). Returns NULL when an escape is malformed, when the
 * result holds a NUL byte or invalid UTF-8, or when memory runs out
 * (then *oom is set to 1). The caller frees. */
char *text_percent_decode(const char *s, size_t len, int *oom);

#endif
