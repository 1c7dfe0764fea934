/*
 * vars.c: the variable set and template expansion.
 */
#include "vars.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vars_set(vars *vs, const char *name, const char *value)
{
  char *copy = strdup(value);
  var *grown;

  if (!copy)
    return -1;
  for (size_t i = 0; i < vs->count; i++) {
    if (strcmp(vs->v[i].name, name) == 0) {
      free(vs->v[i].value);
      vs->v[i].value = copy;
      return 0;
    }
  }
  if (vs->count == vs->cap) {
    grown = realloc(vs->v, (vs->cap ? vs->cap * 2 : 8) * sizeof *grown);
    if (!grown)
      goto fail;
    vs->v = grown;
    vs->cap = vs->cap ? vs->cap * 2 : 8;
  }
  vs->v[vs->count].name = strdup(name);
  if (!vs->v[vs->count].name)
    goto fail;
  vs->v[vs->count++].value = copy;
  return 0;

fail:
  free(copy);
  return -1;
}

const char *vars_get(const vars *vs, const char *name, size_t n)
{
  for (size_t i = 0; i < vs->count; i++)
    if (strlen(vs->v[i].name) == n && memcmp(vs->v[i].name, name, n) == 0)
      return vs->v[i].value;
  return NULL;
}

void vars_free(vars *vs)
{
  for (size_t i = 0; i < vs->count; i++) {
    free(vs->v[i].name);
    free(vs->v[i].value);
  }
  free(vs->v);
  vs->v = NULL;
  vs->count = vs->cap = 0;
}

/* 1 when c may start a name (first) or continue one. */
static int name_char(char c, int first)
{
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_')
    return 1;
  return !first && c >= '0' && c <= '9';
}

int vars_name_ok(const char *s)
{
  if (!name_char(*s, 1))
    return 0;
  while (*++s)
    if (!name_char(*s, 0))
      return 0;
  return 1;
}

/* Length of the name at s, which must be followed by '}'; 0 if none. */
static size_t name_length(const char *s)
{
  size_t n = 0;

  if (!name_char(s[0], 1))
    return 0;
  while (name_char(s[n], n == 0))
    n++;
  return s[n] == '}' ? n : 0;
}

/* Writes the value of the reference ${name} at t + 2 (n bytes). */
static int expand_one(const char *name, size_t n, const vars *vs,
                      buf *out, char *err, size_t errlen)
{
  const char *value;

  if (!vs)
    return 0;
  value = vars_get(vs, name, n);
  if (!value) {
    snprintf(err, errlen, "unknown variable ${%.*s}", (int)n, name);
    return -1;
  }
  buf_adds(out, value);
  return 0;
}

int vars_expand(const char *t, const vars *vs, buf *out,
                char *err, size_t errlen)
{
  size_t n;

  while (*t) {
    if (t[0] == '$' && t[1] == '$' && t[2] == '{') {
      buf_adds(out, "${");
      t += 3;
    } else if (t[0] == '$' && t[1] == '{') {
      n = name_length(t + 2);
      if (n == 0) {
        snprintf(err, errlen, "\"${\" not followed by a variable name "
                 "and \"}\" (write $${ for a literal ${)");
        return -1;
      }
      if (expand_one(t + 2, n, vs, out, err, errlen) < 0)
        return -1;
      t += n + 3;
    } else {
      buf_addc(out, *t++);
    }
  }
  return 0;
}

char *vars_expand_new(const char *t, const vars *vs, char *err,
                      size_t errlen)
{
  buf out;

  buf_init(&out);
  if (errlen)
    err[0] = '\0';
  if (vars_expand(t, vs, &out, err, errlen) < 0) {
    buf_free(&out);
    return NULL;
  }
  return buf_take(&out);
}

int vars_expand_tree(cJSON *node, const vars *vs, char *err,
                     size_t errlen)
{
  cJSON *child;
  char *s;

  if (cJSON_IsString(node)) {
    s = vars_expand_new(node->valuestring, vs, err, errlen);
    if (!s)
      return -1;
    free(node->valuestring);
    node->valuestring = s;
    return 0;
  }
  cJSON_ArrayForEach(child, node)
    if (vars_expand_tree(child, vs, err, errlen) < 0)
      return -1;
  return 0;
}
