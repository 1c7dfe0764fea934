/*
 * store.h: the upload state machine, in memory.
 *
 * A database holds a fixed set of sequence stores. Each store holds
 * uploads; an upload holds parts keyed by (part source, part number),
 * each with its size and checksum. An upload is OPEN until it is
 * completed (it then names its read set and its parts are frozen) or
 * aborted (it is then gone: every later operation on it finds nothing).
 *
 * Complete applies the parts-list rules (spec section "Parts list"):
 * a non-empty list, no duplicate (source, number), only uploaded parts
 * with their current checksums, each source numbered 1..N without gap,
 * no uploaded part left out, SOURCE2 only with SOURCE1 and only for
 * FASTQ. Any order is accepted. A Complete that fails changes nothing.
 * Repeating the same list after success answers the same read set.
 *
 * Nothing here locks: the caller serialises access to a database.
 */
#ifndef STORE_H
#define STORE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define ST_ID_LEN 10            /* length of the ids this store issues */
#define ST_CHECKSUM_MAX 100     /* longest checksum accepted, code points */
#define ST_PART_MIN 1
#define ST_PART_MAX 10000

typedef enum st_source { ST_SOURCE1 = 0, ST_SOURCE2 = 1 } st_source;

typedef enum st_file_type {
  ST_FASTQ, ST_BAM, ST_CRAM, ST_UBAM
} st_file_type;

typedef enum st_state {
  ST_OPEN, ST_COMPLETED, ST_ABORTED
} st_state;

/* One uploaded part. The checksum is the one issued by UploadReadSetPart
 * (base64 of SHA-256, 44 characters). */
typedef struct st_part {
  uint16_t number;
  uint8_t source;
  uint64_t size;
  int64_t created;
  int64_t updated;
  char checksum[48];
} st_part;

/* One entry of a Complete request, as the client listed it. */
typedef struct st_listed_part {
  st_source source;
  int number;                   /* already within 1..10000 */
  const char *checksum;         /* already valid by the body constraints */
} st_listed_part;

typedef struct st_upload st_upload;
typedef struct st_db st_db;

/* The result of an operation on the state machine. */
typedef enum st_result {
  ST_OK,
  ST_NOT_FOUND,         /* no such store or upload: 404 */
  ST_REJECTED,          /* breaks a state or parts rule: 400 */
  ST_NO_MEMORY,         /* nothing changed: 500 */
  ST_EXHAUSTED          /* no id left to issue: 500 */
} st_result;

/* Returns a database with the given stores (ids already valid), ids
 * issued from first_upload_id and first_read_set_id, or NULL when memory
 * runs out. The caller frees with st_db_free. */
st_db *st_db_new(const char *const *stores, size_t store_count,
                 uint64_t first_upload_id, uint64_t first_read_set_id);
void st_db_free(st_db *db);

/* 1 when the store exists, else 0. */
int st_store_exists(const st_db *db, const char *store_id);

/* The number of OPEN uploads of a store and of its read sets (uploads
 * completed); both 0 for a store that does not exist. Can't fail. */
void st_store_counts(const st_db *db, const char *store_id, size_t *open,
                     size_t *read_sets);

/* Opens an upload in an existing store. meta is the validated request
 * body; the upload takes ownership of it whatever the result. On ST_OK
 * *out is the new upload. */
st_result st_upload_create(st_db *db, const char *store_id,
                           st_file_type type, cJSON *meta, int64_t now,
                           st_upload **out);

/* Finds an upload that was created and not aborted. ST_NOT_FOUND when
 * the store or the upload does not exist. */
st_result st_upload_find(st_db *db, const char *store_id,
                         const char *upload_id, st_upload **out);

const char *st_upload_id(const st_upload *upload);
st_state st_upload_state(const st_upload *upload);
st_file_type st_upload_type(const st_upload *upload);
const cJSON *st_upload_meta(const st_upload *upload);
int64_t st_upload_created(const st_upload *upload);
/* The read set id of a completed upload, else NULL. */
const char *st_upload_read_set(const st_upload *upload);

/* Stores or replaces part (source, number). ST_REJECTED when the upload
 * is not OPEN (why in err). */
st_result st_part_put(st_upload *upload, st_source source, int number,
                      uint64_t size, const char *checksum, int64_t now,
                      char *err, size_t errlen);

/* The parts of one source, sorted by number: *count of them. The array
 * belongs to the upload and is valid until it next changes. */
const st_part *st_parts(const st_upload *upload, st_source source,
                        size_t *count);

/* The number of parts of both sources and their total size in bytes.
 * Can't fail. */
void st_upload_totals(const st_upload *upload, size_t *parts,
                      uint64_t *bytes);

/* Part (source, number) of the upload, or NULL when it was never
 * uploaded. Valid until the upload next changes. */
const st_part *st_part_find(const st_upload *upload, st_source source,
                            int number);

/* Checks the listed parts against the upload without changing
 * anything. On ST_OK read_set_id holds the id of the read set that
 * st_complete_commit will make (or made, for an upload already
 * completed with exactly these parts). ST_REJECTED puts the first broken
 * rule in err, naming the list entry as parts[i]; ST_EXHAUSTED when no
 * read set id is left. */
st_result st_complete_check(const st_db *db, const st_upload *upload,
                            const st_listed_part *parts, size_t count,
                            char read_set_id[ST_ID_LEN + 1],
                            char *err, size_t errlen);

/* Completes an upload whose list st_complete_check accepted, with the
 * read set id it gave; nothing happens when it is already completed.
 * Can't fail. */
void st_complete_commit(st_db *db, st_upload *upload);

/* The id the next created upload will get, or ST_EXHAUSTED. */
st_result st_next_upload_id(const st_db *db, char out[ST_ID_LEN + 1]);

/* Aborts an OPEN upload: it is gone afterwards. ST_REJECTED when the
 * upload is completed. */
st_result st_abort(st_upload *upload, char *err, size_t errlen);

/* The state of db as text, as mrsu_service_dump describes it, or NULL
 * when memory ran out. The caller frees. */
char *st_db_dump(const st_db *db);

/* The uploads of a store that are OPEN, in id order: calls visit for each
 * until it returns non-zero; returns that value or 0. */
int st_each_open_upload(st_db *db, const char *store_id,
                        int (*visit)(const st_upload *, void *), void *arg);

#endif
