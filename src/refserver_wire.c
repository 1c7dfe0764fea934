/*
 * refserver_wire.c: checks of the request line and header section as
 * they came over the wire.
 *
 * libmicrohttpd 0.9.75 hands over each part of the header section as a
 * C string: a NUL byte inside a part silently ends it there, so
 * "Content-Length: 1\0002" reads as "1". It accepts a header name with
 * a space before the colon, or an empty one, as a name ("Content-Length
 * " is then not the body's length, and the body is read as the next
 * request), and a bare CR inside a value. Strict mode does not help:
 * at 1 it answers a request without Host with its status line twice
 * and closes on a space in the target without an answer; at -1 it
 * refuses a space before a colon but is lax elsewhere.
 *
 * libmicrohttpd parses the header section in place, in one buffer: it
 * overwrites the space after the method and before the version, each
 * colon, and each CR and LF of a line end with NUL, and points into
 * the buffer for every part. So the parts it reports, laid end to end
 * with exactly those separators between them, must cover the header
 * section (its size is known) with nothing left over. Any byte that is
 * not covered, the rest of a part after a NUL, makes the request bad.
 * A NUL right at the end of a line cannot be told from a CR this way;
 * it hides nothing.
 */
#include "refserver.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#define HEADER_LINE_FAULT "a header line is malformed: it holds a NUL " \
  "byte, has no name or is folded"

/* A walk over the header section, checking each part in order. */
typedef struct wire_walk {
  uintptr_t at;                 /* the first byte not yet accounted for */
  uintptr_t end;                /* one past the blank line */
  int hosts;                    /* Host header lines seen */
  const char *fault;
} wire_walk;

/* 1 when c may be in a token (RFC 9110 section 5.6.2). */
static int is_tchar(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* 1 when the n bytes at s are a token, else 0. */
static int is_token(const char *s, size_t n)
{
  if (n == 0)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!is_tchar((unsigned char)s[i]))
      return 0;
  return 1;
}

/* 1 when the n bytes at s may be a field value: no control character
 * but HTAB (RFC 9110 section 5.5). */
static int is_field_value(const char *s, size_t n)
{
  unsigned char c;

  for (size_t i = 0; i < n; i++) {
    c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return 0;
  }
  return 1;
}

int rs_wire_is_target(const char *s)
{
  unsigned char c;

  for (; *s; s++) {
    c = (unsigned char)*s;
    if (c <= 0x20 || c == 0x7f)
      return 0;
  }
  return 1;
}

/* 1 when the bytes from the walk's position up to to are from min to
 * max NULs (what libmicrohttpd wrote over separators), else 0. */
static int nuls_to(const wire_walk *w, uintptr_t to, size_t min, size_t max)
{
  if (to < w->at || to > w->end || to - w->at < min || to - w->at > max)
    return 0;
  for (uintptr_t p = w->at; p < to; p++)
    if (*(const char *)p)
      return 0;
  return 1;
}

/* Checks one header line (cls: the walk) and moves past it. Stops the
 * walk at the first fault. */
static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind,
                                    const char *name, size_t name_len,
                                    const char *value, size_t value_len)
{
  wire_walk *w = cls;
  uintptr_t at;

  (void)kind;
  if (!nuls_to(w, (uintptr_t)name, 1, 2))
    w->fault = HEADER_LINE_FAULT;
  else if (!is_token(name, name_len))
    w->fault = "a header name is empty or holds a character that is not "
               "allowed in a name, such as a space before the colon";
  else if (!value || !is_field_value(value, value_len))
    w->fault = "a header value holds a control character";
  if (w->fault)
    return MHD_NO;
  at = (uintptr_t)name + name_len + 1;
  while (at < (uintptr_t)value && at < w->end &&
         (*(const char *)at == ' ' || *(const char *)at == '\t'))
    at++;
  if (at != (uintptr_t)value || name[name_len] != '\0') {
    w->fault = HEADER_LINE_FAULT;
    return MHD_NO;
  }
  w->hosts += name_len == 4 && !strncasecmp(name, "Host", 4);
  w->at = (uintptr_t)value + value_len;
  return MHD_YES;
}

/* Checks the request line: one space after the method, then the target
 * as the URI callback saw it, one space, the version. Returns a fault
 * or NULL; on success sets the walk to the end of the version. */
static const char *check_line(wire_walk *w, const rs_request *rq,
                              const char *method, const char *version)
{
  size_t method_len = strlen(method);
  uintptr_t target = (uintptr_t)rq->target_at;

  if (!is_token(method, method_len))
    return "the method is not a token";
  w->at = (uintptr_t)method + method_len;
  if (!rq->target_at || !nuls_to(w, target, 1, 1))
    return "the request line holds a NUL byte or more than one space "
           "after the method";
  if (rq->target_bad)
    return "the request target holds a space or a control character";
  w->at = target + rq->target_len;
  if (!nuls_to(w, (uintptr_t)version, 1, 1))
    return "the request target holds a NUL byte";
  w->at = (uintptr_t)version + strlen(version);
  return NULL;
}

const char *rs_wire_fault(struct MHD_Connection *conn, const rs_request *rq,
                          const char *method, const char *version)
{
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn,
    MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
  wire_walk w = {0, 0, 0, NULL};

  if (!info)
    return "the header section could not be checked";
  w.end = (uintptr_t)method + info->header_size;
  w.fault = check_line(&w, rq, method, version);
  if (w.fault)
    return w.fault;
  MHD_get_connection_values_n(conn, MHD_HEADER_KIND, check_header, &w);
  if (w.fault)
    return w.fault;
  if (!nuls_to(&w, w.end, 2, 4))
    return HEADER_LINE_FAULT;
  if (w.hosts > 1)
    return "Host: must appear once";
  if (w.hosts == 0 && !strcmp(version, MHD_HTTP_VERSION_1_1))
    return "Host: is required in HTTP/1.1";
  return NULL;
}
