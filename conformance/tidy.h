/*
 * tidy.h: keeping a shared sequence store fit for the next case.
 *
 * On a target whose cases share stores (any but the built-in one), the
 * runner aborts, after each case, the uploads the case opened, so that
 * a later case, or a later run, does not find them; and before a case
 * that lists every open upload of its store (ownStore), it checks that
 * the store holds none. Both requests are signed like the case's own
 * and recorded among its exchanges with "tidy": true.
 */
#ifndef CF_TIDY_H
#define CF_TIDY_H

#include "sign.h"
#include "target.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* The abort paths of the uploads a case opened. Start zeroed. */
typedef struct cf_opened {
  char **paths;
  size_t count;
  size_t cap;
} cf_opened;

/* Notes the upload that the exchange rq -> rs opened, if it was a
 * CreateMultipartReadSetUpload answered 200 with an uploadId. Returns
 * 0, or -1 when memory ran out. */
int cf_opened_note(cf_opened *o, const cf_request *rq,
                   const cf_response *rs);

/* Aborts every upload of o on t, signed by s, recording each exchange
 * in exchanges; an upload already completed or gone answers an error,
 * which is recorded and changes nothing. Stops at a transport error.
 * Returns 0, or -2 when an abort found the target out of reach
 * (target.h), with the reason in why. */
int cf_opened_abort(const cf_opened *o, cf_target *t, const cf_signer *s,
                    cJSON *exchanges, char *why, size_t whylen);

/* Frees what o holds and zeroes it. */
void cf_opened_free(cf_opened *o);

/* Asks t for one open upload of store, signed by s, recording the
 * exchange in exchanges. Returns 0 when the answer lists none (or is
 * not a list: the case then judges the target), 1 when it lists one,
 * with the reason in why, or -1 when no answer came (-2: the target is
 * out of reach, target.h), with it in why. */
int cf_store_busy(cf_target *t, const cf_signer *s, const char *store,
                  cJSON *exchanges, char *why, size_t whylen);

#endif
