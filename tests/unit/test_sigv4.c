/*
 * test_sigv4.c: AWS Signature Version 4 (sigv4.h).
 *
 * The first signing case is the worked example AWS publishes for
 * Signature Version 4 (IAM ListUsers, 2015-08-30, key AKIDEXAMPLE):
 * its canonical request, signing key and signature. The verifier reads
 * back what the signer writes: x-amz-date (whose times come from
 * Python's calendar.timegm) and the Authorization value. The other cases and
 * the canonical-form tables were computed independently with Python's
 * hashlib, hmac and urllib.parse, from the rules sigv4.h states.
 */
#include "suites.h"

#include "sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 6

/* Freed by teardown, so a failed assertion leaks nothing. */
static char *held[4];

/* Frees what the test left. */
static void sigv4_teardown(void)
{
  for (size_t i = 0; i < sizeof held / sizeof *held; i++) {
    free(held[i]);
    held[i] = NULL;
  }
}

/* Keeps s in slot i of `held` for teardown. Returns s. */
static char *hold(size_t i, char *s)
{
  free(held[i]);
  held[i] = s;
  return s;
}

#define AWS_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define OMICS_SECRET "omicsSecretKeyEXAMPLE0123456789abcdef"
#define EMPTY_HASH \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define BODY_HASH \
  "e8d9214120f9fdef4bc6ed29fd763ed769ca9fe5ca2c420a20c710b2873e04c9"

/* A request to sign and every intermediate value expected. */
typedef struct sign_case {
  const char *method, *path, *query;
  sigv4_header headers[MAX_HEADERS];    /* up to the first NULL name */
  const char *payload_hash;
  sigv4_key key;
  const char *amz_date;
  const char *canonical_request;
  const char *signing_key;              /* hex */
  const char *signature;
  const char *authorization;
} sign_case;

static const sign_case sign_cases[] = {
  {"GET", "/", "Action=ListUsers&Version=2010-05-08",
   {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
    {"host", "iam.amazonaws.com"},
    {"x-amz-date", "20150830T123600Z"}},
   EMPTY_HASH,
   {"AKIDEXAMPLE", AWS_SECRET, "us-east-1", "iam"}, "20150830T123600Z",
   "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
   "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
   "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
   "content-type;host;x-amz-date\n" EMPTY_HASH,
   "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
   "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
   "aws4_request, SignedHeaders=content-type;host;x-amz-date, "
   "Signature="
   "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"},
  {"POST", "/sequencestore/0123456789/upload/1000000001/complete", NULL,
   {{"Content-Type", "application/json"},
    {"Host", "127.0.0.1:8080"},
    {"X-Amz-Date", "20260101T000000Z"},
    {"X-Amz-Content-Sha256", BODY_HASH},
    {"X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE/token+x="}},
   BODY_HASH,
   {"AKIDOMICSEXAMPLE", OMICS_SECRET, "us-west-2", "omics"},
   "20260101T000000Z",
   "POST\n/sequencestore/0123456789/upload/1000000001/complete\n\n"
   "content-type:application/json\nhost:127.0.0.1:8080\n"
   "x-amz-content-sha256:" BODY_HASH "\n"
   "x-amz-date:20260101T000000Z\n"
   "x-amz-security-token:FwoGZXIvYXdzEXAMPLE/token+x=\n\n"
   "content-type;host;x-amz-content-sha256;x-amz-date;"
   "x-amz-security-token\n" BODY_HASH,
   "f4e171158d479950da628966c66b3c21ce2ca9ec21a8ac46e8d5baf4f33a9e63",
   "bf8cd383711ad30ea66faad4e30a9f725da1a80ca03920506143ded3a0eae36a",
   "AWS4-HMAC-SHA256 Credential=AKIDOMICSEXAMPLE/20260101/us-west-2/"
   "omics/aws4_request, SignedHeaders=content-type;host;"
   "x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature="
   "bf8cd383711ad30ea66faad4e30a9f725da1a80ca03920506143ded3a0eae36a"},
  {"PUT", "/sequencestore/0123456789/upload/1000000001/part",
   "partSource=SOURCE1&partNumber=1",
   {{"Content-Type", "application/octet-stream"},
    {"Host", "omics.us-east-1.amazonaws.com"},
    {"X-Amz-Date", "20260704T235959Z"},
    {"X-Amz-Content-Sha256", SIGV4_UNSIGNED_PAYLOAD}},
   SIGV4_UNSIGNED_PAYLOAD,
   {"AKIDOMICSEXAMPLE", OMICS_SECRET, "us-east-1", "omics"},
   "20260704T235959Z",
   "PUT\n/sequencestore/0123456789/upload/1000000001/part\n"
   "partNumber=1&partSource=SOURCE1\n"
   "content-type:application/octet-stream\n"
   "host:omics.us-east-1.amazonaws.com\n"
   "x-amz-content-sha256:UNSIGNED-PAYLOAD\n"
   "x-amz-date:20260704T235959Z\n\n"
   "content-type;host;x-amz-content-sha256;x-amz-date\n"
   "UNSIGNED-PAYLOAD",
   "0db4788961b1563385fa29d96bcd0e637cb12979c7f33b111a027a39693a34d2",
   "10b78885ccc044b69fe9a516187c4e277307c84fb7825af2cf0db2fc065e7f94",
   "AWS4-HMAC-SHA256 Credential=AKIDOMICSEXAMPLE/20260704/us-east-1/"
   "omics/aws4_request, SignedHeaders=content-type;host;"
   "x-amz-content-sha256;x-amz-date, Signature="
   "10b78885ccc044b69fe9a516187c4e277307c84fb7825af2cf0db2fc065e7f94"},
  {"GET", "/a/./b/../c//d%20e/", "z=1&a=%zz&a=b+c&flag&&x=%2F",
   {{"X-Multi", "a"},
    {"Host", "example.com"},
    {"x-multi", "  b \t  c "},
    {"X-Amz-Date", "20991231T120000Z"}},
   EMPTY_HASH,
   {"AKID", "s", "eu-central-1", "omics"}, "20991231T120000Z",
   "GET\n/a/c/d%2520e/\na=%25zz&a=b%2Bc&flag=&x=%2F&z=1\n"
   "host:example.com\nx-amz-date:20991231T120000Z\nx-multi:a,b c\n\n"
   "host;x-amz-date;x-multi\n" EMPTY_HASH,
   "f700f0f0dd398687b71c137579a1f496981cf43385d86ae387b1e0f67f76cd74",
   "a9bcd6fbff0e5e575dd5b3d526a1ccd9cb420b624b1a281270ef1267c85db576",
   "AWS4-HMAC-SHA256 Credential=AKID/20991231/eu-central-1/omics/"
   "aws4_request, SignedHeaders=host;x-amz-date;x-multi, Signature="
   "a9bcd6fbff0e5e575dd5b3d526a1ccd9cb420b624b1a281270ef1267c85db576"},
};

/* Fills rq from case k. */
static void request_of(const sign_case *k, sigv4_request *rq)
{
  size_t n = 0;

  while (n < MAX_HEADERS && k->headers[n].name)
    n++;
  *rq = (sigv4_request){k->method, k->path, k->query, k->headers, n,
                       k->payload_hash};
}

/* The canonical request, as computed independently. */
START_TEST(canonical_request)
{
  const sign_case *k = &sign_cases[_i];
  sigv4_request rq;
  char *signed_headers = NULL;

  request_of(k, &rq);
  hold(0, sigv4_canonical_request(&rq, &signed_headers));
  hold(1, signed_headers);
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_str_eq(held[0], k->canonical_request);
  ck_assert_ptr_nonnull(strstr(k->canonical_request, signed_headers));
}
END_TEST

/* The signing key of the day, region and service. */
START_TEST(signing_key)
{
  const sign_case *k = &sign_cases[_i];
  unsigned char key[SIGV4_KEY_LEN];
  char hex[2 * SIGV4_KEY_LEN + 1];

  ck_assert_int_eq(sigv4_signing_key(&k->key, k->amz_date, key), 0);
  for (size_t i = 0; i < sizeof key; i++)
    snprintf(hex + 2 * i, 3, "%02x", key[i]);
  ck_assert_str_eq(hex, k->signing_key);
}
END_TEST

/* The signature, through the string to sign. */
START_TEST(signature)
{
  const sign_case *k = &sign_cases[_i];
  char sig[SIGV4_HASH_LEN + 1];

  hold(0, sigv4_string_to_sign(&k->key, k->amz_date,
                               k->canonical_request));
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_int_eq(strncmp(held[0], "AWS4-HMAC-SHA256\n", 17), 0);
  ck_assert_int_eq(sigv4_signature(&k->key, k->amz_date, held[0], sig),
                   0);
  ck_assert_str_eq(sig, k->signature);
}
END_TEST

/* The Authorization header value from the request alone. */
START_TEST(authorization)
{
  const sign_case *k = &sign_cases[_i];
  sigv4_request rq;

  request_of(k, &rq);
  hold(0, sigv4_authorization(&rq, &k->key, k->amz_date));
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_str_eq(held[0], k->authorization);
}
END_TEST

/* A raw form and its canonical form. */
typedef struct form_case {
  const char *raw;
  const char *canonical;
} form_case;

static const form_case uri_cases[] = {
  {"", "/"}, {"/", "/"}, {"/./example", "/example"},
  {"//example//", "/example/"}, {"/a/b/../c", "/a/c"},
  {"/a/b/..", "/a/"}, {"/a/..", "/"}, {"/a/.", "/a/"},
  {"/%41", "/%2541"}, {"/a b", "/a%20b"},
  {"/\xE1\x88\xB4", "/%E1%88%B4"}, {"/~x-_.", "/~x-_."},
  {"/../..", "/"}, {"rel/x", "/rel/x"}, {"/a/b/", "/a/b/"},
  {"/sequencestore/0123456789/upload/1/complete",
   "/sequencestore/0123456789/upload/1/complete"},
};

START_TEST(canonical_uri)
{
  const form_case *k = &uri_cases[_i];

  hold(0, sigv4_canonical_uri(k->raw));
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_str_eq(held[0], k->canonical);
}
END_TEST

static const form_case query_cases[] = {
  {NULL, ""}, {"", ""}, {"b=2&a=1", "a=1&b=2"}, {"flag", "flag="},
  {"x=1&x=3&x=2", "x=1&x=2&x=3"}, {"%zz=1", "%25zz=1"},
  {"a=%41", "a=A"}, {"a=b+c", "a=b%2Bc"}, {"a=1&&b", "a=1&b="},
  {"k=v=w", "k=v%3Dw"}, {"a=%2", "a=%252"}, {"a=%", "a=%25"},
  {"sp=a%20b", "sp=a%20b"}, {"u=\xC3\xA9", "u=%C3%A9"},
  {"%41=1&A=0", "A=0&A=1"}, {"a=/?:@", "a=%2F%3F%3A%40"},
  {"a=%6a%4A", "a=jJ"},
};

START_TEST(canonical_query)
{
  const form_case *k = &query_cases[_i];

  hold(0, sigv4_canonical_query(k->raw));
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_str_eq(held[0], k->canonical);
}
END_TEST

/* Headers given, and the canonical headers and list expected. */
typedef struct header_case {
  sigv4_header headers[MAX_HEADERS];
  const char *canonical;
  const char *signed_headers;
} header_case;

static const header_case header_cases[] = {
  {{{NULL, NULL}}, "", ""},
  {{{"Host", " example.com "}}, "host:example.com\n", "host"},
  {{{"B", "2"}, {"a", "1"}, {"b", "3"}},
   "a:1\nb:2,3\n", "a;b"},
  {{{"X", "a  b\t\tc"}, {"Y", ""}, {"Z", " \t "}},
   "x:a b c\ny:\nz:\n", "x;y;z"},
  {{{"Content-Type", "application/json"}, {"CONTENT-TYPE", "text/plain"}},
   "content-type:application/json,text/plain\n", "content-type"},
};

START_TEST(canonical_headers)
{
  const header_case *k = &header_cases[_i];
  size_t n = 0;
  char *list = NULL;

  while (n < MAX_HEADERS && k->headers[n].name)
    n++;
  hold(0, sigv4_canonical_headers(k->headers, n, &list));
  hold(1, list);
  ck_assert_ptr_nonnull(held[0]);
  ck_assert_str_eq(held[0], k->canonical);
  ck_assert_str_eq(list, k->signed_headers);
}
END_TEST

/* Which requests leave their payload unsigned. */
START_TEST(unsigned_payload)
{
  ck_assert_int_eq(sigv4_unsigned_payload("PUT", "/s/1/upload/2/part"), 1);
  ck_assert_int_eq(sigv4_unsigned_payload("PUT", "/part"), 1);
  ck_assert_int_eq(sigv4_unsigned_payload("POST", "/s/1/upload/2/part"),
                   0);
  ck_assert_int_eq(sigv4_unsigned_payload("put", "/s/1/upload/2/part"),
                   0);
  ck_assert_int_eq(sigv4_unsigned_payload("PUT", "/s/1/upload/2/parts"),
                   0);
  ck_assert_int_eq(sigv4_unsigned_payload("PUT", "/s/1/upload/2/xpart"),
                   0);
  ck_assert_int_eq(sigv4_unsigned_payload("PUT", "part"), 0);
}
END_TEST

/* Hashes, dates, and malformed dates refused. */
START_TEST(hash_and_dates)
{
  sigv4_key key = {"AKID", "s", "us-east-1", "omics"};
  unsigned char k[SIGV4_KEY_LEN];
  char hex[SIGV4_HASH_LEN + 1], date[SIGV4_DATE_LEN + 1];

  ck_assert_int_eq(sigv4_hash_hex("", 0, hex), 0);
  ck_assert_str_eq(hex, EMPTY_HASH);
  ck_assert_int_eq(sigv4_hash_hex("abc", 3, hex), 0);
  ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
                        "b00361a396177a9cb410ff61f20015ad");
  ck_assert_int_eq(sigv4_amz_date(1440938160, date), 0);
  ck_assert_str_eq(date, "20150830T123600Z");
  /* Year 10000 needs a fifth digit: no x-amz-date can name it. */
  ck_assert_int_eq(sigv4_amz_date((time_t)253402300800LL, date), -1);
  ck_assert_int_eq(sigv4_signing_key(&key, "20150830T123600", k), -1);
  ck_assert_int_eq(sigv4_signing_key(&key, "20150830 123600Z", k), -1);
  ck_assert_int_eq(sigv4_signing_key(&key, "2015083OT123600Z", k), -1);
  ck_assert_ptr_null(sigv4_scope(&key, "20150830"));
  hold(0, sigv4_scope(&key, "20150830T123600Z"));
  ck_assert_str_eq(held[0], "20150830/us-east-1/omics/aws4_request");
}
END_TEST

/* An x-amz-date and the time it names, or -1 when it names none. */
typedef struct date_case {
  const char *text;
  long long seconds;
} date_case;

static const date_case date_cases[] = {
  {"20260101T000000Z", 1767225600LL},
  {"19700101T000000Z", 0},
  {"19691231T235959Z", -1},
  {"20150830T123600Z", 1440938160LL},
  {"20240229T235959Z", 1709251199LL},
  {"20000229T000000Z", 951782400LL},
  {"20260131T000000Z", 1769817600LL},
  {"20230229T000000Z", -2},
  {"19000229T000000Z", -2},
  {"20260431T000000Z", -2},
  {"20260001T000000Z", -2},
  {"20261301T000000Z", -2},
  {"20260100T000000Z", -2},
  {"20260132T000000Z", -2},
  {"20260101T240000Z", -2},
  {"20260101T006000Z", -2},
  {"20260101T000060Z", -2},
  {"20260101T0000a0Z", -2},
  {"2026010aT000000Z", -2},
  {"20260101 000000Z", -2},
  {"20260101T000000z", -2},
  {"20260101T000000", -2},
  {"20260101T000000ZZ", -2},
  {"", -2},
};

START_TEST(amz_date_table)
{
  const date_case *k = &date_cases[_i];
  long long t = -3;

  if (k->seconds == -2) {
    ck_assert_msg(sigv4_parse_amz_date(k->text, &t) == -1, "%s", k->text);
    return;
  }
  ck_assert_msg(sigv4_parse_amz_date(k->text, &t) == 0, "%s", k->text);
  ck_assert_int_eq(t, k->seconds);
}
END_TEST

START_TEST(amz_date_null)
{
  long long t;

  ck_assert_int_eq(sigv4_parse_amz_date(NULL, &t), -1);
}
END_TEST

#define SIG64 "0123456789abcdef0123456789abcdef" \
              "0123456789abcdef0123456789abcdef"
#define CRED "Credential=AKID/20260101/us-east-1/omics/aws4_request"

/* An Authorization value, and the word of the reason when it does not
 * read (NULL: it reads). */
typedef struct auth_value_case {
  const char *value;
  const char *names;
} auth_value_case;

static const auth_value_case auth_value_cases[] = {
  {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host;x-amz-date, "
   "Signature=" SIG64, NULL},
  {"AWS4-HMAC-SHA256 Signature=" SIG64 " ,SignedHeaders=host ,  " CRED
   "  ", NULL},
  {"AWS4-HMAC-SHA256" CRED, "begin"},
  {"AWS4-HMAC-SHA1 " CRED, "begin"},
  {"aws4-hmac-sha256 " CRED, "begin"},
  {"", "begin"},
  {"AWS4-HMAC-SHA256 ", "NAME=VALUE"},
  {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host", "required"},
  {"AWS4-HMAC-SHA256 " CRED ", Signature=" SIG64, "required"},
  {"AWS4-HMAC-SHA256 SignedHeaders=host, Signature=" SIG64, "required"},
  {"AWS4-HMAC-SHA256 " CRED ", " CRED, "twice"},
  {"AWS4-HMAC-SHA256 " CRED ", Region=x", "not Credential"},
  {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host, Signature=" SIG64
   "0", "64"},
  {"AWS4-HMAC-SHA256 " CRED ", SignedHeaders=host, Signature="
   "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
   "64"},
  {"AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/omics, "
   "SignedHeaders=host, Signature=" SIG64, "KEY/YYYYMMDD"},
  {"AWS4-HMAC-SHA256 Credential=AKID/2026010/us-east-1/omics/"
   "aws4_request, SignedHeaders=host, Signature=" SIG64, "KEY/YYYYMMDD"},
};

START_TEST(authorization_table)
{
  const auth_value_case *k = &auth_value_cases[_i];
  sigv4_credential cred;
  const char *why = NULL;
  int rc = sigv4_parse_authorization(k->value, &cred, &why);

  if (k->names) {
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_null(cred.text);
    ck_assert_msg(strstr(why, k->names) != NULL, "%s: %s", k->value, why);
    return;
  }
  ck_assert_msg(rc == 0, "%s: %s", k->value, why);
  ck_assert_str_eq(cred.access_key_id, "AKID");
  ck_assert_str_eq(cred.date, "20260101");
  ck_assert_str_eq(cred.region, "us-east-1");
  ck_assert_str_eq(cred.service, "omics");
  ck_assert_str_eq(cred.signature, SIG64);
  ck_assert_int_eq(strncmp(cred.signed_headers, "host", 4), 0);
  sigv4_credential_free(&cred);
  ck_assert_ptr_null(cred.text);
  sigv4_credential_free(&cred);
}
END_TEST

/* Signing refuses a malformed date and leaves nothing to free. */
START_TEST(sign_refuses_bad_date)
{
  const sign_case *k = &sign_cases[0];
  char sig[SIGV4_HASH_LEN + 1], *list = (char *)"unset";
  sigv4_request rq;

  request_of(k, &rq);
  ck_assert_int_eq(sigv4_sign(&rq, &k->key, "20150830", sig, &list), -1);
  ck_assert_ptr_null(list);
  ck_assert_ptr_null(sigv4_authorization(&rq, &k->key, "2015-08-30"));
  rq.method = NULL;
  ck_assert_ptr_null(sigv4_canonical_request(&rq, &list));
  ck_assert_ptr_null(list);
  request_of(k, &rq);
  ck_assert_int_eq(sigv4_sign(&rq, &k->key, k->amz_date, sig, &list), 0);
  hold(0, list);
  ck_assert_str_eq(sig, k->signature);
  ck_assert_str_eq(list, "content-type;host;x-amz-date");
}
END_TEST

Suite *sigv4_suite(void)
{
  Suite *s = suite_create("sigv4");
  TCase *tc = tcase_create("sign");
  TCase *forms = tcase_create("canonical_forms");
  int n = (int)(sizeof sign_cases / sizeof *sign_cases);

  tcase_add_checked_fixture(tc, NULL, sigv4_teardown);
  tcase_add_loop_test(tc, canonical_request, 0, n);
  tcase_add_loop_test(tc, signing_key, 0, n);
  tcase_add_loop_test(tc, signature, 0, n);
  tcase_add_loop_test(tc, authorization, 0, n);
  tcase_add_test(tc, unsigned_payload);
  tcase_add_test(tc, hash_and_dates);
  tcase_add_test(tc, sign_refuses_bad_date);
  tcase_add_loop_test(tc, amz_date_table, 0,
                      (int)(sizeof date_cases / sizeof *date_cases));
  tcase_add_test(tc, amz_date_null);
  tcase_add_loop_test(tc, authorization_table, 0,
                      (int)(sizeof auth_value_cases /
                            sizeof *auth_value_cases));
  suite_add_tcase(s, tc);
  tcase_add_checked_fixture(forms, NULL, sigv4_teardown);
  tcase_add_loop_test(forms, canonical_uri, 0,
                      (int)(sizeof uri_cases / sizeof *uri_cases));
  tcase_add_loop_test(forms, canonical_query, 0,
                      (int)(sizeof query_cases / sizeof *query_cases));
  tcase_add_loop_test(forms, canonical_headers, 0,
                      (int)(sizeof header_cases / sizeof *header_cases));
  suite_add_tcase(s, forms);
  return s;
}
