/*
 * failmalloc.h: the process's allocator, counted, with one allocation
 * made to fail on purpose.
 *
 * failmalloc.c replaces malloc, calloc, realloc, free and the aligned
 * allocators for the whole process (glibc lets a program interpose
 * them; the real ones are its __libc_* entry points), so allocations
 * made inside cJSON, OpenSSL, PCRE2 and the C library count too. Only
 * allocations made while counting is on are numbered; the one whose
 * number is fail_at returns NULL with errno ENOMEM, once. live counts
 * the blocks allocated and not yet freed, counting or not. Not
 * thread-safe: the torture harness is one thread.
 */
#ifndef FAILMALLOC_H
#define FAILMALLOC_H

typedef struct fm_state {
  int counting;                 /* 1: number the allocations made now */
  unsigned long fail_at;        /* the number to fail; 0: none */
  unsigned long seen;           /* allocations numbered so far */
  int hit;                      /* 1 once fail_at was reached */
  long live;                    /* blocks allocated and not freed */
} fm_state;

extern fm_state fm;

/* Starts a run in which allocation number fail_at (from 1) will fail;
 * 0 fails none. Counting stays off until the caller turns it on. */
void fm_arm(unsigned long fail_at);

#endif
