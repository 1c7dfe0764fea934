/*
 * test_service.c: whole requests through mrsu_handle (mrsu.h).
 *
 * Every test starts a fresh service with the default store and a fixed
 * clock, then sends requests as a client would. Errors are judged by
 * status, the X-Amzn-ErrorType header, the Content-Type and a body whose
 * only member is "message"; a message is asserted only to name the
 * field, label or resource at fault. The tables cover routing, URI
 * labels, Content-Type, body size, query parameters and the Complete
 * body; the other tests follow uploads through their states and pin
 * the order in which faults are reported.
 */
#include "suites.h"

#include "checksum.h"
#include "mrsu.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE MRSU_DEFAULT_STORE
#define MISSING_STORE "9999999999"
#define MISSING_UPLOAD "8888888888"
#define CLOCK 1767225600                 /* 2026-01-01T00:00:00Z */
#define CLOCK_TEXT "2026-01-01T00:00:00Z"
#define JSON "application/json"
#define ID_ROOM 40

/* The state of the running test; teardown frees it all. */
static mrsu_service *svc;
static mrsu_response rs;
static cJSON *answer;           /* the last response body, parsed */
static unsigned char *big;      /* a large request body */
static char path_buf[256];
static char body_buf[8192];

/* Starts a service from config, or from the defaults when NULL. */
static void start(const mrsu_config *config)
{
  mrsu_config defaults;

  mrsu_config_default(&defaults);
  defaults.fixed_time = CLOCK;
  mrsu_service_free(svc);
  svc = mrsu_service_new(config ? config : &defaults);
  ck_assert_ptr_nonnull(svc);
}

/* Starts the default service of a test. */
static void service_setup(void)
{
  start(NULL);
}

/* Frees the service, the last response and any large body. */
static void service_teardown(void)
{
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  answer = NULL;
  mrsu_service_free(svc);
  svc = NULL;
  free(big);
  big = NULL;
}

/* Sends one request with the given headers. The response is in rs and,
 * when it has a body, parsed in answer. Returns the status. */
static int request_with(const char *method, const char *path,
                        const char *query, const mrsu_header *headers,
                        size_t header_count, const void *body, size_t len)
{
  mrsu_request rq;

  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.query = query;
  rq.headers = headers;
  rq.header_count = header_count;
  rq.body = body;
  rq.body_len = len;
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  answer = NULL;
  ck_assert_int_eq(mrsu_handle(svc, &rq, &rs), 0);
  if (rs.body_len)
    answer = cJSON_ParseWithLength(rs.body, rs.body_len);
  return rs.status;
}

/* Sends one request; type is the Content-Type, or NULL for none. */
static int request(const char *method, const char *path, const char *query,
                   const char *type, const void *body, size_t len)
{
  mrsu_header header = {"Content-Type", type};

  return request_with(method, path, query, type ? &header : NULL,
                      type ? 1 : 0, body, len);
}

/* POSTs a JSON text with Content-Type application/json. */
static int post_json(const char *path, const char *query, const char *text)
{
  return request("POST", path, query, JSON, text, strlen(text));
}

/* The path of an operation: tail after the store when upload is NULL,
 * else after the upload. Valid until the next call. */
static const char *op_path(const char *store, const char *upload,
                           const char *tail)
{
  if (upload)
    snprintf(path_buf, sizeof path_buf, "/sequencestore/%s/upload/%s/%s",
             store, upload, tail);
  else
    snprintf(path_buf, sizeof path_buf, "/sequencestore/%s/%s", store,
             tail);
  return path_buf;
}

/* The string member name of the last answer, or NULL. */
static const char *member(const char *name)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(answer, name);

  return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* Asserts a 200 with a JSON object body and no error type. */
static void expect_ok(void)
{
  ck_assert_msg(rs.status == 200, "status %d: %.*s", rs.status,
                (int)rs.body_len, rs.body ? rs.body : "");
  ck_assert_ptr_null(rs.error_type);
  ck_assert_ptr_null(mrsu_response_header(&rs, "X-Amzn-ErrorType"));
  ck_assert_pstr_eq(mrsu_response_header(&rs, "Content-Type"), JSON);
  ck_assert_msg(cJSON_IsObject(answer), "body is not a JSON object");
}

/* Asserts an error: status, error type in header and field, a JSON body
 * whose only member is a string "message" that contains names (unless
 * names is NULL). */
static void expect_error(int status, const char *type, const char *names)
{
  const char *message;

  ck_assert_msg(rs.status == status, "status %d, expected %d: %.*s",
                rs.status, status, (int)rs.body_len,
                rs.body ? rs.body : "");
  ck_assert_pstr_eq(rs.error_type, type);
  ck_assert_pstr_eq(mrsu_response_header(&rs, "X-Amzn-ErrorType"), type);
  ck_assert_pstr_eq(mrsu_response_header(&rs, "Content-Type"), JSON);
  ck_assert_msg(cJSON_IsObject(answer), "error body is not an object");
  ck_assert_int_eq(cJSON_GetArraySize(answer), 1);
  message = member("message");
  ck_assert_ptr_nonnull(message);
  ck_assert_msg(message[0] != '\0', "empty message");
  if (names)
    ck_assert_msg(strstr(message, names) != NULL, "\"%s\" does not name "
                  "\"%s\"", message, names);
}

/* Asserts a 400 ValidationException naming names. */
static void expect_validation(const char *names)
{
  expect_error(400, "ValidationException", names);
}

/* Creates an upload of the given file type in store; asserts 200 and
 * copies its id into id. */
static void create_in(const char *store, const char *type,
                      char id[ID_ROOM])
{
  snprintf(body_buf, sizeof body_buf, "{\"sourceFileType\":\"%s\","
           "\"subjectId\":\"subject\",\"sampleId\":\"sample\","
           "\"name\":\"read set\"}", type);
  post_json(op_path(store, NULL, "upload"), NULL, body_buf);
  expect_ok();
  ck_assert_ptr_nonnull(member("uploadId"));
  snprintf(id, ID_ROOM, "%s", member("uploadId"));
}

/* Creates an upload in the default store; see create_in. */
static void create(const char *type, char id[ID_ROOM])
{
  create_in(STORE, type, id);
}

/* Sends UploadReadSetPart with the bytes of text. Returns the status. */
static int put_part(const char *id, const char *source, int number,
                    const char *text)
{
  char query[64];

  snprintf(query, sizeof query, "partNumber=%d&partSource=%s", number,
           source);
  return request("PUT", op_path(STORE, id, "part"), query,
                 "application/octet-stream", text, strlen(text));
}

/* Uploads a part; asserts 200 and the checksum of its bytes, which it
 * copies into sum. */
static void put_ok(const char *id, const char *source, int number,
                   const char *text, char sum[CHECKSUM_LEN + 1])
{
  char expect[CHECKSUM_LEN + 1];

  put_part(id, source, number, text);
  expect_ok();
  ck_assert_int_eq(checksum_of(text, strlen(text), expect), 0);
  ck_assert_pstr_eq(member("checksum"), expect);
  memcpy(sum, expect, sizeof expect);
}

/* One entry of a Complete list: literal partNumber, source, checksum. */
typedef struct entry {
  const char *number;
  const char *source;
  const char *sum;
} entry;

/* Writes {"parts":[...]} for n entries into body_buf. */
static const char *parts_json(const entry *e, size_t n)
{
  size_t used = (size_t)snprintf(body_buf, sizeof body_buf, "{\"parts\":[");

  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used,
                             "%s{\"partNumber\":%s,\"partSource\":\"%s\","
                             "\"checksum\":\"%s\"}", i ? "," : "",
                             e[i].number, e[i].source, e[i].sum);
  snprintf(body_buf + used, sizeof body_buf - used, "]}");
  return body_buf;
}

/* Sends Complete for upload id with body text. Returns the status. */
static int complete(const char *store, const char *id, const char *text)
{
  return post_json(op_path(store, id, "complete"), NULL, text);
}

/* Sends Complete with the entries; returns the status. */
static int complete_parts(const char *id, const entry *e, size_t n)
{
  return complete(STORE, id, parts_json(e, n));
}

/* Opens a BAM upload with one SOURCE1 part; fills id and sum. */
static void one_part_upload(char id[ID_ROOM], char sum[CHECKSUM_LEN + 1])
{
  create("BAM", id);
  put_ok(id, "SOURCE1", 1, "ACGT", sum);
}

/* Completes upload id made by one_part_upload; asserts 200 and returns
 * the read set id in out. */
static void complete_one_ok(const char *id, const char *sum,
                            char out[ID_ROOM])
{
  entry e = {"1", "SOURCE1", sum};

  complete_parts(id, &e, 1);
  expect_ok();
  ck_assert_ptr_nonnull(member("readSetId"));
  snprintf(out, ID_ROOM, "%s", member("readSetId"));
}

/* ---- Routing ---------------------------------------------------- */

/* A method and path, and the status the router must lead to. */
typedef struct route_case {
  const char *method;
  const char *path;
  int status;
} route_case;

static const route_case route_cases[] = {
  /* Each operation's route reaches that operation. */
  {"POST", "/sequencestore/0123456789/upload", 400},
  {"POST", "/sequencestore/0123456789/uploads", 200},
  {"PUT", "/sequencestore/0123456789/upload/8888888888/part", 400},
  {"POST", "/sequencestore/0123456789/upload/8888888888/parts", 400},
  {"POST", "/sequencestore/0123456789/upload/8888888888/complete", 400},
  {"DELETE", "/sequencestore/0123456789/upload/8888888888/abort", 404},
  /* Known shapes with another method. */
  {"GET", "/sequencestore/0123456789/upload", 405},
  {"PUT", "/sequencestore/0123456789/upload", 405},
  {"GET", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"PUT", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"DELETE", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"post", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"HEAD", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"PATCH", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"OPTIONS", "/sequencestore/0123456789/upload/8888888888/complete",
   405},
  {"FOO", "/sequencestore/0123456789/upload/8888888888/complete", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/part", 405},
  {"DELETE", "/sequencestore/0123456789/upload/8888888888/part", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/abort", 405},
  {"GET", "/sequencestore/0123456789/uploads", 405},
  /* Paths that name no operation. */
  {"POST", "/sequencestore/0123456789/upload/8888888888/finish", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/complete/", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/complete/x",
   405},
  {"POST", "/sequencestore/0123456789/upload/8888888888", 405},
  {"POST", "/sequencestore/0123456789/upload/", 405},
  {"POST", "/sequencestore/0123456789", 405},
  {"POST", "/sequencestore", 405},
  {"POST", "/", 405},
  {"POST", "", 405},
  {"POST", "sequencestore/0123456789/upload", 405},
  {"POST", "/sequencestores/0123456789/upload", 405},
  {"POST", "/SequenceStore/0123456789/upload", 405},
  {"POST", "//sequencestore/0123456789/upload", 405},
  {"POST", "/sequencestore/0123456789/uploads/8888888888/complete", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/Complete", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/upload", 405},
  {"POST", "/sequencestore/0123456789/upload/8888888888/uploads", 405},
  {"POST", "/sequencestore/0123456789/complete", 405},
  {"POST", "/other/0123456789/upload/8888888888/complete", 405},
  /* 405 comes before the labels are looked at. */
  {"GET", "/sequencestore/bad/upload/bad/complete", 405},
  {"POST", "/sequencestore/bad/upload/bad/complete/", 405},
};

START_TEST(route_table)
{
  const route_case *k = &route_cases[_i];

  request(k->method, k->path, NULL, JSON, "{}", 2);
  if (k->status == 405)
    expect_error(405, "NotSupportedOperationException", NULL);
  else
    ck_assert_msg(rs.status == k->status, "%s %s: %d", k->method,
                  k->path, rs.status);
}
END_TEST

START_TEST(route_null_method_or_path)
{
  request(NULL, op_path(STORE, NULL, "upload"), NULL, NULL, NULL, 0);
  expect_error(405, "NotSupportedOperationException", NULL);
  request("POST", NULL, NULL, NULL, NULL, 0);
  expect_error(405, "NotSupportedOperationException", NULL);
}
END_TEST

/* ---- URI labels ------------------------------------------------- */

/* A store label and an upload label, and the verdict for Complete: 0
 * when both are valid, else the label the 400 must name. */
typedef struct label_case {
  const char *store;
  const char *upload;
  const char *names;
} label_case;

static const label_case label_cases[] = {
  {"012345678", "1000000001", "sequenceStoreId"},
  {"0123456789012345678901234567890123456", "1000000001",
   "sequenceStoreId"},
  {"", "1000000001", "sequenceStoreId"},
  {"01234abc89", "1000000001", "sequenceStoreId"},
  {"0123456789%20", "1000000001", "sequenceStoreId"},
  {"%D9%A0%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6%D9%A7%D9%A8%D9%A9",
   "1000000001", "sequenceStoreId"},
  {"%EF%BC%90123456789", "1000000001", "sequenceStoreId"},
  {"%zz23456789", "1000000001", "sequenceStoreId"},
  {"%00123456789", "1000000001", "sequenceStoreId"},
  {"%C3123456789", "1000000001", "sequenceStoreId"},
  {"0123456789", "100000000", "uploadId"},
  {"0123456789", "1000000001000000000100000000010000000", "uploadId"},
  {"0123456789", "", "uploadId"},
  {"0123456789", "10000000O1", "uploadId"},
  {"0123456789", "-100000001", "uploadId"},
  {"0123456789", "%2B100000001", "uploadId"},
  /* Both wrong: the store is reported. */
  {"012345678", "100000000", "sequenceStoreId"},
  /* Valid after percent-decoding. */
  {"%30123456789", "1000000001", NULL},
  {"0123456789", "%31%30%30%30%30%30%30%30%30%31", NULL},
};

START_TEST(label_table)
{
  const label_case *k = &label_cases[_i];
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], read_set[ID_ROOM];

  one_part_upload(id, sum);
  ck_assert_str_eq(id, "1000000001");
  complete(k->store, k->upload, parts_json(&(entry){"1", "SOURCE1", sum},
                                           1));
  if (k->names) {
    expect_validation(k->names);
    complete_one_ok(id, sum, read_set);
    return;
  }
  expect_ok();
  ck_assert_pstr_eq(member("readSetId"), "2000000001");
}
END_TEST

/* Labels that are valid ids but name nothing are 404, naming which. */
START_TEST(label_valid_but_missing)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  char long_store[] = "012345678901234567890123456789012345";

  one_part_upload(id, sum);
  complete(long_store, id, parts_json(&(entry){"1", "SOURCE1", sum}, 1));
  expect_error(404, "ResourceNotFoundException", long_store);
  complete(MISSING_STORE, id, body_buf);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
  complete(STORE, MISSING_UPLOAD, body_buf);
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
  complete(STORE, "01000000001", body_buf);
  expect_error(404, "ResourceNotFoundException", "01000000001");
}
END_TEST

/* ---- Content-Type and body size --------------------------------- */

/* A Content-Type value (NULL: no header) and whether Complete takes it. */
typedef struct type_case {
  const char *value;
  int accepted;
} type_case;

static const type_case type_cases[] = {
  {NULL, 1},
  {"application/json", 1},
  {"APPLICATION/JSON", 1},
  {"Application/Json", 1},
  {"application/json; charset=utf-8", 1},
  {"application/json;charset=UTF-8", 1},
  {"application/json ;charset=utf-8", 1},
  {" application/json", 1},
  {"\t application/json \t", 1},
  {"application/json\t;charset=utf-8", 1},
  {"text/plain", 0},
  {"application/jsonx", 0},
  {"application/json-patch+json", 0},
  {"application/x-amz-json-1.1", 0},
  {"application/xml", 0},
  {"application/octet-stream", 0},
  {"json", 0},
  {"", 0},
  {"text/json", 0},
};

START_TEST(content_type_table)
{
  const type_case *k = &type_cases[_i];
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  const char *text;

  one_part_upload(id, sum);
  text = parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  request("POST", op_path(STORE, id, "complete"), NULL, k->value, text,
          strlen(text));
  if (k->accepted) {
    expect_ok();
    ck_assert_pstr_eq(member("readSetId"), "2000000001");
  } else
    expect_validation("Content-Type");
}
END_TEST

/* The header name is matched without regard to case. */
START_TEST(content_type_header_name_case)
{
  mrsu_header header = {"content-TYPE", "text/plain"};
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  const char *text;

  one_part_upload(id, sum);
  text = parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  request_with("POST", op_path(STORE, id, "complete"), NULL, &header, 1,
               text, strlen(text));
  expect_validation("Content-Type");
}
END_TEST

/* Content-Type is found among other headers, in any place. */
START_TEST(content_type_among_headers)
{
  mrsu_header headers[] = {
    {"Accept", "*/*"}, {"Content-Length", "1"}, {"Content-Type", "text/xml"},
  };
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  const char *text;

  one_part_upload(id, sum);
  text = parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  request_with("POST", op_path(STORE, id, "complete"), NULL, headers, 3,
               text, strlen(text));
  expect_validation("Content-Type");
  request_with("POST", op_path(STORE, id, "complete"), NULL, headers, 2,
               text, strlen(text));
  expect_ok();
}
END_TEST

/* Content-Type applies to every JSON operation. */
START_TEST(content_type_other_operations)
{
  char id[ID_ROOM];
  const char *text = "{\"partSource\":\"SOURCE1\"}";

  create("FASTQ", id);
  request("POST", op_path(STORE, id, "parts"), NULL, "text/plain", text,
          strlen(text));
  expect_validation("Content-Type");
  text = "{\"sourceFileType\":\"BAM\",\"subjectId\":\"s\","
         "\"sampleId\":\"s\",\"name\":\"n\"}";
  request("POST", op_path(STORE, NULL, "upload"), NULL, "text/plain",
          text, strlen(text));
  expect_validation("Content-Type");
}
END_TEST

/* A Complete body of exactly the configured limit is read; one byte
 * more is refused unread. */
START_TEST(json_body_limit_configured)
{
  mrsu_config config;
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  size_t n;

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.max_json_body = 200;
  start(&config);
  one_part_upload(id, sum);
  parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  n = strlen(body_buf);
  ck_assert_uint_lt(n, 200);
  memset(body_buf + n, ' ', 201 - n);
  request("POST", op_path(STORE, id, "complete"), NULL, JSON, body_buf,
          201);
  expect_validation("body");
  request("POST", op_path(STORE, id, "complete"), NULL, JSON, body_buf,
          200);
  expect_ok();
}
END_TEST

/* The default limit is 8 MiB: a valid body padded to exactly 8 MiB is
 * read, 8 MiB and one byte is refused. */
START_TEST(json_body_limit_default)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  size_t n, limit = 8u * 1024u * 1024u;

  one_part_upload(id, sum);
  parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  n = strlen(body_buf);
  big = malloc(limit + 1);
  ck_assert_ptr_nonnull(big);
  memcpy(big, body_buf, n);
  memset(big + n, ' ', limit + 1 - n);
  request("POST", op_path(STORE, id, "complete"), NULL, JSON, big,
          limit + 1);
  expect_validation("body");
  request("POST", op_path(STORE, id, "complete"), NULL, JSON, big, limit);
  expect_ok();
}
END_TEST

/* ---- Complete: the body ----------------------------------------- */

/* A Complete body ('@' stands for the checksum of the one uploaded
 * part), and the member the 400 must name, or NULL for 200. */
typedef struct body_case {
  const char *body;
  const char *names;
} body_case;

#define ITEM(n, s, c) \
  "{\"partNumber\":" n ",\"partSource\":\"" s "\",\"checksum\":\"" c "\"}"
#define PARTS(items) "{\"parts\":[" items "]}"

static const body_case body_cases[] = {
  {PARTS(ITEM("1", "SOURCE1", "@")), NULL},
  {PARTS(ITEM("1.0", "SOURCE1", "@")), NULL},
  {PARTS(ITEM("1e0", "SOURCE1", "@")), NULL},
  {PARTS(ITEM("10e-1", "SOURCE1", "@")), NULL},
  {PARTS(ITEM("0.1e1", "SOURCE1", "@")), NULL},
  {"{\"parts\":[{\"checksum\":\"@\",\"partSource\":\"SOURCE1\","
   "\"partNumber\":1}]}", NULL},
  {"{\"x\":1,\"parts\":[{\"partNumber\":1,\"partSource\":\"SOURCE1\","
   "\"checksum\":\"@\",\"extra\":[1,{}]}],\"Parts\":[]}", NULL},
  {" \r\n\t" PARTS(ITEM("1", "SOURCE1", "@")) " \r\n\t", NULL},
  /* partNumber */
  {PARTS(ITEM("1.5", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("\"1\"", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("true", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("null", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("[1]", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("0", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("-0", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("-1", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("10001", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("1e400", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("1e-1", "SOURCE1", "@")), "parts[0].partNumber"},
  {PARTS(ITEM("99999999999999999999", "SOURCE1", "@")),
   "parts[0].partNumber"},
  {"{\"parts\":[{\"partSource\":\"SOURCE1\",\"checksum\":\"@\"}]}",
   "parts[0].partNumber"},
  {"{\"parts\":[{\"PartNumber\":1,\"partSource\":\"SOURCE1\","
   "\"checksum\":\"@\"}]}", "parts[0].partNumber"},
  {PARTS(ITEM("1", "SOURCE1", "@") "," ITEM("0", "SOURCE1", "@")),
   "parts[1].partNumber"},
  /* partSource */
  {PARTS(ITEM("1", "SOURCE3", "@")), "parts[0].partSource"},
  {PARTS(ITEM("1", "source1", "@")), "parts[0].partSource"},
  {PARTS(ITEM("1", "", "@")), "parts[0].partSource"},
  {"{\"parts\":[{\"partNumber\":1,\"partSource\":1,\"checksum\":\"@\"}]}",
   "parts[0].partSource"},
  {"{\"parts\":[{\"partNumber\":1,\"checksum\":\"@\"}]}",
   "parts[0].partSource"},
  /* checksum */
  {PARTS(ITEM("1", "SOURCE1", "")), "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1", "a\\tb")), "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1", "a\\u200Bb")), "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1", "\\uE000")), "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1", "\\u0378")), "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1",
              "0123456789012345678901234567890123456789012345678901234567"
              "890123456789012345678901234567890123456789x")),
   "parts[0].checksum"},
  {"{\"parts\":[{\"partNumber\":1,\"partSource\":\"SOURCE1\","
   "\"checksum\":44}]}", "parts[0].checksum"},
  {"{\"parts\":[{\"partNumber\":1,\"partSource\":\"SOURCE1\"}]}",
   "parts[0].checksum"},
  {PARTS(ITEM("1", "SOURCE1", "not-the-checksum")), "parts[0].checksum"},
  /* parts */
  {"{}", "parts"},
  {"{\"Parts\":[]}", "parts"},
  {"{\"parts\":null}", "parts"},
  {"{\"parts\":{}}", "parts"},
  {"{\"parts\":\"[]\"}", "parts"},
  {"{\"parts\":[]}", "parts"},
  {"{\"parts\":[1]}", "parts[0]"},
  {"{\"parts\":[null]}", "parts[0]"},
  {PARTS(ITEM("1", "SOURCE1", "@") ",[]"), "parts[1]"},
  /* body syntax and shape */
  {"[]", "body"},
  {"3", "body"},
  {"\"parts\"", "body"},
  {"null", "body"},
  {"{\"parts\":[", "body"},
  {"\xEF\xBB\xBF" PARTS(ITEM("1", "SOURCE1", "@")), "body"},
  {PARTS(ITEM("1", "SOURCE1", "@")) "x", "body"},
  {PARTS(ITEM("01", "SOURCE1", "@")), "body"},
  {PARTS(ITEM("1", "SOURCE1", "@\\u0000")), "body"},
  {PARTS(ITEM("1", "SOURCE1", "\\ud800")), "body"},
  {PARTS(ITEM("1", "SOURCE1", "\xC0\xAF")), "body"},
  {"{\"parts\":[],\"parts\":[]}", "body"},
  {"{\"parts\":[{\"partNumber\":1,\"part\\u004Eumber\":1,"
   "\"partSource\":\"SOURCE1\",\"checksum\":\"@\"}]}", "body"},
};

/* Writes body with every '@' replaced by sum into body_buf. */
static const char *expand(const char *body, const char *sum)
{
  size_t used = 0;

  for (; *body && used + CHECKSUM_LEN + 1 < sizeof body_buf; body++)
    if (*body == '@') {
      memcpy(body_buf + used, sum, CHECKSUM_LEN);
      used += CHECKSUM_LEN;
    } else
      body_buf[used++] = *body;
  body_buf[used] = '\0';
  return body_buf;
}

START_TEST(complete_body_table)
{
  const body_case *k = &body_cases[_i];
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], read_set[ID_ROOM];

  one_part_upload(id, sum);
  complete(STORE, id, expand(k->body, sum));
  if (!k->names) {
    expect_ok();
    ck_assert_pstr_eq(member("readSetId"), "2000000001");
    return;
  }
  expect_validation(k->names);
  complete_one_ok(id, sum, read_set);
  ck_assert_str_eq(read_set, "2000000001");
}
END_TEST

/* An empty body reads as {}: parts is then missing. */
START_TEST(complete_empty_body)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];

  one_part_upload(id, sum);
  request("POST", op_path(STORE, id, "complete"), NULL, JSON, "", 0);
  expect_validation("parts");
  request("POST", op_path(STORE, id, "complete"), NULL, NULL, NULL, 0);
  expect_validation("parts");
}
END_TEST

/* Complete defines no query parameter: any query is ignored. */
START_TEST(complete_ignores_query)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];
  const char *text;

  one_part_upload(id, sum);
  text = parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  request("POST", op_path(STORE, id, "complete"), "partNumber=0&x=%zz",
          JSON, text, strlen(text));
  expect_ok();
  ck_assert_pstr_eq(member("readSetId"), "2000000001");
}
END_TEST

/* Writes {"parts":[...]} naming parts 1..n of both sources into big. */
static size_t many_entries(int n)
{
  size_t room = (size_t)n * 2 * 128 + 32, used = 0;

  free(big);
  big = malloc(room);
  ck_assert_ptr_nonnull(big);
  used += (size_t)snprintf((char *)big, room, "{\"parts\":[");
  for (int i = 0; i < 2 * n; i++)
    used += (size_t)snprintf((char *)big + used, room - used,
                             "%s{\"partNumber\":%d,\"partSource\":"
                             "\"SOURCE%d\",\"checksum\":\"%044d\"}",
                             i ? "," : "", i % n + 1, i < n ? 1 : 2, i);
  used += (size_t)snprintf((char *)big + used, room - used, "]}");
  return used;
}

/* A list is never refused for its length: 10000 parts of each source,
 * sent to a missing upload, reach the 404 of the upload. */
START_TEST(complete_many_entries)
{
  size_t len = many_entries(10000);

  request("POST", op_path(STORE, MISSING_UPLOAD, "complete"), NULL, JSON,
          big, len);
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
}
END_TEST

/* Fills body_buf with one entry whose checksum is n copies of ch. */
static const char *checksum_of_length(const char *ch, int n)
{
  size_t used = (size_t)snprintf(body_buf, sizeof body_buf,
                                 "{\"parts\":[{\"partNumber\":1,"
                                 "\"partSource\":\"SOURCE1\","
                                 "\"checksum\":\"");

  for (int i = 0; i < n; i++)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used, "%s",
                             ch);
  snprintf(body_buf + used, sizeof body_buf - used, "\"}]}");
  return body_buf;
}

/* The checksum bound counts code points: 100 four-byte characters are
 * within it (the missing upload then answers 404), 101 are not. */
START_TEST(complete_checksum_length)
{
  const char *emoji = "\xF0\x9F\x98\x80";

  complete(STORE, MISSING_UPLOAD, checksum_of_length(emoji, 100));
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
  complete(STORE, MISSING_UPLOAD, checksum_of_length(emoji, 101));
  expect_validation("parts[0].checksum");
  complete(STORE, MISSING_UPLOAD, checksum_of_length("a", 100));
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
  complete(STORE, MISSING_UPLOAD, checksum_of_length("a", 101));
  expect_validation("parts[0].checksum");
}
END_TEST

/* ---- Complete: the parts rules, through the service -------------- */

/* A full FASTQ upload with two sources, completed in any order. */
START_TEST(flow_fastq_two_sources)
{
  char id[ID_ROOM], a1[CHECKSUM_LEN + 1], a2[CHECKSUM_LEN + 1];
  char b1[CHECKSUM_LEN + 1], b2[CHECKSUM_LEN + 1];

  create("FASTQ", id);
  ck_assert_str_eq(id, "1000000001");
  put_ok(id, "SOURCE1", 2, "@r2\nACGT\n+\nIIII\n", a2);
  put_ok(id, "SOURCE2", 1, "@r1/2\nTTTT\n+\nIIII\n", b1);
  put_ok(id, "SOURCE1", 1, "@r1\nACGT\n+\nIIII\n", a1);
  put_ok(id, "SOURCE2", 2, "@r2/2\nGGGG\n+\nIIII\n", b2);
  complete_parts(id, (entry[]){{"2", "SOURCE2", b2}, {"1", "SOURCE1", a1},
                               {"1", "SOURCE2", b1}, {"2", "SOURCE1", a2}},
                 4);
  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(answer), 1);
  ck_assert_pstr_eq(member("readSetId"), "2000000001");
}
END_TEST

/* Read set ids follow one another across uploads. */
START_TEST(flow_ids_in_sequence)
{
  char id1[ID_ROOM], id2[ID_ROOM], s1[CHECKSUM_LEN + 1];
  char s2[CHECKSUM_LEN + 1], r1[ID_ROOM], r2[ID_ROOM];

  one_part_upload(id1, s1);
  one_part_upload(id2, s2);
  ck_assert_str_eq(id1, "1000000001");
  ck_assert_str_eq(id2, "1000000002");
  complete_one_ok(id2, s2, r2);
  complete_one_ok(id1, s1, r1);
  ck_assert_str_eq(r2, "2000000001");
  ck_assert_str_eq(r1, "2000000002");
}
END_TEST

/* Each parts rule breached through the service: 400, naming the entry
 * or the list; the upload stays open, and once put right (more parts
 * uploaded, the right list sent) it completes with the first read set
 * id. A part is written "S1:2"; "S1:1=" lists the checksum part S1:1
 * had before it was uploaded again. */
typedef struct flow_rule {
  const char *type;
  const char *uploads;          /* parts to upload */
  const char *lists;            /* the list that breaks a rule */
  const char *names;
  const char *adds;             /* parts to upload to put it right */
  const char *then;             /* the list that then succeeds, or NULL */
} flow_rule;

static const flow_rule flow_rules[] = {
  {"FASTQ", "S1:1", "", "parts", "", "S1:1"},
  {"BAM", "", "", "parts", "S1:1", "S1:1"},
  {"FASTQ", "S1:1", "S1:1 S1:1", "parts[1]", "", "S1:1"},
  {"FASTQ", "S1:1", "S1:1 S1:2", "parts[1]", "S1:2", "S1:1 S1:2"},
  {"FASTQ", "S1:1 S1:1", "S1:1=", "parts[0].checksum", "", "S1:1"},
  {"FASTQ", "S1:1 S1:3", "S1:1 S1:3", "parts", "S1:2",
   "S1:3 S1:2 S1:1"},
  {"FASTQ", "S1:1 S1:2", "S1:1", "parts", "", "S1:2 S1:1"},
  {"FASTQ", "S2:1", "S2:1", "SOURCE1", "S1:1", "S2:1 S1:1"},
  {"BAM", "S1:1 S2:1", "S1:1 S2:1", "parts[1].partSource", "", NULL},
};

/* Uploads the parts named in spec ("S1:2 S2:1"); part S:n holds the
 * text "S:n#k" for the k-th upload of it. sums[source][n] gets the
 * latest checksum, stale[source][n] the one before. */
static void upload_spec(const char *id, const char *spec,
                        char sums[2][4][CHECKSUM_LEN + 1],
                        char stale[2][4][CHECKSUM_LEN + 1])
{
  int s, n, k[2][4] = {{0}}, used;
  char text[32];

  while (sscanf(spec, " S%d:%d%n", &s, &n, &used) == 2) {
    spec += used;
    snprintf(text, sizeof text, "S%d:%d#%d", s, n, k[s - 1][n]++);
    memcpy(stale[s - 1][n], sums[s - 1][n], CHECKSUM_LEN + 1);
    put_ok(id, s == 1 ? "SOURCE1" : "SOURCE2", n, text, sums[s - 1][n]);
  }
}

/* Writes the Complete body for spec ("S1:1 S1:1=") into body_buf. */
static const char *list_spec(const char *spec,
                             char sums[2][4][CHECKSUM_LEN + 1],
                             char stale[2][4][CHECKSUM_LEN + 1])
{
  static const char *const numbers[] = {"0", "1", "2", "3"};
  entry e[8];
  size_t count = 0;
  int s, n, used;

  while (count < 8 && sscanf(spec, " S%d:%d%n", &s, &n, &used) == 2) {
    spec += used;
    e[count].number = numbers[n];
    e[count].source = s == 1 ? "SOURCE1" : "SOURCE2";
    e[count].sum = *spec == '=' ? stale[s - 1][n] : sums[s - 1][n];
    if (*spec == '=')
      spec++;
    if (!e[count].sum[0])
      e[count].sum = "never-uploaded";
    count++;
  }
  return parts_json(e, count);
}

/* Asserts that ListMultipartReadSetUploads shows count uploads. */
static void expect_open_uploads(int count)
{
  request("POST", op_path(STORE, NULL, "uploads"), NULL, NULL, NULL, 0);
  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                     answer, "uploads")), count);
}

START_TEST(flow_rule_table)
{
  const flow_rule *k = &flow_rules[_i];
  char sums[2][4][CHECKSUM_LEN + 1], stale[2][4][CHECKSUM_LEN + 1];
  char id[ID_ROOM];

  memset(sums, 0, sizeof sums);
  memset(stale, 0, sizeof stale);
  create(k->type, id);
  upload_spec(id, k->uploads, sums, stale);
  complete(STORE, id, list_spec(k->lists, sums, stale));
  expect_validation(k->names);
  expect_open_uploads(1);
  if (!k->then)
    return;
  upload_spec(id, k->adds, sums, stale);
  complete(STORE, id, list_spec(k->then, sums, stale));
  expect_ok();
  ck_assert_pstr_eq(member("readSetId"), "2000000001");
  expect_open_uploads(0);
}
END_TEST

/* A failed Complete changes nothing: the upload is completed later with
 * the first read set id. */
START_TEST(failed_complete_then_success)
{
  char id[ID_ROOM], s1[CHECKSUM_LEN + 1], s2[CHECKSUM_LEN + 1];

  create("BAM", id);
  put_ok(id, "SOURCE1", 1, "first", s1);
  complete_parts(id, (entry[]){{"1", "SOURCE1", s1},
                               {"2", "SOURCE1", s1}}, 2);
  expect_validation("parts[1]");
  put_ok(id, "SOURCE1", 2, "second", s2);
  complete_parts(id, (entry[]){{"1", "SOURCE1", s1}}, 1);
  expect_validation("parts");
  complete_parts(id, (entry[]){{"1", "SOURCE1", s1},
                               {"2", "SOURCE1", s2}}, 2);
  expect_ok();
  ck_assert_pstr_eq(member("readSetId"), "2000000001");
}
END_TEST

/* A re-uploaded part has a new checksum; the old one no longer counts. */
START_TEST(reupload_changes_checksum)
{
  char id[ID_ROOM], old[CHECKSUM_LEN + 1], now[CHECKSUM_LEN + 1];

  create("BAM", id);
  put_ok(id, "SOURCE1", 1, "version one", old);
  put_ok(id, "SOURCE1", 1, "version two", now);
  ck_assert_str_ne(old, now);
  complete_parts(id, (entry[]){{"1", "SOURCE1", old}}, 1);
  expect_validation("parts[0].checksum");
  complete_parts(id, (entry[]){{"1", "SOURCE1", now}}, 1);
  expect_ok();
}
END_TEST

/* ---- States ----------------------------------------------------- */

/* What is sent to an upload after it changed state. */
typedef enum op_kind {
  OP_PUT_PART, OP_LIST_PARTS, OP_COMPLETE_SAME, OP_COMPLETE_OTHER,
  OP_ABORT
} op_kind;

/* Sends op to upload id (whose part 1 has checksum sum). */
static void run_op(op_kind op, const char *id, const char *sum)
{
  switch (op) {
  case OP_PUT_PART:
    put_part(id, "SOURCE1", 2, "more");
    break;
  case OP_LIST_PARTS:
    post_json(op_path(STORE, id, "parts"), NULL,
              "{\"partSource\":\"SOURCE1\"}");
    break;
  case OP_COMPLETE_SAME:
    complete_parts(id, &(entry){"1", "SOURCE1", sum}, 1);
    break;
  case OP_COMPLETE_OTHER:
    complete_parts(id, (entry[]){{"1", "SOURCE1", sum},
                                 {"2", "SOURCE1", sum}}, 2);
    break;
  default:
    request("DELETE", op_path(STORE, id, "abort"), NULL, NULL, NULL, 0);
  }
}

/* An operation on a completed upload and its expected status. */
typedef struct state_case {
  op_kind op;
  int status;
} state_case;

static const state_case after_complete[] = {
  {OP_PUT_PART, 400}, {OP_LIST_PARTS, 200}, {OP_COMPLETE_SAME, 200},
  {OP_COMPLETE_OTHER, 400}, {OP_ABORT, 400},
};

START_TEST(after_complete_table)
{
  const state_case *k = &after_complete[_i];
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], read_set[ID_ROOM];
  const cJSON *parts;

  one_part_upload(id, sum);
  complete_one_ok(id, sum, read_set);
  run_op(k->op, id, sum);
  if (k->status == 400)
    expect_validation(k->op == OP_COMPLETE_OTHER ? NULL : id);
  else
    expect_ok();
  if (k->op == OP_COMPLETE_SAME)
    ck_assert_pstr_eq(member("readSetId"), read_set);

  /* Whatever was tried, the parts are frozen as they were. */
  run_op(OP_LIST_PARTS, id, sum);
  expect_ok();
  parts = cJSON_GetObjectItemCaseSensitive(answer, "parts");
  ck_assert_int_eq(cJSON_GetArraySize(parts), 1);
  ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(
                      cJSON_GetArrayItem(parts, 0), "checksum")
                    ->valuestring, sum);
  run_op(OP_COMPLETE_SAME, id, sum);
  expect_ok();
  ck_assert_pstr_eq(member("readSetId"), read_set);
}
END_TEST

/* After Abort every operation on the upload is 404. */
START_TEST(after_abort_table)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];

  one_part_upload(id, sum);
  request("DELETE", op_path(STORE, id, "abort"), NULL, NULL, NULL, 0);
  expect_ok();
  ck_assert_int_eq(rs.body_len, 2);
  ck_assert_int_eq(memcmp(rs.body, "{}", 2), 0);
  run_op((op_kind)_i, id, sum);
  expect_error(404, "ResourceNotFoundException", id);
}
END_TEST

/* Abort has no body: whatever is sent is not read. */
START_TEST(abort_ignores_body)
{
  char id[ID_ROOM];

  create("BAM", id);
  request("DELETE", op_path(STORE, id, "abort"), "x=1", "text/plain",
          "{not json", 9);
  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(answer), 0);
  request("DELETE", op_path(MISSING_STORE, id, "abort"), NULL, NULL,
          NULL, 0);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
}
END_TEST

/* Two Completes racing on one upload make one read set. */
typedef struct racer {
  const char *path;
  const char *body;
  int status;
  char read_set[ID_ROOM];
} racer;

/* A thread: sends the racer's Complete and records the answer. */
static void *race(void *arg)
{
  racer *r = arg;
  mrsu_header header = {"Content-Type", JSON};
  mrsu_request rq;
  mrsu_response out;
  cJSON *body, *m;

  memset(&rq, 0, sizeof rq);
  rq.method = "POST";
  rq.path = r->path;
  rq.headers = &header;
  rq.header_count = 1;
  rq.body = (const unsigned char *)r->body;
  rq.body_len = strlen(r->body);
  mrsu_handle(svc, &rq, &out);
  r->status = out.status;
  body = cJSON_ParseWithLength(out.body, out.body_len);
  m = cJSON_GetObjectItemCaseSensitive(body, "readSetId");
  snprintf(r->read_set, ID_ROOM, "%s", cJSON_IsString(m) ? m->valuestring
                                                         : "");
  cJSON_Delete(body);
  mrsu_response_free(&out);
  return NULL;
}

START_TEST(racing_completes)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], path[256], next[ID_ROOM];
  pthread_t threads[8];
  racer racers[8];

  one_part_upload(id, sum);
  snprintf(path, sizeof path, "%s", op_path(STORE, id, "complete"));
  parts_json(&(entry){"1", "SOURCE1", sum}, 1);
  for (int i = 0; i < 8; i++) {
    racers[i] = (racer){path, body_buf, 0, ""};
    ck_assert_int_eq(pthread_create(&threads[i], NULL, race,
                                    &racers[i]), 0);
  }
  for (int i = 0; i < 8; i++)
    pthread_join(threads[i], NULL);
  for (int i = 0; i < 8; i++) {
    ck_assert_int_eq(racers[i].status, 200);
    ck_assert_str_eq(racers[i].read_set, "2000000001");
  }
  one_part_upload(id, sum);
  complete_one_ok(id, sum, next);
  ck_assert_str_eq(next, "2000000002");
}
END_TEST

/* ---- Precedence ------------------------------------------------- */

START_TEST(precedence_label_before_content_type)
{
  request("POST", op_path("012345678", "1000000001", "complete"), NULL,
          "text/plain", "x", 1);
  expect_validation("sequenceStoreId");
}
END_TEST

START_TEST(precedence_content_type_before_size)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.max_json_body = 4;
  start(&config);
  request("POST", op_path(STORE, MISSING_UPLOAD, "complete"), NULL,
          "text/plain", "{\"parts\":[]}", 12);
  expect_validation("Content-Type");
  request("POST", op_path(STORE, MISSING_UPLOAD, "complete"), NULL,
          JSON, "{\"parts\":[]}", 12);
  expect_validation("body");
}
END_TEST

/* Body syntax and constraints come before the store and upload exist;
 * the store comes before the upload; both before the parts rules. */
START_TEST(precedence_body_before_not_found)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];

  complete(MISSING_STORE, MISSING_UPLOAD, "{\"parts\":[");
  expect_validation("body");
  complete(MISSING_STORE, MISSING_UPLOAD,
           PARTS(ITEM("0", "SOURCE1", "abc")));
  expect_validation("parts[0].partNumber");
  complete(MISSING_STORE, MISSING_UPLOAD,
           PARTS(ITEM("1", "SOURCE1", "abc")));
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
  complete(STORE, MISSING_UPLOAD, "{\"parts\":[]}");
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
  one_part_upload(id, sum);
  complete(MISSING_STORE, id, PARTS(ITEM("1", "SOURCE1", "abc")));
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
}
END_TEST

START_TEST(precedence_label_before_query)
{
  request("PUT", op_path("12345", "1000000001", "part"), NULL, NULL, NULL,
          0);
  expect_validation("sequenceStoreId");
  request("PUT", op_path(STORE, "1e9", "part"), "partNumber=0", NULL,
          NULL, 0);
  expect_validation("uploadId");
  request("POST", op_path("x", NULL, "uploads"), "maxResults=0", NULL,
          NULL, 0);
  expect_validation("sequenceStoreId");
}
END_TEST

START_TEST(precedence_query_before_body)
{
  char id[ID_ROOM];

  create("FASTQ", id);
  request("POST", op_path(STORE, id, "parts"), "maxResults=0",
          "text/plain", "x", 1);
  expect_validation("maxResults");
  request("PUT", op_path(MISSING_STORE, MISSING_UPLOAD, "part"), NULL,
          NULL, NULL, 0);
  expect_validation("partSource");
  request("PUT", op_path(MISSING_STORE, MISSING_UPLOAD, "part"),
          "partSource=SOURCE1&partNumber=1", NULL, NULL, 0);
  expect_validation("body");
  request("PUT", op_path(MISSING_STORE, MISSING_UPLOAD, "part"),
          "partSource=SOURCE1&partNumber=1", NULL, "x", 1);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
}
END_TEST

/* ---- UploadReadSetPart ------------------------------------------ */

/* A query string and the parameter its 400 must name (NULL: 200). */
typedef struct query_case {
  const char *query;
  const char *names;
} query_case;

static const query_case query_cases[] = {
  {"partNumber=1&partSource=SOURCE1", NULL},
  {"partSource=SOURCE2&partNumber=1", NULL},
  {"partNumber=10000&partSource=SOURCE1", NULL},
  {"partNumber=%31&partSource=SOURCE%31", NULL},
  {"part%4Eumber=1&partSource=SOURCE1", NULL},
  {"partNumber=1&partSource=SOURCE1&foo=bar", NULL},
  {"foo=1&foo=2&partNumber=1&partSource=SOURCE1", NULL},
  {"&partNumber=1&&partSource=SOURCE1&", NULL},
  {"partNumber=1&partSource=SOURCE1&partnumber=7", NULL},
  {"partNumber=1&partSource=SOURCE1&%zz=1&%=2", NULL},
  {NULL, "partSource"},
  {"", "partSource"},
  {"partNumber=1", "partSource"},
  {"partSource=SOURCE1", "partNumber"},
  {"partNumber=0&partSource=SOURCE1", "partNumber"},
  {"partNumber=10001&partSource=SOURCE1", "partNumber"},
  {"partNumber=01&partSource=SOURCE1", "partNumber"},
  {"partNumber=1.0&partSource=SOURCE1", "partNumber"},
  {"partNumber=1e0&partSource=SOURCE1", "partNumber"},
  {"partNumber=+1&partSource=SOURCE1", "partNumber"},
  {"partNumber=-1&partSource=SOURCE1", "partNumber"},
  {"partNumber= 1&partSource=SOURCE1", "partNumber"},
  {"partNumber=&partSource=SOURCE1", "partNumber"},
  {"partNumber&partSource=SOURCE1", "partNumber"},
  {"partNumber=one&partSource=SOURCE1", "partNumber"},
  {"partNumber=99999999999999999999&partSource=SOURCE1", "partNumber"},
  {"partNumber=%&partSource=SOURCE1", "partNumber"},
  {"partNumber=1&partNumber=1&partSource=SOURCE1", "partNumber"},
  {"partNumber=1&partSource=SOURCE1&partSource=SOURCE1", "partSource"},
  {"partNumber=1&partSource=source1", "partSource"},
  {"partNumber=1&partSource=SOURCE3", "partSource"},
  {"partNumber=1&partSource=", "partSource"},
  {"partNumber=1&partSource=SOURCE1%00", "partSource"},
};

START_TEST(part_query_table)
{
  const query_case *k = &query_cases[_i];
  char id[ID_ROOM], expect[CHECKSUM_LEN + 1];

  create("FASTQ", id);
  request("PUT", op_path(STORE, id, "part"), k->query,
          "application/octet-stream", "ACGT", 4);
  if (k->names) {
    expect_validation(k->names);
    return;
  }
  expect_ok();
  ck_assert_int_eq(checksum_of("ACGT", 4, expect), 0);
  ck_assert_pstr_eq(member("checksum"), expect);
}
END_TEST

/* The part body: 1..max_part_size bytes; any Content-Type. */
START_TEST(part_body_size_configured)
{
  mrsu_config config;
  char id[ID_ROOM];
  const char *q = "partNumber=1&partSource=SOURCE1";

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.max_part_size = 8;
  start(&config);
  create("BAM", id);
  request("PUT", op_path(STORE, id, "part"), q, NULL, "123456789", 9);
  expect_validation("body");
  request("PUT", op_path(STORE, id, "part"), q, NULL, "", 0);
  expect_validation("body");
  request("PUT", op_path(STORE, id, "part"), q, "text/plain", "12345678",
          8);
  expect_ok();
  request("PUT", op_path(STORE, id, "part"), q, NULL, "1", 1);
  expect_ok();
}
END_TEST

/* Sends a part that a server streamed elsewhere: no bytes, its length
 * and its checksum. Returns the status. */
static int put_streamed(const char *id, size_t len, const char *sum)
{
  mrsu_request rq;

  memset(&rq, 0, sizeof rq);
  rq.method = "PUT";
  rq.path = op_path(STORE, id, "part");
  rq.query = "partNumber=1&partSource=SOURCE1";
  rq.body_len = len;
  rq.body_checksum = sum;
  mrsu_response_free(&rs);
  cJSON_Delete(answer);
  ck_assert_int_eq(mrsu_handle(svc, &rq, &rs), 0);
  answer = cJSON_ParseWithLength(rs.body, rs.body_len);
  return rs.status;
}

/* The default part limit is 104857600 bytes: a part of exactly that
 * size is taken, one byte more is refused. */
START_TEST(part_body_size_default)
{
  static const char sum[] = "Hf8+hP54d+BnO2m73c9AEk45bj+ZQ92JDJG2oJrbmvA=";
  char id[ID_ROOM];
  const cJSON *part;

  create("BAM", id);
  put_streamed(id, 104857601u, sum);
  expect_validation("body");
  put_streamed(id, 104857600u, sum);
  expect_ok();
  ck_assert_pstr_eq(member("checksum"), sum);
  post_json(op_path(STORE, id, "parts"), NULL,
            "{\"partSource\":\"SOURCE1\"}");
  expect_ok();
  part = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(answer,
                                                             "parts"), 0);
  ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(part, "partSize")
                      ->valuedouble, 104857600.0);
  ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(part, "checksum")
                    ->valuestring, sum);
}
END_TEST

START_TEST(part_not_found)
{
  char id[ID_ROOM];
  const char *q = "partNumber=1&partSource=SOURCE1";

  create("BAM", id);
  request("PUT", op_path(MISSING_STORE, id, "part"), q, NULL, "x", 1);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
  request("PUT", op_path(STORE, MISSING_UPLOAD, "part"), q, NULL, "x", 1);
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
}
END_TEST

/* ---- ListReadSetUploadParts ------------------------------------- */

/* Uploads SOURCE1 parts 3, 1, 2 and SOURCE2 part 1 to a FASTQ upload. */
static void four_parts(char id[ID_ROOM], char sums[3][CHECKSUM_LEN + 1])
{
  char other[CHECKSUM_LEN + 1];

  create("FASTQ", id);
  put_ok(id, "SOURCE1", 3, "ccc", sums[2]);
  put_ok(id, "SOURCE1", 1, "a", sums[0]);
  put_ok(id, "SOURCE1", 2, "bb", sums[1]);
  put_ok(id, "SOURCE2", 1, "dddd", other);
}

/* Asserts the last answer lists SOURCE1 parts first..last of
 * four_parts, and whether it carries a nextToken. */
static void expect_parts(const char sums[3][CHECKSUM_LEN + 1], int first,
                         int last, int token)
{
  const cJSON *parts = cJSON_GetObjectItemCaseSensitive(answer, "parts");
  const cJSON *p;
  int number = first;

  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(parts), last - first + 1);
  cJSON_ArrayForEach(p, parts) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(p, "partNumber");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(p, "partSize");
    ck_assert_int_eq(n->valueint, number);
    ck_assert_int_eq(size->valueint, number);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(p, "partSource")
                      ->valuestring, "SOURCE1");
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(p, "checksum")
                      ->valuestring, sums[number - 1]);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(p, "creationTime")
                      ->valuestring, CLOCK_TEXT);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(
                        p, "lastUpdatedTime")->valuestring, CLOCK_TEXT);
    number++;
  }
  ck_assert_int_eq(member("nextToken") != NULL, token);
}

START_TEST(list_parts_sorted)
{
  char id[ID_ROOM], sums[3][CHECKSUM_LEN + 1];
  const cJSON *parts;

  four_parts(id, sums);
  post_json(op_path(STORE, id, "parts"), NULL,
            "{\"partSource\":\"SOURCE1\"}");
  expect_parts(sums, 1, 3, 0);
  post_json(op_path(STORE, id, "parts"), NULL,
            "{\"partSource\":\"SOURCE2\"}");
  expect_ok();
  parts = cJSON_GetObjectItemCaseSensitive(answer, "parts");
  ck_assert_int_eq(cJSON_GetArraySize(parts), 1);
  ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(
                      cJSON_GetArrayItem(parts, 0), "partSource")
                    ->valuestring, "SOURCE2");
}
END_TEST

START_TEST(list_parts_pages)
{
  char id[ID_ROOM], sums[3][CHECKSUM_LEN + 1], query[64];

  four_parts(id, sums);
  post_json(op_path(STORE, id, "parts"), "maxResults=2",
            "{\"partSource\":\"SOURCE1\"}");
  expect_parts(sums, 1, 2, 1);
  snprintf(query, sizeof query, "maxResults=2&nextToken=%s",
           member("nextToken"));
  post_json(op_path(STORE, id, "parts"), query,
            "{\"partSource\":\"SOURCE1\"}");
  expect_parts(sums, 3, 3, 0);
  post_json(op_path(STORE, id, "parts"), "maxResults=3",
            "{\"partSource\":\"SOURCE1\"}");
  expect_parts(sums, 1, 3, 0);
}
END_TEST

/* A ListReadSetUploadParts query and body, and what the 400 names. */
typedef struct list_case {
  const char *query;
  const char *body;
  const char *names;
} list_case;

static const list_case list_cases[] = {
  {"maxResults=0", "{\"partSource\":\"SOURCE1\"}", "maxResults"},
  {"maxResults=101", "{\"partSource\":\"SOURCE1\"}", "maxResults"},
  {"maxResults=01", "{\"partSource\":\"SOURCE1\"}", "maxResults"},
  {"maxResults=abc", "{\"partSource\":\"SOURCE1\"}", "maxResults"},
  {"maxResults=1&maxResults=1", "{\"partSource\":\"SOURCE1\"}",
   "maxResults"},
  {"nextToken=abc", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {"nextToken=0", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {"nextToken=", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {NULL, "{}", "partSource"},
  {NULL, "{\"partSource\":\"SOURCE9\"}", "partSource"},
  {NULL, "{\"PartSource\":\"SOURCE1\"}", "partSource"},
  {NULL, "", "partSource"},
  {NULL, "[]", "body"},
  {"nextToken=%09", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {"nextToken=not-a-token", "{\"partSource\":\"SOURCE1\"}",
   "nextToken"},
  {"nextToken=10001", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {"nextToken=12a", "{\"partSource\":\"SOURCE1\"}", "nextToken"},
  {"nextToken=99999999999999999999", "{\"partSource\":\"SOURCE1\"}",
   "nextToken"},
  {NULL, "{\"partSource\":\"SOURCE1\",\"filter\":[]}", "filter"},
  {NULL, "{\"partSource\":\"SOURCE1\",\"filter\":{\"createdAfter\":"
   "\"yesterday\"}}", "filter.createdAfter"},
  {NULL, "{\"partSource\":\"SOURCE1\",\"filter\":{\"createdBefore\":"
   "3}}", "filter.createdBefore"},
};

START_TEST(list_parts_table)
{
  const list_case *k = &list_cases[_i];
  char id[ID_ROOM];

  create("FASTQ", id);
  post_json(op_path(STORE, id, "parts"), k->query, k->body);
  expect_validation(k->names);
}
END_TEST

/* A filter and how many of four_parts' SOURCE1 parts it keeps. */
typedef struct filter_case {
  const char *filter;
  int kept;
} filter_case;

static const filter_case filter_cases[] = {
  {"{}", 3},
  {"{\"createdAfter\":\"2026-01-01T00:00:00Z\"}", 3},
  {"{\"createdAfter\":\"2026-01-01T00:00:01Z\"}", 0},
  {"{\"createdBefore\":\"2026-01-01T00:00:00Z\"}", 3},
  {"{\"createdBefore\":\"2025-12-31T23:59:59Z\"}", 0},
  {"{\"createdAfter\":\"2026-01-01T01:00:00+01:00\"}", 3},
  /* Parts are created at 00:00:00 exactly, before 00:00:00.5. */
  {"{\"createdAfter\":\"2026-01-01T00:00:00.500Z\"}", 0},
  {"{\"createdAfter\":\"2026-01-01T00:00:00.000Z\"}", 3},
  {"{\"createdBefore\":\"2026-01-01T00:00:00.999Z\"}", 3},
  {"{\"createdAfter\":\"2026-01-01T00:00:00."
   "00000000000000000000000000000000000000000000000001Z\"}", 0},
  {"{\"createdAfter\":\"2025-12-31T00:00:00Z\","
   "\"createdBefore\":\"2026-01-02T00:00:00Z\"}", 3},
  {"{\"createdAfter\":null}", 3},
  {"{\"createdBefore\":\"2025-12-31T19:00:00-05:00\"}", 3},
  {"{\"createdBefore\":\"2025-12-31T19:00:00-04:59\"}", 0},
  {"{\"createdAfter\":\"2026-01-01T01:00:00.9+01:00\"}", 0},
  {"{\"createdAfter\":\"2000-02-29T00:00:00Z\"}", 3},
  {"{\"createdAfter\":\"2024-02-29T23:59:60Z\"}", 3},
};

START_TEST(list_parts_filter_table)
{
  const filter_case *k = &filter_cases[_i];
  char id[ID_ROOM], sums[3][CHECKSUM_LEN + 1], body[256];

  four_parts(id, sums);
  snprintf(body, sizeof body, "{\"partSource\":\"SOURCE1\",\"filter\":%s}",
           k->filter);
  post_json(op_path(STORE, id, "parts"), NULL, body);
  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                     answer, "parts")), k->kept);
}
END_TEST

/* Date-times outside the form YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|
 * -HH:MM), or naming no instant, are 400 naming the member. */
static const char *const bad_times[] = {
  "yesterday",
  "",
  "2026-13-01T00:00:00Z",
  "2026-00-01T00:00:00Z",
  "2026-01-32T00:00:00Z",
  "2026-01-01T24:00:00Z",
  "2026-01-01T00:60:00Z",
  "2026-01-01T00:00:00",
  "2026-01-01 00:00:00Z",
  "2026-01-01T00:00:00Zx",
  "2026-01-01T00:00:00+01:00x",
  "2026-1-01T00:00:00Z",
  " 2026-01-01T00:00:00Z",
  "2026-01-01T-1:00:00Z",
  "2026-01-01T+1:00:00Z",
  "2026-01- 1T00:00:00Z",
  "2026-01-01T00:-1:00Z",
  "2026-02-30T00:00:00Z",
  "2026-01-01T00:00:00.Z",
  "2026-01-01T00:00:00+-1:00",
  "2026-01-01T00:00:00+24:00",
  "2026-01-01T00:00:00+01:60",
  "2026-0a-01T00:00:00Z",
  "2026/01-01T00:00:00Z",
  "2026-01/01T00:00:00Z",
  "2026-01-01T00-00:00Z",
  "2026-01-01T00:00-00Z",
  "2026-01-01T00:00:0aZ",
  "2026-01-01T00:00:61Z",
  "1900-02-29T00:00:00Z",
  "2023-02-29T00:00:00Z",
  "2026-01-01T00:00:00*01:00",
  "2026-01-01T00:00:00+01-00",
  "2026-01-01T00:00:00+0a:00",
  "2026-01-01T00:00:00+01:0a",
  /* Cut short: every prefix must be refused without reading past the
   * end of the string (valgrind shows an over-read). */
  "2026",
  "2026-",
  "2026-01-",
  "2026-01-01T",
  "2026-01-01T00:",
  "2026-01-01T00:00:",
  "2026-01-01T00:00:00.",
  "2026-01-01T00:00:00+",
  "2026-01-01T00:00:00+01",
  "2026-01-01T00:00:00+01:",
};

START_TEST(list_parts_bad_time_table)
{
  char id[ID_ROOM], body[256];

  create("FASTQ", id);
  snprintf(body, sizeof body, "{\"partSource\":\"SOURCE1\",\"filter\":"
           "{\"createdBefore\":\"%s\"}}", bad_times[_i]);
  post_json(op_path(STORE, id, "parts"), NULL, body);
  ck_assert_msg(rs.status == 400, "\"%s\" accepted", bad_times[_i]);
  expect_validation("filter.createdBefore");
}
END_TEST

/* nextToken is at most 6144 characters; a longer one is refused as a
 * token, before it is read as a number. */
START_TEST(list_parts_token_too_long)
{
  char id[ID_ROOM];
  char *query = malloc(6200);

  ck_assert_ptr_nonnull(query);
  big = (unsigned char *)query;
  create("FASTQ", id);
  memcpy(query, "nextToken=", 10);
  memset(query + 10, '1', 6145);
  query[10 + 6145] = '\0';
  post_json(op_path(STORE, id, "parts"), query,
            "{\"partSource\":\"SOURCE1\"}");
  expect_validation("6144");
  query[10 + 6144] = '\0';
  post_json(op_path(STORE, id, "parts"), query,
            "{\"partSource\":\"SOURCE1\"}");
  expect_validation("was not issued");
}
END_TEST

START_TEST(list_parts_not_found)
{
  const char *body = "{\"partSource\":\"SOURCE1\"}";

  post_json(op_path(MISSING_STORE, MISSING_UPLOAD, "parts"), NULL, body);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
  post_json(op_path(STORE, MISSING_UPLOAD, "parts"), NULL, body);
  expect_error(404, "ResourceNotFoundException", MISSING_UPLOAD);
}
END_TEST

/* ---- ListMultipartReadSetUploads -------------------------------- */

/* Asserts the last answer lists exactly the uploads ids, in order. */
static void expect_uploads(const char *const *ids, int count)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(answer, "uploads");

  expect_ok();
  ck_assert_int_eq(cJSON_GetArraySize(list), count);
  for (int i = 0; i < count; i++) {
    const cJSON *u = cJSON_GetArrayItem(list, i);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(u, "uploadId")
                      ->valuestring, ids[i]);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(
                        u, "sequenceStoreId")->valuestring, STORE);
    ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(u, "creationTime")
                      ->valuestring, CLOCK_TEXT);
  }
}

/* Only uploads in progress are listed: not completed, not aborted. */
START_TEST(list_uploads_open_only)
{
  static const char *const open[] = {"1000000001", "1000000004"};
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], read_set[ID_ROOM];
  const char *path = "/sequencestore/0123456789/uploads";

  request("POST", path, NULL, NULL, NULL, 0);
  expect_uploads(NULL, 0);
  create("FASTQ", id);
  one_part_upload(id, sum);
  complete_one_ok(id, sum, read_set);
  create("BAM", id);
  request("DELETE", op_path(STORE, id, "abort"), NULL, NULL, NULL, 0);
  expect_ok();
  create("UBAM", id);
  request("POST", path, NULL, NULL, NULL, 0);
  expect_uploads(open, 2);
  post_json(path, NULL, "{}");
  expect_uploads(open, 2);
  ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
                      cJSON_GetObjectItemCaseSensitive(answer, "uploads"),
                      1), "sourceFileType")->valuestring, "UBAM");
}
END_TEST

START_TEST(list_uploads_pages)
{
  static const char *const ids[] = {"1000000001", "1000000002",
                                    "1000000003"};
  const char *path = "/sequencestore/0123456789/uploads";
  char id[ID_ROOM], query[64];

  for (int i = 0; i < 3; i++)
    create("BAM", id);
  request("POST", path, "maxResults=2", NULL, NULL, 0);
  expect_uploads(ids, 2);
  ck_assert_ptr_nonnull(member("nextToken"));
  snprintf(query, sizeof query, "nextToken=%s&maxResults=2",
           member("nextToken"));
  request("POST", path, query, NULL, NULL, 0);
  expect_uploads(ids + 2, 1);
  ck_assert_ptr_null(member("nextToken"));
  request("POST", path, "maxResults=0", NULL, NULL, 0);
  expect_validation("maxResults");
  request("POST", path, "nextToken=x", NULL, NULL, 0);
  expect_validation("nextToken");
  request("POST", op_path(MISSING_STORE, NULL, "uploads"), NULL, NULL,
          NULL, 0);
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
}
END_TEST

/* ListMultipartReadSetUploads is a JSON operation: a Content-Type
 * other than application/json is 400. */
START_TEST(list_uploads_content_type)
{
  request("POST", "/sequencestore/0123456789/uploads", NULL, "text/plain",
          "{}", 2);
  expect_validation("Content-Type");
}
END_TEST

/* Its body, when there is one, is strict JSON and an object. */
START_TEST(list_uploads_body_syntax)
{
  post_json("/sequencestore/0123456789/uploads", NULL, "{");
  expect_validation("body");
  post_json("/sequencestore/0123456789/uploads", NULL, "[]");
  expect_validation("body");
  post_json("/sequencestore/0123456789/uploads", NULL, "{\"a\":1,\"a\":2}");
  expect_validation("body");
}
END_TEST

/* Its body is bounded like every JSON body. */
START_TEST(list_uploads_body_size)
{
  mrsu_config config;

  mrsu_config_default(&config);
  config.max_json_body = 4;
  start(&config);
  post_json("/sequencestore/0123456789/uploads", NULL, "{    }");
  expect_validation("body");
}
END_TEST

/* ---- CreateMultipartReadSetUpload ------------------------------- */

/* A Create body and what the 400 names (NULL: 200). */
typedef struct create_case {
  const char *body;
  const char *names;
} create_case;

#define REQUIRED "\"subjectId\":\"s\",\"sampleId\":\"m\",\"name\":\"n\""

static const create_case create_cases[] = {
  {"{\"sourceFileType\":\"FASTQ\"," REQUIRED "}", NULL},
  {"{\"sourceFileType\":\"CRAM\"," REQUIRED ",\"referenceArn\":"
   "\"arn:aws:omics:us-east-1:123456789012:referenceStore/1/reference/2\","
   "\"generatedFrom\":\"lab\",\"description\":\"d\",\"clientToken\":\"t\","
   "\"tags\":{\"k\":\"\",\"\xC3\xA9\":\"v\"}}", NULL},
  {"{" REQUIRED "}", "sourceFileType"},
  {"{\"sourceFileType\":\"fastq\"," REQUIRED "}", "sourceFileType"},
  {"{\"sourceFileType\":\"SAM\"," REQUIRED "}", "sourceFileType"},
  {"{\"sourceFileType\":\"BAM\",\"sampleId\":\"m\",\"name\":\"n\"}",
   "subjectId"},
  {"{\"sourceFileType\":\"BAM\",\"subjectId\":\"s\",\"name\":\"n\"}",
   "sampleId"},
  {"{\"sourceFileType\":\"BAM\",\"subjectId\":\"s\",\"sampleId\":\"m\"}",
   "name"},
  {"{\"sourceFileType\":\"BAM\",\"subjectId\":\"a\\tb\","
   "\"sampleId\":\"m\",\"name\":\"n\"}", "subjectId"},
  {"{\"sourceFileType\":\"BAM\",\"subjectId\":\"\",\"sampleId\":\"m\","
   "\"name\":\"n\"}", "subjectId"},
  {"{\"sourceFileType\":\"BAM\",\"subjectId\":null,\"sampleId\":\"m\","
   "\"name\":\"n\"}", "subjectId"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"description\":\"\"}",
   "description"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"generatedFrom\":"
   "\"\\u200B\"}", "generatedFrom"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"clientToken\":1}",
   "clientToken"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"referenceArn\":\"foo\"}",
   "referenceArn"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"referenceArn\":\"arn:\"}",
   "referenceArn"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"tags\":[]}", "tags"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"tags\":{\"\":\"v\"}}",
   "tags"},
  {"{\"sourceFileType\":\"BAM\"," REQUIRED ",\"tags\":{\"k\":1}}",
   "tags"},
};

START_TEST(create_table)
{
  const create_case *k = &create_cases[_i];

  post_json(op_path(STORE, NULL, "upload"), NULL, k->body);
  if (k->names)
    expect_validation(k->names);
  else {
    expect_ok();
    ck_assert_pstr_eq(member("uploadId"), "1000000001");
  }
}
END_TEST

/* Fills body_buf with a Create body whose member name holds n copies
 * of the UTF-8 character ch. */
static const char *create_with(const char *name, const char *ch, int n)
{
  size_t used = (size_t)snprintf(body_buf, sizeof body_buf,
                                 "{\"sourceFileType\":\"BAM\","
                                 "\"subjectId\":\"s\",\"sampleId\":\"m\","
                                 "\"name\":\"n\",\"%s\":\"", name);

  for (int i = 0; i < n; i++)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used, "%s",
                             ch);
  snprintf(body_buf + used, sizeof body_buf - used, "\"}");
  return body_buf;
}

/* Fills body_buf with a Create body with one tag: key of key_len and
 * value of value_len copies of the character ch. */
static const char *create_tag(const char *ch, int key_len, int value_len)
{
  size_t used = (size_t)snprintf(body_buf, sizeof body_buf,
                                 "{\"sourceFileType\":\"BAM\","
                                 "\"subjectId\":\"s\",\"sampleId\":\"m\","
                                 "\"name\":\"n\",\"tags\":{\"");

  for (int i = 0; i < key_len + value_len; i++)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used,
                             "%s%s", i == key_len ? "\":\"" : "", ch);
  if (value_len == 0)
    used += (size_t)snprintf(body_buf + used, sizeof body_buf - used,
                             "\":\"");
  snprintf(body_buf + used, sizeof body_buf - used, "\"}}");
  return body_buf;
}

/* Tag keys are 1 to 128 code points, values 0 to 256. */
START_TEST(create_tag_lengths)
{
  const char *path = op_path(STORE, NULL, "upload");
  const char *e = "\xC3\xA9";

  post_json(path, NULL, create_tag(e, 128, 256));
  expect_ok();
  post_json(path, NULL, create_tag("k", 1, 0));
  expect_ok();
  post_json(path, NULL, create_tag(e, 129, 1));
  expect_validation("tags");
  post_json(path, NULL, create_tag(e, 1, 257));
  expect_validation("tags");
}
END_TEST

/* Lengths are counted in code points: 127 emoji fit, 128 letters not. */
START_TEST(create_lengths)
{
  const char *path = op_path(STORE, NULL, "upload");

  post_json(path, NULL, create_with("generatedFrom", "\xF0\x9F\x98\x80",
                                    127));
  expect_ok();
  post_json(path, NULL, create_with("generatedFrom", "a", 128));
  expect_validation("generatedFrom");
  post_json(path, NULL, create_with("description", "\xC3\xA9", 255));
  expect_ok();
  post_json(path, NULL, create_with("description", "a", 256));
  expect_validation("description");
}
END_TEST

/* The answer echoes the request with the store, id and creation time. */
START_TEST(create_echo)
{
  post_json(op_path(STORE, NULL, "upload"), NULL,
            "{\"sourceFileType\":\"FASTQ\",\"subjectId\":\"subj\","
            "\"sampleId\":\"samp\",\"name\":\"nm\",\"description\":\"d\","
            "\"tags\":{\"k\":\"v\"}}");
  expect_ok();
  ck_assert_pstr_eq(member("sequenceStoreId"), STORE);
  ck_assert_pstr_eq(member("uploadId"), "1000000001");
  ck_assert_pstr_eq(member("creationTime"), CLOCK_TEXT);
  ck_assert_pstr_eq(member("sourceFileType"), "FASTQ");
  ck_assert_pstr_eq(member("subjectId"), "subj");
  ck_assert_pstr_eq(member("sampleId"), "samp");
  ck_assert_pstr_eq(member("name"), "nm");
  ck_assert_pstr_eq(member("description"), "d");
  ck_assert_pstr_eq(cJSON_GetObjectItemCaseSensitive(
                      cJSON_GetObjectItemCaseSensitive(answer, "tags"),
                      "k")->valuestring, "v");
  post_json(op_path("%30123456789", NULL, "upload"), NULL,
            "{\"sourceFileType\":\"BAM\"," REQUIRED "}");
  expect_ok();
  ck_assert_pstr_eq(member("sequenceStoreId"), STORE);
  ck_assert_pstr_eq(member("uploadId"), "1000000002");
  post_json(op_path(MISSING_STORE, NULL, "upload"), NULL,
            "{\"sourceFileType\":\"BAM\"," REQUIRED "}");
  expect_error(404, "ResourceNotFoundException", MISSING_STORE);
}
END_TEST

/* ---- Ids, configuration and responses --------------------------- */

START_TEST(upload_ids_exhausted)
{
  mrsu_config config;
  char id[ID_ROOM];

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.first_upload_id = 9999999999ULL;
  start(&config);
  create("BAM", id);
  ck_assert_str_eq(id, "9999999999");
  post_json(op_path(STORE, NULL, "upload"), NULL,
            "{\"sourceFileType\":\"BAM\"," REQUIRED "}");
  expect_error(500, "InternalServerException", NULL);
  request("POST", op_path(STORE, NULL, "uploads"), NULL, NULL, NULL, 0);
  expect_uploads((const char *const[]){"9999999999"}, 1);
}
END_TEST

START_TEST(read_set_ids_exhausted)
{
  mrsu_config config;
  char a[ID_ROOM], b[ID_ROOM], sa[CHECKSUM_LEN + 1];
  char sb[CHECKSUM_LEN + 1], read_set[ID_ROOM];

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.first_read_set_id = 9999999999ULL;
  start(&config);
  one_part_upload(a, sa);
  one_part_upload(b, sb);
  complete_one_ok(a, sa, read_set);
  ck_assert_str_eq(read_set, "9999999999");
  complete_parts(b, &(entry){"1", "SOURCE1", sb}, 1);
  expect_error(500, "InternalServerException", NULL);
  request("POST", op_path(STORE, NULL, "uploads"), NULL, NULL, NULL, 0);
  expect_uploads((const char *const[]){b}, 1);
  put_part(b, "SOURCE1", 1, "still open");
  expect_ok();
}
END_TEST

/* A clock that cannot be written as YYYY-MM-DDTHH:MM:SSZ (year 10000,
 * or beyond what the C library can convert) reads 1970-01-01T00:00:00Z
 * in answers. */
START_TEST(clock_beyond_year_9999)
{
  static const int64_t clocks[] = {253402300800LL, INT64_MAX};
  mrsu_config config;
  char id[ID_ROOM];

  for (size_t i = 0; i < sizeof clocks / sizeof *clocks; i++) {
    mrsu_config_default(&config);
    config.fixed_time = clocks[i];
    start(&config);
    create("BAM", id);
    ck_assert_pstr_eq(member("creationTime"), "1970-01-01T00:00:00Z");
  }
  mrsu_config_default(&config);
  config.fixed_time = 253402300799LL;
  start(&config);
  create("BAM", id);
  ck_assert_pstr_eq(member("creationTime"), "9999-12-31T23:59:59Z");
}
END_TEST

/* Writes the end of the dump of a service with the default limits and
 * no principal: the limits in force, and the one throttling bucket,
 * full. */
static void limits_dump(char *out, size_t n)
{
  snprintf(out, n, "limits open uploads %llu read sets %llu parts %llu "
           "bytes %llu\nlimits rate 0 burst %llu deadline %lld delay 0 "
           "faults 0 0\nbucket 0 tokens %llu000000000 seen 0\n",
           MRSU_DEFAULT_OPEN_UPLOADS, MRSU_DEFAULT_READ_SETS,
           MRSU_DEFAULT_PARTS, MRSU_DEFAULT_UPLOAD_BYTES,
           MRSU_DEFAULT_THROTTLE_BURST, MRSU_DEFAULT_COMPLETE_DEADLINE_MS,
           MRSU_DEFAULT_THROTTLE_BURST);
}

/* The dump names every piece of state, and only a change of state
 * changes it: a refused request leaves it byte for byte as it was. */
START_TEST(service_dump)
{
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1], read_set[ID_ROOM];
  char *before, *after, expect[1024], limits[256];

  limits_dump(limits, sizeof limits);
  before = mrsu_service_dump(svc);
  snprintf(expect, sizeof expect, "next upload 1000000001\n"
           "next read set 2000000001\nstore 0123456789\n%s", limits);
  ck_assert_pstr_eq(before, expect);
  free(before);
  one_part_upload(id, sum);
  before = mrsu_service_dump(svc);
  complete_parts(id, &(entry){"2", "SOURCE1", sum}, 1);
  expect_validation("parts[0]");
  after = mrsu_service_dump(svc);
  ck_assert_pstr_eq(after, before);
  free(before);
  free(after);
  complete_one_ok(id, sum, read_set);
  create("FASTQ", id);
  request("DELETE", op_path(STORE, id, "abort"), NULL, NULL, NULL, 0);
  expect_ok();
  snprintf(expect, sizeof expect, "next upload 1000000003\n"
           "next read set 2000000002\nstore 0123456789\n"
           "  upload 1000000001 COMPLETED\n"
           "    type BAM created %d read set 2000000001\n"
           "    meta {\"sourceFileType\":\"BAM\",\"subjectId\":"
           "\"subject\",\"sampleId\":\"sample\",\"name\":\"read set\"}\n"
           "    part SOURCE1 1 size 4 created %d updated %d checksum %s\n"
           "  upload 1000000002 ABORTED\n%s", CLOCK, CLOCK, CLOCK, sum,
           limits);
  after = mrsu_service_dump(svc);
  ck_assert_pstr_eq(after, expect);
  free(after);
}
END_TEST

/* Two stores: an upload lives in the store it was created in. */
START_TEST(two_stores)
{
  static const char *const stores[] = {"0123456789", "1111111111"};
  mrsu_config config;
  char id[ID_ROOM], sum[CHECKSUM_LEN + 1];

  mrsu_config_default(&config);
  config.fixed_time = CLOCK;
  config.stores = stores;
  config.store_count = 2;
  start(&config);
  create_in("1111111111", "BAM", id);
  request("PUT", op_path("1111111111", id, "part"),
          "partNumber=1&partSource=SOURCE1", NULL, "x", 1);
  expect_ok();
  snprintf(sum, sizeof sum, "%s", member("checksum"));
  complete(STORE, id, parts_json(&(entry){"1", "SOURCE1", sum}, 1));
  expect_error(404, "ResourceNotFoundException", id);
  complete("1111111111", id, body_buf);
  expect_ok();
}
END_TEST

START_TEST(config_default_and_invalid)
{
  static const char *const bad_id[] = {"123"};
  static const char *const letters[] = {"01234567ab"};
  mrsu_config config;

  mrsu_config_default(&config);
  ck_assert_uint_eq(config.store_count, 1);
  ck_assert_str_eq(config.stores[0], MRSU_DEFAULT_STORE);
  ck_assert_uint_eq(config.first_upload_id, 1000000001ULL);
  ck_assert_uint_eq(config.first_read_set_id, 2000000001ULL);
  ck_assert(config.fixed_time < 0);
  ck_assert_uint_eq(config.max_json_body, 8u * 1024u * 1024u);
  ck_assert_uint_eq(config.max_part_size, 104857600u);
  config.store_count = 0;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config.store_count = 1;
  config.stores = bad_id;
  ck_assert_ptr_null(mrsu_service_new(&config));
  config.stores = letters;
  ck_assert_ptr_null(mrsu_service_new(&config));
}
END_TEST

START_TEST(response_helpers)
{
  mrsu_response zero;

  request("GET", "/", NULL, NULL, NULL, 0);
  ck_assert_pstr_eq(mrsu_response_header(&rs, "content-type"), JSON);
  ck_assert_pstr_eq(mrsu_response_header(&rs, "x-amzn-errortype"),
                    "NotSupportedOperationException");
  ck_assert_ptr_null(mrsu_response_header(&rs, "Content-Length"));
  mrsu_response_free(&rs);
  ck_assert_ptr_null(rs.body);
  ck_assert_int_eq(rs.status, 0);
  ck_assert_uint_eq(rs.header_count, 0);
  memset(&zero, 0, sizeof zero);
  mrsu_response_free(&zero);
}
END_TEST

/* The real clock is used when no fixed time is set. */
START_TEST(real_clock)
{
  mrsu_config config;
  const char *when;

  mrsu_config_default(&config);
  start(&config);
  post_json(op_path(STORE, NULL, "upload"), NULL,
            "{\"sourceFileType\":\"BAM\"," REQUIRED "}");
  expect_ok();
  when = member("creationTime");
  ck_assert_ptr_nonnull(when);
  ck_assert_uint_eq(strlen(when), 20);
  ck_assert_str_ne(when, "1970-01-01T00:00:00Z");
  ck_assert_int_eq(when[19], 'Z');
}
END_TEST

/* Adds a test case with the service fixture to s. */
static TCase *service_case(Suite *s, const char *name)
{
  TCase *tc = tcase_create(name);

  tcase_add_checked_fixture(tc, service_setup, service_teardown);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return tc;
}

#define COUNT(table) ((int)(sizeof table / sizeof *table))

Suite *service_suite(void)
{
  Suite *s = suite_create("service");
  TCase *http = service_case(s, "http");
  TCase *body = service_case(s, "complete_body");
  TCase *flow = service_case(s, "flows");
  TCase *order = service_case(s, "precedence");
  TCase *other = service_case(s, "other_operations");
  TCase *misc = service_case(s, "ids_and_config");

  tcase_add_loop_test(http, route_table, 0, COUNT(route_cases));
  tcase_add_test(http, route_null_method_or_path);
  tcase_add_loop_test(http, label_table, 0, COUNT(label_cases));
  tcase_add_test(http, label_valid_but_missing);
  tcase_add_loop_test(http, content_type_table, 0, COUNT(type_cases));
  tcase_add_test(http, content_type_header_name_case);
  tcase_add_test(http, content_type_among_headers);
  tcase_add_test(http, content_type_other_operations);
  tcase_add_test(http, json_body_limit_configured);
  tcase_add_test(http, json_body_limit_default);

  tcase_add_loop_test(body, complete_body_table, 0, COUNT(body_cases));
  tcase_add_test(body, complete_empty_body);
  tcase_add_test(body, complete_ignores_query);
  tcase_add_test(body, complete_many_entries);
  tcase_add_test(body, complete_checksum_length);

  tcase_add_test(flow, flow_fastq_two_sources);
  tcase_add_test(flow, flow_ids_in_sequence);
  tcase_add_loop_test(flow, flow_rule_table, 0, COUNT(flow_rules));
  tcase_add_test(flow, failed_complete_then_success);
  tcase_add_test(flow, reupload_changes_checksum);
  tcase_add_loop_test(flow, after_complete_table, 0,
                      COUNT(after_complete));
  tcase_add_loop_test(flow, after_abort_table, OP_PUT_PART, OP_ABORT + 1);
  tcase_add_test(flow, abort_ignores_body);
  tcase_add_test(flow, racing_completes);

  tcase_add_test(order, precedence_label_before_content_type);
  tcase_add_test(order, precedence_content_type_before_size);
  tcase_add_test(order, precedence_body_before_not_found);
  tcase_add_test(order, precedence_label_before_query);
  tcase_add_test(order, precedence_query_before_body);

  tcase_add_loop_test(other, part_query_table, 0, COUNT(query_cases));
  tcase_add_test(other, part_body_size_configured);
  tcase_add_test(other, part_body_size_default);
  tcase_add_test(other, part_not_found);
  tcase_add_test(other, list_parts_sorted);
  tcase_add_test(other, list_parts_pages);
  tcase_add_loop_test(other, list_parts_table, 0, COUNT(list_cases));
  tcase_add_loop_test(other, list_parts_filter_table, 0,
                      COUNT(filter_cases));
  tcase_add_loop_test(other, list_parts_bad_time_table, 0,
                      COUNT(bad_times));
  tcase_add_test(other, list_parts_token_too_long);
  tcase_add_test(other, list_parts_not_found);
  tcase_add_test(other, list_uploads_open_only);
  tcase_add_test(other, list_uploads_pages);
  tcase_add_test(other, list_uploads_content_type);
  tcase_add_test(other, list_uploads_body_syntax);
  tcase_add_test(other, list_uploads_body_size);
  tcase_add_loop_test(other, create_table, 0, COUNT(create_cases));
  tcase_add_test(other, create_lengths);
  tcase_add_test(other, create_tag_lengths);
  tcase_add_test(other, create_echo);

  tcase_add_test(misc, upload_ids_exhausted);
  tcase_add_test(misc, read_set_ids_exhausted);
  tcase_add_test(misc, clock_beyond_year_9999);
  tcase_add_test(misc, service_dump);
  tcase_add_test(misc, two_stores);
  tcase_add_test(misc, config_default_and_invalid);
  tcase_add_test(misc, response_helpers);
  tcase_add_test(misc, real_clock);
  return s;
}
