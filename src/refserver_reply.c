/*
 * refserver_reply.c: sending answers.
 *
 * An answer is a mrsu_response, from the core or made here for a fault
 * of the server itself (500 InternalServerException). It normally goes
 * out through libmicrohttpd. libmicrohttpd cannot queue a response while
 * a body is still arriving, so a body that passes its limit is answered
 * by writing the response to the socket directly, with Connection:
 * close, and ending the sending side; the handler then drops the rest of
 * the body for a moment, so that the client can read the answer before
 * the connection closes.
 */
#include "refserver.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SEND_WAIT_MS 1000
#define RAW_HEAD_ROOM 512

/* Text being written into a fixed buffer. */
typedef struct head_buf {
  char *at;
  size_t room;
  size_t len;
  int full;                     /* something did not fit */
} head_buf;

void rs_reply_error(mrsu_response *res, int status, const char *type,
                    const char *fmt, ...)
{
  char message[300];
  cJSON *body = cJSON_CreateObject();
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  mrsu_response_free(res);
  res->status = status;
  res->error_type = type;
  res->headers[0].name = "Content-Type";
  res->headers[0].value = "application/json";
  res->headers[1].name = "X-Amzn-ErrorType";
  res->headers[1].value = type;
  res->header_count = 2;
  if (body && cJSON_AddStringToObject(body, "message", message))
    res->body = cJSON_PrintUnformatted(body);
  res->body_len = res->body ? strlen(res->body) : 0;
  cJSON_Delete(body);
}

/* A libmicrohttpd response holding res and the request id, and
 * Connection: close when the request must be the connection's last; or
 * NULL. */
static struct MHD_Response *make_response(const rs_request *rq,
                                          const mrsu_response *res)
{
  struct MHD_Response *r;
  int ok = 1;

  r = MHD_create_response_from_buffer(res->body_len,
                                      res->body ? res->body : "",
                                      MHD_RESPMEM_MUST_COPY);
  if (!r)
    return NULL;
  for (size_t i = 0; i < res->header_count; i++)
    ok &= MHD_add_response_header(r, res->headers[i].name,
                                  res->headers[i].value) == MHD_YES;
  ok &= MHD_add_response_header(r, "x-amzn-RequestId", rq->id) == MHD_YES;
  if (rq->must_close)
    ok &= MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION,
                                  "close") == MHD_YES;
  if (!ok) {
    MHD_destroy_response(r);
    return NULL;
  }
  return r;
}

enum MHD_Result rs_reply_queue(struct MHD_Connection *conn, rs_request *rq,
                               const mrsu_response *res)
{
  struct MHD_Response *r = make_response(rq, res);
  enum MHD_Result rc;

  if (!r)
    return MHD_NO;
  rc = MHD_queue_response(conn, (unsigned)res->status, r);
  MHD_destroy_response(r);
  if (rc == MHD_YES) {
    rq->status = res->status;
    rq->sent = res->body_len;
  }
  return rc;
}

/* Writes len bytes to the non-blocking socket fd, waiting a little when
 * it is full. Returns 0 or -1. */
static int send_all(int fd, const char *data, size_t len)
{
  struct pollfd p = {fd, POLLOUT, 0};
  ssize_t n;

  while (len > 0) {
    n = send(fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
        poll(&p, 1, SEND_WAIT_MS) > 0)
      continue;
    if (n < 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Appends text built like printf; marks the buffer full when it does
 * not fit. */
static void put(head_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;

  if (b->full)
    return;
  va_start(ap, fmt);
  n = vsnprintf(b->at + b->len, b->room - b->len, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= b->room - b->len)
    b->full = 1;
  else
    b->len += (size_t)n;
}

/* Formats the status line and headers of res into out, room bytes.
 * Returns the length, or 0 when they do not fit. */
static size_t format_head(const rs_request *rq, const mrsu_response *res,
                          char *out, size_t room)
{
  head_buf b = {out, room, 0, 0};
  time_t now = time(NULL);
  struct tm tm;
  char date[40] = "";

  if (gmtime_r(&now, &tm))
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  put(&b, "HTTP/1.1 %d %s\r\n", res->status,
      MHD_get_reason_phrase_for((unsigned)res->status));
  for (size_t i = 0; i < res->header_count; i++)
    put(&b, "%s: %s\r\n", res->headers[i].name, res->headers[i].value);
  put(&b, "x-amzn-RequestId: %s\r\nContent-Length: %zu\r\n"
      "Connection: close\r\n", rq->id, res->body_len);
  if (date[0])
    put(&b, "Date: %s\r\n", date);
  put(&b, "\r\n");
  return b.full ? 0 : b.len;
}

int rs_reply_raw(struct MHD_Connection *conn, rs_request *rq,
                 const mrsu_response *res)
{
  const union MHD_ConnectionInfo *info =
    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  char head[RAW_HEAD_ROOM];
  size_t len = format_head(rq, res, head, sizeof head);

  if (!info || len == 0 || send_all(info->connect_fd, head, len) ||
      send_all(info->connect_fd, res->body ? res->body : "",
               res->body_len))
    return -1;
  shutdown(info->connect_fd, SHUT_WR);
  rq->status = res->status;
  rq->sent = res->body_len;
  return 0;
}
