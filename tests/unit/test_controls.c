/*
 * test_controls.c: the fault states of SPEC.md section 16 (quotas,
 * throttling, the Complete deadline, storage failures) and the test
 * controls that produce them (POST and DELETE /_mrsu/control).
 *
 * Services here run on a clock the test moves: a fixed wall clock and a
 * monotonic clock that advances by a set step on every reading, so
 * that token buckets and deadlines behave the same on every run. A
 * refused request must leave the state as it was: the tests compare
 * mrsu_service_dump before and after.
 */
#include "suites.h"

#include "checksum.h"
#include "limits.h"
#include "mrsu.h"
#include "sigv4.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK 1767225600LL              /* 2026-01-01T00:00:00Z */
#define STORE MRSU_DEFAULT_STORE
#define JSON "application/json"
#define CONTROL MRSU_CONTROL_PATH
#define ID_ROOM 40
#define MS 1000000LL
#define KEY_A "AKIDCONTROLSA001"
#define KEY_B "AKIDCONTROLSB001"
#define REQUIRED "\"subjectId\":\"s\",\"sampleId\":\"m\",\"name\":\"n\""

/* The state of the running test; teardown frees it all. */
static mrsu_service *svc;
static mrsu_response rs;
static cJSON *answer;
static char *dump_before, *dump_after;
static char path_buf[256], body_buf[1024];
static long long clock_now;             /* the monotonic clock, ns */
static long long clock_step;            /* added on each reading */
static const char *signer;              /* NULL: requests not signed */

/* What the storage hooks saw, and whether they fail. */
static struct {
  int parts, read_sets, fail;
  char last[ID_ROOM];
  const void *context;
} hooks;

static const char *const all_stores[] = {"*"};
static const mrsu_principal principals[] = {
  {KEY_A, "secretA", all_stores, 1},
  {KEY_B, "secretB", all_stores, 1},
};

/* The monotonic clock of the tests. */
static int64_t test_clock(void *arg)
{
  (void)arg;
  clock_now += clock_step;
  return clock_now;
}

/* Storage hook: counts parts; fails when hooks.fail is set. */
static int keep_part(void *arg, const mrsu_request *request,
                     const char *store, const char *upload,
                     const char *source, int number)
{
  (void)arg;
  (void)store;
  (void)upload;
  snprintf(hooks.last, sizeof hooks.last, "%s-%d", source, number);
  hooks.context = request->context;
  hooks.parts++;
  return hooks.fail ? -1 : 0;
}

/* Storage hook: counts read sets; fails when hooks.fail is set. */
static int keep_read_set(void *arg, const mrsu_request *request,
                         const char *store, const char *upload,
                         const char *read_set)
{
  (void)arg;
  (void)request;
  (void)store;
  (void)upload;
  snprintf(hooks.last, sizeof hooks.last, "%s", read_set);
  hooks.read_sets++;
  return hooks.fail ? -1 : 0;
}

/* The configuration of most tests: controls on, the fixed wall clock
 * and the test's monotonic clock, no principals. */
static void config_of(mrsu_config *config)
{
  mrsu_config_default(config);
  config->fixed_time = CLOCK;
  config->test_controls = 1;
  config->monotonic_ns = test_clock;
}

/* Starts a service from config. */
static void start(const mrsu_config *config)
{
  mrsu_service_free(svc);
  svc = mrsu_service_new(config);
  ck_assert_ptr_nonnull(svc);
}

static void controls_setup(void)
{
  mrsu_config config;

  clock_now = 0;
  clock_step = 0;
  signer = NULL;
  memset(&hooks, 0, sizeof hooks);
  config_of(&config);
  start(&config);
}

static void controls_teardown(void)
{
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  answer = NULL;
  mrsu_service_free(svc);
  svc = NULL;
  free(dump_before);
  free(dump_after);
  dump_before = dump_after = NULL;
}

/* Signs headers h[0..1] (Host, X-Amz-Date) for signer into h[2]. */
static void sign(const char *method, const char *path, const char *query,
                 const char *body, size_t len, mrsu_header *h,
                 char **auth)
{
  static char date[SIGV4_DATE_LEN + 1];
  char hash[SIGV4_HASH_LEN + 1];
  sigv4_header sh[2];
  sigv4_key key = {signer, !strcmp(signer, KEY_A) ? "secretA" : "secretB",
                   "us-east-1", "omics"};

  ck_assert_int_eq(sigv4_amz_date((time_t)CLOCK, date), 0);
  ck_assert_int_eq(sigv4_hash_hex(body ? body : "", len, hash), 0);
  sh[0] = (sigv4_header){"host", "localhost"};
  sh[1] = (sigv4_header){"x-amz-date", date};
  *auth = sigv4_authorization(&(sigv4_request){method, path, query, sh, 2,
                              hash}, &key, date);
  ck_assert_ptr_nonnull(*auth);
  h[0] = (mrsu_header){"host", "localhost"};
  h[1] = (mrsu_header){"x-amz-date", date};
  h[2] = (mrsu_header){"Authorization", *auth};
}

/* Sends one request (signed when `signer` is set). The response is in
 * rs and, parsed, in answer. Returns the status. */
static int request(const char *method, const char *path, const char *query,
                   const char *type, const char *body, void *context)
{
  size_t len = body ? strlen(body) : 0;
  mrsu_header h[4];
  mrsu_request rq;
  char *auth = NULL;
  size_t n = 0;

  if (signer) {
    sign(method, path, query, body, len, h, &auth);
    n = 3;
  }
  if (type)
    h[n++] = (mrsu_header){"Content-Type", type};
  rq = (mrsu_request){method, path, query, h, n,
                      (const unsigned char *)body, len, NULL, context};
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  ck_assert_int_eq(mrsu_handle(svc, &rq, &rs), 0);
  free(auth);
  answer = rs.body_len ? cJSON_ParseWithLength(rs.body, rs.body_len)
                       : NULL;
  return rs.status;
}

/* POSTs a control; returns the status. */
static int control(const char *text)
{
  return request("POST", CONTROL, NULL, JSON, text, NULL);
}

/* POSTs a control that must be accepted. */
static void control_ok(const char *text)
{
  ck_assert_msg(control(text) == 200, "%s: %d %.*s", text, rs.status,
                (int)rs.body_len, rs.body);
  ck_assert_uint_eq(rs.body_len, 2);
  ck_assert_int_eq(memcmp(rs.body, "{}", 2), 0);
}

/* Restores the configured limits. */
static void reset(void)
{
  ck_assert_int_eq(request("DELETE", CONTROL, NULL, NULL, NULL, NULL),
                   200);
}

/* Asserts the status and error type of the last response. */
static void expect(int status, const char *type)
{
  ck_assert_msg(rs.status == status, "status %d, expected %d: %.*s",
                rs.status, status, (int)rs.body_len,
                rs.body ? rs.body : "");
  ck_assert_pstr_eq(rs.error_type, type);
}

/* The string member name of the last answer, or NULL. */
static const char *member(const char *name)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(answer, name);

  return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* The path of an operation of STORE. */
static const char *op_path(const char *upload, const char *tail)
{
  if (upload)
    snprintf(path_buf, sizeof path_buf, "/sequencestore/" STORE
             "/upload/%s/%s", upload, tail);
  else
    snprintf(path_buf, sizeof path_buf, "/sequencestore/" STORE "/%s",
             tail);
  return path_buf;
}

/* Sends Create of a FASTQ upload; returns the status, and the id in id
 * on success. */
static int create(char id[ID_ROOM])
{
  int status = request("POST", op_path(NULL, "upload"), NULL, JSON,
                       "{\"sourceFileType\":\"FASTQ\"," REQUIRED "}",
                       NULL);

  if (status == 200)
    snprintf(id, ID_ROOM, "%s", member("uploadId"));
  return status;
}

/* Sends part (source, number) with the bytes of text; returns the
 * status. */
static int put_part(const char *id, const char *source, int number,
                    const char *text)
{
  char query[64];

  snprintf(query, sizeof query, "partNumber=%d&partSource=%s", number,
           source);
  return request("PUT", op_path(id, "part"), query, NULL, text, &hooks);
}

/* Sends Complete of upload id with SOURCE1 parts 1..n, each holding
 * text. Returns the status. */
static int complete(const char *id, int n, const char *text)
{
  char sum[CHECKSUM_LEN + 1];
  size_t used;

  ck_assert_int_eq(checksum_of(text, strlen(text), sum), 0);
  used = (size_t)snprintf(body_buf, sizeof body_buf, "{\"parts\":[");
  for (int i = 1; i <= n; i++)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used,
                             "%s{\"partNumber\":%d,\"partSource\":"
                             "\"SOURCE1\",\"checksum\":\"%s\"}",
                             i > 1 ? "," : "", i, sum);
  snprintf(body_buf + used, sizeof body_buf - used, "]}");
  return request("POST", op_path(id, "complete"), NULL, JSON, body_buf,
                 NULL);
}

/* An upload with one part "ACGT", ready to complete; its id in id. */
static void ready_upload(char id[ID_ROOM])
{
  ck_assert_int_eq(create(id), 200);
  ck_assert_int_eq(put_part(id, "SOURCE1", 1, "ACGT"), 200);
}

/* Keeps the dump of the state, to compare after a refusal. */
static void remember(void)
{
  free(dump_before);
  dump_before = mrsu_service_dump(svc);
  ck_assert_ptr_nonnull(dump_before);
}

/* The length of the part of a dump that shows stores, uploads, parts
 * and read sets: up to the limits in force, when the dump shows them. */
static size_t data_length(const char *dump)
{
  const char *limits = strstr(dump, "\nlimits ");

  return limits ? (size_t)(limits - dump) : strlen(dump);
}

/* Asserts the stores, uploads, parts and read sets are as remembered.
 * The limits in force are left out: a fault that fired is spent, by
 * design. */
static void unchanged(void)
{
  size_t n;

  free(dump_after);
  dump_after = mrsu_service_dump(svc);
  ck_assert_ptr_nonnull(dump_after);
  n = data_length(dump_before);
  ck_assert_uint_eq(data_length(dump_after), n);
  ck_assert_msg(memcmp(dump_after, dump_before, n) == 0, "%s\n---\n%s",
                dump_before, dump_after);
}

/* ---- The control endpoint --------------------------------------- */

/* Off, the path is like any unknown path; on, it has two methods. */
START_TEST(endpoint_on_off)
{
  mrsu_config config;

  control_ok("{}");
  control_ok("{\"quota\":null,\"throttle\":{\"rate\":null}}");
  ck_assert_int_eq(request("POST", CONTROL, NULL, NULL, NULL, NULL), 200);
  reset();
  ck_assert_int_eq(request(NULL, CONTROL, NULL, NULL, NULL, NULL), 405);
  ck_assert_int_eq(request("POST", NULL, NULL, NULL, NULL, NULL), 405);
  ck_assert_int_eq(request("GET", CONTROL, NULL, NULL, NULL, NULL), 405);
  expect(405, "NotSupportedOperationException");
  ck_assert_int_eq(request("POST", CONTROL "/", NULL, JSON, "{}", NULL),
                   405);
  config_of(&config);
  config.test_controls = 0;
  start(&config);
  ck_assert_int_eq(control("{}"), 405);
  expect(405, "NotSupportedOperationException");
  ck_assert_int_eq(request("DELETE", CONTROL, NULL, NULL, NULL, NULL),
                   405);
}
END_TEST

/* A control body and the member its 400 must name. */
typedef struct body_case {
  const char *text;
  const char *names;
} body_case;

static const body_case body_cases[] = {
  {"[]", "object"},
  {"{\"quota\":1,}", "body"},
  {"{\"quotas\":{}}", "quotas"},
  {"{\"quota\":[]}", "quota"},
  {"{\"quota\":{\"uploads\":1}}", "quota.uploads"},
  {"{\"quota\":{\"openUploadsPerStore\":-1}}", "openUploadsPerStore"},
  {"{\"quota\":{\"readSetsPerStore\":9007199254740992}}",
   "readSetsPerStore"},
  {"{\"quota\":{\"partsPerUpload\":1.5}}", "partsPerUpload"},
  {"{\"quota\":{\"bytesPerUpload\":\"1\"}}", "bytesPerUpload"},
  {"{\"throttle\":{\"rate\":\"1\"}}", "throttle.rate"},
  {"{\"throttle\":{\"rate\":-1}}", "throttle.rate"},
  {"{\"throttle\":{\"rate\":0.0004}}", "throttle.rate"},
  {"{\"throttle\":{\"rate\":1000001}}", "throttle.rate"},
  {"{\"throttle\":{\"burst\":0}}", "throttle.burst"},
  {"{\"throttle\":{\"burst\":1000001}}", "throttle.burst"},
  {"{\"throttle\":{\"period\":1}}", "throttle.period"},
  {"{\"deadline\":{\"completeMs\":0}}", "deadline.completeMs"},
  {"{\"deadline\":{\"completeMs\":86400001}}", "deadline.completeMs"},
  {"{\"deadline\":{\"completeDelayMs\":-1}}", "completeDelayMs"},
  {"{\"deadline\":{\"afterMs\":1}}", "deadline.afterMs"},
  {"{\"fault\":{\"kind\":\"storage\"}}", "fault.operation"},
  {"{\"fault\":{\"operation\":\"AbortMultipartReadSetUpload\","
   "\"kind\":\"storage\"}}", "fault.operation"},
  {"{\"fault\":{\"operation\":\"UploadReadSetPart\"}}", "fault.kind"},
  {"{\"fault\":{\"operation\":\"UploadReadSetPart\",\"kind\":\"disk\"}}",
   "fault.kind"},
  {"{\"fault\":{\"operation\":\"UploadReadSetPart\",\"kind\":\"storage\","
   "\"count\":-1}}", "fault.count"},
  {"{\"fault\":{\"operation\":\"UploadReadSetPart\",\"kind\":\"storage\","
   "\"times\":1}}", "fault.times"},
};

/* Each malformed body is 400 naming the member, and changes nothing:
 * the valid quota it carries first is not applied. */
START_TEST(body_table)
{
  const body_case *k = &body_cases[_i];
  char text[512], id[ID_ROOM];
  const char *message;

  control(k->text);
  expect(400, "ValidationException");
  message = member("message");
  ck_assert_msg(message && strstr(message, k->names), "%s: %s", k->text,
                message ? message : "(none)");
  if (k->text[0] != '{' || k->text[1] == '}')
    return;
  snprintf(text, sizeof text, "{\"quota\":{\"openUploadsPerStore\":0},%s",
           k->text + 1);
  control(text);
  ck_assert_int_eq(rs.status, 400);
  ck_assert_int_eq(create(id), 200);
}
END_TEST

/* The body of a control is JSON: its Content-Type is checked. */
START_TEST(body_content_type)
{
  ck_assert_int_eq(request("POST", CONTROL, NULL, "text/plain", "{}",
                           NULL), 400);
  expect(400, "ValidationException");
}
END_TEST

/* With principals, a control is authenticated like any request, but
 * any principal may use it and it is never throttled. */
START_TEST(endpoint_authenticated)
{
  mrsu_config config;

  config_of(&config);
  config.principals = principals;
  config.principal_count = 2;
  start(&config);
  ck_assert_int_eq(control("{}"), 403);
  expect(403, "MissingAuthenticationTokenException");
  signer = KEY_B;
  control_ok("{\"throttle\":{\"rate\":1,\"burst\":1}}");
  control_ok("{}");
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 200);
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 429);
  control_ok("{}");
  reset();
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 200);
}
END_TEST

/* ---- Quotas ----------------------------------------------------- */

/* Open uploads per store: N are allowed, the next is 402; completing or
 * aborting one frees its place. */
START_TEST(quota_open_uploads)
{
  char a[ID_ROOM], b[ID_ROOM], c[ID_ROOM];

  control_ok("{\"quota\":{\"openUploadsPerStore\":0}}");
  remember();
  ck_assert_int_eq(create(a), 402);
  expect(402, "ServiceQuotaExceededException");
  unchanged();
  control_ok("{\"quota\":{\"openUploadsPerStore\":2}}");
  ready_upload(a);
  ck_assert_int_eq(create(b), 200);
  remember();
  ck_assert_int_eq(create(c), 402);
  unchanged();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  ck_assert_int_eq(create(c), 200);
  ck_assert_int_eq(request("DELETE", op_path(b, "abort"), NULL, NULL,
                           NULL, NULL), 200);
  ck_assert_int_eq(create(b), 200);
  ck_assert_int_eq(create(c), 402);
  /* A missing store is 404 before the quota. */
  ck_assert_int_eq(request("POST", "/sequencestore/9999999999/upload",
                           NULL, JSON, "{\"sourceFileType\":\"BAM\","
                           REQUIRED "}", NULL), 404);
}
END_TEST

/* Read sets per store: a new read set past the quota is 402 and
 * commits nothing; repeating a Complete makes none and passes. */
START_TEST(quota_read_sets)
{
  char a[ID_ROOM], b[ID_ROOM];

  control_ok("{\"quota\":{\"readSetsPerStore\":1}}");
  ready_upload(a);
  ready_upload(b);
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  remember();
  ck_assert_int_eq(complete(b, 1, "ACGT"), 402);
  expect(402, "ServiceQuotaExceededException");
  unchanged();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  /* The parts rules come first: a list that breaks them is 400. */
  ck_assert_int_eq(complete(b, 2, "ACGT"), 400);
  ck_assert_int_eq(complete("8888888888", 1, "ACGT"), 404);
  reset();
  ck_assert_int_eq(complete(b, 1, "ACGT"), 200);
}
END_TEST

/* Parts per upload count both sources; replacing a part adds none. */
START_TEST(quota_parts)
{
  char a[ID_ROOM];

  ck_assert_int_eq(create(a), 200);
  control_ok("{\"quota\":{\"partsPerUpload\":2}}");
  ck_assert_int_eq(put_part(a, "SOURCE1", 1, "AC"), 200);
  ck_assert_int_eq(put_part(a, "SOURCE2", 1, "GT"), 200);
  remember();
  ck_assert_int_eq(put_part(a, "SOURCE1", 2, "AC"), 402);
  expect(402, "ServiceQuotaExceededException");
  unchanged();
  ck_assert_int_eq(put_part(a, "SOURCE2", 1, "TT"), 200);
  ck_assert_int_eq(put_part("8888888888", "SOURCE1", 3, "A"), 404);
}
END_TEST

/* Bytes per upload: the total after the part is stored, replacing any
 * part it supersedes, may reach the quota, not pass it. */
START_TEST(quota_bytes)
{
  char a[ID_ROOM];

  ck_assert_int_eq(create(a), 200);
  control_ok("{\"quota\":{\"bytesPerUpload\":10}}");
  ck_assert_int_eq(put_part(a, "SOURCE1", 1, "ACGTAC"), 200);
  ck_assert_int_eq(put_part(a, "SOURCE1", 2, "ACGT"), 200);
  remember();
  ck_assert_int_eq(put_part(a, "SOURCE1", 3, "A"), 402);
  ck_assert_int_eq(put_part(a, "SOURCE1", 2, "ACGTA"), 402);
  expect(402, "ServiceQuotaExceededException");
  unchanged();
  ck_assert_int_eq(put_part(a, "SOURCE1", 1, "ACGTA"), 200);
  ck_assert_int_eq(put_part(a, "SOURCE1", 3, "A"), 200);
  control_ok("{\"quota\":{\"bytesPerUpload\":3}}");
  ck_assert_int_eq(put_part(a, "SOURCE2", 1, "ACGT"), 402);
}
END_TEST

/* Configured quotas hold from the start; a control changes them, and a
 * reset brings back the configured values, not the defaults. */
START_TEST(quota_configured)
{
  mrsu_config config;
  char a[ID_ROOM], b[ID_ROOM];

  config_of(&config);
  config.quota_open_uploads = 1;
  start(&config);
  ck_assert_int_eq(create(a), 200);
  ck_assert_int_eq(create(b), 402);
  control_ok("{\"quota\":{\"openUploadsPerStore\":2}}");
  ck_assert_int_eq(create(b), 200);
  control_ok("{\"quota\":{\"openUploadsPerStore\":5}}");
  reset();
  ck_assert_int_eq(create(b), 402);
}
END_TEST

/* ---- Throttling ------------------------------------------------- */

/* The token bucket: burst at once, then one per 1/rate seconds, to the
 * nanosecond; a long pause refills it to the burst, no further. */
START_TEST(bucket_arithmetic)
{
  limits l;
  bucket b = {3 * LIMITS_TOKEN, 0};

  memset(&l, 0, sizeof l);
  l.rate_milli = 2000;
  l.burst = 3;
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(bucket_take(&b, &l, 0), 1);
  ck_assert_int_eq(bucket_take(&b, &l, 0), 0);
  ck_assert_int_eq(bucket_take(&b, &l, 499999999), 0);
  ck_assert_int_eq(bucket_take(&b, &l, 500000000), 1);
  ck_assert_int_eq(bucket_take(&b, &l, 500000000), 0);
  /* A clock that went back adds nothing. */
  ck_assert_int_eq(bucket_take(&b, &l, 1), 0);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(bucket_take(&b, &l, 100LL * 1000 * MS), 1);
  ck_assert_int_eq(bucket_take(&b, &l, 100LL * 1000 * MS), 0);
  l.rate_milli = 0;
  ck_assert_int_eq(bucket_take(&b, &l, 0), 1);
}
END_TEST

/* Rates in thousandths; what is out of range is refused. */
START_TEST(rate_steps)
{
  ck_assert_int_eq(limits_rate_milli(0.0), 0);
  ck_assert_int_eq(limits_rate_milli(0.001), 1);
  ck_assert_int_eq(limits_rate_milli(0.5), 500);
  ck_assert_int_eq(limits_rate_milli(1000000.0), 1000000000LL);
  ck_assert_int_eq(limits_rate_milli(0.0004), -1);
  ck_assert_int_eq(limits_rate_milli(-0.5), -1);
  ck_assert_int_eq(limits_rate_milli(1000000.001), -1);
}
END_TEST

/* Each principal has its own bucket; 403 comes before 429, and 429
 * before the labels; a refused request changes nothing. */
START_TEST(throttle_per_principal)
{
  mrsu_config config;

  config_of(&config);
  config.principals = principals;
  config.principal_count = 2;
  start(&config);
  signer = KEY_A;
  control_ok("{\"throttle\":{\"rate\":1,\"burst\":2}}");
  for (int i = 0; i < 2; i++)
    ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                             NULL, NULL), 200);
  remember();
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 429);
  expect(429, "ThrottlingException");
  ck_assert_int_eq(request("POST", "/sequencestore/bad/uploads", NULL,
                           NULL, NULL, NULL), 429);
  unchanged();
  signer = KEY_B;
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 200);
  signer = NULL;
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 403);
  /* One second later, principal A has one token again. */
  clock_now += 1000 * MS;
  signer = KEY_A;
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 200);
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 429);
}
END_TEST

/* Without principals everyone shares the anonymous bucket; with the
 * fixed clock and no clock of its own, a service's buckets never
 * refill. */
START_TEST(throttle_still_clock)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.throttle_rate = 1000.0;
  config.throttle_burst = 2;
  start(&config);
  for (int i = 0; i < 2; i++)
    ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                             NULL, NULL), 200);
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                             NULL, NULL), 429);
}
END_TEST

/* A throttle rate or burst out of range makes a configuration invalid;
 * so does a deadline out of range. */
START_TEST(config_ranges)
{
  mrsu_config config;

  config_of(&config);
  config.throttle_rate = -1.0;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config_of(&config);
  config.throttle_burst = 0;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config.throttle_burst = LIMITS_MAX_BURST + 1;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config_of(&config);
  config.complete_deadline_ms = 0;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config.complete_deadline_ms = 86400001;
  ck_assert_ptr_null(mrsu_service_new(&config));
  mrsu_config_default(&config);
  ck_assert(config.throttle_rate == 0.0);
  ck_assert_uint_eq(config.throttle_burst, 10);
  ck_assert_int_eq(config.complete_deadline_ms, 30000);
  ck_assert_uint_eq(config.quota_open_uploads, 1000);
  ck_assert_uint_eq(config.quota_read_sets, 100000);
  ck_assert_uint_eq(config.quota_parts, 20000);
  ck_assert_uint_eq(config.quota_bytes, 2097152000000ULL);
  ck_assert_int_eq(config.test_controls, 0);
}
END_TEST

/* The real monotonic clock serves a service without a fixed time. */
START_TEST(throttle_real_clock)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.throttle_rate = 0.001;
  config.throttle_burst = 1;
  start(&config);
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 200);
  ck_assert_int_eq(request("POST", op_path(NULL, "uploads"), NULL, NULL,
                           NULL, NULL), 429);
}
END_TEST

/* ---- The Complete deadline -------------------------------------- */

/* Simulated time past the deadline is 408 and commits nothing; the
 * deadline itself passes; a reset clears the delay. */
START_TEST(deadline_delay)
{
  char a[ID_ROOM];

  ready_upload(a);
  control_ok("{\"deadline\":{\"completeDelayMs\":30001}}");
  remember();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 408);
  expect(408, "RequestTimeoutException");
  unchanged();
  ck_assert_int_eq(hooks.read_sets, 0);
  control_ok("{\"deadline\":{\"completeDelayMs\":30000}}");
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  control_ok("{\"deadline\":{\"completeDelayMs\":30001}}");
  remember();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 408);
  unchanged();
  reset();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
}
END_TEST

/* Measured time counts: the clock moves 3 ms at each reading, and a
 * Complete reads it twice after it began, so it takes 6 ms. */
START_TEST(deadline_measured)
{
  char a[ID_ROOM];

  ready_upload(a);
  clock_step = 3 * MS;
  control_ok("{\"deadline\":{\"completeMs\":5}}");
  remember();
  ck_assert_int_eq(complete(a, 1, "ACGT"), 408);
  unchanged();
  control_ok("{\"deadline\":{\"completeMs\":6}}");
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
}
END_TEST

/* 402 comes before 408. */
START_TEST(deadline_after_quota)
{
  char a[ID_ROOM];

  ready_upload(a);
  control_ok("{\"quota\":{\"readSetsPerStore\":0},"
             "\"deadline\":{\"completeDelayMs\":86400000}}");
  ck_assert_int_eq(complete(a, 1, "ACGT"), 402);
}
END_TEST

/* ---- Storage ---------------------------------------------------- */

/* An injected fault fails the next parts' storage with 500 and commits
 * nothing; count 0 clears it. */
START_TEST(fault_part)
{
  char a[ID_ROOM];

  ck_assert_int_eq(create(a), 200);
  control_ok("{\"fault\":{\"operation\":\"UploadReadSetPart\","
             "\"kind\":\"storage\",\"count\":2}}");
  remember();
  for (int i = 0; i < 2; i++) {
    ck_assert_int_eq(put_part(a, "SOURCE1", 1, "ACGT"), 500);
    expect(500, "InternalServerException");
  }
  unchanged();
  ck_assert_int_eq(put_part(a, "SOURCE1", 1, "ACGT"), 200);
  control_ok("{\"fault\":{\"operation\":\"UploadReadSetPart\","
             "\"kind\":\"storage\"}}");
  control_ok("{\"fault\":{\"operation\":\"UploadReadSetPart\","
             "\"kind\":\"storage\",\"count\":0}}");
  ck_assert_int_eq(put_part(a, "SOURCE1", 2, "ACGT"), 200);
}
END_TEST

/* A fault of Complete fails a new read set, not a repeated Complete;
 * 408 comes before it and leaves it pending; a reset clears it. */
START_TEST(fault_complete)
{
  char a[ID_ROOM], b[ID_ROOM];

  ready_upload(a);
  ready_upload(b);
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  control_ok("{\"fault\":{\"operation\":\"CompleteMultipartReadSetUpload\","
             "\"kind\":\"storage\"},\"deadline\":{\"completeDelayMs\":"
             "40000}}");
  remember();
  ck_assert_int_eq(complete(b, 1, "ACGT"), 408);
  unchanged();
  control_ok("{\"deadline\":{\"completeDelayMs\":0}}");
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  ck_assert_int_eq(complete(b, 1, "ACGT"), 500);
  expect(500, "InternalServerException");
  unchanged();
  ck_assert_int_eq(complete(b, 1, "ACGT"), 200);
  control_ok("{\"fault\":{\"operation\":\"UploadReadSetPart\","
             "\"kind\":\"storage\"}}");
  reset();
  ck_assert_int_eq(put_part(a, "SOURCE1", 1, "ACGT"), 400);
}
END_TEST

/* The hooks see each accepted part and read set, with the request's
 * context; a hook that fails is 500 and nothing is committed. */
START_TEST(storage_hooks)
{
  mrsu_config config;
  char a[ID_ROOM];

  config_of(&config);
  config.storage = (mrsu_storage){keep_part, keep_read_set, NULL};
  start(&config);
  ready_upload(a);
  ck_assert_int_eq(hooks.parts, 1);
  ck_assert_str_eq(hooks.last, "SOURCE1-1");
  ck_assert_ptr_eq(hooks.context, &hooks);
  hooks.fail = 1;
  remember();
  ck_assert_int_eq(put_part(a, "SOURCE1", 2, "ACGT"), 500);
  ck_assert_int_eq(complete(a, 1, "ACGT"), 500);
  expect(500, "InternalServerException");
  unchanged();
  hooks.fail = 0;
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  ck_assert_int_eq(hooks.read_sets, 2);
  ck_assert_str_eq(hooks.last, member("readSetId"));
  ck_assert_int_eq(complete(a, 1, "ACGT"), 200);
  ck_assert_int_eq(hooks.read_sets, 2);
}
END_TEST

#define COUNT(table) ((int)(sizeof table / sizeof *table))

/* Adds a test case with the fixture to s. */
static TCase *controls_case(Suite *s, const char *name)
{
  TCase *tc = tcase_create(name);

  tcase_add_checked_fixture(tc, controls_setup, controls_teardown);
  suite_add_tcase(s, tc);
  return tc;
}

Suite *controls_suite(void)
{
  Suite *s = suite_create("controls");
  TCase *endpoint = controls_case(s, "endpoint");
  TCase *quota = controls_case(s, "quota");
  TCase *throttle = controls_case(s, "throttle");
  TCase *deadline = controls_case(s, "deadline");
  TCase *storage = controls_case(s, "storage");

  tcase_add_test(endpoint, endpoint_on_off);
  tcase_add_loop_test(endpoint, body_table, 0, COUNT(body_cases));
  tcase_add_test(endpoint, body_content_type);
  tcase_add_test(endpoint, endpoint_authenticated);
  tcase_add_test(quota, quota_open_uploads);
  tcase_add_test(quota, quota_read_sets);
  tcase_add_test(quota, quota_parts);
  tcase_add_test(quota, quota_bytes);
  tcase_add_test(quota, quota_configured);
  tcase_add_test(throttle, bucket_arithmetic);
  tcase_add_test(throttle, rate_steps);
  tcase_add_test(throttle, throttle_per_principal);
  tcase_add_test(throttle, throttle_still_clock);
  tcase_add_test(throttle, config_ranges);
  tcase_add_test(throttle, throttle_real_clock);
  tcase_add_test(deadline, deadline_delay);
  tcase_add_test(deadline, deadline_measured);
  tcase_add_test(deadline, deadline_after_quota);
  tcase_add_test(storage, fault_part);
  tcase_add_test(storage, fault_complete);
  tcase_add_test(storage, storage_hooks);
  return s;
}
