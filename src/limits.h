/*
 * limits.h: what a service holds back: quotas, throttling, the Complete
 * deadline and injected storage failures, and the clock they run on.
 *
 * Internal to the core. A service keeps two sets of limits: those it
 * was configured with, and those in force, which the test controls
 * change and restore (control.c). Throttling is a token bucket per
 * principal; tokens are counted in billionths so that a fractional rate
 * refills exactly on a deterministic clock.
 */
#ifndef LIMITS_H
#define LIMITS_H

#include "mrsu.h"

#include <stddef.h>
#include <stdint.h>

#define LIMITS_TOKEN 1000000000LL       /* one request, in billionths */
#define LIMITS_MAX_BURST 1000000
#define LIMITS_MAX_RATE_MILLI 1000000000LL  /* 1000000 per second */

/* The operations whose storage step a fault can make fail. */
typedef enum fault_op {
  FAULT_PART,                   /* UploadReadSetPart */
  FAULT_COMPLETE,               /* CompleteMultipartReadSetUpload */
  FAULT_OPS
} fault_op;

/* One set of limits. */
typedef struct limits {
  uint64_t open_uploads;        /* OPEN uploads per store */
  uint64_t read_sets;           /* read sets per store */
  uint64_t parts;               /* parts per upload, both sources */
  uint64_t bytes;               /* bytes per upload */
  int64_t rate_milli;           /* requests per 1000 s; 0: no throttle */
  int64_t burst;                /* requests a full bucket lets through */
  int64_t deadline_ms;          /* a Complete's time limit */
  int64_t delay_ms;             /* time added to each Complete */
  uint64_t faults[FAULT_OPS];   /* storage steps still to fail */
} limits;

/* A token bucket: billionths of a request, and when it last filled. */
typedef struct bucket {
  int64_t tokens;
  int64_t seen;
} bucket;

/* The state of the limits of one service. */
typedef struct controls {
  limits now;                   /* in force */
  limits configured;            /* what a reset restores */
  bucket *buckets;              /* one per principal, then anonymous */
  size_t bucket_count;
  int64_t (*clock)(void *arg);  /* monotonic, nanoseconds */
  void *clock_arg;
} controls;

/* Starts the controls of a service from its configuration: both sets
 * of limits, full buckets for count principals and the anonymous one,
 * and the clock (the configured one; else one that stands still when
 * the service has a fixed time; else CLOCK_MONOTONIC). Returns 0, or -1
 * when memory ran out. Free with controls_free. */
int controls_init(controls *ctl, const mrsu_config *config, size_t count);

void controls_free(controls *ctl);

/* The monotonic clock of the controls, in nanoseconds. */
int64_t controls_clock(const controls *ctl);

/* Fills every bucket. Can't fail. */
void controls_fill(controls *ctl);

/* The rate of config (requests per second) in thousandths, or -1 when
 * it is negative, over 1000000, or positive but under 0.001. */
int64_t limits_rate_milli(double rate);

/* Spends one token of b at time now (nanoseconds) under l, after
 * refilling it for the time since it last filled. Returns 1 when the
 * request may go on (always, when l does not throttle), 0 when the
 * bucket is empty. */
int bucket_take(bucket *b, const limits *l, int64_t now);

/* Consumes one pending fault of op. Returns 1 when the storage step of
 * op must fail now, else 0. */
int limits_fault(limits *l, fault_op op);

#endif
