/*
 * sign.c: the signing headers of a step's request, and the faults a
 * vector can ask of them. The canonical forms and the signature are
 * those of src/sigv4.c, which the reference core checks with.
 */
#include "sign.h"

#include "sigv4.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The headers the signer signs, in canonical order, as bits. */
enum { SIGNS_HOST = 1, SIGNS_HASH = 2, SIGNS_DATE = 4 };

/* What one signature is made of, after the step's sign member. */
typedef struct shape {
  const char *key_id;
  const char *secret;
  const char *region;
  const char *service;
  int64_t offset;               /* seconds added to the signing time */
  const char *scope_date;       /* YYYYMMDD, or NULL: the signing day */
  int omit;                     /* 1: no signature at all */
  unsigned left_out;            /* SIGNS_* bits sent but not signed */
  const char *payload_hash;     /* NULL: computed from the body */
  const char *authorization;    /* NULL: computed */
} shape;

const mrsu_principal *cf_signer_find(const cf_signer *s,
                                     const char *key_id)
{
  for (size_t i = 0; i < s->count; i++)
    if (strcmp(s->principals[i].access_key_id, key_id) == 0)
      return &s->principals[i];
  return NULL;
}

/* The string member name of sign, or NULL. */
static const char *text_of(const cJSON *sign, const char *name)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(sign, name);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The SIGNS_* bits of the names in unsignedHeaders. */
static unsigned left_out_bits(const cJSON *list)
{
  const cJSON *item;
  unsigned bits = 0;

  cJSON_ArrayForEach(item, list) {
    if (strcmp(item->valuestring, "host") == 0)
      bits |= SIGNS_HOST;
    else if (strcmp(item->valuestring, "x-amz-content-sha256") == 0)
      bits |= SIGNS_HASH;
    else if (strcmp(item->valuestring, "x-amz-date") == 0)
      bits |= SIGNS_DATE;
  }
  return bits;
}

/* Fills sh from the signer and sign (checked by vformat.c). Returns 0,
 * or 1 with the reason in err when sign names a principal the
 * credentials lack. */
static int read_shape(const cf_signer *s, const cJSON *sign, shape *sh,
                      char *err, size_t errlen)
{
  const mrsu_principal *who = &s->principals[0];
  const char *name = text_of(sign, "principal");
  const cJSON *offset = cJSON_GetObjectItemCaseSensitive(
      sign, "dateOffsetSeconds");

  if (name && !(who = cf_signer_find(s, name))) {
    snprintf(err, errlen, "the credentials hold no principal %s", name);
    return 1;
  }
  memset(sh, 0, sizeof *sh);
  sh->key_id = text_of(sign, "accessKeyId");
  sh->secret = text_of(sign, "secret");
  sh->region = text_of(sign, "region");
  sh->service = text_of(sign, "service");
  sh->scope_date = text_of(sign, "scopeDate");
  if (!sh->key_id)
    sh->key_id = who->access_key_id;
  if (!sh->secret)
    sh->secret = who->secret_access_key;
  if (!sh->region)
    sh->region = s->region;
  if (!sh->service)
    sh->service = CF_SIGN_SERVICE;
  sh->offset = offset ? (int64_t)offset->valuedouble : 0;
  sh->omit = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(sign, "omit"));
  sh->left_out = left_out_bits(cJSON_GetObjectItemCaseSensitive(
      sign, "unsignedHeaders"));
  sh->payload_hash = text_of(sign, "payloadHash");
  sh->authorization = text_of(sign, "authorization");
  return 0;
}

/* The value of the first header name of b (any case), or NULL. */
static const char *header_of(const cf_built *b, const char *name)
{
  for (size_t i = 0; i < b->header_count; i++)
    if (strcasecmp(b->headers[i].name, name) == 0)
      return b->headers[i].value;
  return NULL;
}

/* Writes the signing time, shifted by offset, as YYYYMMDDTHHMMSSZ.
 * Returns 0 or -1. */
static int signing_date(const cf_signer *s, int64_t offset,
                        char out[SIGV4_DATE_LEN + 1])
{
  int64_t t = s->time >= 0 ? s->time : (int64_t)time(NULL);

  return sigv4_amz_date((time_t)(t + offset), out);
}

/* Writes the payload hash of b into out: the shape's, UNSIGNED-PAYLOAD
 * for UploadReadSetPart, else the hex SHA-256 of the body. Returns 0
 * or -1. */
static int payload_hash(const shape *sh, const cf_built *b,
                        char *out, size_t n)
{
  char hex[SIGV4_HASH_LEN + 1];

  if (sh->payload_hash) {
    snprintf(out, n, "%s", sh->payload_hash);
    return 0;
  }
  if (sigv4_unsigned_payload(b->method, b->path)) {
    snprintf(out, n, "%s", SIGV4_UNSIGNED_PAYLOAD);
    return 0;
  }
  if (sigv4_hash_hex(b->body, b->body_len, hex) < 0)
    return -1;
  snprintf(out, n, "%s", hex);
  return 0;
}

/* Prints into a new string. NULL when memory ran out. */
static char *print_new(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *print_new(const char *fmt, ...)
{
  va_list ap;
  char *s;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  s = n < 0 ? NULL : malloc((size_t)n + 1);
  if (!s)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return s;
}

/* The Authorization value of canonical request creq (signed headers
 * signed), made at date for the scope sh shapes: its day is
 * sh->scope_date, else the day of date. NULL when memory ran out or a
 * digest failed. */
static char *sign_canonical(const shape *sh, const char *creq,
                            const char *signed_headers, const char *date)
{
  sigv4_key key = {sh->key_id, sh->secret, sh->region, sh->service};
  char day[9], key_date[SIGV4_DATE_LEN + 1], hash[SIGV4_HASH_LEN + 1];
  char sig[SIGV4_HASH_LEN + 1], *scope = NULL, *sts = NULL, *value = NULL;

  snprintf(day, sizeof day, "%.8s", sh->scope_date ? sh->scope_date : date);
  snprintf(key_date, sizeof key_date, "%sT000000Z", day);
  scope = print_new("%s/%s/%s/aws4_request", day, sh->region, sh->service);
  if (scope && sigv4_hash_hex(creq, strlen(creq), hash) == 0)
    sts = print_new("%s\n%s\n%s\n%s", SIGV4_ALGORITHM, date, scope, hash);
  if (sts && sigv4_signature(&key, key_date, sts, sig) == 0)
    value = print_new("%s Credential=%s/%s, SignedHeaders=%s, "
                      "Signature=%s", SIGV4_ALGORITHM, sh->key_id, scope,
                      signed_headers, sig);
  free(scope);
  free(sts);
  return value;
}

/* The Authorization value of b as sh shapes it, for the path prefix
 * before b's path. NULL when memory ran out or a digest failed. */
static char *authorization(const shape *sh, const cf_built *b,
                           const char *prefix, const char *date,
                           const char *hash)
{
  sigv4_header h[3];
  sigv4_request rq;
  size_t n = 0;
  char *path = print_new("%s%s", prefix, b->path), *creq = NULL;
  char *signed_headers = NULL, *value = NULL;

  if (!path)
    return NULL;
  if (!(sh->left_out & SIGNS_HOST))
    h[n++] = (sigv4_header){"host", header_of(b, "Host")};
  if (!(sh->left_out & SIGNS_HASH))
    h[n++] = (sigv4_header){"x-amz-content-sha256", hash};
  if (!(sh->left_out & SIGNS_DATE))
    h[n++] = (sigv4_header){"x-amz-date", date};
  rq = (sigv4_request){b->method, path, b->query, h, n, hash};
  creq = sigv4_canonical_request(&rq, &signed_headers);
  if (creq)
    value = sign_canonical(sh, creq, signed_headers, date);
  free(path);
  free(creq);
  free(signed_headers);
  return value;
}

int cf_sign(const cf_signer *s, const cJSON *sign, const char *host,
            const char *path_prefix, cf_built *b, char *err,
            size_t errlen)
{
  char date[SIGV4_DATE_LEN + 1], hash[512];
  char *value = NULL;
  shape sh;
  int rc;

  if (s->count == 0)
    return 0;
  rc = read_shape(s, sign, &sh, err, errlen);
  if (rc)
    return rc;
  rc = -1;
  if (!header_of(b, "Host") && cf_built_add_header(b, "Host", host) < 0)
    goto oom;
  if (sh.omit)
    return 0;
  if (signing_date(s, sh.offset, date) < 0 ||
      payload_hash(&sh, b, hash, sizeof hash) < 0) {
    snprintf(err, errlen, "cannot compute the signing date or hash");
    return -1;
  }
  if (cf_built_add_header(b, "X-Amz-Date", date) < 0 ||
      cf_built_add_header(b, "X-Amz-Content-Sha256", hash) < 0)
    goto oom;
  value = sh.authorization ? strdup(sh.authorization)
                           : authorization(&sh, b, path_prefix, date, hash);
  if (value && cf_built_add_header(b, "Authorization", value) == 0)
    rc = 0;

oom:
  if (rc < 0)
    snprintf(err, errlen, "out of memory signing the request");
  free(value);
  return rc;
}

/* The days from 1970-01-01 to year y, month m (1-12), day d. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The value of n digits at p, or -1 when one is not a digit. */
static int digits(const char *p, int n)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  return v;
}

int cf_parse_time(const char *text, int64_t *t)
{
  static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30,
                                   31, 30, 31};
  int y, mo, d, h, mi, s;

  if (strlen(text) != 20 || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z')
    return -1;
  y = digits(text, 4);
  mo = digits(text + 5, 2);
  d = digits(text + 8, 2);
  h = digits(text + 11, 2);
  mi = digits(text + 14, 2);
  s = digits(text + 17, 2);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] ||
      h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59)
    return -1;
  if (mo == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)))
    return -1;
  *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
  return 0;
}
