/*
 * control.c: the test controls of SPEC.md section 16.
 *
 * POST /_mrsu/control sets quotas, throttling, the Complete deadline and
 * injected storage failures; DELETE /_mrsu/control restores what the
 * service was configured with. A POST body is checked whole before
 * anything changes: every member known, every value in range. The
 * members given set their values; the others keep theirs.
 */
#include "call.h"

#include "fields.h"

#include <string.h>

#define QUOTA_MAX 9007199254740991LL    /* 2^53 - 1 */
#define DAY_MS 86400000LL
#define FAULT_MAX 1000000LL

static const char *const top_members[] = {
  "quota", "throttle", "deadline", "fault",
};
static const char *const quota_members[] = {
  "openUploadsPerStore", "readSetsPerStore", "partsPerUpload",
  "bytesPerUpload",
};
static const char *const throttle_members[] = {"rate", "burst"};
static const char *const deadline_members[] = {
  "completeMs", "completeDelayMs",
};
static const char *const fault_members[] = {"operation", "kind", "count"};
static const char *const fault_operations[] = {
  "UploadReadSetPart", "CompleteMultipartReadSetUpload",
};
static const char *const fault_kinds[] = {"storage"};

/* Finds the optional object member name of body, with only the given
 * members. FIELD_OK with *out set, FIELD_ABSENT, or FIELD_BAD. */
static field_result group(call *c, const cJSON *body, const char *name,
                          const char *const *members, size_t count,
                          const cJSON **out)
{
  field_place place = {"", name, 0, c->err, sizeof c->err};
  field_result rc = field_container(body, &place, cJSON_Object, out);

  if (rc != FIELD_OK)
    return rc;
  return field_known(*out, name, members, count, c->err, sizeof c->err);
}

/* Reads an optional whole number in min..max into *out, which keeps its
 * value when the member is absent. FIELD_OK or FIELD_BAD. */
static field_result number(call *c, const cJSON *group, const char *prefix,
                           const char *name, long long min, long long max,
                           long long *out)
{
  field_place place = {prefix, name, 0, c->err, sizeof c->err};
  field_result rc = field_integer(group, &place, min, max, out);

  return rc == FIELD_ABSENT ? FIELD_OK : rc;
}

/* Reads "quota" into l. */
static field_result read_quota(call *c, const cJSON *body, limits *l)
{
  long long v[4] = {(long long)l->open_uploads, (long long)l->read_sets,
                    (long long)l->parts, (long long)l->bytes};
  const cJSON *q;
  field_result rc = group(c, body, "quota", quota_members, 4, &q);

  for (int i = 0; rc == FIELD_OK && i < 4; i++)
    rc = number(c, q, "quota", quota_members[i], 0, QUOTA_MAX, &v[i]);
  if (rc != FIELD_OK)
    return rc;
  l->open_uploads = (uint64_t)v[0];
  l->read_sets = (uint64_t)v[1];
  l->parts = (uint64_t)v[2];
  l->bytes = (uint64_t)v[3];
  return FIELD_OK;
}

/* Reads "throttle" into l; *given is set when it is present. */
static field_result read_throttle(call *c, const cJSON *body, limits *l,
                                  int *given)
{
  field_place place = {"throttle", "rate", 0, c->err, sizeof c->err};
  long long burst = l->burst;
  const cJSON *t, *rate;
  field_result rc = group(c, body, "throttle", throttle_members, 2, &t);

  *given = rc == FIELD_OK;
  if (rc != FIELD_OK)
    return rc;
  rate = cJSON_GetObjectItemCaseSensitive(t, "rate");
  if (rate && !cJSON_IsNull(rate)) {
    if (!cJSON_IsNumber(rate) || limits_rate_milli(rate->valuedouble) < 0)
      return field_fail(&place, "must be a number, 0 or 0.001 to 1000000");
    l->rate_milli = limits_rate_milli(rate->valuedouble);
  }
  rc = number(c, t, "throttle", "burst", 1, LIMITS_MAX_BURST, &burst);
  l->burst = burst;
  return rc;
}

/* Reads "deadline" into l. */
static field_result read_deadline(call *c, const cJSON *body, limits *l)
{
  long long total = l->deadline_ms, delay = l->delay_ms;
  const cJSON *d;
  field_result rc = group(c, body, "deadline", deadline_members, 2, &d);

  if (rc == FIELD_OK)
    rc = number(c, d, "deadline", "completeMs", 1, DAY_MS, &total);
  if (rc == FIELD_OK)
    rc = number(c, d, "deadline", "completeDelayMs", 0, DAY_MS, &delay);
  l->deadline_ms = total;
  l->delay_ms = delay;
  return rc;
}

/* Reads "fault" into l. */
static field_result read_fault(call *c, const cJSON *body, limits *l)
{
  field_place place = {"fault", "operation", 1, c->err, sizeof c->err};
  long long count = 1;
  int op = 0, kind;
  const cJSON *f;
  field_result rc = group(c, body, "fault", fault_members, 3, &f);

  if (rc == FIELD_OK)
    rc = field_enum(f, &place, fault_operations, 2, &op);
  place.name = "kind";
  if (rc == FIELD_OK)
    rc = field_enum(f, &place, fault_kinds, 1, &kind);
  if (rc == FIELD_OK)
    rc = number(c, f, "fault", "count", 0, FAULT_MAX, &count);
  if (rc == FIELD_OK)
    l->faults[op] = (uint64_t)count;
  return rc;
}

/* Reads a POST body into l. FIELD_OK, or FIELD_BAD with c->err. */
static field_result read_controls(call *c, const cJSON *body, limits *l,
                                  int *throttle)
{
  field_result rc = field_known(body, "", top_members, 4, c->err,
                                sizeof c->err);

  *throttle = 0;
  if (rc == FIELD_OK)
    rc = read_quota(c, body, l);
  if (rc == FIELD_OK || rc == FIELD_ABSENT)
    rc = read_throttle(c, body, l, throttle);
  if (rc == FIELD_OK || rc == FIELD_ABSENT)
    rc = read_deadline(c, body, l);
  if (rc == FIELD_OK || rc == FIELD_ABSENT)
    rc = read_fault(c, body, l);
  return rc == FIELD_ABSENT ? FIELD_OK : rc;
}

int op_control(call *c)
{
  controls *ctl = c->ctl;
  limits next = ctl->now;
  int failed, refill = 1;
  cJSON *body = NULL, *answer;
  field_result fr;

  if (!strcmp(c->request->method, "DELETE")) {
    next = ctl->configured;
  } else {
    body = call_json_body(c, &failed);
    if (!body)
      return failed;
    fr = read_controls(c, body, &next, &refill);
    cJSON_Delete(body);
    if (fr != FIELD_OK)
      return reply_field_failure(c, fr);
  }
  answer = cJSON_CreateObject();
  if (!answer || reply_json(c, answer) < 0)
    return -1;
  ctl->now = next;
  if (refill)
    controls_fill(ctl);
  return 0;
}
