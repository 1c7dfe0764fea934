/*
 * call.h: what the router hands an operation, and how operations answer.
 *
 * Internal to the core. A call carries the request, the decoded URI
 * labels, the database and the response being built. Every handler
 * returns 0, or -1 when memory ran out before any state changed (the
 * router then answers a bodiless 500).
 */
#ifndef CALL_H
#define CALL_H

#include "fields.h"
#include "limits.h"
#include "mrsu.h"
#include "store.h"

#include <cjson/cJSON.h>

/* The eight errors of the API, in the order of the model, then the
 * other types of 403 that authentication answers with. */
typedef enum err_kind {
  ERR_VALIDATION,       /* 400 */
  ERR_QUOTA,            /* 402 */
  ERR_ACCESS,           /* 403 */
  ERR_NOT_FOUND,        /* 404 */
  ERR_NOT_SUPPORTED,    /* 405 */
  ERR_TIMEOUT,          /* 408 */
  ERR_THROTTLING,       /* 429 */
  ERR_INTERNAL,         /* 500 */
  ERR_AUTH_MISSING,     /* 403 MissingAuthenticationTokenException */
  ERR_AUTH_INCOMPLETE,  /* 403 IncompleteSignatureException */
  ERR_AUTH_UNKNOWN_KEY, /* 403 UnrecognizedClientException */
  ERR_AUTH_MISMATCH     /* 403 InvalidSignatureException */
} err_kind;

typedef struct call {
  const mrsu_request *request;
  mrsu_response *response;
  st_db *db;
  const mrsu_config *config;
  controls *ctl;                /* the limits in force */
  size_t principal;             /* who sent it; anonymous: the count */
  bucket *taken;                /* the bucket throttling spent, or NULL */
  bucket taken_was;             /* its level before */
  const char *store_id;         /* decoded label */
  const char *upload_id;        /* decoded label, or NULL */
  int64_t now;
  int64_t started;              /* monotonic, when handling began */
  char err[320];                /* scratch for the message of a 400 */
} call;

/* Answers 200 with body as compact JSON; takes ownership of body.
 * Returns 0, or -1 when memory ran out (body is freed either way). */
int reply_json(call *c, cJSON *body);

/* Answers the error with a message built like printf. Returns 0, or -1
 * when memory ran out. */
int reply_error(call *c, err_kind kind, const char *fmt, ...);

/* Answers a member check that did not pass: FIELD_BAD as 400 with the
 * message in c->err. Returns 0, or -1 for FIELD_NO_MEMORY or when memory
 * ran out while answering. */
int reply_field_failure(call *c, field_result rc);

/* Answers 500 with a fixed message, without allocating. Can't fail. */
void reply_no_memory(mrsu_response *response);

/* The value of a request header by case-insensitive name, or NULL. */
const char *call_header(const call *c, const char *name);

/* Looks up query parameter name (decoded). Returns 1 and sets *value
 * (the caller frees) when present once, 0 when absent, -1 after
 * answering 400 (repeated, undecodable), -2 when memory ran out. */
int call_query(call *c, const char *name, char **value);

/* Parses the body of a JSON operation into an object: checks the
 * Content-Type, the size and strict JSON. Returns the object, or NULL
 * with *failed set to 0 after answering 400, or to -1 when memory ran
 * out. An empty body is read as {}. */
cJSON *call_json_body(call *c, int *failed);

/* Answers the state machine's failure: ST_NOT_FOUND as 404 naming the
 * store or upload, ST_REJECTED as 400 with c->err, others as 500.
 * Returns 0, or -1 when memory ran out. */
int reply_store_result(call *c, st_result rc);

/* Formats seconds since 1970 as ISO 8601 UTC into out (21 bytes). */
void call_format_time(int64_t seconds, char out[21]);

/* Answers 402: the quota of what (words for the message) is limit.
 * Returns 0, or -1 when memory ran out. */
int reply_quota(call *c, const char *what, unsigned long long limit);

/* Answers 500 for a storage step that failed. Returns 0 or -1. */
int reply_storage_failed(call *c, const char *what);

int op_create(call *c);
int op_upload_part(call *c);
int op_list_parts(call *c);
int op_complete(call *c);
int op_abort(call *c);
int op_list_uploads(call *c);
int op_control(call *c);

#endif
