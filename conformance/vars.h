/*
 * vars.h: variables and ${name} templates.
 *
 * A template is a string in which ${name} stands for the value of a
 * variable and $${ writes a literal "${". Any other '$' is itself. A
 * name is [A-Za-z_][A-Za-z0-9_]*; "${" not followed by a name and "}"
 * is a fault of the vector.
 */
#ifndef CF_VARS_H
#define CF_VARS_H

#include "buf.h"

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct var {
  char *name;
  char *value;
} var;

/* A set of variables; names are unique. Start zeroed. */
typedef struct vars {
  var *v;
  size_t count;
  size_t cap;
} vars;

/* Sets name to value (copies both), replacing an earlier value.
 * Returns 0, or -1 when memory ran out. */
int vars_set(vars *vs, const char *name, const char *value);

/* The value of name (n bytes), or NULL when it is not set. */
const char *vars_get(const vars *vs, const char *name, size_t n);

/* Releases every variable and zeroes the set. */
void vars_free(vars *vs);

/* 1 when s is a valid variable name, else 0. */
int vars_name_ok(const char *s);

/* Expands template t into out with the values of vs. When vs is NULL
 * only the syntax is checked. Returns 0; -1 when t is malformed or names
 * a variable vs lacks, with a one-line reason in err. */
int vars_expand(const char *t, const vars *vs, buf *out,
                char *err, size_t errlen);

/* Returns a new string: template t expanded, or NULL with the reason in
 * err (empty when memory ran out). The caller frees. */
char *vars_expand_new(const char *t, const vars *vs, char *err,
                      size_t errlen);

/* Replaces, in place, every string value (not member names) of a tree
 * by its expansion. Returns 0, or -1 with the reason in err (empty
 * when memory ran out). */
int vars_expand_tree(cJSON *node, const vars *vs, char *err,
                     size_t errlen);

#endif
