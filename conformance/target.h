/*
 * target.h: the implementation under test, behind one interface.
 *
 * A target takes one HTTP request (method, raw path, raw query, headers,
 * body bytes) and returns the response (status, headers, body bytes), or
 * a transport error when no answer came. Each backend (the built-in
 * reference, an HTTP client) fills a cf_target with its functions and
 * the variables it supplies (store, missingStore, missingUpload). The
 * runner calls begin_case before each case, so a backend that can
 * isolate cases (the built-in one starts a fresh service) does it
 * there. A target is used by one thread at a time; parallel workers
 * each open their own.
 */
#ifndef CF_TARGET_H
#define CF_TARGET_H

#include "mrsu.h"
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
  char *resent;                 /* NULL, or why the backend itself had
                                 * to send the request a second time */
} cf_response;

/* What the command line says about the target beyond its name; only
 * the HTTP backend takes these. The strings are not owned. */
typedef struct cf_target_options {
  const char **stores;          /* ${store}; the cases take turns */
  size_t store_count;           /* 0: the default store */
  const char *missing_store;    /* NULL: the default */
  const char *missing_upload;   /* NULL: the default */
  long timeout;                 /* seconds a request may take */
  int insecure;                 /* 1: TLS certificates not verified */
  const char *cacert;           /* CA certificates, or NULL */
  const char *first;            /* the first of these options given */
} cf_target_options;

/* What every backend is told of the run, beside its own options. */
typedef struct cf_target_run {
  const mrsu_principal *principals; /* NULL: authentication off */
  size_t principal_count;
  const char *region;           /* the region requests are signed for */
  int controls;                 /* 1: the target may enable its test
                                 * controls */
} cf_target_run;

typedef struct cf_target cf_target;

/* How cases run on a target (run.h). */
struct cf_run_env;

struct cf_target {
  const char *name;             /* "builtin", ... */
  char *description;            /* for reports: name and address */
  vars vars;                    /* the variables the target supplies */
  const char **stores;          /* ${store} of the cases in turn, or */
  size_t store_count;           /* none: vars holds the only one */
  const char *host;             /* the Host header requests carry */
  const char *path_prefix;      /* before every path on the wire */
  long long clock;              /* the target's fixed clock (seconds
                                 * since 1970), or -1: a real one */
  int controls;                 /* 1: test controls known to be there;
                                 * -1: unknown until probed */
  int isolated;                 /* 1: each case starts on a service of
                                 * its own */
  const struct cf_run_env *env; /* signing and controls of the run, or
                                 * NULL: unsigned, no test controls */
  void *impl;                   /* the backend's own state */

  /* Prepares the next case. Returns 0, or -1 with a reason in err when
   * the target cannot be used (the case is then an ERROR). */
  int (*begin_case)(cf_target *t, char *err, size_t errlen);

  /* Sends one request and fills *rs (zeroed by the caller). Returns 0;
   * -1 on a transport error, or -2 when the target is out of reach (no
   * connection, no TLS session, or not a byte of an answer in time),
   * with the reason in err; *rs is then freed by the caller all the
   * same. */
  int (*exchange)(cf_target *t, const cf_request *rq, cf_response *rs,
                  char *err, size_t errlen);

  /* A shell command that sends rq on its own, or NULL when the
   * backend has none (or memory ran out). The caller frees. */
  char *(*reproduce)(cf_target *t, const cf_request *rq);

  /* Releases what begin_case prepared. Can't fail. */
  void (*end_case)(cf_target *t);

  /* Releases impl. Can't fail. */
  void (*close)(cf_target *t);
};

/* Opens the target that spec names: "builtin", or a backend name
 * followed by ':' and its own address, with options o, for run. Returns
 * it, or NULL with a reason in err (unknown backend, bad address, an
 * option the backend does not take, no memory). The caller closes it
 * with cf_target_close. */
cf_target *cf_target_open(const char *spec, const cf_target_options *o,
                          const cf_target_run *run, char *err,
                          size_t errlen);

void cf_target_close(cf_target *t);

/* Frees what a response owns and zeroes it. Safe on a zeroed one. */
void cf_response_free(cf_response *rs);

/* The first value of a response header, by case-insensitive name, or
 * NULL. */
const char *cf_response_header(const cf_response *rs, const char *name);

/* Sets ${store} for the case of that ordinal: the stores given take
 * turns. Returns 0, or -1 when memory ran out. */
int cf_target_use_store(cf_target *t, size_t ordinal);

/* Sets the defaults; room for max_stores stores. Returns 0, or -1 when
 * memory ran out. Free with cf_target_options_free. */
int cf_target_options_init(cf_target_options *o, size_t max_stores);

void cf_target_options_free(cf_target_options *o);

/* Stores option --name (value NULL for a flag). Returns 0, or -1 with
 * the reason in err when the value is invalid or name is not one of
 * the target's options. */
int cf_target_setting(cf_target_options *o, const char *name,
                      const char *value, char *err, size_t errlen);

/* A description of the backends and their options, for --help. */
extern const char cf_target_help[];

/* The built-in reference backend: fills t, or returns -1 with a reason
 * in err. spec is the text given to cf_target_open; its services
 * authenticate with run's principals and enable their test controls as
 * run says. */
int cf_builtin_open_run(cf_target *t, const char *spec,
                        const cf_target_run *run, char *err,
                        size_t errlen);

/* The built-in backend as conform runs it by default: its services and
 * t->env sign with the principals of CF_DEFAULT_CREDENTIALS (none when
 * that file is absent) at the fixed clock, with test controls on. Fills
 * t, or returns -1 with a reason in err (also: the file is malformed). */
int cf_builtin_open(cf_target *t, const char *spec, char *err,
                    size_t errlen);

/* The HTTP backend (target_http.c): spec is an http:// or https://
 * URL. Fills t, or returns -1 with a reason in err. */
int cf_http_open(cf_target *t, const char *spec,
                 const cf_target_options *o, char *err, size_t errlen);

#endif
