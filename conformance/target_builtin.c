/*
 * target_builtin.c: the reference core, called in process.
 *
 * Every case gets a fresh service built from the default configuration
 * with a fixed clock, so cases are isolated from one another and every
 * run answers byte for byte the same. The service authenticates with
 * the principals of the run's credentials and has its test controls on
 * (SPEC.md section 16), unless the run says otherwise. Requests and
 * responses are copied between the runner's types and the core's.
 */
#include "target.h"

#include "mrsu.h"
#include "run.h"
#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 2026-01-01T00:00:00Z: the clock of every built-in service. */
#define BUILTIN_TIME 1767225600

/* The Host header of requests to the built-in target. */
#define BUILTIN_HOST "builtin.invalid"

typedef struct builtin {
  mrsu_service *service;        /* the current case's, or NULL */
  cf_target_run run;            /* how services are configured */
  mrsu_credentials creds;       /* cf_builtin_open's own, or none */
  cf_signer signer;             /* cf_builtin_open's run: */
  cf_run_env env;               /* see there */
} builtin;

/* Starts a fresh service for the next case. */
static int builtin_begin(cf_target *t, char *err, size_t errlen)
{
  builtin *b = t->impl;
  mrsu_config config;

  mrsu_config_default(&config);
  config.fixed_time = BUILTIN_TIME;
  config.principals = b->run.principals;
  config.principal_count = b->run.principal_count;
  if (b->run.region)
    config.region = b->run.region;
  config.test_controls = b->run.controls;
  mrsu_service_free(b->service);
  b->service = mrsu_service_new(&config);
  if (!b->service) {
    snprintf(err, errlen, "builtin: cannot start a service");
    return -1;
  }
  return 0;
}

/* Copies the core's response headers into rs. Returns 0 or -1. */
static int copy_headers(const mrsu_response *in, cf_response *rs)
{
  if (in->header_count == 0)
    return 0;
  rs->headers = calloc(in->header_count, sizeof *rs->headers);
  if (!rs->headers)
    return -1;
  for (size_t i = 0; i < in->header_count; i++) {
    rs->headers[i].name = strdup(in->headers[i].name);
    rs->headers[i].value = strdup(in->headers[i].value);
    rs->header_count++;
    if (!rs->headers[i].name || !rs->headers[i].value)
      return -1;
  }
  return 0;
}

/* Copies status, headers and body. Returns 0, or -1 (out of memory). */
static int copy_response(const mrsu_response *in, cf_response *rs)
{
  rs->status = in->status;
  if (copy_headers(in, rs) < 0)
    return -1;
  if (in->body_len == 0)
    return 0;
  rs->body = malloc(in->body_len);
  if (!rs->body)
    return -1;
  memcpy(rs->body, in->body, in->body_len);
  rs->body_len = in->body_len;
  return 0;
}

/* Fills the core's request from rq; members the runner does not know
 * stay zero. The header array is new (the caller frees *headers), the
 * strings are shared. Returns 0 or -1. */
static int core_request(const cf_request *rq, mrsu_request *in,
                        mrsu_header **headers)
{
  memset(in, 0, sizeof *in);
  *headers = NULL;
  if (rq->header_count) {
    *headers = calloc(rq->header_count, sizeof **headers);
    if (!*headers)
      return -1;
  }
  for (size_t i = 0; i < rq->header_count; i++) {
    (*headers)[i].name = rq->headers[i].name;
    (*headers)[i].value = rq->headers[i].value;
  }
  in->method = rq->method;
  in->path = rq->path;
  in->query = rq->query;
  in->headers = *headers;
  in->header_count = rq->header_count;
  in->body = rq->body;
  in->body_len = rq->body_len;
  return 0;
}

/* Hands the request to the core. A core that ran out of memory, or a
 * copy that could not be made, is a transport error. */
static int builtin_exchange(cf_target *t, const cf_request *rq,
                            cf_response *rs, char *err, size_t errlen)
{
  builtin *b = t->impl;
  mrsu_request in;
  mrsu_response out;
  mrsu_header *headers = NULL;
  int rc = -1;

  memset(&out, 0, sizeof out);
  if (core_request(rq, &in, &headers) < 0) {
    snprintf(err, errlen, "builtin: out of memory");
    goto out;
  }
  if (!b->service || mrsu_handle(b->service, &in, &out) < 0) {
    snprintf(err, errlen, "builtin: out of memory in the service");
    goto out;
  }
  if (copy_response(&out, rs) < 0) {
    snprintf(err, errlen, "builtin: out of memory copying the response");
    goto out;
  }
  rc = 0;

out:
  free(headers);
  mrsu_response_free(&out);
  return rc;
}

/* Drops the service of the case that ended. */
static void builtin_end(cf_target *t)
{
  builtin *b = t->impl;

  mrsu_service_free(b->service);
  b->service = NULL;
}

/* Frees the backend state. */
static void builtin_close(cf_target *t)
{
  builtin *b = t->impl;

  if (!b)
    return;
  builtin_end(t);
  mrsu_credentials_free(&b->creds);
  free(b);
  t->impl = NULL;
}

/* Sets the three variables every target supplies. */
static int builtin_vars(cf_target *t)
{
  mrsu_config config;

  mrsu_config_default(&config);
  if (config.store_count == 0)
    return -1;
  if (vars_set(&t->vars, "store", config.stores[0]) < 0 ||
      vars_set(&t->vars, "missingStore", "9999999999") < 0 ||
      vars_set(&t->vars, "missingUpload", "8888888888") < 0)
    return -1;
  return 0;
}

int cf_builtin_open_run(cf_target *t, const char *spec,
                        const cf_target_run *run, char *err,
                        size_t errlen)
{
  if (strcmp(spec, "builtin") != 0) {
    snprintf(err, errlen, "target builtin takes no address");
    return -1;
  }
  t->name = "builtin";
  t->begin_case = builtin_begin;
  t->exchange = builtin_exchange;
  t->end_case = builtin_end;
  t->close = builtin_close;
  t->host = BUILTIN_HOST;
  t->path_prefix = "";
  t->clock = BUILTIN_TIME;
  t->controls = run->controls;
  t->isolated = 1;
  t->impl = calloc(1, sizeof(builtin));
  t->description = strdup("builtin");
  if (!t->impl || !t->description || builtin_vars(t) < 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  ((builtin *)t->impl)->run = *run;
  return 0;
}

int cf_builtin_open(cf_target *t, const char *spec, char *err,
                    size_t errlen)
{
  static const char no_file[] = "the run is not signed: no credentials "
                                "file (" CF_DEFAULT_CREDENTIALS
                                " is absent)";
  cf_target_run run = {NULL, 0, CF_SIGN_REGION, 1};
  builtin *b;

  if (cf_builtin_open_run(t, spec, &run, err, errlen) < 0)
    return -1;
  b = t->impl;
  if (access(CF_DEFAULT_CREDENTIALS, F_OK) == 0 &&
      mrsu_credentials_load(CF_DEFAULT_CREDENTIALS, &b->creds, err,
                            errlen) < 0)
    return -1;
  b->run.principals = b->creds.principals;
  b->run.principal_count = b->creds.count;
  b->signer = (cf_signer){b->creds.principals, b->creds.count,
                          CF_SIGN_REGION, BUILTIN_TIME};
  b->env = (cf_run_env){&b->signer, no_file, 1};
  t->env = &b->env;
  return 0;
}
