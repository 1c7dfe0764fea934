/*
 * test_store.c: the upload state machine (store.h).
 *
 * The parts-list table gives, for each rule of Complete, the parts
 * uploaded, the list sent and the verdict; a rejected list must change
 * nothing. The other tests follow an upload through its states and
 * check how ids are issued, including when none is left.
 */
#include "suites.h"

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S1 ST_SOURCE1
#define S2 ST_SOURCE2
#define MAX_SPEC 6

static const char *const store_ids[] = {"0123456789", "1111111111"};

/* The database of the running test; freed by teardown. */
static st_db *db;

/* Opens the database of a test: both stores, the default ids. */
static void store_setup(void)
{
  db = st_db_new(store_ids, 2, 1000000001ULL, 2000000001ULL);
  ck_assert_ptr_nonnull(db);
}

/* Frees the database and all it holds. */
static void store_teardown(void)
{
  st_db_free(db);
  db = NULL;
}

/* Replaces the database with one issuing ids from the given numbers. */
static void restart(uint64_t first_upload, uint64_t first_read_set)
{
  st_db_free(db);
  db = st_db_new(store_ids, 2, first_upload, first_read_set);
  ck_assert_ptr_nonnull(db);
}

/* Opens an upload in the first store at time 100; asserts success. */
static st_upload *open_upload(st_file_type type)
{
  st_upload *upload = NULL;
  cJSON *meta = cJSON_CreateObject();

  ck_assert_ptr_nonnull(meta);
  ck_assert_int_eq(st_upload_create(db, store_ids[0], type, meta, 100,
                                    &upload), ST_OK);
  ck_assert_ptr_nonnull(upload);
  return upload;
}

/* Stores part (source, number) with size 10 * number at time now. */
static void put_at(st_upload *upload, st_source source, int number,
                   const char *sum, int64_t now)
{
  char err[200];

  ck_assert_int_eq(st_part_put(upload, source, number,
                               (uint64_t)number * 10, sum, now, err,
                               sizeof err), ST_OK);
}

/* Stores a part at time 200; see put_at. */
static void put(st_upload *upload, st_source source, int number,
                const char *sum)
{
  put_at(upload, source, number, sum, 200);
}

/* One part, as uploaded or as listed; number 0 ends a list. */
typedef struct part_spec {
  st_source source;
  int number;
  const char *sum;
} part_spec;

/* One parts-list rule: uploaded parts in upload order (a repeated pair
 * replaces the earlier one), the list, the verdict, and what the reason
 * must contain (the entry for an entry's fault, "parts: " for a fault
 * of the whole list). */
typedef struct rule_case {
  const char *id;
  st_file_type type;
  part_spec uploaded[MAX_SPEC];
  part_spec listed[MAX_SPEC];
  st_result result;
  const char *names;
} rule_case;

static const rule_case rule_cases[] = {
  {"empty-list", ST_FASTQ, {{S1, 1, "a"}}, {{S1, 0, NULL}},
   ST_REJECTED, "parts: "},
  {"empty-list-no-parts", ST_BAM, {{S1, 0, NULL}}, {{S1, 0, NULL}},
   ST_REJECTED, "parts: "},
  {"nothing-uploaded", ST_BAM, {{S1, 0, NULL}}, {{S1, 1, "a"}},
   ST_REJECTED, "parts[0]"},
  {"duplicate-pair", ST_FASTQ, {{S1, 1, "a"}},
   {{S1, 1, "a"}, {S1, 1, "a"}}, ST_REJECTED, "parts[1]"},
  {"duplicate-pair-later", ST_FASTQ, {{S1, 1, "a"}, {S1, 2, "b"}},
   {{S1, 1, "a"}, {S1, 2, "b"}, {S1, 1, "a"}}, ST_REJECTED, "parts[2]"},
  {"never-uploaded", ST_FASTQ, {{S1, 1, "a"}},
   {{S1, 1, "a"}, {S1, 2, "b"}}, ST_REJECTED, "parts[1]"},
  {"never-uploaded-in-a-gap", ST_FASTQ, {{S1, 1, "a"}, {S1, 3, "c"}},
   {{S1, 2, "b"}}, ST_REJECTED, "parts[0]"},
  {"never-uploaded-in-source", ST_FASTQ, {{S1, 1, "a"}},
   {{S1, 1, "a"}, {S2, 1, "a"}}, ST_REJECTED, "parts[1]"},
  {"stale-checksum", ST_FASTQ, {{S1, 1, "old"}, {S1, 1, "new"}},
   {{S1, 1, "old"}}, ST_REJECTED, "parts[0].checksum"},
  {"current-checksum", ST_FASTQ, {{S1, 1, "old"}, {S1, 1, "new"}},
   {{S1, 1, "new"}}, ST_OK, NULL},
  {"checksum-case-differs", ST_FASTQ, {{S1, 1, "abc"}},
   {{S1, 1, "ABC"}}, ST_REJECTED, "parts[0].checksum"},
  {"checksums-swapped", ST_FASTQ, {{S1, 1, "a"}, {S1, 2, "b"}},
   {{S1, 1, "b"}, {S1, 2, "a"}}, ST_REJECTED, "parts[0].checksum"},
  {"gap", ST_FASTQ, {{S1, 1, "a"}, {S1, 3, "c"}},
   {{S1, 1, "a"}, {S1, 3, "c"}}, ST_REJECTED, "parts: "},
  {"gap-at-start", ST_FASTQ, {{S1, 2, "b"}}, {{S1, 2, "b"}},
   ST_REJECTED, "parts: "},
  {"gap-in-source2", ST_FASTQ, {{S1, 1, "a"}, {S2, 1, "a"}, {S2, 3, "c"}},
   {{S1, 1, "a"}, {S2, 1, "a"}, {S2, 3, "c"}}, ST_REJECTED, "parts: "},
  {"unlisted-part", ST_FASTQ, {{S1, 1, "a"}, {S1, 2, "b"}},
   {{S1, 1, "a"}}, ST_REJECTED, "parts: "},
  {"unlisted-source2", ST_FASTQ, {{S1, 1, "a"}, {S2, 1, "x"}},
   {{S1, 1, "a"}}, ST_REJECTED, "parts: "},
  {"source2-without-source1", ST_FASTQ, {{S2, 1, "a"}}, {{S2, 1, "a"}},
   ST_REJECTED, "parts: "},
  {"source2-on-bam", ST_BAM, {{S1, 1, "a"}, {S2, 1, "b"}},
   {{S1, 1, "a"}, {S2, 1, "b"}}, ST_REJECTED, "parts[1].partSource"},
  {"source2-on-cram", ST_CRAM, {{S1, 1, "a"}, {S2, 1, "b"}},
   {{S1, 1, "a"}, {S2, 1, "b"}}, ST_REJECTED, "parts[1].partSource"},
  {"source2-on-ubam", ST_UBAM, {{S1, 1, "a"}, {S2, 1, "b"}},
   {{S1, 1, "a"}, {S2, 1, "b"}}, ST_REJECTED, "parts[1].partSource"},
  {"source2-never-uploaded-on-bam", ST_BAM, {{S1, 1, "a"}},
   {{S1, 1, "a"}, {S2, 1, "b"}}, ST_REJECTED, "parts[1]"},
  {"single-part", ST_BAM, {{S1, 1, "a"}}, {{S1, 1, "a"}}, ST_OK, NULL},
  {"both-sources", ST_FASTQ,
   {{S1, 1, "a"}, {S1, 2, "b"}, {S2, 1, "c"}, {S2, 2, "d"}},
   {{S1, 1, "a"}, {S1, 2, "b"}, {S2, 1, "c"}, {S2, 2, "d"}}, ST_OK, NULL},
  {"any-order", ST_FASTQ,
   {{S1, 1, "a"}, {S1, 2, "b"}, {S1, 3, "c"}, {S2, 1, "d"}, {S2, 2, "e"}},
   {{S2, 2, "e"}, {S1, 3, "c"}, {S1, 1, "a"}, {S2, 1, "d"}, {S1, 2, "b"}},
   ST_OK, NULL},
  {"uploaded-out-of-order", ST_FASTQ,
   {{S1, 3, "c"}, {S1, 1, "a"}, {S1, 2, "b"}},
   {{S1, 1, "a"}, {S1, 2, "b"}, {S1, 3, "c"}}, ST_OK, NULL},
  {"same-number-both-sources", ST_FASTQ, {{S1, 1, "a"}, {S2, 1, "a"}},
   {{S2, 1, "a"}, {S1, 1, "a"}}, ST_OK, NULL},
  {"fewer-source2-parts", ST_FASTQ,
   {{S1, 1, "a"}, {S1, 2, "b"}, {S2, 1, "c"}},
   {{S1, 1, "a"}, {S1, 2, "b"}, {S2, 1, "c"}}, ST_OK, NULL},
};

/* Counts the entries of a spec list. */
static size_t spec_count(const part_spec *spec)
{
  size_t n = 0;

  while (n < MAX_SPEC && spec[n].number)
    n++;
  return n;
}

/* Fills list from spec. Returns the number of entries. */
static size_t make_list(const part_spec *spec, st_listed_part *list)
{
  size_t n = spec_count(spec);

  for (size_t i = 0; i < n; i++) {
    list[i].source = spec[i].source;
    list[i].number = spec[i].number;
    list[i].checksum = spec[i].sum;
  }
  return n;
}

START_TEST(rule_table)
{
  const rule_case *k = &rule_cases[_i];
  st_upload *upload = open_upload(k->type);
  st_listed_part list[MAX_SPEC];
  char id[ST_ID_LEN + 1] = "", err[300] = "";
  size_t n1, n2, count;
  st_result rc;

  for (size_t i = 0; i < spec_count(k->uploaded); i++)
    put(upload, k->uploaded[i].source, k->uploaded[i].number,
        k->uploaded[i].sum);
  st_parts(upload, S1, &n1);
  st_parts(upload, S2, &n2);
  count = make_list(k->listed, list);
  rc = st_complete_check(db, upload, list, count, id, err, sizeof err);
  ck_assert_msg(rc == k->result, "%s: result %d (%s)", k->id, (int)rc,
                err);
  if (rc == ST_OK) {
    ck_assert_str_eq(id, "2000000001");
    st_complete_commit(db, upload);
    ck_assert_int_eq(st_upload_state(upload), ST_COMPLETED);
    ck_assert_str_eq(st_upload_read_set(upload), "2000000001");
    return;
  }
  ck_assert_msg(strstr(err, k->names) != NULL, "%s: \"%s\" lacks "
                "\"%s\"", k->id, err, k->names);
  ck_assert_int_eq(st_upload_state(upload), ST_OPEN);
  ck_assert_ptr_null(st_upload_read_set(upload));
  st_parts(upload, S1, &count);
  ck_assert_uint_eq(count, n1);
  st_parts(upload, S2, &count);
  ck_assert_uint_eq(count, n2);
}
END_TEST

/* Checks list against upload and commits it; asserts success and
 * returns the read set id in id. */
static void complete_ok(st_upload *upload, const st_listed_part *list,
                        size_t count, char id[ST_ID_LEN + 1])
{
  char err[300] = "";

  ck_assert_msg(st_complete_check(db, upload, list, count, id, err,
                                  sizeof err) == ST_OK, "%s", err);
  st_complete_commit(db, upload);
}

START_TEST(ids_deterministic)
{
  char next[ST_ID_LEN + 1];

  ck_assert_int_eq(st_next_upload_id(db, next), ST_OK);
  ck_assert_str_eq(next, "1000000001");
  ck_assert_int_eq(st_next_upload_id(db, next), ST_OK);
  ck_assert_str_eq(next, "1000000001");
  ck_assert_str_eq(st_upload_id(open_upload(ST_FASTQ)), "1000000001");
  ck_assert_str_eq(st_upload_id(open_upload(ST_BAM)), "1000000002");
  ck_assert_int_eq(st_next_upload_id(db, next), ST_OK);
  ck_assert_str_eq(next, "1000000003");
  ck_assert_str_eq(st_upload_id(open_upload(ST_FASTQ)), "1000000003");
}
END_TEST

/* Ids are always ST_ID_LEN digits, padded with zeros. */
START_TEST(ids_padded)
{
  st_listed_part one = {S1, 1, "a"};
  char id[ST_ID_LEN + 1];
  st_upload *upload;

  restart(1, 42);
  upload = open_upload(ST_BAM);
  ck_assert_str_eq(st_upload_id(upload), "0000000001");
  put(upload, S1, 1, "a");
  complete_ok(upload, &one, 1, id);
  ck_assert_str_eq(id, "0000000042");
  ck_assert_str_eq(st_upload_read_set(upload), "0000000042");
}
END_TEST

START_TEST(ids_exhausted_uploads)
{
  char next[ST_ID_LEN + 1];
  st_upload *upload = NULL;

  restart(9999999998ULL, 2000000001ULL);
  ck_assert_str_eq(st_upload_id(open_upload(ST_BAM)), "9999999998");
  ck_assert_int_eq(st_next_upload_id(db, next), ST_OK);
  ck_assert_str_eq(next, "9999999999");
  ck_assert_str_eq(st_upload_id(open_upload(ST_BAM)), "9999999999");
  ck_assert_int_eq(st_next_upload_id(db, next), ST_EXHAUSTED);
  ck_assert_int_eq(st_upload_create(db, store_ids[0], ST_BAM,
                                    cJSON_CreateObject(), 100, &upload),
                   ST_EXHAUSTED);
  ck_assert_ptr_null(upload);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "9999999999",
                                  &upload), ST_OK);
}
END_TEST

START_TEST(ids_exhausted_read_sets)
{
  st_listed_part one = {S1, 1, "a"};
  char id[ST_ID_LEN + 1], err[300];
  st_upload *first, *second;

  restart(1000000001ULL, 9999999999ULL);
  first = open_upload(ST_BAM);
  second = open_upload(ST_BAM);
  put(first, S1, 1, "a");
  put(second, S1, 1, "a");
  complete_ok(first, &one, 1, id);
  ck_assert_str_eq(id, "9999999999");
  ck_assert_int_eq(st_complete_check(db, second, &one, 1, id, err,
                                     sizeof err), ST_EXHAUSTED);
  ck_assert_int_eq(st_upload_state(second), ST_OPEN);
  ck_assert_int_eq(st_complete_check(db, first, &one, 1, id, err,
                                     sizeof err), ST_OK);
  ck_assert_str_eq(id, "9999999999");
}
END_TEST

START_TEST(create_in_missing_store)
{
  st_upload *upload = NULL;
  char next[ST_ID_LEN + 1];

  ck_assert_int_eq(st_upload_create(db, "9999999999", ST_FASTQ,
                                    cJSON_CreateObject(), 100, &upload),
                   ST_NOT_FOUND);
  ck_assert_ptr_null(upload);
  ck_assert_int_eq(st_next_upload_id(db, next), ST_OK);
  ck_assert_str_eq(next, "1000000001");
}
END_TEST

START_TEST(stores_exist)
{
  ck_assert_int_eq(st_store_exists(db, "0123456789"), 1);
  ck_assert_int_eq(st_store_exists(db, "1111111111"), 1);
  ck_assert_int_eq(st_store_exists(db, "9999999999"), 0);
  ck_assert_int_eq(st_store_exists(db, "01234567890"), 0);
  ck_assert_int_eq(st_store_exists(db, "012345678"), 0);
}
END_TEST

START_TEST(upload_accessors)
{
  cJSON *meta = cJSON_CreateObject();
  st_upload *upload = NULL;

  ck_assert_ptr_nonnull(cJSON_AddStringToObject(meta, "name", "n"));
  ck_assert_int_eq(st_upload_create(db, store_ids[1], ST_CRAM, meta, 77,
                                    &upload), ST_OK);
  ck_assert_int_eq(st_upload_state(upload), ST_OPEN);
  ck_assert_int_eq(st_upload_type(upload), ST_CRAM);
  ck_assert_int_eq(st_upload_created(upload), 77);
  ck_assert_ptr_eq(st_upload_meta(upload), meta);
  ck_assert_ptr_null(st_upload_read_set(upload));
}
END_TEST

START_TEST(find_by_store_and_id)
{
  st_upload *a = open_upload(ST_BAM), *found = NULL;
  cJSON *meta = cJSON_CreateObject();
  st_upload *b = NULL;

  ck_assert_int_eq(st_upload_create(db, store_ids[1], ST_BAM, meta, 1,
                                    &b), ST_OK);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], st_upload_id(a),
                                  &found), ST_OK);
  ck_assert_ptr_eq(found, a);
  ck_assert_int_eq(st_upload_find(db, store_ids[1], st_upload_id(b),
                                  &found), ST_OK);
  ck_assert_ptr_eq(found, b);
  ck_assert_int_eq(st_upload_find(db, store_ids[1], st_upload_id(a),
                                  &found), ST_NOT_FOUND);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], st_upload_id(b),
                                  &found), ST_NOT_FOUND);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "8888888888",
                                  &found), ST_NOT_FOUND);
  ck_assert_int_eq(st_upload_find(db, "9999999999", st_upload_id(a),
                                  &found), ST_NOT_FOUND);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "01000000001",
                                  &found), ST_NOT_FOUND);
}
END_TEST

/* Many uploads, every third aborted: each is found or not, as it
 * should be, wherever it sits in the store. */
START_TEST(find_among_many)
{
  st_upload *uploads[40], *found;
  char err[200];

  for (int i = 0; i < 40; i++)
    uploads[i] = open_upload(ST_BAM);
  for (int i = 0; i < 40; i += 3)
    ck_assert_int_eq(st_abort(uploads[i], err, sizeof err), ST_OK);
  for (int i = 0; i < 40; i++) {
    char id[16];
    st_result expect = i % 3 == 0 ? ST_NOT_FOUND : ST_OK;

    snprintf(id, sizeof id, "%d", 1000000001 + i);
    found = NULL;
    ck_assert_int_eq(st_upload_find(db, store_ids[0], id, &found),
                     expect);
    if (expect == ST_OK)
      ck_assert_ptr_eq(found, uploads[i]);
  }
}
END_TEST

/* Parts put out of order come back sorted by number, per source. */
START_TEST(parts_sorted)
{
  static const int order[] = {5, 1, 3, 2, 4};
  st_upload *upload = open_upload(ST_FASTQ);
  const st_part *parts;
  size_t n;

  for (size_t i = 0; i < 5; i++)
    put(upload, S1, order[i], "s");
  put(upload, S2, 2, "t");
  parts = st_parts(upload, S1, &n);
  ck_assert_uint_eq(n, 5);
  for (size_t i = 0; i < n; i++) {
    ck_assert_int_eq(parts[i].number, (int)i + 1);
    ck_assert_int_eq(parts[i].source, S1);
    ck_assert_uint_eq(parts[i].size, (i + 1) * 10);
  }
  parts = st_parts(upload, S2, &n);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(parts[0].number, 2);
  ck_assert_int_eq(parts[0].source, S2);
}
END_TEST

/* Hundreds of parts, the even ones in descending order, then the odd
 * ones between them, past every growth step. */
START_TEST(parts_sorted_many)
{
  st_upload *upload = open_upload(ST_FASTQ);
  const st_part *parts;
  size_t n;

  for (int i = 300; i >= 1; i -= 2)
    put(upload, S1, i, "s");
  for (int i = 1; i <= 299; i += 2)
    put(upload, S1, i, "s");
  parts = st_parts(upload, S1, &n);
  ck_assert_uint_eq(n, 300);
  for (size_t i = 0; i < n; i++)
    ck_assert_int_eq(parts[i].number, (int)i + 1);
}
END_TEST

/* Putting a part again replaces it: same count, new size, checksum and
 * update time, first creation time kept. */
START_TEST(part_replaced)
{
  st_upload *upload = open_upload(ST_FASTQ);
  const st_part *parts;
  char err[200];
  size_t n;

  put_at(upload, S1, 1, "first", 100);
  put_at(upload, S1, 2, "other", 100);
  ck_assert_int_eq(st_part_put(upload, S1, 1, 999, "second", 300, err,
                               sizeof err), ST_OK);
  parts = st_parts(upload, S1, &n);
  ck_assert_uint_eq(n, 2);
  ck_assert_int_eq(parts[0].number, 1);
  ck_assert_uint_eq(parts[0].size, 999);
  ck_assert_str_eq(parts[0].checksum, "second");
  ck_assert_int_eq(parts[0].created, 100);
  ck_assert_int_eq(parts[0].updated, 300);
  ck_assert_str_eq(parts[1].checksum, "other");
  ck_assert_int_eq(parts[1].updated, 100);
}
END_TEST

/* The same list again after success: the same read set, no new id. */
START_TEST(complete_twice_identical)
{
  st_listed_part list[] = {{S1, 1, "a"}, {S1, 2, "b"}};
  st_listed_part reordered[] = {{S1, 2, "b"}, {S1, 1, "a"}};
  st_upload *upload = open_upload(ST_BAM), *other;
  char id[ST_ID_LEN + 1], again[ST_ID_LEN + 1];
  st_listed_part one = {S1, 1, "z"};

  put(upload, S1, 1, "a");
  put(upload, S1, 2, "b");
  complete_ok(upload, list, 2, id);
  ck_assert_str_eq(id, "2000000001");
  complete_ok(upload, list, 2, again);
  ck_assert_str_eq(again, "2000000001");
  complete_ok(upload, reordered, 2, again);
  ck_assert_str_eq(again, "2000000001");
  ck_assert_str_eq(st_upload_read_set(upload), "2000000001");
  other = open_upload(ST_BAM);
  put(other, S1, 1, "z");
  complete_ok(other, &one, 1, id);
  ck_assert_str_eq(id, "2000000002");
}
END_TEST

/* A different list after success is rejected and changes nothing. */
START_TEST(complete_twice_different)
{
  st_listed_part list[] = {{S1, 1, "a"}, {S1, 2, "b"}};
  st_listed_part fewer[] = {{S1, 1, "a"}};
  st_listed_part stale[] = {{S1, 1, "a"}, {S1, 2, "x"}};
  st_upload *upload = open_upload(ST_BAM);
  char id[ST_ID_LEN + 1], err[300] = "";

  put(upload, S1, 1, "a");
  put(upload, S1, 2, "b");
  complete_ok(upload, list, 2, id);
  ck_assert_int_eq(st_complete_check(db, upload, fewer, 1, id, err,
                                     sizeof err), ST_REJECTED);
  ck_assert_ptr_nonnull(strstr(err, "1000000001"));
  ck_assert_int_eq(st_complete_check(db, upload, stale, 2, id, err,
                                     sizeof err), ST_REJECTED);
  ck_assert_ptr_nonnull(strstr(err, "parts[1].checksum"));
  ck_assert_int_eq(st_complete_check(db, upload, list, 0, id, err,
                                     sizeof err), ST_REJECTED);
  ck_assert_int_eq(st_upload_state(upload), ST_COMPLETED);
  ck_assert_str_eq(st_upload_read_set(upload), "2000000001");
}
END_TEST

/* A check issues nothing: checking twice names the same id, and a
 * rejected list consumes no id. */
START_TEST(check_consumes_no_id)
{
  st_listed_part list[] = {{S1, 1, "a"}};
  st_listed_part wrong[] = {{S1, 1, "b"}};
  st_upload *upload = open_upload(ST_BAM);
  char id[ST_ID_LEN + 1], err[300];

  put(upload, S1, 1, "a");
  ck_assert_int_eq(st_complete_check(db, upload, wrong, 1, id, err,
                                     sizeof err), ST_REJECTED);
  ck_assert_int_eq(st_complete_check(db, upload, list, 1, id, err,
                                     sizeof err), ST_OK);
  ck_assert_str_eq(id, "2000000001");
  ck_assert_int_eq(st_complete_check(db, upload, list, 1, id, err,
                                     sizeof err), ST_OK);
  ck_assert_str_eq(id, "2000000001");
  ck_assert_int_eq(st_upload_state(upload), ST_OPEN);
  st_complete_commit(db, upload);
  ck_assert_str_eq(st_upload_read_set(upload), "2000000001");
}
END_TEST

/* A failed Complete leaves the upload open, with its parts, and it can
 * be completed once the list is right. */
START_TEST(failed_complete_then_success)
{
  st_listed_part partial[] = {{S1, 1, "a"}};
  st_listed_part full[] = {{S1, 1, "a"}, {S1, 2, "b"}, {S1, 3, "c"}};
  st_upload *upload = open_upload(ST_FASTQ), *found;
  char id[ST_ID_LEN + 1], err[300];
  size_t n;

  put(upload, S1, 1, "a");
  put(upload, S1, 2, "b");
  ck_assert_int_eq(st_complete_check(db, upload, partial, 1, id, err,
                                     sizeof err), ST_REJECTED);
  ck_assert_int_eq(st_upload_state(upload), ST_OPEN);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "1000000001",
                                  &found), ST_OK);
  st_parts(upload, S1, &n);
  ck_assert_uint_eq(n, 2);
  put(upload, S1, 3, "c");
  complete_ok(upload, full, 3, id);
  ck_assert_str_eq(id, "2000000001");
  ck_assert_int_eq(st_upload_state(upload), ST_COMPLETED);
}
END_TEST

/* After Complete, parts can no longer change and are kept as they were. */
START_TEST(part_put_after_complete)
{
  st_listed_part list[] = {{S1, 1, "a"}};
  st_upload *upload = open_upload(ST_BAM);
  char id[ST_ID_LEN + 1], err[300] = "";
  const st_part *parts;
  size_t n;

  put(upload, S1, 1, "a");
  complete_ok(upload, list, 1, id);
  ck_assert_int_eq(st_part_put(upload, S1, 1, 5, "new", 500, err,
                               sizeof err), ST_REJECTED);
  ck_assert_ptr_nonnull(strstr(err, "1000000001"));
  ck_assert_int_eq(st_part_put(upload, S1, 2, 5, "new", 500, err,
                               sizeof err), ST_REJECTED);
  parts = st_parts(upload, S1, &n);
  ck_assert_uint_eq(n, 1);
  ck_assert_str_eq(parts[0].checksum, "a");
  ck_assert_uint_eq(parts[0].size, 10);
}
END_TEST

START_TEST(abort_then_find)
{
  st_upload *upload = open_upload(ST_FASTQ), *found = NULL;
  char err[200];

  put(upload, S1, 1, "a");
  ck_assert_int_eq(st_abort(upload, err, sizeof err), ST_OK);
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "1000000001",
                                  &found), ST_NOT_FOUND);
  ck_assert_ptr_null(found);
  ck_assert_str_eq(st_upload_id(open_upload(ST_FASTQ)), "1000000002");
}
END_TEST

START_TEST(abort_completed_rejected)
{
  st_listed_part list[] = {{S1, 1, "a"}};
  st_upload *upload = open_upload(ST_BAM), *found = NULL;
  char id[ST_ID_LEN + 1], err[300] = "";

  put(upload, S1, 1, "a");
  complete_ok(upload, list, 1, id);
  ck_assert_int_eq(st_abort(upload, err, sizeof err), ST_REJECTED);
  ck_assert_ptr_nonnull(strstr(err, "1000000001"));
  ck_assert_int_eq(st_upload_find(db, store_ids[0], "1000000001",
                                  &found), ST_OK);
  ck_assert_int_eq(st_upload_state(found), ST_COMPLETED);
  ck_assert_str_eq(st_upload_read_set(found), "2000000001");
}
END_TEST

/* Collects the ids visit sees; stops after `stop` of them when set. */
typedef struct seen_ids {
  char ids[8][ST_ID_LEN + 1];
  int count;
  int stop;
} seen_ids;

/* The visitor of st_each_open_upload: records the id; 42 stops. */
static int collect(const st_upload *upload, void *arg)
{
  seen_ids *seen = arg;

  snprintf(seen->ids[seen->count++], ST_ID_LEN + 1, "%s",
           st_upload_id(upload));
  return seen->stop && seen->count == seen->stop ? 42 : 0;
}

/* Only OPEN uploads are visited, in id order, and a non-zero answer
 * stops the walk and is returned. */
START_TEST(each_open_upload)
{
  st_listed_part list[] = {{S1, 1, "a"}};
  st_upload *u[5];
  char id[ST_ID_LEN + 1], err[200];
  seen_ids seen = {{""}, 0, 0};

  for (int i = 0; i < 5; i++)
    u[i] = open_upload(ST_BAM);
  put(u[1], S1, 1, "a");
  complete_ok(u[1], list, 1, id);
  ck_assert_int_eq(st_abort(u[3], err, sizeof err), ST_OK);
  ck_assert_int_eq(st_each_open_upload(db, store_ids[0], collect, &seen),
                   0);
  ck_assert_int_eq(seen.count, 3);
  ck_assert_str_eq(seen.ids[0], "1000000001");
  ck_assert_str_eq(seen.ids[1], "1000000003");
  ck_assert_str_eq(seen.ids[2], "1000000005");
  seen.count = 0;
  seen.stop = 2;
  ck_assert_int_eq(st_each_open_upload(db, store_ids[0], collect, &seen),
                   42);
  ck_assert_int_eq(seen.count, 2);
  seen.count = 0;
  ck_assert_int_eq(st_each_open_upload(db, store_ids[1], collect, &seen),
                   0);
  ck_assert_int_eq(seen.count, 0);
  ck_assert_int_eq(st_each_open_upload(db, "9999999999", collect, &seen),
                   0);
}
END_TEST

/* A database may hold no store at all; freeing none is harmless. */
START_TEST(no_store)
{
  st_db *empty = st_db_new(NULL, 0, 1, 1);
  st_upload *upload;
  char *dump;

  ck_assert_ptr_nonnull(empty);
  ck_assert_int_eq(st_store_exists(empty, store_ids[0]), 0);
  ck_assert_int_eq(st_upload_find(empty, store_ids[0], "1000000001",
                                  &upload), ST_NOT_FOUND);
  dump = st_db_dump(empty);
  ck_assert_pstr_eq(dump, "next upload 1\nnext read set 1\n");
  free(dump);
  st_db_free(empty);
  st_db_free(NULL);
}
END_TEST

/* The dump lists every store, upload (in id order) and part (by
 * source, then number), with what Complete and Abort left of each; a
 * long metadata line makes the text grow past its first room. */
START_TEST(dump_every_state)
{
  st_upload *open = open_upload(ST_FASTQ), *done = open_upload(ST_CRAM);
  st_upload *gone = open_upload(ST_UBAM);
  st_listed_part list = {S1, 1, "d"};
  char id[ST_ID_LEN + 1], err[200], name[3000], *dump, *expect;
  cJSON *meta = cJSON_CreateObject();
  st_upload *wide;

  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  ck_assert_ptr_nonnull(cJSON_AddStringToObject(meta, "name", name));
  ck_assert_int_eq(st_upload_create(db, store_ids[1], ST_BAM, meta, 7,
                                    &wide), ST_OK);
  put_at(open, S2, 1, "s2", 300);
  put(open, S1, 2, "b");
  put(open, S1, 1, "a");
  put(done, S1, 1, "d");
  complete_ok(done, &list, 1, id);
  ck_assert_int_eq(st_abort(gone, err, sizeof err), ST_OK);
  dump = st_db_dump(db);
  expect = malloc(4096);
  ck_assert_ptr_nonnull(dump);
  ck_assert_ptr_nonnull(expect);
  snprintf(expect, 4096, "next upload 1000000005\n"
           "next read set 2000000002\n"
           "store 0123456789\n"
           "  upload 1000000001 OPEN\n"
           "    type FASTQ created 100 read set -\n"
           "    meta {}\n"
           "    part SOURCE1 1 size 10 created 200 updated 200 checksum a\n"
           "    part SOURCE1 2 size 20 created 200 updated 200 checksum b\n"
           "    part SOURCE2 1 size 10 created 300 updated 300 checksum s2\n"
           "  upload 1000000002 COMPLETED\n"
           "    type CRAM created 100 read set 2000000001\n"
           "    meta {}\n"
           "    part SOURCE1 1 size 10 created 200 updated 200 checksum d\n"
           "  upload 1000000003 ABORTED\n"
           "store 1111111111\n"
           "  upload 1000000004 OPEN\n"
           "    type BAM created 7 read set -\n"
           "    meta {\"name\":\"%s\"}\n", name);
  ck_assert_str_eq(dump, expect);
  free(dump);
  free(expect);
}
END_TEST

/* The counts quotas read: open uploads and read sets per store, parts
 * and bytes per upload (a replaced part counts with its new size), and
 * a part looked up by source and number. */
START_TEST(counts_and_totals)
{
  st_upload *a = open_upload(ST_FASTQ), *b = open_upload(ST_BAM);
  st_listed_part one = {S1, 1, "x"};
  char id[ST_ID_LEN + 1], err[200];
  size_t open, read_sets, parts;
  uint64_t bytes;

  st_store_counts(db, store_ids[0], &open, &read_sets);
  ck_assert_uint_eq(open, 2);
  ck_assert_uint_eq(read_sets, 0);
  st_store_counts(db, "2222222222", &open, &read_sets);
  ck_assert_uint_eq(open + read_sets, 0);
  put(a, S1, 1, "x");
  put(a, S2, 1, "y");
  put(a, S1, 2, "z");
  st_upload_totals(a, &parts, &bytes);
  ck_assert_uint_eq(parts, 3);
  ck_assert_uint_eq(bytes, 40);
  ck_assert_int_eq(st_part_put(a, S1, 2, 5, "w", 300, err, sizeof err),
                   ST_OK);
  st_upload_totals(a, &parts, &bytes);
  ck_assert_uint_eq(parts, 3);
  ck_assert_uint_eq(bytes, 25);
  ck_assert_ptr_nonnull(st_part_find(a, S2, 1));
  ck_assert_str_eq(st_part_find(a, S1, 2)->checksum, "w");
  ck_assert_ptr_null(st_part_find(a, S2, 2));
  ck_assert_ptr_null(st_part_find(b, S1, 1));
  put(b, S1, 1, "x");
  ck_assert_int_eq(st_complete_check(db, b, &one, 1, id, err, sizeof err),
                   ST_OK);
  st_complete_commit(db, b);
  ck_assert_int_eq(st_abort(a, err, sizeof err), ST_OK);
  st_store_counts(db, store_ids[0], &open, &read_sets);
  ck_assert_uint_eq(open, 0);
  ck_assert_uint_eq(read_sets, 1);
}
END_TEST

Suite *store_suite(void)
{
  Suite *s = suite_create("store");
  TCase *rules = tcase_create("parts_rules");
  TCase *ids = tcase_create("ids");
  TCase *states = tcase_create("states");

  tcase_add_checked_fixture(rules, store_setup, store_teardown);
  tcase_add_loop_test(rules, rule_table, 0,
                      (int)(sizeof rule_cases / sizeof *rule_cases));
  suite_add_tcase(s, rules);

  tcase_add_checked_fixture(ids, store_setup, store_teardown);
  tcase_add_test(ids, ids_deterministic);
  tcase_add_test(ids, ids_padded);
  tcase_add_test(ids, ids_exhausted_uploads);
  tcase_add_test(ids, ids_exhausted_read_sets);
  tcase_add_test(ids, create_in_missing_store);
  tcase_add_test(ids, stores_exist);
  tcase_add_test(ids, upload_accessors);
  tcase_add_test(ids, find_by_store_and_id);
  tcase_add_test(ids, find_among_many);
  suite_add_tcase(s, ids);

  tcase_add_checked_fixture(states, store_setup, store_teardown);
  tcase_add_test(states, parts_sorted);
  tcase_add_test(states, parts_sorted_many);
  tcase_add_test(states, part_replaced);
  tcase_add_test(states, complete_twice_identical);
  tcase_add_test(states, complete_twice_different);
  tcase_add_test(states, check_consumes_no_id);
  tcase_add_test(states, failed_complete_then_success);
  tcase_add_test(states, part_put_after_complete);
  tcase_add_test(states, abort_then_find);
  tcase_add_test(states, abort_completed_rejected);
  tcase_add_test(states, each_open_upload);
  tcase_add_test(states, no_store);
  tcase_add_test(states, dump_every_state);
  tcase_add_test(states, counts_and_totals);
  suite_add_tcase(s, states);
  return s;
}
