/*
 * json_gate.c: a strict RFC 8259 parser that builds cJSON trees.
 *
 * A recursive-descent parser over a byte buffer with an explicit length.
 * Depth is bounded, so recursion is too. Every fault stops the parse with
 * a message that gives the byte offset; the partial tree is freed.
 */
#include "json_gate.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  const unsigned char *text;
  size_t len;
  size_t pos;
  int depth;
  int oom;
  char *err;
  size_t errlen;
} parser;

static cJSON *parse_value(parser *p);

/* Records the fault that stops the parse (each parse meets at most
 * one: every caller returns as soon as a fault is recorded). Returns
 * NULL. */
static void *fail(parser *p, const char *fmt, ...)
{
  va_list ap;
  char what[160];

  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (p->err && p->errlen)
    snprintf(p->err, p->errlen, "invalid JSON at byte %zu: %s", p->pos,
             what);
  return NULL;
}

/* Records that memory ran out. Returns NULL. */
static void *out_of_memory(parser *p)
{
  p->oom = 1;
  return fail(p, "out of memory");
}

static void skip_space(parser *p)
{
  while (p->pos < p->len) {
    unsigned char c = p->text[p->pos];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
      break;
    p->pos++;
  }
}

static int peek(const parser *p)
{
  return p->pos < p->len ? p->text[p->pos] : -1;
}

/* Appends code point cp as UTF-8 to buf at *used (room is ensured by the
 * caller: an escape never encodes longer than its source text). */
static void put_utf8(char *buf, size_t *used, unsigned long cp)
{
  char *o = buf + *used;

  if (cp < 0x80) {
    o[0] = (char)cp;
    *used += 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    *used += 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    *used += 3;
  } else {
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    *used += 4;
  }
}

/* Reads four hex digits at the cursor. Returns the value or -1. */
static long read_hex4(parser *p)
{
  long v = 0;

  if (p->len - p->pos < 4)
    return -1;
  for (int i = 0; i < 4; i++) {
    int c = p->text[p->pos + i], d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return -1;
    v = v * 16 + d;
  }
  p->pos += 4;
  return v;
}

/* Decodes a \u escape (cursor after the 'u'), pairing surrogates.
 * Returns the code point, or -1 after recording the fault. */
static long read_unicode_escape(parser *p)
{
  long hi = read_hex4(p), lo;

  if (hi < 0)
    return fail(p, "\\u must be followed by four hex digits"), -1;
  if (hi == 0)
    return fail(p, "escaped U+0000 is not accepted in strings"), -1;
  if (hi >= 0xDC00 && hi <= 0xDFFF)
    return fail(p, "lone low surrogate escape"), -1;
  if (hi < 0xD800 || hi > 0xDBFF)
    return hi;
  if (p->len - p->pos < 2 || p->text[p->pos] != '\\' ||
      p->text[p->pos + 1] != 'u')
    return fail(p, "high surrogate escape without its low half"), -1;
  p->pos += 2;
  lo = read_hex4(p);
  if (lo < 0xDC00 || lo > 0xDFFF)
    return fail(p, "high surrogate escape without its low half"), -1;
  return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

/* Decodes one escape (cursor after the backslash) into buf.
 * Returns 0, or -1 after recording the fault. */
static int read_escape(parser *p, char *buf, size_t *used)
{
  static const char from[] = "\"\\/bfnrt";
  static const char to[] = "\"\\/\b\f\n\r\t";
  const char *hit;
  int c = peek(p);
  long cp;

  if (c == 'u') {
    p->pos++;
    cp = read_unicode_escape(p);
    if (cp < 0)
      return -1;
    put_utf8(buf, used, (unsigned long)cp);
    return 0;
  }
  hit = c > 0 ? strchr(from, c) : NULL;
  if (!hit) {
    fail(p, "invalid escape in string");
    return -1;
  }
  buf[(*used)++] = to[hit - from];
  p->pos++;
  return 0;
}

/* Length of the run of bytes at the cursor that a string holds as they
 * are: ASCII from U+0020 up, other than '"' and '\\'. */
static size_t plain_run(const parser *p)
{
  size_t n = 0;

  while (p->pos + n < p->len) {
    unsigned char c = p->text[p->pos + n];
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
      break;
    n++;
  }
  return n;
}

/* Parses a string (cursor on the opening quote). Returns a new
 * NUL-terminated UTF-8 string the caller frees, or NULL on a fault. */
static char *parse_string_text(parser *p)
{
  size_t start = ++p->pos, used = 0;
  char *buf = NULL;

  /* The decoded text is never longer than the source text. */
  while (p->pos < p->len && p->text[p->pos] != '"')
    p->pos += p->text[p->pos] == '\\' && p->pos + 1 < p->len ? 2 : 1;
  if (p->pos >= p->len) {
    p->pos = start - 1;
    return fail(p, "unterminated string");
  }
  buf = malloc(p->pos - start + 1);
  if (!buf)
    return out_of_memory(p);
  p->pos = start;
  while (p->text[p->pos] != '"') {
    unsigned char c = p->text[p->pos];
    size_t n = plain_run(p);
    if (n) {
      memcpy(buf + used, p->text + p->pos, n);
      used += n;
      p->pos += n;
      continue;
    }
    if (c < 0x20) {
      fail(p, "raw control character U+%04X in string", c);
      goto fault;
    }
    if (c == '\\') {
      p->pos++;
      if (read_escape(p, buf, &used) < 0)
        goto fault;
      continue;
    }
    n = text_utf8_sequence(p->text + p->pos, p->len - p->pos);
    if (n == 0) {
      fail(p, "invalid UTF-8 byte 0x%02X", c);
      goto fault;
    }
    memcpy(buf + used, p->text + p->pos, n);
    used += n;
    p->pos += n;
  }
  p->pos++;
  buf[used] = '\0';
  return buf;
fault:
  free(buf);
  return NULL;
}

/* Advances over one or more digits. Returns how many. */
static size_t skip_digits(parser *p)
{
  size_t n = 0;

  while (p->pos < p->len && p->text[p->pos] >= '0' &&
         p->text[p->pos] <= '9') {
    p->pos++;
    n++;
  }
  return n;
}

/* Checks the number grammar at the cursor and advances over it.
 * Returns 0, or -1 after recording the fault. */
static int scan_number(parser *p)
{
  size_t start = p->pos;

  if (peek(p) == '-')
    p->pos++;
  if (peek(p) == '0') {
    p->pos++;
    if (peek(p) >= '0' && peek(p) <= '9')
      return p->pos = start, fail(p, "number with a leading zero"), -1;
  } else if (skip_digits(p) == 0)
    return p->pos = start, fail(p, "invalid number"), -1;
  if (peek(p) == '.') {
    p->pos++;
    if (skip_digits(p) == 0)
      return p->pos = start, fail(p, "no digit after decimal point"), -1;
  }
  if (peek(p) == 'e' || peek(p) == 'E') {
    p->pos++;
    if (peek(p) == '+' || peek(p) == '-')
      p->pos++;
    if (skip_digits(p) == 0)
      return p->pos = start, fail(p, "no digit in exponent"), -1;
  }
  return 0;
}

/* Parses a number into a node whose valuestring is its source text. */
static cJSON *parse_number(parser *p)
{
  size_t start = p->pos, n;
  cJSON *node;
  char *literal;

  if (scan_number(p) < 0)
    return NULL;
  n = p->pos - start;
  literal = malloc(n + 1);
  if (!literal)
    return out_of_memory(p);
  memcpy(literal, p->text + start, n);
  literal[n] = '\0';
  node = cJSON_CreateNumber(strtod(literal, NULL));
  if (!node) {
    free(literal);
    return out_of_memory(p);
  }
  node->valuestring = literal;
  return node;
}

/* Matches a literal word (true, false, null) at the cursor. */
static cJSON *parse_word(parser *p)
{
  static const struct {
    const char *word;
    int type;
  } words[] = {{"true", cJSON_True}, {"false", cJSON_False},
               {"null", cJSON_NULL}};
  cJSON *node;

  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    size_t n = strlen(words[i].word);
    if (p->len - p->pos < n || memcmp(p->text + p->pos, words[i].word, n))
      continue;
    p->pos += n;
    node = cJSON_CreateNull();
    if (!node)
      return out_of_memory(p);
    node->type = words[i].type;
    return node;
  }
  if (p->text[p->pos] > 0x20 && p->text[p->pos] < 0x7F)
    return fail(p, "unexpected character '%c'", p->text[p->pos]);
  return fail(p, "unexpected byte 0x%02X", p->text[p->pos]);
}

static int compare_names(const void *a, const void *b)
{
  const cJSON *x = *(const cJSON *const *)a;
  const cJSON *y = *(const cJSON *const *)b;
  return strcmp(x->string, y->string);
}

/* Fails when two members of object share a name. Sorting makes this
 * O(n log n), so a body with many members cannot make it quadratic. */
static int check_unique_names(parser *p, cJSON *object, size_t count,
                              size_t at)
{
  cJSON **members;
  cJSON *m;
  size_t i = 0;
  int rc = 0;

  if (count < 2)
    return 0;
  members = malloc(count * sizeof *members);
  if (!members)
    return out_of_memory(p), -1;
  for (m = object->child; m; m = m->next)
    members[i++] = m;
  qsort(members, count, sizeof *members, compare_names);
  for (i = 1; i < count; i++)
    if (!strcmp(members[i - 1]->string, members[i]->string)) {
      p->pos = at;
      if (strlen(members[i]->string) <= 60)
        fail(p, "duplicate member name \"%s\"", members[i]->string);
      else
        fail(p, "duplicate member name");
      rc = -1;
      break;
    }
  free(members);
  return rc;
}

/* Appends item to container (cJSON's own append walks the list, which
 * would make long arrays quadratic). */
static void append(cJSON *container, cJSON **last, cJSON *item)
{
  if (*last) {
    (*last)->next = item;
    item->prev = *last;
  } else
    container->child = item;
  container->child->prev = item;
  *last = item;
}

/* Parses one member (cursor on its name) and appends it to object. */
static int parse_member(parser *p, cJSON *object, cJSON **last)
{
  char *name;
  cJSON *value;

  if (peek(p) != '"')
    return fail(p, "expected a member name in double quotes"), -1;
  name = parse_string_text(p);
  if (!name)
    return -1;
  skip_space(p);
  if (peek(p) != ':') {
    free(name);
    return fail(p, "expected ':' after member name"), -1;
  }
  p->pos++;
  value = parse_value(p);
  if (!value) {
    free(name);
    return -1;
  }
  value->string = name;
  append(object, last, value);
  return 0;
}

/* Parses an object or an array (cursor on '{' or '['). */
static cJSON *parse_container(parser *p)
{
  int is_object = p->text[p->pos] == '{';
  int close = is_object ? '}' : ']';
  size_t at = p->pos, count = 0;
  cJSON *node, *last = NULL, *item;

  if (++p->depth > JG_MAX_DEPTH)
    return fail(p, "nesting deeper than %d", JG_MAX_DEPTH);
  node = is_object ? cJSON_CreateObject() : cJSON_CreateArray();
  if (!node)
    return out_of_memory(p);
  p->pos++;
  skip_space(p);
  if (peek(p) == close)
    goto done;
  for (;;) {
    skip_space(p);
    if (is_object) {
      if (parse_member(p, node, &last) < 0)
        goto fault;
    } else {
      item = parse_value(p);
      if (!item)
        goto fault;
      append(node, &last, item);
    }
    count++;
    skip_space(p);
    if (peek(p) == close)
      break;
    if (peek(p) != ',') {
      fail(p, "expected ',' or '%c'", close);
      goto fault;
    }
    p->pos++;
  }
done:
  p->pos++;
  p->depth--;
  if (is_object && check_unique_names(p, node, count, at) < 0)
    goto fault;
  return node;
fault:
  cJSON_Delete(node);
  return NULL;
}

/* Parses any value, with the white space around it. */
static cJSON *parse_value(parser *p)
{
  cJSON *node;
  char *s;
  int c;

  skip_space(p);
  c = peek(p);
  if (c < 0)
    return fail(p, "unexpected end of text");
  if (c == '{' || c == '[')
    return parse_container(p);
  if (c == '-' || (c >= '0' && c <= '9'))
    return parse_number(p);
  if (c != '"')
    return parse_word(p);
  s = parse_string_text(p);
  if (!s)
    return NULL;
  node = cJSON_CreateNull();
  if (!node) {
    free(s);
    return out_of_memory(p);
  }
  node->type = cJSON_String;
  node->valuestring = s;
  return node;
}

cJSON *jg_parse(const unsigned char *text, size_t len,
                char *err, size_t errlen, int *oom)
{
  parser p = {text, len, 0, 0, 0, err, errlen};
  cJSON *root = NULL;

  if (err && errlen)
    err[0] = '\0';
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
    fail(&p, "byte order mark before the value");
  else
    root = parse_value(&p);
  if (root) {
    skip_space(&p);
    if (p.pos < p.len) {
      fail(&p, "data after the value");
      cJSON_Delete(root);
      root = NULL;
    }
  }
  if (oom)
    *oom = p.oom;
  return root;
}

/* The decimal digits and exponent of a number literal, as
 * significand * 10^exponent with no leading or trailing zeros. */
typedef struct decimal {
  const char *digits[2];        /* integer part, fraction */
  size_t count[2];
  int negative;
  long long exponent;           /* saturates far beyond any range */
} decimal;

/* Splits a literal that jg_parse accepted into its parts. */
static void split_literal(const char *s, decimal *d)
{
  long long e = 0;
  int e_negative = 0;

  memset(d, 0, sizeof *d);
  d->negative = *s == '-';
  s += d->negative;
  d->digits[0] = s;
  while (*s >= '0' && *s <= '9')
    s++, d->count[0]++;
  if (*s == '.') {
    d->digits[1] = ++s;
    while (*s >= '0' && *s <= '9')
      s++, d->count[1]++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    e_negative = *s == '-';
    s += *s == '-' || *s == '+';
    for (; *s; s++)
      if (e < 1000000000LL)
        e = e * 10 + (*s - '0');
  }
  d->exponent = (e_negative ? -e : e) - (long long)d->count[1];
}

/* The i-th significant digit counting across integer part and
 * fraction. */
static int digit_at(const decimal *d, size_t i)
{
  return i < d->count[0] ? d->digits[0][i] - '0'
                         : d->digits[1][i - d->count[0]] - '0';
}

jg_int_verdict jg_integer(const cJSON *node, long long min, long long max,
                          long long *out)
{
  decimal d;
  size_t first = 0, last, total;
  long long exponent, value = 0;

  if (!cJSON_IsNumber(node) || !node->valuestring)
    return JG_INT_NOT_NUMBER;
  split_literal(node->valuestring, &d);
  total = d.count[0] + d.count[1];
  while (first < total && digit_at(&d, first) == 0)
    first++;
  if (first == total)
    return min <= 0 && 0 <= max ? (*out = 0, JG_INT_OK)
                                : JG_INT_OUT_OF_RANGE;
  last = total;
  exponent = d.exponent;
  while (digit_at(&d, last - 1) == 0)
    last--, exponent++;
  if (exponent < 0)
    return JG_INT_NOT_WHOLE;
  /* Eighteen digits fit a long long; more is beyond any range used. */
  if ((long long)(last - first) + exponent > 18)
    return JG_INT_OUT_OF_RANGE;
  for (size_t i = first; i < last; i++)
    value = value * 10 + digit_at(&d, i);
  for (long long i = 0; i < exponent; i++)
    value *= 10;
  if (d.negative)
    value = -value;
  if (value < min || value > max)
    return JG_INT_OUT_OF_RANGE;
  *out = value;
  return JG_INT_OK;
}
