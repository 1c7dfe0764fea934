/*
 * mrsu.h: the reference core of the multipart read set upload API.
 *
 * One service object holds the sequence stores, their uploads, parts and
 * read sets in memory. mrsu_handle() takes one HTTP request as bytes and
 * produces the response the specification requires. The same entry point
 * serves the in-process target of the conformance runner and the HTTP
 * server. Nothing here does I/O or prints; a service is safe to share
 * between threads (calls are serialised inside).
 */
#ifndef MRSU_H
#define MRSU_H

#include <stddef.h>
#include <stdint.h>

#define MRSU_DEFAULT_STORE "0123456789"
#define MRSU_MAX_JSON_BODY (8u * 1024u * 1024u)
#define MRSU_MAX_PART_SIZE 104857600u

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

/* How a service starts. Fill with mrsu_config_default(), then adjust. */
typedef struct mrsu_config {
  const char *const *stores;    /* ids of the sequence stores that exist */
  size_t store_count;
  uint64_t first_upload_id;     /* uploads are numbered from here */
  uint64_t first_read_set_id;   /* read sets are numbered from here */
  int64_t fixed_time;           /* seconds since 1970; < 0: real clock */
  size_t max_json_body;         /* bytes; larger JSON bodies are 400 */
  size_t max_part_size;         /* bytes; larger parts are 400 */
} mrsu_config;

typedef struct mrsu_service mrsu_service;

/* Sets the defaults: one store MRSU_DEFAULT_STORE, deterministic ids,
 * the real clock, and the published limits. Can't fail. */
void mrsu_config_default(mrsu_config *config);

/* Returns a new service, or NULL when the configuration is invalid (a
 * store id that breaks the id constraints, no store) or memory runs out.
 * The configuration is copied. The caller frees with mrsu_service_free. */
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
 * Create) and their parts (source, number, size, times, checksum). Two
 * services hold the same state exactly when their dumps are equal.
 * Returns NULL when memory ran out. */
char *mrsu_service_dump(mrsu_service *service);

/* Frees what a response owns and zeroes it. Safe on a zeroed response. */
void mrsu_response_free(mrsu_response *response);

/* The value of a response header by case-insensitive name, or NULL. */
const char *mrsu_response_header(const mrsu_response *response,
                                 const char *name);

#endif
