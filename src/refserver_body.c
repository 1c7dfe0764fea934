/*
 * refserver_body.c: taking in a request's body.
 *
 * A PUT is UploadReadSetPart, the only operation whose body is not JSON:
 * its body streams to a temporary file while it is hashed, so a part is
 * never held in memory. Every other body is held in memory. Either way
 * the intake stops keeping bytes once the body passes its limit; the
 * core then answers from the size alone.
 *
 * Every body held in memory holds its room in one budget,
 * --max-buffered-bytes, so that many clients each sending a large body
 * slowly cannot make the server hold more than that between them. A
 * body of announced size holds all of it before it is read; one sent
 * in chunks takes its room as it grows.
 */
#include "refserver.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIRST_ROOM 4096

void rs_body_begin(const rs_server *srv, rs_request *rq)
{
  rq->intake = strcmp(rq->method, "PUT") ? RS_BUFFER : RS_STREAM;
  rq->limit = rq->intake == RS_STREAM ? srv->opt->max_part_size
                                      : srv->opt->max_json_body;
}

/* Holds n more bytes of the budget for rq. Returns 0, or -1 when fewer
 * are left (nothing is then held). */
static int budget_take(rs_server *srv, rs_request *rq, size_t n)
{
  size_t max = srv->opt->max_buffered_bytes;
  size_t held = atomic_load(&srv->buffered);

  do {
    if (n > max || held > max - n)
      return -1;
  } while (!atomic_compare_exchange_weak(&srv->buffered, &held, held + n));
  rq->held += n;
  return 0;
}

int rs_body_reserve(rs_server *srv, rs_request *rq, size_t n)
{
  return n > rq->held ? budget_take(srv, rq, n - rq->held) : 0;
}

/* Appends n bytes to the buffer, growing it. Returns 0, 2 when the
 * budget does not have the room, or -1 when memory ran out. */
static int buffer_append(rs_server *srv, rs_request *rq, const char *data,
                         size_t n)
{
  size_t need = rq->received + n, room = rq->buf_room;
  unsigned char *grown;

  if (need > room) {
    room = room ? room : FIRST_ROOM;
    while (room < need)
      room = room > SIZE_MAX / 2 ? need : room * 2;
    if (rs_body_reserve(srv, rq, room))
      return 2;
    grown = realloc(rq->buf, room);
    if (!grown)
      return -1;
    rq->buf = grown;
    rq->buf_room = room;
  }
  memcpy(rq->buf + rq->received, data, n);
  return 0;
}

/* Writes n bytes to fd, retrying short writes. Returns 0 or -1. */
static int write_all(int fd, const char *data, size_t n)
{
  ssize_t done;

  while (n > 0) {
    done = write(fd, data, n);
    if (done < 0 && errno == EINTR)
      continue;
    if (done < 0)
      return -1;
    data += done;
    n -= (size_t)done;
  }
  return 0;
}

/* Writes n bytes of a part to its file, creating the file and the
 * checksum on the first bytes. Returns 0, or -1 when the checksum
 * failed; a failed file operation only sets store_error. */
static int stream_append(const rs_server *srv, rs_request *rq,
                         const char *data, size_t n)
{
  if (!rq->sum) {
    rq->sum = checksum_begin();
    if (!rq->sum)
      return -1;
    rq->fd = rs_files_temp(srv, &rq->tmp_path);
    if (rq->fd < 0)
      rq->store_error = errno;
  }
  if (checksum_update(rq->sum, data, n) < 0)
    return -1;
  if (!rq->store_error && write_all(rq->fd, data, n) < 0)
    rq->store_error = errno;
  return 0;
}

int rs_body_take(rs_server *srv, rs_request *rq, const char *data,
                 size_t n)
{
  size_t keep = n;
  int rc;

  if (rq->received > rq->limit)
    keep = 0;
  else if (n > rq->limit - rq->received)
    keep = rq->limit - rq->received;
  if (rq->intake == RS_STREAM)
    rc = keep ? stream_append(srv, rq, data, keep) : 0;
  else
    rc = keep ? buffer_append(srv, rq, data, keep) : 0;
  if (rc)
    return rc;
  rq->received += n;
  return rq->received > rq->limit ? 1 : 0;
}

int rs_body_finish(rs_request *rq, char out[CHECKSUM_LEN + 1])
{
  int rc;

  if (rq->fd >= 0 && close(rq->fd) && !rq->store_error)
    rq->store_error = errno;
  rq->fd = -1;
  if (!rq->sum)
    return checksum_of("", 0, out);
  rc = checksum_end(rq->sum, out);
  rq->sum = NULL;
  return rc;
}

void rs_body_free(rs_server *srv, rs_request *rq)
{
  atomic_fetch_sub(&srv->buffered, rq->held);
  rq->held = 0;
  rq->buf_room = 0;
  free(rq->buf);
  rq->buf = NULL;
  if (rq->fd >= 0)
    close(rq->fd);
  rq->fd = -1;
  if (rq->tmp_path)
    unlink(rq->tmp_path);
  free(rq->tmp_path);
  rq->tmp_path = NULL;
  checksum_free(rq->sum);
  rq->sum = NULL;
}
