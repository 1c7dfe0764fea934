/*
 * auth.c: verifying AWS Signature Version 4, and store permissions.
 *
 * A verification walks the request once per step, in the order the
 * faults are reported: the Authorization header, the signed header
 * list, x-amz-date, the access key id, the credential scope, the clock,
 * the payload hash, and last the signature itself, compared in constant
 * time. The payload hash signed is x-amz-content-sha256 when the client
 * sent it (after checking it against the body), else the hash of the
 * body computed here.
 */
#include "auth.h"

#include "checksum.h"
#include "sigv4.h"
#include "text.h"

#include <openssl/crypto.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One verification in progress. */
typedef struct check {
  const mrsu_request *rq;
  const auth_scope *scope;
  sigv4_credential cred;
  const char *amz_date;
  const char *payload_hash;     /* the hash signed */
  char body_hash[SIGV4_HASH_LEN + 1];
  size_t who;
  char *why;
  size_t whylen;
} check;

/* Writes the reason of a fault and returns the fault. */
static auth_fault fail(check *ck, auth_fault fault, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(ck->why, ck->whylen, fmt, ap);
  va_end(ap);
  return fault;
}

/* The first value of request header name (any case), or NULL; *count
 * gets how many headers have that name. */
static const char *header(const mrsu_request *rq, const char *name,
                          int *count)
{
  const char *value = NULL;

  *count = 0;
  for (size_t i = 0; i < rq->header_count; i++)
    if (!strcasecmp(rq->headers[i].name, name)) {
      if (!value)
        value = rq->headers[i].value;
      (*count)++;
    }
  return value;
}

/* 1 when the ';'-separated list holds the n bytes at name, in any
 * case. */
static int listed(const char *list, const char *name, size_t n)
{
  size_t len;

  for (;;) {
    len = strcspn(list, ";");
    if (len == n && !strncasecmp(list, name, n))
      return 1;
    if (!list[len])
      return 0;
    list += len + 1;
  }
}

/* 1 when rq has a header named by the n bytes at name, in any case. */
static int has_header(const mrsu_request *rq, const char *name, size_t n)
{
  for (size_t i = 0; i < rq->header_count; i++)
    if (strlen(rq->headers[i].name) == n &&
        !strncasecmp(rq->headers[i].name, name, n))
      return 1;
  return 0;
}

/* Reads the Authorization header into ck->cred. */
static auth_fault read_authorization(check *ck)
{
  int count, rc;
  const char *value = header(ck->rq, "Authorization", &count), *why;

  if (!value)
    return fail(ck, AUTH_MISSING, "Authorization: the request is not "
                "signed; the header is missing");
  if (count > 1)
    return fail(ck, AUTH_INCOMPLETE, "Authorization: must appear once");
  rc = sigv4_parse_authorization(value, &ck->cred, &why);
  if (rc < 0)
    return AUTH_NO_MEMORY;
  if (rc > 0)
    return fail(ck, AUTH_INCOMPLETE, "%s", why);
  if (!listed(ck->cred.signed_headers, "host", 4) ||
      !listed(ck->cred.signed_headers, "x-amz-date", 10))
    return fail(ck, AUTH_INCOMPLETE, "SignedHeaders: must include host "
                "and x-amz-date");
  return AUTH_OK;
}

/* Reads x-amz-date into *when (seconds). Its form is checked before the
 * key and the scope, with the rest of the signature's form. */
static auth_fault check_date(check *ck, long long *when)
{
  int count;

  ck->amz_date = header(ck->rq, "x-amz-date", &count);
  if (count != 1 || sigv4_parse_amz_date(ck->amz_date, when) < 0)
    return fail(ck, AUTH_INCOMPLETE, "x-amz-date: must appear once, as "
                "YYYYMMDDTHHMMSSZ");
  return AUTH_OK;
}

/* Finds the principal of the access key id. */
static auth_fault find_principal(check *ck)
{
  const auth_scope *s = ck->scope;

  for (ck->who = 0; ck->who < s->count; ck->who++)
    if (!strcmp(s->principals[ck->who].access_key_id,
                ck->cred.access_key_id))
      return AUTH_OK;
  return fail(ck, AUTH_UNKNOWN_KEY, "Credential: the access key id is "
              "not known");
}

/* Checks the credential scope and the request's time. */
static auth_fault check_scope(check *ck, long long when)
{
  const auth_scope *s = ck->scope;
  long long off = when - s->now;
  char now[SIGV4_DATE_LEN + 1];

  if (strncmp(ck->cred.date, ck->amz_date, 8))
    return fail(ck, AUTH_MISMATCH, "Credential: the scope's date is not "
                "the day of x-amz-date");
  if (strcmp(ck->cred.region, s->region))
    return fail(ck, AUTH_MISMATCH, "Credential: the scope's region must "
                "be %s", s->region);
  if (strcmp(ck->cred.service, s->service))
    return fail(ck, AUTH_MISMATCH, "Credential: the scope's service must "
                "be %s", s->service);
  if (off > s->skew || -off > s->skew)
    return fail(ck, AUTH_MISMATCH, "x-amz-date: is %lld seconds %s the "
                "service's clock (%s); at most %lld are allowed",
                off < 0 ? -off : off, off < 0 ? "behind" : "ahead of",
                sigv4_amz_date((time_t)s->now, now) == 0 ? now
                                                      : "past year 9999",
                s->skew);
  return AUTH_OK;
}

/* Writes the hex SHA-256 of the body into out. Returns 1, 0 when the
 * body is not at hand (a server kept neither it nor its checksum), or
 * -1 when the digest failed. */
static int body_hash(const mrsu_request *rq, char out[SIGV4_HASH_LEN + 1])
{
  if (rq->body || rq->body_len == 0)
    return sigv4_hash_hex(rq->body ? (const void *)rq->body : "",
                          rq->body_len, out) < 0 ? -1 : 1;
  if (rq->body_checksum && checksum_to_hex(rq->body_checksum, out) == 0)
    return 1;
  return 0;
}

/* Settles the payload hash to sign: x-amz-content-sha256 if given and
 * true, else the body's. */
static auth_fault check_payload(check *ck)
{
  int count, known = body_hash(ck->rq, ck->body_hash);
  const char *given = header(ck->rq, "x-amz-content-sha256", &count);

  if (known < 0)
    return AUTH_NO_MEMORY;
  ck->payload_hash = given ? given : ck->body_hash;
  if (given && !strcmp(given, SIGV4_UNSIGNED_PAYLOAD))
    return ck->scope->unsigned_ok ? AUTH_OK
           : fail(ck, AUTH_MISMATCH, "x-amz-content-sha256: "
                  "UNSIGNED-PAYLOAD is accepted only by "
                  "UploadReadSetPart");
  if (given && known && strcmp(given, ck->body_hash))
    return fail(ck, AUTH_MISMATCH, "x-amz-content-sha256: is not the "
                "SHA-256 of the body");
  if (!given && !known)
    return fail(ck, AUTH_INCOMPLETE, "x-amz-content-sha256: is required "
                "for a body over the operation's limit");
  return AUTH_OK;
}

/* Collects the request headers that SignedHeaders names into out (room
 * for every request header). Returns how many, or -1 with the reason
 * when a name has no header in the request. */
static long signed_headers(check *ck, sigv4_header *out)
{
  const mrsu_request *rq = ck->rq;
  const char *list = ck->cred.signed_headers, *p = list;
  size_t len;
  long n = 0;

  for (;;) {
    len = strcspn(p, ";");
    if (!has_header(rq, p, len)) {
      fail(ck, AUTH_MISMATCH, "SignedHeaders: names '%.*s', which the "
           "request does not carry", (int)len, p);
      return -1;
    }
    if (!p[len])
      break;
    p += len + 1;
  }
  for (size_t i = 0; i < rq->header_count; i++)
    if (listed(list, rq->headers[i].name, strlen(rq->headers[i].name)))
      out[n++] = (sigv4_header){rq->headers[i].name,
                                rq->headers[i].value};
  return n;
}

/* Signs the request again with the principal's secret and compares. */
static auth_fault check_signature(check *ck)
{
  const mrsu_request *rq = ck->rq;
  const auth_scope *s = ck->scope;
  const mrsu_principal *p = &s->principals[ck->who];
  sigv4_key key = {p->access_key_id, p->secret_access_key, s->region,
                   s->service};
  sigv4_header *h = calloc(rq->header_count + 1, sizeof *h);
  sigv4_request srq = {rq->method, rq->path, rq->query, h, 0,
                       ck->payload_hash};
  char sig[SIGV4_HASH_LEN + 1], *list = NULL;
  long n = h ? signed_headers(ck, h) : -2;
  auth_fault rc = n == -1 ? AUTH_MISMATCH : AUTH_NO_MEMORY;

  srq.header_count = n > 0 ? (size_t)n : 0;
  if (n >= 0 && sigv4_sign(&srq, &key, ck->amz_date, sig, &list) == 0) {
    if (strcmp(list, ck->cred.signed_headers))
      rc = fail(ck, AUTH_MISMATCH, "SignedHeaders: must name each signed "
                "header once, in lower case, sorted");
    else if (CRYPTO_memcmp(sig, ck->cred.signature, SIGV4_HASH_LEN))
      rc = fail(ck, AUTH_MISMATCH, "Signature: does not match the "
                "request; check the secret access key and the canonical "
                "request");
    else
      rc = AUTH_OK;
  }
  free(list);
  free(h);
  return rc;
}

auth_fault auth_verify(const mrsu_request *rq, const auth_scope *scope,
                       size_t *who, char *why, size_t whylen)
{
  check ck;
  long long when = 0;
  auth_fault rc;

  memset(&ck, 0, sizeof ck);
  ck.rq = rq;
  ck.scope = scope;
  ck.why = why;
  ck.whylen = whylen;
  rc = read_authorization(&ck);
  if (rc == AUTH_OK)
    rc = check_date(&ck, &when);
  if (rc == AUTH_OK)
    rc = find_principal(&ck);
  if (rc == AUTH_OK)
    rc = check_scope(&ck, when);
  if (rc == AUTH_OK)
    rc = check_payload(&ck);
  if (rc == AUTH_OK)
    rc = check_signature(&ck);
  *who = ck.who;
  sigv4_credential_free(&ck.cred);
  return rc;
}

int auth_allows_store(const mrsu_principal *p, const char *raw,
                      size_t len)
{
  int oom = 0, ok = 0;
  char *label = text_percent_decode(raw, len, &oom);

  if (!label && oom)
    return -1;
  for (size_t i = 0; i < p->store_count; i++)
    ok |= !strcmp(p->stores[i], "*") ||
          (label && !strcmp(p->stores[i], label));
  free(label);
  return ok;
}
