/*
 * fields.c: member checks shared by every operation's body.
 */
#include "fields.h"

#include "json_gate.h"
#include "never.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *field_type_name(const cJSON *node)
{
  if (cJSON_IsNull(node))
    return "null";
  if (cJSON_IsBool(node))
    return "a boolean";
  if (cJSON_IsNumber(node))
    return "a number";
  if (cJSON_IsString(node))
    return "a string";
  if (cJSON_IsArray(node))
    return "an array";
  return "an object";
}

field_result field_fail(const field_place *place, const char *fmt, ...)
{
  va_list ap;
  int n;

  n = snprintf(place->err, place->errlen, "%s%s%s: ", place->prefix,
               *place->prefix ? "." : "", place->name);
  if (NEVER(n < 0) || (size_t)n >= place->errlen)
    return FIELD_BAD;
  va_start(ap, fmt);
  vsnprintf(place->err + n, place->errlen - (size_t)n, fmt, ap);
  va_end(ap);
  return FIELD_BAD;
}

/* Finds the member; FIELD_OK with *node set, FIELD_ABSENT, or FIELD_BAD
 * when a required member is missing or null. */
static field_result lookup(const cJSON *object, const field_place *place,
                           const cJSON **node)
{
  *node = cJSON_GetObjectItemCaseSensitive(object, place->name);
  if (*node && !cJSON_IsNull(*node))
    return FIELD_OK;
  if (!place->required)
    return FIELD_ABSENT;
  return field_fail(place, *node ? "is required and must not be null"
                                 : "is required");
}

field_result field_string(const cJSON *object, const field_place *place,
                          size_t min, size_t max, int printable,
                          const char **out)
{
  const cJSON *node;
  field_result rc = lookup(object, place, &node);
  size_t length;
  int verdict;

  if (rc != FIELD_OK)
    return rc;
  if (!cJSON_IsString(node))
    return field_fail(place, "must be a string, not %s",
                      field_type_name(node));
  length = text_code_points(node->valuestring);
  if (length < min || length > max)
    return field_fail(place, "must be %zu to %zu characters long, not %zu",
                      min, max, length);
  if (printable && length > 0) {
    verdict = text_printable(node->valuestring);
    if (verdict < 0)
      return FIELD_NO_MEMORY;
    if (verdict == 0)
      return field_fail(place, "must contain only letters, marks, "
                        "numbers, punctuation, symbols and spaces");
  }
  *out = node->valuestring;
  return FIELD_OK;
}

field_result field_enum(const cJSON *object, const field_place *place,
                        const char *const *values, size_t count, int *out)
{
  const cJSON *node;
  field_result rc = lookup(object, place, &node);
  char list[128] = "";

  if (rc != FIELD_OK)
    return rc;
  if (!cJSON_IsString(node))
    return field_fail(place, "must be a string, not %s",
                      field_type_name(node));
  for (size_t i = 0; i < count; i++) {
    if (!strcmp(node->valuestring, values[i])) {
      *out = (int)i;
      return FIELD_OK;
    }
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i ? ", " : "", values[i]);
  }
  return field_fail(place, "must be one of %s", list);
}

field_result field_integer(const cJSON *object, const field_place *place,
                           long long min, long long max, long long *out)
{
  const cJSON *node;
  field_result rc = lookup(object, place, &node);

  if (rc != FIELD_OK)
    return rc;
  switch (jg_integer(node, min, max, out)) {
  case JG_INT_OK:
    return FIELD_OK;
  case JG_INT_NOT_NUMBER:
    return field_fail(place, "must be an integer, not %s",
                      field_type_name(node));
  case JG_INT_NOT_WHOLE:
    return field_fail(place, "must be a whole number");
  default:
    return field_fail(place, "must be between %lld and %lld", min, max);
  }
}

field_result field_container(const cJSON *object, const field_place *place,
                             int type, const cJSON **out)
{
  const cJSON *node;
  field_result rc = lookup(object, place, &node);

  if (rc != FIELD_OK)
    return rc;
  if ((node->type & 0xFF) != type)
    return field_fail(place, "must be %s, not %s",
                      type == cJSON_Array ? "an array" : "an object",
                      field_type_name(node));
  *out = node;
  return FIELD_OK;
}

field_result field_known(const cJSON *object, const char *prefix,
                         const char *const *names, size_t count,
                         char *err, size_t errlen)
{
  field_place place = {prefix, NULL, 0, err, errlen};
  size_t i;

  for (const cJSON *m = object->child; m; m = m->next) {
    for (i = 0; i < count && strcmp(m->string, names[i]); i++)
      continue;
    if (i == count) {
      place.name = m->string;
      return field_fail(&place, "is not a member this input defines");
    }
  }
  return FIELD_OK;
}
