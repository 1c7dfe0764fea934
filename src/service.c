/*
 * service.c: the public entry points, and the router that maps a method
 * and a raw path to an operation.
 *
 * Precedence begins here: an unknown path or method is 405 before
 * anything else is looked at; then the URI labels are checked (400);
 * the operation checks the rest.
 */
#include "call.h"

#include "never.h"
#include "text.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct mrsu_service {
  mrsu_config config;
  st_db *db;
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
}

mrsu_service *mrsu_service_new(const mrsu_config *config)
{
  mrsu_service *s;

  if (config->store_count == 0)
    return NULL;
  for (size_t i = 0; i < config->store_count; i++)
    if (!text_is_id(config->stores[i]))
      return NULL;
  s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->config = *config;
  s->db = st_db_new(config->stores, config->store_count,
                    config->first_upload_id, config->first_read_set_id);
  if (!s->db || NEVER(pthread_mutex_init(&s->lock, NULL) != 0)) {
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
  pthread_mutex_destroy(&service->lock);
  free(service);
}

char *mrsu_service_dump(mrsu_service *service)
{
  char *text;

  pthread_mutex_lock(&service->lock);
  text = st_db_dump(service->db);
  pthread_mutex_unlock(&service->lock);
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

/* Routes the call and runs the operation. Returns 0 or -1 (memory). */
static int dispatch(call *c)
{
  segments seg;
  const route *r = NULL;
  char *store = NULL, *upload = NULL;
  int rc = 0;

  if (c->request->method && c->request->path &&
      split_path(c->request->path, &seg) == 0)
    r = match_shape(&seg);
  if (!r)
    return reply_error(c, ERR_NOT_SUPPORTED, "no operation is defined "
                       "for this path");
  if (strcmp(c->request->method, r->method))
    return reply_error(c, ERR_NOT_SUPPORTED, "this operation's path "
                       "accepts only the method %s", r->method);
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
  int rc;

  memset(response, 0, sizeof *response);
  memset(&c, 0, sizeof c);
  c.request = request;
  c.response = response;
  c.db = service->db;
  c.config = &service->config;
  pthread_mutex_lock(&service->lock);
  c.now = service->config.fixed_time >= 0 ? service->config.fixed_time
                                          : (int64_t)time(NULL);
  rc = dispatch(&c);
  pthread_mutex_unlock(&service->lock);
  if (rc < 0)
    reply_no_memory(response);
  return rc < 0 ? -1 : 0;
}
