/*
 * refserver.h: the reference HTTP server, shared between its files.
 *
 * refserver serves the core (mrsu.h) over HTTP/1.1 with libmicrohttpd.
 * refserver.c runs the program; refserver_opts.c reads the command line;
 * refserver_http.c answers requests; refserver_wire.c checks the request
 * line and headers as they came over the wire; refserver_conn.c keeps
 * the open connections and closes those whose header section is late;
 * refserver_body.c takes in request bodies (a part streams to a file in
 * the data directory); and refserver_files.c keeps the data directory.
 */
#ifndef REFSERVER_H
#define REFSERVER_H

#include "checksum.h"
#include "mrsu.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define RS_RELEASE "1.0.0"

/* What the command line asks for. */
typedef struct rs_options {
  const char *address;          /* IPv4 or IPv6 literal */
  unsigned port;                /* 0: any free port */
  const char **stores;          /* sequence store ids */
  size_t store_count;
  const char *data_dir;         /* NULL: a new temporary directory */
  size_t max_header_bytes;      /* per-connection memory of MHD */
  size_t max_json_body;
  size_t max_part_size;
  unsigned idle_timeout;        /* seconds; 0: never */
  unsigned header_timeout;      /* seconds for a header section; 0: none */
  unsigned max_connections;     /* served at once */
  unsigned per_ip_connections;  /* from one address at once; 0: any */
  size_t max_buffered_bytes;    /* JSON bodies held at once, in bytes */
  unsigned threads;
  int deterministic;
  int quiet;
  const char *credentials;      /* a credentials file; NULL: none */
  const char *region;
  unsigned clock_skew;          /* seconds */
  int test_controls;
  uint64_t quota_open_uploads;
  uint64_t quota_read_sets;
  uint64_t quota_parts;
  uint64_t quota_bytes;
  double throttle_rate;         /* requests a second; 0: none */
  uint64_t throttle_burst;
  uint64_t complete_deadline_ms;
} rs_options;

/* What the command line parser found. */
typedef enum rs_parsed {
  RS_RUN,
  RS_HELP,
  RS_VERSION,
  RS_BAD_OPTIONS
} rs_parsed;

typedef struct rs_request rs_request;

/* One connection, from its accept to its close. The connection's own
 * thread owns rq; deadline and the list links are under the lock of
 * rs_conns. */
typedef struct rs_conn {
  struct rs_conn *prev, *next;
  int fd;
  char peer[64];                /* the client's address, for the log */
  struct timespec deadline;     /* for its header section */
  int has_deadline;
  atomic_int cut;               /* closed for missing the deadline */
  rs_request *rq;               /* the request begun and not yet ended */
} rs_conn;

/* The open connections, and the thread that closes a connection whose
 * header section is not in by its deadline. */
typedef struct rs_conns {
  pthread_mutex_t lock;
  pthread_cond_t wake;
  rs_conn *head;
  pthread_t thread;
  int ready;                    /* lock and wake are initialized */
  int started;                  /* thread runs */
  int stop;                     /* thread is to end */
} rs_conns;

/* The running server, shared by every thread of the daemon. */
typedef struct rs_server {
  const rs_options *opt;
  mrsu_credentials credentials; /* the principals of the service */
  mrsu_service *service;
  char *data_dir;               /* owned */
  int data_dir_is_temp;
  pthread_mutex_t lock;         /* a core call with its file changes */
  atomic_uint_fast64_t next_request;
  atomic_long in_flight;        /* requests begun and not yet ended */
  atomic_size_t buffered;       /* bytes held by JSON bodies */
  rs_conns conns;
} rs_server;

/* How a request's body is taken in. */
typedef enum rs_intake {
  RS_BUFFER,                    /* held in memory (JSON operations) */
  RS_STREAM                     /* written to a file (UploadReadSetPart) */
} rs_intake;

/* One request, from its request line to the end of its response. */
struct rs_request {
  char id[13];                  /* also the x-amzn-RequestId */
  struct timespec start;
  rs_conn *conn;                /* NULL when it could not be tracked */
  char *uri;                    /* raw; path and query point into it */
  const char *path;             /* origin form: an absolute form's
                                   scheme and authority are skipped */
  const char *query;            /* NULL when the URI has no '?' */
  const char *target_at;        /* the target in libmicrohttpd's buffer */
  size_t target_len;            /* its length up to any NUL */
  int target_bad;               /* it holds a space or control character */
  char *method;                 /* NULL until the handler first runs */
  rs_intake intake;
  size_t limit;                 /* the largest body accepted */
  size_t received;              /* body bytes so far */
  unsigned char *buf;           /* RS_BUFFER: the body */
  size_t buf_room;
  size_t held;                  /* bytes of the server's budget held */
  int fd;                       /* RS_STREAM: the temporary file, or -1 */
  char *tmp_path;
  checksum_ctx *sum;
  int store_error;              /* errno of a failed write, or 0 */
  int status;                   /* sent status, 0 until answered */
  size_t sent;                  /* body bytes of the answer */
  int closing;                  /* answered early; the rest is dropped */
  int must_close;               /* the answer says Connection: close */
  struct timespec closed_at;
  const char *note;             /* why the request ended unusually */
};

/* refserver_opts.c */

/* Reads argv into *opt (defaults first). Returns RS_RUN, RS_HELP,
 * RS_VERSION, or RS_BAD_OPTIONS with a message in err. The caller frees
 * with rs_options_free, whatever the result. */
rs_parsed rs_options_parse(int argc, char **argv, rs_options *opt,
                           char *err, size_t errlen);

/* Frees what rs_options_parse allocated. Can't fail. */
void rs_options_free(rs_options *opt);

/* Writes the --help text to f. */
void rs_options_help(FILE *f);

/* 1 when the options' address is a loopback address, else 0. */
int rs_options_loopback(const rs_options *opt);

/* refserver_http.c */

/* Starts the daemon on the options' address. Returns it, or NULL. */
struct MHD_Daemon *rs_http_start(rs_server *srv);

/* The port the daemon listens on, or 0 when unknown. */
unsigned rs_http_port(struct MHD_Daemon *daemon);

/* refserver_reply.c */

/* Fills res (freed first) with a server error: status, error type and a
 * message built like printf. Without memory the body is left empty. */
void rs_reply_error(mrsu_response *res, int status, const char *type,
                    const char *fmt, ...);

/* Queues res with the request id through libmicrohttpd and records the
 * status. Returns MHD_YES, or MHD_NO when it could not be queued. */
enum MHD_Result rs_reply_queue(struct MHD_Connection *conn, rs_request *rq,
                               const mrsu_response *res);

/* Writes res, the request id and Connection: close straight to the
 * connection's socket while a body is still arriving, then ends the
 * sending side. Returns 0, or -1 when it could not be written. */
int rs_reply_raw(struct MHD_Connection *conn, rs_request *rq,
                 const mrsu_response *res);

/* refserver_body.c */

/* Prepares the intake of a request whose method is known: the mode and
 * the limit. Can't fail. */
void rs_body_begin(const rs_server *srv, rs_request *rq);

/* Holds room for n bytes of rq's body in the server's budget for bodies
 * held in memory (--max-buffered-bytes), counting what rq holds
 * already. Returns 0, or -1 when the budget has not that much left
 * (rq then holds what it held). */
int rs_body_reserve(rs_server *srv, rs_request *rq, size_t n);

/* Takes in n bytes. Returns 0; 1 when the body passed the limit (the
 * bytes beyond it are not kept); 2 when a JSON body would take the
 * bodies held past the server's budget; -1 when memory ran out. A
 * failed write to the part's file is not an error here: it is kept in
 * store_error. */
int rs_body_take(rs_server *srv, rs_request *rq, const char *data,
                 size_t n);

/* Ends the intake of a streamed part: closes its file and writes the
 * checksum of the bytes kept into out. Returns 0, or -1 when the
 * checksum failed; a failed close is kept in store_error. */
int rs_body_finish(rs_request *rq, char out[CHECKSUM_LEN + 1]);

/* Releases what the intake holds, deleting a part's file not kept, and
 * gives its room back to the budget. Can't fail. */
void rs_body_free(rs_server *srv, rs_request *rq);

/* refserver_wire.c */

/* What is wrong with the request line or the header section as they
 * came over the wire, or NULL: a NUL byte, a space or control character
 * in the target, a header name that is not a token, a control character
 * in a header value, a folded header line, an HTTP/1.1 request without
 * exactly one Host. method and version are the handler's arguments. */
const char *rs_wire_fault(struct MHD_Connection *conn, const rs_request *rq,
                          const char *method, const char *version);

/* 1 when the request target s, as sent, holds no space and no control
 * character, else 0. */
int rs_wire_is_target(const char *s);

/* refserver_conn.c */

/* Prepares the list of connections and, with --header-timeout, starts
 * the thread that keeps the deadlines. Returns 0 or -1. */
int rs_conns_open(rs_server *srv);

/* Stops the thread and frees the list, which the daemon has emptied.
 * Does nothing when rs_conns_open failed or did not run. Can't fail. */
void rs_conns_close(rs_server *srv);

/* Adds the connection on socket fd from peer, its header section due
 * within --header-timeout. Returns it, or NULL when memory ran out. */
rs_conn *rs_conns_add(rs_server *srv, int fd, const char *peer);

/* Removes c from the list and frees it. Can't fail. */
void rs_conns_remove(rs_server *srv, rs_conn *c);

/* The header section of c's request is in: no deadline. */
void rs_conns_headers_in(rs_server *srv, rs_conn *c);

/* c's request ended and c may carry another: its next header section
 * is due within --idle-timeout plus --header-timeout (none when the
 * idle timeout is 0). */
void rs_conns_request_ended(rs_server *srv, rs_conn *c);

/* refserver_files.c */

/* Makes the data directory: opt->data_dir, created when missing, or a
 * new temporary one. Returns 0, or -1 with a message in err. */
int rs_files_open(rs_server *srv, char *err, size_t errlen);

/* Removes the data directory when it is temporary. Returns 0 or -1
 * (errno set). */
int rs_files_close(rs_server *srv);

/* Creates a new temporary file in the data directory. Returns its
 * descriptor and sets *path (the caller frees), or -1 (errno set). */
int rs_files_temp(const rs_server *srv, char **path);

/* The storage hooks of the core (mrsu_storage; arg is the server, the
 * request's context its rs_request). rs_files_keep_part moves the
 * part's temporary file to DATA/STORE/UPLOAD/SOURCE-NUMBER, replacing
 * an older one; rs_files_keep_read_set writes DATA/STORE/UPLOAD/
 * read-set.json, {"readSetId": "..."}, through a temporary file. Each
 * returns 0, or -1 (errno set, the request's note says what failed). */
int rs_files_keep_part(void *arg, const mrsu_request *request,
                       const char *store_id, const char *upload_id,
                       const char *source, int number);
int rs_files_keep_read_set(void *arg, const mrsu_request *request,
                           const char *store_id, const char *upload_id,
                           const char *read_set_id);

/* Removes DATA/STORE/UPLOAD of an aborted upload. Returns 0 or -1. */
int rs_files_drop_upload(const rs_server *srv, const rs_request *rq);

#endif
