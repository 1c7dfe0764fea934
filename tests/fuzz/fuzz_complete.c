/*
 * fuzz_complete.c: libFuzzer harness for CompleteMultipartReadSetUpload
 * through mrsu_handle, and for the strict JSON gate.
 *
 * The input is "PATH\nQUERY\nBODY": the raw path, the raw query (empty
 * for none) and the body of a POST with Content-Type application/json.
 * An input with fewer than two line feeds is all body, sent to the
 * Complete path of the prepared upload. Each input gets a fresh service
 * holding FASTQ upload 1000000001 with SOURCE1 parts 1 and 2 and
 * SOURCE2 part 1, whose bytes are those of the vectors' fragments, so a
 * Complete body taken from the vectors can succeed. What must hold:
 *   - the answer is well-formed: a known status, Content-Type
 *     application/json, the error type in its header exactly when it is
 *     an error, a JSON object body; an error body holds only a string
 *     "message"; a 200 to Complete holds only a ten-digit readSetId;
 *   - a Complete that fails leaves the state exactly as it was, and one
 *     that succeeds, sent again, answers the same readSetId;
 *   - memory never runs out (mrsu_handle never returns -1 here).
 * The whole input also goes through jg_parse: a tree it accepts prints
 * (cJSON) as text it accepts again, and prints the same the second
 * time; a number jg_integer calls whole equals its double value.
 */
#include "json_gate.h"
#include "mrsu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UPLOAD_PATH "/sequencestore/" MRSU_DEFAULT_STORE "/upload"
#define COMPLETE_PATH UPLOAD_PATH "/1000000001/complete"

/* The parts of the prepared upload, as the vectors upload them. */
static const struct {
  const char *query;
  const char *bytes;
} parts[] = {
  {"partSource=SOURCE1&partNumber=1", "@read1-part1\nACGTACGTAC\n+\n"
   "IIIIIIIIII\n"},
  {"partSource=SOURCE1&partNumber=2", "@read1-part2\nACGTACGTAC\n+\n"
   "IIIIIIIIII\n"},
  {"partSource=SOURCE2&partNumber=1", "@read2-part1\nACGTACGTAC\n+\n"
   "IIIIIIIIII\n"},
};

/* Stops the run: an invariant did not hold. */
static void broken(const char *what, const mrsu_response *rs)
{
  fprintf(stderr, "fuzz_complete: %s (status %d, body %.*s)\n", what,
          rs ? rs->status : 0, rs ? (int)rs->body_len : 0,
          rs && rs->body ? rs->body : "");
  abort();
}

/* Sends one request to s; the caller frees *rs. */
static void send(mrsu_service *s, const char *method, const char *path,
                 const char *query, const unsigned char *body, size_t len,
                 mrsu_response *rs)
{
  static const mrsu_header json = {"Content-Type", "application/json"};
  mrsu_request rq;

  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.path = path;
  rq.query = query;
  rq.headers = &json;
  rq.header_count = 1;
  rq.body = body;
  rq.body_len = len;
  if (mrsu_handle(s, &rq, rs) != 0)
    broken("mrsu_handle ran out of memory", rs);
}

/* A service with the prepared upload. */
static mrsu_service *prepared(void)
{
  mrsu_config config;
  mrsu_response rs;
  mrsu_service *s;
  const char *create = "{\"sourceFileType\":\"FASTQ\",\"subjectId\":"
                       "\"subject-1\",\"sampleId\":\"sample-1\","
                       "\"name\":\"fuzz\"}";

  mrsu_config_default(&config);
  config.fixed_time = 1767225600;
  s = mrsu_service_new(&config);
  if (!s)
    broken("cannot start a service", NULL);
  send(s, "POST", UPLOAD_PATH, NULL, (const unsigned char *)create,
       strlen(create), &rs);
  if (rs.status != 200)
    broken("cannot create the upload", &rs);
  mrsu_response_free(&rs);
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    send(s, "PUT", UPLOAD_PATH "/1000000001/part", parts[i].query,
         (const unsigned char *)parts[i].bytes, strlen(parts[i].bytes),
         &rs);
    if (rs.status != 200)
      broken("cannot upload a part", &rs);
    mrsu_response_free(&rs);
  }
  return s;
}

/* 1 when s is ten ASCII digits. */
static int ten_digits(const char *s)
{
  size_t n = 0;

  while (s[n] >= '0' && s[n] <= '9')
    n++;
  return n == 10 && s[n] == '\0';
}

/* Checks the form of any answer; returns its body, parsed. */
static cJSON *judge_form(const mrsu_response *rs)
{
  static const int known[] = {200, 400, 404, 405};
  const char *type = mrsu_response_header(rs, "Content-Type");
  const char *error = mrsu_response_header(rs, "X-Amzn-ErrorType");
  const cJSON *message;
  int status_known = 0;
  cJSON *body;

  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    status_known |= rs->status == known[i];
  if (!status_known)
    broken("unexpected status", rs);
  if (!type || strcmp(type, "application/json"))
    broken("Content-Type is not application/json", rs);
  if ((rs->status == 200) != (error == NULL) ||
      (error && (!rs->error_type || strcmp(error, rs->error_type))))
    broken("the error type does not match the status", rs);
  body = jg_parse((const unsigned char *)rs->body, rs->body_len, NULL, 0,
                  NULL);
  if (!cJSON_IsObject(body))
    broken("the body is not a JSON object", rs);
  message = cJSON_GetObjectItemCaseSensitive(body, "message");
  if (error && (cJSON_GetArraySize(body) != 1 || !cJSON_IsString(message)))
    broken("an error body is not {\"message\": text}", rs);
  return body;
}

/* Sends the Complete the input describes and judges it. */
static void fuzz_request(const char *path, const char *query,
                         const unsigned char *body, size_t len)
{
  mrsu_service *s = prepared();
  char *before = mrsu_service_dump(s), *after;
  mrsu_response rs, again;
  const cJSON *id;
  cJSON *answer;

  send(s, "POST", path, query, body, len, &rs);
  answer = judge_form(&rs);
  after = mrsu_service_dump(s);
  if (!before || !after)
    broken("cannot dump the state", NULL);
  id = cJSON_GetObjectItemCaseSensitive(answer, "readSetId");
  if (rs.status != 200 && strcmp(before, after))
    broken("a request that failed changed the state", &rs);
  if (rs.status == 200 && strstr(path, "complete")) {
    if (cJSON_GetArraySize(answer) != 1 || !cJSON_IsString(id) ||
        !ten_digits(id->valuestring))
      broken("a Complete answered 200 without a readSetId", &rs);
    send(s, "POST", path, query, body, len, &again);
    if (again.status != 200 || again.body_len != rs.body_len ||
        memcmp(again.body, rs.body, rs.body_len))
      broken("the same Complete again answered otherwise", &again);
    mrsu_response_free(&again);
  }
  cJSON_Delete(answer);
  mrsu_response_free(&rs);
  free(before);
  free(after);
  mrsu_service_free(s);
}

/* Checks jg_integer against the double of every number in the tree. */
static void judge_numbers(const cJSON *node)
{
  long long value;

  for (; node; node = node->next) {
    if (cJSON_IsNumber(node) &&
        jg_integer(node, -1000000000000000LL, 1000000000000000LL,
                   &value) == JG_INT_OK &&
        (double)value != node->valuedouble)
      broken("jg_integer disagrees with the number's value", NULL);
    judge_numbers(node->child);
  }
}

/* The raw bytes through the JSON gate. */
static void fuzz_gate(const uint8_t *data, size_t size)
{
  char err[200];
  cJSON *tree = jg_parse(data, size, err, sizeof err, NULL), *again;
  char *first, *second;

  if (!tree) {
    if (!strstr(err, "at byte "))
      broken("a refusal without its offset", NULL);
    return;
  }
  judge_numbers(tree);
  first = cJSON_PrintUnformatted(tree);
  again = first ? jg_parse((const unsigned char *)first, strlen(first),
                           err, sizeof err, NULL) : NULL;
  second = again ? cJSON_PrintUnformatted(again) : NULL;
  if (!first || !again || !second || strcmp(first, second))
    broken("an accepted text does not print back the same", NULL);
  free(first);
  free(second);
  cJSON_Delete(again);
  cJSON_Delete(tree);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *nl1 = memchr(data, '\n', size), *nl2 = NULL;
  char *path, *query;

  fuzz_gate(data, size);
  if (nl1)
    nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data));
  if (!nl2) {
    fuzz_request(COMPLETE_PATH, NULL, data, size);
    return 0;
  }
  path = strndup((const char *)data, (size_t)(nl1 - data));
  query = strndup((const char *)nl1 + 1, (size_t)(nl2 - nl1 - 1));
  if (!path || !query)
    broken("out of memory", NULL);
  fuzz_request(path, query[0] ? query : NULL, nl2 + 1,
               size - (size_t)(nl2 + 1 - data));
  free(path);
  free(query);
  return 0;
}
