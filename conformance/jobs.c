/*
 * jobs.c: the workers that run cases, and the ordered display of what
 * they find.
 *
 * Workers take the next entry of the phase under one lock, run it
 * without the lock, then, under the lock again, mark it done and show
 * every entry that is done and follows only shown ones. Progress,
 * failure lines and counts are touched only under the lock, so they
 * come out whole and in entry order. With several workers there are
 * two phases: the cases that need the target to themselves (they set
 * test controls, or list every open upload of their store) one at a
 * time, after the others on every worker.
 */
#include "jobs.h"

#include "output.h"

#include <pthread.h>
#include <stdlib.h>

/* What the workers share; every member is guarded by lock. */
typedef struct pool {
  pthread_mutex_t lock;
  cf_entry *e;
  size_t count;
  size_t *order;                /* the entries of this phase */
  size_t order_count;
  size_t next;                  /* the next of order to start */
  size_t shown;                 /* entries shown so far */
  unsigned char *done;          /* per entry: 1 once it has a result */
  int unreachable;              /* 1: start no more cases */
  cf_progress progress;
  cf_counts k;
} pool;

/* One worker: its target and its thread. */
typedef struct worker {
  pool *p;
  cf_target *t;
  pthread_t thread;
  int started;                  /* 1: thread runs and must be joined */
} worker;

/* Ends r in ERROR without running its case. */
static void not_run(cf_result *r, const char *why)
{
  cf_skip_case(r, why);
  r->outcome = CF_ERROR;
}

/* Shows, in order, the entries done that follow only shown ones, and
 * counts them. The lock is held. */
static void show_ready(pool *p)
{
  cf_entry *e;

  while (p->shown < p->count && p->done[p->shown]) {
    e = &p->e[p->shown++];
    if (e->result.outcome != CF_SKIPPED)
      cf_progress_case(&p->progress, e->c);
    cf_print_result(&p->progress, e);
    p->k.passed += e->result.outcome == CF_PASS;
    p->k.failed += e->result.outcome == CF_FAIL;
    p->k.errors += e->result.outcome == CF_ERROR;
    p->k.skipped += e->result.outcome == CF_SKIPPED;
    p->k.not_verified += e->result.outcome == CF_NOT_VERIFIED;
  }
}

/* Runs entry i on t, or ends it in ERROR when stop says the target is
 * unreachable. The lock is not held. */
static void run_entry(pool *p, cf_target *t, size_t i, int stop)
{
  cf_result *r = &p->e[i].result;

  if (r->outcome == CF_SKIPPED)
    return;
  if (stop)
    not_run(r, "not run: an earlier case found the target unreachable");
  else if (cf_target_use_store(t, i) < 0)
    not_run(r, "not run: out of memory choosing the store");
  else
    cf_run_case(t, p->e[i].c, r);
}

/* Runs entries until none is left. */
static void *work(void *arg)
{
  worker *w = arg;
  pool *p = w->p;
  size_t i;
  int stop;

  for (;;) {
    pthread_mutex_lock(&p->lock);
    if (p->next == p->order_count) {
      pthread_mutex_unlock(&p->lock);
      return NULL;
    }
    i = p->order[p->next++];
    stop = p->unreachable;
    pthread_mutex_unlock(&p->lock);

    run_entry(p, w->t, i, stop);

    pthread_mutex_lock(&p->lock);
    p->done[i] = 1;
    p->unreachable |= p->e[i].result.unreachable;
    show_ready(p);
    pthread_mutex_unlock(&p->lock);
  }
}

/* Runs the pool on n workers; a thread that cannot start leaves its
 * share to the others. */
static void run_workers(pool *p, cf_target **targets, size_t n,
                        worker *w)
{
  for (size_t i = 0; i < n; i++) {
    w[i].p = p;
    w[i].t = targets[i];
    w[i].started = i > 0 &&
                   pthread_create(&w[i].thread, NULL, work, &w[i]) == 0;
  }
  work(&w[0]);
  for (size_t i = 1; i < n; i++)
    if (w[i].started)
      pthread_join(w[i].thread, NULL);
}

/* Ends every entry that is not skipped in ERROR, for a run that
 * could not start. Returns the counts. */
static cf_counts none_run(cf_entry *e, size_t count)
{
  cf_counts k = {0, 0, 0, 0, 0};

  for (size_t i = 0; i < count; i++) {
    if (e[i].result.outcome != CF_SKIPPED)
      not_run(&e[i].result, "not run: out of memory");
    k.errors += e[i].result.outcome == CF_ERROR;
    k.skipped += e[i].result.outcome == CF_SKIPPED;
  }
  return k;
}

/* Puts into p->order the entries whose case needs the target to
 * itself (alone 1) or does not (0); all of them when alone is -1. */
static void pick(pool *p, int alone)
{
  const cf_case *c;

  p->order_count = 0;
  p->next = 0;
  for (size_t i = 0; i < p->count; i++) {
    c = p->e[i].c;
    if (alone < 0 || (c->controls != 0 || c->own_store) == alone)
      p->order[p->order_count++] = i;
  }
}

cf_counts cf_run_jobs(cf_target **targets, size_t n, cf_entry *e,
                      size_t count, int quiet)
{
  pool p = {.lock = PTHREAD_MUTEX_INITIALIZER, .e = e, .count = count};
  worker w[CF_JOBS_MAX];

  p.done = calloc(count + 1, 1);
  p.order = calloc(count + 1, sizeof *p.order);
  if (!p.done || !p.order) {
    free(p.done);
    free(p.order);
    return none_run(e, count);
  }
  cf_progress_start(&p.progress, count, quiet);
  if (n > 1) {
    pick(&p, 0);
    run_workers(&p, targets, n < CF_JOBS_MAX ? n : CF_JOBS_MAX, w);
    pick(&p, 1);
  } else {
    pick(&p, -1);
  }
  run_workers(&p, targets, 1, w);
  cf_progress_end(&p.progress);
  free(p.done);
  free(p.order);
  return p.k;
}
