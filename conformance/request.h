/*
 * request.h: turning the request template of a step into the bytes
 * sent, with variables replaced (vectors/README.md, "Request").
 */
#ifndef CF_REQUEST_H
#define CF_REQUEST_H

#include "target.h"
#include "vars.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* A request built from its template; everything but method is owned. */
typedef struct cf_built {
  const char *method;           /* the template's own string */
  char *path;
  char *query;                  /* NULL when the request has none */
  cf_header *headers;
  size_t header_count;
  unsigned char *body;          /* NULL when body_len is 0 */
  size_t body_len;
} cf_built;

/* Builds request template rq with the values of vs into b (zeroed by
 * the caller). Returns 0, or -1 with the reason in err ("" when memory
 * ran out); b is freed by the caller either way. */
int cf_build_request(const cJSON *rq, const vars *vs, cf_built *b,
                     char *err, size_t errlen);

/* Appends header name: value (both copied) to b. Returns 0, or -1
 * when memory ran out. */
int cf_built_add_header(cf_built *b, const char *name, const char *value);

/* Frees what b owns and zeroes it. */
void cf_built_free(cf_built *b);

/* Fills out with views of b's buffers, for a target. */
void cf_built_view(const cf_built *b, cf_request *out);

/* Serialises a `json` body template compactly: strings expanded with
 * vs, numbers written as their literal text from the vector. Returns
 * the text (the caller frees), or NULL with the reason in err ("" when
 * memory ran out). */
char *cf_json_body(const cJSON *tmpl, const vars *vs, char *err,
                   size_t errlen);

/* The size in bytes of the body that `repeat` object rp builds, when
 * its prefix and suffix take affixes bytes; with a counter, every unit
 * is counted at its longest (the counter at its last value), so this
 * is a bound. Returns 0, or -1 with the reason in err when the text
 * cannot be expanded ("" when memory ran out). */
int cf_repeat_size(const cJSON *rp, size_t affixes,
                   unsigned long long *size, char *err, size_t errlen);

#endif
