/*
 * fields.h: checks of JSON members against the model's constraints.
 *
 * Each check looks one member up in an object (case-sensitively), and
 * either stores its value or writes why it fails into err as
 * "PATH: rule", where PATH is the member's place in the body such as
 * parts[2].partNumber. A null optional member counts as absent; a null
 * required member fails.
 */
#ifndef FIELDS_H
#define FIELDS_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef enum field_result {
  FIELD_OK,
  FIELD_ABSENT,         /* optional and absent: *out is untouched */
  FIELD_BAD,            /* err says why */
  FIELD_NO_MEMORY
} field_result;

/* Where a member is, for messages: prefix "parts[2]" and name
 * "partNumber" make "parts[2].partNumber"; an empty prefix makes
 * "partNumber". */
typedef struct field_place {
  const char *prefix;
  const char *name;
  int required;
  char *err;
  size_t errlen;
} field_place;

/* A string of min..max code points; when printable, every character is
 * outside Unicode general category C. */
field_result field_string(const cJSON *object, const field_place *place,
                          size_t min, size_t max, int printable,
                          const char **out);

/* A string equal to one of the count values; *out is its index. */
field_result field_enum(const cJSON *object, const field_place *place,
                        const char *const *values, size_t count,
                        int *out);

/* A JSON number whose exact value is a whole number in min..max. */
field_result field_integer(const cJSON *object, const field_place *place,
                           long long min, long long max, long long *out);

/* A member of the given cJSON type (cJSON_Array, cJSON_Object);
 * *out points to it. */
field_result field_container(const cJSON *object, const field_place *place,
                             int type, const cJSON **out);

/* FIELD_OK when every member of object is named in names (count of
 * them), else FIELD_BAD naming the first other member as prefix.NAME
 * in err. For inputs where an unknown member is a mistake to report,
 * not a member to ignore. */
field_result field_known(const cJSON *object, const char *prefix,
                         const char *const *names, size_t count,
                         char *err, size_t errlen);

/* Writes "PATH: " followed by the formatted rule into place->err.
 * Returns FIELD_BAD. */
field_result field_fail(const field_place *place, const char *fmt, ...);

/* The JSON type of node in words, for messages: "a string", "null"... */
const char *field_type_name(const cJSON *node);

#endif
