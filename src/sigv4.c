/*
 * sigv4.c: AWS Signature Version 4 on OpenSSL (SHA-256, HMAC-SHA256).
 *
 * Strings are built in memory streams (open_memstream). glibc's stream
 * does not set its error flag when it cannot grow, so every write's
 * result is checked; a write or a close that fails is reported like a
 * failed allocation, as NULL. A
 * digest that fails (only allocation can make it) leaves the thread's
 * OpenSSL error queue empty, so no entry outlives the call.
 */
#include "sigv4.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A string being built. */
typedef struct sb {
  FILE *f;
  char *data;
  size_t len;
  int failed;                   /* a write failed */
} sb;

/* A stretch of a string: one path segment. */
typedef struct span {
  const char *p;
  size_t n;
} span;

/* A query parameter, name and value encoded. */
typedef struct param {
  char *name;
  char *value;
} param;

/* A header being made canonical. */
typedef struct canon_header {
  char *name;                   /* lower case */
  char *value;                  /* trimmed, inner runs made one space */
  size_t order;                 /* position in the request */
} canon_header;

/* Opens s empty. Returns 0, or -1 when memory ran out. */
static int sb_open(sb *s)
{
  s->data = NULL;
  s->len = 0;
  s->failed = 0;
  s->f = open_memstream(&s->data, &s->len);
  return s->f ? 0 : -1;
}

/* Closes s and returns its text (the caller frees), or NULL when a
 * write failed. */
static char *sb_close(sb *s)
{
  int bad = s->failed || ferror(s->f);

  if (fclose(s->f) != 0 || bad) {
    free(s->data);
    return NULL;
  }
  return s->data;
}

/* Writes the formatted text to s, noting a failure. */
__attribute__((format(printf, 2, 3)))
static void sb_printf(sb *s, const char *format, ...)
{
  va_list ap;

  va_start(ap, format);
  if (vfprintf(s->f, format, ap) < 0)
    s->failed = 1;
  va_end(ap);
}

/* Writes byte c to s, noting a failure. */
static void sb_putc(sb *s, char c)
{
  if (fputc((unsigned char)c, s->f) == EOF)
    s->failed = 1;
}

/* 1 when c is an RFC 3986 unreserved byte: ALPHA DIGIT - . _ ~ */
static int unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

/* Writes n bytes of s, every byte but unreserved ones (and '/' when
 * keep_slash) as %XX in upper-case hex. */
static void encode(sb *f, const char *s, size_t n, int keep_slash)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];

    if (unreserved(c) || (keep_slash && c == '/'))
      sb_putc(f, (char)c);
    else
      sb_printf(f, "%%%02X", c);
  }
}

/* The value of hex digit c, or -1. */
static int hex_value(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Decodes n bytes of s (a '%' without two hex digits is itself) and
 * re-encodes them as a query part. NULL when memory ran out. */
static char *recode(const char *s, size_t n)
{
  sb out;
  char c;

  if (sb_open(&out) < 0)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    c = s[i];
    if (c == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0 &&
        hex_value(s[i + 2]) >= 0) {
      c = (char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    }
    encode(&out, &c, 1, 0);
  }
  return sb_close(&out);
}

int sigv4_hash_hex(const void *data, size_t len,
                   char out[SIGV4_HASH_LEN + 1])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  if (EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
    ERR_clear_error();
    return -1;
  }
  for (unsigned int i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  return 0;
}

int sigv4_amz_date(time_t t, char out[SIGV4_DATE_LEN + 1])
{
  struct tm tm;

  if (!gmtime_r(&t, &tm) ||
      strftime(out, SIGV4_DATE_LEN + 1, "%Y%m%dT%H%M%SZ", &tm) !=
          SIGV4_DATE_LEN)
    return -1;
  return 0;
}

int sigv4_unsigned_payload(const char *method, const char *path)
{
  size_t n = strlen(path);

  return strcmp(method, "PUT") == 0 && n >= 5 &&
         strcmp(path + n - 5, "/part") == 0;
}

/* Resolves the segments of path into out (room for strlen(path) + 1):
 * empty and "." segments dropped, ".." removing the one before.
 * Returns the count; *dir is 1 when the result names a folder (the
 * path ends in '/', "." or ".."). */
static size_t resolve_segments(const char *path, span *out, int *dir)
{
  size_t k = 0, n;
  const char *p = path;

  *dir = 0;
  while (*p) {
    n = strcspn(p, "/");
    *dir = n == 0 || (n == 1 && p[0] == '.') ||
           (n == 2 && p[0] == '.' && p[1] == '.');
    if (n == 2 && p[0] == '.' && p[1] == '.')
      k -= k > 0;
    else if (n && !(n == 1 && p[0] == '.'))
      out[k++] = (span){p, n};
    p += n;
    if (*p == '/') {
      p++;
      *dir = 1;
    }
  }
  return k;
}

char *sigv4_canonical_uri(const char *path)
{
  span *seg = calloc(strlen(path) + 1, sizeof *seg);
  size_t k;
  int dir;
  sb out;

  if (!seg || sb_open(&out) < 0) {
    free(seg);
    return NULL;
  }
  k = resolve_segments(path, seg, &dir);
  for (size_t i = 0; i < k; i++) {
    sb_putc(&out, '/');
    encode(&out, seg[i].p, seg[i].n, 1);
  }
  if (k == 0 || dir)
    sb_putc(&out, '/');
  free(seg);
  return sb_close(&out);
}

/* Orders parameters by name, then value. */
static int param_cmp(const void *a, const void *b)
{
  const param *x = a, *y = b;
  int c = strcmp(x->name, y->name);

  return c ? c : strcmp(x->value, y->value);
}

/* Splits query into encoded parameters (room for strlen(query) + 1).
 * Returns the count, or -1 when memory ran out (those made are freed
 * by the caller up to the count stored in *made). */
static long split_query(const char *query, param *out, size_t *made)
{
  const char *p = query, *eq;
  size_t n;

  *made = 0;
  while (*p) {
    n = strcspn(p, "&");
    if (n) {
      eq = memchr(p, '=', n);
      out[*made].name = recode(p, eq ? (size_t)(eq - p) : n);
      out[*made].value = eq ? recode(eq + 1, n - (size_t)(eq - p) - 1)
                            : strdup("");
      (*made)++;
      if (!out[*made - 1].name || !out[*made - 1].value)
        return -1;
    }
    p += n + (p[n] == '&');
  }
  return (long)*made;
}

char *sigv4_canonical_query(const char *query)
{
  const char *q = query ? query : "";
  param *ps = calloc(strlen(q) + 1, sizeof *ps);
  char *text = NULL;
  size_t made = 0;
  long n;
  sb out;

  if (!ps)
    return NULL;
  n = split_query(q, ps, &made);
  if (n < 0 || sb_open(&out) < 0)
    goto out;
  qsort(ps, made, sizeof *ps, param_cmp);
  for (size_t i = 0; i < made; i++)
    sb_printf(&out, "%s%s=%s", i ? "&" : "", ps[i].name, ps[i].value);
  text = sb_close(&out);

out:
  for (size_t i = 0; i < made; i++) {
    free(ps[i].name);
    free(ps[i].value);
  }
  free(ps);
  return text;
}

/* A copy of name in ASCII lower case. NULL when memory ran out. */
static char *lower_copy(const char *name)
{
  char *s = strdup(name);

  for (char *p = s; p && *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p - 'A' + 'a');
  return s;
}

/* A copy of value with surrounding spaces and tabs cut and each inner
 * run of them made one space. NULL when memory ran out. */
static char *trim_copy(const char *value)
{
  char *s = malloc(strlen(value) + 1), *w = s;
  int gap = 0;

  if (!s)
    return NULL;
  for (const char *p = value; *p; p++) {
    if (*p == ' ' || *p == '\t') {
      gap = w > s;
      continue;
    }
    if (gap)
      *w++ = ' ';
    gap = 0;
    *w++ = *p;
  }
  *w = '\0';
  return s;
}

/* Orders headers by name, then by their place in the request. */
static int header_cmp(const void *a, const void *b)
{
  const canon_header *x = a, *y = b;
  int c = strcmp(x->name, y->name);

  if (c)
    return c;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* Writes the sorted headers: "name:v1,v2\n" into h, "a;b" into s. */
static void write_headers(const canon_header *ch, size_t n, sb *h,
                          sb *s)
{
  for (size_t i = 0; i < n; i++) {
    int first = i == 0 || strcmp(ch[i].name, ch[i - 1].name) != 0;
    int last = i + 1 == n || strcmp(ch[i].name, ch[i + 1].name) != 0;

    if (first)
      sb_printf(h, "%s:", ch[i].name);
    if (first)
      sb_printf(s, "%s%s", i ? ";" : "", ch[i].name);
    sb_printf(h, "%s%s", first ? "" : ",", ch[i].value);
    if (last)
      sb_putc(h, '\n');
  }
}

char *sigv4_canonical_headers(const sigv4_header *h, size_t n,
                              char **signed_headers)
{
  canon_header *ch = calloc(n + 1, sizeof *ch);
  char *text = NULL;
  sb out, list;
  size_t i;

  *signed_headers = NULL;
  if (!ch)
    return NULL;
  for (i = 0; i < n; i++) {
    ch[i] = (canon_header){lower_copy(h[i].name), trim_copy(h[i].value),
                           i};
    if (!ch[i].name || !ch[i].value)
      goto out;
  }
  qsort(ch, n, sizeof *ch, header_cmp);
  if (sb_open(&out) < 0)
    goto out;
  if (sb_open(&list) < 0) {
    free(sb_close(&out));
    goto out;
  }
  write_headers(ch, n, &out, &list);
  text = sb_close(&out);
  *signed_headers = sb_close(&list);

out:
  for (i = 0; i < n; i++) {
    free(ch[i].name);
    free(ch[i].value);
  }
  free(ch);
  if (text && *signed_headers)
    return text;
  free(text);
  free(*signed_headers);
  *signed_headers = NULL;
  return NULL;
}

char *sigv4_canonical_request(const sigv4_request *rq,
                              char **signed_headers)
{
  char *uri = NULL, *query = NULL, *headers = NULL, *text = NULL;
  sb out;

  *signed_headers = NULL;
  if (!rq->method || !rq->path || !rq->payload_hash)
    return NULL;
  uri = sigv4_canonical_uri(rq->path);
  query = sigv4_canonical_query(rq->query);
  headers = sigv4_canonical_headers(rq->headers, rq->header_count,
                                    signed_headers);
  if (uri && query && headers && sb_open(&out) == 0) {
    sb_printf(&out, "%s\n%s\n%s\n%s\n%s\n%s", rq->method, uri, query,
            headers, *signed_headers, rq->payload_hash);
    text = sb_close(&out);
  }
  free(uri);
  free(query);
  free(headers);
  if (!text) {
    free(*signed_headers);
    *signed_headers = NULL;
  }
  return text;
}

/* 1 when s is YYYYMMDDTHHMMSSZ in form (digits, 'T', digits, 'Z'). */
static int amz_date_ok(const char *s)
{
  if (!s || strlen(s) != SIGV4_DATE_LEN || s[8] != 'T' || s[15] != 'Z')
    return 0;
  return strspn(s, "0123456789") == 8 &&
         strspn(s + 9, "0123456789") == 6;
}

char *sigv4_scope(const sigv4_key *key, const char *amz_date)
{
  sb out;

  if (!amz_date_ok(amz_date) || sb_open(&out) < 0)
    return NULL;
  sb_printf(&out, "%.8s/%s/%s/aws4_request", amz_date, key->region,
          key->service);
  return sb_close(&out);
}

char *sigv4_string_to_sign(const sigv4_key *key, const char *amz_date,
                           const char *canonical_request)
{
  char hash[SIGV4_HASH_LEN + 1], *scope = sigv4_scope(key, amz_date);
  char *text = NULL;
  sb out;

  if (scope &&
      sigv4_hash_hex(canonical_request, strlen(canonical_request),
                     hash) == 0 &&
      sb_open(&out) == 0) {
    sb_printf(&out, "%s\n%s\n%s\n%s", SIGV4_ALGORITHM, amz_date, scope,
            hash);
    text = sb_close(&out);
  }
  free(scope);
  return text;
}

/* out = HMAC-SHA256(key, data). Returns 0 or -1. */
static int hmac(const void *key, size_t key_len, const char *data,
                unsigned char out[SIGV4_KEY_LEN])
{
  unsigned int n = 0;

  if (!HMAC(EVP_sha256(), key, (int)key_len,
            (const unsigned char *)data, strlen(data), out, &n) ||
      n != SIGV4_KEY_LEN) {
    ERR_clear_error();
    return -1;
  }
  return 0;
}

int sigv4_signing_key(const sigv4_key *key, const char *amz_date,
                      unsigned char out[SIGV4_KEY_LEN])
{
  unsigned char k[SIGV4_KEY_LEN];
  char date[9], *secret;
  size_t n;
  int rc = -1;

  if (!amz_date_ok(amz_date))
    return -1;
  memcpy(date, amz_date, 8);
  date[8] = '\0';
  n = strlen(key->secret_access_key) + 5;
  secret = malloc(n);
  if (!secret)
    return -1;
  snprintf(secret, n, "AWS4%s", key->secret_access_key);
  if (hmac(secret, n - 1, date, k) == 0 &&
      hmac(k, sizeof k, key->region, k) == 0 &&
      hmac(k, sizeof k, key->service, k) == 0 &&
      hmac(k, sizeof k, "aws4_request", out) == 0)
    rc = 0;
  OPENSSL_cleanse(secret, n);
  OPENSSL_cleanse(k, sizeof k);
  free(secret);
  return rc;
}

int sigv4_signature(const sigv4_key *key, const char *amz_date,
                    const char *string_to_sign,
                    char out[SIGV4_HASH_LEN + 1])
{
  unsigned char k[SIGV4_KEY_LEN], sig[SIGV4_KEY_LEN];
  int rc = -1;

  if (sigv4_signing_key(key, amz_date, k) == 0 &&
      hmac(k, sizeof k, string_to_sign, sig) == 0) {
    for (size_t i = 0; i < sizeof sig; i++)
      snprintf(out + 2 * i, 3, "%02x", sig[i]);
    rc = 0;
  }
  OPENSSL_cleanse(k, sizeof k);
  return rc;
}

int sigv4_sign(const sigv4_request *rq, const sigv4_key *key,
               const char *amz_date, char out[SIGV4_HASH_LEN + 1],
               char **signed_headers)
{
  char *creq = sigv4_canonical_request(rq, signed_headers);
  char *sts = creq ? sigv4_string_to_sign(key, amz_date, creq) : NULL;
  int rc = sts ? sigv4_signature(key, amz_date, sts, out) : -1;

  free(creq);
  free(sts);
  if (rc < 0) {
    free(*signed_headers);
    *signed_headers = NULL;
  }
  return rc;
}

char *sigv4_authorization(const sigv4_request *rq, const sigv4_key *key,
                          const char *amz_date)
{
  char sig[SIGV4_HASH_LEN + 1], *signed_headers = NULL, *scope;
  char *text = NULL;
  sb out;

  if (sigv4_sign(rq, key, amz_date, sig, &signed_headers) < 0)
    return NULL;
  scope = sigv4_scope(key, amz_date);
  if (scope && sb_open(&out) == 0) {
    sb_printf(&out, "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
            SIGV4_ALGORITHM, key->access_key_id, scope, signed_headers,
            sig);
    text = sb_close(&out);
  }
  free(signed_headers);
  free(scope);
  return text;
}

/* The value of n decimal digits at s, which amz_date_ok checked. */
static int digits(const char *s, int n)
{
  int v = 0;

  while (n-- > 0)
    v = v * 10 + (*s++ - '0');
  return v;
}

int sigv4_parse_amz_date(const char *text, long long *out)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                             31};
  int y, mo, d, leap;
  long long yy;

  if (!amz_date_ok(text))
    return -1;
  y = digits(text, 4);
  mo = digits(text + 4, 2);
  d = digits(text + 6, 2);
  leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] + (mo == 2 && leap) ||
      digits(text + 9, 2) > 23 || digits(text + 11, 2) > 59 ||
      digits(text + 13, 2) > 59)
    return -1;
  /* Days from the civil date, proleptic Gregorian calendar. */
  yy = y - (mo <= 2);
  *out = (365 * yy + yy / 4 - yy / 100 + yy / 400 +
          (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1 - 719468) *
             86400LL +
         digits(text + 9, 2) * 3600 + digits(text + 11, 2) * 60 +
         digits(text + 13, 2);
  return 0;
}

/* Cuts the spaces around s in place. Returns the start. */
static char *trim_spaces(char *s)
{
  size_t n;

  while (*s == ' ')
    s++;
  n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    s[--n] = '\0';
  return s;
}

/* Takes one NAME=VALUE component into cred. Returns 0, or 1 with *why
 * set when the component is malformed, unknown or repeated. */
static int take_component(sigv4_credential *cred, char *piece,
                          const char **why)
{
  char *eq = strchr(piece, '=');
  const char **slot = NULL;

  *why = "Authorization: each component must be NAME=VALUE, VALUE not "
         "empty";
  if (!eq || !eq[1])
    return 1;
  *eq = '\0';
  if (!strcmp(piece, "Credential"))
    slot = &cred->access_key_id;
  else if (!strcmp(piece, "SignedHeaders"))
    slot = &cred->signed_headers;
  else if (!strcmp(piece, "Signature"))
    slot = &cred->signature;
  *why = slot ? "Authorization: a component is given twice"
              : "Authorization: a component is not Credential, "
                "SignedHeaders or Signature";
  if (!slot || *slot)
    return 1;
  *slot = eq + 1;
  return 0;
}

/* Splits the Credential value, held in access_key_id, at its four '/'
 * into key, date, region, service and "aws4_request". Returns 0, or 1
 * with *why set. */
static int split_credential(sigv4_credential *cred, const char **why)
{
  char *part[5], *p = (char *)cred->access_key_id;
  int n = 0;

  for (; n < 5 && p; n++) {
    part[n] = p;
    p = strchr(p, '/');
    if (p)
      *p++ = '\0';
  }
  *why = "Credential: must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request";
  if (n < 5 || p || strcmp(part[4], "aws4_request") || !*part[0] ||
      !*part[2] || !*part[3] || strlen(part[1]) != 8 ||
      strspn(part[1], "0123456789") != 8)
    return 1;
  cred->date = part[1];
  cred->region = part[2];
  cred->service = part[3];
  return 0;
}

int sigv4_parse_authorization(const char *value, sigv4_credential *out,
                              const char **why)
{
  size_t n = strlen(SIGV4_ALGORITHM);
  char *piece, *next;

  memset(out, 0, sizeof *out);
  *why = "Authorization: must begin with " SIGV4_ALGORITHM " and a space";
  if (strncmp(value, SIGV4_ALGORITHM, n) || value[n] != ' ')
    return 1;
  out->text = strdup(value + n + 1);
  if (!out->text)
    return -1;
  for (piece = out->text; piece; piece = next) {
    next = strchr(piece, ',');
    if (next)
      *next++ = '\0';
    if (take_component(out, trim_spaces(piece), why))
      goto bad;
  }
  *why = "Authorization: Credential, SignedHeaders and Signature are "
         "each required";
  if (!out->access_key_id || !out->signed_headers || !out->signature)
    goto bad;
  *why = "Signature: must be 64 lower-case hexadecimal digits";
  if (strlen(out->signature) != SIGV4_HASH_LEN ||
      strspn(out->signature, "0123456789abcdef") != SIGV4_HASH_LEN ||
      split_credential(out, why))
    goto bad;
  return 0;

bad:
  sigv4_credential_free(out);
  return 1;
}

void sigv4_credential_free(sigv4_credential *cred)
{
  free(cred->text);
  memset(cred, 0, sizeof *cred);
}
