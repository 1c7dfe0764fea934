/*
 * sigv4.h: AWS Signature Version 4 (AWS4-HMAC-SHA256) for the requests
 * of this API, shared by a client that signs and a server that checks.
 *
 * A request is signed as it travels: its raw path, its raw query and
 * the headers the caller chooses to sign, among them host and
 * x-amz-date. The canonical forms:
 * - URI: the path with empty, "." and ".." segments resolved (RFC 3986
 *   section 5.2.4, empty segments dropped as AWS does), then every byte
 *   but unreserved ones and '/' written as %XX, so an escape already in
 *   the raw path is encoded a second time; an empty path is "/".
 * - Query: pieces split at '&' (empty pieces dropped), each a name and
 *   a value split at the first '=' (a missing value is empty); both are
 *   percent-decoded ('+' stays '+', a '%' without two hex digits stands
 *   for itself), re-encoded as in the URI but with '/' encoded too, and
 *   sorted by name, then value, byte by byte.
 * - Headers: names in lower case, sorted; values with surrounding
 *   spaces and tabs cut and each inner run of them made one space; the
 *   values of repeated names are joined with ',' in the order given.
 * Everything returned is NUL-terminated; the caller frees strings.
 * A verifier reads the Authorization header back with
 * sigv4_parse_authorization and signs the request again.
 */
#ifndef SIGV4_H
#define SIGV4_H

#include <stddef.h>
#include <time.h>

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SIGV4_HASH_LEN 64             /* hex SHA-256 */
#define SIGV4_KEY_LEN 32              /* HMAC-SHA256 output */
#define SIGV4_DATE_LEN 16             /* YYYYMMDDTHHMMSSZ */

/* A header to sign; the strings belong to the caller. */
typedef struct sigv4_header {
  const char *name;
  const char *value;
} sigv4_header;

/* A request as it is sent. Nothing is owned. */
typedef struct sigv4_request {
  const char *method;
  const char *path;                   /* raw */
  const char *query;                  /* raw, without '?'; NULL: none */
  const sigv4_header *headers;        /* the headers to sign */
  size_t header_count;
  const char *payload_hash;           /* hex, or SIGV4_UNSIGNED_PAYLOAD */
} sigv4_request;

/* Who signs, and for what scope. Nothing is owned. */
typedef struct sigv4_key {
  const char *access_key_id;
  const char *secret_access_key;
  const char *region;
  const char *service;
} sigv4_key;

/* Writes the lower-case hex SHA-256 of len bytes into out. Returns 0,
 * or -1 when the digest failed. */
int sigv4_hash_hex(const void *data, size_t len,
                   char out[SIGV4_HASH_LEN + 1]);

/* Writes time t as YYYYMMDDTHHMMSSZ (UTC) into out. Returns 0 or -1. */
int sigv4_amz_date(time_t t, char out[SIGV4_DATE_LEN + 1]);

/* 1 when the request's payload is not signed (x-amz-content-sha256 is
 * UNSIGNED-PAYLOAD): UploadReadSetPart, a PUT whose path ends in
 * "/part". Else 0. */
int sigv4_unsigned_payload(const char *method, const char *path);

/* The canonical URI of a raw path. NULL when memory ran out. */
char *sigv4_canonical_uri(const char *path);

/* The canonical query of a raw query (NULL is the empty query). NULL
 * when memory ran out. */
char *sigv4_canonical_query(const char *query);

/* The canonical headers ("name:value\n" each) of n headers; the signed
 * header list ("a;b;c") goes to *signed_headers. NULL (and
 * *signed_headers NULL) when memory ran out. */
char *sigv4_canonical_headers(const sigv4_header *h, size_t n,
                              char **signed_headers);

/* The canonical request of rq; the signed header list goes to
 * *signed_headers. NULL (and *signed_headers NULL) when memory ran out
 * or rq lacks its method, path or payload hash. */
char *sigv4_canonical_request(const sigv4_request *rq,
                              char **signed_headers);

/* The credential scope "YYYYMMDD/region/service/aws4_request". NULL
 * when memory ran out or amz_date is not YYYYMMDDTHHMMSSZ. */
char *sigv4_scope(const sigv4_key *key, const char *amz_date);

/* The string to sign for a canonical request made at amz_date. NULL
 * when memory ran out, the digest failed or amz_date is malformed. */
char *sigv4_string_to_sign(const sigv4_key *key, const char *amz_date,
                           const char *canonical_request);

/* Derives the signing key of the day of amz_date into out. Returns 0,
 * or -1 when amz_date is malformed or HMAC failed. */
int sigv4_signing_key(const sigv4_key *key, const char *amz_date,
                      unsigned char out[SIGV4_KEY_LEN]);

/* Writes the hex signature of a string to sign into out. Returns 0 or
 * -1 (as sigv4_signing_key). */
int sigv4_signature(const sigv4_key *key, const char *amz_date,
                    const char *string_to_sign,
                    char out[SIGV4_HASH_LEN + 1]);

/* Signs rq made at amz_date: writes the hex signature into out and
 * the signed header list ("a;b;c") into *signed_headers (the caller
 * frees). Returns 0, or -1 (and *signed_headers NULL) when memory ran
 * out, a digest failed or an input is malformed. The signer and the
 * verifier both sign through here. */
int sigv4_sign(const sigv4_request *rq, const sigv4_key *key,
               const char *amz_date, char out[SIGV4_HASH_LEN + 1],
               char **signed_headers);

/* The value of the Authorization header for rq made at amz_date:
 * "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
 * NULL when memory ran out, a digest failed or an input is malformed. */
char *sigv4_authorization(const sigv4_request *rq, const sigv4_key *key,
                          const char *amz_date);

/* Reads an x-amz-date, YYYYMMDDTHHMMSSZ, naming a real UTC time (no
 * leap second). Returns 0 with *out in seconds since 1970, or -1. */
int sigv4_parse_amz_date(const char *text, long long *out);

/* The parts of an Authorization header value, as sent. */
typedef struct sigv4_credential {
  char *text;                   /* owned; the members point into it */
  const char *access_key_id;
  const char *date;             /* YYYYMMDD */
  const char *region;
  const char *service;
  const char *signed_headers;   /* "host;x-amz-date", unchecked */
  const char *signature;        /* 64 lower-case hex digits */
} sigv4_credential;

/* Reads value as the algorithm, one space, then the components
 * Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request, SignedHeaders=
 * and Signature=, each once, in any order, separated by ',' and
 * optional spaces. Returns 0 with *out filled (free it with
 * sigv4_credential_free), 1 when value does not read so (*why, a static
 * string, says what is wrong; nothing to free), or -1 when memory ran
 * out. */
int sigv4_parse_authorization(const char *value, sigv4_credential *out,
                              const char **why);

/* Frees what a parsed credential holds. Safe on a zeroed one. */
void sigv4_credential_free(sigv4_credential *cred);

#endif
