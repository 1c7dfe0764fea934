/*
 * refserver.c: the reference HTTP server of the multipart read set
 * upload API.
 *
 * The main thread reads the options, opens the data directory and the
 * core, starts the daemon (a pool of threads, each polling its share of
 * the connections) and then only waits for SIGINT or SIGTERM, which are
 * blocked in every thread. On the first signal it stops accepting, lets
 * the requests in flight finish for up to --idle-timeout seconds (a
 * second signal cuts this short), stops the daemon, frees everything
 * and exits 0.
 */
#include "refserver.h"

#include <errno.h>
#include <openssl/rand.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FIXED_TIME 1767225600
#define ID_SPREAD 900000000ULL      /* random starts keep ids 10 digits */
#define REQUEST_SPREAD 100000000000ULL
#define WAIT_STEP_NS 50000000L

/* Three random numbers: where upload, read set and request ids start. */
typedef struct id_starts {
  uint64_t upload;
  uint64_t read_set;
  uint64_t request;
} id_starts;

/* Sets where ids start: fixed with --deterministic, else random.
 * Returns 0, or -1 when no random bytes could be had. */
static int pick_id_starts(const rs_options *opt, id_starts *s)
{
  uint64_t r[3];

  s->upload = 1000000001ULL;
  s->read_set = 2000000001ULL;
  s->request = 1;
  if (opt->deterministic)
    return 0;
  if (RAND_bytes((unsigned char *)r, (int)sizeof r) != 1)
    return -1;
  s->upload += r[0] % ID_SPREAD;
  s->read_set += r[1] % ID_SPREAD;
  s->request += r[2] % REQUEST_SPREAD;
  return 0;
}

/* Creates the core's service for the options. Returns 0, or -1 with a
 * message in err. */
static int open_service(rs_server *srv, char *err, size_t errlen)
{
  const rs_options *opt = srv->opt;
  mrsu_config config;
  id_starts ids;
  char why[300];

  if (pick_id_starts(opt, &ids)) {
    snprintf(err, errlen, "no random numbers for the ids");
    return -1;
  }
  if (opt->credentials &&
      mrsu_credentials_load(opt->credentials, &srv->credentials, why,
                            sizeof why)) {
    snprintf(err, errlen, "--credentials: %s", why);
    return -1;
  }
  mrsu_config_default(&config);
  config.stores = opt->stores;
  config.store_count = opt->store_count;
  config.first_upload_id = ids.upload;
  config.first_read_set_id = ids.read_set;
  config.fixed_time = opt->deterministic ? FIXED_TIME : -1;
  config.max_json_body = opt->max_json_body;
  config.max_part_size = opt->max_part_size;
  config.principals = srv->credentials.principals;
  config.principal_count = srv->credentials.count;
  config.region = opt->region;
  config.clock_skew = opt->clock_skew;
  config.quota_open_uploads = opt->quota_open_uploads;
  config.quota_read_sets = opt->quota_read_sets;
  config.quota_parts = opt->quota_parts;
  config.quota_bytes = opt->quota_bytes;
  config.throttle_rate = opt->throttle_rate;
  config.throttle_burst = opt->throttle_burst;
  config.complete_deadline_ms = (int64_t)opt->complete_deadline_ms;
  config.test_controls = opt->test_controls;
  config.storage = (mrsu_storage){rs_files_keep_part,
                                  rs_files_keep_read_set, srv};
  srv->service = mrsu_service_new(&config);
  if (!srv->service) {
    snprintf(err, errlen, "the core could not start (out of memory)");
    return -1;
  }
  atomic_init(&srv->next_request, ids.request);
  atomic_init(&srv->in_flight, 0);
  atomic_init(&srv->buffered, 0);
  return 0;
}

/* Opens what the server needs before it listens. Returns 0, or -1 with
 * a message in err; close_server() frees what was opened either way. */
static int open_server(rs_server *srv, const rs_options *opt, char *err,
                       size_t errlen)
{
  memset(srv, 0, sizeof *srv);
  srv->opt = opt;
  if (pthread_mutex_init(&srv->lock, NULL)) {
    snprintf(err, errlen, "no mutex");
    return -1;
  }
  if (rs_files_open(srv, err, errlen) || open_service(srv, err, errlen))
    return -1;
  if (rs_conns_open(srv)) {
    snprintf(err, errlen, "the header deadline thread could not start");
    return -1;
  }
  return 0;
}

/* Frees the server. Can't fail; a data directory that could not be
 * removed is reported. */
static void close_server(rs_server *srv)
{
  char *dir = srv->data_dir_is_temp ? strdup(srv->data_dir) : NULL;

  rs_conns_close(srv);
  mrsu_service_free(srv->service);
  mrsu_credentials_free(&srv->credentials);
  if (rs_files_close(srv))
    fprintf(stderr, "refserver: data directory %s: not removed: %s\n",
            dir ? dir : "", strerror(errno));
  free(dir);
  pthread_mutex_destroy(&srv->lock);
}

/* Milliseconds since *since on the monotonic clock. */
static long elapsed_ms(const struct timespec *since)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)(now.tv_sec - since->tv_sec) * 1000L +
         (now.tv_nsec - since->tv_nsec) / 1000000L;
}

/* Waits for the in-flight requests to end, for up to the idle timeout
 * (0: no limit). Returns 0, or a signal of set that cut the wait short. */
static int wait_in_flight(rs_server *srv, const sigset_t *set)
{
  struct timespec step = {0, WAIT_STEP_NS}, start;
  long limit = (long)srv->opt->idle_timeout * 1000L;
  int signo;

  clock_gettime(CLOCK_MONOTONIC, &start);
  while (atomic_load(&srv->in_flight) > 0) {
    signo = sigtimedwait(set, NULL, &step);
    if (signo > 0)
      return signo;
    if (limit && elapsed_ms(&start) >= limit)
      return 0;
  }
  return 0;
}

/* The name of a signal of the set. */
static const char *signal_name(int signo)
{
  return signo == SIGINT ? "SIGINT" : "SIGTERM";
}

/* Stops the daemon after a signal. Can't fail. */
static void stop(rs_server *srv, struct MHD_Daemon *daemon,
                 const sigset_t *set, int signo)
{
  MHD_socket listener = MHD_quiesce_daemon(daemon);
  int quiet = srv->opt->quiet;

  if (!quiet)
    fprintf(stderr, "refserver: %s: stopping, %ld request(s) in "
            "flight\n", signal_name(signo),
            (long)atomic_load(&srv->in_flight));
  /* New clients are refused at once; the descriptor is closed only
   * once the daemon's threads, which may still use it, have ended. */
  if (listener != MHD_INVALID_SOCKET)
    shutdown(listener, SHUT_RDWR);
  signo = wait_in_flight(srv, set);
  if (!quiet && (signo || atomic_load(&srv->in_flight) > 0))
    fprintf(stderr, "refserver: %s: closing %ld request(s) in flight\n",
            signo ? signal_name(signo) : "grace period over",
            (long)atomic_load(&srv->in_flight));
  MHD_stop_daemon(daemon);
  if (listener != MHD_INVALID_SOCKET)
    close(listener);
  if (!quiet)
    fprintf(stderr, "refserver: stopped\n");
}

/* Prints where the server listens: stdout for scripts, a log line. */
static void announce(const rs_server *srv, struct MHD_Daemon *daemon)
{
  const rs_options *opt = srv->opt;
  int v6 = strchr(opt->address, ':') != NULL;
  unsigned port = rs_http_port(daemon);

  printf("listening on http://%s%s%s:%u\n", v6 ? "[" : "", opt->address,
         v6 ? "]" : "", port);
  fflush(stdout);
  if (!opt->quiet)
    fprintf(stderr, "refserver: listening on %s%s%s:%u, %zu sequence "
            "store(s), %zu principal(s), %u thread(s), data in %s%s\n",
            v6 ? "[" : "", opt->address, v6 ? "]" : "", port,
            opt->store_count, srv->credentials.count, opt->threads,
            srv->data_dir, opt->test_controls ? ", test controls on" : "");
}

/* Says loudly, whatever --quiet says, that nobody is authenticated. */
static void warn_open(const rs_options *opt)
{
  if (!opt->credentials)
    fprintf(stderr, "WARNING: refserver runs without --credentials: "
            "requests are not authenticated and anyone who reaches %s may "
            "use every sequence store\n", opt->address);
}

/* Runs the server until a signal. Returns the exit status. */
static int serve(const rs_options *opt)
{
  rs_server srv;
  struct MHD_Daemon *daemon = NULL;
  sigset_t set;
  char err[400];
  int signo = 0, rc = 1;

  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  warn_open(opt);
  if (open_server(&srv, opt, err, sizeof err)) {
    fprintf(stderr, "refserver: %s\n", err);
    goto out;
  }
  daemon = rs_http_start(&srv);
  if (!daemon) {
    fprintf(stderr, "refserver: cannot listen on %s port %u\n",
            opt->address, opt->port);
    goto out;
  }
  announce(&srv, daemon);
  while (sigwait(&set, &signo) != 0)
    continue;
  stop(&srv, daemon, &set, signo);
  rc = 0;
out:
  close_server(&srv);
  return rc;
}

int main(int argc, char **argv)
{
  rs_options opt;
  char err[300];
  int rc = 0;

  switch (rs_options_parse(argc, argv, &opt, err, sizeof err)) {
  case RS_HELP:
    rs_options_help(stdout);
    break;
  case RS_VERSION:
    printf("refserver %s (libmicrohttpd %s)\n", RS_RELEASE,
           MHD_get_version());
    break;
  case RS_BAD_OPTIONS:
    fprintf(stderr, "refserver: %s\nTry 'refserver --help'.\n", err);
    rc = 2;
    break;
  case RS_RUN:
    rc = serve(&opt);
    break;
  }
  rs_options_free(&opt);
  return rc;
}
