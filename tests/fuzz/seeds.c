/*
 * seeds.c: the seed corpora of the fuzz harnesses, made from the
 * vectors at build time (make fuzz runs it; nothing is committed, so
 * the seeds follow the vectors as they change).
 *
 *   fuzz-seeds [--vectors DIR] --out DIR
 *
 * Every case is replayed on the built-in target. The core's entry point
 * is wrapped at link time (-Wl,--wrap=mrsu_handle), so each request the
 * runner sends, after its templates are filled in, is seen as sent;
 * every request to a Complete path becomes a seed of fuzz_complete in
 * OUT/complete, as "PATH\nQUERY\nBODY" (unless its body is over 64
 * KiB). Each vector file becomes a seed
 * of fuzz_vectors in OUT/vectors, whole, and once per case (the file
 * with only that case in its case list), so that small inputs come
 * first. Prints how many seeds it wrote.
 */
#include "mrsu.h"
#include "run.h"
#include "target.h"
#include "vectors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int __real_mrsu_handle(mrsu_service *s, const mrsu_request *rq,
                       mrsu_response *rs);

/* Larger Complete bodies (the vectors of the size limits) are left
 * out: they would make every run of the fuzzer slow. */
#define SEED_MAX 65536

static const char *out_dir;
static const char *case_id;     /* of the case being replayed */
static unsigned complete_seeds, vector_seeds;

/* Writes n bytes at data to OUT/kind/name. Returns 0 or -1. */
static int write_seed(const char *kind, const char *name, const void *data,
                      size_t n)
{
  char path[512];
  FILE *f;
  int rc;

  snprintf(path, sizeof path, "%s/%s/%s", out_dir, kind, name);
  f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "fuzz-seeds: cannot write %s: %s\n", path,
            strerror(errno));
    return -1;
  }
  rc = fwrite(data, 1, n, f) == n ? 0 : -1;
  return fclose(f) == 0 ? rc : -1;
}

/* The core as the runner reaches it: a Complete request is kept. */
int __wrap_mrsu_handle(mrsu_service *s, const mrsu_request *rq,
                       mrsu_response *rs)
{
  size_t n, head;
  char name[256], *text;
  const char *tail = rq->path ? strrchr(rq->path, '/') : NULL;

  if (rq->body && rq->body_len <= SEED_MAX && tail &&
      strcmp(tail, "/complete") == 0) {
    head = strlen(rq->path) + (rq->query ? strlen(rq->query) : 0) + 2;
    n = head + rq->body_len;
    text = malloc(n + 1);
    if (text) {
      snprintf(text, n + 1, "%s\n%s\n", rq->path,
               rq->query ? rq->query : "");
      memcpy(text + head, rq->body, rq->body_len);
      snprintf(name, sizeof name, "%s-%u", case_id, complete_seeds);
      if (write_seed("complete", name, text, n) == 0)
        complete_seeds++;
      free(text);
    }
  }
  return __real_mrsu_handle(s, rq, rs);
}

/* Writes the file of case c with only c in its case list. */
static int write_case_file(const cf_case *c)
{
  cJSON *copy = cJSON_Duplicate(c->file->root, 1);
  cJSON *one = cJSON_Duplicate(c->json, 1), *list = cJSON_CreateArray();
  char name[256], *text = NULL;
  int rc = -1;

  if (copy && one && list && cJSON_AddItemToArray(list, one)) {
    one = NULL;
    if (cJSON_ReplaceItemInObjectCaseSensitive(copy, "cases", list)) {
      list = NULL;
      text = cJSON_Print(copy);
    }
  }
  snprintf(name, sizeof name, "case-%s.json", c->id);
  if (text && write_seed("vectors", name, text, strlen(text)) == 0) {
    vector_seeds++;
    rc = 0;
  }
  free(text);
  cJSON_Delete(one);
  cJSON_Delete(list);
  cJSON_Delete(copy);
  return rc;
}

/* Copies vector file path whole. Returns 0 or -1. */
static int copy_file(const char *path)
{
  const char *base = strrchr(path, '/');
  char *data = NULL;
  long n = -1;
  FILE *f = fopen(path, "rb");
  int rc = -1;

  if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) &&
      fread(data, 1, (size_t)n, f) == (size_t)n &&
      write_seed("vectors", base ? base + 1 : path, data, (size_t)n) == 0) {
    vector_seeds++;
    rc = 0;
  }
  free(data);
  if (f)
    fclose(f);
  return rc;
}

/* Makes OUT, OUT/complete and OUT/vectors. Returns 0 or -1. */
static int make_dirs(void)
{
  static const char *const kinds[] = {"", "/complete", "/vectors"};
  char path[512];

  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", out_dir, kinds[i]);
    if (mkdir(path, 0777) < 0 && errno != EEXIST) {
      fprintf(stderr, "fuzz-seeds: cannot make %s: %s\n", path,
              strerror(errno));
      return -1;
    }
  }
  return 0;
}

int main(int argc, char **argv)
{
  const char *dir = "vectors";
  cf_req_source req = {"spec/requirements.json", 0};
  cf_target *t = calloc(1, sizeof *t);
  char err[256] = "";
  cf_result r;
  cf_suite s;
  buf diag;
  int status = 1;

  memset(&s, 0, sizeof s);
  buf_init(&diag);
  for (int i = 1; i + 1 < argc; i += 2)
    if (strcmp(argv[i], "--vectors") == 0)
      dir = argv[i + 1];
    else if (strcmp(argv[i], "--out") == 0)
      out_dir = argv[i + 1];
  if (!out_dir || !t || make_dirs() < 0) {
    fprintf(stderr, "usage: fuzz-seeds [--vectors DIR] --out DIR\n");
    goto out;
  }
  if (cf_builtin_open(t, "builtin", err, sizeof err) < 0 ||
      cf_suite_load(&s, dir, &req, &t->vars, &diag) < 0) {
    fprintf(stderr, "fuzz-seeds: %s%s\n", err, buf_str(&diag));
    goto out;
  }
  status = 0;
  for (size_t i = 0; i < s.file_count; i++)
    status |= copy_file(s.files[i].path);
  for (size_t i = 0; i < s.case_count; i++) {
    case_id = s.cases[i].id;
    memset(&r, 0, sizeof r);
    cf_run_case(t, &s.cases[i], &r);
    cf_result_free(&r);
    status |= write_case_file(&s.cases[i]);
  }
  printf("fuzz-seeds: %u seeds for fuzz_complete, %u for fuzz_vectors, "
         "in %s\n", complete_seeds, vector_seeds, out_dir);

out:
  buf_free(&diag);
  cf_suite_free(&s);
  cf_target_close(t);
  return status ? 1 : 0;
}
