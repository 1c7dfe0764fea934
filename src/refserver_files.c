/*
 * refserver_files.c: the data directory of refserver.
 *
 * A part's body streams to a temporary file DATA/.part-XXXXXX. When the
 * core accepts the part, it calls the storage hook that moves the file
 * to DATA/STORE/UPLOAD/SOURCE-N (SOURCE1-3, say), replacing the part it
 * supersedes; when it completes an upload, the hook that writes
 * DATA/STORE/UPLOAD/read-set.json. The core passes STORE, UPLOAD,
 * SOURCE and N decoded and checked. An aborted upload's directory is
 * removed after the core answered.
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
#define READ_SET_FILE "read-set.json"

/* A part's place: its upload's directory and its file name. */
typedef struct part_place {
  char store[TEXT_ID_MAX + 1];
  char upload[TEXT_ID_MAX + 1];
  char source[8];               /* SOURCE1 or SOURCE2 */
  long number;
} part_place;

/* The places under the data directory. */
typedef enum place_level {
  STORE_DIR,                    /* DATA/STORE */
  UPLOAD_DIR,                   /* DATA/STORE/UPLOAD */
  PART_FILE,                    /* DATA/STORE/UPLOAD/SOURCE-N */
  READ_SET                      /* DATA/STORE/UPLOAD/read-set.json */
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
  else if (level == READ_SET)
    n = snprintf(out, len, "%s/%s/%s/" READ_SET_FILE, srv->data_dir,
                 at->store, at->upload);
  else
    n = snprintf(out, len, "%s/%s/%s/%s-%ld", srv->data_dir, at->store,
                 at->upload, at->source, at->number);
  if (n < 0 || (size_t)n >= len) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return 0;
}

/* Fills a place from the core's ids. Returns 0, or -1 (errno set)
 * when one does not fit. */
static int place_of(part_place *at, const char *store_id,
                    const char *upload_id, const char *source, int number)
{
  size_t a = (size_t)snprintf(at->store, sizeof at->store, "%s", store_id);
  size_t b = (size_t)snprintf(at->upload, sizeof at->upload, "%s",
                              upload_id);
  size_t c = (size_t)snprintf(at->source, sizeof at->source, "%s", source);

  at->number = number;
  if (a < sizeof at->store && b < sizeof at->upload &&
      c < sizeof at->source)
    return 0;
  errno = EINVAL;
  return -1;
}

/* Makes DATA/STORE and DATA/STORE/UPLOAD. Returns 0 or -1 (errno). */
static int make_upload_dir(const rs_server *srv, const part_place *at)
{
  char path[PATH_MAX];

  if (place_path(srv, at, STORE_DIR, path, sizeof path) ||
      make_dir(path) ||
      place_path(srv, at, UPLOAD_DIR, path, sizeof path) ||
      make_dir(path))
    return -1;
  return 0;
}

int rs_files_keep_part(void *arg, const mrsu_request *request,
                       const char *store_id, const char *upload_id,
                       const char *source, int number)
{
  const rs_server *srv = arg;
  rs_request *rq = request->context;
  part_place at;
  char path[PATH_MAX];

  rq->note = "the part's file could not be moved into place";
  if (!rq->tmp_path) {
    errno = EINVAL;
    return -1;
  }
  if (place_of(&at, store_id, upload_id, source, number) ||
      make_upload_dir(srv, &at) ||
      place_path(srv, &at, PART_FILE, path, sizeof path) ||
      rename(rq->tmp_path, path))
    return -1;
  free(rq->tmp_path);
  rq->tmp_path = NULL;
  rq->note = NULL;
  return 0;
}

/* Writes the n bytes at text to a new temporary file and moves it to
 * path. Returns 0 or -1 (errno set); the temporary file never stays. */
static int write_file(const rs_server *srv, const char *path,
                      const char *text, size_t n)
{
  char *tmp = NULL;
  int fd = rs_files_temp(srv, &tmp), rc = -1, saved;
  ssize_t done = 0, w;

  if (fd < 0)
    return -1;
  while ((size_t)done < n) {
    w = write(fd, text + done, n - (size_t)done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      break;
    done += w;
  }
  if ((size_t)done == n)
    rc = fsync(fd);
  saved = errno;
  if (close(fd) && rc == 0) {
    rc = -1;
    saved = errno;
  }
  if (rc == 0 && rename(tmp, path)) {
    rc = -1;
    saved = errno;
  }
  if (rc)
    unlink(tmp);
  free(tmp);
  errno = saved;
  return rc;
}

int rs_files_keep_read_set(void *arg, const mrsu_request *request,
                           const char *store_id, const char *upload_id,
                           const char *read_set_id)
{
  const rs_server *srv = arg;
  rs_request *rq = request->context;
  part_place at;
  char path[PATH_MAX], text[96];
  int n = snprintf(text, sizeof text, "{\"readSetId\":\"%s\"}\n",
                   read_set_id);

  rq->note = "the read set's file could not be written";
  if (n < 0 || (size_t)n >= sizeof text) {
    errno = EINVAL;
    return -1;
  }
  if (place_of(&at, store_id, upload_id, "", 0) ||
      make_upload_dir(srv, &at) ||
      place_path(srv, &at, READ_SET, path, sizeof path) ||
      write_file(srv, path, text, (size_t)n))
    return -1;
  rq->note = NULL;
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
