/*
 * refserver_opts.c: the command line of refserver.
 *
 * Every option is "--name VALUE" or "--name=VALUE" (flags take no
 * value). A table names each option, where its value goes and the range
 * a number must be in; --help prints the same table with the defaults.
 */
#include "refserver.h"

#include "text.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_ADDRESS "127.0.0.1"
#define DEFAULT_PORT 8080
#define DEFAULT_HEADER_BYTES 32768
#define DEFAULT_IDLE_TIMEOUT 30
#define DEFAULT_HEADER_TIMEOUT 10
#define DEFAULT_MAX_CONNECTIONS 256
#define DEFAULT_PER_IP_CONNECTIONS 64
#define DEFAULT_BUFFERED_BYTES (256u * 1024u * 1024u)
#define CONNECTIONS_MAX 65536
#define DEFAULT_THREADS 4
#define HELP_WIDTH 79
#define HELP_INDENT 28
#define QUOTA_MAX 9007199254740991ULL   /* 2^53 - 1 */
#define RATE_MAX 1000000.0
#define REGION_MAX 64

typedef enum opt_kind {
  K_FLAG,                       /* sets an int to 1 */
  K_TEXT,                       /* keeps the value */
  K_SIZE,                       /* a size_t within min..max */
  K_UINT,                       /* an unsigned within min..max */
  K_U64,                        /* a uint64_t within min..max */
  K_RATE,                       /* a decimal: 0, or 0.001 to 1000000 */
  K_STORE,                      /* adds a sequence store */
  K_HELP,
  K_VERSION
} opt_kind;

/* One option: its name, what it sets and how, and its --help text. A
 * number's default is printed from the defaults; other options name
 * theirs in dflt. */
typedef struct opt_def {
  const char *name;
  opt_kind kind;
  size_t offset;                /* of the field in rs_options */
  unsigned long long min, max;
  const char *arg;
  const char *help;
  const char *dflt;
} opt_def;

#define AT(field) offsetof(rs_options, field)

static const opt_def options[] = {
  {"address", K_TEXT, AT(address), 0, 0, "IP",
   "address to listen on, IPv4 or IPv6", DEFAULT_ADDRESS},
  {"port", K_UINT, AT(port), 0, 65535, "PORT",
   "port to listen on; 0 picks a free one", NULL},
  {"store", K_STORE, 0, 0, 0, "ID",
   "a sequence store that exists; repeatable", MRSU_DEFAULT_STORE},
  {"data-dir", K_TEXT, AT(data_dir), 0, 0, "DIR",
   "where parts are kept, created if missing",
   "a new temporary directory, removed at exit"},
  {"max-header-bytes", K_SIZE, AT(max_header_bytes), 4096, 1048576, "N",
   "memory of one connection for its request line and headers; a "
   "larger header section is refused with 431", NULL},
  {"max-json-body", K_SIZE, AT(max_json_body), 1, 1073741824, "N",
   "largest body of a JSON operation, in bytes", NULL},
  {"max-part-size", K_SIZE, AT(max_part_size), 1, 1099511627776ULL, "N",
   "largest part, in bytes", NULL},
  {"idle-timeout", K_UINT, AT(idle_timeout), 0, 86400, "SECONDS",
   "close a connection idle this long; 0 never", NULL},
  {"header-timeout", K_UINT, AT(header_timeout), 0, 86400, "SECONDS",
   "time a client has to send a request line and headers, from when "
   "its connection opens (for a later request on the connection: from "
   "when the previous one ended, plus --idle-timeout; no limit when that "
   "is 0); the connection is then closed; 0 no limit", NULL},
  {"max-connections", K_UINT, AT(max_connections), 1, CONNECTIONS_MAX,
   "N", "connections served at once, at least --threads; further "
   "clients wait to be accepted", NULL},
  {"per-ip-connections", K_UINT, AT(per_ip_connections), 0,
   CONNECTIONS_MAX, "N", "connections one IP address may have open at "
   "once; further ones are closed at once; 0 no limit", NULL},
  {"max-buffered-bytes", K_SIZE, AT(max_buffered_bytes), 1,
   1099511627776ULL, "N", "bytes the JSON bodies being received may hold "
   "in memory between them (a body with Content-Length holds all of it "
   "from its headers on); a body that would pass it is answered 429 "
   "ThrottlingException (\"too many bodies in flight\") with Connection: "
   "close", NULL},
  {"threads", K_UINT, AT(threads), 1, 256, "N",
   "threads serving connections", NULL},
  {"deterministic", K_FLAG, AT(deterministic), 0, 0, NULL,
   "fixed clock (2026-01-01T00:00:00Z), also for the date of a "
   "signature (a client must sign as at that time: conform "
   "--sign-time); upload, read set and request ids counted from fixed "
   "starts",
   "the real clock, ids from random starts"},
  {"quiet", K_FLAG, AT(quiet), 0, 0, NULL,
   "no log lines, only errors and warnings", NULL},
  {"credentials", K_TEXT, AT(credentials), 0, 0, "FILE",
   "the principals that may call, with their secrets and sequence "
   "stores (a JSON file; SPEC.md section 14.5); every request must then "
   "carry an AWS Signature Version 4",
   "none: no authentication, allowed on a loopback address only"},
  {"region", K_TEXT, AT(region), 0, 0, "REGION",
   "the region requests must be signed for", MRSU_DEFAULT_REGION},
  {"clock-skew", K_UINT, AT(clock_skew), 0, 86400, "SECONDS",
   "how far x-amz-date may be from the server's clock", NULL},
  {"quota-open-uploads", K_U64, AT(quota_open_uploads), 0, QUOTA_MAX, "N",
   "open uploads a sequence store may hold (402 beyond)", NULL},
  {"quota-read-sets", K_U64, AT(quota_read_sets), 0, QUOTA_MAX, "N",
   "read sets a sequence store may hold (402 beyond)", NULL},
  {"quota-parts", K_U64, AT(quota_parts), 0, QUOTA_MAX, "N",
   "parts an upload may hold, both sources (402 beyond)", NULL},
  {"quota-bytes", K_U64, AT(quota_bytes), 0, QUOTA_MAX, "N",
   "bytes the parts of an upload may hold (402 beyond)", NULL},
  {"throttle-rate", K_RATE, AT(throttle_rate), 0, 0, "R",
   "requests a second each principal may send, in steps of 0.001 (429 "
   "beyond); 0 turns throttling off", NULL},
  {"throttle-burst", K_U64, AT(throttle_burst), 1, 1000000, "N",
   "requests a principal may send at once", NULL},
  {"complete-deadline-ms", K_U64, AT(complete_deadline_ms), 1, 86400000,
   "MS", "time a Complete may take (408 beyond)", NULL},
  {"test-controls", K_FLAG, AT(test_controls), 0, 0, NULL,
   "serve POST and DELETE /_mrsu/control (SPEC.md section 16); allowed "
   "on a loopback address only", "off"},
  {"help", K_HELP, 0, 0, 0, NULL, "print this help and exit", NULL},
  {"version", K_VERSION, 0, 0, 0, NULL, "print the version and exit",
   NULL},
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

/* Sets the defaults. Can't fail. */
static void set_defaults(rs_options *opt)
{
  memset(opt, 0, sizeof *opt);
  opt->address = DEFAULT_ADDRESS;
  opt->port = DEFAULT_PORT;
  opt->max_header_bytes = DEFAULT_HEADER_BYTES;
  opt->max_json_body = MRSU_MAX_JSON_BODY;
  opt->max_part_size = MRSU_MAX_PART_SIZE;
  opt->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  opt->header_timeout = DEFAULT_HEADER_TIMEOUT;
  opt->max_connections = DEFAULT_MAX_CONNECTIONS;
  opt->per_ip_connections = DEFAULT_PER_IP_CONNECTIONS;
  opt->max_buffered_bytes = DEFAULT_BUFFERED_BYTES;
  opt->threads = DEFAULT_THREADS;
  opt->region = MRSU_DEFAULT_REGION;
  opt->clock_skew = MRSU_DEFAULT_CLOCK_SKEW;
  opt->quota_open_uploads = MRSU_DEFAULT_OPEN_UPLOADS;
  opt->quota_read_sets = MRSU_DEFAULT_READ_SETS;
  opt->quota_parts = MRSU_DEFAULT_PARTS;
  opt->quota_bytes = MRSU_DEFAULT_UPLOAD_BYTES;
  opt->throttle_burst = MRSU_DEFAULT_THROTTLE_BURST;
  opt->complete_deadline_ms = MRSU_DEFAULT_COMPLETE_DEADLINE_MS;
}

/* The option named by the len bytes at name, or NULL. */
static const opt_def *find_option(const char *name, size_t len)
{
  for (size_t i = 0; i < OPTION_COUNT; i++)
    if (strlen(options[i].name) == len &&
        !memcmp(options[i].name, name, len))
      return &options[i];
  return NULL;
}

/* Reads a decimal number within the option's range into *out. Returns
 * 0, or -1 with a message in err. */
static int read_number(const opt_def *d, const char *value,
                       unsigned long long *out, char *err, size_t errlen)
{
  char *end = NULL;
  unsigned long long n = 0;

  errno = 0;
  if (value[0] >= '0' && value[0] <= '9')
    n = strtoull(value, &end, 10);
  if (!end || *end || errno || n < d->min || n > d->max) {
    snprintf(err, errlen, "--%s: expected a whole number from %llu to "
             "%llu, not '%s'", d->name, d->min, d->max, value);
    return -1;
  }
  *out = n;
  return 0;
}

/* Adds a sequence store. Returns 0, or -1 with a message in err. */
static int add_store(rs_options *opt, const char *id, char *err,
                     size_t errlen)
{
  if (!text_is_id(id)) {
    snprintf(err, errlen, "--store: a sequence store id is 10 to 36 "
             "digits 0-9, not '%s'", id);
    return -1;
  }
  for (size_t i = 0; i < opt->store_count; i++)
    if (!strcmp(opt->stores[i], id)) {
      snprintf(err, errlen, "--store: '%s' is given twice", id);
      return -1;
    }
  opt->stores[opt->store_count++] = id;
  return 0;
}

/* Checks an --address value. Returns 0, or -1 with a message in err. */
static int check_address(const char *value, char *err, size_t errlen)
{
  unsigned char addr[sizeof(struct in6_addr)];

  if (inet_pton(AF_INET, value, addr) == 1 ||
      inet_pton(AF_INET6, value, addr) == 1)
    return 0;
  snprintf(err, errlen, "--address: expected an IPv4 or IPv6 address, "
           "not '%s'", value);
  return -1;
}

/* Checks a --region value: 1 to 64 of a-z, 0-9 and '-'. Returns 0, or
 * -1 with a message in err. */
static int check_region(const char *value, char *err, size_t errlen)
{
  size_t n = strlen(value);

  if (n >= 1 && n <= REGION_MAX &&
      strspn(value, "abcdefghijklmnopqrstuvwxyz0123456789-") == n)
    return 0;
  snprintf(err, errlen, "--region: expected 1 to %d of a-z, 0-9 and '-', "
           "not '%s'", REGION_MAX, value);
  return -1;
}

/* Reads a --throttle-rate value: digits, optionally '.' and digits, 0
 * or 0.001 to 1000000. Returns 0, or -1 with a message in err. */
static int read_rate(const char *value, double *out, char *err,
                     size_t errlen)
{
  size_t whole = strspn(value, "0123456789"), frac = 0;
  double rate = 0.0;

  if (value[whole] == '.')
    frac = strspn(value + whole + 1, "0123456789") + 1;
  if (whole > 0 && value[whole + frac] == '\0' && frac != 1)
    rate = strtod(value, NULL);
  else
    rate = -1.0;
  if (rate == 0.0 || (rate >= 0.001 && rate <= RATE_MAX)) {
    *out = rate;
    return 0;
  }
  snprintf(err, errlen, "--throttle-rate: expected 0, or a number from "
           "0.001 to 1000000, not '%s'", value);
  return -1;
}

/* Applies one option with its value (NULL for a flag). Returns 0, or -1
 * with a message in err. */
static int apply(rs_options *opt, const opt_def *d, const char *value,
                 char *err, size_t errlen)
{
  char *field = (char *)opt + d->offset;
  unsigned long long n;

  switch (d->kind) {
  case K_FLAG:
    *(int *)field = 1;
    return 0;
  case K_TEXT:
    if ((d->offset == AT(address) && check_address(value, err, errlen)) ||
        (d->offset == AT(region) && check_region(value, err, errlen)))
      return -1;
    *(const char **)field = value;
    return 0;
  case K_STORE:
    return add_store(opt, value, err, errlen);
  case K_RATE:
    return read_rate(value, (double *)field, err, errlen);
  default:
    break;
  }
  if (read_number(d, value, &n, err, errlen))
    return -1;
  if (d->kind == K_SIZE)
    *(size_t *)field = (size_t)n;
  else if (d->kind == K_U64)
    *(uint64_t *)field = (uint64_t)n;
  else
    *(unsigned *)field = (unsigned)n;
  return 0;
}

/* Reads the option at argv[*i], and its value, advancing *i. Returns
 * RS_RUN, RS_HELP, RS_VERSION or RS_BAD_OPTIONS (message in err). */
static rs_parsed parse_one(int argc, char **argv, int *i, rs_options *opt,
                           char *err, size_t errlen)
{
  const char *arg = argv[*i], *eq, *value = NULL;
  const opt_def *d;

  if (strncmp(arg, "--", 2)) {
    snprintf(err, errlen, "unexpected argument '%s'", arg);
    return RS_BAD_OPTIONS;
  }
  eq = strchr(arg + 2, '=');
  d = find_option(arg + 2, eq ? (size_t)(eq - arg - 2) : strlen(arg + 2));
  if (!d) {
    snprintf(err, errlen, "unknown option '%s'", arg);
    return RS_BAD_OPTIONS;
  }
  if (d->arg && eq)
    value = eq + 1;
  else if (d->arg && *i + 1 < argc)
    value = argv[++*i];
  else if (d->arg || eq) {
    snprintf(err, errlen, d->arg ? "--%s needs a value" :
             "--%s takes no value", d->name);
    return RS_BAD_OPTIONS;
  }
  if (d->kind == K_HELP || d->kind == K_VERSION)
    return d->kind == K_HELP ? RS_HELP : RS_VERSION;
  return apply(opt, d, value, err, errlen) ? RS_BAD_OPTIONS : RS_RUN;
}

/* Refuses what must not be reachable from other hosts: the test
 * controls, and a server without credentials, on an address that is
 * not loopback. Returns 0, or -1 with a message in err. */
static int check_exposure(const rs_options *opt, char *err, size_t errlen)
{
  if (rs_options_loopback(opt))
    return 0;
  if (opt->test_controls)
    snprintf(err, errlen, "--test-controls: allowed on a loopback "
             "address only, not on %s", opt->address);
  else if (!opt->credentials)
    snprintf(err, errlen, "--credentials FILE is required on %s, which "
             "is not a loopback address", opt->address);
  else
    return 0;
  return -1;
}

/* Refuses fewer connections than threads: libmicrohttpd shares the
 * connections out between its threads, and a thread with none would
 * never accept. Returns 0, or -1 with a message in err. */
static int check_connections(const rs_options *opt, char *err,
                             size_t errlen)
{
  if (opt->max_connections >= opt->threads)
    return 0;
  snprintf(err, errlen, "--max-connections: %u is fewer than --threads "
           "(%u)", opt->max_connections, opt->threads);
  return -1;
}

rs_parsed rs_options_parse(int argc, char **argv, rs_options *opt,
                           char *err, size_t errlen)
{
  static const char *const default_store[] = {MRSU_DEFAULT_STORE};
  rs_parsed rc = RS_RUN;

  set_defaults(opt);
  opt->stores = calloc((size_t)argc + 1, sizeof *opt->stores);
  if (!opt->stores) {
    snprintf(err, errlen, "out of memory");
    return RS_BAD_OPTIONS;
  }
  for (int i = 1; i < argc && rc == RS_RUN; i++)
    rc = parse_one(argc, argv, &i, opt, err, errlen);
  if (rc == RS_RUN && opt->store_count == 0) {
    opt->stores[0] = default_store[0];
    opt->store_count = 1;
  }
  if (rc == RS_RUN && (check_exposure(opt, err, errlen) ||
                       check_connections(opt, err, errlen)))
    rc = RS_BAD_OPTIONS;
  return rc;
}

int rs_options_loopback(const rs_options *opt)
{
  struct in_addr v4;
  struct in6_addr v6;

  if (inet_pton(AF_INET, opt->address, &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  return inet_pton(AF_INET6, opt->address, &v6) == 1 &&
         IN6_IS_ADDR_LOOPBACK(&v6);
}

void rs_options_free(rs_options *opt)
{
  free(opt->stores);
  opt->stores = NULL;
  opt->store_count = 0;
}

/* The default of option d as text in out. */
static const char *default_text(const opt_def *d, char *out, size_t len)
{
  rs_options dflt;
  const char *field = (const char *)&dflt + d->offset;

  set_defaults(&dflt);
  if (d->kind == K_SIZE)
    snprintf(out, len, "%zu", *(const size_t *)field);
  else if (d->kind == K_UINT)
    snprintf(out, len, "%u", *(const unsigned *)field);
  else if (d->kind == K_U64)
    snprintf(out, len, "%llu",
             (unsigned long long)*(const uint64_t *)field);
  else if (d->kind == K_RATE)
    snprintf(out, len, "%g", *(const double *)field);
  else
    return d->dflt;
  return out;
}

/* Writes text to f from column HELP_INDENT, wrapping at HELP_WIDTH. */
static void write_wrapped(FILE *f, const char *text)
{
  size_t col = HELP_INDENT, word;

  while (*text) {
    word = strcspn(text, " ");
    if (col > HELP_INDENT && col + 1 + word > HELP_WIDTH) {
      fprintf(f, "\n%*s", HELP_INDENT, "");
      col = HELP_INDENT;
    } else if (col > HELP_INDENT) {
      fputc(' ', f);
      col++;
    }
    fprintf(f, "%.*s", (int)word, text);
    col += word;
    text += word;
    text += strspn(text, " ");
  }
  fputc('\n', f);
}

/* Writes the --help entry of option d. */
static void help_entry(FILE *f, const opt_def *d)
{
  char left[40], number[32], text[300];
  const char *dflt = default_text(d, number, sizeof number);

  snprintf(left, sizeof left, "--%s%s%s", d->name, d->arg ? " " : "",
           d->arg ? d->arg : "");
  snprintf(text, sizeof text, "%s%s%s%s", d->help,
           dflt ? " (default: " : "", dflt ? dflt : "", dflt ? ")" : "");
  fprintf(f, "  %-*s", HELP_INDENT - 2, left);
  if (strlen(left) > HELP_INDENT - 3)
    fprintf(f, "\n%*s", HELP_INDENT, "");
  write_wrapped(f, text);
}

void rs_options_help(FILE *f)
{
  fprintf(f, "Usage: refserver [OPTION]...\n"
          "Serves the multipart read set upload API (reference "
          "implementation)\nover HTTP/1.1. Logs one line per request "
          "on stderr.\n\n");
  for (size_t i = 0; i < OPTION_COUNT; i++)
    help_entry(f, &options[i]);
  fprintf(f, "\nWithout --credentials the server authenticates nobody "
          "and says so on stderr\nin a line starting with WARNING:; it "
          "then listens on a loopback address\nonly. --test-controls "
          "likewise. Signing name: " MRSU_SERVICE_NAME ".\n"
          "\nOn SIGINT or SIGTERM the server stops accepting, lets "
          "requests in flight\nfinish for up to --idle-timeout seconds "
          "(a second signal stops at once)\nand exits 0. Bad options "
          "exit 2; a failure to start exits 1.\n");
}
