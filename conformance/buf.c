/*
 * buf.c: the growable byte buffer, and display quoting for messages.
 */
#include "buf.h"

#include "codec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(buf *b)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->failed = 0;
}

void buf_free(buf *b)
{
  free(b->data);
  buf_init(b);
}

/* Makes room for n more bytes and the NUL. Returns 0, or -1 after
 * marking the buffer failed. */
static int reserve(buf *b, size_t n)
{
  size_t need, cap;
  char *data;

  if (b->failed)
    return -1;
  if (n > (size_t)-1 / 2 - b->len)
    goto fail;
  need = b->len + n + 1;
  if (need <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap *= 2;
  data = realloc(b->data, cap);
  if (!data)
    goto fail;
  b->data = data;
  b->cap = cap;
  return 0;

fail:
  b->failed = 1;
  return -1;
}

void buf_add(buf *b, const void *p, size_t n)
{
  if (reserve(b, n) < 0)
    return;
  if (n)
    memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_adds(buf *b, const char *s)
{
  buf_add(b, s, strlen(s));
}

void buf_addc(buf *b, char c)
{
  buf_add(b, &c, 1);
}

void buf_addf(buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  if (reserve(b, (size_t)n) < 0)
    return;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void buf_truncate(buf *b, size_t len)
{
  if (b->data && len < b->len) {
    b->len = len;
    b->data[len] = '\0';
  }
}

int buf_failed(const buf *b)
{
  return b->failed;
}

const char *buf_str(const buf *b)
{
  if (b->failed)
    return NULL;
  return b->data ? b->data : "";
}

char *buf_take(buf *b)
{
  char *s;

  if (b->failed) {
    buf_free(b);
    return NULL;
  }
  if (!b->data)
    return calloc(1, 1);
  s = b->data;
  buf_init(b);
  return s;
}

void buf_copy_out(const buf *b, char *out, size_t n)
{
  const char *s = buf_str(b) ? buf_str(b) : "out of memory";
  size_t len = strlen(s), cut = len < n ? len : n - 1;

  while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  memcpy(out, s, cut);
  out[cut] = '\0';
}

/* 1 when the n-byte UTF-8 sequence p (n > 1) is a character a display
 * must not show as it is: a C1 control, or one that reorders text or
 * breaks a line (U+061C, U+200E, U+200F, U+2028 to U+202E, U+2066 to
 * U+2069). */
static int display_control(const unsigned char *p, size_t n)
{
  if (n == 2)
    return (p[0] == 0xC2 && p[1] < 0xA0) ||
           (p[0] == 0xD8 && p[1] == 0x9C);
  if (n != 3 || p[0] != 0xE2)
    return 0;
  return (p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F ||
                           (p[2] >= 0xA8 && p[2] <= 0xAE))) ||
         (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9);
}

/* Appends one byte escaped for display when it must be. */
static void add_escaped_byte(buf *b, unsigned char c, int quoted)
{
  if (c == '\n')
    buf_adds(b, "\\n");
  else if (c == '\t')
    buf_adds(b, "\\t");
  else if (c == '\r')
    buf_adds(b, "\\r");
  else if (quoted && (c == '"' || c == '\\'))
    buf_addf(b, "\\%c", c);
  else if (c < 0x20 || c >= 0x7F)
    buf_addf(b, "\\x%02X", c);
  else
    buf_addc(b, (char)c);
}

/* Appends up to len bytes of s, escaped; valid multi-byte UTF-8 kept
 * but for what display_control names. */
static void add_display(buf *b, const char *s, size_t len, int quoted)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n;

  while (i < len) {
    n = p[i] >= 0x80 ? utf8_seq(p + i, len - i) : 0;
    if (n > 1 && !display_control(p + i, n)) {
      buf_add(b, p + i, n);
      i += n;
      continue;
    }
    add_escaped_byte(b, p[i], quoted);
    i++;
  }
}

void buf_add_quoted(buf *b, const char *s, size_t len, size_t max)
{
  size_t cut = len > max ? max : len;

  while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  buf_addc(b, '"');
  add_display(b, s, cut, 1);
  buf_addc(b, '"');
  if (cut < len)
    buf_adds(b, "...");
}

void buf_add_safe(buf *b, const char *s, size_t len)
{
  add_display(b, s, len, 0);
}

void buf_fputs_safe(const char *s, FILE *f)
{
  buf b;

  buf_init(&b);
  buf_add_safe(&b, s, strlen(s));
  fputs(buf_failed(&b) ? "?" : buf_str(&b), f);
  buf_free(&b);
}
