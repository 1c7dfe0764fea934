/*
 * run.c: replaying the steps of one case on a target, judging each
 * response, capturing variables, and recording every exchange.
 */
#include "run.h"

#include "codec.h"
#include "expect.h"
#include "json_gate.h"
#include "jptr.h"
#include "request.h"
#include "tidy.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A request body longer than this is recorded by its length and its
 * SHA-256 rather than in full, so reports stay small. */
#define RECORD_BODY_MAX 65536

/* Where test controls are set and reset (SPEC.md section 16). */
#define CONTROL_PATH "/_mrsu/control"

/* What one case needs while it runs. */
typedef struct run_ctx {
  cf_target *t;
  const cf_run_env *env;
  const cf_case *c;
  cf_result *r;
  vars vs;                      /* the target's, then the captured */
  buf why;                      /* the reason of a FAIL or an ERROR */
  cf_opened opened;             /* uploads to abort after the case */
} run_ctx;

const char *cf_outcome_name(cf_outcome o)
{
  static const char *const names[] = {"PASS", "FAIL", "ERROR", "SKIPPED",
                                      "NOT VERIFIED"};

  return names[o];
}

/* A string node holding s; bytes that are not UTF-8 text are escaped,
 * so the report stays valid JSON. NULL when memory ran out. */
static cJSON *text_node(const char *s)
{
  cJSON *node;
  buf safe;

  if (utf8_text((const unsigned char *)s, strlen(s)))
    return cJSON_CreateString(s);
  buf_init(&safe);
  buf_add_safe(&safe, s, strlen(s));
  node = buf_failed(&safe) ? NULL : cJSON_CreateString(buf_str(&safe));
  buf_free(&safe);
  return node;
}

/* Adds text_node(s) to obj as member name. Returns 0 or -1. */
static int add_text(cJSON *obj, const char *name, const char *s)
{
  cJSON *node = text_node(s);

  if (node && cJSON_AddItemToObject(obj, name, node))
    return 0;
  cJSON_Delete(node);
  return -1;
}

/* Appends text_node(s) to array list. Returns 0 or -1. */
static int push_text(cJSON *list, const char *s)
{
  cJSON *node = text_node(s);

  if (node && cJSON_AddItemToArray(list, node))
    return 0;
  cJSON_Delete(node);
  return -1;
}

/* Adds a body: as "body" when it is UTF-8 text, else as "bodyBase64".
 * Returns 0 or -1. */
static int add_body(cJSON *obj, const unsigned char *p, size_t len)
{
  buf text;
  int ok, is_text = utf8_text(p, len);

  buf_init(&text);
  if (is_text)
    buf_add(&text, p, len);
  else
    b64_encode(&text, p, len);
  ok = !buf_failed(&text) &&
       cJSON_AddStringToObject(obj, is_text ? "body" : "bodyBase64",
                               buf_str(&text));
  buf_free(&text);
  return ok ? 0 : -1;
}

/* Adds a long body by its length ("bodyLength") and the hex of its
 * SHA-256 ("bodySha256"). Returns 0 or -1. */
static int add_body_digest(cJSON *obj, const unsigned char *p, size_t len)
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  char hex[2 * EVP_MAX_MD_SIZE + 1];

  if (!EVP_Digest(p, len, digest, &n, EVP_sha256(), NULL))
    return -1;
  for (unsigned int i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return cJSON_AddNumberToObject(obj, "bodyLength", (double)len) &&
         cJSON_AddStringToObject(obj, "bodySha256", hex) ? 0 : -1;
}

/* Adds headers as an array of [name, value]. Returns 0 or -1. */
static int add_headers(cJSON *obj, const cf_header *h, size_t n)
{
  cJSON *list = cJSON_AddArrayToObject(obj, "headers"), *pair;

  for (size_t i = 0; list && i < n; i++) {
    pair = cJSON_CreateArray();
    if (!pair || !cJSON_AddItemToArray(list, pair) ||
        push_text(pair, h[i].name) < 0 || push_text(pair, h[i].value) < 0)
      return -1;
  }
  return list ? 0 : -1;
}

/* Records the request sent. Returns 0 or -1. */
static int record_request(cJSON *rec, const cf_request *rq)
{
  cJSON *o = cJSON_AddObjectToObject(rec, "request");

  if (!o || add_text(o, "method", rq->method) < 0 ||
      add_text(o, "path", rq->path) < 0)
    return -1;
  if (rq->query ? add_text(o, "query", rq->query) < 0
                : !cJSON_AddNullToObject(o, "query"))
    return -1;
  if (add_headers(o, rq->headers, rq->header_count) < 0)
    return -1;
  if (rq->body_len > RECORD_BODY_MAX)
    return add_body_digest(o, rq->body, rq->body_len);
  return add_body(o, rq->body, rq->body_len);
}

/* Records the response received. Returns 0 or -1. */
static int record_response(cJSON *rec, const cf_response *rs)
{
  cJSON *o = cJSON_AddObjectToObject(rec, "response");

  if (!o || !cJSON_AddNumberToObject(o, "status", rs->status) ||
      add_headers(o, rs->headers, rs->header_count) < 0)
    return -1;
  return add_body(o, rs->body, rs->body_len);
}

/* 1 when s is an optional '-' and one or more digits. */
static int plain_integer(const char *s)
{
  if (*s == '-')
    s++;
  return *s && s[strspn(s, "0123456789")] == '\0';
}

/* Writes the decimal text of a number into out: its literal when that
 * is a plain integer, else its value. Returns out. */
static const char *number_text(const cJSON *n, char *out, size_t size)
{
  double v = n->valuedouble;

  if (n->valuestring && plain_integer(n->valuestring) &&
      strlen(n->valuestring) < size)
    snprintf(out, size, "%s", n->valuestring);
  else if (v >= -9007199254740992.0 && v <= 9007199254740992.0 &&
           v == (double)(long long)v)
    snprintf(out, size, "%lld", (long long)v);
  else
    snprintf(out, size, "%.17g", v);
  return out;
}

/* Says why capture cap found no string or number; fault says why the
 * body is not JSON. Returns 0. */
static int capture_failed(const cJSON *cap, const cJSON *body,
                          const char *fault, const cJSON *value, buf *why)
{
  buf_adds(why, "capture ");
  buf_adds(why, cap->string);
  if (!body) {
    buf_adds(why, ": the response body is not JSON (");
    buf_add_safe(why, fault, strlen(fault));
    buf_adds(why, ")");
    return 0;
  }
  buf_adds(why, ": ");
  buf_add_quoted(why, cap->valuestring, strlen(cap->valuestring), 60);
  if (!value) {
    buf_adds(why, " names nothing in the response body");
    return 0;
  }
  buf_adds(why, " holds ");
  expect_show(why, value);
  buf_adds(why, ", not a string or a number");
  return 0;
}

/* Says that capture cap holds a control character, which no path,
 * header or command line of a later step could carry. Returns 0. */
static int capture_control(const cJSON *cap, const char *text,
                           const char *bad, buf *why)
{
  buf_adds(why, "capture ");
  buf_adds(why, cap->string);
  buf_adds(why, ": ");
  buf_add_quoted(why, text, strlen(text), 60);
  buf_addf(why, " holds the control character 0x%02X, which an id "
           "never holds", (unsigned char)*bad);
  return 0;
}

/* Stores each capture of spec from body into vs. Returns 1, 0 with the
 * reason in why, or -1 when memory ran out. */
static int run_captures(const cJSON *spec, const cJSON *body,
                        const char *fault, vars *vs, buf *why)
{
  const cJSON *cap, *value;
  const char *text, *bad;
  char num[64];

  cJSON_ArrayForEach(cap, spec) {
    value = jptr_get(body, cap->valuestring);
    text = NULL;
    if (cJSON_IsString(value))
      text = value->valuestring;
    else if (cJSON_IsNumber(value))
      text = number_text(value, num, sizeof num);
    if (!text)
      return capture_failed(cap, body, fault, value, why);
    bad = first_control(text);
    if (bad)
      return capture_control(cap, text, bad, why);
    if (vars_set(vs, cap->string, text) < 0)
      return -1;
  }
  return 1;
}

/* The name of a step: its own (or its fragment's), else what a
 * control step does; NULL for an exchange without one. */
static const char *step_name(const cf_step *step)
{
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(step->json, "name");

  if (cJSON_IsString(name))
    return name->valuestring;
  if (step->kind == CF_STEP_CONTROL)
    return "set the test controls";
  return step->kind == CF_STEP_RESET ? "reset the test controls" : NULL;
}

/* Appends "step N (name): " to why; without a name, the fragment's. */
static void step_label(buf *why, const cf_step *step, size_t i)
{
  const char *label = step_name(step) ? step_name(step) : step->use;

  buf_addf(why, "step %zu", i + 1);
  if (label) {
    buf_adds(why, " (");
    buf_add_safe(why, label, strlen(label));
    buf_adds(why, ")");
  }
  buf_adds(why, ": ");
}

/* Starts the record of step i in the case's exchanges. NULL when
 * memory ran out. */
static cJSON *record_step(run_ctx *x, const cf_step *step, size_t i)
{
  const char *name = step_name(step);
  cJSON *rec = cJSON_CreateObject();

  if (!rec || !cJSON_AddItemToArray(x->r->exchanges, rec)) {
    cJSON_Delete(rec);
    return NULL;
  }
  if (!cJSON_AddNumberToObject(rec, "step", (double)(i + 1)) ||
      (name && add_text(rec, "name", name) < 0) ||
      (step->use && add_text(rec, "use", step->use) < 0))
    return NULL;
  return rec;
}

/* Records that anyOf branch k of step i was taken. Returns 0 or -1. */
static int record_branch(run_ctx *x, cJSON *rec, size_t i, int k)
{
  cJSON *entry = cJSON_CreateObject();

  if (!cJSON_AddNumberToObject(rec, "branch", k) || !entry ||
      !cJSON_AddItemToArray(x->r->branches, entry)) {
    cJSON_Delete(entry);
    return -1;
  }
  if (!cJSON_AddNumberToObject(entry, "step", (double)(i + 1)) ||
      !cJSON_AddNumberToObject(entry, "branch", k))
    return -1;
  return 0;
}

/* Parses a response body with the strict gate; NULL when it is empty
 * or not JSON, with the reason in fault. */
static cJSON *parse_body(const cf_response *rs, char *fault, size_t n)
{
  snprintf(fault, n, "empty");
  if (rs->body_len == 0)
    return NULL;
  return jg_parse(rs->body, rs->body_len, fault, n, NULL);
}

/* Judges the response of step i and takes its captures. Returns the
 * outcome of the step, with the reason in x->why. */
static cf_outcome judge_step(run_ctx *x, const cf_step *step, size_t i,
                             cJSON *rec, const cf_response *rs)
{
  const cJSON *expect = cJSON_GetObjectItemCaseSensitive(step->json,
                                                         "expect");
  cf_outcome o = CF_ERROR;
  char fault[160];
  cJSON *body = parse_body(rs, fault, sizeof fault);
  int branch, rc;

  rc = expect_judge(expect, &x->vs, rs, body, &branch, &x->why);
  if (branch >= 0 && record_branch(x, rec, i, branch) < 0)
    goto oom;
  if (rc == 1) {
    rc = run_captures(cJSON_GetObjectItemCaseSensitive(step->json,
                                                       "capture"),
                      body, fault, &x->vs, &x->why);
    if (rc < 0)
      goto oom;
  }
  if (rc >= 0)
    o = rc == 1 ? CF_PASS : CF_FAIL;
  goto out;

oom:
  buf_adds(&x->why, "out of memory");
out:
  cJSON_Delete(body);
  return o;
}

/* Records in rec that the request was sent twice, the first time
 * failing with error, which is kept in first (errlen bytes). Returns 0,
 * or -1 with the reason in err. */
static int record_retry(cJSON *rec, const char *error, char *first,
                        char *err, size_t errlen)
{
  cJSON *retry = cJSON_AddObjectToObject(rec, "retry");

  snprintf(first, errlen, "%s", error);
  if (retry && add_text(retry, "error", first) == 0)
    return 0;
  snprintf(err, errlen, "out of memory recording a retry");
  return -1;
}

/* Sends rq, and once more after a transport error, unless the target
 * itself already sent it twice; the first error goes to first (empty
 * when there was no retry) and into the record, as "retry". Returns
 * what the exchange that counts returned: 0, -1 or -2 (the target
 * unreachable), with its reason in err. */
static int send_request(run_ctx *x, cJSON *rec, const cf_request *rq,
                        cf_response *rs, char *first, char *err,
                        size_t errlen)
{
  int rc = x->t->exchange(x->t, rq, rs, err, errlen);

  if (rs->resent) {
    if (record_retry(rec, rs->resent, first, err, errlen) < 0)
      return -1;
  } else if (rc < 0) {
    if (record_retry(rec, err, first, err, errlen) < 0)
      return -1;
    cf_response_free(rs);
    rc = x->t->exchange(x->t, rq, rs, err, errlen);
  }
  x->r->unreachable = rc == -2 && *first;
  return rc;
}

/* Completes the reason of a step that did not pass with its retry, if
 * any, and keeps a command that sends its request again. */
static void note_failure(run_ctx *x, const cf_request *rq,
                         const char *first)
{
  if (*first) {
    buf_adds(&x->why, " (retried once; the first attempt: ");
    buf_add_safe(&x->why, first, strlen(first));
    buf_adds(&x->why, ")");
  }
  if (x->t->reproduce && !x->r->reproduce)
    x->r->reproduce = x->t->reproduce(x->t, rq);
}

/* Builds the request that sets the test controls of control (POST
 * with its JSON), or resets them (control NULL: DELETE), into b.
 * Returns 0, or -1 with the reason in err ("" when memory ran out). */
static int build_control(const cJSON *control, const vars *vs, cf_built *b,
                         char *err, size_t errlen)
{
  char *body;

  b->method = control ? "POST" : "DELETE";
  b->path = strdup(CONTROL_PATH);
  if (!b->path)
    return -1;
  if (!control)
    return 0;
  body = cf_json_body(control, vs, err, errlen);
  if (!body)
    return -1;
  b->body = (unsigned char *)body;
  b->body_len = strlen(body);
  return cf_built_add_header(b, "Content-Type", "application/json");
}

/* Builds and signs the request of step into b. Returns 0; 1 when the
 * run cannot sign it as asked, or -1, with the reason in err ("" when
 * memory ran out). */
static int build_step(run_ctx *x, const cf_step *step, cf_built *b,
                      char *err, size_t errlen)
{
  const cJSON *control = cJSON_GetObjectItemCaseSensitive(step->json,
                                                          "control");
  int rc;

  if (step->kind == CF_STEP_EXCHANGE)
    rc = cf_build_request(cJSON_GetObjectItemCaseSensitive(step->json,
                                                           "request"),
                          &x->vs, b, err, errlen);
  else
    rc = build_control(step->kind == CF_STEP_CONTROL ? control : NULL,
                       &x->vs, b, err, errlen);
  if (rc < 0)
    return -1;
  return cf_sign(x->env->signer, step->sign, x->t->host,
                 x->t->path_prefix, b, err, errlen);
}

/* Records rq, sends it (once more after a transport error) and records
 * the response into rs. Returns 0; -1 when no response came, with the
 * reason in err ("" when memory ran out recording); first as for
 * send_request. */
static int exchange(run_ctx *x, cJSON *rec, const cf_request *rq,
                    cf_response *rs, char *first, char *err,
                    size_t errlen)
{
  if (record_request(rec, rq) < 0)
    goto oom;
  if (send_request(x, rec, rq, rs, first, err, errlen) < 0)
    return -1;
  if (record_response(rec, rs) < 0)
    goto oom;
  return 0;

oom:
  *err = '\0';
  return -1;
}

/* Judges the answer to a control step: 200. A target that offers test
 * controls and refuses one fails the case (SPEC.md section 16). */
static cf_outcome judge_control(run_ctx *x, const cf_response *rs)
{
  if (rs->status == 200)
    return CF_PASS;
  buf_addf(&x->why, "expected 200 to the test control, got %d",
           rs->status);
  return CF_FAIL;
}

/* Runs step i: builds, signs and sends its request, records the
 * exchange, judges the response. Returns the outcome of the step;
 * x->why holds "step N (name): reason" unless it passed. */
static cf_outcome run_step(run_ctx *x, size_t i)
{
  const cf_step *step = &x->c->steps[i];
  cJSON *rec = record_step(x, step, i);
  cf_outcome o = CF_ERROR;
  cf_built b = {0};
  cf_response rs = {0};
  cf_request rq;
  char err[256] = "", first[256] = "";
  size_t mark = x->why.len;
  int built = 0, rc = rec ? build_step(x, step, &b, err, sizeof err) : -1;

  step_label(&x->why, step, i);
  if (rc == 1) {
    buf_adds(&x->why, err);
    o = CF_NOT_VERIFIED;
    goto out;
  }
  if (rc < 0) {
    buf_addf(&x->why, "cannot build the request: %s",
             *err ? err : "out of memory");
    goto out;
  }
  cf_built_view(&b, &rq);
  built = 1;
  if (exchange(x, rec, &rq, &rs, first, err, sizeof err) < 0) {
    buf_adds(&x->why, *err ? "no response: "
                           : "out of memory recording the exchange");
    buf_adds(&x->why, err);
    goto out;
  }
  if (!x->t->isolated && cf_opened_note(&x->opened, &rq, &rs) < 0) {
    buf_adds(&x->why, "out of memory noting the upload opened");
    goto out;
  }
  o = step->kind == CF_STEP_EXCHANGE ? judge_step(x, step, i, rec, &rs)
                                     : judge_control(x, &rs);
  if (o == CF_PASS)
    buf_truncate(&x->why, mark);

out:
  if (o == CF_ERROR && rec && *err)
    add_text(rec, "error", err);
  if (o != CF_PASS && built)
    note_failure(x, &rq, first);
  cf_built_free(&b);
  cf_response_free(&rs);
  return o;
}

/* Adds to the reason of the case that the reset after it failed. */
static void reset_failed(run_ctx *x, cf_outcome o, const char *what)
{
  buf_adds(&x->why, o == CF_PASS ? "" : "; then ");
  buf_adds(&x->why, "the test controls were not reset after the case: ");
  buf_add_safe(&x->why, what, strlen(what));
}

/* Resets the test controls after a case that set them (DELETE, signed
 * like any request), recorded as its last exchange with "reset": true.
 * Returns o, or ERROR when the reset was not answered 200. */
static cf_outcome reset_controls(run_ctx *x, cf_outcome o)
{
  cJSON *rec = cJSON_CreateObject();
  cf_built b = {0};
  cf_response rs = {0};
  cf_request rq;
  char err[256] = "", first[256] = "", status[32];

  if (!rec || !cJSON_AddItemToArray(x->r->exchanges, rec)) {
    cJSON_Delete(rec);
    rec = NULL;
  }
  if (!rec || !cJSON_AddTrueToObject(rec, "reset") ||
      add_text(rec, "name", "reset the test controls") < 0 ||
      build_control(NULL, &x->vs, &b, err, sizeof err) < 0 ||
      cf_sign(x->env->signer, NULL, x->t->host, x->t->path_prefix, &b,
              err, sizeof err) != 0) {
    reset_failed(x, o, *err ? err : "out of memory");
    o = CF_ERROR;
    goto out;
  }
  cf_built_view(&b, &rq);
  if (exchange(x, rec, &rq, &rs, first, err, sizeof err) < 0) {
    reset_failed(x, o, *err ? err : "out of memory");
    o = CF_ERROR;
  } else if (rs.status != 200) {
    snprintf(status, sizeof status, "status %d", rs.status);
    reset_failed(x, o, status);
    o = CF_ERROR;
  }

out:
  cf_built_free(&b);
  cf_response_free(&rs);
  return o;
}

/* Appends to why the reason the case cannot be verified in env, if it
 * needs what env lacks. Returns 1 when it does, else 0. */
static int unverifiable(const cf_run_env *env, const cf_case *c, buf *why)
{
  const cJSON *name;

  if (c->controls && !env->controls) {
    buf_adds(why, "the target offers no test controls");
    return 1;
  }
  if (c->signs && env->signer->count == 0) {
    buf_adds(why, env->unsigned_why);
    return 1;
  }
  for (size_t i = 0; i < c->step_count; i++) {
    name = cJSON_GetObjectItemCaseSensitive(c->steps[i].sign, "principal");
    if (!cJSON_IsString(name) ||
        cf_signer_find(env->signer, name->valuestring))
      continue;
    buf_adds(why, "the credentials hold no principal ");
    buf_add_safe(why, name->valuestring, strlen(name->valuestring));
    return 1;
  }
  return 0;
}

/* Before a case that lists every open upload of its store, on a target
 * whose cases share stores: PASS when the store holds none, else NOT
 * VERIFIED, or ERROR when the check had no answer (the target marked
 * unreachable when it is out of reach); the reason in why. */
static cf_outcome store_ready(run_ctx *x)
{
  const char *store = vars_get(&x->vs, "store", strlen("store"));
  char why[300];
  int rc = cf_store_busy(x->t, x->env->signer, store ? store : "",
                         x->r->exchanges, why, sizeof why);

  if (rc == 0)
    return CF_PASS;
  if (rc < 0)
    buf_adds(&x->why, "no answer to the check that the store holds no "
             "open upload: ");
  buf_adds(&x->why, why);
  x->r->unreachable = rc == -2;
  return rc < 0 ? CF_ERROR : CF_NOT_VERIFIED;
}

/* Aborts the uploads the case opened. Returns o, or ERROR, the target
 * marked unreachable, when an abort found it out of reach: every
 * later case would wait out --timeout on its own. */
static cf_outcome abort_opened(run_ctx *x, cf_outcome o)
{
  char err[256] = "";

  if (cf_opened_abort(&x->opened, x->t, x->env->signer, x->r->exchanges,
                      err, sizeof err) == 0)
    return o;
  buf_adds(&x->why, o == CF_PASS ? "" : "; then ");
  buf_adds(&x->why, "no answer to the abort of an upload the case "
           "opened: ");
  buf_add_safe(&x->why, err, strlen(err));
  x->r->unreachable = 1;
  return CF_ERROR;
}

/* Milliseconds since start. */
static long elapsed_ms(const struct timespec *start)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)(now.tv_sec - start->tv_sec) * 1000 +
         (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* Copies the target's variables into vs. Returns 0 or -1. */
static int copy_vars(vars *vs, const vars *from)
{
  for (size_t i = 0; i < from->count; i++)
    if (vars_set(vs, from->v[i].name, from->v[i].value) < 0)
      return -1;
  return 0;
}

/* The environment of a target that has none: unsigned, no controls. */
static const cf_signer no_signer = {NULL, 0, CF_SIGN_REGION, -1};
static const cf_run_env no_env = {&no_signer, "the run is not signed", 0};

void cf_run_case(cf_target *t, const cf_case *c, cf_result *r)
{
  const cf_run_env *env = t->env ? t->env : &no_env;
  run_ctx x = {t, env, c, r, {0}, {0}, {0}};
  cf_outcome o = CF_ERROR;
  struct timespec start;
  char err[256] = "";

  clock_gettime(CLOCK_MONOTONIC, &start);
  buf_init(&x.why);
  r->exchanges = cJSON_CreateArray();
  r->branches = cJSON_CreateArray();
  if (!r->exchanges || !r->branches || copy_vars(&x.vs, &t->vars) < 0) {
    buf_adds(&x.why, "out of memory starting the case");
    goto out;
  }
  if (unverifiable(env, c, &x.why)) {
    o = CF_NOT_VERIFIED;
    goto out;
  }
  if (t->begin_case(t, err, sizeof err) < 0) {
    buf_addf(&x.why, "the target cannot start the case: %s", err);
    goto out;
  }
  o = c->own_store && !t->isolated ? store_ready(&x) : CF_PASS;
  for (size_t i = 0; o == CF_PASS && i < c->step_count; i++)
    o = run_step(&x, i);
  if (c->controls && !r->unreachable)
    o = reset_controls(&x, o);
  if (!r->unreachable)
    o = abort_opened(&x, o);
  t->end_case(t);

out:
  r->outcome = o;
  r->ms = elapsed_ms(&start);
  r->message = o == CF_PASS ? NULL : buf_take(&x.why);
  buf_free(&x.why);
  vars_free(&x.vs);
  cf_opened_free(&x.opened);
}

/* Writes into why (n bytes) the answer to the probe of test controls:
 * its status, and its error type and message when it has them. */
static void say_probe_answer(const cf_response *rs, char *why, size_t n)
{
  cJSON *body = cJSON_ParseWithLength((const char *)rs->body,
                                      rs->body_len);
  char type[128];
  buf b;

  expect_error_type(rs, body, type, sizeof type);
  buf_init(&b);
  buf_addf(&b, "the probe POST %s {} was answered %d", CONTROL_PATH,
           rs->status);
  if (*type) {
    buf_addc(&b, ' ');
    buf_add_safe(&b, type, strlen(type));
  }
  expect_show_message(&b, body);
  buf_copy_out(&b, why, n);
  buf_free(&b);
  cJSON_Delete(body);
}

int cf_probe_controls(cf_target *t, const cf_signer *s, char *why,
                      size_t n)
{
  cJSON *empty = cJSON_CreateObject();
  cf_built b = {0};
  cf_response rs = {0};
  cf_request rq;
  char err[256] = "";
  int rc = 0;

  if (!empty || build_control(empty, NULL, &b, err, sizeof err) < 0 ||
      cf_sign(s, NULL, t->host, t->path_prefix, &b, err, sizeof err) ||
      t->begin_case(t, err, sizeof err) < 0) {
    snprintf(why, n, "the probe could not be sent: %s",
             *err ? err : "out of memory");
    goto out;
  }
  cf_built_view(&b, &rq);
  if (t->exchange(t, &rq, &rs, err, sizeof err) < 0)
    snprintf(why, n, "the probe POST %s {} got no answer: %s",
             CONTROL_PATH, err);
  else
    say_probe_answer(&rs, why, n);
  rc = rs.status == 200;
  t->end_case(t);

out:
  cJSON_Delete(empty);
  cf_built_free(&b);
  cf_response_free(&rs);
  return rc;
}

void cf_skip_case(cf_result *r, const char *why)
{
  r->outcome = CF_SKIPPED;
  r->message = strdup(why);
  r->exchanges = cJSON_CreateArray();
  r->branches = cJSON_CreateArray();
}

void cf_result_free(cf_result *r)
{
  free(r->message);
  free(r->reproduce);
  cJSON_Delete(r->exchanges);
  cJSON_Delete(r->branches);
  memset(r, 0, sizeof *r);
}
