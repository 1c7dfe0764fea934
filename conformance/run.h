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

#include "sign.h"
#include "target.h"
#include "vectors.h"

#include <cjson/cJSON.h>

typedef enum cf_outcome {
  CF_PASS,                      /* every step met its expectation */
  CF_FAIL,                      /* the target answered wrongly */
  CF_ERROR,                     /* the transport or the harness broke */
  CF_SKIPPED,                   /* selected, but not run */
  CF_NOT_VERIFIED               /* the target cannot be put in the
                                 * state the case needs */
} cf_outcome;

/* What a run can do to every target it runs on (cf_target.env). */
typedef struct cf_run_env {
  const cf_signer *signer;      /* how requests are signed */
  const char *unsigned_why;     /* signer->count 0: why, for the cases
                                 * that shape a signature */
  int controls;                 /* 1: the target has test controls */
} cf_run_env;

/* What running a case found. Start zeroed; free with cf_result_free. */
typedef struct cf_result {
  cf_outcome outcome;
  char *message;                /* one line, unless it passed */
  long ms;                      /* time the case took */
  cJSON *exchanges;             /* one object per exchange, or NULL */
  cJSON *branches;              /* [{"step": n, "branch": k}], or NULL */
  char *reproduce;              /* a command resending the request of
                                 * the step that did not pass, or NULL */
  int unreachable;              /* 1: ERROR, the target unreachable */
} cf_result;

/* Runs case c on t, in t->env, and fills r. A case that needs what
 * the environment lacks (test controls, signing, a principal) is NOT
 * VERIFIED without running; one whose control step the target refuses
 * fails. After a case with controls they are reset
 * (DELETE /_mrsu/control); a reset that fails makes the case an ERROR.
 * Never fails: a harness fault (no memory) is an ERROR outcome. */
void cf_run_case(cf_target *t, const cf_case *c, cf_result *r);

/* Asks target t whether it has test controls: POST /_mrsu/control
 * with {}, signed by s. Returns 1 when it answered 200, else 0; what
 * happened goes to why (n bytes) either way. */
int cf_probe_controls(cf_target *t, const cf_signer *s, char *why,
                      size_t n);

/* Marks r as skipped, for a case selected but not run. */
void cf_skip_case(cf_result *r, const char *why);

void cf_result_free(cf_result *r);

/* "PASS", "FAIL", "ERROR", "SKIPPED" or "NOT VERIFIED". */
const char *cf_outcome_name(cf_outcome o);

#endif
