/*
 * test_fields.c: member checks (fields.h).
 *
 * Each case is an object as the JSON gate builds it, one member check
 * with its place, and the result the header promises. On FIELD_BAD the
 * message must start with the member's path and ": " (the form the
 * header documents); the wording of the rule is not asserted.
 */
#include "suites.h"

#include "fields.h"
#include "json_gate.h"

#include <stdio.h>
#include <string.h>

/* The object under test; freed by teardown. */
static cJSON *object;

/* Frees the object of the test. */
static void fields_teardown(void)
{
  cJSON_Delete(object);
  object = NULL;
}

/* Parses text with the gate into `object`. */
static const cJSON *parse(const char *text)
{
  char err[200];

  cJSON_Delete(object);
  object = jg_parse((const unsigned char *)text, strlen(text), err,
                    sizeof err, NULL);
  ck_assert_msg(object != NULL, "%s: %s", text, err);
  return object;
}

/* Asserts that err names the place: starts with "PATH: ". */
static void assert_names(const char *err, const char *path)
{
  char start[80];

  snprintf(start, sizeof start, "%s: ", path);
  ck_assert_msg(!strncmp(err, start, strlen(start)),
                "\"%s\" does not start with \"%s\"", err, start);
}

/* A body, whether partNumber is required, the result, and the value. */
typedef struct int_field_case {
  const char *body;
  int required;
  field_result result;
  long long value;
} int_field_case;

static const int_field_case int_field_cases[] = {
  {"{\"partNumber\":3}", 1, FIELD_OK, 3},
  {"{\"partNumber\":3.0}", 1, FIELD_OK, 3},
  {"{\"partNumber\":30e-1}", 1, FIELD_OK, 3},
  {"{\"partNumber\":10000}", 1, FIELD_OK, 10000},
  {"{\"partNumber\":1,\"other\":\"x\"}", 1, FIELD_OK, 1},
  {"{\"partNumber\":\"3\"}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":true}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":[3]}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":{}}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":3.5}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":0}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":-0}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":1e400}", 1, FIELD_BAD, 0},
  {"{\"partNumber\":null}", 1, FIELD_BAD, 0},
  {"{}", 1, FIELD_BAD, 0},
  {"{\"PartNumber\":3}", 1, FIELD_BAD, 0},
  {"{\"partnumber\":3}", 1, FIELD_BAD, 0},
  {"{}", 0, FIELD_ABSENT, 0},
  {"{\"partNumber\":null}", 0, FIELD_ABSENT, 0},
  {"{\"partNumber\":0}", 0, FIELD_BAD, 0},
};

START_TEST(integer_field_table)
{
  const int_field_case *k = &int_field_cases[_i];
  char err[200] = "";
  field_place place = {"parts[1]", "partNumber", k->required, err,
                       sizeof err};
  long long out = -7;
  field_result rc = field_integer(parse(k->body), &place, 1, 10000, &out);

  ck_assert_msg(rc == k->result, "%s: result %d", k->body, (int)rc);
  if (rc == FIELD_OK)
    ck_assert_int_eq(out, k->value);
  if (rc == FIELD_ABSENT)
    ck_assert_int_eq(out, -7);
  if (rc == FIELD_BAD)
    assert_names(err, "parts[1].partNumber");
}
END_TEST

/* A body, the bounds, printable or not, and the result. */
typedef struct string_case {
  const char *body;
  size_t min, max;
  int printable;
  field_result result;
} string_case;

static const string_case string_cases[] = {
  {"{\"checksum\":\"abc\"}", 1, 3, 1, FIELD_OK},
  {"{\"checksum\":\"abcd\"}", 1, 3, 1, FIELD_BAD},
  {"{\"checksum\":\"\"}", 1, 3, 1, FIELD_BAD},
  {"{\"checksum\":\"\"}", 0, 3, 1, FIELD_OK},
  /* Three emoji are 12 bytes but 3 code points. */
  {"{\"checksum\":\"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\"}",
   1, 3, 1, FIELD_OK},
  {"{\"checksum\":\"\\u00e9\\u00e9\\u00e9\\u00e9\"}", 1, 3, 1, FIELD_BAD},
  {"{\"checksum\":\"a\\tb\"}", 1, 10, 1, FIELD_BAD},
  {"{\"checksum\":\"a\\tb\"}", 1, 10, 0, FIELD_OK},
  {"{\"checksum\":\"a\\u200Bb\"}", 1, 10, 1, FIELD_BAD},
  {"{\"checksum\":\"\\uE000\"}", 1, 10, 1, FIELD_BAD},
  {"{\"checksum\":\"a b\"}", 1, 10, 1, FIELD_OK},
  {"{\"checksum\":3}", 1, 10, 1, FIELD_BAD},
  {"{\"checksum\":null}", 1, 10, 1, FIELD_BAD},
  {"{\"Checksum\":\"abc\"}", 1, 10, 1, FIELD_BAD},
  {"{\"checksum\":[\"abc\"]}", 1, 10, 1, FIELD_BAD},
};

START_TEST(string_field_table)
{
  const string_case *k = &string_cases[_i];
  char err[200] = "";
  field_place place = {"parts[0]", "checksum", 1, err, sizeof err};
  const char *out = NULL;
  field_result rc = field_string(parse(k->body), &place, k->min, k->max,
                                 k->printable, &out);

  ck_assert_msg(rc == k->result, "%s: result %d", k->body, (int)rc);
  if (rc == FIELD_OK) {
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_eq(out, cJSON_GetObjectItemCaseSensitive(object,
                     "checksum")->valuestring);
  } else
    assert_names(err, "parts[0].checksum");
}
END_TEST

START_TEST(optional_string_absent)
{
  char err[200] = "";
  field_place place = {"", "description", 0, err, sizeof err};
  const char *out = "untouched";

  ck_assert_int_eq(field_string(parse("{}"), &place, 1, 255, 1, &out),
                   FIELD_ABSENT);
  ck_assert_str_eq(out, "untouched");
  ck_assert_int_eq(field_string(parse("{\"description\":null}"), &place,
                                1, 255, 1, &out), FIELD_ABSENT);
  place.required = 1;
  ck_assert_int_eq(field_string(parse("{}"), &place, 1, 255, 1, &out),
                   FIELD_BAD);
  assert_names(err, "description");
}
END_TEST

static const char *const sources[] = {"SOURCE1", "SOURCE2"};

/* A body and the index field_enum must give, or -1 for FIELD_BAD. */
typedef struct enum_case {
  const char *body;
  int index;
} enum_case;

static const enum_case enum_cases[] = {
  {"{\"partSource\":\"SOURCE1\"}", 0},
  {"{\"partSource\":\"SOURCE2\"}", 1},
  {"{\"partSource\":\"source1\"}", -1},
  {"{\"partSource\":\"SOURCE3\"}", -1},
  {"{\"partSource\":\"SOURCE1 \"}", -1},
  {"{\"partSource\":\"\"}", -1},
  {"{\"partSource\":1}", -1},
  {"{\"partSource\":null}", -1},
  {"{\"PartSource\":\"SOURCE1\"}", -1},
  {"{}", -1},
};

START_TEST(enum_field_table)
{
  const enum_case *k = &enum_cases[_i];
  char err[200] = "";
  field_place place = {"parts[2]", "partSource", 1, err, sizeof err};
  int out = -7;
  field_result rc = field_enum(parse(k->body), &place, sources, 2, &out);

  if (k->index >= 0) {
    ck_assert_int_eq(rc, FIELD_OK);
    ck_assert_int_eq(out, k->index);
    return;
  }
  ck_assert_int_eq(rc, FIELD_BAD);
  assert_names(err, "parts[2].partSource");
}
END_TEST

START_TEST(container_field)
{
  char err[200] = "";
  field_place place = {"", "parts", 1, err, sizeof err};
  const cJSON *out = NULL;

  ck_assert_int_eq(field_container(parse("{\"parts\":[1]}"), &place,
                                   cJSON_Array, &out), FIELD_OK);
  ck_assert_ptr_eq(out, cJSON_GetObjectItemCaseSensitive(object,
                                                          "parts"));
  ck_assert_int_eq(field_container(parse("{\"parts\":{}}"), &place,
                                   cJSON_Array, &out), FIELD_BAD);
  assert_names(err, "parts");
  ck_assert_int_eq(field_container(parse("{\"parts\":\"[]\"}"), &place,
                                   cJSON_Array, &out), FIELD_BAD);
  ck_assert_int_eq(field_container(parse("{\"Parts\":[]}"), &place,
                                   cJSON_Array, &out), FIELD_BAD);
  ck_assert_int_eq(field_container(parse("{\"parts\":null}"), &place,
                                   cJSON_Array, &out), FIELD_BAD);
  ck_assert_int_eq(field_container(parse("{\"tags\":[]}"), &place,
                                   cJSON_Object, &out), FIELD_BAD);
  place.name = "tags";
  place.required = 0;
  ck_assert_int_eq(field_container(parse("{\"tags\":{}}"), &place,
                                   cJSON_Object, &out), FIELD_OK);
  ck_assert_int_eq(field_container(parse("{}"), &place, cJSON_Object,
                                   &out), FIELD_ABSENT);
  ck_assert_int_eq(field_container(parse("{\"tags\":[]}"), &place,
                                   cJSON_Object, &out), FIELD_BAD);
  assert_names(err, "tags");
}
END_TEST

START_TEST(fail_formats_path)
{
  char err[100];
  field_place top = {"", "parts", 1, err, sizeof err};
  field_place nested = {"filter", "createdAfter", 0, err, sizeof err};

  ck_assert_int_eq(field_fail(&top, "rule %d", 7), FIELD_BAD);
  ck_assert_str_eq(err, "parts: rule 7");
  ck_assert_int_eq(field_fail(&nested, "x"), FIELD_BAD);
  ck_assert_str_eq(err, "filter.createdAfter: x");
}
END_TEST

/* A short buffer is cut and terminated, never overrun. */
START_TEST(fail_short_buffer)
{
  char err[12];
  field_place place = {"parts[9999]", "partNumber", 1, err, 6};

  memset(err, 'x', sizeof err);
  ck_assert_int_eq(field_fail(&place, "must be between %d and %d", 1,
                              10000), FIELD_BAD);
  ck_assert_int_eq(err[5], '\0');
  ck_assert_int_eq(err[6], 'x');
  ck_assert_str_eq(err, "parts");
}
END_TEST

/* A JSON value and its name in messages. */
typedef struct type_case {
  const char *body;
  const char *name;
} type_case;

static const type_case type_cases[] = {
  {"{\"v\":null}", "null"}, {"{\"v\":true}", "a boolean"},
  {"{\"v\":false}", "a boolean"}, {"{\"v\":1.5}", "a number"},
  {"{\"v\":\"s\"}", "a string"}, {"{\"v\":[]}", "an array"},
  {"{\"v\":{}}", "an object"},
};

START_TEST(type_name_table)
{
  const type_case *k = &type_cases[_i];

  parse(k->body);
  ck_assert_str_eq(field_type_name(object->child), k->name);
}
END_TEST

Suite *fields_suite(void)
{
  Suite *s = suite_create("fields");
  TCase *tc = tcase_create("members");

  tcase_add_checked_fixture(tc, NULL, fields_teardown);
  tcase_add_loop_test(tc, integer_field_table, 0,
                      (int)(sizeof int_field_cases /
                            sizeof *int_field_cases));
  tcase_add_loop_test(tc, string_field_table, 0,
                      (int)(sizeof string_cases / sizeof *string_cases));
  tcase_add_test(tc, optional_string_absent);
  tcase_add_loop_test(tc, enum_field_table, 0,
                      (int)(sizeof enum_cases / sizeof *enum_cases));
  tcase_add_test(tc, container_field);
  tcase_add_test(tc, fail_formats_path);
  tcase_add_test(tc, fail_short_buffer);
  tcase_add_loop_test(tc, type_name_table, 0,
                      (int)(sizeof type_cases / sizeof *type_cases));
  suite_add_tcase(s, tc);
  return s;
}
