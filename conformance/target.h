/*
 * target.h: the implementation under test, behind one interface.
 *
 * A target takes one HTTP request (method, raw path, raw query, headers,
 * body bytes) and returns the response (status, headers, body bytes), or
 * a transport error when no answer came. Each backend (the built-in
 * reference today; an HTTP client later) fills a cf_target with its
 * functions and the variables it supplies (store, missingStore,
 * missingUpload). The runner calls begin_case before each case, so a
 * backend that can isolate cases (the built-in one starts a fresh
 * service) does it there.
 */
#ifndef CF_TARGET_H
#define CF_TARGET_H

#include "vars.h"

#include <stddef.h>

/* A header; the strings belong to whoever built the message. */
typedef struct cf_header {
  char *name;
  char *value;
} cf_header;

/* One request. Nothing is owned: the runner keeps every buffer alive. */
typedef struct cf_request {
  const char *method;
  const char *path;             /* raw, sent without normalisation */
  const char *query;            /* raw, without '?'; NULL when none */
  const cf_header *headers;
  size_t header_count;
  const unsigned char *body;
  size_t body_len;
} cf_request;

/* One response. Everything is owned: free with cf_response_free(). */
typedef struct cf_response {
  int status;
  cf_header *headers;
  size_t header_count;
  unsigned char *body;          /* NULL when body_len is 0 */
  size_t body_len;
} cf_response;

typedef struct cf_target cf_target;

struct cf_target {
  const char *name;             /* "builtin", ... */
  char *description;            /* for reports: name and address */
  vars vars;                    /* the variables the target supplies */
  void *impl;                   /* the backend's own state */

  /* Prepares the next case. Returns 0, or -1 with a reason in err when
   * the target cannot be used (the case is then an ERROR). */
  int (*begin_case)(cf_target *t, char *err, size_t errlen);

  /* Sends one request and fills *rs (zeroed by the caller). Returns 0,
   * or -1 on a transport error with the reason in err; *rs is then
   * freed by the caller all the same. */
  int (*exchange)(cf_target *t, const cf_request *rq, cf_response *rs,
                  char *err, size_t errlen);

  /* Releases what begin_case prepared. Can't fail. */
  void (*end_case)(cf_target *t);

  /* Releases impl. Can't fail. */
  void (*close)(cf_target *t);
};

/* Opens the target that spec names: "builtin", or a backend name
 * followed by ':' and its own address. Returns it, or NULL with a
 * reason in err (unknown backend, bad address, no memory). The caller
 * closes it with cf_target_close. */
cf_target *cf_target_open(const char *spec, char *err, size_t errlen);

void cf_target_close(cf_target *t);

/* Frees what a response owns and zeroes it. Safe on a zeroed one. */
void cf_response_free(cf_response *rs);

/* The first value of a response header, by case-insensitive name, or
 * NULL. */
const char *cf_response_header(const cf_response *rs, const char *name);

/* A description of the backends, one line each, for --help. */
extern const char cf_target_help[];

/* The built-in reference backend: fills t, or returns -1 with a reason
 * in err. spec is the text given to cf_target_open. */
int cf_builtin_open(cf_target *t, const char *spec, char *err,
                    size_t errlen);

#endif
