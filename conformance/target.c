/*
 * target.c: choosing a backend by name, the options of the HTTP
 * backend, and what all backends share.
 */
#include "target.h"

#include "codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest --timeout, in seconds: one day. */
#define TIMEOUT_MAX 86400

/* Opens the built-in backend, which takes no options. */
static int open_builtin(cf_target *t, const char *spec,
                        const cf_target_options *o,
                        const cf_target_run *run, char *err,
                        size_t errlen)
{
  if (o->first) {
    snprintf(err, errlen, "--%s applies to an HTTP target only",
             o->first);
    return -1;
  }
  return cf_builtin_open_run(t, spec, run, err, errlen);
}

/* Opens the HTTP backend, which needs nothing of the run. */
static int open_http(cf_target *t, const char *spec,
                     const cf_target_options *o, const cf_target_run *run,
                     char *err, size_t errlen)
{
  (void)run;
  return cf_http_open(t, spec, o, err, errlen);
}

static const struct {
  const char *name;
  int (*open)(cf_target *t, const char *spec, const cf_target_options *o,
              const cf_target_run *run, char *err, size_t errlen);
} backends[] = {
  {"builtin", open_builtin},
  {"http", open_http},
  {"https", open_http},
};

const char cf_target_help[] =
    "  builtin      the reference implementation, in process; a fresh\n"
    "               service for every case, which authenticates the\n"
    "               principals of --credentials and has its test\n"
    "               controls on (unless --no-auth, --no-controls)\n"
    "  http://HOST[:PORT][/PREFIX], https://...\n"
    "               a server over HTTP/1.1, one connection per worker,\n"
    "               kept alive; requests go out exactly as written. A\n"
    "               transport failure is an ERROR, sent once more at\n"
    "               most; once the target is out of reach, no more\n"
    "               cases start. A failing step is shown as a curl\n"
    "               command. Only these targets take the options below\n"
    "\n"
    "  --store ID             ${store}, a sequence store that exists\n"
    "                         (default 0123456789); when repeated, the\n"
    "                         cases take the stores in turn\n"
    "  --missing-store ID     ${missingStore}, a store id that does not\n"
    "                         exist (default 9999999999)\n"
    "  --missing-upload ID    ${missingUpload}, an upload id that does\n"
    "                         not exist (default 8888888888)\n"
    "  --timeout SECONDS      longest time one request may take\n"
    "                         (default 30; connecting: at most 10)\n"
    "  --cacert FILE          CA certificates to verify TLS with\n"
    "  --insecure             do not verify TLS certificates (warned)\n";

/* 1 when spec names the backend: equal to name, or name then ':'. */
static int names_backend(const char *spec, const char *name)
{
  size_t n = strlen(name);

  return strncmp(spec, name, n) == 0 && (spec[n] == '\0' || spec[n] == ':');
}

cf_target *cf_target_open(const char *spec, const cf_target_options *o,
                          const cf_target_run *run, char *err,
                          size_t errlen)
{
  cf_target *t = calloc(1, sizeof *t);

  if (!t) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
    if (!names_backend(spec, backends[i].name))
      continue;
    if (backends[i].open(t, spec, o, run, err, errlen) == 0)
      return t;
    cf_target_close(t);
    return NULL;
  }
  snprintf(err, errlen, "unknown target \"%s\"", spec);
  cf_target_close(t);
  return NULL;
}

void cf_target_close(cf_target *t)
{
  if (!t)
    return;
  if (t->close)
    t->close(t);
  free(t->description);
  vars_free(&t->vars);
  free(t);
}

void cf_response_free(cf_response *rs)
{
  for (size_t i = 0; i < rs->header_count; i++) {
    free(rs->headers[i].name);
    free(rs->headers[i].value);
  }
  free(rs->headers);
  free(rs->body);
  free(rs->resent);
  memset(rs, 0, sizeof *rs);
}

const char *cf_response_header(const cf_response *rs, const char *name)
{
  for (size_t i = 0; i < rs->header_count; i++)
    if (strcasecmp(rs->headers[i].name, name) == 0)
      return rs->headers[i].value;
  return NULL;
}

int cf_target_use_store(cf_target *t, size_t ordinal)
{
  if (t->store_count == 0)
    return 0;
  return vars_set(&t->vars, "store",
                  t->stores[ordinal % t->store_count]);
}

int cf_target_options_init(cf_target_options *o, size_t max_stores)
{
  memset(o, 0, sizeof *o);
  o->timeout = 30;
  o->stores = calloc(max_stores + 1, sizeof *o->stores);
  return o->stores ? 0 : -1;
}

void cf_target_options_free(cf_target_options *o)
{
  free(o->stores);
  o->stores = NULL;
}

/* Reads --timeout: whole seconds, 1 to a day. Returns 0 or -1. */
static int parse_timeout(cf_target_options *o, const char *value,
                         char *err, size_t errlen)
{
  char *end;
  long v;

  errno = 0;
  v = strtol(value, &end, 10);
  if (errno || end == value || *end || v < 1 || v > TIMEOUT_MAX) {
    snprintf(err, errlen, "--timeout takes whole seconds from 1 to %d",
             TIMEOUT_MAX);
    return -1;
  }
  o->timeout = v;
  return 0;
}

/* Stores a string option; the empty string is refused. */
static int set_text(const char **slot, const char *name, const char *value,
                    char *err, size_t errlen)
{
  if (!value || !*value) {
    snprintf(err, errlen, "--%s needs a value that is not empty", name);
    return -1;
  }
  *slot = value;
  return 0;
}

/* Stores an id option: a text, as set_text takes it, that is UTF-8
 * without control characters, since it goes into paths, reports and
 * the lines the runner prints. Returns 0 or -1. */
static int set_id(const char **slot, const char *name, const char *value,
                  char *err, size_t errlen)
{
  if (value && (first_control(value) ||
                !utf8_text((const unsigned char *)value, strlen(value)))) {
    snprintf(err, errlen, "--%s takes UTF-8 text without control "
             "characters", name);
    return -1;
  }
  return set_text(slot, name, value, err, errlen);
}

/* Adds a --store. Returns 0 or -1 (an id set_id refuses). */
static int add_store(cf_target_options *o, const char *value, char *err,
                     size_t errlen)
{
  if (set_id(&o->stores[o->store_count], "store", value, err,
             errlen) < 0)
    return -1;
  o->store_count++;
  return 0;
}

/* Applies text option name; returns 0, 1 when name is no target
 * option, or -1 with the reason in err. */
static int apply_text(cf_target_options *o, const char *name,
                      const char *value, char *err, size_t errlen)
{
  if (strcmp(name, "store") == 0)
    return add_store(o, value, err, errlen);
  if (strcmp(name, "missing-store") == 0)
    return set_id(&o->missing_store, name, value, err, errlen);
  if (strcmp(name, "missing-upload") == 0)
    return set_id(&o->missing_upload, name, value, err, errlen);
  if (strcmp(name, "timeout") == 0)
    return parse_timeout(o, value, err, errlen);
  if (strcmp(name, "cacert") == 0)
    return set_text(&o->cacert, name, value, err, errlen);
  return 1;
}

/* Applies option name, a flag or a text; returns as apply_text. */
static int apply_setting(cf_target_options *o, const char *name,
                         const char *value, char *err, size_t errlen)
{
  if (strcmp(name, "insecure") == 0)
    o->insecure = 1;
  else
    return apply_text(o, name, value, err, errlen);
  return 0;
}

int cf_target_setting(cf_target_options *o, const char *name,
                      const char *value, char *err, size_t errlen)
{
  int rc = apply_setting(o, name, value, err, errlen);

  if (rc == 1)
    snprintf(err, errlen, "--%s is not an option of a target", name);
  else if (rc == 0 && !o->first)
    o->first = name;
  return rc == 0 ? 0 : -1;
}
