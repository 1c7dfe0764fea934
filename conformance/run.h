/*
 * run.h: running one case on a target.
 *
 * The steps run in order with a fresh set of variables (the target's,
 * then what steps capture). Each step's request is built from its
 * template, sent, and its response judged; the first step that does not
 * meet its expectation ends the case. Every exchange is recorded for
 * the report.
 */
#ifndef CF_RUN_H
#define CF_RUN_H

#include "target.h"
#include "vectors.h"

#include <cjson/cJSON.h>

typedef enum cf_outcome {
  CF_PASS,                      /* every step met its expectation */
  CF_FAIL,                      /* the target answered wrongly */
  CF_ERROR,                     /* the transport or the harness broke */
  CF_SKIPPED                    /* selected, but not run */
} cf_outcome;

/* What running a case found. Start zeroed; free with cf_result_free. */
typedef struct cf_result {
  cf_outcome outcome;
  char *message;                /* FAIL, ERROR: one line; else NULL */
  long ms;                      /* time the case took */
  cJSON *exchanges;             /* one object per exchange, or NULL */
  cJSON *branches;              /* [{"step": n, "branch": k}], or NULL */
  char *reproduce;              /* a command resending the request of
                                 * the step that did not pass, or NULL */
  int unreachable;              /* 1: ERROR, the target unreachable */
} cf_result;

/* Runs case c on t and fills r. Never fails: a harness fault (no
 * memory) is an ERROR outcome. */
void cf_run_case(cf_target *t, const cf_case *c, cf_result *r);

/* Marks r as skipped, for a case selected but not run. */
void cf_skip_case(cf_result *r, const char *why);

void cf_result_free(cf_result *r);

/* "PASS", "FAIL", "ERROR" or "SKIPPED". */
const char *cf_outcome_name(cf_outcome o);

#endif
