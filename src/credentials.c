/*
 * credentials.c: the credentials file (mrsu.h): who may call a service,
 * with which secret, on which sequence stores.
 *
 * The file is read whole, accepted by the strict JSON gate and checked
 * member by member; an unknown member is an error, so that a misspelt
 * member cannot silently change who may call. The principals point
 * into the parsed tree, which the credentials keep.
 */
#include "mrsu.h"

#include "fields.h"
#include "json_gate.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 128
#define SECRET_MAX 128

/* What the principals of a credentials value point into. */
typedef struct holding {
  cJSON *tree;
  const char **stores;          /* every principal's, one after another */
} holding;

static const char *const file_members[] = {"version", "principals"};
static const char *const principal_members[] = {
  "accessKeyId", "secretAccessKey", "stores",
};

/* 1 when s holds only A-Z, a-z, 0-9 and _. */
static int is_word(const char *s)
{
  return s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_")] == '\0';
}

/* 1 when s holds only printable ASCII characters other than space. */
static int is_visible(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x21 || *p > 0x7e)
      return 0;
  return 1;
}

/* Reads the stores of one principal into p, taking room from *next.
 * Returns 0, or -1 with the reason in place->err. */
static int read_stores(const cJSON *item, field_place *place,
                       mrsu_principal *p, const char ***next)
{
  char name[48];
  const cJSON *list, *id;
  size_t k = 0;

  place->name = "stores";
  if (field_container(item, place, cJSON_Array, &list) != FIELD_OK)
    return -1;
  p->stores = *next;
  for (id = list->child; id; id = id->next, k++) {
    if (!cJSON_IsString(id) ||
        (strcmp(id->valuestring, "*") && !text_is_id(id->valuestring))) {
      snprintf(name, sizeof name, "stores[%zu]", k);
      place->name = name;
      field_fail(place, "must be a sequence store id (10 to 36 digits) "
                 "or \"*\"");
      return -1;
    }
    (*next)[k] = id->valuestring;
  }
  p->store_count = k;
  *next += k;
  return 0;
}

/* Reads principal i from item into p. Returns 0, or -1 with the reason
 * in err. */
static int read_principal(const cJSON *item, size_t i, mrsu_principal *p,
                          const char ***next, char *err, size_t errlen)
{
  char prefix[32];
  field_place place = {prefix, "accessKeyId", 1, err, errlen};

  snprintf(prefix, sizeof prefix, "principals[%zu]", i);
  if (!cJSON_IsObject(item)) {
    snprintf(err, errlen, "%s: must be an object", prefix);
    return -1;
  }
  if (field_known(item, prefix, principal_members, 3, err, errlen) ||
      field_string(item, &place, 1, KEY_MAX, 0, &p->access_key_id))
    return -1;
  if (!is_word(p->access_key_id)) {
    field_fail(&place, "must hold only A-Z, a-z, 0-9 and _");
    return -1;
  }
  place.name = "secretAccessKey";
  if (field_string(item, &place, 1, SECRET_MAX, 0,
                   &p->secret_access_key))
    return -1;
  if (!is_visible(p->secret_access_key)) {
    field_fail(&place, "must hold only printable ASCII characters, no "
               "space");
    return -1;
  }
  return read_stores(item, &place, p, next);
}

/* Counts the entries of every principal's stores (0 for what is not a
 * list yet: the checks report it). */
static size_t count_stores(const cJSON *principals)
{
  size_t n = 0;
  const cJSON *stores;

  for (const cJSON *p = principals->child; p; p = p->next) {
    stores = cJSON_GetObjectItemCaseSensitive(p, "stores");
    n += cJSON_IsArray(stores) ? (size_t)cJSON_GetArraySize(stores) : 0;
  }
  return n;
}

/* Checks the top of the file and finds the principals. Returns the
 * list, or NULL with the reason in err. */
static const cJSON *read_top(const cJSON *tree, char *err, size_t errlen)
{
  field_place place = {"", "version", 1, err, errlen};
  const cJSON *list;
  long long version;

  if (!cJSON_IsObject(tree)) {
    snprintf(err, errlen, "must be a JSON object");
    return NULL;
  }
  if (field_known(tree, "", file_members, 2, err, errlen) ||
      field_integer(tree, &place, 1, 1, &version))
    return NULL;
  place.name = "principals";
  if (field_container(tree, &place, cJSON_Array, &list))
    return NULL;
  if (!list->child) {
    field_fail(&place, "must name at least one principal");
    return NULL;
  }
  return list;
}

/* Reads every principal of list into out. Returns 0, -1 with the
 * reason in err, or -2 when memory ran out. */
static int read_principals(const cJSON *list, mrsu_credentials *out,
                           holding *h, char *err, size_t errlen)
{
  const cJSON *item = list->child;
  const char **next;
  size_t i = 0;
  int rc;

  out->principals = calloc((size_t)cJSON_GetArraySize(list),
                           sizeof *out->principals);
  h->stores = calloc(count_stores(list) + 1, sizeof *h->stores);
  next = h->stores;
  rc = out->principals && h->stores ? 0 : -2;
  for (; rc == 0 && item; item = item->next, i++) {
    rc = read_principal(item, i, &out->principals[i], &next, err, errlen);
    if (rc == 0 &&
        mrsu_credentials_find(out, out->principals[i].access_key_id)) {
      snprintf(err, errlen, "principals[%zu].accessKeyId: is given twice",
               i);
      rc = -1;
    }
    out->count += rc == 0;
  }
  return rc;
}

int mrsu_credentials_parse(const char *text, size_t len,
                           mrsu_credentials *out, char *err,
                           size_t errlen)
{
  holding *h = calloc(1, sizeof *h);
  const cJSON *list = NULL;
  char why[300] = "";
  int oom = 0, rc;

  memset(out, 0, sizeof *out);
  out->owned = h;
  if (h)
    h->tree = jg_parse((const unsigned char *)text, len, why, sizeof why,
                       &oom);
  if (h && h->tree)
    list = read_top(h->tree, why, sizeof why);
  rc = list ? read_principals(list, out, h, why, sizeof why) : -1;
  oom |= !h || rc == -2;
  snprintf(err, errlen, "%s", rc == 0 ? "" : oom ? "out of memory" : why);
  if (rc < 0)
    mrsu_credentials_free(out);
  return rc < 0 ? -1 : 0;
}

int mrsu_credentials_load(const char *path, mrsu_credentials *out,
                          char *err, size_t errlen)
{
  char *text = malloc(MRSU_MAX_CREDENTIALS_FILE + 1), why[300];
  FILE *f = fopen(path, "rb");
  size_t n = 0;
  int rc = -1;

  memset(out, 0, sizeof *out);
  if (!f || !text) {
    snprintf(err, errlen, "%s: %s", path,
             text ? strerror(errno) : "out of memory");
    goto out;
  }
  n = fread(text, 1, MRSU_MAX_CREDENTIALS_FILE + 1, f);
  if (ferror(f))
    snprintf(err, errlen, "%s: cannot be read: %s", path, strerror(errno));
  else if (n > MRSU_MAX_CREDENTIALS_FILE)
    snprintf(err, errlen, "%s: is over %u bytes", path,
             MRSU_MAX_CREDENTIALS_FILE);
  else if ((rc = mrsu_credentials_parse(text, n, out, why, sizeof why)))
    snprintf(err, errlen, "%s: %s", path, why);

out:
  if (f)
    fclose(f);
  free(text);
  return rc;
}

void mrsu_credentials_free(mrsu_credentials *c)
{
  holding *h = c->owned;

  if (h) {
    cJSON_Delete(h->tree);
    free(h->stores);
    free(h);
  }
  free(c->principals);
  memset(c, 0, sizeof *c);
}

const mrsu_principal *mrsu_credentials_find(const mrsu_credentials *c,
                                            const char *access_key_id)
{
  for (size_t i = 0; i < c->count; i++)
    if (!strcmp(c->principals[i].access_key_id, access_key_id))
      return &c->principals[i];
  return NULL;
}
