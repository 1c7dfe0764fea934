/*
 * test_json_gate.c: the strict JSON gate (json_gate.h).
 *
 * The acceptance table lists one text per case, each wrong in one way
 * only, with the reason the gate must give; every text is copied into
 * a buffer of exactly its length, so a parser that reads past the end
 * shows under valgrind. Further tests check the tree the gate builds,
 * the nesting limit, and the integer verdicts of jg_integer.
 */
#include "suites.h"

#include "json_gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One text for jg_parse: accepted when fault is NULL, else rejected with
 * a reason that contains fault. len 0 means strlen(text). */
typedef struct gate_case {
  const char *id;
  const char *text;
  size_t len;
  const char *fault;
} gate_case;

static const gate_case gate_cases[] = {
  /* Accepted: the grammar, and what cJSON would also take. */
  {"empty-object", "{}", 0, NULL},
  {"empty-array", "[]", 0, NULL},
  {"json-white-space", " \t\r\n{ \"a\" : 1 }\n\r\t ", 0, NULL},
  {"nested-values", "{\"a\":[1,\"x\",{\"b\":null}],\"c\":true,"
   "\"d\":false}", 0, NULL},
  {"top-level-string", "\"text\"", 0, NULL},
  {"top-level-number", "3", 0, NULL},
  {"top-level-null", "null", 0, NULL},
  {"top-level-true", "true", 0, NULL},
  {"minus-zero", "-0", 0, NULL},
  {"zero-fraction", "0.5e-3", 0, NULL},
  {"capital-exponent-plus", "1E+2", 0, NULL},
  {"exponent-minus", "[1e-2,-1.5E3]", 0, NULL},
  {"escaped-two-byte-and-pair", "{\"a\":\"\\u00e9\\ud83d\\ude00\"}", 0,
   NULL},
  {"raw-utf8-2-3-4-bytes", "{\"a\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98"
   "\x80\"}", 0, NULL},
  {"escaped-control-u0001", "{\"a\":\"\\u0001\"}", 0, NULL},
  {"all-short-escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 0, NULL},
  {"names-differ-in-case", "{\"a\":1,\"A\":2}", 0, NULL},
  {"same-name-in-nested-object", "{\"a\":{\"a\":1}}", 0, NULL},
  {"same-name-in-sibling-objects", "[{\"a\":1},{\"a\":2}]", 0, NULL},
  {"empty-member-name", "{\"\":1}", 0, NULL},
  {"largest-pair-escape", "[\"\\uDBFF\\uDFFF\"]", 0, NULL},
  {"raw-delete-byte", "[\"\x7F\"]", 0, NULL},
  {"raw-noncharacter-uffff", "[\"\xEF\xBF\xBF\"]", 0, NULL},
  {"raw-u10ffff", "[\"\xF4\x8F\xBF\xBF\"]", 0, NULL},
  {"raw-ud7ff-below-surrogates", "[\"\xED\x9F\xBF\"]", 0, NULL},
  {"raw-ue000-above-surrogates", "[\"\xEE\x80\x80\"]", 0, NULL},

  /* Empty text, white space, byte order mark, trailing data. */
  {"empty-text", "", 0, "unexpected end of text"},
  {"white-space-only", " \t\r\n", 0, "unexpected end of text"},
  {"byte-order-mark", "\xEF\xBB\xBF{}", 0, "byte order mark"},
  {"data-after-object", "{} x", 0, "data after the value"},
  {"two-objects", "{}{}", 0, "data after the value"},
  {"comma-after-object", "{},", 0, "data after the value"},
  {"nul-after-object", "{}\0", 3, "data after the value"},
  {"form-feed-after-object", "{}\f", 0, "data after the value"},
  {"comment-after-object", "{}//", 0, "data after the value"},
  {"comment-before-object", "/*x*/{}", 0, "unexpected character '/'"},
  {"vertical-tab-before", "\v{}", 0, "unexpected byte 0x0B"},
  {"no-break-space-before", "\xC2\xA0{}", 0, "unexpected byte 0xC2"},
  {"hex-number", "0x10", 0, "data after the value"},

  /* Numbers outside the grammar. */
  {"leading-zero", "01", 0, "leading zero"},
  {"leading-zero-negative", "-01", 0, "leading zero"},
  {"leading-zeros-member", "{\"a\":00}", 0, "leading zero"},
  {"no-fraction-digit", "1.", 0, "no digit after decimal point"},
  {"no-fraction-digit-exponent", "1.e5", 0, "no digit after decimal"},
  {"no-integer-digit", ".5", 0, "unexpected character '.'"},
  {"plus-sign", "+1", 0, "unexpected character '+'"},
  {"minus-alone", "-", 0, "invalid number"},
  {"minus-letter", "-a", 0, "invalid number"},
  {"exponent-no-digit", "1e", 0, "no digit in exponent"},
  {"exponent-sign-no-digit", "1e+", 0, "no digit in exponent"},
  {"capital-exponent-no-digit", "[1E-]", 0, "no digit in exponent"},
  {"nan", "NaN", 0, "unexpected character 'N'"},
  {"infinity", "Infinity", 0, "unexpected character 'I'"},
  {"minus-infinity", "-Infinity", 0, "invalid number"},

  /* Raw control characters in strings. */
  {"raw-u0001", "[\"a\x01" "b\"]", 0, "raw control character U+0001"},
  {"raw-tab", "[\"a\tb\"]", 0, "raw control character U+0009"},
  {"raw-newline", "[\"a\nb\"]", 0, "raw control character U+000A"},
  {"raw-nul", "[\"a\0b\"]", 7, "raw control character U+0000"},
  {"raw-u001f-in-name", "{\"\x1F\":1}", 0, "raw control character"},

  /* Invalid UTF-8. */
  {"overlong-c0-80", "[\"\xC0\x80\"]", 0, "invalid UTF-8 byte 0xC0"},
  {"overlong-c1-bf", "[\"\xC1\xBF\"]", 0, "invalid UTF-8 byte 0xC1"},
  {"overlong-e0-80-80", "[\"\xE0\x80\x80\"]", 0,
   "invalid UTF-8 byte 0xE0"},
  {"overlong-f0-80-80-80", "[\"\xF0\x80\x80\x80\"]", 0,
   "invalid UTF-8 byte 0xF0"},
  {"utf8-high-surrogate", "[\"\xED\xA0\x80\"]", 0,
   "invalid UTF-8 byte 0xED"},
  {"utf8-low-surrogate", "[\"\xED\xBF\xBF\"]", 0,
   "invalid UTF-8 byte 0xED"},
  {"above-u10ffff", "[\"\xF4\x90\x80\x80\"]", 0,
   "invalid UTF-8 byte 0xF4"},
  {"lead-byte-f5", "[\"\xF5\x80\x80\x80\"]", 0,
   "invalid UTF-8 byte 0xF5"},
  {"byte-ff", "[\"\xFF\"]", 0, "invalid UTF-8 byte 0xFF"},
  {"truncated-3-byte", "[\"\xE2\x82\"]", 0, "invalid UTF-8 byte 0xE2"},
  {"truncated-4-byte", "[\"\xF0\x9F\x98\"]", 0,
   "invalid UTF-8 byte 0xF0"},
  {"truncated-at-end-of-text", "\"\xE2\x82", 0, "unterminated string"},
  {"stray-continuation-80", "[\"\x80\"]", 0, "invalid UTF-8 byte 0x80"},
  {"stray-continuation-bf", "[\"a\xBF\"]", 0, "invalid UTF-8 byte 0xBF"},
  {"bad-second-continuation", "[\"\xE2\x82(\"]", 0,
   "invalid UTF-8 byte 0xE2"},
  {"invalid-utf8-in-name", "{\"\xC3\":1}", 0, "invalid UTF-8 byte 0xC3"},
  {"raw-utf8-outside-string", "\xC3\xA9", 0, "unexpected byte 0xC3"},

  /* Escapes. */
  {"escape-x", "[\"\\x41\"]", 0, "invalid escape"},
  {"escape-capital-u", "[\"\\U0041\"]", 0, "invalid escape"},
  {"escape-quote-single", "[\"\\'\"]", 0, "invalid escape"},
  {"escape-u-two-digits", "[\"\\u00\"]", 0, "four hex digits"},
  {"escape-u-not-hex", "[\"\\u00G0\"]", 0, "four hex digits"},
  {"escape-u-lowercase-not-hex", "[\"\\u00g0\"]", 0, "four hex digits"},
  {"escape-u-cut-by-end-of-text", "\"\\u12\"", 0, "four hex digits"},
  {"escape-nul-byte", "[\"\\\0\"]", 6, "invalid escape"},
  {"backslash-at-end-of-text", "\"abc\\", 0, "unterminated string"},
  {"escaped-nul", "[\"a\\u0000b\"]", 0, "escaped U+0000"},
  {"escaped-nul-in-name", "{\"\\u0000\":1}", 0, "escaped U+0000"},
  {"lone-high-surrogate", "[\"\\uD800\"]", 0, "without its low half"},
  {"lone-high-then-text", "[\"\\uD800x\"]", 0, "without its low half"},
  {"lone-high-at-end-of-text", "\"\\uD800\"", 0, "without its low half"},
  {"high-then-above-low", "[\"\\uD800\\uE000\"]", 0,
   "without its low half"},
  {"lone-low-surrogate", "[\"\\uDC00\"]", 0, "lone low surrogate"},
  {"lone-low-udfff", "[\"\\uDFFF\"]", 0, "lone low surrogate"},
  {"high-then-non-low", "[\"\\uD800\\u0041\"]", 0,
   "without its low half"},
  {"high-then-high", "[\"\\uD800\\uD800\"]", 0, "without its low half"},
  {"high-then-short-escape", "[\"\\uD800\\n\"]", 0,
   "without its low half"},
  {"low-then-high", "[\"\\uDC00\\uD800\"]", 0, "lone low surrogate"},

  /* Duplicate member names. */
  {"duplicate-name", "{\"a\":1,\"a\":2}", 0, "duplicate member name \"a\""},
  {"duplicate-after-unescape", "{\"a\":1,\"\\u0061\":2}", 0,
   "duplicate member name \"a\""},
  {"duplicate-not-adjacent", "{\"a\":1,\"b\":2,\"a\":3}", 0,
   "duplicate member name \"a\""},
  {"duplicate-nested", "{\"x\":{\"b\":1,\"b\":1}}", 0,
   "duplicate member name \"b\""},
  {"duplicate-two-byte-escape", "{\"\xC3\xA9\":1,\"\\u00e9\":2}", 0,
   "duplicate member name"},
  {"duplicate-pair-escape", "{\"\xF0\x9F\x98\x80\":1,"
   "\"\\ud83d\\ude00\":2}", 0, "duplicate member name"},
  {"duplicate-empty-name", "{\"\":1,\"\":2}", 0, "duplicate member name"},

  /* Structure. */
  {"trailing-comma-object", "{\"a\":1,}", 0, "expected a member name"},
  {"trailing-comma-array", "[1,]", 0, "unexpected character ']'"},
  {"missing-colon", "{\"a\" 1}", 0, "expected ':'"},
  {"missing-comma-object", "{\"a\":1 \"b\":2}", 0, "expected ',' or '}'"},
  {"missing-comma-array", "[1 2]", 0, "expected ',' or ']'"},
  {"number-as-name", "{1:2}", 0, "expected a member name"},
  {"single-quoted-name", "{'a':1}", 0, "expected a member name"},
  {"unclosed-object", "{\"a\":1", 0, "expected ',' or '}'"},
  {"unclosed-array", "[", 0, "unexpected end of text"},
  {"unclosed-string", "\"abc", 0, "unterminated string"},
  {"missing-value", "{\"a\":}", 0, "unexpected character '}'"},
  {"truncated-true", "tru", 0, "unexpected character 't'"},
  {"capital-true", "True", 0, "unexpected character 'T'"},
  {"truncated-null", "[nul]", 0, "unexpected character 'n'"},
  {"word-then-letters", "truex", 0, "data after the value"},
};

#define GATE_CASES (sizeof gate_cases / sizeof gate_cases[0])

/* What a failed assertion would otherwise leak; freed by teardown. */
static unsigned char *copy;
static cJSON *tree;
static char *big;

/* Frees what the test left. */
static void gate_teardown(void)
{
  free(copy);
  copy = NULL;
  cJSON_Delete(tree);
  tree = NULL;
  free(big);
  big = NULL;
}

/* Parses len bytes of text from a buffer of exactly that size (at least
 * one byte, so malloc(0) is never asked). Returns the tree or NULL; the
 * tree is also kept in `tree` for teardown. */
static cJSON *parse_exact(const char *text, size_t len, char *err,
                          size_t errlen, int *oom)
{
  free(copy);
  copy = malloc(len ? len : 1);
  ck_assert_ptr_nonnull(copy);
  memcpy(copy, text, len);
  cJSON_Delete(tree);
  tree = jg_parse(copy, len, err, errlen, oom);
  return tree;
}

/* Parses a NUL-terminated text; see parse_exact. */
static cJSON *parse_text(const char *text, char *err, size_t errlen)
{
  return parse_exact(text, strlen(text), err, errlen, NULL);
}

START_TEST(gate_table)
{
  const gate_case *k = &gate_cases[_i];
  size_t len = k->len ? k->len : strlen(k->text);
  char err[200] = "untouched";
  int oom = -1;
  cJSON *root = parse_exact(k->text, len, err, sizeof err, &oom);

  ck_assert_int_eq(oom, 0);
  if (!k->fault) {
    ck_assert_msg(root != NULL, "%s: rejected: %s", k->id, err);
    ck_assert_msg(err[0] == '\0', "%s: err not cleared", k->id);
    return;
  }
  ck_assert_msg(root == NULL, "%s: accepted", k->id);
  ck_assert_msg(strstr(err, k->fault) != NULL,
                "%s: reason \"%s\" lacks \"%s\"", k->id, err, k->fault);
  ck_assert_msg(strstr(err, "at byte ") != NULL,
                "%s: reason \"%s\" gives no offset", k->id, err);
}
END_TEST

/* One fault and the byte offset the reason must give for it. */
typedef struct offset_case {
  const char *text;
  size_t len;
  const char *at;
} offset_case;

static const offset_case offset_cases[] = {
  {"\xEF\xBB\xBF{}", 0, "at byte 0:"},
  {"{}  x", 0, "at byte 4:"},
  {"[\"ab\x01\"]", 0, "at byte 4:"},
  {"[\"ab\xC0\x80\"]", 0, "at byte 4:"},
  {"{\"a\":01}", 0, "at byte 5:"},
  {"[1,2,]", 0, "at byte 5:"},
};

START_TEST(gate_offsets)
{
  const offset_case *k = &offset_cases[_i];
  char err[200];
  size_t len = k->len ? k->len : strlen(k->text);

  ck_assert_ptr_null(parse_exact(k->text, len, err, sizeof err, NULL));
  ck_assert_msg(strstr(err, k->at) != NULL, "case %d: \"%s\" lacks "
                "\"%s\"", _i, err, k->at);
}
END_TEST

/* Writes depth nested containers into big: arrays, or objects whose
 * only member is "a". Returns the text. */
static const char *nested(size_t depth, int objects)
{
  size_t open = objects ? 5 : 1, i, n = 0;

  free(big);
  big = malloc(depth * (open + 1) + 3);
  ck_assert_ptr_nonnull(big);
  for (i = 0; i < depth; i++) {
    if (!objects)
      big[n++] = '[';
    else if (i + 1 < depth)
      memcpy(big + n, "{\"a\":", 5), n += 5;
    else
      big[n++] = '{';
  }
  for (i = 0; i < depth; i++)
    big[n++] = objects ? '}' : ']';
  big[n] = '\0';
  return big;
}

START_TEST(depth_limit_arrays)
{
  char err[200];

  ck_assert_ptr_nonnull(parse_text(nested(JG_MAX_DEPTH, 0), err,
                                   sizeof err));
  ck_assert_ptr_null(parse_text(nested(JG_MAX_DEPTH + 1, 0), err,
                                sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "nesting deeper than 64"));
}
END_TEST

START_TEST(depth_limit_objects)
{
  char err[200];

  ck_assert_ptr_nonnull(parse_text(nested(JG_MAX_DEPTH, 1), err,
                                   sizeof err));
  ck_assert_ptr_null(parse_text(nested(JG_MAX_DEPTH + 1, 1), err,
                                sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "nesting deeper than 64"));
}
END_TEST

/* Writes objects nested objects holding arrays nested arrays into
 * text (room bytes). */
static void mixed(char *text, size_t room, int objects, int arrays)
{
  size_t n = 0;

  for (int i = 0; i < objects; i++)
    n += (size_t)snprintf(text + n, room - n, "{\"a\":");
  for (int i = 0; i < arrays; i++)
    text[n++] = '[';
  for (int i = 0; i < arrays; i++)
    text[n++] = ']';
  for (int i = 0; i < objects; i++)
    text[n++] = '}';
  text[n] = '\0';
}

/* Depth counts containers of both kinds: 32 objects holding 32 arrays
 * is exactly the limit, one array more is beyond it. */
START_TEST(depth_limit_mixed)
{
  char text[400], err[200];

  mixed(text, sizeof text, 32, 32);
  ck_assert_ptr_nonnull(parse_text(text, err, sizeof err));
  mixed(text, sizeof text, 32, 33);
  ck_assert_ptr_null(parse_text(text, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "nesting deeper"));
}
END_TEST

/* A bounded parser refuses a very deep text instead of overflowing its
 * stack. */
START_TEST(depth_huge_refused)
{
  size_t n = 200000;
  char err[200];

  free(big);
  big = malloc(n);
  ck_assert_ptr_nonnull(big);
  memset(big, '[', n);
  ck_assert_ptr_null(parse_exact(big, n, err, sizeof err, NULL));
  ck_assert_ptr_nonnull(strstr(err, "nesting deeper"));
}
END_TEST

START_TEST(tree_values)
{
  static const char text[] =
    "{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\",\"n\":-12.50e+1,"
    "\"t\":true,\"f\":false,\"z\":null,\"a\":[1,\"x\",[]],\"o\":{}}";
  char err[200];
  cJSON *root = parse_text(text, err, sizeof err), *m;

  ck_assert_ptr_nonnull(root);
  ck_assert(cJSON_IsObject(root));
  ck_assert_int_eq(cJSON_GetArraySize(root), 7);
  m = cJSON_GetObjectItemCaseSensitive(root, "s");
  ck_assert(cJSON_IsString(m));
  ck_assert_str_eq(m->valuestring, "a\"b\\c/d\b\f\n\r\t");
  m = cJSON_GetObjectItemCaseSensitive(root, "n");
  ck_assert(cJSON_IsNumber(m));
  ck_assert_str_eq(m->valuestring, "-12.50e+1");
  ck_assert_double_eq(m->valuedouble, -125.0);
  ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "t")));
  ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(root, "f")));
  ck_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "z")));
  m = cJSON_GetObjectItemCaseSensitive(root, "a");
  ck_assert(cJSON_IsArray(m));
  ck_assert_int_eq(cJSON_GetArraySize(m), 3);
  ck_assert_str_eq(cJSON_GetArrayItem(m, 1)->valuestring, "x");
  ck_assert(cJSON_IsArray(cJSON_GetArrayItem(m, 2)));
  ck_assert(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "o")));
}
END_TEST

START_TEST(tree_unicode_escapes)
{
  char err[200];
  cJSON *root = parse_text("[\"\\u0061\\u00e9\\u20AC\\ud83d\\ude00\","
                           "\"\\uDBFF\\uDFFF\"]", err, sizeof err);

  ck_assert_ptr_nonnull(root);
  ck_assert_str_eq(cJSON_GetArrayItem(root, 0)->valuestring,
                   "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  ck_assert_str_eq(cJSON_GetArrayItem(root, 1)->valuestring,
                   "\xF4\x8F\xBF\xBF");
}
END_TEST

/* Member names are decoded too, and lookup is case-sensitive. */
START_TEST(tree_names_case_sensitive)
{
  char err[200];
  cJSON *root = parse_text("{\"\\u0050arts\":1,\"parts\":2}", err,
                           sizeof err);

  ck_assert_ptr_nonnull(root);
  ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(root, "Parts")
                   ->valueint, 1);
  ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(root, "parts")
                   ->valueint, 2);
  ck_assert_ptr_null(cJSON_GetObjectItemCaseSensitive(root, "PARTS"));
}
END_TEST

/* The tree must keep cJSON's list invariants: items in source order and
 * child->prev on the last item, which cJSON's own append relies on. */
START_TEST(tree_list_invariants)
{
  char err[200];
  cJSON *root = parse_text("[10,20,30]", err, sizeof err), *extra;

  ck_assert_ptr_nonnull(root);
  ck_assert_ptr_eq(root->child->prev, cJSON_GetArrayItem(root, 2));
  ck_assert_ptr_null(cJSON_GetArrayItem(root, 2)->next);
  extra = cJSON_CreateNumber(40);
  ck_assert(cJSON_AddItemToArray(root, extra));
  ck_assert_int_eq(cJSON_GetArraySize(root), 4);
  ck_assert_int_eq(cJSON_GetArrayItem(root, 3)->valueint, 40);
  ck_assert_int_eq(cJSON_GetArrayItem(root, 0)->valueint, 10);
}
END_TEST

/* Number nodes keep their literal exactly; duplicates survive. */
START_TEST(tree_number_literals)
{
  static const char *const literals[] = {
    "0", "-0", "3.0", "3e0", "30e-1", "1e400", "99999999999999999999",
  };
  char err[200], text[64];
  cJSON *dup;

  for (size_t i = 0; i < sizeof literals / sizeof *literals; i++) {
    snprintf(text, sizeof text, "[%s]", literals[i]);
    ck_assert_ptr_nonnull(parse_text(text, err, sizeof err));
    ck_assert_str_eq(tree->child->valuestring, literals[i]);
  }
  dup = cJSON_Duplicate(tree, 1);
  ck_assert_ptr_nonnull(dup);
  ck_assert_str_eq(dup->child->valuestring, "99999999999999999999");
  cJSON_Delete(dup);
}
END_TEST

/* Many members: all kept, and a duplicate among them still found. */
START_TEST(many_members)
{
  size_t n = 5000, used = 0, room = n * 16 + 32;
  char err[200];

  free(big);
  big = malloc(room);
  ck_assert_ptr_nonnull(big);
  big[used++] = '{';
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(big + used, room - used, "%s\"m%zu\":%zu",
                             i ? "," : "", i, i);
  memcpy(big + used, "}", 2);
  ck_assert_ptr_nonnull(parse_text(big, err, sizeof err));
  ck_assert_int_eq(cJSON_GetArraySize(tree), (int)n);
  ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(tree, "m4321")
                   ->valueint, 4321);
  snprintf(big + used, room - used, ",\"m17\":0}");
  ck_assert_ptr_null(parse_text(big, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, "duplicate member name \"m17\""));
}
END_TEST

/* The length bounds the text: bytes after it are never looked at. */
START_TEST(length_bounds_text)
{
  char err[200];

  ck_assert_ptr_nonnull(parse_exact("{}xyz", 2, err, sizeof err, NULL));
  ck_assert_ptr_null(parse_exact("{}xyz", 1, err, sizeof err, NULL));
  ck_assert_ptr_null(parse_exact("[12]", 3, err, sizeof err, NULL));
}
END_TEST

/* err and oom are optional; a short err is cut and still terminated;
 * an err of no bytes is never written. */
START_TEST(err_optional_and_cut)
{
  char err[8];

  ck_assert_ptr_null(parse_exact("01", 2, NULL, 0, NULL));
  memset(err, 'x', sizeof err);
  ck_assert_ptr_null(parse_exact("01", 2, err, 0, NULL));
  ck_assert_int_eq(err[0], 'x');
  memset(err, 'x', sizeof err);
  ck_assert_ptr_null(parse_exact("01", 2, err, sizeof err, NULL));
  ck_assert_int_eq(err[sizeof err - 1], '\0');
  ck_assert_str_eq(err, "invalid");
}
END_TEST

/* A duplicate name too long to quote is reported without it. */
START_TEST(duplicate_long_name_unquoted)
{
  char name[62], text[160], err[200];

  memset(name, 'n', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  snprintf(text, sizeof text, "{\"%s\":1,\"%s\":2}", name, name);
  ck_assert_ptr_null(parse_text(text, err, sizeof err));
  ck_assert_msg(strstr(err, "duplicate member name") != NULL, "%s", err);
  ck_assert_ptr_null(strstr(err, name));
  name[sizeof name - 2] = '\0';
  snprintf(text, sizeof text, "{\"%s\":1,\"%s\":2}", name, name);
  ck_assert_ptr_null(parse_text(text, err, sizeof err));
  ck_assert_ptr_nonnull(strstr(err, name));
}
END_TEST

/* A literal and the verdict of jg_integer(node, 1, 10000). */
typedef struct int_case {
  const char *literal;
  jg_int_verdict verdict;
  long long value;
} int_case;

static const int_case int_cases[] = {
  {"3", JG_INT_OK, 3}, {"3.0", JG_INT_OK, 3}, {"3e0", JG_INT_OK, 3},
  {"30e-1", JG_INT_OK, 3}, {"0.3e1", JG_INT_OK, 3},
  {"3E0", JG_INT_OK, 3}, {"3.000", JG_INT_OK, 3},
  {"300e-2", JG_INT_OK, 3}, {"0.0003e4", JG_INT_OK, 3},
  {"3e+0", JG_INT_OK, 3}, {"0.30e1", JG_INT_OK, 3},
  {"1", JG_INT_OK, 1}, {"10000", JG_INT_OK, 10000},
  {"1e4", JG_INT_OK, 10000}, {"1.0e4", JG_INT_OK, 10000},
  {"10000.0", JG_INT_OK, 10000}, {"100000e-1", JG_INT_OK, 10000},
  {"9999", JG_INT_OK, 9999}, {"1.2e3", JG_INT_OK, 1200},
  {"3.5", JG_INT_NOT_WHOLE, 0}, {"1e-1", JG_INT_NOT_WHOLE, 0},
  {"0.5", JG_INT_NOT_WHOLE, 0}, {"-1.5", JG_INT_NOT_WHOLE, 0},
  {"10000.5", JG_INT_NOT_WHOLE, 0}, {"1.00001", JG_INT_NOT_WHOLE, 0},
  {"1e-400", JG_INT_NOT_WHOLE, 0}, {"31e-1", JG_INT_NOT_WHOLE, 0},
  {"0", JG_INT_OUT_OF_RANGE, 0}, {"-0", JG_INT_OUT_OF_RANGE, 0},
  {"0.0", JG_INT_OUT_OF_RANGE, 0}, {"0e10", JG_INT_OUT_OF_RANGE, 0},
  {"10001", JG_INT_OUT_OF_RANGE, 0}, {"1e400", JG_INT_OUT_OF_RANGE, 0},
  {"-1", JG_INT_OUT_OF_RANGE, 0}, {"-1e400", JG_INT_OUT_OF_RANGE, 0},
  {"99999999999999999999", JG_INT_OUT_OF_RANGE, 0},
  {"1e5", JG_INT_OUT_OF_RANGE, 0}, {"-10000", JG_INT_OUT_OF_RANGE, 0},
  {"1.0001e4", JG_INT_OUT_OF_RANGE, 0},
  {"1e18", JG_INT_OUT_OF_RANGE, 0},
  {"1e999999999999999999999", JG_INT_OUT_OF_RANGE, 0},
};

START_TEST(integer_table)
{
  const int_case *k = &int_cases[_i];
  char text[64], err[200];
  long long out = -7;
  jg_int_verdict v;

  snprintf(text, sizeof text, "[%s]", k->literal);
  ck_assert_msg(parse_text(text, err, sizeof err) != NULL, "%s: %s",
                k->literal, err);
  v = jg_integer(tree->child, 1, 10000, &out);
  ck_assert_msg(v == k->verdict, "%s: verdict %d, expected %d",
                k->literal, (int)v, (int)k->verdict);
  if (v == JG_INT_OK)
    ck_assert_int_eq(out, k->value);
}
END_TEST

/* Nodes that are not numbers, and numbers jg_parse did not make. */
START_TEST(integer_not_number)
{
  static const char *const texts[] = {
    "[\"3\"]", "[true]", "[null]", "[[3]]", "[{}]",
  };
  char err[200];
  long long out;
  cJSON *made;

  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    ck_assert_ptr_nonnull(parse_text(texts[i], err, sizeof err));
    ck_assert_int_eq(jg_integer(tree->child, 1, 10000, &out),
                     JG_INT_NOT_NUMBER);
  }
  made = cJSON_CreateNumber(3);
  ck_assert_int_eq(jg_integer(made, 1, 10000, &out), JG_INT_NOT_NUMBER);
  cJSON_Delete(made);
}
END_TEST

/* Ranges that include zero and negative numbers. */
START_TEST(integer_signed_range)
{
  static const int_case cases[] = {
    {"-0", JG_INT_OK, 0}, {"0.0e5", JG_INT_OK, 0}, {"-3", JG_INT_OK, -3},
    {"-5e0", JG_INT_OK, -5}, {"-6", JG_INT_OUT_OF_RANGE, 0},
    {"6", JG_INT_OUT_OF_RANGE, 0}, {"-0.5", JG_INT_NOT_WHOLE, 0},
    {"999999999999999999", JG_INT_OUT_OF_RANGE, 0},
  };
  char text[64], err[200];
  long long out;

  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snprintf(text, sizeof text, "[%s]", cases[i].literal);
    ck_assert_ptr_nonnull(parse_text(text, err, sizeof err));
    ck_assert_int_eq(jg_integer(tree->child, -5, 5, &out),
                     cases[i].verdict);
    if (cases[i].verdict == JG_INT_OK)
      ck_assert_int_eq(out, cases[i].value);
  }
  ck_assert_ptr_nonnull(parse_text("[999999999999999999]", err,
                                   sizeof err));
  ck_assert_int_eq(jg_integer(tree->child, 0, 999999999999999999LL, &out),
                   JG_INT_OK);
  ck_assert_int_eq(out, 999999999999999999LL);
  ck_assert_ptr_nonnull(parse_text("[0]", err, sizeof err));
  ck_assert_int_eq(jg_integer(tree->child, -5, -1, &out),
                   JG_INT_OUT_OF_RANGE);
}
END_TEST

Suite *json_gate_suite(void)
{
  Suite *s = suite_create("json_gate");
  TCase *accept = tcase_create("acceptance");
  TCase *shape = tcase_create("tree");
  TCase *integer = tcase_create("integer");

  tcase_add_checked_fixture(accept, NULL, gate_teardown);
  tcase_add_loop_test(accept, gate_table, 0, (int)GATE_CASES);
  tcase_add_loop_test(accept, gate_offsets, 0,
                      (int)(sizeof offset_cases / sizeof *offset_cases));
  tcase_add_test(accept, depth_limit_arrays);
  tcase_add_test(accept, depth_limit_objects);
  tcase_add_test(accept, depth_limit_mixed);
  tcase_add_test(accept, depth_huge_refused);
  tcase_add_test(accept, length_bounds_text);
  tcase_add_test(accept, err_optional_and_cut);
  tcase_add_test(accept, duplicate_long_name_unquoted);
  suite_add_tcase(s, accept);

  tcase_add_checked_fixture(shape, NULL, gate_teardown);
  tcase_add_test(shape, tree_values);
  tcase_add_test(shape, tree_unicode_escapes);
  tcase_add_test(shape, tree_names_case_sensitive);
  tcase_add_test(shape, tree_list_invariants);
  tcase_add_test(shape, tree_number_literals);
  tcase_add_test(shape, many_members);
  suite_add_tcase(s, shape);

  tcase_add_checked_fixture(integer, NULL, gate_teardown);
  tcase_add_loop_test(integer, integer_table, 0,
                      (int)(sizeof int_cases / sizeof *int_cases));
  tcase_add_test(integer, integer_not_number);
  tcase_add_test(integer, integer_signed_range);
  suite_add_tcase(s, integer);
  return s;
}
