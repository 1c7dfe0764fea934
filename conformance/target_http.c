/*
 * target_http.c: the implementation under test as a server reached over
 * HTTP/1.1 (or HTTPS), through libcurl.
 *
 * Each worker opens its own target, so each holds one easy handle whose
 * connection is kept alive from request to request. A request goes out
 * as the vector wrote it: the method (any token, with a body whenever
 * the vector gives one), the raw path (CURLOPT_PATH_AS_IS) and query,
 * the headers in order, and the body bytes. curl adds Host and
 * Content-Length; what else it would add by itself (Accept, Expect, a
 * form Content-Type) is suppressed; the runner has already added the
 * signing headers (sign.h), so they go out as recorded. A request can
 * also be written out as a curl command that sends it again.
 */
#include "target.h"

#include "buf.h"
#include "codec.h"
#include "sigv4.h"

#include <curl/curl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_STORE "0123456789"
#define DEFAULT_MISSING_STORE "9999999999"
#define DEFAULT_MISSING_UPLOAD "8888888888"
#define CONNECT_TIMEOUT_MAX 10L         /* seconds */
#define RESPONSE_BODY_MAX (256UL << 20) /* bytes kept of a response */
#define INLINE_BODY_MAX 65536           /* bytes a command carries */
#define RESENT_WHY "a kept-alive connection closed before any answer; " \
                   "libcurl sent the request again on a new connection"

/* The backend's state. Option strings belong to the command line or
 * the environment and outlive the target. */
typedef struct http {
  CURL *curl;
  int global;                   /* 1: curl_global_init succeeded */
  char *base;                   /* scheme://authority[/prefix] */
  char *host;                   /* the Host header curl sends */
  char *prefix;                 /* the path before every path, or "" */
  long timeout;
  int insecure;
  const char *cacert;
  char errbuf[CURL_ERROR_SIZE];
} http;

/* What a response collects while it arrives. */
typedef struct sink {
  cf_response *rs;
  size_t header_cap;
  buf body;
  int too_long;                 /* the body passed RESPONSE_BODY_MAX */
  int no_memory;
  int sends;                    /* times the request went out */
} sink;

/* 1 when the method, as written, defines a meaning for a body, so that
 * an empty one is still sent with Content-Length: 0. */
static int expects_body(const char *method)
{
  return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
         strcmp(method, "PATCH") == 0;
}

/* 1 when rq carries a header of that name (any case). */
static int has_header(const cf_request *rq, const char *name)
{
  for (size_t i = 0; i < rq->header_count; i++)
    if (strcasecmp(rq->headers[i].name, name) == 0)
      return 1;
  return 0;
}

/* The URL of rq: the base, the raw path, '?' and the raw query. NULL
 * when memory ran out. */
static char *request_url(const http *h, const cf_request *rq)
{
  buf url;

  buf_init(&url);
  buf_adds(&url, h->base);
  buf_adds(&url, rq->path);
  if (rq->query) {
    buf_addc(&url, '?');
    buf_adds(&url, rq->query);
  }
  return buf_take(&url);
}

/* Adds one header line to the list; a header with an empty value is
 * written "Name;", curl's way to send it. Returns 0 or -1. */
static int add_line(struct curl_slist **list, const char *name,
                    const char *value)
{
  struct curl_slist *next;
  buf line;

  buf_init(&line);
  buf_adds(&line, name);
  if (*value) {
    buf_adds(&line, ": ");
    buf_adds(&line, value);
  } else {
    buf_adds(&line, ";");
  }
  next = buf_failed(&line) ? NULL : curl_slist_append(*list, line.data);
  buf_free(&line);
  if (!next)
    return -1;
  *list = next;
  return 0;
}

/* Adds "Name:" to the list, which stops curl from sending a header of
 * its own by that name, unless the vector sends one. Returns 0 or -1. */
static int suppress(struct curl_slist **list, const cf_request *rq,
                    const char *name)
{
  struct curl_slist *next;
  char line[64];

  if (has_header(rq, name))
    return 0;
  snprintf(line, sizeof line, "%s:", name);
  next = curl_slist_append(*list, line);
  if (!next)
    return -1;
  *list = next;
  return 0;
}

/* Builds the header list: the request's headers in order, then the
 * suppressions. Returns 0 or -1 (memory). */
static int build_headers(const cf_request *rq, struct curl_slist **list)
{
  for (size_t i = 0; i < rq->header_count; i++)
    if (add_line(list, rq->headers[i].name, rq->headers[i].value) < 0)
      return -1;
  if (suppress(list, rq, "Expect") < 0 ||
      suppress(list, rq, "Accept") < 0 ||
      suppress(list, rq, "Content-Type") < 0)
    return -1;
  return 0;
}

/* Makes room for one more response header. Returns 0 or -1. */
static int header_room(sink *k)
{
  cf_response *rs = k->rs;
  size_t cap = k->header_cap ? 2 * k->header_cap : 16;
  cf_header *h;

  if (rs->header_count < k->header_cap)
    return 0;
  h = realloc(rs->headers, cap * sizeof *h);
  if (!h)
    return -1;
  rs->headers = h;
  k->header_cap = cap;
  return 0;
}

/* Appends a folded line (one that starts with white space) to the
 * value of the header before it, after one space. Returns 0 or -1. */
static int unfold(cf_response *rs, const char *p, size_t n)
{
  cf_header *h = &rs->headers[rs->header_count - 1];
  size_t old = strlen(h->value);
  char *v;

  while (n && (*p == ' ' || *p == '\t')) {
    p++;
    n--;
  }
  v = realloc(h->value, old + n + 2);
  if (!v)
    return -1;
  v[old] = ' ';
  memcpy(v + old + 1, p, n);
  v[old + n + 1] = '\0';
  h->value = v;
  return 0;
}

/* Adds header line p (n bytes, no line end): the name up to the first
 * ':', the value after it without surrounding white space. A line
 * without ':' is kept as a name with an empty value. Returns 0 or -1. */
static int add_response_header(sink *k, const char *p, size_t n)
{
  cf_response *rs = k->rs;
  const char *colon = memchr(p, ':', n);
  size_t name_len = colon ? (size_t)(colon - p) : n, at = name_len + 1;
  cf_header *h;

  if (header_room(k) < 0)
    return -1;
  while (at < n && (p[at] == ' ' || p[at] == '\t'))
    at++;
  while (n > at && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  h = &rs->headers[rs->header_count];
  h->name = strndup(p, name_len);
  h->value = strndup(at < n ? p + at : "", at < n ? n - at : 0);
  rs->header_count++;
  return h->name && h->value ? 0 : -1;
}

/* Takes one header line of the response. A status line starts the
 * list afresh, so only the final response's headers stay (not those of
 * a 100 Continue). */
static size_t on_header(char *p, size_t size, size_t n, void *data)
{
  sink *k = data;
  size_t len = size * n, end = len;
  int rc = 0;

  while (end && (p[end - 1] == '\n' || p[end - 1] == '\r'))
    end--;
  if (end >= 5 && memcmp(p, "HTTP/", 5) == 0) {
    cf_response_free(k->rs);
    k->header_cap = 0;
  } else if (end && (*p == ' ' || *p == '\t') && k->rs->header_count) {
    rc = unfold(k->rs, p, end);
  } else if (end) {
    rc = add_response_header(k, p, end);
  }
  if (rc == 0)
    return len;
  k->no_memory = 1;
  return 0;
}

/* Takes a piece of the response body. */
static size_t on_body(char *p, size_t size, size_t n, void *data)
{
  sink *k = data;
  size_t len = size * n;

  if (len > RESPONSE_BODY_MAX - k->body.len) {
    k->too_long = 1;
    return 0;
  }
  buf_add(&k->body, p, len);
  if (!buf_failed(&k->body))
    return len;
  k->no_memory = 1;
  return 0;
}

/* Counts the times the request goes out: libcurl sends it again, on a
 * new connection, when a kept-alive one closes before any answer. */
static int on_debug(CURL *c, curl_infotype type, char *p, size_t n,
                    void *data)
{
  sink *k = data;

  (void)c;
  (void)p;
  (void)n;
  k->sends += type == CURLINFO_HEADER_OUT;
  return 0;
}

/* Sets what every transfer shares: URL, timeouts, TLS, callbacks. */
static CURLcode set_transfer(http *h, const char *url, sink *k)
{
  CURL *c = h->curl;
  long connect = h->timeout < CONNECT_TIMEOUT_MAX ? h->timeout
                                                  : CONNECT_TIMEOUT_MAX;
  CURLcode rc = curl_easy_setopt(c, CURLOPT_URL, url);

  if (!rc) rc = curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
                                 (long)CURL_HTTP_VERSION_1_1);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_TIMEOUT, h->timeout);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_HTTP_CONTENT_DECODING, 0L);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_HEADERDATA, k);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_WRITEDATA, k);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_DEBUGDATA, k);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER,
                                 h->insecure ? 0L : 1L);
  if (!rc) rc = curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST,
                                 h->insecure ? 0L : 2L);
  if (!rc && h->cacert)
    rc = curl_easy_setopt(c, CURLOPT_CAINFO, h->cacert);
  return rc;
}

/* Sets the method as written. A body goes out whenever the vector has
 * one, or is empty (Content-Length: 0) for POST, PUT and PATCH; HEAD
 * waits for no body. */
static CURLcode set_method(http *h, const cf_request *rq)
{
  CURL *c = h->curl;
  CURLcode rc;

  if (rq->body_len || expects_body(rq->method)) {
    rc = curl_easy_setopt(c, CURLOPT_POST, 1L);
    if (!rc) rc = curl_easy_setopt(c, CURLOPT_POSTFIELDS,
                                   rq->body ? (const char *)rq->body : "");
    if (!rc) rc = curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                                   (curl_off_t)rq->body_len);
  } else if (strcmp(rq->method, "HEAD") == 0) {
    rc = curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else {
    rc = curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  if (!rc)
    rc = curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
  return rc;
}

/* 1 when a failure means the target is out of reach: the name did not
 * resolve, connecting failed, TLS could not start, or no byte of an
 * answer came within the time allowed. */
static int out_of_reach(CURL *c, CURLcode rc)
{
  long header_bytes = 0;

  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_CERTPROBLEM:
    return 1;
  case CURLE_OPERATION_TIMEDOUT:
    curl_easy_getinfo(c, CURLINFO_HEADER_SIZE, &header_bytes);
    return header_bytes == 0;
  default:
    return 0;
  }
}

/* Describes a failed transfer in err. Returns -2 when the target is
 * out of reach, else -1. */
static int transfer_failed(http *h, CURLcode rc, const sink *k, char *err,
                           size_t errlen)
{
  if (k->no_memory)
    snprintf(err, errlen, "out of memory receiving the response");
  else if (k->too_long)
    snprintf(err, errlen, "the response body is longer than %lu bytes",
             RESPONSE_BODY_MAX);
  else
    snprintf(err, errlen, "%s", *h->errbuf ? h->errbuf
                                           : curl_easy_strerror(rc));
  return out_of_reach(h->curl, rc) ? -2 : -1;
}

/* Moves the collected body and the status into the response.
 * Returns 0. */
static int finish_response(http *h, sink *k)
{
  long status = 0;

  curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
  k->rs->status = (int)status;
  k->rs->body_len = k->body.len;
  k->rs->body = k->body.len ? (unsigned char *)buf_take(&k->body) : NULL;
  return 0;
}

/* Notes in rs that libcurl sent the request a second time. Returns 0,
 * or -1 with the reason in err. */
static int note_resent(cf_response *rs, char *err, size_t errlen)
{
  rs->resent = strdup(RESENT_WHY);
  if (rs->resent)
    return 0;
  snprintf(err, errlen, "out of memory");
  return -1;
}

/* Sends one request on the worker's handle, reusing its connection.
 * Returns 0, -1 or -2 as target.h says. */
static int http_exchange(cf_target *t, const cf_request *rq,
                         cf_response *rs, char *err, size_t errlen)
{
  http *h = t->impl;
  struct curl_slist *headers = NULL;
  char *url = request_url(h, rq);
  sink k = {rs, 0, {0}, 0, 0, 0};
  CURLcode rc = CURLE_OUT_OF_MEMORY;
  int result = -1;

  buf_init(&k.body);
  h->errbuf[0] = '\0';
  curl_easy_reset(h->curl);
  if (url && build_headers(rq, &headers) == 0) {
    rc = set_transfer(h, url, &k);
    if (!rc) rc = set_method(h, rq);
    if (!rc) rc = curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, headers);
  }
  if (rc) {
    snprintf(err, errlen, "cannot prepare the request: %s",
             curl_easy_strerror(rc));
    goto out;
  }
  rc = curl_easy_perform(h->curl);
  if (rc)
    result = transfer_failed(h, rc, &k, err, errlen);
  else
    result = finish_response(h, &k);
  if (k.sends > 1 && note_resent(rs, err, errlen) < 0)
    result = -1;

out:
  curl_slist_free_all(headers);
  free(url);
  buf_free(&k.body);
  return result;
}

/* Appends s single-quoted for a POSIX shell. */
static void shell_quote(buf *b, const char *s, size_t n)
{
  buf_addc(b, '\'');
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\'')
      buf_adds(b, "'\\''");
    else
      buf_addc(b, s[i]);
  }
  buf_addc(b, '\'');
}

/* 1 when the body can be shown as it is: UTF-8 text without control
 * characters other than tab and line feed. */
static int printable_body(const unsigned char *p, size_t n)
{
  if (!utf8_text(p, n))
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7F)
      return 0;
  return 1;
}

/* Appends what feeds the body to curl's standard input: the bytes
 * through printf, or their base64 through base64 -d; a body too long
 * to show is read from body.bin, as a comment line says. */
static void add_body_source(buf *b, const cf_request *rq)
{
  char hash[SIGV4_HASH_LEN + 1];
  int as_is;
  buf text;

  if (rq->body_len > INLINE_BODY_MAX) {
    if (sigv4_hash_hex(rq->body, rq->body_len, hash) < 0)
      snprintf(hash, sizeof hash, "(not computed)");
    buf_addf(b, "# the body (%zu bytes, SHA-256 %s) is too long to "
             "show: put it in body.bin\n", rq->body_len, hash);
    return;
  }
  as_is = printable_body(rq->body, rq->body_len);
  buf_init(&text);
  if (as_is)
    buf_add(&text, rq->body, rq->body_len);
  else
    b64_encode(&text, rq->body, rq->body_len);
  buf_adds(b, "printf '%s' ");
  shell_quote(b, text.data ? text.data : "", text.len);
  buf_adds(b, as_is ? " | " : " | base64 -d | ");
  if (buf_failed(&text))
    b->failed = 1;
  buf_free(&text);
}

/* Appends the curl options that send the body (or an empty one). */
static void add_body_options(buf *b, const cf_request *rq)
{
  if (!rq->body_len && !expects_body(rq->method))
    return;
  if (!has_header(rq, "Content-Type"))
    buf_adds(b, " -H 'Content-Type:'");
  if (rq->body_len > INLINE_BODY_MAX)
    buf_adds(b, " --data-binary @body.bin");
  else if (rq->body_len)
    buf_adds(b, " --data-binary @-");
  else
    buf_adds(b, " --data-binary ''");
}

/* Appends the time limit and TLS options of the target. */
static void add_target_options(buf *b, const http *h)
{
  buf_addf(b, " --max-time %ld", h->timeout);
  if (h->insecure)
    buf_adds(b, " --insecure");
  if (h->cacert) {
    buf_adds(b, " --cacert ");
    shell_quote(b, h->cacert, strlen(h->cacert));
  }
}

/* Writes rq as a curl command line. */
static char *http_reproduce(cf_target *t, const cf_request *rq)
{
  http *h = t->impl;
  char *url = request_url(h, rq);
  buf b, line;

  buf_init(&b);
  if (rq->body_len)
    add_body_source(&b, rq);
  buf_adds(&b, "curl -sS -i --globoff --path-as-is");
  if (strcmp(rq->method, "HEAD") == 0 && !rq->body_len) {
    buf_adds(&b, " --head");
  } else {
    buf_adds(&b, " -X ");
    shell_quote(&b, rq->method, strlen(rq->method));
  }
  for (size_t i = 0; i < rq->header_count; i++) {
    buf_init(&line);
    buf_addf(&line, *rq->headers[i].value ? "%s: %s" : "%s;",
             rq->headers[i].name, rq->headers[i].value);
    buf_adds(&b, " -H ");
    shell_quote(&b, line.data ? line.data : "", line.len);
    b.failed |= line.failed;
    buf_free(&line);
  }
  buf_adds(&b, " -H 'Expect:' -H 'Accept:' -H 'User-Agent:'");
  add_body_options(&b, rq);
  add_target_options(&b, h);
  buf_addc(&b, ' ');
  shell_quote(&b, url ? url : "", url ? strlen(url) : 0);
  if (!url)
    b.failed = 1;
  free(url);
  return buf_take(&b);
}

/* Nothing to prepare: a server cannot be reset between cases. */
static int http_begin(cf_target *t, char *err, size_t errlen)
{
  (void)t;
  (void)err;
  (void)errlen;
  return 0;
}

/* Nothing to release between cases; the connection stays open. */
static void http_end(cf_target *t)
{
  (void)t;
}

/* Closes the connection and frees the backend state. */
static void http_close(cf_target *t)
{
  http *h = t->impl;

  if (!h)
    return;
  if (h->curl)
    curl_easy_cleanup(h->curl);
  if (h->global)
    curl_global_cleanup();
  free(h->base);
  free(h->host);
  free(h->prefix);
  free(h);
  t->impl = NULL;
}

/* Gets one part of URL u, or NULL when it is absent. The caller frees
 * with curl_free. */
static char *url_part(CURLU *u, CURLUPart what, unsigned int flags)
{
  char *part = NULL;

  if (curl_url_get(u, what, &part, flags) != CURLUE_OK)
    return NULL;
  return part;
}

/* Fills base and host from the parts of u. Returns 0, or -1 when
 * memory ran out. */
static int take_endpoint(http *h, CURLU *u, const char *scheme)
{
  char *host = url_part(u, CURLUPART_HOST, 0);
  char *port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT);
  char *path = url_part(u, CURLUPART_PATH, 0);
  int tls = strcmp(scheme, "https") == 0, rc = -1;
  buf b;

  buf_init(&b);
  if (host && port && path) {
    buf_addf(&b, "%s", host);
    if (strcmp(port, tls ? "443" : "80") != 0)
      buf_addf(&b, ":%s", port);
    h->host = buf_take(&b);
    buf_adds(&b, path);
    while (b.len && b.data[b.len - 1] == '/')
      buf_truncate(&b, b.len - 1);
    h->prefix = buf_take(&b);
    buf_addf(&b, "%s://%s%s", scheme, h->host ? h->host : "",
             h->prefix ? h->prefix : "");
    h->base = buf_take(&b);
    rc = h->host && h->prefix && h->base ? 0 : -1;
  }
  curl_free(host);
  curl_free(port);
  curl_free(path);
  return rc;
}

/* 1 when u names port 0, which no server listens on. */
static int port_zero(CURLU *u)
{
  char *port = url_part(u, CURLUPART_PORT, 0);
  int zero = port && strtoul(port, NULL, 10) == 0;

  curl_free(port);
  return zero;
}

/* Reads the endpoint URL: http or https, a host, an optional port and
 * path prefix, no query, fragment or user. Returns 0, or -1 with the
 * reason in err. */
static int parse_endpoint(http *h, const char *spec, char *err,
                          size_t errlen)
{
  CURLU *u = curl_url();
  char *scheme = NULL, *extra = NULL;
  int rc = -1;

  if (!u || curl_url_set(u, CURLUPART_URL, spec, 0) != CURLUE_OK) {
    snprintf(err, errlen, "%s: not a URL", spec);
    goto out;
  }
  scheme = url_part(u, CURLUPART_SCHEME, 0);
  extra = url_part(u, CURLUPART_QUERY, 0);
  if (!extra)
    extra = url_part(u, CURLUPART_FRAGMENT, 0);
  if (!extra)
    extra = url_part(u, CURLUPART_USER, 0);
  if (!scheme || (strcmp(scheme, "http") && strcmp(scheme, "https")))
    snprintf(err, errlen, "%s: the URL must start with http:// or "
             "https://", spec);
  else if (extra)
    snprintf(err, errlen, "%s: the URL of a target has no user, query "
             "or fragment", spec);
  else if (port_zero(u))
    snprintf(err, errlen, "%s: port 0 names no server", spec);
  else if (take_endpoint(h, u, scheme) < 0)
    snprintf(err, errlen, "out of memory");
  else
    rc = 0;

out:
  curl_free(scheme);
  curl_free(extra);
  curl_url_cleanup(u);
  return rc;
}

/* Sets the three variables and the description for reports. Returns 0
 * or -1 (memory). */
static int describe(cf_target *t, const cf_target_options *o,
                    const char *spec)
{
  http *h = t->impl;
  buf d;

  t->stores = o->stores;
  t->store_count = o->store_count;
  if (vars_set(&t->vars, "store", o->store_count ? o->stores[0]
                                                 : DEFAULT_STORE) < 0 ||
      vars_set(&t->vars, "missingStore", o->missing_store
               ? o->missing_store : DEFAULT_MISSING_STORE) < 0 ||
      vars_set(&t->vars, "missingUpload", o->missing_upload
               ? o->missing_upload : DEFAULT_MISSING_UPLOAD) < 0)
    return -1;
  t->host = h->host;
  t->path_prefix = h->prefix;
  t->clock = -1;
  t->controls = -1;
  buf_init(&d);
  buf_adds(&d, spec);
  if (h->insecure)
    buf_adds(&d, " (TLS certificates not verified)");
  t->description = buf_take(&d);
  return t->description ? 0 : -1;
}

int cf_http_open(cf_target *t, const char *spec,
                 const cf_target_options *o, char *err, size_t errlen)
{
  http *h = calloc(1, sizeof *h);

  t->name = "http";
  t->begin_case = http_begin;
  t->exchange = http_exchange;
  t->end_case = http_end;
  t->reproduce = http_reproduce;
  t->close = http_close;
  t->impl = h;
  if (!h || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    snprintf(err, errlen, "cannot start libcurl");
    return -1;
  }
  h->global = 1;
  h->timeout = o->timeout;
  h->insecure = o->insecure;
  h->cacert = o->cacert;
  if (parse_endpoint(h, spec, err, errlen) < 0)
    return -1;
  h->curl = curl_easy_init();
  if (!h->curl || describe(t, o, spec) < 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}
