/*
 * expect.c: comparing a response with an expected outcome and saying,
 * on one line, what was expected beside what came back.
 *
 * An outcome is judged in a fixed order, and the first rule broken is
 * the one reported: status and error type, headers, body, match,
 * absent, contains, excludes, distinct.
 */
#include "expect.h"

#include "jptr.h"
#include "regex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SHOW_MAX 60

void expect_error_type(const cf_response *rs, const cJSON *body, char *out,
                       size_t n)
{
  const char *raw = cf_response_header(rs, "X-Amzn-ErrorType");
  const cJSON *member;
  const char *hash;
  size_t len;

  if (!raw) {
    member = cJSON_GetObjectItemCaseSensitive(body, "__type");
    if (!cJSON_IsString(member))
      member = cJSON_GetObjectItemCaseSensitive(body, "code");
    raw = cJSON_IsString(member) ? member->valuestring : "";
  }
  len = strcspn(raw, ":");
  hash = memchr(raw, '#', len);
  if (hash) {
    len -= (size_t)(hash + 1 - raw);
    raw = hash + 1;
  }
  if (len >= n) {
    len = n - 1;
    while (len > 0 && ((unsigned char)raw[len] & 0xC0) == 0x80)
      len--;
  }
  snprintf(out, n, "%.*s", (int)len, raw);
}

/* Appends text, cut after SHOW_MAX bytes at a character boundary. */
static void show_cut(buf *b, const char *text)
{
  size_t len = strlen(text), cut = len > SHOW_MAX ? SHOW_MAX : len;

  while (cut < len && cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
    cut--;
  buf_add_safe(b, text, cut);
  if (cut < len)
    buf_adds(b, "...");
}

void expect_show(buf *b, const cJSON *value)
{
  char *text;

  if (cJSON_IsNumber(value) && value->valuestring) {
    show_cut(b, value->valuestring);
    return;
  }
  text = cJSON_PrintUnformatted(value);
  show_cut(b, text ? text : "(a value)");
  free(text);
}

/* Appends "STATUS[ TYPE]" for one side of a comparison. */
static void show_head(buf *why, int status, const char *type)
{
  buf_addf(why, "%d", status);
  if (type && *type) {
    buf_addc(why, ' ');
    buf_add_safe(why, type, strlen(type));
  }
}

void expect_show_message(buf *why, const cJSON *body)
{
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(body, "message");

  if (!cJSON_IsString(m))
    return;
  buf_adds(why, " (message ");
  buf_add_quoted(why, m->valuestring, strlen(m->valuestring), 120);
  buf_addc(why, ')');
}

/* Appends the status and error type an outcome expects. */
static void show_expected_head(buf *why, const cJSON *outcome)
{
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(outcome,
                                                       "errorType");

  show_head(why, cJSON_GetObjectItemCaseSensitive(outcome,
                                                  "status")->valueint,
            cJSON_IsString(type) ? type->valuestring : NULL);
}

/* Appends "body at PATH: ", or "body: " at the root. */
static void show_where(buf *why, const buf *path)
{
  if (path->len == 0) {
    buf_adds(why, "body: ");
    return;
  }
  buf_adds(why, "body at ");
  buf_add_safe(why, path->data, path->len);
  buf_adds(why, ": ");
}

/* Appends "body at PTR: " for a pointer written in a vector. */
static void show_pointer(buf *why, const char *ptr)
{
  buf path;

  buf_init(&path);
  buf_adds(&path, ptr);
  show_where(why, &path);
  buf_free(&path);
}

/* Appends what a body that is not JSON held. */
static void show_not_json(buf *why, const cf_response *rs)
{
  buf_adds(why, "expected a JSON body, got ");
  if (rs->body_len == 0)
    buf_adds(why, "an empty body");
  else
    buf_add_quoted(why, (const char *)rs->body, rs->body_len, SHOW_MAX);
}

/* Says at path what was expected beside what came. Returns 0. */
static int differ(const char *what, const cJSON *exp, const cJSON *act,
                  const buf *path, buf *why)
{
  show_where(why, path);
  if (exp) {
    buf_addf(why, "%sexpected ", what);
    expect_show(why, exp);
  } else {
    buf_adds(why, what);
  }
  if (act) {
    buf_adds(why, exp ? ", got " : "got ");
    expect_show(why, act);
  }
  return 0;
}

/* 1 when a and b have the same type and, for scalars, the same value:
 * numbers are equal when their literals or their values are. */
static int same_scalar(const cJSON *a, const cJSON *b)
{
  if ((a->type & 0xFF) != (b->type & 0xFF))
    return 0;
  if (cJSON_IsString(a))
    return strcmp(a->valuestring, b->valuestring) == 0;
  if (!cJSON_IsNumber(a))
    return 1;
  if (a->valuestring && b->valuestring &&
      strcmp(a->valuestring, b->valuestring) == 0)
    return 1;
  return a->valuedouble == b->valuedouble;
}

static int diff(const cJSON *exp, const cJSON *act, buf *path, buf *why);

/* Compares the members of two objects; with subset, members of act
 * that exp lacks are allowed. Returns 1 when equal, else 0 with the
 * first difference in why. */
static int diff_members(const cJSON *exp, const cJSON *act, int subset,
                        buf *path, buf *why)
{
  const cJSON *e, *a;
  size_t mark = path->len;

  cJSON_ArrayForEach(e, exp) {
    a = cJSON_GetObjectItemCaseSensitive(act, e->string);
    jptr_push(path, e->string);
    if (!a)
      return differ("missing, ", e, NULL, path, why);
    if (!diff(e, a, path, why))
      return 0;
    buf_truncate(path, mark);
  }
  cJSON_ArrayForEach(a, act) {
    if (subset || cJSON_GetObjectItemCaseSensitive(exp, a->string))
      continue;
    jptr_push(path, a->string);
    return differ("not expected, ", NULL, a, path, why);
  }
  return 1;
}

/* Compares two arrays item by item. Returns 1 or 0 as diff_members. */
static int diff_items(const cJSON *exp, const cJSON *act, buf *path,
                      buf *why)
{
  const cJSON *e = exp->child, *a = act->child;
  size_t mark = path->len, i = 0;

  for (; e && a; e = e->next, a = a->next, i++) {
    jptr_push_index(path, i);
    if (!diff(e, a, path, why))
      return 0;
    buf_truncate(path, mark);
  }
  if (!e && !a)
    return 1;
  jptr_push_index(path, i);
  if (e)
    return differ("missing, ", e, NULL, path, why);
  return differ("not expected, ", NULL, a, path, why);
}

/* Compares exp with act exactly. Returns 1 when equal, else 0 with the
 * first difference (a JSON Pointer) in why. */
static int diff(const cJSON *exp, const cJSON *act, buf *path, buf *why)
{
  if (!same_scalar(exp, act))
    return differ("", exp, act, path, why);
  if (cJSON_IsObject(exp))
    return diff_members(exp, act, 0, path, why);
  if (cJSON_IsArray(exp))
    return diff_items(exp, act, path, why);
  return 1;
}

/* A copy of tmpl with ${name} replaced in its strings, or NULL after
 * saying why in why. The caller deletes it. */
static cJSON *expand_copy(const cJSON *tmpl, const vars *vs, buf *why)
{
  cJSON *copy = cJSON_Duplicate(tmpl, 1);
  char err[200] = "";

  if (copy && vars_expand_tree(copy, vs, err, sizeof err) == 0)
    return copy;
  buf_addf(why, "cannot prepare the expected value: %s",
           *err ? err : "out of memory");
  cJSON_Delete(copy);
  return NULL;
}

/* Judges an empty body: zero bytes. Returns 1, or 0 after saying what
 * came instead. */
static int judge_empty(const cf_response *rs, buf *why)
{
  if (rs->body_len == 0)
    return 1;
  buf_addf(why, "body: expected an empty body, got %zu bytes: ",
           rs->body_len);
  buf_add_quoted(why, (const char *)rs->body, rs->body_len, SHOW_MAX);
  return 0;
}

/* Judges the body against {"exact": V}, {"subset": V} or {"empty":
 * true}. Returns 1, 0 or -1 as expect_judge. */
static int judge_body(const cJSON *spec, const vars *vs, const cJSON *body,
                      const cf_response *rs, buf *why)
{
  const cJSON *exact = cJSON_GetObjectItemCaseSensitive(spec, "exact");
  const cJSON *subset = cJSON_GetObjectItemCaseSensitive(spec, "subset");
  cJSON *want;
  buf path;
  int rc = -1;

  if (cJSON_GetObjectItemCaseSensitive(spec, "empty"))
    return judge_empty(rs, why);
  buf_init(&path);
  want = expand_copy(exact ? exact : subset, vs, why);
  if (!want)
    goto out;
  rc = 0;
  if (!body)
    show_not_json(why, rs);
  else if (exact)
    rc = diff(want, body, &path, why);
  else if (!cJSON_IsObject(body))
    rc = differ("", want, body, &path, why);
  else
    rc = diff_members(want, body, 1, &path, why);

out:
  cJSON_Delete(want);
  buf_free(&path);
  return rc;
}

/* 1 when the whole of subject matches pattern, 0 when it does not, -1
 * when the pattern could not be compiled or run, with the reason in
 * err. */
static int pattern_matches(const char *pattern, const char *subject,
                           char *err, size_t errlen)
{
  pcre2_code *code = regex_compile(pattern, err, errlen);
  int rc = code ? regex_match(code, subject, err, errlen) : -1;

  pcre2_code_free(code);
  return rc;
}

/* Says at the pointer of rule that value (NULL when missing) did not
 * match, or is not a string or number to match. Returns 0. */
static int show_no_match(const cJSON *rule, const cJSON *value,
                         int matchable, buf *why)
{
  show_pointer(why, rule->string);
  if (!value)
    buf_adds(why, "missing, expected a value matching ");
  else if (!matchable)
    buf_adds(why, "expected a string matching ");
  else
    buf_adds(why, "expected a match of ");
  buf_add_quoted(why, rule->valuestring, strlen(rule->valuestring),
                 SHOW_MAX);
  if (value) {
    buf_adds(why, ", got ");
    expect_show(why, value);
  }
  return 0;
}

/* Judges one pointer -> regular expression of a match; a number is
 * matched as its literal text. Returns 1, 0 or -1 as expect_judge. */
static int judge_one_match(const cJSON *rule, const cJSON *body, buf *why)
{
  const cJSON *value = jptr_get(body, rule->string);
  const char *text = NULL;
  char err[240];
  int rc;

  if (cJSON_IsString(value) || cJSON_IsNumber(value))
    text = value->valuestring;
  if (!text)
    return show_no_match(rule, value, 0, why);
  rc = pattern_matches(rule->valuestring, text, err, sizeof err);
  if (rc < 0)
    buf_addf(why, "match %s: %s", rule->string, err);
  if (rc == 0)
    show_no_match(rule, value, 1, why);
  return rc;
}

/* Judges every rule of a match. Returns 1, 0 or -1 as expect_judge. */
static int judge_match(const cJSON *match, const cJSON *body, buf *why)
{
  const cJSON *rule;
  int rc;

  cJSON_ArrayForEach(rule, match) {
    rc = judge_one_match(rule, body, why);
    if (rc != 1)
      return rc;
  }
  return 1;
}

/* Judges one header name -> regular expression against the first
 * header of that name. Returns 1, 0 or -1 as expect_judge. */
static int judge_one_header(const cJSON *rule, const cf_response *rs,
                            buf *why)
{
  const char *value = cf_response_header(rs, rule->string);
  char err[240];
  int rc;

  if (value) {
    rc = pattern_matches(rule->valuestring, value, err, sizeof err);
    if (rc != 0) {
      if (rc < 0)
        buf_addf(why, "header %s: %s", rule->string, err);
      return rc;
    }
  }
  buf_addf(why, "header %s: %s", rule->string,
           value ? "expected a match of " : "missing, expected a value "
           "matching ");
  buf_add_quoted(why, rule->valuestring, strlen(rule->valuestring),
                 SHOW_MAX);
  if (value) {
    buf_adds(why, ", got ");
    buf_add_quoted(why, value, strlen(value), SHOW_MAX);
  }
  return 0;
}

/* Judges every header rule. Returns 1, 0 or -1 as expect_judge. */
static int judge_headers(const cJSON *rules, const cf_response *rs,
                         buf *why)
{
  const cJSON *rule;
  int rc;

  cJSON_ArrayForEach(rule, rules) {
    rc = judge_one_header(rule, rs, why);
    if (rc != 1)
      return rc;
  }
  return 1;
}

/* Judges that no pointer of list names anything in body. Returns 1, or
 * 0 after naming the first that does. */
static int judge_absent(const cJSON *list, const cJSON *body, buf *why)
{
  const cJSON *ptr, *value;

  cJSON_ArrayForEach(ptr, list) {
    value = jptr_get(body, ptr->valuestring);
    if (!value)
      continue;
    show_pointer(why, ptr->valuestring);
    buf_adds(why, "expected nothing here, got ");
    expect_show(why, value);
    return 0;
  }
  return 1;
}

/* 1 when a and b are equal JSON values (as body exact compares them). */
static int same_value(const cJSON *a, const cJSON *b)
{
  buf path, scratch;
  int rc;

  buf_init(&path);
  buf_init(&scratch);
  rc = diff(a, b, &path, &scratch);
  buf_free(&path);
  buf_free(&scratch);
  return rc;
}

/* 1 when item is an object holding every member of want, each equal. */
static int has_members(const cJSON *item, const cJSON *want)
{
  const cJSON *w, *got;

  if (!cJSON_IsObject(item))
    return 0;
  cJSON_ArrayForEach(w, want) {
    got = cJSON_GetObjectItemCaseSensitive(item, w->string);
    if (!got || !same_value(w, got))
      return 0;
  }
  return 1;
}

/* The index of the first element of list that has the members of want,
 * or -1. */
static int find_element(const cJSON *list, const cJSON *want)
{
  const cJSON *item;
  int i = 0;

  cJSON_ArrayForEach(item, list) {
    if (has_members(item, want))
      return i;
    i++;
  }
  return -1;
}

/* Judges one pointer -> element of contains (present 1) or excludes
 * (present 0). Returns 1, 0 or -1 as expect_judge. */
static int judge_one_element(const cJSON *rule, const vars *vs,
                             const cJSON *body, int present, buf *why)
{
  const cJSON *list = jptr_get(body, rule->string);
  cJSON *want;
  int at;

  if (!cJSON_IsArray(list)) {
    show_pointer(why, rule->string);
    buf_adds(why, list ? "expected an array, got " : "missing, expected "
             "an array");
    if (list)
      expect_show(why, list);
    return 0;
  }
  want = expand_copy(rule, vs, why);
  if (!want)
    return -1;
  at = find_element(list, want);
  if ((at >= 0) != present) {
    show_pointer(why, rule->string);
    buf_adds(why, present ? "no element has " : "expected no element "
             "with ");
    expect_show(why, want);
    if (!present)
      buf_addf(why, ", got one at index %d", at);
  }
  cJSON_Delete(want);
  return (at >= 0) == present;
}

/* Judges every rule of contains (present 1) or excludes (present 0).
 * Returns 1, 0 or -1 as expect_judge. */
static int judge_elements(const cJSON *rules, const vars *vs,
                          const cJSON *body, int present, buf *why)
{
  const cJSON *rule;
  int rc;

  cJSON_ArrayForEach(rule, rules) {
    rc = judge_one_element(rule, vs, body, present, why);
    if (rc != 1)
      return rc;
  }
  return 1;
}

/* Judges one pointer -> template of distinct: the string there, or the
 * number as written, differs from the expansion. Returns 1, 0 or -1 as
 * expect_judge. */
static int judge_one_distinct(const cJSON *rule, const vars *vs,
                              const cJSON *body, buf *why)
{
  const cJSON *value = jptr_get(body, rule->string);
  char err[200] = "";
  char *other = vars_expand_new(rule->valuestring, vs, err, sizeof err);
  int rc = 0;

  if (!other) {
    buf_addf(why, "cannot prepare the expected value: %s",
             *err ? err : "out of memory");
    return -1;
  }
  if ((cJSON_IsString(value) || cJSON_IsNumber(value)) &&
      value->valuestring && strcmp(value->valuestring, other) != 0)
    rc = 1;
  if (rc == 0) {
    show_pointer(why, rule->string);
    buf_adds(why, value ? "expected a string or number other than "
                        : "missing, expected a value other than ");
    buf_add_quoted(why, other, strlen(other), SHOW_MAX);
    if (value) {
      buf_adds(why, ", got ");
      expect_show(why, value);
    }
  }
  free(other);
  return rc;
}

/* Judges every rule of distinct. Returns 1, 0 or -1 as expect_judge. */
static int judge_distinct(const cJSON *rules, const vars *vs,
                          const cJSON *body, buf *why)
{
  const cJSON *rule;
  int rc;

  cJSON_ArrayForEach(rule, rules) {
    rc = judge_one_distinct(rule, vs, body, why);
    if (rc != 1)
      return rc;
  }
  return 1;
}

/* Judges the rules of an outcome that read the parsed body, in order:
 * match, absent, contains, excludes, distinct. Returns 1, 0 or -1 as
 * expect_judge. */
static int judge_json_rules(const cJSON *o, const vars *vs,
                            const cf_response *rs, const cJSON *body,
                            buf *why)
{
  const cJSON *match = cJSON_GetObjectItemCaseSensitive(o, "match");
  const cJSON *absent = cJSON_GetObjectItemCaseSensitive(o, "absent");
  const cJSON *has = cJSON_GetObjectItemCaseSensitive(o, "contains");
  const cJSON *lacks = cJSON_GetObjectItemCaseSensitive(o, "excludes");
  const cJSON *distinct = cJSON_GetObjectItemCaseSensitive(o, "distinct");
  int rc = 1;

  if (!match && !absent && !has && !lacks && !distinct)
    return 1;
  if (!body) {
    show_not_json(why, rs);
    return 0;
  }
  if (match)
    rc = judge_match(match, body, why);
  if (rc == 1 && absent)
    rc = judge_absent(absent, body, why);
  if (rc == 1 && has)
    rc = judge_elements(has, vs, body, 1, why);
  if (rc == 1 && lacks)
    rc = judge_elements(lacks, vs, body, 0, why);
  if (rc == 1 && distinct)
    rc = judge_distinct(distinct, vs, body, why);
  return rc;
}

/* Judges one outcome. *head is set to 1 when status and error type
 * matched (whatever the rest). Returns 1, 0 or -1 as expect_judge. */
static int judge_outcome(const cJSON *o, const vars *vs,
                         const cf_response *rs, const cJSON *body,
                         const char *type, int *head, buf *why)
{
  const cJSON *want_type = cJSON_GetObjectItemCaseSensitive(o, "errorType");
  const cJSON *spec;
  int status = cJSON_GetObjectItemCaseSensitive(o, "status")->valueint;
  int rc;

  *head = status == rs->status &&
          (!want_type || strcmp(want_type->valuestring, type) == 0);
  if (!*head) {
    buf_adds(why, "expected ");
    show_expected_head(why, o);
    buf_adds(why, ", got ");
    show_head(why, rs->status, type);
    expect_show_message(why, body);
    return 0;
  }
  buf_adds(why, "status as expected, but ");
  spec = cJSON_GetObjectItemCaseSensitive(o, "headers");
  rc = spec ? judge_headers(spec, rs, why) : 1;
  spec = cJSON_GetObjectItemCaseSensitive(o, "body");
  if (rc == 1 && spec)
    rc = judge_body(spec, vs, body, rs, why);
  if (rc == 1)
    rc = judge_json_rules(o, vs, rs, body, why);
  return rc;
}

/* Says which outcomes were expected, when no branch came close. */
static void show_branches(const cJSON *any, const cf_response *rs,
                          const cJSON *body, const char *type, buf *why)
{
  const cJSON *o;

  buf_adds(why, "expected one of ");
  cJSON_ArrayForEach(o, any) {
    show_expected_head(why, o);
    if (o->next)
      buf_adds(why, " | ");
  }
  buf_adds(why, ", got ");
  show_head(why, rs->status, type);
  expect_show_message(why, body);
}

/* Judges the branches of anyOf in order. The reason given for a
 * mismatch is that of the first branch whose status and error type
 * matched, else the list of branches. */
static int judge_any(const cJSON *any, const vars *vs,
                     const cf_response *rs, const cJSON *body,
                     const char *type, int *branch, buf *why)
{
  const cJSON *o;
  int i = 0, head, rc, close = 0;
  buf reason;

  cJSON_ArrayForEach(o, any) {
    buf_init(&reason);
    rc = judge_outcome(o, vs, rs, body, type, &head, &reason);
    if (rc == 1)
      *branch = i;
    if (rc < 0 || (rc == 0 && head && !close))
      buf_add(why, reason.data, reason.len);
    close |= rc == 0 && head;
    buf_free(&reason);
    if (rc != 0)
      return rc;
    i++;
  }
  if (!close)
    show_branches(any, rs, body, type, why);
  return 0;
}

int expect_judge(const cJSON *expect, const vars *vs, const cf_response *rs,
                 const cJSON *body, int *branch, buf *why)
{
  const cJSON *any = cJSON_GetObjectItemCaseSensitive(expect, "anyOf");
  char type[128];
  int head, rc;
  size_t mark = why->len;

  *branch = -1;
  expect_error_type(rs, body, type, sizeof type);
  if (any)
    rc = judge_any(any, vs, rs, body, type, branch, why);
  else
    rc = judge_outcome(expect, vs, rs, body, type, &head, why);
  if (rc == 1)
    buf_truncate(why, mark);
  if (buf_failed(why))
    return -1;
  return rc;
}
