/*
 * mrsu.h: the reference core of the multipart read set upload API.
 *
 * One service object holds the sequence stores, their uploads, parts and
 * read sets in memory. mrsu_handle() takes one HTTP request as bytes and
 * produces the response the specification requires. The same entry point
 * serves the in-process target of the conformance runner and the HTTP
 * server. A service may check AWS Signature Version 4 (principals read
 * from a credentials file with mrsu_credentials_load, the one function
 * here that does I/O), hold back requests by quotas, throttling and a
 * deadline, and offer the test controls of SPEC.md section 16. Nothing
 * here prints; a service is safe to share between threads (calls are
 * serialised inside).
 */
#ifndef MRSU_H
#define MRSU_H

#include <stddef.h>
#include <stdint.h>

#define MRSU_DEFAULT_STORE "0123456789"
#define MRSU_MAX_JSON_BODY (8u * 1024u * 1024u)
#define MRSU_MAX_PART_SIZE 104857600u
#define MRSU_SERVICE_NAME "omics"       /* the signing name */
#define MRSU_DEFAULT_REGION "us-east-1"
#define MRSU_DEFAULT_CLOCK_SKEW 300     /* seconds */
#define MRSU_DEFAULT_OPEN_UPLOADS 1000ULL       /* per store */
#define MRSU_DEFAULT_READ_SETS 100000ULL        /* per store */
#define MRSU_DEFAULT_PARTS 20000ULL             /* per upload */
#define MRSU_DEFAULT_UPLOAD_BYTES 2097152000000ULL /* per upload */
#define MRSU_DEFAULT_THROTTLE_BURST 10ULL
#define MRSU_DEFAULT_COMPLETE_DEADLINE_MS 30000LL
#define MRSU_CONTROL_PATH "/_mrsu/control"

/* A header as the server received it or will send it. */
typedef struct mrsu_header {
  const char *name;
  const char *value;
} mrsu_header;

#define MRSU_RESPONSE_HEADERS 2

/* One request. Nothing is owned: the caller keeps every buffer alive. */
typedef struct mrsu_request {
  const char *method;           /* "POST", "PUT", ... */
  const char *path;             /* raw, percent-encoded, without query */
  const char *query;            /* raw, without '?'; NULL when none */
  const mrsu_header *headers;
  size_t header_count;
  const unsigned char *body;
  size_t body_len;
  /* A server that streamed an UploadReadSetPart body elsewhere sets body
   * to NULL, body_len to its size and body_checksum to its checksum
   * (base64 of SHA-256); every other request leaves it NULL. A server
   * may also pass body NULL with body_len over the operation's limit:
   * the core then answers from body_len alone, before reading a body. */
  const char *body_checksum;
  void *context;                /* the server's own; passed to storage */
} mrsu_request;

/* One response: free with mrsu_response_free(). The body is owned
 * unless body_is_static; header names and values are static strings. */
typedef struct mrsu_response {
  int status;
  const char *error_type;       /* NULL on success */
  mrsu_header headers[MRSU_RESPONSE_HEADERS]; /* Content-Type, error type */
  size_t header_count;
  char *body;
  size_t body_len;
  int body_is_static;           /* set when body must not be freed */
} mrsu_response;

/* Who may call a service that checks signatures: an access key id,
 * its secret, and the sequence stores it may use, by id; the id "*"
 * stands for every store. Nothing is owned. */
typedef struct mrsu_principal {
  const char *access_key_id;
  const char *secret_access_key;
  const char *const *stores;
  size_t store_count;
} mrsu_principal;

/* Where a service makes what it accepts durable. Each hook may be NULL
 * (nothing to do) and returns 0, or -1 when it failed: the operation
 * then answers 500 InternalServerException and changes nothing. The
 * ids are decoded and checked; request is the one being answered. */
typedef struct mrsu_storage {
  /* The part (source "SOURCE1" or "SOURCE2", number) just accepted. */
  int (*keep_part)(void *arg, const mrsu_request *request,
                   const char *store_id, const char *upload_id,
                   const char *source, int number);
  /* The read set that completing the upload makes. */
  int (*keep_read_set)(void *arg, const mrsu_request *request,
                       const char *store_id, const char *upload_id,
                       const char *read_set_id);
  void *arg;
} mrsu_storage;

/* How a service starts. Fill with mrsu_config_default(), then adjust.
 * The service copies the configuration and the store ids, not the
 * principals, the region or anything the hooks point to: those must
 * outlive the service. */
typedef struct mrsu_config {
  const char *const *stores;    /* ids of the sequence stores that exist */
  size_t store_count;
  uint64_t first_upload_id;     /* uploads are numbered from here */
  uint64_t first_read_set_id;   /* read sets are numbered from here */
  int64_t fixed_time;           /* seconds since 1970; < 0: real clock */
  size_t max_json_body;         /* bytes; larger JSON bodies are 400 */
  size_t max_part_size;         /* bytes; larger parts are 400 */

  /* Authentication: none (0 principals) answers everyone as one
   * anonymous principal that may use every store. */
  const mrsu_principal *principals;
  size_t principal_count;
  const char *region;           /* of the credential scope; us-east-1 */
  int64_t clock_skew;           /* seconds x-amz-date may be off; 300 */

  /* Quotas: the request that would exceed one answers 402. */
  uint64_t quota_open_uploads;  /* OPEN uploads per store; 1000 */
  uint64_t quota_read_sets;     /* read sets per store; 100000 */
  uint64_t quota_parts;         /* parts per upload; 20000 */
  uint64_t quota_bytes;         /* bytes per upload; 2097152000000 */

  /* Throttling, per principal: rate requests a second (0: none, the
   * default; steps of 0.001, at most 1000000), at most burst (1 to
   * 1000000; 10) at once. */
  double throttle_rate;
  uint64_t throttle_burst;

  /* A Complete that takes longer answers 408 (1 to 86400000; 30000). */
  int64_t complete_deadline_ms;

  int test_controls;            /* 1: POST/DELETE /_mrsu/control */
  mrsu_storage storage;

  /* The monotonic clock of throttling and the deadline, nanoseconds.
   * NULL: CLOCK_MONOTONIC, or, with a fixed_time, a clock that stands
   * still (buckets never refill; a Complete takes no time). */
  int64_t (*monotonic_ns)(void *arg);
  void *monotonic_arg;
} mrsu_config;

typedef struct mrsu_service mrsu_service;

/* Sets the defaults: one store MRSU_DEFAULT_STORE, deterministic ids,
 * the real clock, the published limits, no authentication, the
 * default region, skew, quotas and deadline, no throttling, no test
 * controls, no storage hooks. Can't fail. */
void mrsu_config_default(mrsu_config *config);

/* Returns a new service, or NULL when the configuration is invalid (a
 * store id that breaks the id constraints, no store, a principal without
 * its key id or secret, no region, a negative skew, a rate, burst or
 * deadline out of its range) or memory runs out. The caller frees with
 * mrsu_service_free. */
mrsu_service *mrsu_service_new(const mrsu_config *config);

void mrsu_service_free(mrsu_service *service);

/* Handles one request and fills *response, which the caller frees with
 * mrsu_response_free() whatever the result. Returns 0; returns -1 only
 * when memory ran out, in which case *response holds a 500
 * InternalServerException with a fixed message and the state is
 * unchanged. */
int mrsu_handle(mrsu_service *service, const mrsu_request *request,
                mrsu_response *response);

/* Returns the whole state of the service as text, the caller frees:
 * the next ids to issue, then each sequence store with its uploads in
 * id order (state, file type, creation time, read set, the metadata of
 * Create) and their parts (source, number, size, times, checksum), then
 * the limits in force (lines starting "limits ") and the level of each
 * throttling bucket. Two services hold the same state exactly when
 * their dumps are equal. Returns NULL when memory ran out. */
char *mrsu_service_dump(mrsu_service *service);

/* Frees what a response owns and zeroes it. Safe on a zeroed response. */
void mrsu_response_free(mrsu_response *response);

/* The value of a response header by case-insensitive name, or NULL. */
const char *mrsu_response_header(const mrsu_response *response,
                                 const char *name);

/* Principals read from a credentials file (SPEC.md section 14.5):
 *   {"version": 1, "principals": [{"accessKeyId": "AKID...",
 *     "secretAccessKey": "...", "stores": ["0123456789"]}, ...]}
 * strict JSON of at most 1 MiB; accessKeyId 1 to 128 of A-Z a-z 0-9 _,
 * unique; secretAccessKey 1 to 128 printable ASCII characters, no
 * space; stores a list, maybe empty, of sequence store ids or "*"
 * (every store); no other member anywhere. */
typedef struct mrsu_credentials {
  mrsu_principal *principals;
  size_t count;
  void *owned;                  /* what the principals point into */
} mrsu_credentials;

#define MRSU_MAX_CREDENTIALS_FILE (1024u * 1024u)

/* Reads the credentials file at path into *out. Returns 0, or -1 with a
 * one-line reason in err (the JSON place at fault, or why the file could
 * not be read; out of memory says so) and *out left empty. Free a
 * loaded one with mrsu_credentials_free (an empty one needs nothing). */
int mrsu_credentials_load(const char *path, mrsu_credentials *out,
                          char *err, size_t errlen);

/* The same from len bytes of text. */
int mrsu_credentials_parse(const char *text, size_t len,
                           mrsu_credentials *out, char *err,
                           size_t errlen);

/* Frees what *c holds and zeroes it. Safe on a zeroed one. */
void mrsu_credentials_free(mrsu_credentials *c);

/* The principal with this access key id, or NULL. */
const mrsu_principal *mrsu_credentials_find(const mrsu_credentials *c,
                                            const char *access_key_id);

#endif
