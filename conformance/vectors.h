/*
 * vectors.h: the vector files, loaded and checked (format version 1,
 * described in vectors/README.md and vectors/schema.json).
 *
 * Loading reads every vector file of a folder in name order, hashes
 * their bytes, parses them with the strict JSON gate, and checks them
 * against the format before anything runs. Every fault is reported as
 * one line naming the file, the case and the JSON Pointer of the fault.
 * A loaded suite keeps the parsed trees; cases and steps point into
 * them.
 */
#ifndef CF_VECTORS_H
#define CF_VECTORS_H

#include "buf.h"
#include "vars.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define CF_FORMAT "mrsu-vectors/1"

/* The largest request body a vector may build (150 MiB). */
#define CF_BODY_MAX 157286400ULL

/* One vector file. */
typedef struct cf_file {
  char *path;                   /* as opened: folder/name */
  cJSON *root;                  /* the parsed file */
  const char *group;            /* the group's id */
} cf_file;

/* The test controls a case may need (SPEC.md section 16), as bits. */
enum {
  CF_CONTROL_QUOTA = 1,
  CF_CONTROL_THROTTLE = 2,
  CF_CONTROL_DEADLINE = 4,
  CF_CONTROL_FAULT = 8
};

/* The names of the controls, in the order of their bits, then NULL. */
extern const char *const cf_control_names[];

/* What a step does. */
typedef enum cf_step_kind {
  CF_STEP_EXCHANGE,             /* a request and its expectation */
  CF_STEP_CONTROL,              /* POST /_mrsu/control with a JSON body */
  CF_STEP_RESET                 /* DELETE /_mrsu/control */
} cf_step_kind;

/* One step of a case, after `use` is resolved. */
typedef struct cf_step {
  const cJSON *json;            /* the exchange: inline or a fragment;
                                 * or the control step itself */
  const char *use;              /* the fragment's name, or NULL */
  cf_step_kind kind;
  const cJSON *sign;            /* the step's `sign` object, or NULL */
} cf_step;

/* One case. */
typedef struct cf_case {
  const cf_file *file;
  size_t index;                 /* in the file's cases */
  const cJSON *json;            /* the case object */
  const char *id;
  const char *title;
  const char *level;            /* "MUST" or "SHOULD" */
  cf_step *steps;
  size_t step_count;
  unsigned controls;            /* CF_CONTROL_* bits the case needs */
  int signs;                    /* 1: a step shapes its signature */
  int own_store;                /* 1: no other case may use its store */
} cf_case;

/* One entry of the folder's PENDING file: what no case can cover yet. */
typedef struct cf_pending {
  char *name;                   /* a requirement id or an error type */
  char *reason;
  size_t line;                  /* in the file, from 1 */
} cf_pending;

typedef struct cf_suite {
  cf_file *files;
  size_t file_count;
  cf_case *cases;               /* in file order, then case order */
  size_t case_count;
  char sha256[65];              /* hex SHA-256 of the files' bytes */
  int requirements_checked;     /* 1 when a requirements file was read */
  cJSON *requirements;          /* that file, parsed; NULL without one */
  const char *requirements_path;  /* its path, or NULL */
  cf_pending *pending;          /* the entries of PENDING, in order */
  size_t pending_count;
  char *pending_path;           /* folder/PENDING */
} cf_suite;

/* Where the requirements come from: path, and whether it was named by
 * the user (then it must exist) or is the default (skipped if absent). */
typedef struct cf_req_source {
  const char *path;
  int explicit_path;
} cf_req_source;

/* Loads and checks every *.json file of dir except schema.json (and
 * names starting with '.'), and dir/PENDING when it exists; target
 * names the variables every step may use. Returns 0, or -1 with one
 * line per fault appended to diag (the suite is then freed). */
int cf_suite_load(cf_suite *s, const char *dir, const cf_req_source *req,
                  const vars *target, buf *diag);

void cf_suite_free(cf_suite *s);

/* Checks one parsed vector file (structure and variable flow) and
 * appends one line per fault to diag. Returns the number of faults. */
size_t cf_check_file(const cJSON *root, const char *path,
                     const vars *target, buf *diag);

/* The tags a case may carry (the table of vectors/README.md). */
extern const char *const cf_tags[];

#endif
