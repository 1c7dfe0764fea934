/*
 * jptr.c: resolving, checking and building JSON Pointers.
 */
#include "jptr.h"

#include <stdlib.h>
#include <string.h>

int jptr_valid(const char *s)
{
  if (*s && *s != '/')
    return 0;
  for (; *s; s++)
    if (*s == '~' && s[1] != '0' && s[1] != '1')
      return 0;
  return 1;
}

/* Compares the escaped token (n bytes at tok) with a member name.
 * Returns 1 when they are the same name. */
static int token_is(const char *tok, size_t n, const char *name)
{
  size_t i = 0;

  for (; i < n; i++, name++) {
    char c = tok[i];
    if (c == '~') {
      c = tok[i + 1] == '1' ? '/' : '~';
      i++;
    }
    if (*name != c)
      return 0;
  }
  return *name == '\0';
}

/* Reads an array index token. Returns it, or -1 when the token is not
 * an index (leading zero, non-digit, empty, "-", too large). */
static long token_index(const char *tok, size_t n)
{
  long v = 0;

  if (n == 0 || n > 9 || (n > 1 && tok[0] == '0'))
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (tok[i] < '0' || tok[i] > '9')
      return -1;
    v = v * 10 + (tok[i] - '0');
  }
  return v;
}

/* The child of node named by the token, or NULL. */
static const cJSON *step_into(const cJSON *node, const char *tok, size_t n)
{
  const cJSON *child;
  long index;

  if (cJSON_IsArray(node)) {
    index = token_index(tok, n);
    return index < 0 ? NULL : cJSON_GetArrayItem(node, (int)index);
  }
  if (!cJSON_IsObject(node))
    return NULL;
  cJSON_ArrayForEach(child, node)
    if (child->string && token_is(tok, n, child->string))
      return child;
  return NULL;
}

const cJSON *jptr_get(const cJSON *root, const char *ptr)
{
  const cJSON *node = root;
  const char *tok, *end;

  if (!root || !jptr_valid(ptr))
    return NULL;
  while (node && *ptr) {
    tok = ptr + 1;
    end = strchr(tok, '/');
    if (!end)
      end = tok + strlen(tok);
    node = step_into(node, tok, (size_t)(end - tok));
    ptr = end;
  }
  return node;
}

void jptr_push(buf *path, const char *token)
{
  buf_addc(path, '/');
  for (; *token; token++) {
    if (*token == '~')
      buf_adds(path, "~0");
    else if (*token == '/')
      buf_adds(path, "~1");
    else
      buf_addc(path, *token);
  }
}

void jptr_push_index(buf *path, size_t index)
{
  buf_addf(path, "/%zu", index);
}
