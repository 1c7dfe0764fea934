/*
 * vectors.c: loading the vector set: the files of a folder in name
 * order, their SHA-256, the format checks of each (vformat.c), and the
 * checks across files: unique case and group ids, and requirement ids
 * known to the requirements file when there is one.
 */
#include "vectors.h"

#include "coverage.h"
#include "json_gate.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The requirements read from the requirements file. */
typedef struct req_set {
  cJSON *root;                  /* the parsed file, or NULL */
  const char *path;
} req_set;

/* qsort order of file names: byte order. */
static int compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when name is a vector file name: *.json, not hidden, not the
 * schema. */
static int vector_name(const char *name)
{
  size_t n = strlen(name);

  return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0 &&
         strcmp(name, "schema.json") != 0;
}

/* Appends name to the list. Returns 0 or -1 (no memory). */
static int add_name(char ***names, size_t *count, const char *name)
{
  char **grown = realloc(*names, (*count + 1) * sizeof *grown);

  if (!grown)
    return -1;
  *names = grown;
  grown[*count] = strdup(name);
  if (!grown[*count])
    return -1;
  (*count)++;
  return 0;
}

/* 1 when dir/name is a regular file. */
static int regular_file(const char *dir, const char *name)
{
  struct stat st;
  buf path;
  int rc;

  buf_init(&path);
  buf_addf(&path, "%s/%s", dir, name);
  rc = !buf_failed(&path) && stat(path.data, &st) == 0 &&
       S_ISREG(st.st_mode);
  buf_free(&path);
  return rc;
}

/* Lists the vector files of dir, sorted by name. Returns 0, or -1 with
 * the reason in diag. The caller frees the names and the array. */
static int list_files(const char *dir, char ***names, size_t *count,
                      buf *diag)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int rc = -1;

  *names = NULL;
  *count = 0;
  if (!d) {
    buf_addf(diag, "%s: cannot open the vector folder: %s\n", dir,
             strerror(errno));
    return -1;
  }
  while ((e = readdir(d)) != NULL) {
    if (!vector_name(e->d_name) || !regular_file(dir, e->d_name))
      continue;
    if (add_name(names, count, e->d_name) < 0) {
      buf_addf(diag, "%s: out of memory listing the folder\n", dir);
      goto out;
    }
  }
  if (*count)
    qsort(*names, *count, sizeof **names, compare_names);
  rc = 0;

out:
  closedir(d);
  return rc;
}

/* Reads a whole file into out. Returns 0, or -1 with errno set. */
static int read_all(const char *path, buf *out)
{
  char chunk[65536];
  FILE *f = fopen(path, "rb");
  size_t n;
  int rc = -1;

  if (!f)
    return -1;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    buf_add(out, chunk, n);
  if (ferror(f))
    goto out;
  if (buf_failed(out)) {
    errno = ENOMEM;
    goto out;
  }
  rc = 0;

out:
  fclose(f);
  return rc;
}

/* Parses bytes (len of them) of file path with the strict gate.
 * Returns the tree, or NULL after a line in diag. */
static cJSON *parse_strict(const char *path, const buf *bytes, buf *diag)
{
  char err[240];
  int oom = 0;
  cJSON *root;

  root = jg_parse((const unsigned char *)(bytes->data ? bytes->data : ""),
                  bytes->len, err, sizeof err, &oom);
  if (!root)
    buf_addf(diag, "%s: not valid JSON: %s\n", path,
             oom ? "out of memory" : err);
  return root;
}

/* Reads, hashes, parses and checks dir/name into f. Returns the number
 * of faults, each reported in diag. */
static size_t load_file(cf_file *f, const char *dir, const char *name,
                        EVP_MD_CTX *md, const vars *target, buf *diag)
{
  const cJSON *group;
  buf path, bytes;
  size_t faults = 1;

  buf_init(&path);
  buf_init(&bytes);
  buf_addf(&path, "%s/%s", dir, name);
  f->path = buf_take(&path);
  if (!f->path) {
    buf_addf(diag, "%s/%s: out of memory\n", dir, name);
    goto out;
  }
  if (read_all(f->path, &bytes) < 0) {
    buf_addf(diag, "%s: cannot read: %s\n", f->path, strerror(errno));
    goto out;
  }
  if (bytes.len && !EVP_DigestUpdate(md, bytes.data, bytes.len)) {
    buf_addf(diag, "%s: cannot hash the file\n", f->path);
    goto out;
  }
  f->root = parse_strict(f->path, &bytes, diag);
  if (!f->root)
    goto out;
  faults = cf_check_file(f->root, f->path, target, diag);
  group = cJSON_GetObjectItemCaseSensitive(f->root, "group");
  f->group = cJSON_IsString(group) ? group->valuestring : "";

out:
  buf_free(&bytes);
  return faults;
}

/* Writes the hex digest of md into hex (65 bytes). Returns 0 or -1. */
static int digest_hex(EVP_MD_CTX *md, char hex[65])
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  if (!EVP_DigestFinal_ex(md, digest, &n) || n != 32)
    return -1;
  for (unsigned int i = 0; i < n; i++)
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return 0;
}

const char *const cf_control_names[] = {
  "quota", "throttle", "deadline", "fault", NULL
};

/* The CF_CONTROL_* bits of a case's `controls` array. */
static unsigned control_bits(const cJSON *list)
{
  const cJSON *item;
  unsigned bits = 0;

  cJSON_ArrayForEach(item, list)
    for (size_t i = 0; cf_control_names[i]; i++)
      if (strcmp(item->valuestring, cf_control_names[i]) == 0)
        bits |= 1u << i;
  return bits;
}

/* Fills step st from step object step, resolving `use` in frags. */
static void resolve_step(cf_step *st, const cJSON *step,
                         const cJSON *frags)
{
  const cJSON *use = cJSON_GetObjectItemCaseSensitive(step, "use");
  const cJSON *control = cJSON_GetObjectItemCaseSensitive(step,
                                                          "control");

  st->json = step;
  st->kind = CF_STEP_EXCHANGE;
  if (use) {
    st->use = use->valuestring;
    st->json = cJSON_GetObjectItemCaseSensitive(frags, use->valuestring);
  } else if (control) {
    st->kind = cJSON_IsString(control) ? CF_STEP_RESET : CF_STEP_CONTROL;
  }
  st->sign = cJSON_GetObjectItemCaseSensitive(st->json, "sign");
}

/* Fills the steps of c from its case object, resolving `use` in the
 * fragments of its file, and what the case needs of a target. Returns
 * 0 or -1 (no memory). */
static int resolve_steps(cf_case *c)
{
  const cJSON *steps = cJSON_GetObjectItemCaseSensitive(c->json, "steps");
  const cJSON *frags = cJSON_GetObjectItemCaseSensitive(c->file->root,
                                                        "fragments");
  const cJSON *step;

  c->steps = calloc((size_t)cJSON_GetArraySize(steps), sizeof *c->steps);
  if (!c->steps)
    return -1;
  c->controls = control_bits(cJSON_GetObjectItemCaseSensitive(c->json,
                                                              "controls"));
  c->own_store = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c->json,
                                                               "ownStore"));
  cJSON_ArrayForEach(step, steps) {
    resolve_step(&c->steps[c->step_count], step, frags);
    c->signs |= c->steps[c->step_count].sign != NULL;
    c->step_count++;
  }
  return 0;
}

/* The string member name of obj (known to be there and a string). */
static const char *member_text(const cJSON *obj, const char *name)
{
  return cJSON_GetObjectItemCaseSensitive(obj, name)->valuestring;
}

/* Builds the case list of a suite whose files are all well-formed.
 * Returns 0, or -1 after a line in diag. */
static int build_cases(cf_suite *s, buf *diag)
{
  size_t total = 0;
  const cJSON *item;

  for (size_t i = 0; i < s->file_count; i++)
    total += (size_t)cJSON_GetArraySize(
        cJSON_GetObjectItemCaseSensitive(s->files[i].root, "cases"));
  s->cases = calloc(total, sizeof *s->cases);
  if (!s->cases)
    goto oom;
  for (size_t i = 0; i < s->file_count; i++) {
    size_t index = 0;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                                 s->files[i].root, "cases")) {
      cf_case *c = &s->cases[s->case_count++];
      c->file = &s->files[i];
      c->index = index++;
      c->json = item;
      c->id = member_text(item, "id");
      c->title = member_text(item, "title");
      c->level = member_text(item, "level");
      if (resolve_steps(c) < 0)
        goto oom;
    }
  }
  return 0;

oom:
  buf_adds(diag, "out of memory building the case list\n");
  return -1;
}

/* qsort order of case pointers: by id. */
static int compare_case_ids(const void *a, const void *b)
{
  const cf_case *x = *(const cf_case *const *)a;
  const cf_case *y = *(const cf_case *const *)b;

  return strcmp(x->id, y->id);
}

/* Reports every case id used twice. Returns the number of faults, or
 * -1 after a line in diag when memory ran out. */
static long check_unique_cases(const cf_suite *s, buf *diag)
{
  const cf_case **sorted = calloc(s->case_count + 1, sizeof *sorted);
  long faults = 0;

  if (!sorted) {
    buf_adds(diag, "out of memory checking case ids\n");
    return -1;
  }
  for (size_t i = 0; i < s->case_count; i++)
    sorted[i] = &s->cases[i];
  qsort(sorted, s->case_count, sizeof *sorted, compare_case_ids);
  for (size_t i = 1; i < s->case_count; i++) {
    if (strcmp(sorted[i - 1]->id, sorted[i]->id) != 0)
      continue;
    buf_addf(diag, "%s: case %s: /cases/%zu/id: already used by %s "
             "/cases/%zu\n", sorted[i]->file->path, sorted[i]->id,
             sorted[i]->index, sorted[i - 1]->file->path,
             sorted[i - 1]->index);
    faults++;
  }
  free(sorted);
  return faults;
}

/* Reports every group id used by two files. Returns the count. */
static long check_unique_groups(const cf_suite *s, buf *diag)
{
  long faults = 0;

  for (size_t i = 0; i < s->file_count; i++) {
    for (size_t j = 0; j < i; j++) {
      if (strcmp(s->files[i].group, s->files[j].group) != 0)
        continue;
      buf_addf(diag, "%s: /group: \"%s\" is the group of %s already\n",
               s->files[i].path, s->files[i].group, s->files[j].path);
      faults++;
      break;
    }
  }
  return faults;
}

/* Appends a fault about the requirements file itself. */
static void req_fault(buf *diag, const char *path, const char *where,
                      size_t index, const char *what)
{
  buf_addf(diag, "%s: %s", path, where);
  if (index != (size_t)-1)
    buf_addf(diag, "/%zu", index);
  buf_addf(diag, ": %s\n", what);
}

/* Checks the shape {"requirements": [{"id": "...", "level": "..."}]}
 * (other members allowed). Returns the number of faults. */
static long check_req_shape(const cJSON *root, const char *path,
                            buf *diag)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(root,
                                                       "requirements");
  const cJSON *item, *id, *level;
  size_t i = 0;
  long faults = 0;

  if (!cJSON_IsArray(list)) {
    req_fault(diag, path, "/requirements", (size_t)-1,
              "must be an array");
    return 1;
  }
  cJSON_ArrayForEach(item, list) {
    id = cJSON_GetObjectItemCaseSensitive(item, "id");
    level = cJSON_GetObjectItemCaseSensitive(item, "level");
    if (!cJSON_IsString(id) || !cJSON_IsString(level)) {
      req_fault(diag, path, "/requirements", i,
                "must be an object with string members id and level");
      faults++;
    }
    i++;
  }
  return faults;
}

/* Reads the requirements file into r. A default path that does not
 * exist leaves r->root NULL without a fault. Returns 0, or -1 after
 * lines in diag. */
static int load_requirements(const cf_req_source *src, req_set *r,
                             buf *diag)
{
  buf bytes;
  int rc = -1;

  r->root = NULL;
  r->path = src->path;
  buf_init(&bytes);
  if (read_all(src->path, &bytes) < 0) {
    if (errno == ENOENT && !src->explicit_path)
      rc = 0;
    else
      buf_addf(diag, "%s: cannot read the requirements: %s\n", src->path,
               strerror(errno));
    goto out;
  }
  r->root = parse_strict(src->path, &bytes, diag);
  if (!r->root)
    goto out;
  if (check_req_shape(r->root, src->path, diag) == 0)
    rc = 0;

out:
  buf_free(&bytes);
  return rc;
}

/* The level of requirement id, or NULL when the file lacks it. */
static const char *req_level(const req_set *r, const char *id)
{
  const cJSON *item;

  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                               r->root, "requirements"))
    if (strcmp(cJSON_GetObjectItemCaseSensitive(item, "id")->valuestring,
               id) == 0)
      return cJSON_GetObjectItemCaseSensitive(item, "level")->valuestring;
  return NULL;
}

/* Checks the requirement ids of one case, and that its level agrees
 * with theirs: MUST exactly when every requirement is MUST. Returns the
 * number of faults. */
static long check_case_reqs(const cf_case *c, const req_set *r, buf *diag)
{
  const cJSON *item;
  const char *level, *should = NULL;
  size_t j = 0;
  long faults = 0;

  cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(
                               c->json, "requirements")) {
    level = req_level(r, item->valuestring);
    if (!level) {
      buf_addf(diag, "%s: case %s: /cases/%zu/requirements/%zu: unknown "
               "requirement \"%s\" (not in %s)\n", c->file->path, c->id,
               c->index, j, item->valuestring, r->path);
      faults++;
    } else if (strcmp(level, "MUST") != 0 && !should) {
      should = item->valuestring;
    }
    j++;
  }
  if (faults)
    return faults;
  if (strcmp(c->level, "MUST") == 0 && should)
    buf_addf(diag, "%s: case %s: /cases/%zu/level: MUST, but requirement "
             "%s is not MUST\n", c->file->path, c->id, c->index, should);
  else if (strcmp(c->level, "MUST") != 0 && !should)
    buf_addf(diag, "%s: case %s: /cases/%zu/level: %s, but every "
             "requirement it checks is MUST\n", c->file->path, c->id,
             c->index, c->level);
  else
    return 0;
  return 1;
}

/* Checks every case against the requirements file, when there is one,
 * and keeps the parsed file in the suite. Returns the number of
 * faults. */
static long check_requirements(cf_suite *s, const cf_req_source *src,
                               buf *diag)
{
  req_set r;
  long faults = 0;

  if (!src || !src->path)
    return 0;
  if (load_requirements(src, &r, diag) < 0) {
    cJSON_Delete(r.root);
    return 1;
  }
  s->requirements_checked = r.root != NULL;
  s->requirements = r.root;
  s->requirements_path = r.root ? src->path : NULL;
  for (size_t i = 0; r.root && i < s->case_count; i++)
    faults += check_case_reqs(&s->cases[i], &r, diag);
  return faults;
}

/* Loads and checks each listed file. Returns the number of faults. */
static size_t load_files(cf_suite *s, const char *dir, char **names,
                         size_t count, const vars *target, buf *diag)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  size_t faults = 0;

  s->files = calloc(count, sizeof *s->files);
  if (!md || !s->files || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
    buf_adds(diag, "out of memory loading the vectors\n");
    faults = 1;
    goto out;
  }
  for (size_t i = 0; i < count; i++) {
    faults += load_file(&s->files[i], dir, names[i], md, target, diag);
    s->file_count++;
  }
  if (digest_hex(md, s->sha256) < 0) {
    buf_adds(diag, "cannot compute the SHA-256 of the vectors\n");
    faults++;
  }

out:
  EVP_MD_CTX_free(md);
  return faults;
}

int cf_suite_load(cf_suite *s, const char *dir, const cf_req_source *req,
                  const vars *target, buf *diag)
{
  char **names = NULL;
  size_t count = 0;
  long faults = 1;

  memset(s, 0, sizeof *s);
  if (list_files(dir, &names, &count, diag) < 0)
    goto out;
  if (count == 0) {
    buf_addf(diag, "%s: no vector files (*.json) in this folder\n", dir);
    goto out;
  }
  faults = (long)load_files(s, dir, names, count, target, diag);
  if (faults == 0 && build_cases(s, diag) < 0)
    faults = 1;
  if (faults == 0)
    faults = check_unique_groups(s, diag) + check_unique_cases(s, diag);
  if (faults == 0)
    faults = check_requirements(s, req, diag);
  if (faults == 0)
    faults = cf_pending_load(s, dir, diag);

out:
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
  if (faults)
    cf_suite_free(s);
  return faults ? -1 : 0;
}

void cf_suite_free(cf_suite *s)
{
  for (size_t i = 0; i < s->case_count; i++)
    free(s->cases[i].steps);
  free(s->cases);
  for (size_t i = 0; i < s->file_count; i++) {
    free(s->files[i].path);
    cJSON_Delete(s->files[i].root);
  }
  free(s->files);
  cJSON_Delete(s->requirements);
  cf_pending_free(s);
  memset(s, 0, sizeof *s);
}
