/*
 * text.c: code points, the printable pattern, identifiers and
 * percent-decoding.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "text.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The service model's pattern for free text, as published. */
static const char printable_pattern[] =
  "[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+";

static pcre2_code *printable_code;
static pthread_mutex_t printable_lock = PTHREAD_MUTEX_INITIALIZER;

/* The compiled pattern, compiled by the first call that needs it; NULL
 * when memory ran out, and then the next call tries again. */
static pcre2_code *printable(void)
{
  pcre2_code *code;
  PCRE2_SIZE offset;
  int error;

  pthread_mutex_lock(&printable_lock);
  if (!printable_code)
    printable_code = pcre2_compile((PCRE2_SPTR)printable_pattern,
                                   PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED |
                                   PCRE2_ENDANCHORED | PCRE2_NO_UTF_CHECK,
                                   &error, &offset, NULL);
  code = printable_code;
  pthread_mutex_unlock(&printable_lock);
  return code;
}

/* Every ASCII character outside general category C. */
static const char printable_ascii[] =
  " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

int text_printable(const char *s)
{
  pcre2_match_data *match;
  pcre2_code *code;
  int rc;

  if (!*s)
    return 0;
  /* Printable ASCII is all in L, N, P, S or Zs: no need for PCRE2. */
  if (s[strspn(s, printable_ascii)] == '\0')
    return 1;
  code = printable();
  if (!code)
    return -1;
  match = pcre2_match_data_create_from_pattern(code, NULL);
  if (!match)
    return -1;
  rc = pcre2_match(code, (PCRE2_SPTR)s, strlen(s), 0, 0, match,
                   NULL);
  pcre2_match_data_free(match);
  if (rc >= 0)
    return 1;
  return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

size_t text_utf8_sequence(const unsigned char *s, size_t n)
{
  unsigned char lo = 0x80, hi = 0xBF;
  size_t need;

  if (s[0] < 0x80)
    return s[0] ? 1 : 0;
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    need = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    need = 3;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    need = 4;
  else
    return 0;
  if (s[0] == 0xE0)
    lo = 0xA0;
  else if (s[0] == 0xED)
    hi = 0x9F;
  else if (s[0] == 0xF0)
    lo = 0x90;
  else if (s[0] == 0xF4)
    hi = 0x8F;
  if (n < need || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < need; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return need;
}

int text_utf8_valid(const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, n;

  while (i < len) {
    n = text_utf8_sequence(u + i, len - i);
    if (n == 0)
      return 0;
    i += n;
  }
  return 1;
}

size_t text_code_points(const char *s)
{
  size_t n = 0;

  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

int text_is_id(const char *s)
{
  size_t n = 0;

  for (; s[n]; n++)
    if (s[n] < '0' || s[n] > '9')
      return 0;
  return n >= TEXT_ID_MIN && n <= TEXT_ID_MAX;
}

/* Value of hex digit c, or -1. */
static int hex_value(int c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

char *text_percent_decode(const char *s, size_t len, int *oom)
{
  char *out = malloc(len + 1);
  size_t used = 0;
  int hi, lo;

  if (!out) {
    *oom = 1;
    return NULL;
  }
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '%') {
      out[used++] = s[i];
      continue;
    }
    hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
    lo = hi >= 0 ? hex_value(s[i + 2]) : -1;
    if (lo < 0)
      goto invalid;
    out[used++] = (char)(hi * 16 + lo);
    i += 2;
  }
  out[used] = '\0';
  if (!text_utf8_valid(out, used))
    goto invalid;
  return out;
invalid:
  free(out);
  return NULL;
}
