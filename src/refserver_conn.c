/*
 * refserver_conn.c: the open connections and the header deadline.
 *
 * libmicrohttpd closes a connection that is idle for --idle-timeout,
 * but a client that sends its header section one byte at a time is
 * never idle, and could hold a connection for ever. Every connection is
 * therefore listed with the time by which its header section is due; a
 * thread wakes once a second and shuts down the socket of each
 * connection past its deadline, which libmicrohttpd then sees as a
 * close by the client. A connection leaves the list before
 * libmicrohttpd closes its socket, so the thread never touches a
 * descriptor that was reused.
 */
#include "refserver.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define SWEEP_SECONDS 1

/* Sets *t to now plus seconds on the monotonic clock. */
static void deadline_in(struct timespec *t, unsigned seconds)
{
  clock_gettime(CLOCK_MONOTONIC, t);
  t->tv_sec += (time_t)seconds;
}

/* 1 when *t is at or before now. */
static int passed(const struct timespec *t, const struct timespec *now)
{
  return t->tv_sec < now->tv_sec ||
         (t->tv_sec == now->tv_sec && t->tv_nsec <= now->tv_nsec);
}

/* Shuts down every connection past its deadline. Called with the lock
 * held. */
static void sweep(rs_conns *cs)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  for (rs_conn *c = cs->head; c; c = c->next) {
    if (!c->has_deadline || !passed(&c->deadline, &now))
      continue;
    c->has_deadline = 0;
    atomic_store(&c->cut, 1);
    shutdown(c->fd, SHUT_RDWR);
  }
}

/* The thread: sweeps once a second until told to stop. */
static void *keep_deadlines(void *arg)
{
  rs_conns *cs = arg;
  struct timespec wake;

  pthread_mutex_lock(&cs->lock);
  while (!cs->stop) {
    sweep(cs);
    deadline_in(&wake, SWEEP_SECONDS);
    pthread_cond_timedwait(&cs->wake, &cs->lock, &wake);
  }
  pthread_mutex_unlock(&cs->lock);
  return NULL;
}

/* Makes the condition the thread sleeps on, timed by the monotonic
 * clock. Returns 0 or -1. */
static int make_wake(pthread_cond_t *wake)
{
  pthread_condattr_t attr;
  int rc;

  if (pthread_condattr_init(&attr))
    return -1;
  rc = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) ||
       pthread_cond_init(wake, &attr) ? -1 : 0;
  pthread_condattr_destroy(&attr);
  return rc;
}

int rs_conns_open(rs_server *srv)
{
  rs_conns *cs = &srv->conns;

  memset(cs, 0, sizeof *cs);
  if (pthread_mutex_init(&cs->lock, NULL))
    return -1;
  if (make_wake(&cs->wake)) {
    pthread_mutex_destroy(&cs->lock);
    return -1;
  }
  cs->ready = 1;
  if (srv->opt->header_timeout == 0)
    return 0;
  if (pthread_create(&cs->thread, NULL, keep_deadlines, cs))
    return -1;
  cs->started = 1;
  return 0;
}

void rs_conns_close(rs_server *srv)
{
  rs_conns *cs = &srv->conns;

  if (!cs->ready)
    return;
  if (cs->started) {
    pthread_mutex_lock(&cs->lock);
    cs->stop = 1;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->thread, NULL);
    cs->started = 0;
  }
  pthread_cond_destroy(&cs->wake);
  pthread_mutex_destroy(&cs->lock);
  cs->ready = 0;
}

rs_conn *rs_conns_add(rs_server *srv, int fd, const char *peer)
{
  rs_conns *cs = &srv->conns;
  rs_conn *c = calloc(1, sizeof *c);

  if (!c)
    return NULL;
  c->fd = fd;
  snprintf(c->peer, sizeof c->peer, "%s", peer);
  atomic_init(&c->cut, 0);
  pthread_mutex_lock(&cs->lock);
  if (srv->opt->header_timeout) {
    deadline_in(&c->deadline, srv->opt->header_timeout);
    c->has_deadline = 1;
  }
  c->next = cs->head;
  if (cs->head)
    cs->head->prev = c;
  cs->head = c;
  pthread_mutex_unlock(&cs->lock);
  return c;
}

void rs_conns_remove(rs_server *srv, rs_conn *c)
{
  rs_conns *cs = &srv->conns;

  pthread_mutex_lock(&cs->lock);
  if (c->prev)
    c->prev->next = c->next;
  else
    cs->head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  pthread_mutex_unlock(&cs->lock);
  free(c);
}

void rs_conns_headers_in(rs_server *srv, rs_conn *c)
{
  pthread_mutex_lock(&srv->conns.lock);
  c->has_deadline = 0;
  pthread_mutex_unlock(&srv->conns.lock);
}

void rs_conns_request_ended(rs_server *srv, rs_conn *c)
{
  const rs_options *o = srv->opt;

  pthread_mutex_lock(&srv->conns.lock);
  c->has_deadline = o->header_timeout && o->idle_timeout;
  if (c->has_deadline)
    deadline_in(&c->deadline, o->idle_timeout + o->header_timeout);
  pthread_mutex_unlock(&srv->conns.lock);
}
