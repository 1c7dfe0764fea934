/*
 * codec.h: the byte encodings the runner reads and writes: UTF-8
 * validation, strict base64, and percent-encoding of query parts.
 */
#ifndef CF_CODEC_H
#define CF_CODEC_H

#include "buf.h"

#include <stddef.h>

/* Length (1..4) of the well-formed, shortest-form UTF-8 sequence of a
 * Unicode scalar value at s (len bytes available), or 0 when the bytes
 * there are not one. */
size_t utf8_seq(const unsigned char *s, size_t len);

/* 1 when len bytes are well-formed UTF-8 holding no NUL byte, else 0. */
int utf8_text(const unsigned char *s, size_t len);

/* The first control character of s (C0, a tab included, or DEL), or
 * NULL when it has none. */
const char *first_control(const char *s);

/* Decodes standard base64 (RFC 4648 section 4) strictly: no white
 * space, length a multiple of 4, '=' only as final padding, unused bits
 * zero. Returns 0 and a new buffer in *out (the caller frees; NULL when
 * *out_len is 0), -1 when the text is not such base64, -2 when memory
 * ran out. */
int b64_decode(const char *text, unsigned char **out, size_t *out_len);

/* Appends the padded standard base64 of len bytes to b. */
void b64_encode(buf *b, const unsigned char *p, size_t len);

/* Appends s with every byte outside the RFC 3986 unreserved set
 * (ALPHA DIGIT - . _ ~) written as %XX with upper-case hex digits. */
void pct_encode(buf *b, const char *s);

#endif
