/*
 * regex.c: compiling and running anchored PCRE2 patterns.
 *
 * Anchoring uses PCRE2_ANCHORED and PCRE2_ENDANCHORED rather than
 * wrapping the pattern, so "$" never matches before a final newline
 * and an alternation is anchored as a whole. A match limit keeps a
 * pathological pattern from running for ever.
 */
#include "regex.h"

#include <stdio.h>
#include <string.h>

#define MATCH_LIMIT 1000000

pcre2_code *regex_compile(const char *pattern, char *err, size_t errlen)
{
  PCRE2_UCHAR msg[160];
  PCRE2_SIZE offset;
  pcre2_code *code;
  int rc;

  code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                       PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED,
                       &rc, &offset, NULL);
  if (code)
    return code;
  if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
    snprintf((char *)msg, sizeof msg, "error %d", rc);
  snprintf(err, errlen, "invalid regular expression at offset %zu: %s",
           (size_t)offset, (char *)msg);
  return NULL;
}

int regex_match(const pcre2_code *code, const char *subject, char *err,
                size_t errlen)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
  pcre2_match_context *mc = pcre2_match_context_create(NULL);
  PCRE2_UCHAR msg[160];
  int rc = -1;

  if (!md || !mc) {
    snprintf(err, errlen, "out of memory matching a regular expression");
    goto out;
  }
  pcre2_set_match_limit(mc, MATCH_LIMIT);
  rc = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md,
                   mc);
  if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH) {
    rc = rc >= 0;
    goto out;
  }
  if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
    snprintf((char *)msg, sizeof msg, "error %d", rc);
  snprintf(err, errlen, "matching failed: %s", (char *)msg);
  rc = -1;

out:
  pcre2_match_data_free(md);
  pcre2_match_context_free(mc);
  return rc;
}
