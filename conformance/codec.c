/*
 * codec.c: UTF-8 validation, strict base64 both ways, percent-encoding.
 */
#include "codec.h"

#include <stdlib.h>
#include <string.h>

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Checks a multi-byte sequence: n bytes in total, lead byte masked by
 * lead_mask, the value at least min and no surrogate nor above 10FFFF. */
static size_t utf8_multi(const unsigned char *s, size_t len, size_t n,
                         unsigned lead_mask, unsigned long min)
{
  unsigned long cp = s[0] & lead_mask;

  if (len < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

size_t utf8_seq(const unsigned char *s, size_t len)
{
  if (len == 0)
    return 0;
  if (s[0] < 0x80)
    return 1;
  if ((s[0] & 0xE0) == 0xC0)
    return utf8_multi(s, len, 2, 0x1F, 0x80);
  if ((s[0] & 0xF0) == 0xE0)
    return utf8_multi(s, len, 3, 0x0F, 0x800);
  if ((s[0] & 0xF8) == 0xF0)
    return utf8_multi(s, len, 4, 0x07, 0x10000);
  return 0;
}

int utf8_text(const unsigned char *s, size_t len)
{
  size_t i = 0, n;

  while (i < len) {
    if (s[i] == 0)
      return 0;
    n = utf8_seq(s + i, len - i);
    if (n == 0)
      return 0;
    i += n;
  }
  return 1;
}

/* The 6-bit value of a base64 character, or -1. */
static int b64_value(char c)
{
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr(b64_alphabet, c);
  return p ? (int)(p - b64_alphabet) : -1;
}

/* Decodes one group of four characters into up to three bytes at out.
 * last is 1 for the final group, where padding may stand. Returns the
 * number of bytes written, or -1 when the group is malformed. */
static int b64_group(const char *g, int last, unsigned char *out)
{
  int v[4], pad = 0;
  unsigned long bits = 0;

  for (int i = 0; i < 4; i++) {
    if (g[i] == '=' && last && i >= 2 && (i == 3 || g[3] == '=')) {
      v[i] = 0;
      pad++;
      continue;
    }
    v[i] = b64_value(g[i]);
    if (v[i] < 0 || pad)
      return -1;
  }
  bits = ((unsigned long)v[0] << 18) | ((unsigned long)v[1] << 12) |
         ((unsigned long)v[2] << 6) | (unsigned long)v[3];
  if ((pad == 1 && (bits & 0xFF)) || (pad == 2 && (bits & 0xFFFF)))
    return -1;
  out[0] = (unsigned char)(bits >> 16);
  out[1] = (unsigned char)(bits >> 8);
  out[2] = (unsigned char)bits;
  return 3 - pad;
}

int b64_decode(const char *text, unsigned char **out, size_t *out_len)
{
  size_t len = strlen(text), n = 0;
  unsigned char *bytes;
  int got;

  *out = NULL;
  *out_len = 0;
  if (len % 4)
    return -1;
  if (len == 0)
    return 0;
  bytes = malloc(len / 4 * 3);
  if (!bytes)
    return -2;
  for (size_t i = 0; i < len; i += 4) {
    got = b64_group(text + i, i + 4 == len, bytes + n);
    if (got < 0) {
      free(bytes);
      return -1;
    }
    n += (size_t)got;
  }
  *out = bytes;
  *out_len = n;
  return 0;
}

void b64_encode(buf *b, const unsigned char *p, size_t len)
{
  char quad[4];
  unsigned long bits;
  size_t rest;

  for (size_t i = 0; i < len; i += 3) {
    rest = len - i;
    bits = (unsigned long)p[i] << 16;
    if (rest > 1)
      bits |= (unsigned long)p[i + 1] << 8;
    if (rest > 2)
      bits |= p[i + 2];
    quad[0] = b64_alphabet[(bits >> 18) & 63];
    quad[1] = b64_alphabet[(bits >> 12) & 63];
    quad[2] = rest > 1 ? b64_alphabet[(bits >> 6) & 63] : '=';
    quad[3] = rest > 2 ? b64_alphabet[bits & 63] : '=';
    buf_add(b, quad, 4);
  }
}

/* 1 when c is in the RFC 3986 unreserved set. */
static int unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

void pct_encode(buf *b, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s;

  for (; *p; p++) {
    if (unreserved(*p)) {
      buf_addc(b, (char)*p);
      continue;
    }
    buf_addc(b, '%');
    buf_addc(b, hex[*p >> 4]);
    buf_addc(b, hex[*p & 15]);
  }
}

const char *first_control(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7F)
      return s;
  return NULL;
}
