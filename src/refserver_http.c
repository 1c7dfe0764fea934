/*
 * refserver_http.c: the libmicrohttpd daemon and its callbacks.
 *
 * A request begins when libmicrohttpd has its request line (the raw URI
 * is kept there, before libmicrohttpd decodes it), goes through the
 * access handler once for its headers, once per piece of body and once
 * at the end, and ends in the completion callback, which logs it. The
 * core sees the raw path and query, every header, and the body.
 *
 * Each connection is tracked from its accept to its close
 * (refserver_conn.c). libmicrohttpd 0.9.75 can drop a connection
 * without calling the completion callback (when it fails to queue one of
 * its own error answers, say); the request that connection still
 * carries is then ended when the connection closes, so that every
 * request is logged, freed and counted out exactly once.
 */
#include "refserver.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ID_MODULO 1000000000000ULL
#define LINGER_SECONDS 2u
#define LOG_FIELD_MAX 200
#define LOG_FIELD_ROOM (LOG_FIELD_MAX + 4)
#define BUSY_MESSAGE "too many bodies in flight"
#define BUSY_NOTE "the bodies held are over --max-buffered-bytes"

/* The request headers being copied out of libmicrohttpd. */
typedef struct header_list {
  mrsu_header *at;
  size_t count;
} header_list;

/* How many request headers have a given name. */
typedef struct header_count {
  const char *name;
  int count;
} header_count;

static void end_request(rs_server *srv, struct MHD_Connection *conn,
                        rs_request *rq,
                        enum MHD_RequestTerminationCode why);

/* Writes the next request id into out (13 bytes). */
static void next_id(rs_server *srv, char out[13])
{
  uint_fast64_t n = atomic_fetch_add(&srv->next_request, 1);

  snprintf(out, 13, "%012" PRIuFAST64, (uint_fast64_t)(n % ID_MODULO));
}

/* Answers a request that has no state (memory ran out at its start)
 * with a bodiless 500. It is not logged. */
static enum MHD_Result answer_stateless(rs_server *srv,
                                        struct MHD_Connection *conn)
{
  static char empty[] = "";
  struct MHD_Response *r;
  enum MHD_Result rc;
  char id[13];

  next_id(srv, id);
  r = MHD_create_response_from_buffer(0, empty, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  if (MHD_add_response_header(r, "x-amzn-RequestId", id) != MHD_YES ||
      MHD_add_response_header(r, "X-Amzn-ErrorType",
                              "InternalServerException") != MHD_YES)
    rc = MHD_NO;
  else
    rc = MHD_queue_response(conn, 500, r);
  MHD_destroy_response(r);
  return rc;
}

/* The error type of a status the server answers itself. */
static const char *error_type(int status)
{
  if (status == 400)
    return "ValidationException";
  if (status == 429)
    return "ThrottlingException";
  return "InternalServerException";
}

/* Answers with a server error through libmicrohttpd. */
static enum MHD_Result answer_error(struct MHD_Connection *conn,
                                    rs_request *rq, int status,
                                    const char *message)
{
  mrsu_response res;
  enum MHD_Result rc;

  memset(&res, 0, sizeof res);
  rs_reply_error(&res, status, error_type(status), "%s", message);
  rc = rs_reply_queue(conn, rq, &res);
  mrsu_response_free(&res);
  return rc;
}

/* Adds one request header to the list (cls). */
static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind,
                                  const char *name, const char *value)
{
  header_list *list = cls;

  (void)kind;
  list->at[list->count].name = name;
  list->at[list->count].value = value ? value : "";
  list->count++;
  return MHD_YES;
}

/* Fills req from the request's state and headers; the caller frees
 * req->headers. A body over the limit is not passed: the core answers
 * from body_len alone. Returns 0, or -1 when memory ran out. */
static int build_request(struct MHD_Connection *conn, rs_request *rq,
                         const char *checksum, mrsu_request *req)
{
  int n = MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL, NULL);
  header_list list = {NULL, 0};

  memset(req, 0, sizeof *req);
  list.at = calloc(n > 0 ? (size_t)n : 1, sizeof *list.at);
  if (!list.at)
    return -1;
  MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, &list);
  req->method = rq->method;
  req->path = rq->path;
  req->query = rq->query;
  req->headers = list.at;
  req->header_count = list.count;
  req->context = rq;
  req->body_len = rq->received;
  if (rq->intake == RS_BUFFER && rq->received <= rq->limit)
    req->body = rq->buf;
  if (rq->intake == RS_STREAM)
    req->body_checksum = checksum;
  return 0;
}

/* Applies an Abort the core answered to the data directory: removes
 * the aborted upload's directory. (Parts and read sets are kept by the
 * core's storage hooks, before it answers.) */
static void apply_to_files(const rs_server *srv, rs_request *rq,
                           const mrsu_response *res)
{
  if (res->status == 200 && !strcmp(rq->method, "DELETE") &&
      strcmp(rq->path, MRSU_CONTROL_PATH) &&
      rs_files_drop_upload(srv, rq))
    rq->note = "the aborted upload's parts could not be removed";
}

/* Runs the request through the core and applies the answer to the
 * data directory. Fills *res (the caller frees) with the answer. */
static void run_core(rs_server *srv, struct MHD_Connection *conn,
                     rs_request *rq, mrsu_response *res)
{
  char checksum[CHECKSUM_LEN + 1] = "";
  mrsu_request req;

  memset(res, 0, sizeof *res);
  memset(&req, 0, sizeof req);
  if ((rq->intake == RS_STREAM && rs_body_finish(rq, checksum)) ||
      build_request(conn, rq, checksum, &req)) {
    rs_reply_error(res, 500, "InternalServerException", "out of memory");
  } else if (rq->store_error && rq->received <= rq->limit) {
    rs_reply_error(res, 500, "InternalServerException", "the part could "
                   "not be written: %s", strerror(rq->store_error));
  } else {
    pthread_mutex_lock(&srv->lock);
    mrsu_handle(srv->service, &req, res);
    apply_to_files(srv, rq, res);
    pthread_mutex_unlock(&srv->lock);
  }
  free((void *)req.headers);
}

/* Milliseconds since *since on the monotonic clock. */
static double elapsed_ms(const struct timespec *since)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - since->tv_sec) * 1e3 +
         (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* Counts one request header if it has the name sought (cls). */
static enum MHD_Result count_one(void *cls, enum MHD_ValueKind kind,
                                 const char *name, const char *value)
{
  header_count *hc = cls;

  (void)kind;
  (void)value;
  hc->count += !strcasecmp(name, hc->name);
  return MHD_YES;
}

/* The number of request headers named name. */
static int count_headers(struct MHD_Connection *conn, const char *name)
{
  header_count hc = {name, 0};

  MHD_get_connection_values(conn, MHD_HEADER_KIND, count_one, &hc);
  return hc.count;
}

/* What is wrong with the framing of the body, or NULL. */
static const char *framing_fault(struct MHD_Connection *conn)
{
  int lengths = count_headers(conn, "Content-Length");
  int codings = count_headers(conn, "Transfer-Encoding");
  const char *coding = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                   "Transfer-Encoding");

  if (lengths > 1)
    return "Content-Length: must appear at most once";
  if (lengths && codings)
    return "Content-Length and Transfer-Encoding must not both be sent";
  if (codings > 1 || (coding && strcasecmp(coding, "chunked")))
    return "Transfer-Encoding: only chunked is supported";
  return NULL;
}

/* The body size the client announced, or 0 when it announced none. */
static size_t announced_length(struct MHD_Connection *conn)
{
  const char *v = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                              "Content-Length");
  unsigned long long n;
  char *end;

  if (!v || *v < '0' || *v > '9')
    return 0;
  n = strtoull(v, &end, 10);
  return *end || n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

/* Answers a request whose announced body is over its limit from the
 * size alone, before the body. */
static enum MHD_Result refuse_body(rs_server *srv,
                                   struct MHD_Connection *conn,
                                   rs_request *rq, size_t announced)
{
  mrsu_response res;
  enum MHD_Result rc;

  rq->received = announced;
  rq->note = "the announced body is over the limit";
  run_core(srv, conn, rq, &res);
  rc = rs_reply_queue(conn, rq, &res);
  mrsu_response_free(&res);
  return rc;
}

/* The handler's first call: the headers are in. Refuses a malformed
 * header section or framing (closing the connection, whose next request
 * could not be told from this one's body), an announced body over the
 * limit, or one the budget for bodies held in memory cannot hold, at
 * once; otherwise holds the announced body's room and waits for it. */
static enum MHD_Result start(rs_server *srv, struct MHD_Connection *conn,
                             rs_request *rq, const char *method,
                             const char *version)
{
  const char *fault = rs_wire_fault(conn, rq, method, version);
  size_t announced;

  if (rq->conn)
    rs_conns_headers_in(srv, rq->conn);
  rq->method = strdup(method);
  if (!rq->method)
    return answer_error(conn, rq, 500, "out of memory");
  if (!fault)
    fault = framing_fault(conn);
  if (fault) {
    rq->must_close = 1;
    rq->note = fault;
    return answer_error(conn, rq, 400, fault);
  }
  rs_body_begin(srv, rq);
  announced = announced_length(conn);
  if (announced > rq->limit)
    return refuse_body(srv, conn, rq, announced);
  if (rq->intake == RS_BUFFER && rs_body_reserve(srv, rq, announced)) {
    rq->must_close = 1;
    rq->note = BUSY_NOTE;
    return answer_error(conn, rq, 429, BUSY_MESSAGE);
  }
  return MHD_YES;
}

/* A piece of body. When the body passes its limit, the core answers
 * from its size at once; when it passes the budget for buffered bodies
 * or memory runs out, the server answers; the rest of the body is then
 * dropped. */
static enum MHD_Result take(rs_server *srv, struct MHD_Connection *conn,
                            rs_request *rq, const char *data, size_t *size)
{
  int got = rs_body_take(srv, rq, data, *size), rc;
  mrsu_response res;

  *size = 0;
  if (got == 0)
    return MHD_YES;
  memset(&res, 0, sizeof res);
  if (got < 0)
    rs_reply_error(&res, 500, "InternalServerException", "out of memory");
  else if (got == 2)
    rs_reply_error(&res, 429, "ThrottlingException", BUSY_MESSAGE);
  else
    run_core(srv, conn, rq, &res);
  rc = rs_reply_raw(conn, rq, &res);
  mrsu_response_free(&res);
  if (rc < 0) {
    rq->note = "the answer could not be sent";
    return MHD_NO;
  }
  rq->note = got == 2 ? BUSY_NOTE : "answered before the body ended";
  rq->closing = 1;
  clock_gettime(CLOCK_MONOTONIC, &rq->closed_at);
  MHD_set_connection_option(conn, MHD_CONNECTION_OPTION_TIMEOUT,
                            LINGER_SECONDS);
  return MHD_YES;
}

/* After an early answer: drops what the client still sends for a short
 * while, so that it can read the answer, then closes. */
static enum MHD_Result linger(rs_request *rq, size_t *size)
{
  int more = *size > 0 &&
             elapsed_ms(&rq->closed_at) < LINGER_SECONDS * 1000.0;

  *size = 0;
  return more ? MHD_YES : MHD_NO;
}

/* The handler's last call: the whole body is in. */
static enum MHD_Result finish(rs_server *srv, struct MHD_Connection *conn,
                              rs_request *rq)
{
  mrsu_response res;
  enum MHD_Result rc;

  run_core(srv, conn, rq, &res);
  rc = rs_reply_queue(conn, rq, &res);
  mrsu_response_free(&res);
  return rc;
}

/* The access handler: dispatches on where the request is. */
static enum MHD_Result handle(void *cls, struct MHD_Connection *conn,
                              const char *url, const char *method,
                              const char *version, const char *data,
                              size_t *size, void **ctx)
{
  rs_server *srv = cls;
  rs_request *rq = *ctx;

  (void)url;
  if (!rq)
    return answer_stateless(srv, conn);
  if (rq->closing)
    return linger(rq, size);
  if (!rq->method)
    return start(srv, conn, rq, method, version);
  if (*size)
    return take(srv, conn, rq, data, size);
  return finish(srv, conn, rq);
}

/* The length of the scheme and "://" that open an absolute-form target
 * (RFC 9112 section 3.2.2) of http or https, or 0. */
static size_t absolute_prefix(const char *uri)
{
  if (!strncasecmp(uri, "http://", 7))
    return 7;
  if (!strncasecmp(uri, "https://", 8))
    return 8;
  return 0;
}

/* Splits the kept URI into path and query. An absolute form is routed
 * by its path: its scheme and authority are skipped. */
static void split_uri(rs_request *rq)
{
  size_t skip = absolute_prefix(rq->uri);
  char *at = rq->uri, *query;

  if (skip)
    at += skip + strcspn(at + skip, "/?");
  query = strchr(at, '?');
  if (query) {
    *query = '\0';
    rq->query = query + 1;
  }
  rq->path = *at ? at : "/";
}

/* Ends the query that libmicrohttpd sees right after its '?'. uri lies
 * in libmicrohttpd's read buffer, which it parses in place: next it
 * would copy each query parameter into the connection's memory, and
 * when that ran out (some 500 parameters) it queued its 431 and lost
 * it, leaving the connection hanging without an answer. The core reads
 * the query from the request's own copy, so libmicrohttpd needs none. */
static void hide_query(const char *uri)
{
  char *mark = strchr(uri, '?');

  if (mark && mark[1])
    mark[1] = '\0';
}

/* The connection's entry in the list of connections, or NULL. */
static rs_conn *conn_of(struct MHD_Connection *conn)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

  return info ? info->socket_context : NULL;
}

/* Starts a request: keeps its raw URI, where it lies in libmicrohttpd's
 * buffer, gives it an id and ties it to its connection. Returns its
 * state, or NULL when memory ran out. */
static void *request_begin(void *cls, const char *uri,
                           struct MHD_Connection *conn)
{
  rs_server *srv = cls;
  rs_request *rq = calloc(1, sizeof *rq);

  if (!rq || !(rq->uri = strdup(uri ? uri : ""))) {
    free(rq);
    return NULL;
  }
  rq->fd = -1;
  rq->target_at = uri;
  rq->target_len = strlen(rq->uri);
  rq->target_bad = !rs_wire_is_target(rq->uri);
  if (uri)
    hide_query(uri);
  split_uri(rq);
  next_id(srv, rq->id);
  clock_gettime(CLOCK_MONOTONIC, &rq->start);
  atomic_fetch_add(&srv->in_flight, 1);
  rq->conn = conn_of(conn);
  if (rq->conn && rq->conn->rq)
    end_request(srv, NULL, rq->conn->rq, MHD_REQUEST_TERMINATED_WITH_ERROR);
  if (rq->conn)
    rq->conn->rq = rq;
  return rq;
}

/* Copies s into out (LOG_FIELD_ROOM bytes) for a log line, with bytes
 * that are not printable ASCII as %XX, cut after LOG_FIELD_MAX bytes
 * with "...". */
static void log_field(const char *s, char *out)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  unsigned char c;

  for (; *s && n + 3 <= LOG_FIELD_MAX; s++) {
    c = (unsigned char)*s;
    if (c > 0x20 && c < 0x7f) {
      out[n++] = (char)c;
      continue;
    }
    out[n++] = '%';
    out[n++] = hex[c >> 4];
    out[n++] = hex[c & 15];
  }
  if (*s) {
    memcpy(out + n, "...", 3);
    n += 3;
  }
  out[n] = '\0';
}

/* Why a request that was not completed ended. */
static const char *termination_text(enum MHD_RequestTerminationCode why)
{
  switch (why) {
  case MHD_REQUEST_TERMINATED_COMPLETED_OK:
    return NULL;
  case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED:
    return "the connection was idle too long";
  case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN:
    return "the server stopped";
  case MHD_REQUEST_TERMINATED_READ_ERROR:
  case MHD_REQUEST_TERMINATED_CLIENT_ABORT:
    return "the client closed the connection";
  default:
    return "the connection closed on an error";
  }
}

/* Why the request ended, for its log line, or NULL when it ended well. */
static const char *end_note(const rs_request *rq,
                            enum MHD_RequestTerminationCode why)
{
  if (rq->note)
    return rq->note;
  if (rq->conn && atomic_load(&rq->conn->cut))
    return "the header section took longer than --header-timeout";
  return termination_text(why);
}

/* Writes the request's status and body size, or "-" for what is not
 * known, into out. Returns the note libmicrohttpd's own answer needs.
 * conn is NULL when the connection is already closing. */
static const char *log_outcome(struct MHD_Connection *conn,
                               const rs_request *rq, char *out, size_t len)
{
  const union MHD_ConnectionInfo *info = NULL;

  if (rq->status) {
    snprintf(out, len, "%d %zuB", rq->status, rq->sent);
    return NULL;
  }
  if (conn)
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_HTTP_STATUS);
  if (info && info->http_status) {
    snprintf(out, len, "%u -", info->http_status);
    return "answered by libmicrohttpd";
  }
  snprintf(out, len, "- -");
  return NULL;
}

/* Writes the request's log line. */
static void log_request(const rs_server *srv, struct MHD_Connection *conn,
                        const rs_request *rq,
                        enum MHD_RequestTerminationCode why)
{
  char method[LOG_FIELD_ROOM], path[LOG_FIELD_ROOM], outcome[40];
  const char *note = log_outcome(conn, rq, outcome, sizeof outcome);

  if (srv->opt->quiet)
    return;
  if (!note)
    note = end_note(rq, why);
  log_field(rq->method ? rq->method : "-", method);
  log_field(rq->path, path);
  fprintf(stderr, "req=%s %s %s %s %.1fms%s%s\n", rq->id, method, path,
          outcome, elapsed_ms(&rq->start), note ? "; " : "",
          note ? note : "");
}

/* Ends a request: logs it, frees its state, unties it from its
 * connection and counts it out. conn is NULL when the connection is
 * closing without libmicrohttpd having ended the request. */
static void end_request(rs_server *srv, struct MHD_Connection *conn,
                        rs_request *rq,
                        enum MHD_RequestTerminationCode why)
{
  log_request(srv, conn, rq, why);
  if (rq->conn) {
    rq->conn->rq = NULL;
    if (conn)
      rs_conns_request_ended(srv, rq->conn);
  }
  rs_body_free(srv, rq);
  free(rq->method);
  free(rq->uri);
  free(rq);
  atomic_fetch_sub(&srv->in_flight, 1);
}

/* The completion callback of libmicrohttpd. */
static void request_end(void *cls, struct MHD_Connection *conn,
                        void **ctx, enum MHD_RequestTerminationCode why)
{
  rs_request *rq = *ctx;

  if (!rq)
    return;
  *ctx = NULL;
  end_request(cls, conn, rq, why);
}

/* Writes the address of the connection's client into out. */
static void peer_text(struct MHD_Connection *conn, char *out, size_t len)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = info ? info->client_addr : NULL;
  char host[INET6_ADDRSTRLEN] = "?";

  if (sa && sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, host,
              sizeof host);
  else if (sa && sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
              host, sizeof host);
  snprintf(out, len, "%s", host);
}

/* Adds a new connection to the list. Returns its entry, or NULL when
 * memory ran out (it then has no header deadline). */
static rs_conn *track(rs_server *srv, struct MHD_Connection *conn)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  char peer[INET6_ADDRSTRLEN + 1];

  if (!info)
    return NULL;
  peer_text(conn, peer, sizeof peer);
  return rs_conns_add(srv, info->connect_fd, peer);
}

/* The connection callback of libmicrohttpd: lists a connection when it
 * opens; when it closes, ends the request it still carries and takes it
 * off the list. */
static void connection_event(void *cls, struct MHD_Connection *conn,
                             void **socket_context,
                             enum MHD_ConnectionNotificationCode code)
{
  rs_server *srv = cls;
  rs_conn *c = *socket_context;

  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    *socket_context = track(srv, conn);
    return;
  }
  if (!c)
    return;
  if (c->rq) {
    if (!c->rq->note && !atomic_load(&c->cut))
      c->rq->note = "libmicrohttpd closed the connection without ending "
                    "the request";
    end_request(srv, NULL, c->rq, MHD_REQUEST_TERMINATED_WITH_ERROR);
  } else if (atomic_load(&c->cut) && !srv->opt->quiet) {
    fprintf(stderr, "refserver: connection from %s closed: no request "
            "line within --header-timeout (%u s)\n", c->peer,
            srv->opt->header_timeout);
  }
  rs_conns_remove(srv, c);
  *socket_context = NULL;
}

/* Passes libmicrohttpd's own messages on as log lines. The handler
 * refuses a request only to close a connection it has already answered
 * (and logged), so libmicrohttpd's report of that is left out. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  static const char refused[] = "Application reported internal error";
  const rs_server *srv = cls;
  char line[512];
  size_t n;

  if (srv->opt->quiet)
    return;
  vsnprintf(line, sizeof line, fmt, ap);
  if (!strncmp(line, refused, sizeof refused - 1))
    return;
  n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  fprintf(stderr, "refserver: libmicrohttpd: %s\n", line);
}

struct MHD_Daemon *rs_http_start(rs_server *srv)
{
  const rs_options *o = srv->opt;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
                   MHD_USE_ITC | MHD_USE_ERROR_LOG;
  union {
    struct sockaddr sa;
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
  } at;

  memset(&at, 0, sizeof at);
  if (inet_pton(AF_INET, o->address, &at.v4.sin_addr) == 1) {
    at.v4.sin_family = AF_INET;
    at.v4.sin_port = htons((uint16_t)o->port);
  } else {
    inet_pton(AF_INET6, o->address, &at.v6.sin6_addr);
    at.v6.sin6_family = AF_INET6;
    at.v6.sin6_port = htons((uint16_t)o->port);
    flags |= MHD_USE_IPv6;
  }
  return MHD_start_daemon(flags, (uint16_t)o->port, NULL, NULL, handle,
    srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
    MHD_OPTION_SOCK_ADDR, &at.sa,
    MHD_OPTION_THREAD_POOL_SIZE, o->threads,
    MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
    MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
    MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->per_ip_connections,
    MHD_OPTION_NOTIFY_CONNECTION, connection_event, srv,
    MHD_OPTION_CONNECTION_MEMORY_LIMIT, o->max_header_bytes,
    MHD_OPTION_URI_LOG_CALLBACK, request_begin, srv,
    MHD_OPTION_NOTIFY_COMPLETED, request_end, srv,
    MHD_OPTION_END);
}

unsigned rs_http_port(struct MHD_Daemon *daemon)
{
  const union MHD_DaemonInfo *info =
    MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);

  return info ? info->port : 0;
}
