/*
 * test_text.c: string constraints (text.h): UTF-8 sequences, code-point
 * counts, the printable pattern, identifiers and percent-decoding.
 *
 * Each area is one table of inputs with the answer the header promises.
 * Inputs are copied into buffers of exactly their length where the
 * function takes a length, so an over-read shows under valgrind.
 */
#include "suites.h"

#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Freed by teardown, so a failed assertion leaks nothing. */
static char *held;

/* Frees the buffer of the test. */
static void text_teardown(void)
{
  free(held);
  held = NULL;
}

/* Copies n bytes into `held`, a buffer of exactly n bytes (1 if n is
 * 0). Returns it. */
static char *exact(const char *s, size_t n)
{
  free(held);
  held = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(held);
  memcpy(held, s, n);
  return held;
}

/* Bytes, how many are available, and the sequence length expected. */
typedef struct seq_case {
  const char *bytes;
  size_t n;
  size_t expect;
} seq_case;

static const seq_case seq_cases[] = {
  {"A", 1, 1}, {"\x7F", 1, 1}, {"\0", 1, 0},
  {"\xC2\x80", 2, 2}, {"\xDF\xBF", 2, 2},
  {"\xE0\xA0\x80", 3, 3}, {"\xEF\xBF\xBF", 3, 3},
  {"\xED\x9F\xBF", 3, 3}, {"\xEE\x80\x80", 3, 3},
  {"\xF0\x90\x80\x80", 4, 4}, {"\xF4\x8F\xBF\xBF", 4, 4},
  {"\xC0\x80", 2, 0}, {"\xC1\xBF", 2, 0},
  {"\xE0\x9F\xBF", 3, 0}, {"\xF0\x8F\xBF\xBF", 4, 0},
  {"\xED\xA0\x80", 3, 0}, {"\xED\xBF\xBF", 3, 0},
  {"\xF4\x90\x80\x80", 4, 0}, {"\xF5\x80\x80\x80", 4, 0},
  {"\xF8\x88\x80\x80\x80", 5, 0}, {"\xFF", 1, 0}, {"\xFE", 1, 0},
  {"\x80", 1, 0}, {"\xBF", 1, 0},
  {"\xE2\x82", 2, 0}, {"\xE2\x82\xAC", 2, 0},
  {"\xF0\x9F\x98\x80", 3, 0}, {"\xC3", 1, 0},
  {"\xE2(\xA1", 3, 0}, {"\xC3(", 2, 0},
  {"\xF0\x9F(\x80", 4, 0}, {"\xF0\x9F\x98(", 4, 0},
  {"\xE2\x82\xAC", 3, 3}, {"\xF0\x9F\x98\x80", 4, 4},
};

START_TEST(utf8_sequence_table)
{
  const seq_case *k = &seq_cases[_i];
  const char *b = exact(k->bytes, k->n);

  ck_assert_uint_eq(text_utf8_sequence((const unsigned char *)b, k->n),
                    k->expect);
}
END_TEST

START_TEST(utf8_valid)
{
  ck_assert_int_eq(text_utf8_valid(exact("abc", 3), 3), 1);
  ck_assert_int_eq(text_utf8_valid(exact("", 0), 0), 1);
  ck_assert_int_eq(text_utf8_valid(exact("a\0b", 3), 3), 0);
  ck_assert_int_eq(text_utf8_valid(exact("\xC3\xA9", 2), 2), 1);
  ck_assert_int_eq(text_utf8_valid(exact("\xC3\xA9", 1), 1), 0);
  ck_assert_int_eq(text_utf8_valid(exact("a\xED\xA0\x80", 4), 4), 0);
  ck_assert_int_eq(text_utf8_valid(exact("\xF0\x9F\x98\x80z", 5), 5), 1);
}
END_TEST

/* A string and its length in code points. */
typedef struct count_case {
  const char *s;
  size_t points;
} count_case;

static const count_case count_cases[] = {
  {"", 0}, {"a", 1}, {"abc", 3},
  {"\xC3\xA9", 1},                              /* e acute, 2 bytes */
  {"\xE2\x82\xAC", 1},                          /* euro sign, 3 bytes */
  {"\xF0\x9F\x98\x80", 1},                      /* emoji, 4 bytes */
  {"a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80", 4},
  {"e\xCC\x81", 2},                             /* e + combining acute */
  {"\xD9\xA0\xD9\xA1\xD9\xA2", 3},              /* Arabic-Indic 0 1 2 */
  {"\xE6\xBC\xA2\xE5\xAD\x97", 2},              /* two CJK ideographs */
};

START_TEST(code_point_table)
{
  ck_assert_uint_eq(text_code_points(count_cases[_i].s),
                    count_cases[_i].points);
}
END_TEST

/* 100 emoji are 100 code points (400 bytes): the checksum limit is in
 * code points, not bytes. */
START_TEST(code_points_not_bytes)
{
  char s[401];

  for (int i = 0; i < 100; i++)
    memcpy(s + 4 * i, "\xF0\x9F\x98\x80", 4);
  s[400] = '\0';
  ck_assert_uint_eq(text_code_points(s), 100);
}
END_TEST

/* A string and whether every character is outside category C. */
typedef struct print_case {
  const char *what;
  const char *s;
  int printable;
} print_case;

static const print_case print_cases[] = {
  {"letters", "abc", 1},
  {"base64 checksum", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", 1},
  {"space Zs", "a b", 1},
  {"no-break space Zs", "\xC2\xA0", 1},
  {"line separator Zl", "\xE2\x80\xA8", 1},
  {"punctuation and symbols", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 1},
  {"emoji So", "\xF0\x9F\x98\x80", 1},
  {"regional indicator So", "\xF0\x9F\x87\xA6", 1},
  {"Arabic-Indic digits Nd", "\xD9\xA0\xD9\xA1\xD9\xA9", 1},
  {"combining mark Mn alone", "\xCC\x81", 1},
  {"letter and mark", "e\xCC\x81", 1},
  {"CJK ideographs Lo", "\xE6\xBC\xA2\xE5\xAD\x97", 1},
  {"Arabic letters Lo", "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", 1},
  {"euro sign Sc", "\xE2\x82\xAC", 1},
  {"empty", "", 0},
  {"TAB Cc", "\t", 0},
  {"TAB inside", "a\tb", 0},
  {"TAB first", "\tab", 0},
  {"TAB last", "ab\t", 0},
  {"newline Cc", "a\nb", 0},
  {"carriage return Cc", "\r", 0},
  {"DEL Cc", "\x7F", 0},
  {"NEL U+0085 Cc", "\xC2\x85", 0},
  {"soft hyphen U+00AD Cf", "\xC2\xAD", 0},
  {"zero width space U+200B Cf", "\xE2\x80\x8B", 0},
  {"U+200B inside", "ab\xE2\x80\x8B" "cd", 0},
  {"zero width joiner U+200D Cf", "\xE2\x80\x8D", 0},
  {"U+FEFF Cf", "\xEF\xBB\xBF", 0},
  {"language tag U+E0001 Cf", "\xF3\xA0\x80\x81", 0},
  {"private use U+E000 Co", "\xEE\x80\x80", 0},
  {"private use U+F8FF Co", "\xEF\xA3\xBF", 0},
  {"private use plane 15 Co", "\xF3\xB0\x80\x80", 0},
  {"unassigned U+0378 Cn", "\xCD\xB8", 0},
  {"noncharacter U+FFFF Cn", "\xEF\xBF\xBF", 0},
  {"noncharacter U+10FFFF Cn", "\xF4\x8F\xBF\xBF", 0},
  {"unassigned after letters", "abc\xCD\xB8", 0},
};

START_TEST(printable_table)
{
  const print_case *k = &print_cases[_i];

  ck_assert_msg(text_printable(k->s) == k->printable, "%s: expected %d",
                k->what, k->printable);
}
END_TEST

/* A string and whether it is an identifier. */
typedef struct id_case {
  const char *s;
  int is_id;
} id_case;

static const id_case id_cases[] = {
  {"012345678", 0},
  {"0123456789", 1},
  {"9999999999", 1},
  {"012345678901234567890123456789012345", 1},
  {"0123456789012345678901234567890123456", 0},
  {"", 0},
  {"01234a6789", 0},
  {" 123456789", 0},
  {"0123456789 ", 0},
  {"-123456789", 0},
  {"+123456789", 0},
  {"12345.6789", 0},
  {"1234567890\n", 0},
  /* Arabic-Indic digits: ten code points, none of them 0-9. */
  {"\xD9\xA0\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\xD9\xA5\xD9\xA6\xD9\xA7"
   "\xD9\xA8\xD9\xA9", 0},
  /* Fullwidth digits. */
  {"\xEF\xBC\x90\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94"
   "\xEF\xBC\x95\xEF\xBC\x96\xEF\xBC\x97\xEF\xBC\x98\xEF\xBC\x99", 0},
  /* Ten ASCII digits and one non-ASCII digit. */
  {"0123456789\xD9\xA0", 0},
};

START_TEST(id_table)
{
  ck_assert_msg(text_is_id(id_cases[_i].s) == id_cases[_i].is_id,
                "case %d", _i);
}
END_TEST

/* An input, how many of its bytes to decode, and the result (NULL when
 * decoding must fail). */
typedef struct pct_case {
  const char *in;
  size_t len;
  const char *out;
} pct_case;

static const pct_case pct_cases[] = {
  {"abc", 3, "abc"}, {"", 0, ""},
  {"%41", 3, "A"}, {"%41%42", 6, "AB"},
  {"%4a", 3, "J"}, {"%4A", 3, "J"},
  {"a+b", 3, "a+b"}, {"%2B", 3, "+"}, {"%2F", 3, "/"},
  {"%C3%A9", 6, "\xC3\xA9"}, {"x%F0%9F%98%80", 13, "x\xF0\x9F\x98\x80"},
  {"%30123456789", 12, "0123456789"},
  {"%41xyz", 3, "A"},
  {"%", 1, NULL}, {"%4", 2, NULL}, {"100%", 4, NULL},
  {"%G1", 3, NULL}, {"%1G", 3, NULL}, {"%%41", 4, NULL},
  {"%41%4", 5, NULL}, {"%4142", 3, "A"},
  {"%00", 3, NULL}, {"a%00b", 5, NULL},
  {"%C3", 3, NULL}, {"%C3%28", 6, NULL},
  {"%ED%A0%80", 9, NULL}, {"%C0%80", 6, NULL}, {"%FF", 3, NULL},
  {"%F4%90%80%80", 12, NULL},
  {"\xFF", 1, NULL},
};

START_TEST(percent_table)
{
  const pct_case *k = &pct_cases[_i];
  int oom = 0;
  char *out = text_percent_decode(exact(k->in, k->len), k->len, &oom);

  ck_assert_int_eq(oom, 0);
  if (!k->out) {
    ck_assert_msg(out == NULL, "case %d decoded to \"%s\"", _i, out);
    return;
  }
  ck_assert_msg(out != NULL, "case %d failed", _i);
  free(held);
  held = out;
  ck_assert_str_eq(out, k->out);
}
END_TEST

Suite *text_suite(void)
{
  Suite *s = suite_create("text");
  TCase *utf8 = tcase_create("utf8");
  TCase *rules = tcase_create("rules");

  tcase_add_checked_fixture(utf8, NULL, text_teardown);
  tcase_add_loop_test(utf8, utf8_sequence_table, 0,
                      (int)(sizeof seq_cases / sizeof *seq_cases));
  tcase_add_test(utf8, utf8_valid);
  tcase_add_loop_test(utf8, code_point_table, 0,
                      (int)(sizeof count_cases / sizeof *count_cases));
  tcase_add_test(utf8, code_points_not_bytes);
  suite_add_tcase(s, utf8);

  tcase_add_checked_fixture(rules, NULL, text_teardown);
  tcase_add_loop_test(rules, printable_table, 0,
                      (int)(sizeof print_cases / sizeof *print_cases));
  tcase_add_loop_test(rules, id_table, 0,
                      (int)(sizeof id_cases / sizeof *id_cases));
  tcase_add_loop_test(rules, percent_table, 0,
                      (int)(sizeof pct_cases / sizeof *pct_cases));
  suite_add_tcase(s, rules);
  return s;
}
