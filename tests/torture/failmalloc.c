/*
 * failmalloc.c: the counting, failing allocator of failmalloc.h.
 */
#include "failmalloc.h"

#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>

/* glibc's own allocator, which every function here ends in. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);

fm_state fm;

void fm_arm(unsigned long fail_at)
{
  fm.counting = 0;
  fm.fail_at = fail_at;
  fm.seen = 0;
  fm.hit = 0;
}

/* Numbers one allocation. Returns 1 when it is the one to fail. */
static int must_fail(void)
{
  if (!fm.counting || fm.hit)
    return 0;
  fm.seen++;
  if (fm.seen != fm.fail_at)
    return 0;
  fm.hit = 1;
  errno = ENOMEM;
  return 1;
}

/* Counts a block handed out. Returns p. */
static void *born(void *p)
{
  if (p)
    fm.live++;
  return p;
}

void *malloc(size_t size)
{
  return must_fail() ? NULL : born(__libc_malloc(size));
}

void *calloc(size_t count, size_t size)
{
  return must_fail() ? NULL : born(__libc_calloc(count, size));
}

void *realloc(void *p, size_t size)
{
  void *q;

  if (!p)
    return malloc(size);
  if (size == 0) {
    free(p);
    return NULL;
  }
  if (must_fail())
    return NULL;
  q = __libc_realloc(p, size);
  return q;
}

void free(void *p)
{
  if (p)
    fm.live--;
  __libc_free(p);
}

void *memalign(size_t alignment, size_t size)
{
  return must_fail() ? NULL : born(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size)
{
  return memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
  void *p = memalign(alignment, size);

  if (!p)
    return ENOMEM;
  *out = p;
  return 0;
}

void *valloc(size_t size)
{
  return memalign(4096, size);
}

void *pvalloc(size_t size)
{
  return memalign(4096, (size + 4095) & ~(size_t)4095);
}
