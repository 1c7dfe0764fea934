/*
 * op_upload.c: the operations around Complete: CreateMultipartReadSetUpload,
 * UploadReadSetPart, ListReadSetUploadParts, AbortMultipartReadSetUpload
 * and ListMultipartReadSetUploads.
 *
 * Each checks its query, then its body, then that the store and upload
 * exist, then the upload's state. Each builds its answer before it
 * changes any state, so running out of memory changes nothing.
 */
#include "call.h"

#include "checksum.h"
#include "fields.h"
#include "never.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_values[] = {"SOURCE1", "SOURCE2"};
static const char *const type_values[] = {"FASTQ", "BAM", "CRAM", "UBAM"};

#define PAGE_MAX 100
#define TOKEN_MAX 6144

/* Reads an optional query integer in 1..max written as plain decimal
 * digits without a leading zero. Returns 1 with *out set, 0 when
 * absent, -1 after answering 400, -2 when memory ran out. */
static int query_integer(call *c, const char *name, long max, long *out)
{
  char *text = NULL;
  int rc = call_query(c, name, &text);
  long value = 0;
  size_t i;

  if (rc <= 0)
    return rc;
  for (i = 0; text[i] >= '0' && text[i] <= '9' && i < 7; i++)
    value = value * 10 + (text[i] - '0');
  if (i == 0 || text[i] || text[0] == '0' || value > max)
    rc = reply_error(c, ERR_VALIDATION, "%s: must be a whole number "
                     "between 1 and %ld", name, max) < 0 ? -2 : -1;
  free(text);
  *out = value;
  return rc;
}

/* Reads an optional query enum. Same returns as query_integer. */
static int query_enum(call *c, const char *name, const char *const *values,
                      size_t count, int *out)
{
  char *text = NULL;
  int rc = call_query(c, name, &text);

  if (rc <= 0)
    return rc;
  for (size_t i = 0; i < count; i++)
    if (!strcmp(text, values[i])) {
      free(text);
      *out = (int)i;
      return 1;
    }
  free(text);
  return reply_error(c, ERR_VALIDATION, "%s: must be one of %s, %s", name,
                     values[0], values[1]) < 0 ? -2 : -1;
}

/* Copies a checked member of from into to. Returns 0 or -1 (memory). */
static int copy_member(cJSON *to, const cJSON *from, const char *name)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(from, name);
  cJSON *copy;

  if (!m || cJSON_IsNull(m))
    return 0;
  copy = cJSON_Duplicate(m, 1);
  if (!copy || !cJSON_AddItemToObject(to, name, copy)) {
    cJSON_Delete(copy);
    return -1;
  }
  return 0;
}

/* Checks the tags map: string values, key 1..128 and value 0..256 code
 * points. Returns FIELD_OK, FIELD_ABSENT or FIELD_BAD. */
static field_result check_tags(call *c, const cJSON *body)
{
  field_place place = {"", "tags", 0, c->err, sizeof c->err};
  const cJSON *tags, *tag;
  field_result rc = field_container(body, &place, cJSON_Object, &tags);
  size_t n;

  if (rc != FIELD_OK)
    return rc;
  for (tag = tags->child; tag; tag = tag->next) {
    n = text_code_points(tag->string);
    if (n < 1 || n > 128)
      return field_fail(&place, "each key must be 1 to 128 characters "
                        "long, not %zu", n);
    if (!cJSON_IsString(tag))
      return field_fail(&place, "each value must be a string, not %s",
                        field_type_name(tag));
    n = text_code_points(tag->valuestring);
    if (n > 256)
      return field_fail(&place, "each value must be at most 256 "
                        "characters long, not %zu", n);
  }
  return FIELD_OK;
}

/* The free-text members of Create: name, required, longest. */
static const struct {
  const char *name;
  int required;
  size_t max;
} create_texts[] = {
  {"subjectId", 1, 127}, {"sampleId", 1, 127}, {"name", 1, 127},
  {"generatedFrom", 0, 127}, {"clientToken", 0, 127},
  {"description", 0, 255},
};

/* Checks referenceArn: 1..127 code points, "arn:" then at least one
 * character, none of them a line break. */
static field_result check_reference_arn(call *c, const cJSON *body)
{
  field_place place = {"", "referenceArn", 0, c->err, sizeof c->err};
  const char *arn;
  field_result rc = field_string(body, &place, 1, 127, 0, &arn);

  if (rc != FIELD_OK)
    return rc;
  if (strncmp(arn, "arn:", 4) || !arn[4] || strpbrk(arn, "\n\r"))
    return field_fail(&place, "must match arn:.+");
  return FIELD_OK;
}

/* Checks every member of a Create body; *type gets the file type.
 * Returns FIELD_OK, FIELD_BAD or FIELD_NO_MEMORY. */
static field_result check_create(call *c, const cJSON *body, int *type)
{
  field_place place = {"", "sourceFileType", 1, c->err, sizeof c->err};
  field_result rc = field_enum(body, &place, type_values, 4, type);
  const char *text;

  if (rc != FIELD_OK)
    return rc;
  for (size_t i = 0; i < sizeof create_texts / sizeof *create_texts; i++) {
    place.name = create_texts[i].name;
    place.required = create_texts[i].required;
    rc = field_string(body, &place, 1, create_texts[i].max, 1, &text);
    if (rc != FIELD_OK && rc != FIELD_ABSENT)
      return rc;
  }
  rc = check_reference_arn(c, body);
  if (rc != FIELD_OK && rc != FIELD_ABSENT)
    return rc;
  rc = check_tags(c, body);
  return rc == FIELD_ABSENT ? FIELD_OK : rc;
}

/* Builds what the upload remembers of its Create request: the checked
 * members only. Returns NULL when memory ran out. */
static cJSON *create_meta(const cJSON *body)
{
  static const char *const kept[] = {
    "sourceFileType", "subjectId", "sampleId", "generatedFrom",
    "referenceArn", "name", "description", "tags",
  };
  cJSON *meta = cJSON_CreateObject();

  for (size_t i = 0; meta && i < sizeof kept / sizeof *kept; i++)
    if (copy_member(meta, body, kept[i]) < 0) {
      cJSON_Delete(meta);
      meta = NULL;
    }
  return meta;
}

/* Describes an upload as Create and ListMultipartReadSetUploads answer:
 * its metadata with its store, id and creation time. NULL on memory. */
static cJSON *describe_upload(const char *store_id, const char *upload_id,
                              const cJSON *meta, int64_t created)
{
  char when[21];
  cJSON *out = cJSON_Duplicate(meta, 1);

  call_format_time(created, when);
  if (out && (!cJSON_AddStringToObject(out, "sequenceStoreId", store_id) ||
              !cJSON_AddStringToObject(out, "uploadId", upload_id) ||
              !cJSON_AddStringToObject(out, "creationTime", when))) {
    cJSON_Delete(out);
    out = NULL;
  }
  return out;
}

int op_create(call *c)
{
  cJSON *body, *meta = NULL, *answer = NULL;
  char upload_id[ST_ID_LEN + 1];
  st_upload *upload;
  size_t open, read_sets;
  int failed, type = 0, rc = -1;
  field_result fr;
  st_result sr;

  body = call_json_body(c, &failed);
  if (!body)
    return failed;
  fr = check_create(c, body, &type);
  if (fr != FIELD_OK) {
    rc = reply_field_failure(c, fr);
    goto out;
  }
  if (!st_store_exists(c->db, c->store_id)) {
    rc = reply_store_result(c, ST_NOT_FOUND);
    goto out;
  }
  st_store_counts(c->db, c->store_id, &open, &read_sets);
  if (open >= c->ctl->now.open_uploads) {
    rc = reply_quota(c, "open uploads of the sequence store",
                     c->ctl->now.open_uploads);
    goto out;
  }
  sr = st_next_upload_id(c->db, upload_id);
  if (sr != ST_OK) {
    rc = reply_store_result(c, sr);
    goto out;
  }
  meta = create_meta(body);
  if (meta)
    answer = describe_upload(c->store_id, upload_id, meta, c->now);
  if (!answer || reply_json(c, answer) < 0)
    goto out;
  rc = st_upload_create(c->db, c->store_id, (st_file_type)type, meta,
                        c->now, &upload) == ST_OK ? 0 : -1;
  meta = NULL;
out:
  cJSON_Delete(meta);
  cJSON_Delete(body);
  return rc;
}

/* Reads partSource and partNumber of UploadReadSetPart, both required.
 * Returns 1 when both are good, else as query_integer. */
static int read_part_query(call *c, int *source, long *number)
{
  int rc = query_enum(c, "partSource", source_values, 2, source);

  if (rc == 0)
    return reply_error(c, ERR_VALIDATION, "partSource: is required in "
                       "the query string") < 0 ? -2 : -1;
  if (rc < 0)
    return rc;
  rc = query_integer(c, "partNumber", ST_PART_MAX, number);
  if (rc == 0)
    return reply_error(c, ERR_VALIDATION, "partNumber: is required in "
                       "the query string") < 0 ? -2 : -1;
  return rc;
}

/* Checks the quotas of the upload for part (source, number) of size
 * bytes. Returns 1 when they allow it, 0 after answering 402, -1 when
 * memory ran out. */
static int check_part_quota(call *c, const st_upload *upload, int source,
                            long number, uint64_t size)
{
  const limits *l = &c->ctl->now;
  const st_part *old = st_part_find(upload, (st_source)source,
                                    (int)number);
  uint64_t bytes;
  size_t parts;

  st_upload_totals(upload, &parts, &bytes);
  if (!old && parts >= l->parts)
    return reply_quota(c, "parts of the upload", l->parts);
  bytes -= old ? old->size : 0;
  if (size > l->bytes || bytes > l->bytes - size)
    return reply_quota(c, "bytes of the upload", l->bytes);
  return 1;
}

/* Makes the accepted part durable, unless a fault is injected. Returns
 * 1 when it is, 0 after answering 500, -1 when memory ran out. */
static int keep_part(call *c, int source, long number)
{
  const mrsu_storage *hooks = &c->config->storage;

  if (limits_fault(&c->ctl->now, FAULT_PART) ||
      (hooks->keep_part &&
       hooks->keep_part(hooks->arg, c->request, c->store_id, c->upload_id,
                        source_values[source], (int)number) < 0))
    return reply_storage_failed(c, "the part");
  return 1;
}

int op_upload_part(call *c)
{
  const mrsu_request *r = c->request;
  char sum[CHECKSUM_LEN + 1];
  st_upload *upload;
  cJSON *answer;
  int source = 0, rc;
  long number = 0;
  st_result sr;

  rc = read_part_query(c, &source, &number);
  if (rc < 0)
    return rc == -2 ? -1 : 0;
  if (r->body_len == 0 || r->body_len > c->config->max_part_size)
    return reply_error(c, ERR_VALIDATION, "body: a part must be 1 to %zu "
                       "bytes long, not %zu", c->config->max_part_size,
                       r->body_len);
  sr = st_upload_find(c->db, c->store_id, c->upload_id, &upload);
  if (sr == ST_OK && st_upload_state(upload) != ST_OPEN) {
    snprintf(c->err, sizeof c->err, "upload %s is completed: its parts "
             "can no longer change", c->upload_id);
    sr = ST_REJECTED;
  }
  if (sr != ST_OK)
    return reply_store_result(c, sr);
  rc = check_part_quota(c, upload, source, number, r->body_len);
  if (rc < 1)
    return rc;
  if (r->body_checksum)
    snprintf(sum, sizeof sum, "%s", r->body_checksum);
  else if (checksum_of(r->body, r->body_len, sum) < 0)
    return -1;
  answer = cJSON_CreateObject();
  if (!answer || !cJSON_AddStringToObject(answer, "checksum", sum)) {
    cJSON_Delete(answer);
    return -1;
  }
  rc = keep_part(c, source, number);
  if (rc < 1) {
    cJSON_Delete(answer);
    return rc;
  }
  if (reply_json(c, answer) < 0)
    return -1;
  return st_part_put(upload, (st_source)source, (int)number, r->body_len,
                     sum, c->now, c->err, sizeof c->err) == ST_OK ? 0 : -1;
}

/* Reads n decimal digits at s. Returns the value, or -1 when one of
 * them is not a digit. */
static int digits(const char *s, int n)
{
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Days in month mo (1..12) of year y. */
static int month_days(int y, int mo)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                             31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  return days[mo - 1] + (mo == 2 && leap);
}

/* Reads the zone of a date-time: "Z" or "+HH:MM" / "-HH:MM" ending the
 * text. Returns 0 with *offset in seconds east of UTC, or -1. */
static int parse_zone(const char *s, int *offset)
{
  int h, m;

  if (!strcmp(s, "Z")) {
    *offset = 0;
    return 0;
  }
  if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
    return -1;
  h = digits(s + 1, 2);
  m = digits(s + 4, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59)
    return -1;
  *offset = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
  return 0;
}

/* Parses an RFC 3339 date-time "YYYY-MM-DDTHH:MM:SS[.f+](Z|+HH:MM)".
 * Returns 0 with *out in whole seconds since 1970, or -1. A fraction of
 * a second rounds down, or up when round_up: creation times are whole
 * seconds, so "at or after 00:00:00.5" means "at or after 00:00:01". */
static int parse_time(const char *s, int round_up, int64_t *out)
{
  int y, mo, d, h, mi, sec, offset, fraction = 0;
  int64_t days;

  if (strlen(s) < 19)
    return -1;
  y = digits(s, 4);
  if (y < 0 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
      s[13] != ':' || s[16] != ':')
    return -1;
  mo = digits(s + 5, 2);
  d = digits(s + 8, 2);
  h = digits(s + 11, 2);
  mi = digits(s + 14, 2);
  sec = digits(s + 17, 2);
  if (mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
    return -1;
  s += 19;
  if (*s == '.') {
    if (s[1] < '0' || s[1] > '9')
      return -1;
    for (s++; *s >= '0' && *s <= '9'; s++)
      fraction |= *s != '0';
  }
  if (parse_zone(s, &offset) < 0)
    return -1;
  /* Days from the civil date, proleptic Gregorian calendar. */
  y -= mo <= 2;
  days = (int64_t)365 * y + y / 4 - y / 100 + y / 400 +
         (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1 - 719468;
  *out = days * 86400 + h * 3600 + mi * 60 + sec - offset +
         (round_up && fraction);
  return 0;
}

/* Reads an optional timestamp member of the filter. */
static field_result filter_time(call *c, const cJSON *filter,
                                const char *name, int64_t *out)
{
  field_place place = {"filter", name, 0, c->err, sizeof c->err};
  const char *text;
  field_result rc = field_string(filter, &place, 1, SIZE_MAX, 0, &text);

  if (rc != FIELD_OK)
    return rc;
  if (parse_time(text, !strcmp(name, "createdAfter"), out) < 0)
    return field_fail(&place, "must be an ISO 8601 date-time such as "
                      "2026-01-31T12:00:00Z");
  return FIELD_OK;
}

/* The request of ListReadSetUploadParts, once checked. */
typedef struct list_query {
  int source;
  long max;
  long after_number;            /* list parts numbered above this */
  int64_t after, before;        /* creation time bounds, inclusive */
} list_query;

/* Checks the body of ListReadSetUploadParts into q. */
static field_result check_list_body(call *c, const cJSON *body,
                                    list_query *q)
{
  field_place place = {"", "partSource", 1, c->err, sizeof c->err};
  const cJSON *filter;
  field_result rc = field_enum(body, &place, source_values, 2, &q->source);

  if (rc != FIELD_OK)
    return rc;
  place.name = "filter";
  place.required = 0;
  rc = field_container(body, &place, cJSON_Object, &filter);
  if (rc != FIELD_OK)
    return rc == FIELD_ABSENT ? FIELD_OK : rc;
  rc = filter_time(c, filter, "createdAfter", &q->after);
  if (rc == FIELD_OK || rc == FIELD_ABSENT)
    rc = filter_time(c, filter, "createdBefore", &q->before);
  return rc == FIELD_ABSENT ? FIELD_OK : rc;
}

/* 1 when token is a decimal number in 1..limit without a leading zero,
 * as this service issues nextToken, with *value set; else 0. */
static int issued_token(const char *token, long limit, long *value)
{
  char *end;

  if (token[0] < '1' || token[0] > '9')
    return 0;
  *value = strtol(token, &end, 10);
  return *end == '\0' && *value <= limit;
}

/* Reads maxResults and nextToken. nextToken is the decimal number of the
 * last part of the previous page, as this service issues it. Returns 0,
 * -1 after answering 400, -2 when memory ran out. */
static int read_page_query(call *c, long limit, long *max, long *after)
{
  int rc = query_integer(c, "maxResults", PAGE_MAX, max);
  char *token = NULL;
  int printable;
  size_t n;

  if (rc < 0)
    return rc;
  rc = call_query(c, "nextToken", &token);
  if (rc <= 0)
    return rc;
  n = text_code_points(token);
  printable = text_printable(token);
  if (n < 1 || n > TOKEN_MAX || printable == 0)
    rc = reply_error(c, ERR_VALIDATION, "nextToken: must be 1 to %d "
                     "letters, marks, numbers, punctuation, symbols or "
                     "spaces", TOKEN_MAX) < 0 ? -2 : -1;
  else if (printable < 0)
    rc = -2;
  else if (!issued_token(token, limit, after))
    rc = reply_error(c, ERR_VALIDATION, "nextToken: was not issued by "
                     "this service") < 0 ? -2 : -1;
  else
    rc = 0;
  free(token);
  return rc;
}

/* Describes one part for ListReadSetUploadParts. NULL on memory. */
static cJSON *describe_part(const st_part *p)
{
  char created[21], updated[21];
  cJSON *o = cJSON_CreateObject();

  call_format_time(p->created, created);
  call_format_time(p->updated, updated);
  if (o && (!cJSON_AddNumberToObject(o, "partNumber", p->number) ||
            !cJSON_AddNumberToObject(o, "partSize", (double)p->size) ||
            !cJSON_AddStringToObject(o, "partSource",
                                     source_values[p->source]) ||
            !cJSON_AddStringToObject(o, "checksum", p->checksum) ||
            !cJSON_AddStringToObject(o, "creationTime", created) ||
            !cJSON_AddStringToObject(o, "lastUpdatedTime", updated))) {
    cJSON_Delete(o);
    o = NULL;
  }
  return o;
}

/* Builds the page of parts q selects. NULL when memory ran out. */
static cJSON *list_page(const st_upload *upload, const list_query *q)
{
  size_t n, i, shown = 0;
  const st_part *parts = st_parts(upload, (st_source)q->source, &n);
  cJSON *answer = cJSON_CreateObject(), *list, *item;
  char token[16];

  list = answer ? cJSON_AddArrayToObject(answer, "parts") : NULL;
  for (i = 0; list && i < n; i++) {
    if (parts[i].number <= q->after_number ||
        parts[i].created < q->after || parts[i].created > q->before)
      continue;
    if (shown == (size_t)q->max) {
      snprintf(token, sizeof token, "%ld", (long)parts[i - 1].number);
      if (!cJSON_AddStringToObject(answer, "nextToken", token))
        list = NULL;
      break;
    }
    item = describe_part(&parts[i]);
    if (!item || NEVER(!cJSON_AddItemToArray(list, item))) {
      cJSON_Delete(item);
      list = NULL;
    }
    shown++;
  }
  if (!list) {
    cJSON_Delete(answer);
    return NULL;
  }
  return answer;
}

int op_list_parts(call *c)
{
  list_query q = {0, PAGE_MAX, 0, INT64_MIN, INT64_MAX};
  st_upload *upload;
  cJSON *body, *answer;
  int failed, rc;
  field_result fr;
  st_result sr;

  rc = read_page_query(c, ST_PART_MAX, &q.max, &q.after_number);
  if (rc < 0)
    return rc == -2 ? -1 : 0;
  body = call_json_body(c, &failed);
  if (!body)
    return failed;
  fr = check_list_body(c, body, &q);
  if (fr != FIELD_OK) {
    rc = reply_field_failure(c, fr);
    goto out;
  }
  sr = st_upload_find(c->db, c->store_id, c->upload_id, &upload);
  if (sr != ST_OK) {
    rc = reply_store_result(c, sr);
    goto out;
  }
  answer = list_page(upload, &q);
  rc = answer ? reply_json(c, answer) : -1;
out:
  cJSON_Delete(body);
  return rc;
}

int op_abort(call *c)
{
  st_upload *upload;
  cJSON *answer;
  st_result sr = st_upload_find(c->db, c->store_id, c->upload_id, &upload);

  if (sr == ST_OK && st_upload_state(upload) != ST_OPEN) {
    snprintf(c->err, sizeof c->err, "upload %s is completed and can no "
             "longer be aborted", c->upload_id);
    sr = ST_REJECTED;
  }
  if (sr != ST_OK)
    return reply_store_result(c, sr);
  answer = cJSON_CreateObject();
  if (!answer || reply_json(c, answer) < 0)
    return -1;
  st_abort(upload, c->err, sizeof c->err);
  return 0;
}

/* State of a walk over a store's open uploads. */
typedef struct upload_walk {
  const char *store_id;
  long after;                   /* list uploads with larger ids */
  long max;
  long shown;
  cJSON *list;
  cJSON *answer;
  int failed;
  char last[ST_ID_LEN + 1];     /* id of the last upload shown */
} upload_walk;

/* Adds one upload to the page, or ends the page with a nextToken. */
static int visit_upload(const st_upload *upload, void *arg)
{
  upload_walk *w = arg;
  cJSON *item;

  if (strtol(st_upload_id(upload), NULL, 10) <= w->after)
    return 0;
  if (w->shown == w->max) {
    if (!cJSON_AddStringToObject(w->answer, "nextToken", w->last))
      w->failed = 1;
    return 1;
  }
  item = describe_upload(w->store_id, st_upload_id(upload),
                         st_upload_meta(upload), st_upload_created(upload));
  if (!item || NEVER(!cJSON_AddItemToArray(w->list, item))) {
    cJSON_Delete(item);
    w->failed = 1;
    return 1;
  }
  w->shown++;
  snprintf(w->last, sizeof w->last, "%s", st_upload_id(upload));
  return 0;
}

int op_list_uploads(call *c)
{
  upload_walk w = {c->store_id, 0, PAGE_MAX, 0, NULL, NULL, 0, ""};
  int rc = read_page_query(c, 9999999999L, &w.max, &w.after);
  cJSON *body;

  if (rc < 0)
    return rc == -2 ? -1 : 0;
  /* The operation has no body members, but its body is still JSON. */
  body = call_json_body(c, &rc);
  if (!body)
    return rc;
  cJSON_Delete(body);
  if (!st_store_exists(c->db, c->store_id))
    return reply_store_result(c, ST_NOT_FOUND);
  w.answer = cJSON_CreateObject();
  w.list = w.answer ? cJSON_AddArrayToObject(w.answer, "uploads") : NULL;
  if (!w.list) {
    cJSON_Delete(w.answer);
    return -1;
  }
  st_each_open_upload(c->db, c->store_id, visit_upload, &w);
  if (w.failed) {
    cJSON_Delete(w.answer);
    return -1;
  }
  return reply_json(c, w.answer);
}
