/*
 * limits.c: the limits of a service, its token buckets and its clock.
 *
 * A bucket holds at most burst tokens and gains rate tokens a second.
 * It is refilled lazily, when a request of its principal arrives: by
 * the elapsed time times the rate, or to full when that time is enough
 * to fill it (which also keeps the product from overflowing).
 */
#include "limits.h"

#include <stdlib.h>
#include <time.h>

/* CLOCK_MONOTONIC in nanoseconds. */
static int64_t real_clock(void *arg)
{
  struct timespec ts;

  (void)arg;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A clock that stands still, for services with a fixed time. */
static int64_t still_clock(void *arg)
{
  (void)arg;
  return 0;
}

int64_t limits_rate_milli(double rate)
{
  double milli = rate * 1000.0 + 0.5;

  if (!(rate >= 0.0) || milli >= (double)LIMITS_MAX_RATE_MILLI + 1.0 ||
      (rate > 0.0 && milli < 1.0))
    return -1;
  return (int64_t)milli;
}

/* The limits a configuration asks for; its rate is already valid. */
static void limits_of(limits *l, const mrsu_config *config)
{
  l->open_uploads = config->quota_open_uploads;
  l->read_sets = config->quota_read_sets;
  l->parts = config->quota_parts;
  l->bytes = config->quota_bytes;
  l->rate_milli = limits_rate_milli(config->throttle_rate);
  l->burst = (int64_t)config->throttle_burst;
  l->deadline_ms = config->complete_deadline_ms;
  l->delay_ms = 0;
  for (int i = 0; i < FAULT_OPS; i++)
    l->faults[i] = 0;
}

int controls_init(controls *ctl, const mrsu_config *config, size_t count)
{
  limits_of(&ctl->configured, config);
  ctl->now = ctl->configured;
  ctl->clock = config->monotonic_ns ? config->monotonic_ns
               : config->fixed_time >= 0 ? still_clock : real_clock;
  ctl->clock_arg = config->monotonic_arg;
  ctl->bucket_count = count + 1;
  ctl->buckets = calloc(ctl->bucket_count, sizeof *ctl->buckets);
  if (!ctl->buckets)
    return -1;
  controls_fill(ctl);
  return 0;
}

void controls_free(controls *ctl)
{
  free(ctl->buckets);
  ctl->buckets = NULL;
}

int64_t controls_clock(const controls *ctl)
{
  return ctl->clock(ctl->clock_arg);
}

void controls_fill(controls *ctl)
{
  int64_t now = controls_clock(ctl);

  for (size_t i = 0; i < ctl->bucket_count; i++) {
    ctl->buckets[i].tokens = ctl->now.burst * LIMITS_TOKEN;
    ctl->buckets[i].seen = now;
  }
}

/* Adds what the time since b last filled is worth, up to full. */
static void refill(bucket *b, const limits *l, int64_t now)
{
  int64_t room = l->burst * LIMITS_TOKEN - b->tokens;
  int64_t gap = now - b->seen;

  if (gap <= 0)
    return;
  b->seen = now;
  /* room * 1000 is at most 10^18: it fits. */
  if (gap >= room * 1000 / l->rate_milli)
    b->tokens += room;
  else
    b->tokens += gap * l->rate_milli / 1000;
}

int bucket_take(bucket *b, const limits *l, int64_t now)
{
  if (l->rate_milli == 0)
    return 1;
  refill(b, l, now);
  if (b->tokens < LIMITS_TOKEN)
    return 0;
  b->tokens -= LIMITS_TOKEN;
  return 1;
}

int limits_fault(limits *l, fault_op op)
{
  if (l->faults[op] == 0)
    return 0;
  l->faults[op]--;
  return 1;
}
