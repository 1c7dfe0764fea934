/*
 * test_checksum.c: the part checksum (checksum.h), base64 of SHA-256.
 *
 * Known answers come from the SHA-256 test vectors of FIPS 180-2,
 * base64-encoded. Streaming in pieces must give the one-call answer
 * wherever the data is cut.
 */
#include "suites.h"

#include "checksum.h"

#include <stdlib.h>
#include <string.h>

/* Freed by teardown, so a failed assertion leaks nothing. */
static unsigned char *data;
static checksum_ctx *open_ctx;

/* Frees what the test left. */
static void checksum_teardown(void)
{
  free(data);
  data = NULL;
  checksum_free(open_ctx);
  open_ctx = NULL;
}

/* Bytes (repeated `times` times) and their checksum. */
typedef struct known_case {
  const char *bytes;
  size_t times;
  const char *checksum;
} known_case;

static const known_case known_cases[] = {
  {"", 1, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
  {"abc", 1, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="},
  {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
   "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE="},
  {"a", 1000000, "zcduXJkU+5KBocfihNc+Z/GAmkiklyAOBG05zMcRLNA="},
};

/* Fills `data` with times copies of bytes. Returns the length. */
static size_t build(const known_case *k)
{
  size_t unit = strlen(k->bytes), n = unit * k->times;

  free(data);
  data = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(data);
  for (size_t i = 0; i < k->times; i++)
    memcpy(data + i * unit, k->bytes, unit);
  return n;
}

START_TEST(known_answers)
{
  const known_case *k = &known_cases[_i];
  size_t n = build(k);
  char out[CHECKSUM_LEN + 1];

  memset(out, 'x', sizeof out);
  ck_assert_int_eq(checksum_of(data, n, out), 0);
  ck_assert_int_eq(out[CHECKSUM_LEN], '\0');
  ck_assert_uint_eq(strlen(out), CHECKSUM_LEN);
  ck_assert_str_eq(out, k->checksum);
}
END_TEST

/* The million-byte vector fed in uneven pieces. */
START_TEST(streamed_known_answer)
{
  size_t n = build(&known_cases[3]), at = 0, piece = 1;
  char out[CHECKSUM_LEN + 1];

  open_ctx = checksum_begin();
  ck_assert_ptr_nonnull(open_ctx);
  while (at < n) {
    size_t take = piece < n - at ? piece : n - at;
    ck_assert_int_eq(checksum_update(open_ctx, data + at, take), 0);
    at += take;
    piece = piece * 3 + 1;
  }
  ck_assert_int_eq(checksum_update(open_ctx, data, 0), 0);
  ck_assert_int_eq(checksum_end(open_ctx, out), 0);
  open_ctx = NULL;
  ck_assert_str_eq(out, known_cases[3].checksum);
}
END_TEST

/* Where 200 bytes are cut in two: the ends, and both sides of the
 * SHA-256 block (64) and padding (55, 56) boundaries. */
static const size_t cuts[] = {0, 1, 55, 56, 63, 64, 65, 119, 120, 128,
                              199, 200};

/* Cutting the data in two anywhere gives the one-call checksum. */
START_TEST(split_anywhere)
{
  size_t cut = cuts[_i];
  unsigned char bytes[200];
  char whole[CHECKSUM_LEN + 1], split[CHECKSUM_LEN + 1];

  for (size_t i = 0; i < sizeof bytes; i++)
    bytes[i] = (unsigned char)(i * 37 + 11);
  ck_assert_int_eq(checksum_of(bytes, sizeof bytes, whole), 0);
  open_ctx = checksum_begin();
  ck_assert_ptr_nonnull(open_ctx);
  ck_assert_int_eq(checksum_update(open_ctx, bytes, cut), 0);
  ck_assert_int_eq(checksum_update(open_ctx, bytes + cut,
                                   sizeof bytes - cut), 0);
  ck_assert_int_eq(checksum_end(open_ctx, split), 0);
  open_ctx = NULL;
  ck_assert_str_eq(split, whole);
}
END_TEST

/* Different bytes give different checksums, made of base64 only. */
START_TEST(distinct_and_base64)
{
  static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  char a[CHECKSUM_LEN + 1], b[CHECKSUM_LEN + 1];

  ck_assert_int_eq(checksum_of("part one", 8, a), 0);
  ck_assert_int_eq(checksum_of("part onf", 8, b), 0);
  ck_assert_str_ne(a, b);
  ck_assert_uint_eq(strspn(a, alphabet), CHECKSUM_LEN - 1);
  ck_assert_int_eq(a[CHECKSUM_LEN - 1], '=');
}
END_TEST

/* A context that is never ended is freed without a leak; NULL is safe. */
START_TEST(free_unfinished)
{
  checksum_ctx *ctx = checksum_begin();

  ck_assert_ptr_nonnull(ctx);
  ck_assert_int_eq(checksum_update(ctx, "abc", 3), 0);
  checksum_free(ctx);
  checksum_free(NULL);
}
END_TEST

/* A checksum read back as hex: the SHA-256 of "abc", and what is not
 * the base64 of 32 bytes. */
START_TEST(checksum_as_hex)
{
  static const char *const bad[] = {
    "", "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0",
    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0==",
    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAF===",
    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0A",
    "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIA*a0=",
  };
  char hex[CHECKSUM_HEX_LEN + 1];

  ck_assert_int_eq(checksum_to_hex("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/"
                                   "YfIAFa0=", hex), 0);
  ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
                        "b00361a396177a9cb410ff61f20015ad");
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    ck_assert_msg(checksum_to_hex(bad[i], hex) == -1, "%s", bad[i]);
}
END_TEST

Suite *checksum_suite(void)
{
  Suite *s = suite_create("checksum");
  TCase *tc = tcase_create("sha256_base64");

  tcase_add_checked_fixture(tc, NULL, checksum_teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, known_answers, 0,
                      (int)(sizeof known_cases / sizeof *known_cases));
  tcase_add_test(tc, streamed_known_answer);
  tcase_add_loop_test(tc, split_anywhere, 0,
                      (int)(sizeof cuts / sizeof *cuts));
  tcase_add_test(tc, distinct_and_base64);
  tcase_add_test(tc, free_unfinished);
  tcase_add_test(tc, checksum_as_hex);
  suite_add_tcase(s, tc);
  return s;
}
