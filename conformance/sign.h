/*
 * sign.h: signing the request of a step with AWS Signature Version 4,
 * as a client would, or with the one fault its `sign` member asks for
 * (vectors/README.md, "Sign").
 *
 * A signed request gets, after the vector's own headers: Host (unless
 * the vector sends one), X-Amz-Date, X-Amz-Content-Sha256 and
 * Authorization. The signed headers are host, x-amz-content-sha256 and
 * x-amz-date; the payload hash is the hex SHA-256 of the body, or
 * UNSIGNED-PAYLOAD for UploadReadSetPart; the scope is the region of
 * the run and the service omics.
 */
#ifndef CF_SIGN_H
#define CF_SIGN_H

#include "mrsu.h"
#include "request.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define CF_SIGN_SERVICE "omics"
#define CF_SIGN_REGION "us-east-1"

/* The credentials a run signs with when none are named, if present. */
#define CF_DEFAULT_CREDENTIALS "tests/credentials.json"

/* Who signs, where and when. Nothing is owned. */
typedef struct cf_signer {
  const mrsu_principal *principals; /* the first signs by default */
  size_t count;                 /* 0: requests go unsigned */
  const char *region;
  int64_t time;                 /* seconds since 1970; < 0: the clock */
} cf_signer;

/* The principal whose access key id is key_id, or NULL. */
const mrsu_principal *cf_signer_find(const cf_signer *s,
                                     const char *key_id);

/* Signs the request built in b, sent to host with path_prefix before
 * its path, as sign (a step's `sign` object, or NULL) says: adds the
 * signing headers to b. An unsigned signer (count 0) adds nothing.
 * Returns 0; 1 when the run cannot sign so (sign names a principal the
 * credentials lack), with the reason in err; -1 when memory ran out or
 * a digest failed, with the reason in err. */
int cf_sign(const cf_signer *s, const cJSON *sign, const char *host,
            const char *path_prefix, cf_built *b, char *err,
            size_t errlen);

/* Reads an ISO 8601 UTC time, YYYY-MM-DDTHH:MM:SSZ, into *t. Returns
 * 0, or -1 when text is not one. */
int cf_parse_time(const char *text, int64_t *t);

#endif
