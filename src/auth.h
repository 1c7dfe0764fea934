/*
 * auth.h: who sent a request, by AWS Signature Version 4, and whether
 * that principal may use a sequence store.
 *
 * Internal to the core. The verifier reads the Authorization header
 * back (sigv4.h), checks the credential scope, the time and the payload
 * hash, then signs the request again with the principal's secret
 * through the same functions a client signs with, and compares. The
 * checks run in the order of SPEC.md section 14.5; the first that fails
 * is the answer.
 */
#ifndef AUTH_H
#define AUTH_H

#include "mrsu.h"

#include <stddef.h>

/* The outcome of a verification; each fault has its own error type. */
typedef enum auth_fault {
  AUTH_OK,
  AUTH_MISSING,                 /* no Authorization header */
  AUTH_INCOMPLETE,              /* the signature's parts are malformed */
  AUTH_UNKNOWN_KEY,             /* no principal has the access key id */
  AUTH_MISMATCH,                /* scope, time, payload or signature */
  AUTH_NO_MEMORY
} auth_fault;

/* What a request must be signed for. Nothing is owned. */
typedef struct auth_scope {
  const mrsu_principal *principals;
  size_t count;
  const char *region;
  const char *service;
  long long now;                /* the service's time, seconds */
  long long skew;               /* seconds the request's time may be off */
  int unsigned_ok;              /* 1: UNSIGNED-PAYLOAD is accepted */
} auth_scope;

/* Verifies the signature of rq. Returns AUTH_OK with *who set to the
 * index of the principal that signed, or the fault with a one-line
 * reason in why (never the secret, never the expected signature). */
auth_fault auth_verify(const mrsu_request *rq, const auth_scope *scope,
                       size_t *who, char *why, size_t whylen);

/* 1 when p may use the store whose raw, percent-encoded label is the
 * len bytes at raw, else 0; -1 when memory ran out. A label that does
 * not decode is allowed only to a principal of every store. */
int auth_allows_store(const mrsu_principal *p, const char *raw,
                      size_t len);

#endif
