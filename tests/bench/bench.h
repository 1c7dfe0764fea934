/*
 * bench.h: what the benchmark programs of tests/bench share.
 *
 * Each program takes two measurements in the same run and prints their
 * ratio as its figure, beside the goal, on one line that starts with
 * "figure "; tests/bench/run.sh gathers those lines into the table of
 * reports/bench.md. Every other line a program prints is a raw
 * measurement, kept in the report as it is.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>

/* Which way a goal points. */
typedef enum bench_goal {
  BENCH_AT_MOST,
  BENCH_AT_LEAST,
  BENCH_NO_GOAL                 /* a measurement reported, not judged */
} bench_goal;

/* Seconds on the monotonic clock. Can't fail. */
double bench_now(void);

/* Seconds of CPU time this process has used: what in-process timings
 * use, so that other work on the machine does not count. Can't fail. */
double bench_cpu(void);

/* The median of v[0..n), n > 0. Sorts v. Can't fail. */
double bench_median(double *v, size_t n);

/* Prints "figure NAME: VALUE (goal: at most GOAL) met" (or "at least",
 * "not met"; "(no goal)" for BENCH_NO_GOAL) on stdout. Returns 1 when
 * the goal is met or there is none, else 0. */
int bench_figure(const char *name, double value, bench_goal way,
                 double goal);

/* Reads a whole file. Returns its bytes with a NUL after them (the
 * caller frees) and sets *len, or returns NULL (errno set). */
char *bench_read_file(const char *path, size_t *len);

/* The peak resident set size (VmHWM) and current one (VmRSS) of process
 * pid, in bytes, from /proc. Returns 0, or -1 when they cannot be
 * read. */
int bench_rss(long pid, size_t *peak, size_t *now);

#endif
