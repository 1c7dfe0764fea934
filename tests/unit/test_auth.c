/*
 * test_auth.c: authentication and authorisation (auth.h, through
 * mrsu_handle) and the credentials file (mrsu.h).
 *
 * The verifier is first checked against the worked example AWS
 * publishes for Signature Version 4 (IAM ListUsers, 2015-08-30, key
 * AKIDEXAMPLE), which it must accept, and reject once altered. Every
 * fault of SPEC.md section 14.5 is then one row of a table: a request
 * signed by the signer of sigv4.h, with one thing wrong, sent to a
 * service with two principals; the row names the status, the error
 * type and a word of the message. A request that passes goes on to the
 * operation (ListMultipartReadSetUploads answers 200; UploadReadSetPart
 * on a missing upload answers 404), which proves it was let through.
 */
#include "suites.h"

#include "auth.h"
#include "checksum.h"
#include "mrsu.h"
#include "sigv4.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLOCK 1767225600LL              /* 2026-01-01T00:00:00Z */
#define KEY "AKIDCONFORMANCE1"
#define SECRET "conformanceSecret/EXAMPLE+1"
#define NO_STORE_KEY "AKIDNOSTORE0001"
#define ONE_STORE_KEY "AKIDONESTORE001"
#define HOST "127.0.0.1:8080"
#define JSON "application/json"
#define LIST_PATH "/sequencestore/0123456789/uploads"
#define PART_PATH "/sequencestore/0123456789/upload/8888888888/part"
#define MAX_HEADERS 10

static const char *const all_stores[] = {"*"};
static const char *const one_store[] = {MRSU_DEFAULT_STORE};
static const mrsu_principal principals[] = {
  {KEY, SECRET, all_stores, 1},
  {NO_STORE_KEY, "noStoreSecret", NULL, 0},
  {ONE_STORE_KEY, "oneStoreSecret", one_store, 1},
};
static const char *const two_stores[] = {MRSU_DEFAULT_STORE, "1111111111"};

/* The state of the running test; teardown frees it all. */
static mrsu_service *svc;
static mrsu_response rs;
static cJSON *answer;
static char *authorization;
static mrsu_credentials creds;
static char tmp_path[64];

/* Starts the service of the tests: two stores, three principals, the
 * fixed clock. */
static void auth_setup(void)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.stores = two_stores;
  config.store_count = 2;
  config.fixed_time = CLOCK;
  config.principals = principals;
  config.principal_count = 3;
  svc = mrsu_service_new(&config);
  ck_assert_ptr_nonnull(svc);
}

static void auth_teardown(void)
{
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  answer = NULL;
  mrsu_service_free(svc);
  svc = NULL;
  free(authorization);
  authorization = NULL;
  mrsu_credentials_free(&creds);
  if (tmp_path[0])
    unlink(tmp_path);
  tmp_path[0] = '\0';
}

/* ---- The published example ------------------------------------- */

#define EXAMPLE_SIGNATURE \
  "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"

/* Verifies the AWS example with authorization value auth. */
static auth_fault verify_example(const char *auth, size_t *who)
{
  static const mrsu_principal aws[] = {
    {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", all_stores,
     1},
  };
  mrsu_header h[] = {
    {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
    {"Host", "iam.amazonaws.com"},
    {"X-Amz-Date", "20150830T123600Z"},
    {"Authorization", auth},
  };
  mrsu_request rq = {"GET", "/", "Action=ListUsers&Version=2010-05-08", h,
                     4, NULL, 0, NULL, NULL};
  auth_scope scope = {aws, 1, "us-east-1", "iam", 1440938160LL, 300, 0};
  char why[300];

  return auth_verify(&rq, &scope, who, why, sizeof why);
}

START_TEST(aws_example_accepted)
{
  size_t who = 9;

  ck_assert_int_eq(verify_example("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE"
                                  "/20150830/us-east-1/iam/aws4_request, "
                                  "SignedHeaders=content-type;host;"
                                  "x-amz-date, Signature="
                                  EXAMPLE_SIGNATURE, &who), AUTH_OK);
  ck_assert_uint_eq(who, 0);
}
END_TEST

START_TEST(aws_example_altered)
{
  size_t who;

  /* The last digit of the signature, 7, made 8. */
  ck_assert_int_eq(verify_example("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE"
                                  "/20150830/us-east-1/iam/aws4_request, "
                                  "SignedHeaders=content-type;host;"
                                  "x-amz-date, Signature=5d672d79c15b1316"
                                  "2d9279b0855cfba6789a8edb4c82c400e06b59"
                                  "24a6f2b5d8", &who), AUTH_MISMATCH);
}
END_TEST

/* ---- One fault per row ----------------------------------------- */

/* What a row changes in an otherwise well-signed request. */
typedef struct fault_case {
  const char *name;
  int part;                     /* 1: UploadReadSetPart, else the list */
  const char *key;              /* NULL: KEY */
  const char *secret;           /* NULL: SECRET */
  const char *region;           /* NULL: us-east-1 */
  const char *service;          /* NULL: omics */
  long long skew;               /* x-amz-date minus the clock */
  const char *payload;          /* x-amz-content-sha256: NULL none,
                                 * "=" the body's hash, else as is */
  int unsigned_host, unsigned_date;
  const char *extra_signed;     /* a header signed, value "x" */
  int extra_sent;               /* 1: that header is sent too */
  const char *date_sent;        /* X-Amz-Date sent instead, "" none */
  int date_twice, auth_twice, no_auth;
  const char *body_sent;        /* the body sent instead of the signed */
  const char *from, *to;        /* an edit of the Authorization value */
  int status;
  const char *type;             /* NULL: no error */
  const char *names;            /* a word of the message */
} fault_case;

#define MISSING "MissingAuthenticationTokenException"
#define INCOMPLETE "IncompleteSignatureException"
#define UNKNOWN "UnrecognizedClientException"
#define MISMATCH "InvalidSignatureException"
#define DENIED "AccessDeniedException"
#define EMPTY_HASH \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static const fault_case fault_cases[] = {
  {.name = "well signed", .status = 200},
  {.name = "well signed part", .part = 1, .payload = "UNSIGNED-PAYLOAD",
   .status = 404, .type = "ResourceNotFoundException"},
  {.name = "part with its hash", .part = 1, .payload = "=", .status = 404,
   .type = "ResourceNotFoundException"},
  {.name = "no Authorization", .no_auth = 1, .status = 403,
   .type = MISSING, .names = "Authorization"},
  {.name = "Authorization twice", .auth_twice = 1, .status = 403,
   .type = INCOMPLETE, .names = "once"},
  {.name = "another algorithm", .from = "HMAC-SHA256", .to = "HMAC-SHA1",
   .status = 403, .type = INCOMPLETE, .names = "AWS4-HMAC-SHA256"},
  {.name = "no space after the algorithm", .from = "SHA256 ",
   .to = "SHA256,", .status = 403, .type = INCOMPLETE,
   .names = "AWS4-HMAC-SHA256"},
  {.name = "no Credential", .from = "Credential=", .to = "Credentials=",
   .status = 403, .type = INCOMPLETE, .names = "Credential"},
  {.name = "no SignedHeaders", .from = ", SignedHeaders=host;x-amz-date",
   .to = "", .status = 403, .type = INCOMPLETE, .names = "required"},
  {.name = "no Signature", .from = ", Signature=", .to = ", Sig=",
   .status = 403, .type = INCOMPLETE, .names = "Signature"},
  {.name = "Signature twice", .from = ", Signature=",
   .to = ", Signature=0, Signature=", .status = 403, .type = INCOMPLETE,
   .names = "twice"},
  {.name = "a component without '='", .from = ", Signature=",
   .to = ", Foo, Signature=", .status = 403, .type = INCOMPLETE,
   .names = "NAME=VALUE"},
  {.name = "an empty component", .from = "Credential=",
   .to = "SignedHeaders=, Credential=", .status = 403,
   .type = INCOMPLETE, .names = "NAME=VALUE"},
  {.name = "a Signature of 65 digits", .from = "Signature=",
   .to = "Signature=0", .status = 403, .type = INCOMPLETE, .names = "64"},
  {.name = "a Credential of four parts", .from = "/aws4_request",
   .to = "", .status = 403, .type = INCOMPLETE, .names = "KEY/YYYYMMDD"},
  {.name = "a Credential of six parts", .from = "/aws4_request",
   .to = "/aws4_request/x", .status = 403, .type = INCOMPLETE,
   .names = "KEY/YYYYMMDD"},
  {.name = "a Credential not ending aws4_request",
   .from = "/aws4_request", .to = "/aws5_request", .status = 403,
   .type = INCOMPLETE, .names = "aws4_request"},
  {.name = "a Credential without a key", .from = "Credential=" KEY,
   .to = "Credential=", .status = 403, .type = INCOMPLETE,
   .names = "KEY/YYYYMMDD"},
  {.name = "a Credential date of letters", .from = "/20260101/",
   .to = "/2026010a/", .status = 403, .type = INCOMPLETE,
   .names = "YYYYMMDD"},
  {.name = "a Credential date of seven digits", .from = "/20260101/",
   .to = "/2026011/", .status = 403, .type = INCOMPLETE,
   .names = "YYYYMMDD"},
  {.name = "a Credential without a region", .from = "/us-east-1/",
   .to = "//", .status = 403, .type = INCOMPLETE, .names = "REGION"},
  {.name = "a Credential without a service", .from = "/omics/",
   .to = "//", .status = 403, .type = INCOMPLETE, .names = "SERVICE"},
  {.name = "host not signed", .unsigned_host = 1, .status = 403,
   .type = INCOMPLETE, .names = "host"},
  {.name = "x-amz-date not signed", .unsigned_date = 1, .status = 403,
   .type = INCOMPLETE, .names = "x-amz-date"},
  {.name = "no x-amz-date", .date_sent = "", .status = 403,
   .type = INCOMPLETE, .names = "x-amz-date"},
  {.name = "x-amz-date twice", .date_twice = 1, .status = 403,
   .type = INCOMPLETE, .names = "x-amz-date"},
  {.name = "x-amz-date in ISO 8601", .date_sent = "2026-01-01T00:00:00Z",
   .status = 403, .type = INCOMPLETE, .names = "YYYYMMDDTHHMMSSZ"},
  {.name = "x-amz-date of February 30", .date_sent = "20260230T000000Z",
   .status = 403, .type = INCOMPLETE, .names = "YYYYMMDDTHHMMSSZ"},
  {.name = "an unknown key", .key = "AKIDUNKNOWN00001", .status = 403,
   .type = UNKNOWN, .names = "access key"},
  {.name = "the wrong secret", .secret = "wrongSecret", .status = 403,
   .type = MISMATCH, .names = "Signature"},
  {.name = "another day in the scope", .from = "/20260101/",
   .to = "/20251231/", .status = 403, .type = MISMATCH, .names = "date"},
  {.name = "another region", .region = "eu-west-1", .status = 403,
   .type = MISMATCH, .names = "us-east-1"},
  {.name = "another service", .service = "s3", .status = 403,
   .type = MISMATCH, .names = "omics"},
  {.name = "300 s ahead", .skew = 300, .status = 200},
  {.name = "300 s behind", .skew = -300, .status = 200},
  {.name = "301 s ahead", .skew = 301, .status = 403, .type = MISMATCH,
   .names = "ahead of the service's clock (20260101T000000Z)"},
  {.name = "301 s behind", .skew = -301, .status = 403, .type = MISMATCH,
   .names = "behind"},
  {.name = "UNSIGNED-PAYLOAD on the list", .payload = "UNSIGNED-PAYLOAD",
   .status = 403, .type = MISMATCH, .names = "UploadReadSetPart"},
  {.name = "the body's hash", .payload = "=", .status = 200},
  {.name = "the hash of another body", .payload = EMPTY_HASH,
   .body_sent = "{ }", .status = 403, .type = MISMATCH,
   .names = "x-amz-content-sha256"},
  {.name = "the body's hash in upper case", .payload = "44136FA355B3678A"
   "1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A", .status = 403,
   .type = MISMATCH, .names = "x-amz-content-sha256"},
  {.name = "the body changed after signing", .body_sent = "{ }",
   .status = 403, .type = MISMATCH, .names = "Signature"},
  {.name = "a signed header as long as host", .extra_signed = "X-Ab",
   .extra_sent = 1, .status = 200},
  {.name = "a signed header not sent", .extra_signed = "X-Extra",
   .status = 403, .type = MISMATCH, .names = "x-extra"},
  {.name = "signed headers out of order", .from = "host;x-amz-date",
   .to = "x-amz-date;host", .status = 403, .type = MISMATCH,
   .names = "sorted"},
  {.name = "a principal without the store", .key = NO_STORE_KEY,
   .secret = "noStoreSecret", .status = 403, .type = DENIED,
   .names = "sequence store"},
  {.name = "a principal of the store", .key = ONE_STORE_KEY,
   .secret = "oneStoreSecret", .status = 200},
};

/* Replaces the first from in authorization by to. */
static void edit_authorization(const char *from, const char *to)
{
  char *at = strstr(authorization, from), *out;
  size_t n = strlen(authorization) - strlen(from) + strlen(to) + 1;

  ck_assert_ptr_nonnull(at);
  out = malloc(n);
  ck_assert_ptr_nonnull(out);
  snprintf(out, n, "%.*s%s%s", (int)(at - authorization), authorization,
           to, at + strlen(from));
  free(authorization);
  authorization = out;
}

/* Signs the request of row k into `authorization`, with the headers the
 * row signs and payload as the payload hash (NULL: the body's). */
static void sign_case(const fault_case *k, const char *method,
                      const char *path, const char *body,
                      const char *amz_date, const char *payload)
{
  sigv4_header sig[MAX_HEADERS];
  sigv4_key key = {k->key ? k->key : KEY, k->secret ? k->secret : SECRET,
                   k->region ? k->region : "us-east-1",
                   k->service ? k->service : "omics"};
  char hash[SIGV4_HASH_LEN + 1];
  sigv4_request srq;
  size_t n = 0;

  ck_assert_int_eq(sigv4_hash_hex(body, strlen(body), hash), 0);
  if (!k->unsigned_host)
    sig[n++] = (sigv4_header){"Host", HOST};
  if (!k->unsigned_date)
    sig[n++] = (sigv4_header){"X-Amz-Date", amz_date};
  if (payload)
    sig[n++] = (sigv4_header){"X-Amz-Content-Sha256", payload};
  if (k->extra_signed)
    sig[n++] = (sigv4_header){k->extra_signed, "x"};
  srq = (sigv4_request){method, path, k->part ? "partNumber=1&"
                        "partSource=SOURCE1" : NULL, sig, n,
                        payload ? payload : hash};
  authorization = sigv4_authorization(&srq, &key, amz_date);
  ck_assert_ptr_nonnull(authorization);
}

/* Sends the request of row k; the response is in rs and answer. */
static void send_case(const fault_case *k)
{
  const char *method = k->part ? "PUT" : "POST";
  const char *path = k->part ? PART_PATH : LIST_PATH;
  const char *body = k->part ? "ACGT" : "{}", *payload = k->payload;
  char amz_date[SIGV4_DATE_LEN + 1], hash[SIGV4_HASH_LEN + 1];
  mrsu_header h[MAX_HEADERS];
  mrsu_request rq;
  size_t n = 0;

  ck_assert_int_eq(sigv4_amz_date((time_t)(CLOCK + k->skew), amz_date),
                   0);
  ck_assert_int_eq(sigv4_hash_hex(body, strlen(body), hash), 0);
  if (payload && !strcmp(payload, "="))
    payload = hash;
  sign_case(k, method, path, body, amz_date, payload);
  if (k->from)
    edit_authorization(k->from, k->to);
  h[n++] = (mrsu_header){"Host", HOST};
  if (!k->date_sent || *k->date_sent)
    h[n++] = (mrsu_header){"X-Amz-Date", k->date_sent ? k->date_sent
                                                       : amz_date};
  if (k->date_twice)
    h[n++] = (mrsu_header){"x-amz-date", amz_date};
  if (payload)
    h[n++] = (mrsu_header){"X-Amz-Content-Sha256", payload};
  if (k->extra_sent)
    h[n++] = (mrsu_header){k->extra_signed, "x"};
  if (!k->no_auth)
    h[n++] = (mrsu_header){"Authorization", authorization};
  if (k->auth_twice)
    h[n++] = (mrsu_header){"authorization", authorization};
  if (k->body_sent)
    body = k->body_sent;
  rq = (mrsu_request){method, path, k->part ? "partNumber=1&partSource="
                      "SOURCE1" : NULL, h, n,
                      (const unsigned char *)body, strlen(body), NULL,
                      NULL};
  ck_assert_int_eq(mrsu_handle(svc, &rq, &rs), 0);
  answer = cJSON_ParseWithLength(rs.body, rs.body_len);
}

START_TEST(fault_table)
{
  const fault_case *k = &fault_cases[_i];
  const cJSON *message;

  send_case(k);
  ck_assert_msg(rs.status == k->status, "%s: status %d, expected %d: %.*s",
                k->name, rs.status, k->status, (int)rs.body_len, rs.body);
  ck_assert_pstr_eq(rs.error_type, k->type);
  ck_assert_pstr_eq(mrsu_response_header(&rs, "X-Amzn-ErrorType"),
                    k->type);
  if (!k->names)
    return;
  message = cJSON_GetObjectItemCaseSensitive(answer, "message");
  ck_assert_msg(cJSON_IsString(message) &&
                strstr(message->valuestring, k->names),
                "%s: the message does not name %s: %.*s", k->name,
                k->names, (int)rs.body_len, rs.body);
}
END_TEST

/* ---- Stores, bodies kept elsewhere ------------------------------ */

/* Sends a signed request for principal key/secret: host and
 * x-amz-date signed, and x-amz-content-sha256 when payload is not NULL.
 * The payload hash signed is payload, else the hash of the checksum,
 * else of the body (none: of nothing). */
static void send_signed(const char *key, const char *secret,
                        const char *method, const char *path,
                        const char *query, const char *body,
                        size_t body_len, const char *checksum,
                        const char *payload)
{
  char amz_date[SIGV4_DATE_LEN + 1], hash[SIGV4_HASH_LEN + 1];
  sigv4_header sig[3];
  mrsu_header h[4];
  sigv4_key k = {key, secret, "us-east-1", "omics"};
  size_t n = 2;

  ck_assert_int_eq(sigv4_amz_date((time_t)CLOCK, amz_date), 0);
  if (!checksum || checksum_to_hex(checksum, hash) < 0)
    ck_assert_int_eq(sigv4_hash_hex(body ? body : "", body ? body_len : 0,
                                    hash), 0);
  sig[0] = (sigv4_header){"host", HOST};
  sig[1] = (sigv4_header){"x-amz-date", amz_date};
  if (payload)
    sig[n++] = (sigv4_header){"x-amz-content-sha256", payload};
  free(authorization);
  authorization = sigv4_authorization(&(sigv4_request){method, path, query,
                                      sig, n, payload ? payload : hash},
                                      &k, amz_date);
  ck_assert_ptr_nonnull(authorization);
  for (size_t i = 0; i < n; i++)
    h[i] = (mrsu_header){sig[i].name, sig[i].value};
  h[n] = (mrsu_header){"Authorization", authorization};
  mrsu_response_free(&rs);
  ck_assert_int_eq(mrsu_handle(svc, &(mrsu_request){method, path, query,
                   h, n + 1, (const unsigned char *)body, body_len,
                   checksum, NULL}, &rs), 0);
}

/* A principal of one store may use it and no other; a label that does
 * not decode is that principal's 403, and an all-stores principal's
 * 400. */
START_TEST(store_permissions)
{
  send_signed(ONE_STORE_KEY, "oneStoreSecret", "POST",
              "/sequencestore/1111111111/uploads", NULL, "", 0, NULL,
              NULL);
  ck_assert_int_eq(rs.status, 403);
  ck_assert_pstr_eq(rs.error_type, DENIED);
  send_signed(ONE_STORE_KEY, "oneStoreSecret", "POST",
              "/sequencestore/%zz/uploads", NULL, "", 0, NULL, NULL);
  ck_assert_int_eq(rs.status, 403);
  send_signed(KEY, SECRET, "POST", "/sequencestore/%zz/uploads", NULL, "",
              0, NULL, NULL);
  ck_assert_int_eq(rs.status, 400);
  send_signed(KEY, SECRET, "POST", "/sequencestore/9999999999/uploads",
              NULL, "", 0, NULL, NULL);
  ck_assert_int_eq(rs.status, 404);
}
END_TEST

/* A part that a server streamed elsewhere is known by its checksum;
 * its hash is checked against x-amz-content-sha256 through it. */
START_TEST(streamed_part)
{
  static const char q[] = "partNumber=1&partSource=SOURCE1";
  char sum[CHECKSUM_LEN + 1], hex[SIGV4_HASH_LEN + 1];

  ck_assert_int_eq(checksum_of("ACGT", 4, sum), 0);
  ck_assert_int_eq(sigv4_hash_hex("ACGT", 4, hex), 0);
  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, 4, sum, hex);
  ck_assert_int_eq(rs.status, 404);
  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, 4, sum, EMPTY_HASH);
  ck_assert_int_eq(rs.status, 403);
  ck_assert_pstr_eq(rs.error_type, MISMATCH);
  /* Without the header, the hash comes from the checksum alone. */
  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, 4, sum, NULL);
  ck_assert_int_eq(rs.status, 404);
}
END_TEST

/* A body the server did not keep (over its limit) cannot be hashed:
 * without x-amz-content-sha256 the request is incomplete; with it, the
 * operation refuses the size. */
START_TEST(body_not_kept)
{
  static const char q[] = "partNumber=1&partSource=SOURCE1";
  size_t big = (size_t)MRSU_MAX_PART_SIZE + 1;

  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, big, NULL, NULL);
  ck_assert_int_eq(rs.status, 403);
  ck_assert_pstr_eq(rs.error_type, INCOMPLETE);
  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, big, "not-a-sum",
              NULL);
  ck_assert_int_eq(rs.status, 403);
  ck_assert_pstr_eq(rs.error_type, INCOMPLETE);
  send_signed(KEY, SECRET, "PUT", PART_PATH, q, NULL, big, NULL,
              SIGV4_UNSIGNED_PAYLOAD);
  ck_assert_int_eq(rs.status, 400);
  send_signed(KEY, SECRET, "POST", LIST_PATH, NULL, NULL, 9000000, NULL,
              EMPTY_HASH);
  ck_assert_int_eq(rs.status, 400);
}
END_TEST

/* 405 comes before 403: an unsigned request to no operation is 405. */
START_TEST(route_before_auth)
{
  mrsu_request rq = {"GET", LIST_PATH, NULL, NULL, 0, NULL, 0, NULL, NULL};

  ck_assert_int_eq(mrsu_handle(svc, &rq, &rs), 0);
  ck_assert_int_eq(rs.status, 405);
}
END_TEST

/* Store permission on its own. */
START_TEST(allows_store)
{
  static const char *const bad[] = {"0123456789"};
  mrsu_principal p = {"K", "S", bad, 1};

  ck_assert_int_eq(auth_allows_store(&p, "0123456789", 10), 1);
  ck_assert_int_eq(auth_allows_store(&p, "%30123456789", 12), 1);
  ck_assert_int_eq(auth_allows_store(&p, "1123456789", 10), 0);
  ck_assert_int_eq(auth_allows_store(&p, "%zz", 3), 0);
  p.store_count = 0;
  ck_assert_int_eq(auth_allows_store(&p, "0123456789", 10), 0);
  ck_assert_int_eq(auth_allows_store(&principals[0], "%zz", 3), 1);
}
END_TEST

/* ---- Configuration ---------------------------------------------- */

/* A principal without its key id, secret or stores, a region, a skew:
 * each makes the configuration invalid. */
START_TEST(config_invalid)
{
  mrsu_principal p[] = {{KEY, SECRET, NULL, 0}};
  mrsu_config config;

  mrsu_config_default(&config);
  ck_assert_str_eq(config.region, "us-east-1");
  ck_assert_int_eq(config.clock_skew, 300);
  ck_assert_uint_eq(config.principal_count, 0);
  config.principals = p;
  config.principal_count = 1;
  svc = mrsu_service_new(&config);
  ck_assert_ptr_nonnull(svc);
  p[0].store_count = 1;
  ck_assert_ptr_null(mrsu_service_new(&config));
  p[0] = (mrsu_principal){NULL, SECRET, NULL, 0};
  ck_assert_ptr_null(mrsu_service_new(&config));
  p[0] = (mrsu_principal){KEY, NULL, NULL, 0};
  ck_assert_ptr_null(mrsu_service_new(&config));
  mrsu_config_default(&config);
  config.region = NULL;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config.region = "";
  ck_assert_ptr_null(mrsu_service_new(&config));
  mrsu_config_default(&config);
  config.clock_skew = -1;
  ck_assert_ptr_null(mrsu_service_new(&config));
}
END_TEST

/* ---- The credentials file --------------------------------------- */

/* A credentials text and the word its error must contain (NULL: it is
 * accepted). */
typedef struct creds_case {
  const char *text;
  const char *names;
} creds_case;

#define P1 "{\"accessKeyId\":\"AKID1\",\"secretAccessKey\":\"s\"," \
           "\"stores\":[\"0123456789\",\"*\"]}"

static const creds_case creds_cases[] = {
  {"{\"version\":1,\"principals\":[" P1 "]}", NULL},
  {"{\"version\":1,\"principals\":[" P1 ",{\"accessKeyId\":\"A_2\","
   "\"secretAccessKey\":\"~!x\",\"stores\":[]}]}", NULL},
  {"", "byte 0"},
  {"[]", "JSON object"},
  {"{\"version\":2,\"principals\":[" P1 "]}", "version"},
  {"{\"principals\":[" P1 "]}", "version"},
  {"{\"version\":1}", "principals"},
  {"{\"version\":1,\"principals\":{}}", "principals"},
  {"{\"version\":1,\"principals\":[]}", "at least one"},
  {"{\"version\":1,\"principals\":[" P1 "],\"extra\":0}", "extra"},
  {"{\"version\":1,\"principals\":[1]}", "principals[0]"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"s\",\"stores\":[],\"role\":\"x\"}]}",
   "principals[0].role"},
  {"{\"version\":1,\"principals\":[{\"secretAccessKey\":\"s\","
   "\"stores\":[]}]}", "principals[0].accessKeyId"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A/B\","
   "\"secretAccessKey\":\"s\",\"stores\":[]}]}", "accessKeyId"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"\","
   "\"secretAccessKey\":\"s\",\"stores\":[]}]}", "accessKeyId"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"stores\":[]}]}", "secretAccessKey"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"a b\",\"stores\":[]}]}", "secretAccessKey"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"\\u00e9\",\"stores\":[]}]}", "secretAccessKey"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"a\\u007f\",\"stores\":[]}]}",
   "secretAccessKey"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"s\"}]}", "stores"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"s\",\"stores\":\"*\"}]}", "stores"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"s\",\"stores\":[\"*\",\"123\"]}]}",
   "principals[0].stores[1]"},
  {"{\"version\":1,\"principals\":[{\"accessKeyId\":\"A\","
   "\"secretAccessKey\":\"s\",\"stores\":[5]}]}", "stores[0]"},
  {"{\"version\":1,\"principals\":[" P1 "," P1 "]}",
   "principals[1].accessKeyId: is given twice"},
};

START_TEST(credentials_table)
{
  const creds_case *k = &creds_cases[_i];
  char err[300] = "";
  int rc = mrsu_credentials_parse(k->text, strlen(k->text), &creds, err,
                                  sizeof err);

  if (!k->names) {
    ck_assert_msg(rc == 0, "refused: %s", err);
    ck_assert_ptr_nonnull(mrsu_credentials_find(&creds, "AKID1"));
    return;
  }
  ck_assert_int_eq(rc, -1);
  ck_assert_msg(strstr(err, k->names) != NULL, "\"%s\" does not name %s",
                err, k->names);
}
END_TEST

/* The committed file reads, and holds the two principals vectors use. */
START_TEST(credentials_committed_file)
{
  const mrsu_principal *p;
  char err[300];

  /* The unit tests run from the top of the repository. */
  ck_assert_int_eq(mrsu_credentials_load("tests/credentials.json", &creds,
                                         err, sizeof err), 0);
  ck_assert_uint_eq(creds.count, 2);
  p = mrsu_credentials_find(&creds, "AKIDCONFORMANCE1");
  ck_assert_ptr_nonnull(p);
  ck_assert_uint_eq(p->store_count, 1);
  ck_assert_str_eq(p->stores[0], "*");
  p = mrsu_credentials_find(&creds, "AKIDNOSTORE0001");
  ck_assert_ptr_nonnull(p);
  ck_assert_uint_eq(p->store_count, 0);
  ck_assert_ptr_null(mrsu_credentials_find(&creds, "AKIDOTHER"));
  mrsu_credentials_free(&creds);
  mrsu_credentials_free(&creds);
}
END_TEST

/* Files that cannot be read, or are too large, or malformed, are
 * refused with their path named. */
START_TEST(credentials_files_refused)
{
  char err[300];
  FILE *f;
  int fd;

  ck_assert_int_eq(mrsu_credentials_load("tests/no-such.json", &creds,
                                         err, sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "tests/no-such.json"));
  ck_assert_int_eq(mrsu_credentials_load("tests", &creds, err,
                                         sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "cannot be read"));
  snprintf(tmp_path, sizeof tmp_path, "/tmp/mrsu-creds-XXXXXX");
  fd = mkstemp(tmp_path);
  ck_assert_int_ge(fd, 0);
  f = fdopen(fd, "w");
  ck_assert_ptr_nonnull(f);
  fputs("{\"version\":1}", f);
  fflush(f);
  ck_assert_int_eq(mrsu_credentials_load(tmp_path, &creds, err,
                                         sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "principals"));
  ck_assert_ptr_nonnull(strstr(err, tmp_path));
  for (unsigned i = 0; i <= MRSU_MAX_CREDENTIALS_FILE; i++)
    fputc(' ', f);
  fclose(f);
  ck_assert_int_eq(mrsu_credentials_load(tmp_path, &creds, err,
                                         sizeof err), -1);
  ck_assert_ptr_nonnull(strstr(err, "bytes"));
}
END_TEST

#define COUNT(table) ((int)(sizeof table / sizeof *table))

Suite *auth_suite(void)
{
  Suite *s = suite_create("auth");
  TCase *verify = tcase_create("verify");
  TCase *credentials = tcase_create("credentials");

  tcase_add_checked_fixture(verify, auth_setup, auth_teardown);
  tcase_add_test(verify, aws_example_accepted);
  tcase_add_test(verify, aws_example_altered);
  tcase_add_loop_test(verify, fault_table, 0, COUNT(fault_cases));
  tcase_add_test(verify, store_permissions);
  tcase_add_test(verify, streamed_part);
  tcase_add_test(verify, body_not_kept);
  tcase_add_test(verify, route_before_auth);
  tcase_add_test(verify, allows_store);
  suite_add_tcase(s, verify);
  tcase_add_checked_fixture(credentials, NULL, auth_teardown);
  tcase_add_test(credentials, config_invalid);
  tcase_add_loop_test(credentials, credentials_table, 0,
                      COUNT(creds_cases));
  tcase_add_test(credentials, credentials_committed_file);
  tcase_add_test(credentials, credentials_files_refused);
  suite_add_tcase(s, credentials);
  return s;
}
