/*
 * service.c: the public entry points, and the router that maps a method
 * and a raw path to an operation.
 *
 * Precedence begins here: an unknown path or method is 405 before
 * anything else is looked at; then who sent the request and whether
 * they may use the store (403); then throttling (429); then the URI
 * labels (400); the operation checks the rest. The test controls, when
 * enabled, have a path of their own, are authenticated like any request
 * and are never throttled.
 */
#include "call.h"

#include "auth.h"
#include "never.h"
#include "text.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct mrsu_service {
  mrsu_config config;
  st_db *db;
  controls ctl;
  pthread_mutex_t lock;
};

typedef int (*op_fn)(call *c);

/* One operation: its method, the literal of its last path segment, and
 * whether its path carries an upload id. */
typedef struct route {
  const char *method;
  const char *tail;
  int has_upload;
  op_fn run;
} route;

static const route routes[] = {
  {"POST", "upload", 0, op_create},
  {"POST", "uploads", 0, op_list_uploads},
  {"PUT", "part", 1, op_upload_part},
  {"POST", "parts", 1, op_list_parts},
  {"POST", "complete", 1, op_complete},
  {"DELETE", "abort", 1, op_abort},
};

#define MAX_SEGMENTS 5
#define MAX_DEADLINE_MS 86400000LL

/* A path split on '/': the spans between slashes. */
typedef struct segments {
  const char *at[MAX_SEGMENTS];
  size_t len[MAX_SEGMENTS];
  size_t count;
} segments;

static const char *const default_stores[] = {MRSU_DEFAULT_STORE};

void mrsu_config_default(mrsu_config *config)
{
  memset(config, 0, sizeof *config);
  config->stores = default_stores;
  config->store_count = 1;
  config->first_upload_id = 1000000001ULL;
  config->first_read_set_id = 2000000001ULL;
  config->fixed_time = -1;
  config->max_json_body = MRSU_MAX_JSON_BODY;
  config->max_part_size = MRSU_MAX_PART_SIZE;
  config->region = MRSU_DEFAULT_REGION;
  config->clock_skew = MRSU_DEFAULT_CLOCK_SKEW;
  config->quota_open_uploads = MRSU_DEFAULT_OPEN_UPLOADS;
  config->quota_read_sets = MRSU_DEFAULT_READ_SETS;
  config->quota_parts = MRSU_DEFAULT_PARTS;
  config->quota_bytes = MRSU_DEFAULT_UPLOAD_BYTES;
  config->throttle_burst = MRSU_DEFAULT_THROTTLE_BURST;
  config->complete_deadline_ms = MRSU_DEFAULT_COMPLETE_DEADLINE_MS;
}

/* 1 when every principal has its key id and secret, else 0. */
static int principals_valid(const mrsu_config *config)
{
  const mrsu_principal *p = config->principals;

  for (size_t i = 0; i < config->principal_count; i++)
    if (!p[i].access_key_id || !p[i].secret_access_key ||
        (p[i].store_count && !p[i].stores))
      return 0;
  return 1;
}

/* 1 when config can start a service, else 0. */
static int config_valid(const mrsu_config *config)
{
  if (config->store_count == 0 || !config->region || !*config->region ||
      config->clock_skew < 0 ||
      limits_rate_milli(config->throttle_rate) < 0 ||
      config->throttle_burst < 1 ||
      config->throttle_burst > LIMITS_MAX_BURST ||
      config->complete_deadline_ms < 1 ||
      config->complete_deadline_ms > MAX_DEADLINE_MS ||
      !principals_valid(config))
    return 0;
  for (size_t i = 0; i < config->store_count; i++)
    if (!text_is_id(config->stores[i]))
      return 0;
  return 1;
}

mrsu_service *mrsu_service_new(const mrsu_config *config)
{
  mrsu_service *s;

  if (!config_valid(config))
    return NULL;
  s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->config = *config;
  s->db = st_db_new(config->stores, config->store_count,
                    config->first_upload_id, config->first_read_set_id);
  if (!s->db || controls_init(&s->ctl, config, config->principal_count) ||
      NEVER(pthread_mutex_init(&s->lock, NULL) != 0)) {
    controls_free(&s->ctl);
    st_db_free(s->db);
    free(s);
    return NULL;
  }
  s->config.stores = NULL;
  return s;
}

void mrsu_service_free(mrsu_service *service)
{
  if (!service)
    return;
  st_db_free(service->db);
  controls_free(&service->ctl);
  pthread_mutex_destroy(&service->lock);
  free(service);
}

/* Appends to db, the dump of the database, the limits in force and the
 * level of each throttling bucket. Returns the whole text (the caller
 * frees), or NULL when memory ran out. */
static char *dump_controls(const controls *ctl, const char *db)
{
  const limits *l = &ctl->now;
  size_t room = strlen(db) + 512 + ctl->bucket_count * 96, n;
  char *text = malloc(room);

  if (!text)
    return NULL;
  n = (size_t)snprintf(text, room, "%slimits open uploads %" PRIu64
                       " read sets %" PRIu64 " parts %" PRIu64 " bytes %"
                       PRIu64 "\nlimits rate %" PRId64 " burst %" PRId64
                       " deadline %" PRId64 " delay %" PRId64 " faults %"
                       PRIu64 " %" PRIu64 "\n", db, l->open_uploads,
                       l->read_sets, l->parts, l->bytes, l->rate_milli,
                       l->burst, l->deadline_ms, l->delay_ms,
                       l->faults[FAULT_PART], l->faults[FAULT_COMPLETE]);
  for (size_t i = 0; i < ctl->bucket_count; i++)
    n += (size_t)snprintf(text + n, room - n, "bucket %zu tokens %" PRId64
                          " seen %" PRId64 "\n", i,
                          ctl->buckets[i].tokens, ctl->buckets[i].seen);
  return text;
}

char *mrsu_service_dump(mrsu_service *service)
{
  char *db, *text = NULL;

  pthread_mutex_lock(&service->lock);
  db = st_db_dump(service->db);
  if (db)
    text = dump_controls(&service->ctl, db);
  pthread_mutex_unlock(&service->lock);
  free(db);
  return text;
}

void mrsu_response_free(mrsu_response *response)
{
  if (!response->body_is_static)
    free(response->body);
  memset(response, 0, sizeof *response);
}

const char *mrsu_response_header(const mrsu_response *response,
                                 const char *name)
{
  for (size_t i = 0; i < response->header_count; i++)
    if (!strcasecmp(response->headers[i].name, name))
      return response->headers[i].value;
  return NULL;
}

/* Splits path after its leading '/'. Returns 0, or -1 when the path
 * does not start with '/' or has more segments than any route. */
static int split_path(const char *path, segments *seg)
{
  const char *p = path + 1, *slash;

  seg->count = 0;
  if (path[0] != '/')
    return -1;
  for (;;) {
    if (seg->count == MAX_SEGMENTS)
      return -1;
    slash = strchr(p, '/');
    seg->at[seg->count] = p;
    seg->len[seg->count] = slash ? (size_t)(slash - p) : strlen(p);
    seg->count++;
    if (!slash)
      return 0;
    p = slash + 1;
  }
}

static int segment_is(const segments *seg, size_t i, const char *word)
{
  return seg->len[i] == strlen(word) &&
         !memcmp(seg->at[i], word, seg->len[i]);
}

/* The route whose path shape matches, or NULL. */
static const route *match_shape(const segments *seg)
{
  if ((seg->count != 3 && seg->count != 5) ||
      !segment_is(seg, 0, "sequencestore"))
    return NULL;
  if (seg->count == 5 && !segment_is(seg, 2, "upload"))
    return NULL;
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (routes[i].has_upload == (seg->count == 5) &&
        segment_is(seg, seg->count - 1, routes[i].tail))
      return &routes[i];
  return NULL;
}

/* Decodes and checks one URI label. Returns the decoded label (the
 * caller frees), or NULL with *failed 0 after answering 400, or -1 when
 * memory ran out. */
static char *check_label(call *c, const char *name, const char *raw,
                         size_t len, int *failed)
{
  int oom = 0;
  char *label = text_percent_decode(raw, len, &oom);
  size_t n;

  *failed = 0;
  if (!label) {
    *failed = oom ? -1 : reply_error(c, ERR_VALIDATION, "%s: is not "
                                     "valid percent-encoded UTF-8", name);
    return NULL;
  }
  n = text_code_points(label);
  if (n < TEXT_ID_MIN || n > TEXT_ID_MAX)
    *failed = reply_error(c, ERR_VALIDATION, "%s: must be %d to %d "
                          "characters long, not %zu", name, TEXT_ID_MIN,
                          TEXT_ID_MAX, n);
  else if (!text_is_id(label))
    *failed = reply_error(c, ERR_VALIDATION, "%s: must contain only the "
                          "digits 0-9", name);
  else
    return label;
  free(label);
  return NULL;
}

/* Checks who sent the request and, when store is not NULL, that they
 * may use the store whose raw label is the len bytes at store; sets
 * c->principal. Returns 0 when the request may go on, 1 after
 * answering 403, -1 when memory ran out. */
static int authenticate(call *c, int unsigned_ok, const char *store,
                        size_t len)
{
  static const err_kind kinds[] = {
    ERR_INTERNAL, ERR_AUTH_MISSING, ERR_AUTH_INCOMPLETE,
    ERR_AUTH_UNKNOWN_KEY, ERR_AUTH_MISMATCH,
  };
  const mrsu_config *cf = c->config;
  auth_scope scope = {cf->principals, cf->principal_count, cf->region,
                      MRSU_SERVICE_NAME, c->now, cf->clock_skew,
                      unsigned_ok};
  char why[300];
  auth_fault fault;
  int allowed = 1;

  c->principal = cf->principal_count;
  if (cf->principal_count == 0)
    return 0;
  fault = auth_verify(c->request, &scope, &c->principal, why, sizeof why);
  if (fault == AUTH_NO_MEMORY)
    return -1;
  if (fault != AUTH_OK)
    return reply_error(c, kinds[fault], "%s", why) < 0 ? -1 : 1;
  if (store)
    allowed = auth_allows_store(&cf->principals[c->principal], store,
                                len);
  if (allowed < 0)
    return -1;
  if (allowed)
    return 0;
  return reply_error(c, ERR_ACCESS, "the principal may not use this "
                     "sequence store") < 0 ? -1 : 1;
}

/* Spends a token of the principal's bucket. Returns 0 when the request
 * may go on, 1 after answering 429, -1 when memory ran out. */
static int throttle(call *c)
{
  controls *ctl = c->ctl;
  const limits *l = &ctl->now;

  c->taken = &ctl->buckets[c->principal];
  c->taken_was = *c->taken;
  if (bucket_take(c->taken, l, controls_clock(ctl)))
    return 0;
  return reply_error(c, ERR_THROTTLING, "this principal may send "
                     "%lld.%03lld requests a second, %lld at once; retry "
                     "later",
                     (long long)(l->rate_milli / 1000),
                     (long long)(l->rate_milli % 1000),
                     (long long)l->burst) < 0 ? -1 : 1;
}

/* Answers a request to the test controls. Returns 0 or -1 (memory). */
static int control(call *c)
{
  const char *m = c->request->method;
  int rc;

  if (strcmp(m, "POST") && strcmp(m, "DELETE"))
    return reply_error(c, ERR_NOT_SUPPORTED, "%s accepts only the methods "
                       "POST and DELETE", MRSU_CONTROL_PATH);
  rc = authenticate(c, 0, NULL, 0);
  if (rc)
    return rc < 0 ? -1 : 0;
  return op_control(c);
}

/* 1 when the request names the test controls and they are enabled. */
static int is_control(const call *c)
{
  return c->config->test_controls && c->request->method &&
         c->request->path && !strcmp(c->request->path, MRSU_CONTROL_PATH);
}

/* Routes the call and runs the operation. Returns 0 or -1 (memory). */
static int dispatch(call *c)
{
  segments seg;
  const route *r = NULL;
  char *store = NULL, *upload = NULL;
  int rc = 0;

  if (is_control(c))
    return control(c);
  if (c->request->method && c->request->path &&
      split_path(c->request->path, &seg) == 0)
    r = match_shape(&seg);
  if (!r)
    return reply_error(c, ERR_NOT_SUPPORTED, "no operation is defined "
                       "for this path");
  if (strcmp(c->request->method, r->method))
    return reply_error(c, ERR_NOT_SUPPORTED, "this operation's path "
                       "accepts only the method %s", r->method);
  rc = authenticate(c, r->run == op_upload_part, seg.at[1], seg.len[1]);
  if (rc == 0)
    rc = throttle(c);
  if (rc)
    return rc < 0 ? -1 : 0;
  store = check_label(c, "sequenceStoreId", seg.at[1], seg.len[1], &rc);
  if (!store)
    goto out;
  if (r->has_upload) {
    upload = check_label(c, "uploadId", seg.at[3], seg.len[3], &rc);
    if (!upload)
      goto out;
  }
  c->store_id = store;
  c->upload_id = upload;
  rc = r->run(c);
out:
  free(store);
  free(upload);
  return rc;
}

int mrsu_handle(mrsu_service *service, const mrsu_request *request,
                mrsu_response *response)
{
  call c;
  limits was;
  int rc;

  memset(response, 0, sizeof *response);
  memset(&c, 0, sizeof c);
  c.request = request;
  c.response = response;
  c.db = service->db;
  c.config = &service->config;
  c.ctl = &service->ctl;
  pthread_mutex_lock(&service->lock);
  c.now = service->config.fixed_time >= 0 ? service->config.fixed_time
                                          : (int64_t)time(NULL);
  c.started = controls_clock(&service->ctl);
  was = service->ctl.now;
  rc = dispatch(&c);
  /* Running out of memory changes nothing: not the token throttling
   * spent, nor a fault spent on the way. */
  if (rc < 0) {
    service->ctl.now = was;
    if (c.taken)
      *c.taken = c.taken_was;
  }
  pthread_mutex_unlock(&service->lock);
  if (rc < 0)
    reply_no_memory(response);
  return rc < 0 ? -1 : 0;
}
