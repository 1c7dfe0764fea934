/*
 * buf.h: a growable byte buffer for building strings and bodies.
 *
 * Appending never reports an error by itself: the first allocation
 * failure makes the buffer "failed", later appends do nothing, and the
 * caller checks once with buf_failed() or buf_take(). The data is kept
 * NUL-terminated so it can be used as a C string when it holds no NUL.
 */
#ifndef CF_BUF_H
#define CF_BUF_H

#include <stddef.h>
#include <stdio.h>

typedef struct buf {
  char *data;                   /* NULL until something is added */
  size_t len;
  size_t cap;
  int failed;                   /* 1 after an allocation failed */
} buf;

/* Empties a buffer that holds nothing yet. Can't fail. */
void buf_init(buf *b);

/* Releases what the buffer holds and empties it. */
void buf_free(buf *b);

/* Appends n bytes, a C string, one byte, or printf-formatted text. */
void buf_add(buf *b, const void *p, size_t n);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
void buf_addf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Cuts the content back to len bytes (len <= current length). */
void buf_truncate(buf *b, size_t len);

/* 1 when an allocation failed, else 0. */
int buf_failed(const buf *b);

/* The content as a C string ("" when empty); valid until the next
 * change. NULL when the buffer failed. */
const char *buf_str(const buf *b);

/* Hands the content over as a NUL-terminated string the caller frees,
 * and empties the buffer. Returns NULL (and frees) when it failed. */
char *buf_take(buf *b);

/* Copies the content into out (n > 0 bytes) as a C string, cut at a
 * character boundary when it does not fit; "out of memory" when the
 * buffer failed. Can't fail. */
void buf_copy_out(const buf *b, char *out, size_t n);

/* Appends s as a double-quoted display string: quotes, backslashes and
 * control characters escaped, invalid UTF-8 bytes shown as \xNN, and
 * more than max bytes of s cut with "..." after the closing quote. The
 * characters that reorder or break a line on a terminal (C1 controls,
 * bidirectional marks, overrides and isolates, U+2028, U+2029) count
 * as control characters, their bytes shown as \xNN. */
void buf_add_quoted(buf *b, const char *s, size_t len, size_t max);

/* Appends s for a one-line message without quotes: control characters
 * and invalid UTF-8 bytes are escaped as in buf_add_quoted. */
void buf_add_safe(buf *b, const char *s, size_t len);

/* Writes s to f escaped as buf_add_safe does ("?" when memory ran
 * out). */
void buf_fputs_safe(const char *s, FILE *f);

#endif
