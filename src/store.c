/*
 * store.c: sequence stores, uploads, parts and read sets in memory.
 *
 * Ids are issued as ten-digit decimal strings from increasing counters,
 * so each store's uploads, appended in creation order, stay sorted by id
 * and are found by binary search. Each upload keeps the parts of each
 * source sorted by number. An aborted upload keeps only its id, so that
 * it can never be found again and the order is kept.
 */
#include "store.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ID_LIMIT 9999999999ULL

typedef struct st_store st_store;

struct st_upload {
  st_store *store;              /* the store it belongs to */
  char id[ST_ID_LEN + 1];
  char read_set[ST_ID_LEN + 1];
  st_state state;
  st_file_type type;
  int64_t created;
  cJSON *meta;
  st_part *parts[2];
  size_t count[2];
  size_t room[2];
  uint64_t bytes;               /* the size of every part together */
};

struct st_store {
  char *id;
  st_upload **uploads;
  size_t count;
  size_t room;
  size_t open;                  /* uploads OPEN */
  size_t read_sets;             /* uploads COMPLETED */
};

struct st_db {
  st_store *stores;
  size_t store_count;
  uint64_t next_upload;
  uint64_t next_read_set;
};

static const char *const source_names[2] = {"SOURCE1", "SOURCE2"};

st_db *st_db_new(const char *const *stores, size_t store_count,
                 uint64_t first_upload_id, uint64_t first_read_set_id)
{
  st_db *db = calloc(1, sizeof *db);

  if (!db)
    return NULL;
  db->stores = calloc(store_count ? store_count : 1, sizeof *db->stores);
  if (!db->stores)
    goto fail;
  for (size_t i = 0; i < store_count; i++) {
    db->stores[i].id = strdup(stores[i]);
    if (!db->stores[i].id)
      goto fail;
    db->store_count++;
  }
  db->next_upload = first_upload_id;
  db->next_read_set = first_read_set_id;
  return db;
fail:
  st_db_free(db);
  return NULL;
}

static void upload_free(st_upload *upload)
{
  cJSON_Delete(upload->meta);
  free(upload->parts[0]);
  free(upload->parts[1]);
  free(upload);
}

void st_db_free(st_db *db)
{
  if (!db)
    return;
  for (size_t i = 0; i < db->store_count; i++) {
    for (size_t j = 0; j < db->stores[i].count; j++)
      upload_free(db->stores[i].uploads[j]);
    free(db->stores[i].uploads);
    free(db->stores[i].id);
  }
  free(db->stores);
  free(db);
}

/* The store with this id, or NULL. */
static st_store *find_store(const st_db *db, const char *store_id)
{
  for (size_t i = 0; i < db->store_count; i++)
    if (!strcmp(db->stores[i].id, store_id))
      return &db->stores[i];
  return NULL;
}

int st_store_exists(const st_db *db, const char *store_id)
{
  return find_store(db, store_id) != NULL;
}

void st_store_counts(const st_db *db, const char *store_id, size_t *open,
                     size_t *read_sets)
{
  const st_store *store = find_store(db, store_id);

  *open = store ? store->open : 0;
  *read_sets = store ? store->read_sets : 0;
}

/* Writes the next id of *counter into out and advances it. Returns
 * ST_EXHAUSTED when the counter passed ten digits. */
static st_result issue_id(uint64_t *counter, char out[ST_ID_LEN + 1])
{
  if (*counter > ID_LIMIT)
    return ST_EXHAUSTED;
  snprintf(out, ST_ID_LEN + 1, "%010" PRIu64, *counter);
  (*counter)++;
  return ST_OK;
}

st_result st_upload_create(st_db *db, const char *store_id,
                           st_file_type type, cJSON *meta, int64_t now,
                           st_upload **out)
{
  st_store *store = find_store(db, store_id);
  st_upload *upload = NULL, **grown;
  st_result rc = ST_NOT_FOUND;

  if (!store)
    goto fail;
  rc = ST_NO_MEMORY;
  if (store->count == store->room) {
    size_t room = store->room ? store->room * 2 : 16;
    grown = realloc(store->uploads, room * sizeof *grown);
    if (!grown)
      goto fail;
    store->uploads = grown;
    store->room = room;
  }
  upload = calloc(1, sizeof *upload);
  if (!upload)
    goto fail;
  rc = issue_id(&db->next_upload, upload->id);
  if (rc != ST_OK)
    goto fail;
  upload->store = store;
  upload->state = ST_OPEN;
  upload->type = type;
  upload->created = now;
  upload->meta = meta;
  store->uploads[store->count++] = upload;
  store->open++;
  *out = upload;
  return ST_OK;
fail:
  free(upload);
  cJSON_Delete(meta);
  return rc;
}

static int compare_upload_id(const void *key, const void *element)
{
  const st_upload *upload = *(st_upload *const *)element;
  return strcmp(key, upload->id);
}

st_result st_upload_find(st_db *db, const char *store_id,
                         const char *upload_id, st_upload **out)
{
  st_store *store = find_store(db, store_id);
  st_upload **hit;

  if (!store || store->count == 0)
    return ST_NOT_FOUND;
  hit = bsearch(upload_id, store->uploads, store->count,
                sizeof *store->uploads, compare_upload_id);
  if (!hit || (*hit)->state == ST_ABORTED)
    return ST_NOT_FOUND;
  *out = *hit;
  return ST_OK;
}

const char *st_upload_id(const st_upload *upload)
{
  return upload->id;
}

st_state st_upload_state(const st_upload *upload)
{
  return upload->state;
}

st_file_type st_upload_type(const st_upload *upload)
{
  return upload->type;
}

const cJSON *st_upload_meta(const st_upload *upload)
{
  return upload->meta;
}

int64_t st_upload_created(const st_upload *upload)
{
  return upload->created;
}

const char *st_upload_read_set(const st_upload *upload)
{
  return upload->state == ST_COMPLETED ? upload->read_set : NULL;
}

const st_part *st_parts(const st_upload *upload, st_source source,
                        size_t *count)
{
  *count = upload->count[source];
  return upload->parts[source];
}

void st_upload_totals(const st_upload *upload, size_t *parts,
                      uint64_t *bytes)
{
  *parts = upload->count[ST_SOURCE1] + upload->count[ST_SOURCE2];
  *bytes = upload->bytes;
}

/* Index of the first part of parts[0..n) whose number is >= number. */
static size_t lower_bound(const st_part *parts, size_t n, int number)
{
  size_t lo = 0, hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (parts[mid].number < number)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const st_part *st_part_find(const st_upload *upload, st_source source,
                            int number)
{
  size_t n = upload->count[source];
  size_t at = lower_bound(upload->parts[source], n, number);

  if (at == n || upload->parts[source][at].number != number)
    return NULL;
  return &upload->parts[source][at];
}

/* Makes room for one more part of a source. Returns 0, or -1 when
 * memory ran out (nothing changed). */
static int reserve_part(st_upload *upload, st_source source)
{
  size_t room;
  st_part *grown;

  if (upload->count[source] < upload->room[source])
    return 0;
  room = upload->room[source] ? upload->room[source] * 2 : 4;
  grown = realloc(upload->parts[source], room * sizeof *grown);
  if (!grown)
    return -1;
  upload->parts[source] = grown;
  upload->room[source] = room;
  return 0;
}

st_result st_part_put(st_upload *upload, st_source source, int number,
                      uint64_t size, const char *checksum, int64_t now,
                      char *err, size_t errlen)
{
  size_t n = upload->count[source];
  size_t at = lower_bound(upload->parts[source], n, number);
  st_part *part;

  if (upload->state != ST_OPEN) {
    snprintf(err, errlen, "upload %s is completed: its parts can no "
             "longer change", upload->id);
    return ST_REJECTED;
  }
  if (at == n || upload->parts[source][at].number != number) {
    if (reserve_part(upload, source) < 0)
      return ST_NO_MEMORY;
    part = upload->parts[source] + at;
    memmove(part + 1, part, (n - at) * sizeof *part);
    upload->count[source]++;
    part->number = (uint16_t)number;
    part->source = (uint8_t)source;
    part->created = now;
    part->size = 0;
  }
  part = upload->parts[source] + at;
  upload->bytes = upload->bytes - part->size + size;
  part->size = size;
  part->updated = now;
  snprintf(part->checksum, sizeof part->checksum, "%s", checksum);
  return ST_OK;
}

/* Per-source index: for each uploaded part, the list entry naming it,
 * or -1. */
typedef struct listing {
  long *entry[2];
  size_t listed[2];
} listing;

/* Checks one list entry against the uploaded parts and records it.
 * Returns 0, or -1 with the broken rule in err. */
static int check_entry(const st_upload *upload, listing *seen,
                       const st_listed_part *item, size_t i,
                       char *err, size_t errlen)
{
  const char *name = source_names[item->source];
  size_t n = upload->count[item->source];
  const st_part *parts = upload->parts[item->source];
  size_t at = lower_bound(parts, n, item->number);
  long *entry;

  if (item->source == ST_SOURCE2 && upload->type != ST_FASTQ) {
    snprintf(err, errlen, "parts[%zu].partSource: SOURCE2 is only for "
             "FASTQ uploads", i);
    return -1;
  }
  if (at == n || parts[at].number != item->number) {
    snprintf(err, errlen, "parts[%zu]: part %s %d was never uploaded", i,
             name, item->number);
    return -1;
  }
  if (strcmp(parts[at].checksum, item->checksum)) {
    snprintf(err, errlen, "parts[%zu].checksum: is not the current "
             "checksum of part %s %d", i, name, item->number);
    return -1;
  }
  entry = &seen->entry[item->source][at];
  if (*entry >= 0) {
    snprintf(err, errlen, "parts[%zu]: duplicate of parts[%ld] (%s %d)",
             i, *entry, name, item->number);
    return -1;
  }
  *entry = (long)i;
  seen->listed[item->source]++;
  return 0;
}

/* Checks what the whole list must satisfy once each entry is known
 * good: every uploaded part listed, numbers 1..N, SOURCE2 with SOURCE1.
 * Returns 0, or -1 with the broken rule in err. */
static int check_whole(const st_upload *upload, const listing *seen,
                       char *err, size_t errlen)
{
  for (int s = 0; s < 2; s++)
    for (size_t k = 0; k < upload->count[s]; k++)
      if (seen->entry[s][k] < 0) {
        snprintf(err, errlen, "parts: part %s %d was uploaded but is not "
                 "listed", source_names[s], upload->parts[s][k].number);
        return -1;
      }
  if (seen->listed[ST_SOURCE2] && !seen->listed[ST_SOURCE1]) {
    snprintf(err, errlen, "parts: SOURCE2 parts are listed without "
             "SOURCE1 parts");
    return -1;
  }
  for (int s = 0; s < 2; s++)
    for (size_t k = 0; k < upload->count[s]; k++)
      if ((size_t)upload->parts[s][k].number != k + 1) {
        snprintf(err, errlen, "parts: %s has no part %zu; parts must be "
                 "numbered from 1 without gaps", source_names[s], k + 1);
        return -1;
      }
  return 0;
}

/* Applies every parts-list rule to the list. Returns ST_OK, ST_REJECTED
 * with the first broken rule in err, or ST_NO_MEMORY. */
static st_result check_list(const st_upload *upload,
                            const st_listed_part *parts, size_t count,
                            char *err, size_t errlen)
{
  listing seen = {{NULL, NULL}, {0, 0}};
  st_result rc = ST_NO_MEMORY;

  if (count == 0) {
    snprintf(err, errlen, "parts: must list at least one part");
    return ST_REJECTED;
  }
  for (int s = 0; s < 2; s++) {
    seen.entry[s] = malloc((upload->count[s] + 1) * sizeof(long));
    if (!seen.entry[s])
      goto out;
    for (size_t k = 0; k < upload->count[s]; k++)
      seen.entry[s][k] = -1;
  }
  rc = ST_REJECTED;
  for (size_t i = 0; i < count; i++)
    if (check_entry(upload, &seen, &parts[i], i, err, errlen) < 0)
      goto out;
  if (check_whole(upload, &seen, err, errlen) < 0)
    goto out;
  rc = ST_OK;
out:
  free(seen.entry[0]);
  free(seen.entry[1]);
  return rc;
}

st_result st_complete_check(const st_db *db, const st_upload *upload,
                            const st_listed_part *parts, size_t count,
                            char read_set_id[ST_ID_LEN + 1],
                            char *err, size_t errlen)
{
  char reason[200];
  uint64_t next = db->next_read_set;
  st_result rc = check_list(upload, parts, count, reason, sizeof reason);

  if (rc == ST_REJECTED && upload->state == ST_COMPLETED)
    snprintf(err, errlen, "upload %s is already completed with a "
             "different parts list (%s)", upload->id, reason);
  else if (rc == ST_REJECTED)
    snprintf(err, errlen, "%s", reason);
  if (rc != ST_OK)
    return rc;
  if (upload->state == ST_OPEN)
    return issue_id(&next, read_set_id);
  memcpy(read_set_id, upload->read_set, ST_ID_LEN + 1);
  return ST_OK;
}

void st_complete_commit(st_db *db, st_upload *upload)
{
  if (upload->state != ST_OPEN)
    return;
  issue_id(&db->next_read_set, upload->read_set);
  upload->state = ST_COMPLETED;
  upload->store->open--;
  upload->store->read_sets++;
}

st_result st_next_upload_id(const st_db *db, char out[ST_ID_LEN + 1])
{
  uint64_t next = db->next_upload;

  return issue_id(&next, out);
}

st_result st_abort(st_upload *upload, char *err, size_t errlen)
{
  if (upload->state == ST_COMPLETED) {
    snprintf(err, errlen, "upload %s is completed and can no longer be "
             "aborted", upload->id);
    return ST_REJECTED;
  }
  upload->state = ST_ABORTED;
  upload->store->open--;
  upload->bytes = 0;
  cJSON_Delete(upload->meta);
  upload->meta = NULL;
  for (int s = 0; s < 2; s++) {
    free(upload->parts[s]);
    upload->parts[s] = NULL;
    upload->count[s] = upload->room[s] = 0;
  }
  return ST_OK;
}

/* Text that grows as lines are added; once memory ran out, failed is
 * set and nothing more is added. */
typedef struct dump_text {
  char *data;
  size_t len;
  size_t room;
  int failed;
} dump_text;

/* Appends printf-formatted text to t. */
static void dump_addf(dump_text *t, const char *fmt, ...)
{
  va_list ap;
  size_t need;
  char *grown;
  int n;

  if (t->failed)
    return;
  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  need = t->len + (size_t)n + 1;
  if (need > t->room) {
    grown = realloc(t->data, need * 2);
    if (!grown) {
      t->failed = 1;
      return;
    }
    t->data = grown;
    t->room = need * 2;
  }
  va_start(ap, fmt);
  vsnprintf(t->data + t->len, t->room - t->len, fmt, ap);
  va_end(ap);
  t->len += (size_t)n;
}

/* Appends the lines of one upload: its head, then (unless it was
 * aborted) its metadata and its parts. */
static void dump_upload(dump_text *t, const st_upload *upload)
{
  static const char *const states[] = {"OPEN", "COMPLETED", "ABORTED"};
  static const char *const types[] = {"FASTQ", "BAM", "CRAM", "UBAM"};
  const st_part *p;
  char *meta;

  dump_addf(t, "  upload %s %s\n", upload->id, states[upload->state]);
  if (upload->state == ST_ABORTED)
    return;
  meta = cJSON_PrintUnformatted(upload->meta);
  if (!meta) {
    t->failed = 1;
    return;
  }
  dump_addf(t, "    type %s created %" PRId64 " read set %s\n"
            "    meta %s\n", types[upload->type], upload->created,
            upload->state == ST_COMPLETED ? upload->read_set : "-", meta);
  free(meta);
  for (int s = 0; s < 2; s++)
    for (size_t k = 0; k < upload->count[s]; k++) {
      p = &upload->parts[s][k];
      dump_addf(t, "    part %s %u size %" PRIu64 " created %" PRId64
                " updated %" PRId64 " checksum %s\n", source_names[s],
                (unsigned)p->number, p->size, p->created, p->updated,
                p->checksum);
    }
}

char *st_db_dump(const st_db *db)
{
  dump_text t = {NULL, 0, 0, 0};

  dump_addf(&t, "next upload %" PRIu64 "\nnext read set %" PRIu64 "\n",
            db->next_upload, db->next_read_set);
  for (size_t i = 0; i < db->store_count; i++) {
    dump_addf(&t, "store %s\n", db->stores[i].id);
    for (size_t j = 0; j < db->stores[i].count; j++)
      dump_upload(&t, db->stores[i].uploads[j]);
  }
  if (t.failed) {
    free(t.data);
    return NULL;
  }
  return t.data;
}

int st_each_open_upload(st_db *db, const char *store_id,
                        int (*visit)(const st_upload *, void *), void *arg)
{
  st_store *store = find_store(db, store_id);
  int rc;

  if (!store)
    return 0;
  for (size_t i = 0; i < store->count; i++) {
    if (store->uploads[i]->state != ST_OPEN)
      continue;
    rc = visit(store->uploads[i], arg);
    if (rc)
      return rc;
  }
  return 0;
}
