/*
 * fuzz_vectors.c: libFuzzer harness for the runner's vector loader.
 *
 * The input is one vector file. It is written into a folder of its own
 * and loaded with cf_suite_load, exactly as `conform --vectors` loads a
 * folder: the strict JSON gate, the format checks of vformat.c, the
 * case list with its fragments resolved, the checks across cases, and
 * the requirement ids against spec/requirements.json. What must hold:
 *   - a load that fails explains itself: at least one line, each naming
 *     the file;
 *   - a load that succeeds gives cases that each have an id, a title, a
 *     level and steps that all resolved;
 *   - then each case runs on the built-in target without crashing,
 *     unless the file builds bodies from `repeat` (they may be hundreds
 *     of megabytes, beyond what one fuzz input should cost).
 * Run it from the top of the repository (make fuzz does), so that
 * spec/requirements.json is found.
 */
#include "run.h"
#include "target.h"
#include "vectors.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The folder holding the one vector file, and the target. */
static char folder[64];
static char file[96];
static cf_target *target;

/* Stops the run: an invariant did not hold. */
static void broken(const char *what, const char *detail)
{
  fprintf(stderr, "fuzz_vectors: %s%s%s\n", what, detail ? ": " : "",
          detail ? detail : "");
  abort();
}

/* Removes the folder at exit. */
static void remove_folder(void)
{
  unlink(file);
  rmdir(folder);
}

/* Makes the folder and opens the built-in target, once. */
static void setup(void)
{
  char err[256];

  snprintf(folder, sizeof folder, "%s/fuzz-vectors.XXXXXX",
           getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(folder))
    broken("cannot make a folder", folder);
  snprintf(file, sizeof file, "%s/fuzz.json", folder);
  atexit(remove_folder);
  target = calloc(1, sizeof *target);
  if (!target || cf_builtin_open(target, "builtin", err, sizeof err) < 0)
    broken("cannot open the built-in target", err);
}

/* Writes the input as the folder's only vector file. */
static void write_file(const uint8_t *data, size_t size)
{
  FILE *f = fopen(file, "wb");

  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    broken("cannot write", file);
}

/* 1 when the n bytes at data hold word. */
static int holds(const uint8_t *data, size_t n, const char *word)
{
  size_t len = strlen(word);

  for (size_t i = 0; i + len <= n; i++)
    if (memcmp(data + i, word, len) == 0)
      return 1;
  return 0;
}

/* Checks a loaded suite, then runs its cases. */
static void judge_suite(const cf_suite *s, int run_cases)
{
  cf_result r;

  for (size_t i = 0; i < s->case_count; i++) {
    const cf_case *c = &s->cases[i];
    if (!c->id || !c->title || !c->level || !c->steps)
      broken("a loaded case lacks an id, a title, a level or steps", NULL);
    for (size_t k = 0; k < c->step_count; k++)
      if (!c->steps[k].json)
        broken("a step of a loaded case did not resolve", c->id);
  }
  for (size_t i = 0; run_cases && i < s->case_count; i++) {
    memset(&r, 0, sizeof r);
    cf_run_case(target, &s->cases[i], &r);
    cf_result_free(&r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  cf_req_source req = {"spec/requirements.json", 0};
  cf_suite s;
  buf diag;
  int rc;

  if (!target)
    setup();
  write_file(data, size);
  buf_init(&diag);
  rc = cf_suite_load(&s, folder, &req, &target->vars, &diag);
  if (rc < 0 && (diag.len == 0 || !strstr(buf_str(&diag), "fuzz.json")))
    broken("a refused file without a reason naming it", buf_str(&diag));
  if (rc == 0) {
    judge_suite(&s, !holds(data, size, "\"repeat\""));
    cf_suite_free(&s);
  }
  buf_free(&diag);
  return 0;
}
