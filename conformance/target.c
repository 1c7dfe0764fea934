/*
 * target.c: choosing a backend by name, and what all backends share.
 */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int (*open)(cf_target *t, const char *spec, char *err, size_t errlen);
} backends[] = {
  {"builtin", cf_builtin_open},
};

const char cf_target_help[] =
    "  builtin      the reference implementation, in process; a fresh\n"
    "               service for every case\n";

/* 1 when spec names the backend: equal to name, or name then ':'. */
static int names_backend(const char *spec, const char *name)
{
  size_t n = strlen(name);

  return strncmp(spec, name, n) == 0 && (spec[n] == '\0' || spec[n] == ':');
}

cf_target *cf_target_open(const char *spec, char *err, size_t errlen)
{
  cf_target *t = calloc(1, sizeof *t);

  if (!t) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
    if (!names_backend(spec, backends[i].name))
      continue;
    if (backends[i].open(t, spec, err, errlen) == 0)
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
  memset(rs, 0, sizeof *rs);
}

const char *cf_response_header(const cf_response *rs, const char *name)
{
  for (size_t i = 0; i < rs->header_count; i++)
    if (strcasecmp(rs->headers[i].name, name) == 0)
      return rs->headers[i].value;
  return NULL;
}
