/*
 * bench.c: timing, medians, the figure line, and reading files and
 * /proc for the benchmark programs.
 */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void)
{
  struct timespec t;

  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double bench_cpu(void)
{
  struct timespec t;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

double bench_median(double *v, size_t n)
{
  qsort(v, n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_figure(const char *name, double value, bench_goal way,
                 double goal)
{
  int met = way == BENCH_AT_MOST ? value <= goal : value >= goal;

  if (way == BENCH_NO_GOAL) {
    printf("figure %s: %.3g (no goal)\n", name, value);
    fflush(stdout);
    return 1;
  }
  printf("figure %s: %.3g (goal: %s %.3g) %s\n", name, value,
         way == BENCH_AT_MOST ? "at most" : "at least", goal,
         met ? "met" : "not met");
  fflush(stdout);
  return met;
}

/* Grows *data to hold at least need bytes. Returns 0 or -1. */
static int grow(char **data, size_t *room, size_t need)
{
  char *grown;

  if (need <= *room)
    return 0;
  while (*room < need)
    *room = *room ? *room * 2 : 65536;
  grown = realloc(*data, *room);
  if (!grown)
    return -1;
  *data = grown;
  return 0;
}

char *bench_read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  size_t room = 0, used = 0, n;

  if (!f)
    return NULL;
  do {
    if (grow(&data, &room, used + 65537) < 0)
      goto fail;
    n = fread(data + used, 1, room - used - 1, f);
    used += n;
  } while (n > 0);
  if (ferror(f))
    goto fail;
  fclose(f);
  data[used] = '\0';
  *len = used;
  return data;
fail:
  free(data);
  fclose(f);
  errno = errno ? errno : EIO;
  return NULL;
}

/* The value in kB of the line of text that starts with key, in bytes,
 * or 0 when there is none. */
static size_t status_kb(const char *text, const char *key)
{
  const char *at = strstr(text, key);

  return at ? (size_t)strtoull(at + strlen(key), NULL, 10) * 1024 : 0;
}

int bench_rss(long pid, size_t *peak, size_t *now)
{
  char path[64], *text;
  size_t len;

  snprintf(path, sizeof path, "/proc/%ld/status", pid);
  text = bench_read_file(path, &len);
  if (!text)
    return -1;
  *peak = status_kb(text, "\nVmHWM:");
  *now = status_kb(text, "\nVmRSS:");
  free(text);
  return *peak && *now ? 0 : -1;
}
