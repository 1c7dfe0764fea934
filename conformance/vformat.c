/*
 * vformat.c: checking one vector file against format version 1.
 *
 * The checks follow the tables of vectors/README.md. Each kind of object
 * has a table of members (name, required, check); a member outside the
 * table is a fault, so a typo never weakens a case. Once a case is
 * well-formed, its variable flow is checked: walking the steps in order
 * (fragments inserted), every ${name} must be a target variable or one
 * captured by an earlier step. Each check_X(c, node) adds one fault
 * line for each way node breaks the rule of X, at node's pointer.
 */
#include "vectors.h"

#include "codec.h"
#include "json_gate.h"
#include "jptr.h"
#include "regex.h"
#include "request.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const cf_tags[] = {
  "happy-path", "constraint", "range", "length", "pattern", "enum",
  "type", "required", "json-syntax", "parts-list", "state", "not-found",
  "routing", "precedence", "http", "auth", "fault-state", NULL
};

/* The state of checking one file. */
typedef struct vctx {
  buf *diag;                    /* where fault lines go */
  const char *file;             /* the file's path, for messages */
  const char *case_id;          /* the case being checked, or NULL */
  char case_label[32];          /* "#N" when the case has no valid id */
  size_t case_index;            /* of the next case to check */
  buf path;                     /* JSON Pointer of the node in hand */
  size_t faults;
  size_t fragment_faults;       /* faults found in the fragments */
  const cJSON *fragments;       /* the file's fragments, or NULL */
  const vars *target;
  size_t via_step;              /* 1-based step using a fragment, or 0 */
  int precedence;               /* 1: the case is tagged precedence */
  unsigned controls;            /* bits the case declares */
  unsigned controls_set;        /* bits its control steps set */
} vctx;

typedef void (*check_fn)(vctx *c, const cJSON *node);

/* One member of an object: its name, whether it must be there, and
 * the check of its value. */
typedef struct member {
  const char *name;
  int required;
  check_fn check;
} member;

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void check_exchange(vctx *c, const cJSON *node);
static void check_outcome(vctx *c, const cJSON *node);

/* Appends one fault line: file, case, pointer, message. */
static void fault(vctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void fault(vctx *c, const char *fmt, ...)
{
  char msg[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  buf_adds(c->diag, c->file);
  buf_adds(c->diag, ": ");
  if (c->case_id)
    buf_addf(c->diag, "case %s: ", c->case_id);
  if (c->path.len)
    buf_add_safe(c->diag, c->path.data, c->path.len);
  else
    buf_adds(c->diag, "(root)");
  buf_adds(c->diag, ": ");
  buf_add_safe(c->diag, msg, strlen(msg));
  if (c->via_step)
    buf_addf(c->diag, " (used by step %zu)", c->via_step);
  buf_addc(c->diag, '\n');
  c->faults++;
}

/* Descends into member name; returns the mark that pop() goes back to */
static size_t push(vctx *c, const char *name)
{
  size_t mark = c->path.len;

  jptr_push(&c->path, name);
  return mark;
}

/* Descends into array item index; returns the mark for pop(). */
static size_t push_index(vctx *c, size_t index)
{
  size_t mark = c->path.len;

  jptr_push_index(&c->path, index);
  return mark;
}

/* Goes back up to the node that mark was taken at. */
static void pop(vctx *c, size_t mark)
{
  buf_truncate(&c->path, mark);
}

/* The rule for name, or NULL. */
static const member *find_rule(const member *rules, size_t n,
                               const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(rules[i].name, name) == 0)
      return &rules[i];
  return NULL;
}

/* Checks that node is an object whose members follow rules: none
 * unknown, every required one present, each value passing its check.
 * Returns 1 when node is an object, else 0. */
static int check_members(vctx *c, const cJSON *node, const member *rules,
                         size_t n)
{
  const cJSON *child;
  size_t mark;

  if (!cJSON_IsObject(node)) {
    fault(c, "must be an object");
    return 0;
  }
  cJSON_ArrayForEach(child, node) {
    if (find_rule(rules, n, child->string))
      continue;
    mark = push(c, child->string);
    fault(c, "unknown member");
    pop(c, mark);
  }
  for (size_t i = 0; i < n; i++) {
    child = cJSON_GetObjectItemCaseSensitive(node, rules[i].name);
    mark = push(c, rules[i].name);
    if (child)
      rules[i].check(c, child);
    else if (rules[i].required)
      fault(c, "required member missing");
    pop(c, mark);
  }
  return 1;
}

/* 1 when s matches [a-z0-9][a-z0-9.-]*, else 0. */
static int id_ok(const char *s)
{
  if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
    return 0;
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
          *s == '.' || *s == '-'))
      return 0;
  return 1;
}

/* 1 when s is a non-empty HTTP token (RFC 9110 tchar), else 0. */
static int token_ok(const char *s)
{
  static const char extra[] = "!#$%&'*+-.^_`|~";

  if (!*s)
    return 0;
  for (; *s; s++)
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
          (*s >= '0' && *s <= '9') || strchr(extra, *s)))
      return 0;
  return 1;
}

/* The first byte of s that is a control character, a space (when
 * no_space), or one of the bytes of bad; NULL when there is none. */
static const char *bad_byte(const char *s, int no_space, const char *bad)
{
  for (; *s; s++) {
    unsigned char u = (unsigned char)*s;
    if (u < 0x20 || u == 0x7F || (no_space && u == ' ') ||
        strchr(bad, *s))
      return s;
  }
  return NULL;
}

/* Checks that node is a string; faults and returns NULL otherwise. */
static const char *want_string(vctx *c, const cJSON *node)
{
  if (cJSON_IsString(node))
    return node->valuestring;
  fault(c, "must be a string");
  return NULL;
}

/* A non-empty string. */
static void check_text(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !*s)
    fault(c, "must not be empty");
}

/* A non-empty string without a line break. */
static void check_line(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !*s)
    fault(c, "must not be empty");
  else if (s && strpbrk(s, "\r\n"))
    fault(c, "must be one line");
}

/* The format name and version this runner reads. */
static void check_format(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && strcmp(s, CF_FORMAT) != 0)
    fault(c, "must be \"%s\"", CF_FORMAT);
}

/* A case or group id. */
static void check_id(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !id_ok(s))
    fault(c, "must match [a-z0-9][a-z0-9.-]*");
}

/* Checks the ${name} syntax of a template string. */
static void check_template(vctx *c, const cJSON *node)
{
  char err[200];
  buf scratch;

  if (!want_string(c, node))
    return;
  buf_init(&scratch);
  if (vars_expand(node->valuestring, NULL, &scratch, err, sizeof err) < 0)
    fault(c, "%s", err);
  buf_free(&scratch);
}

/* Checks the template syntax of every string value in a tree. */
static void check_template_tree(vctx *c, const cJSON *node)
{
  const cJSON *child;
  size_t mark, i = 0;

  if (cJSON_IsString(node)) {
    check_template(c, node);
    return;
  }
  cJSON_ArrayForEach(child, node) {
    mark = child->string ? push(c, child->string) : push_index(c, i);
    check_template_tree(c, child);
    pop(c, mark);
    i++;
  }
}

/* Checks an array: each item by check, at least min items, and, when
 * unique, no string twice. Returns 1 when node is an array. */
static int check_array(vctx *c, const cJSON *node, check_fn check,
                       int min, int unique)
{
  const cJSON *item, *other;
  size_t mark, i = 0;

  if (!cJSON_IsArray(node)) {
    fault(c, "must be an array");
    return 0;
  }
  if (cJSON_GetArraySize(node) < min)
    fault(c, "must have at least %d item%s", min, min == 1 ? "" : "s");
  cJSON_ArrayForEach(item, node) {
    mark = push_index(c, i++);
    check(c, item);
    for (other = node->child; unique && other != item; other = other->next)
      if (cJSON_IsString(item) && cJSON_IsString(other) &&
          strcmp(item->valuestring, other->valuestring) == 0)
        fault(c, "repeats \"%s\"", item->valuestring);
    pop(c, mark);
  }
  return 1;
}

/* MUST or SHOULD. */
static void check_level(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && strcmp(s, "MUST") != 0 && strcmp(s, "SHOULD") != 0)
    fault(c, "must be MUST or SHOULD");
}

/* One tag of the table of the format. */
static void check_tag(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (!s)
    return;
  for (size_t i = 0; cf_tags[i]; i++)
    if (strcmp(s, cf_tags[i]) == 0)
      return;
  fault(c, "unknown tag \"%s\" (see the tag table of vectors/README.md)",
        s);
}

/* An array of distinct tags, possibly empty. */
static void check_tags(vctx *c, const cJSON *node)
{
  const cJSON *tag;

  if (!check_array(c, node, check_tag, 0, 1))
    return;
  cJSON_ArrayForEach(tag, node)
    c->precedence |= cJSON_IsString(tag) &&
                     strcmp(tag->valuestring, "precedence") == 0;
}

/* An array of one or more distinct requirement ids. */
static void check_requirements(vctx *c, const cJSON *node)
{
  check_array(c, node, check_text, 1, 1);
}

/* Any method, as long as a request line can carry it. */
static void check_method(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !token_ok(s))
    fault(c, "must be an HTTP token (letters, digits, !#$%%&'*+-.^_`|~)");
}

/* A path template a request line can carry, query excluded. */
static void check_path(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node), *bad;

  if (!s)
    return;
  if (*s != '/') {
    fault(c, "must start with \"/\"");
    return;
  }
  bad = bad_byte(s, 1, "?#");
  if (bad)
    fault(c, "holds a byte a request path cannot carry (0x%02X); "
          "percent-encode it, and put the query in query or rawQuery",
          (unsigned char)*bad);
  else
    check_template(c, node);
}

/* A query sent exactly: no fragment mark, space or control. */
static void check_raw_query(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node), *bad;

  if (!s)
    return;
  bad = bad_byte(s, 1, "#");
  if (bad)
    fault(c, "holds a byte a query cannot carry (0x%02X); "
          "percent-encode it", (unsigned char)*bad);
}

/* 1 when s holds a control character other than a tab, else 0. */
static int has_control(const char *s)
{
  for (; *s; s++)
    if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7F)
      return 1;
  return 0;
}

/* 1 when name (any case) is a header the signer writes. */
static int signing_header(const char *name)
{
  static const char *const names[] = {
    "Authorization", "X-Amz-Date", "X-Amz-Content-Sha256",
  };

  for (size_t i = 0; i < COUNT(names); i++)
    if (strcasecmp(name, names[i]) == 0)
      return 1;
  return 0;
}

/* Checks a [name, value] pair of strings; the value is a template.
 * header is 1 for a header, whose name must be a token and whose value
 * must hold no control character. */
static void check_pair(vctx *c, const cJSON *node, int header)
{
  const cJSON *name = cJSON_GetArrayItem(node, 0);
  const cJSON *value = cJSON_GetArrayItem(node, 1);
  size_t mark;

  if (!cJSON_IsArray(node) || cJSON_GetArraySize(node) != 2) {
    fault(c, "must be an array of two strings [name, value]");
    return;
  }
  mark = push_index(c, 0);
  if (want_string(c, name) && header && !token_ok(name->valuestring))
    fault(c, "a header name must be an HTTP token");
  else if (header && signing_header(name->valuestring))
    fault(c, "the runner writes %s when it signs; shape the signature "
          "with the step's sign member", name->valuestring);
  pop(c, mark);
  mark = push_index(c, 1);
  if (want_string(c, value)) {
    if (header && has_control(value->valuestring))
      fault(c, "a header value must hold no control character");
    else
      check_template(c, value);
  }
  pop(c, mark);
}

/* One [name, value] of query. */
static void check_query_pair(vctx *c, const cJSON *node)
{
  check_pair(c, node, 0);
}

/* One [name, value] of headers. */
static void check_header_pair(vctx *c, const cJSON *node)
{
  check_pair(c, node, 1);
}

/* The query pairs, in order, repeats allowed. */
static void check_query(vctx *c, const cJSON *node)
{
  check_array(c, node, check_query_pair, 0, 0);
}

/* The header pairs, in order, repeats allowed. */
static void check_headers(vctx *c, const cJSON *node)
{
  check_array(c, node, check_header_pair, 0, 0);
}

/* A body written in strict base64. */
static void check_base64(vctx *c, const cJSON *node)
{
  unsigned char *bytes;
  size_t len;
  int rc;

  if (!want_string(c, node))
    return;
  rc = b64_decode(node->valuestring, &bytes, &len);
  free(bytes);
  if (rc == -1)
    fault(c, "not strict base64 (RFC 4648 alphabet, padded, no white "
          "space, unused bits zero)");
  else if (rc == -2)
    fault(c, "out of memory decoding base64");
}

/* Faults on the second member present of a set that excludes itself. */
static void exclusive(vctx *c, const cJSON *obj, const char *const *names,
                      size_t n, const char *what)
{
  const char *first = NULL;
  size_t mark;

  for (size_t i = 0; i < n; i++) {
    if (!cJSON_GetObjectItemCaseSensitive(obj, names[i]))
      continue;
    if (!first) {
      first = names[i];
      continue;
    }
    mark = push(c, names[i]);
    fault(c, "%s: %s is given already", what, first);
    pop(c, mark);
  }
}

/* Any string. */
static void check_string(vctx *c, const cJSON *node)
{
  want_string(c, node);
}

/* A variable name that is not one the target supplies. */
static void check_var_name(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !vars_name_ok(s))
    fault(c, "a variable name must match [A-Za-z_][A-Za-z0-9_]*");
  else if (s && vars_get(c->target, s, strlen(s)))
    fault(c, "must not hide the target variable ${%s}", s);
}

/* The number of units of a repeat: 0 to 2^31. */
static void check_count(vctx *c, const cJSON *node)
{
  long long v;

  if (jg_integer(node, 0, 2147483648LL, &v) != JG_INT_OK)
    fault(c, "must be an integer from 0 to 2147483648");
}

/* The length of string member name of obj, 0 when it is absent. */
static size_t member_length(const cJSON *obj, const char *name)
{
  const cJSON *node = cJSON_GetObjectItemCaseSensitive(obj, name);

  return cJSON_IsString(node) ? strlen(node->valuestring) : 0;
}

/* Checks what the members of a well-formed repeat say together: its
 * text names no variable but the counter, and the body it builds,
 * counted with the affixes as written, is at most CF_BODY_MAX bytes. */
static void check_repeat_size(vctx *c, const cJSON *node)
{
  size_t affixes = member_length(node, "prefix") +
                   member_length(node, "suffix");
  unsigned long long size;
  char err[200];
  size_t mark;

  if (cf_repeat_size(node, affixes, &size, err, sizeof err) < 0) {
    mark = push(c, "text");
    if (*err)
      fault(c, "%s (the text of repeat knows only its counter)", err);
    else
      fault(c, "out of memory");
    pop(c, mark);
  } else if (size > CF_BODY_MAX) {
    fault(c, "the body would be %llu bytes; at most %llu (150 MiB)",
          size, CF_BODY_MAX);
  }
}

/* {"text", "count", and optionally "separator", "counter", "prefix",
 * "suffix"}: a body of many copies. */
static void check_repeat(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"text", 1, check_text},
    {"count", 1, check_count},
    {"separator", 0, check_string},
    {"counter", 0, check_var_name},
    {"prefix", 0, check_template},
    {"suffix", 0, check_template},
  };
  size_t before = c->faults;

  if (check_members(c, node, rules, COUNT(rules)) && c->faults == before)
    check_repeat_size(c, node);
}

/* The request of an exchange: at most one query form, one body. */
static void check_request(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"method", 1, check_method},
    {"path", 1, check_path},
    {"query", 0, check_query},
    {"rawQuery", 0, check_raw_query},
    {"headers", 0, check_headers},
    {"json", 0, check_template_tree},
    {"text", 0, check_template},
    {"base64", 0, check_base64},
    {"repeat", 0, check_repeat},
  };
  static const char *const queries[] = {"query", "rawQuery"};
  static const char *const bodies[] = {"json", "text", "base64", "repeat"};

  if (!check_members(c, node, rules, COUNT(rules)))
    return;
  exclusive(c, node, queries, COUNT(queries), "at most one query form");
  exclusive(c, node, bodies, COUNT(bodies), "at most one body");
}

/* An HTTP status: a whole number from 100 to 599. */
static void check_status(vctx *c, const cJSON *node)
{
  long long v;

  if (jg_integer(node, 100, 599, &v) != JG_INT_OK)
    fault(c, "must be an integer from 100 to 599");
}

/* The members a body must hold: an object of templates. */
static void check_subset(vctx *c, const cJSON *node)
{
  if (!cJSON_IsObject(node))
    fault(c, "must be an object");
  else
    check_template_tree(c, node);
}

/* The member of {"empty": true}. */
static void check_empty(vctx *c, const cJSON *node)
{
  if (!cJSON_IsTrue(node))
    fault(c, "must be true");
}

/* {"exact": V}, {"subset": V} or {"empty": true}. */
static void check_body(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"exact", 0, check_template_tree},
    {"subset", 0, check_subset},
    {"empty", 0, check_empty},
  };
  int n;

  if (!check_members(c, node, rules, COUNT(rules)))
    return;
  n = !!cJSON_GetObjectItemCaseSensitive(node, "exact") +
      !!cJSON_GetObjectItemCaseSensitive(node, "subset") +
      !!cJSON_GetObjectItemCaseSensitive(node, "empty");
  if (n != 1)
    fault(c, "must hold exactly one of exact, subset, empty");
}

/* A regular expression PCRE2 compiles. */
static void check_pattern(vctx *c, const cJSON *node)
{
  pcre2_code *code;
  char err[240];

  if (!want_string(c, node))
    return;
  code = regex_compile(node->valuestring, err, sizeof err);
  if (!code)
    fault(c, "%s", err);
  pcre2_code_free(code);
}

/* Checks header name -> regular expression: names are HTTP tokens,
 * not repeated in any letter case; patterns compile. */
static void check_header_rules(vctx *c, const cJSON *node)
{
  const cJSON *child, *other;
  size_t mark;

  if (!cJSON_IsObject(node)) {
    fault(c, "must be an object");
    return;
  }
  cJSON_ArrayForEach(child, node) {
    mark = push(c, child->string);
    if (!token_ok(child->string))
      fault(c, "a header name must be an HTTP token");
    for (other = node->child; other != child; other = other->next)
      if (strcasecmp(other->string, child->string) == 0)
        fault(c, "names the header \"%s\" again", other->string);
    check_pattern(c, child);
    pop(c, mark);
  }
}

/* A JSON Pointer that can name nothing: not the root. */
static void check_absent_pointer(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !jptr_valid(s))
    fault(c, "must be a JSON Pointer");
  else if (s && !*s)
    fault(c, "the root always resolves; name a member or an item");
}

/* One or more distinct pointers that must name nothing. */
static void check_absent(vctx *c, const cJSON *node)
{
  check_array(c, node, check_absent_pointer, 1, 1);
}

/* Checks JSON Pointer -> one value, each value by check. */
static void check_pointer_map(vctx *c, const cJSON *node, check_fn check)
{
  const cJSON *child;
  size_t mark;

  if (!cJSON_IsObject(node)) {
    fault(c, "must be an object");
    return;
  }
  cJSON_ArrayForEach(child, node) {
    mark = push(c, child->string);
    if (!jptr_valid(child->string))
      fault(c, "the member name must be a JSON Pointer");
    check(c, child);
    pop(c, mark);
  }
}

/* Checks that each member name is a JSON Pointer and each value a
 * regular expression PCRE2 compiles. */
static void check_match(vctx *c, const cJSON *node)
{
  check_pointer_map(c, node, check_pattern);
}

/* The members an element of an array must have: an object of one or
 * more templates. */
static void check_element(vctx *c, const cJSON *node)
{
  if (!cJSON_IsObject(node))
    fault(c, "must be an object");
  else if (!node->child)
    fault(c, "must have at least one member");
  else
    check_template_tree(c, node);
}

/* contains, excludes: JSON Pointer to an array -> members of an element */
static void check_elements(vctx *c, const cJSON *node)
{
  check_pointer_map(c, node, check_element);
}

/* distinct: JSON Pointer -> a template the value must differ from. */
static void check_distinct(vctx *c, const cJSON *node)
{
  check_pointer_map(c, node, check_template);
}

/* Faults when an outcome expects an empty body and also something of
 * a JSON body. */
static void check_empty_alone(vctx *c, const cJSON *node)
{
  static const char *const json_rules[] = {
    "match", "absent", "contains", "excludes", "distinct",
  };
  const cJSON *body = cJSON_GetObjectItemCaseSensitive(node, "body");
  size_t mark;

  if (!cJSON_GetObjectItemCaseSensitive(body, "empty"))
    return;
  for (size_t i = 0; i < COUNT(json_rules); i++) {
    if (!cJSON_GetObjectItemCaseSensitive(node, json_rules[i]))
      continue;
    mark = push(c, json_rules[i]);
    fault(c, "needs a JSON body, and the body is expected empty");
    pop(c, mark);
  }
}

/* One outcome: status, and optionally errorType, headers, body, match,
 * absent, contains, excludes, distinct. */
static void check_outcome(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"status", 1, check_status},
    {"errorType", 0, check_line},
    {"headers", 0, check_header_rules},
    {"body", 0, check_body},
    {"match", 0, check_match},
    {"absent", 0, check_absent},
    {"contains", 0, check_elements},
    {"excludes", 0, check_elements},
    {"distinct", 0, check_distinct},
  };

  if (check_members(c, node, rules, COUNT(rules)))
    check_empty_alone(c, node);
}

/* The branches of anyOf: two or more outcomes. */
static void check_any_of(vctx *c, const cJSON *node)
{
  check_array(c, node, check_outcome, 2, 0);
}

/* One outcome, or {"anyOf": [...], "reason": "..."}. */
static void check_expect(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"anyOf", 1, check_any_of},
    {"reason", 1, check_text},
  };

  if (cJSON_IsObject(node) &&
      cJSON_GetObjectItemCaseSensitive(node, "anyOf"))
    check_members(c, node, rules, COUNT(rules));
  else
    check_outcome(c, node);
}

/* Checks variable name -> JSON Pointer. */
static void check_capture(vctx *c, const cJSON *node)
{
  const cJSON *child;
  size_t mark;

  if (!cJSON_IsObject(node)) {
    fault(c, "must be an object");
    return;
  }
  cJSON_ArrayForEach(child, node) {
    mark = push(c, child->string);
    if (!vars_name_ok(child->string))
      fault(c, "a variable name must match [A-Za-z_][A-Za-z0-9_]*");
    else if (vars_get(c->target, child->string, strlen(child->string)))
      fault(c, "must not replace the target variable ${%s}",
            child->string);
    if (want_string(c, child) && !jptr_valid(child->valuestring))
      fault(c, "must be a JSON Pointer");
    pop(c, mark);
  }
}

/* {"omit": true}. */
static void check_true(vctx *c, const cJSON *node)
{
  if (!cJSON_IsTrue(node))
    fault(c, "must be true");
}

/* A string a header value can carry, possibly empty. */
static void check_header_text(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && has_control(s))
    fault(c, "a header value must hold no control character");
}

/* A shift of the signing time: a whole number of seconds, not 0, at
 * most ten years either way. */
static void check_offset(vctx *c, const cJSON *node)
{
  long long v;

  if (jg_integer(node, -315360000, 315360000, &v) != JG_INT_OK || v == 0)
    fault(c, "must be a whole number of seconds, not 0, from -315360000 "
          "to 315360000");
}

/* One header the signer signs: host, x-amz-date or
 * x-amz-content-sha256, in lower case. */
static void check_signed_name(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && strcmp(s, "host") != 0 && strcmp(s, "x-amz-date") != 0 &&
      strcmp(s, "x-amz-content-sha256") != 0)
    fault(c, "must be host, x-amz-date or x-amz-content-sha256 (the "
          "headers the runner signs)");
}

/* Headers sent but left out of the signature. */
static void check_unsigned(vctx *c, const cJSON *node)
{
  check_array(c, node, check_signed_name, 1, 1);
}

/* A day of the credential scope: YYYYMMDD. */
static void check_day(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && (strlen(s) != 8 || strspn(s, "0123456789") != 8))
    fault(c, "must be a day written YYYYMMDD");
}

/* How the signature of a step's request is shaped: one of the members
 * below (vectors/README.md, "Sign"), or several in a case that pins a
 * precedence. */
static void check_sign(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"principal", 0, check_line},
    {"omit", 0, check_true},
    {"accessKeyId", 0, check_line},
    {"secret", 0, check_line},
    {"region", 0, check_line},
    {"service", 0, check_line},
    {"scopeDate", 0, check_day},
    {"dateOffsetSeconds", 0, check_offset},
    {"unsignedHeaders", 0, check_unsigned},
    {"payloadHash", 0, check_header_text},
    {"authorization", 0, check_header_text},
  };

  if (!check_members(c, node, rules, COUNT(rules)))
    return;
  if (!node->child)
    fault(c, "must hold a member");
  else if (node->child->next && !c->precedence)
    fault(c, "must hold exactly one member: one fault per case (several "
          "only in a case tagged precedence)");
}

/* Faults unless node is a whole number from min to max. */
static void check_whole(vctx *c, const cJSON *node, long long min,
                        long long max)
{
  long long v;

  if (jg_integer(node, min, max, &v) != JG_INT_OK)
    fault(c, "must be a whole number from %lld to %lld", min, max);
}

/* A quota: 0 to 2^53 - 1. */
static void check_quota_value(vctx *c, const cJSON *node)
{
  check_whole(c, node, 0, 9007199254740991LL);
}

/* A bucket size: 1 to 1000000. */
static void check_burst(vctx *c, const cJSON *node)
{
  check_whole(c, node, 1, 1000000);
}

/* The deadline of Complete: 1 to 86400000 milliseconds. */
static void check_deadline_ms(vctx *c, const cJSON *node)
{
  check_whole(c, node, 1, 86400000);
}

/* Time added to each Complete: 0 to 86400000 milliseconds. */
static void check_delay_ms(vctx *c, const cJSON *node)
{
  check_whole(c, node, 0, 86400000);
}

/* How many storage steps fail: 0 to 1000000. */
static void check_fault_count(vctx *c, const cJSON *node)
{
  check_whole(c, node, 0, 1000000);
}

/* Requests a second: 0 (no throttling), or 0.001 to 1000000 in steps
 * of 0.001. */
static void check_rate(vctx *c, const cJSON *node)
{
  double v = cJSON_IsNumber(node) ? node->valuedouble : -1;
  double milli = v * 1000, off = milli - (double)(long long)(milli + 0.5);

  if (v < 0 || v > 1000000 || off > 1e-6 || off < -1e-6)
    fault(c, "must be 0, or a number from 0.001 to 1000000 in steps of "
          "0.001");
}

/* An operation whose storage step can fail: UploadReadSetPart or
 * CompleteMultipartReadSetUpload. */
static void check_operation(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && strcmp(s, "UploadReadSetPart") != 0 &&
      strcmp(s, "CompleteMultipartReadSetUpload") != 0)
    fault(c, "must be UploadReadSetPart or "
          "CompleteMultipartReadSetUpload");
}

/* The kind of an injected fault: storage. */
static void check_fault_kind(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && strcmp(s, "storage") != 0)
    fault(c, "must be \"storage\"");
}

/* Checks one control's object by rules: at least one member. */
static void check_control_members(vctx *c, const cJSON *node,
                                  const member *rules, size_t n)
{
  if (check_members(c, node, rules, n) && !node->child)
    fault(c, "must set at least one member");
}

/* {"openUploadsPerStore", "readSetsPerStore", "partsPerUpload",
 * "bytesPerUpload"}: quotas. */
static void check_quota(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"openUploadsPerStore", 0, check_quota_value},
    {"readSetsPerStore", 0, check_quota_value},
    {"partsPerUpload", 0, check_quota_value},
    {"bytesPerUpload", 0, check_quota_value},
  };

  check_control_members(c, node, rules, COUNT(rules));
}

/* {"rate", "burst"}: a token bucket. */
static void check_throttle(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"rate", 1, check_rate},
    {"burst", 0, check_burst},
  };

  check_control_members(c, node, rules, COUNT(rules));
}

/* {"completeMs", "completeDelayMs"}: the deadline of Complete. */
static void check_deadline(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"completeMs", 0, check_deadline_ms},
    {"completeDelayMs", 0, check_delay_ms},
  };

  check_control_members(c, node, rules, COUNT(rules));
}

/* {"operation", "kind", "count"}: an injected failure. */
static void check_fault(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"operation", 1, check_operation},
    {"kind", 1, check_fault_kind},
    {"count", 0, check_fault_count},
  };

  check_control_members(c, node, rules, COUNT(rules));
}

/* The bit of control name, or 0. */
static unsigned control_bit(const char *name)
{
  for (size_t i = 0; cf_control_names[i]; i++)
    if (strcmp(name, cf_control_names[i]) == 0)
      return 1u << i;
  return 0;
}

/* The body of a control step: the controls to set, each declared by
 * the case. */
static void check_control_body(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"quota", 0, check_quota},
    {"throttle", 0, check_throttle},
    {"deadline", 0, check_deadline},
    {"fault", 0, check_fault},
  };
  const cJSON *child;
  size_t mark;

  if (!check_members(c, node, rules, COUNT(rules)))
    return;
  if (!node->child)
    fault(c, "must set at least one control");
  cJSON_ArrayForEach(child, node) {
    c->controls_set |= control_bit(child->string);
    mark = push(c, child->string);
    if (control_bit(child->string) &&
        !(c->controls & control_bit(child->string)))
      fault(c, "the case does not declare the control \"%s\" in its "
            "controls", child->string);
    pop(c, mark);
  }
}

/* The value of `control`: "reset" or the controls to set. */
static void check_control(vctx *c, const cJSON *node)
{
  if (!c->controls)
    fault(c, "a control step needs the case to declare its controls");
  else if (cJSON_IsString(node) && strcmp(node->valuestring, "reset"))
    fault(c, "must be \"reset\" or an object of controls");
  else if (!cJSON_IsString(node))
    check_control_body(c, node);
}

/* One control a case needs. */
static void check_control_name(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !control_bit(s))
    fault(c, "must be quota, throttle, deadline or fault");
  else if (s)
    c->controls |= control_bit(s);
}

/* The controls a case needs: one or more, distinct. */
static void check_controls(vctx *c, const cJSON *node)
{
  check_array(c, node, check_control_name, 1, 1);
}

/* {"control": ..., "name": ...}: a step that sets the test controls. */
static void check_control_step(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"name", 0, check_line},
    {"control", 1, check_control},
  };

  check_members(c, node, rules, COUNT(rules));
}

/* A step that is not a `use`, or a fragment. */
static void check_exchange(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"name", 0, check_line},
    {"request", 1, check_request},
    {"expect", 1, check_expect},
    {"capture", 0, check_capture},
    {"sign", 0, check_sign},
  };

  check_members(c, node, rules, COUNT(rules));
}

/* The name of a fragment of this file. */
static void check_use(vctx *c, const cJSON *node)
{
  const char *s = want_string(c, node);

  if (s && !cJSON_GetObjectItemCaseSensitive(c->fragments, s))
    fault(c, "no fragment named \"%s\" in this file", s);
}

/* {"use": NAME} or an exchange. */
static void check_step(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"use", 1, check_use},
  };

  if (cJSON_IsObject(node) && cJSON_GetObjectItemCaseSensitive(node, "use"))
    check_members(c, node, rules, COUNT(rules));
  else if (cJSON_IsObject(node) &&
           cJSON_GetObjectItemCaseSensitive(node, "control"))
    check_control_step(c, node);
  else
    check_exchange(c, node);
}

/* One or more steps. */
static void check_steps(vctx *c, const cJSON *node)
{
  check_array(c, node, check_step, 1, 0);
}

/* Named exchanges; their faults are counted apart, as every case
 * that uses one depends on them. */
static void check_fragments(vctx *c, const cJSON *node)
{
  size_t before = c->faults, mark;
  const cJSON *child;

  if (!cJSON_IsObject(node)) {
    fault(c, "must be an object");
    return;
  }
  cJSON_ArrayForEach(child, node) {
    mark = push(c, child->string);
    if (!*child->string)
      fault(c, "a fragment name must not be empty");
    check_exchange(c, child);
    pop(c, mark);
  }
  c->fragment_faults = c->faults - before;
}

/* Faults when template node names a variable known lacks. */
static void flow_string(vctx *c, const cJSON *node, const vars *known)
{
  char err[200];
  buf scratch;

  if (!cJSON_IsString(node))
    return;
  buf_init(&scratch);
  if (vars_expand(node->valuestring, known, &scratch, err, sizeof err) < 0)
    fault(c, "%s: neither supplied by the target nor captured by an "
          "earlier step", err);
  buf_free(&scratch);
}

/* flow_string over every string value of a tree. */
static void flow_tree(vctx *c, const cJSON *node, const vars *known)
{
  const cJSON *child;
  size_t mark, i = 0;

  flow_string(c, node, known);
  cJSON_ArrayForEach(child, node) {
    mark = child->string ? push(c, child->string) : push_index(c, i);
    flow_tree(c, child, known);
    pop(c, mark);
    i++;
  }
}

/* flow_tree on member name of obj, at its own path. */
static void flow_member(vctx *c, const cJSON *obj, const char *name,
                        const vars *known)
{
  const cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, name);
  size_t mark;

  if (!child)
    return;
  mark = push(c, name);
  flow_tree(c, child, known);
  pop(c, mark);
}

/* Checks the values (not the names) of the pairs of member name. */
static void flow_pairs(vctx *c, const cJSON *obj, const char *name,
                       const vars *known)
{
  size_t mark = push(c, name), mark2, i = 0;
  const cJSON *pair;

  cJSON_ArrayForEach(pair, cJSON_GetObjectItemCaseSensitive(obj, name)) {
    mark2 = push_index(c, i++);
    push_index(c, 1);
    flow_string(c, cJSON_GetArrayItem(pair, 1), known);
    pop(c, mark2);
  }
  pop(c, mark);
}

/* Checks the variables of one outcome: its expected body, and the
 * values of contains, excludes and distinct. */
static void flow_outcome(vctx *c, const cJSON *outcome, const vars *known)
{
  size_t mark = push(c, "body");

  flow_member(c, cJSON_GetObjectItemCaseSensitive(outcome, "body"),
              "exact", known);
  flow_member(c, cJSON_GetObjectItemCaseSensitive(outcome, "body"),
              "subset", known);
  pop(c, mark);
  flow_member(c, outcome, "contains", known);
  flow_member(c, outcome, "excludes", known);
  flow_member(c, outcome, "distinct", known);
}

/* Checks the variables of the affixes of a repeat body (its text knows
 * only its counter, checked with its size). */
static void flow_repeat(vctx *c, const cJSON *request, const vars *known)
{
  const cJSON *rp = cJSON_GetObjectItemCaseSensitive(request, "repeat");
  size_t mark;

  if (!rp)
    return;
  mark = push(c, "repeat");
  flow_member(c, rp, "prefix", known);
  flow_member(c, rp, "suffix", known);
  pop(c, mark);
}

/* Checks the variables of the request and expectation of an exchange,
 * then adds its captures to known. Returns 0, or -1 (no memory). */
static int flow_exchange(vctx *c, const cJSON *ex, vars *known)
{
  const cJSON *request = cJSON_GetObjectItemCaseSensitive(ex, "request");
  const cJSON *expect = cJSON_GetObjectItemCaseSensitive(ex, "expect");
  const cJSON *any = cJSON_GetObjectItemCaseSensitive(expect, "anyOf");
  const cJSON *item;
  size_t mark = push(c, "request"), mark2, i = 0;

  flow_member(c, request, "path", known);
  flow_pairs(c, request, "query", known);
  flow_pairs(c, request, "headers", known);
  flow_member(c, request, "json", known);
  flow_member(c, request, "text", known);
  flow_repeat(c, request, known);
  pop(c, mark);
  mark = push(c, "expect");
  if (!any)
    flow_outcome(c, expect, known);
  cJSON_ArrayForEach(item, any) {
    mark2 = push(c, "anyOf");
    push_index(c, i++);
    flow_outcome(c, item, known);
    pop(c, mark2);
  }
  pop(c, mark);
  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(ex, "capture"))
    if (vars_set(known, item->string, "") < 0)
      return -1;
  return 0;
}

/* Checks one step of a case; a fragment is checked at its own path,
 * and its faults name the step that used it. Returns 0 or -1. */
static int flow_step(vctx *c, const cJSON *step, size_t index,
                     vars *known)
{
  const cJSON *use = cJSON_GetObjectItemCaseSensitive(step, "use");
  size_t mark;
  buf here;
  int rc;

  if (cJSON_GetObjectItemCaseSensitive(step, "control"))
    return 0;
  if (!use) {
    mark = push_index(c, index);
    rc = flow_exchange(c, step, known);
    pop(c, mark);
    return rc;
  }
  here = c->path;
  buf_init(&c->path);
  push(c, "fragments");
  push(c, use->valuestring);
  c->via_step = index + 1;
  step = cJSON_GetObjectItemCaseSensitive(c->fragments, use->valuestring);
  rc = flow_exchange(c, step, known);
  c->via_step = 0;
  buf_free(&c->path);
  c->path = here;
  return rc;
}

/* Walks the steps of a well-formed case in order, fragments inserted,
 * checking that each variable is known where it is used. */
static void flow_case(vctx *c, const cJSON *steps)
{
  size_t mark = push(c, "steps"), i = 0;
  vars known = {0};
  const cJSON *step;

  for (size_t k = 0; k < c->target->count; k++)
    if (vars_set(&known, c->target->v[k].name, "") < 0)
      goto oom;
  cJSON_ArrayForEach(step, steps)
    if (flow_step(c, step, i++, &known) < 0)
      goto oom;
  goto out;

oom:
  fault(c, "out of memory");
out:
  pop(c, mark);
  vars_free(&known);
}

/* Faults on each control the case declares and no step sets. */
static void check_controls_used(vctx *c)
{
  size_t mark;

  for (size_t i = 0; cf_control_names[i]; i++) {
    if (!(c->controls & ~c->controls_set & (1u << i)))
      continue;
    mark = push(c, "controls");
    fault(c, "declares \"%s\", but no control step sets it",
          cf_control_names[i]);
    pop(c, mark);
  }
}

/* ownStore: true, or left out. */
static void check_own_store(vctx *c, const cJSON *node)
{
  if (!cJSON_IsTrue(node))
    fault(c, "must be true (leave it out when any store will do)");
}

/* Checks one case; when it is well-formed and the fragments are too,
 * checks its variable flow. */
static void check_case(vctx *c, const cJSON *node)
{
  static const member rules[] = {
    {"id", 1, check_id},
    {"title", 1, check_line},
    {"description", 1, check_text},
    {"requirements", 1, check_requirements},
    {"level", 1, check_level},
    {"tags", 1, check_tags},
    {"controls", 0, check_controls},
    {"ownStore", 0, check_own_store},
    {"steps", 1, check_steps},
  };
  const cJSON *id = cJSON_GetObjectItemCaseSensitive(node, "id");
  size_t before = c->faults;

  snprintf(c->case_label, sizeof c->case_label, "#%zu", c->case_index++);
  c->case_id = cJSON_IsString(id) && id_ok(id->valuestring)
               ? id->valuestring : c->case_label;
  c->controls = c->controls_set = 0;
  c->precedence = 0;
  if (check_members(c, node, rules, COUNT(rules)))
    check_controls_used(c);
  if (c->faults == before && c->fragment_faults == 0)
    flow_case(c, cJSON_GetObjectItemCaseSensitive(node, "steps"));
  c->case_id = NULL;
}

/* One or more cases. */
static void check_cases(vctx *c, const cJSON *node)
{
  check_array(c, node, check_case, 1, 0);
}

size_t cf_check_file(const cJSON *root, const char *path,
                     const vars *target, buf *diag)
{
  static const member rules[] = {
    {"format", 1, check_format},
    {"group", 1, check_id},
    {"title", 1, check_line},
    {"description", 1, check_text},
    {"fragments", 0, check_fragments},
    {"cases", 1, check_cases},
  };
  const cJSON *fragments = cJSON_GetObjectItemCaseSensitive(root,
                                                            "fragments");
  vctx c;

  memset(&c, 0, sizeof c);
  c.diag = diag;
  c.file = path;
  c.target = target;
  buf_init(&c.path);
  c.fragments = cJSON_IsObject(fragments) ? fragments : NULL;
  check_members(&c, root, rules, COUNT(rules));
  if (buf_failed(&c.path))
    fault(&c, "out of memory");
  buf_free(&c.path);
  return c.faults;
}
