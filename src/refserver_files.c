/*
 * refserver_files.c: the data directory of refserver.
 *
 * A part's body streams to a temporary file DATA/.part-XXXXXX. When the
 * core accepts the part, the file moves to DATA/STORE/UPLOAD/SOURCE-N
 * (SOURCE1-3, say), replacing the part it supersedes; an aborted upload's
 * directory is removed. STORE and UPLOAD are the decoded URI labels and
 * SOURCE and N the decoded query parameters, all checked by the core
 * before a file moves.
 */
#define _XOPEN_SOURCE 700

#include "refserver.h"

#include "text.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_NAME "/.part-XXXXXX"

/* A part's place: its upload's directory and its file name. */
typedef struct part_place {
  char store[TEXT_ID_MAX + 1];
  char upload[TEXT_ID_MAX + 1];
  char source[8];               /* SOURCE1 or SOURCE2 */
  long number;
} part_place;

/* The three places under the data directory. */
typedef enum place_level {
  STORE_DIR,                    /* DATA/STORE */
  UPLOAD_DIR,                   /* DATA/STORE/UPLOAD */
  PART_FILE                     /* DATA/STORE/UPLOAD/SOURCE-N */
} place_level;

/* Creates dir unless it exists. Returns 0 or -1 (errno set). */
static int make_dir(const char *dir)
{
  struct stat st;

  if (mkdir(dir, 0700) == 0)
    return 0;
  if (errno != EEXIST || stat(dir, &st))
    return -1;
  if (!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

int rs_files_open(rs_server *srv, char *err, size_t errlen)
{
  const char *tmp = getenv("TMPDIR");
  char path[PATH_MAX];

  if (srv->opt->data_dir) {
    if (make_dir(srv->opt->data_dir)) {
      snprintf(err, errlen, "data directory %s: %s", srv->opt->data_dir,
               strerror(errno));
      return -1;
    }
    srv->data_dir = strdup(srv->opt->data_dir);
  } else {
    if (!tmp || !*tmp)
      tmp = "/tmp";
    snprintf(path, sizeof path, "%s/refserver-XXXXXX", tmp);
    if (!mkdtemp(path)) {
      snprintf(err, errlen, "temporary data directory in %s: %s", tmp,
               strerror(errno));
      return -1;
    }
    srv->data_dir_is_temp = 1;
    srv->data_dir = strdup(path);
  }
  if (!srv->data_dir)
    snprintf(err, errlen, "out of memory");
  return srv->data_dir ? 0 : -1;
}

/* Removes one entry of a tree walked depth first. */
static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Removes dir and everything in it. Returns 0 (also when dir is
 * missing) or -1 (errno set). */
static int remove_tree(const char *dir)
{
  if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0)
    return 0;
  return errno == ENOENT ? 0 : -1;
}

int rs_files_close(rs_server *srv)
{
  int rc = 0;

  if (srv->data_dir && srv->data_dir_is_temp)
    rc = remove_tree(srv->data_dir);
  free(srv->data_dir);
  srv->data_dir = NULL;
  return rc;
}

int rs_files_temp(const rs_server *srv, char **path)
{
  size_t len = strlen(srv->data_dir) + sizeof TEMP_NAME;
  int fd;

  *path = malloc(len);
  if (!*path)
    return -1;
  snprintf(*path, len, "%s" TEMP_NAME, srv->data_dir);
  fd = mkstemp(*path);
  if (fd < 0) {
    free(*path);
    *path = NULL;
  }
  return fd;
}

/* Decodes the len bytes at raw into out (room bytes). Returns 0, or -1
 * when they do not decode or do not fit. */
static int decode_into(const char *raw, size_t len, char *out, size_t room)
{
  int oom = 0;
  char *text = text_percent_decode(raw, len, &oom);
  int rc = text && strlen(text) < room ? 0 : -1;

  if (rc == 0)
    memcpy(out, text, strlen(text) + 1);
  free(text);
  return rc;
}

/* Reads STORE and UPLOAD from a path /sequencestore/STORE/upload/UPLOAD
 * /... Returns 0, or -1 when the path has no such shape. */
static int read_labels(const char *path, part_place *at)
{
  static const char head[] = "/sequencestore/";
  const char *store = path + sizeof head - 1, *upload, *end;

  if (strncmp(path, head, sizeof head - 1))
    return -1;
  upload = strchr(store, '/');
  if (!upload || strncmp(upload, "/upload/", 8))
    return -1;
  upload += 8;
  end = upload + strcspn(upload, "/");
  if (decode_into(store, (size_t)(upload - 8 - store), at->store,
                  sizeof at->store) ||
      decode_into(upload, (size_t)(end - upload), at->upload,
                  sizeof at->upload))
    return -1;
  return text_is_id(at->store) && text_is_id(at->upload) ? 0 : -1;
}

/* Reads partSource and partNumber from a raw query. Returns 0, or -1
 * when either is missing or malformed. */
static int read_query(const char *query, part_place *at)
{
  const char *p = query, *end, *eq;
  char key[16], number[8];
  char *stop;

  at->source[0] = number[0] = '\0';
  for (; p && *p; p = *end ? end + 1 : end) {
    end = p + strcspn(p, "&");
    eq = memchr(p, '=', (size_t)(end - p));
    if (!eq || decode_into(p, (size_t)(eq - p), key, sizeof key))
      continue;
    if (!strcmp(key, "partSource"))
      decode_into(eq + 1, (size_t)(end - eq - 1), at->source,
                  sizeof at->source);
    else if (!strcmp(key, "partNumber"))
      decode_into(eq + 1, (size_t)(end - eq - 1), number, sizeof number);
  }
  at->number = strtol(number, &stop, 10);
  if (strcmp(at->source, "SOURCE1") && strcmp(at->source, "SOURCE2"))
    return -1;
  return number[0] && !*stop && at->number >= 1 ? 0 : -1;
}

/* Writes the path of a place into out. Returns 0, or -1 (errno set). */
static int place_path(const rs_server *srv, const part_place *at,
                      place_level level, char *out, size_t len)
{
  int n = -1;

  if (level == STORE_DIR)
    n = snprintf(out, len, "%s/%s", srv->data_dir, at->store);
  else if (level == UPLOAD_DIR)
    n = snprintf(out, len, "%s/%s/%s", srv->data_dir, at->store,
                 at->upload);
  else
    n = snprintf(out, len, "%s/%s/%s/%s-%ld", srv->data_dir, at->store,
                 at->upload, at->source, at->number);
  if (n < 0 || (size_t)n >= len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

int rs_files_keep_part(const rs_server *srv, rs_request *rq)
{
  part_place at;
  char path[PATH_MAX];

  if (!rq->tmp_path || read_labels(rq->path, &at) ||
      read_query(rq->query, &at)) {
    errno = EINVAL;
    return -1;
  }
  if (place_path(srv, &at, STORE_DIR, path, sizeof path) ||
      make_dir(path) ||
      place_path(srv, &at, UPLOAD_DIR, path, sizeof path) ||
      make_dir(path) ||
      place_path(srv, &at, PART_FILE, path, sizeof path) ||
      rename(rq->tmp_path, path))
    return -1;
  free(rq->tmp_path);
  rq->tmp_path = NULL;
  return 0;
}

int rs_files_drop_upload(const rs_server *srv, const rs_request *rq)
{
  part_place at;
  char dir[PATH_MAX];

  if (read_labels(rq->path, &at)) {
    errno = EINVAL;
    return -1;
  }
  if (place_path(srv, &at, UPLOAD_DIR, dir, sizeof dir))
    return -1;
  return remove_tree(dir);
}
