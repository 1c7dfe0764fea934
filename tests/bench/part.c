/*
 * part.c: UploadReadSetPart of 100 MiB parts over HTTP, timed against
 * OpenSSL's SHA-256 of the same bytes in memory.
 *
 *   part URL STORE ROUNDS [DIR [PIECE]]
 *
 * Creates one upload on the refserver at URL, then, ROUNDS times and
 * alternating: hashes the 104,857,600 bytes of a part with SHA-256 in
 * this process (one core; the server is idle meanwhile), and uploads
 * the same bytes as part N over one kept-alive connection (libcurl,
 * Content-Length, no Expect: 100-continue). Each answer must carry the
 * checksum computed here. Both are timed by wall clock; the figure is
 * the median of the per-round ratios of upload MB/s to SHA-256 MB/s.
 * The upload is aborted at the end, so the server removes the parts.
 *
 * With DIR (the server's data directory), each round also times writing
 * the same bytes to a new file there in pieces of PIECE bytes (16192 by
 * default: what refserver takes in per read with its default
 * --max-header-bytes), which is what the server does besides hashing
 * and receiving; the raw line then gives the rate a server that does
 * the two one after the other could reach at best.
 */

#include "bench.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PART_BYTES 104857600u
#define MAX_ROUNDS 20
#define SUM_LEN 44
#define SERVER_PIECE 16192

/* Where the write timing writes, and in what pieces. */
typedef struct disk {
  const char *dir;              /* NULL: no write timing */
  size_t piece;
} disk;

/* The bytes being sent and how far the upload is. */
typedef struct source {
  const unsigned char *data;
  size_t len;
  size_t at;
} source;

/* An answer being received. */
typedef struct answer {
  char text[4096];
  size_t len;
} answer;

/* libcurl's read callback: the next bytes of the part. */
static size_t read_part(char *out, size_t size, size_t count, void *cls)
{
  source *s = cls;
  size_t n = size * count;

  if (n > s->len - s->at)
    n = s->len - s->at;
  memcpy(out, s->data + s->at, n);
  s->at += n;
  return n;
}

/* libcurl's write callback: keeps the start of the answer. */
static size_t keep_answer(char *in, size_t size, size_t count, void *cls)
{
  answer *a = cls;
  size_t n = size * count, room = sizeof a->text - 1 - a->len;

  memcpy(a->text + a->len, in, n < room ? n : room);
  a->len += n < room ? n : room;
  a->text[a->len] = '\0';
  return size * count;
}

/* Fills buf with bytes from a fixed xorshift sequence. */
static void fill(unsigned char *buf, size_t len)
{
  uint64_t x = 0x9E3779B97F4A7C15ull;

  for (size_t i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = (unsigned char)(x >> 32);
  }
}

/* Hashes len bytes; the base64 checksum goes to sum. Returns the wall
 * seconds it took. */
static double time_sha256(const unsigned char *data, size_t len,
                          char sum[SUM_LEN + 1])
{
  unsigned char digest[32];
  unsigned int n = 0;
  double t0 = bench_now(), t1;

  EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL);
  t1 = bench_now();
  EVP_EncodeBlock((unsigned char *)sum, digest, 32);
  return t1 - t0;
}

/* Writes len bytes to a new file in dir in pieces of piece bytes, then
 * removes it. Returns the wall seconds the writes and the close took,
 * or a negative value when one failed. */
static double time_write(const char *dir, size_t piece,
                         const unsigned char *data, size_t len)
{
  char path[4096];
  double t0, t1 = -1;
  ssize_t n = 0;
  int fd;

  snprintf(path, sizeof path, "%s/.bench-XXXXXX", dir);
  fd = mkstemp(path);
  if (fd < 0)
    return -1;
  t0 = bench_now();
  for (size_t at = 0; at < len && n >= 0; at += (size_t)n)
    n = write(fd, data + at, len - at < piece ? len - at : piece);
  if (close(fd) == 0 && n >= 0)
    t1 = bench_now();
  unlink(path);
  return t1 < 0 ? -1 : t1 - t0;
}

/* Sends one request on h and keeps the answer in *a. Returns the HTTP
 * status, or -1 when the exchange failed. */
static long exchange(CURL *h, const char *method, const char *url,
                     const char *body, source *part, answer *a)
{
  long status = -1;

  a->len = 0;
  a->text[0] = '\0';
  curl_easy_setopt(h, CURLOPT_WRITEDATA, a);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(h, CURLOPT_UPLOAD, part ? 1L : 0L);
  if (part) {
    curl_easy_setopt(h, CURLOPT_READDATA, part);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
                     (curl_off_t)part->len);
  } else {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
  }
  if (curl_easy_perform(h) == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* Creates a FASTQ upload in store at base; its id goes to id. Returns 0
 * or -1. */
static int create_upload(CURL *h, const char *base, const char *store,
                         char id[32])
{
  static const char body[] = "{\"sourceFileType\":\"FASTQ\","
    "\"subjectId\":\"s1\",\"sampleId\":\"x1\",\"name\":\"bench\"}";
  char url[512];
  answer a;
  const char *at;

  snprintf(url, sizeof url, "%s/sequencestore/%s/upload", base, store);
  if (exchange(h, "POST", url, body, NULL, &a) != 200)
    return -1;
  at = strstr(a.text, "\"uploadId\":\"");
  if (!at || sscanf(at + 12, "%31[0-9]", id) != 1)
    return -1;
  return 0;
}

/* Uploads data as part number of the upload at prefix. Returns the wall
 * seconds it took, or a negative value when the answer was not 200
 * with the checksum sum. */
static double time_upload(CURL *h, const char *prefix, int number,
                          const unsigned char *data, const char *sum)
{
  source part = {data, PART_BYTES, 0};
  char url[640];
  answer a;
  double t0 = bench_now(), t1;
  long status;

  snprintf(url, sizeof url, "%s/part?partSource=SOURCE1&partNumber=%d",
           prefix, number);
  status = exchange(h, "PUT", url, NULL, &part, &a);
  t1 = bench_now();
  if (status != 200 || !strstr(a.text, sum)) {
    fprintf(stderr, "part: part %d: status %ld: %s\n", number, status,
            a.text);
    return -1;
  }
  return t1 - t0;
}

/* Sets what every request of h shares. Returns the header list (the
 * caller frees), or NULL. */
static struct curl_slist *setup(CURL *h)
{
  struct curl_slist *hdr = curl_slist_append(NULL, "Expect:");

  hdr = hdr ? curl_slist_append(hdr, "Content-Type: application/json")
            : NULL;
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_part);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep_answer);
  curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 1048576L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
  return hdr;
}

/* Runs the rounds on h. Returns 0 or -1. */
static int run(CURL *h, const char *prefix, int rounds,
               const unsigned char *data, const disk *d)
{
  double hash[MAX_ROUNDS], up[MAX_ROUNDS], ratio[MAX_ROUNDS];
  double wr[MAX_ROUNDS], mb = PART_BYTES / 1e6, h_rate, w_rate;
  char sum[SUM_LEN + 1];

  for (int i = 0; i < rounds; i++) {
    hash[i] = time_sha256(data, PART_BYTES, sum);
    up[i] = time_upload(h, prefix, i + 1, data, sum);
    wr[i] = d->dir ? time_write(d->dir, d->piece, data, PART_BYTES) : 1;
    if (up[i] < 0 || wr[i] < 0)
      return -1;
    ratio[i] = hash[i] / up[i];
  }
  h_rate = mb / bench_median(hash, (size_t)rounds);
  printf("part: %d rounds of %u bytes: SHA-256 in memory median "
         "%.0f MB/s, UploadReadSetPart over HTTP median %.0f MB/s\n",
         rounds, PART_BYTES, h_rate,
         mb / bench_median(up, (size_t)rounds));
  w_rate = mb / bench_median(wr, (size_t)rounds);
  if (d->dir)
    printf("part: writing the same bytes into %s in %zu-byte pieces: "
           "median %.0f MB/s; hashing, then writing: at best %.0f MB/s "
           "(%.2f of SHA-256 alone)\n", d->dir, d->piece, w_rate,
           1 / (1 / h_rate + 1 / w_rate), w_rate / (h_rate + w_rate));
  bench_figure("part-vs-sha256", bench_median(ratio, (size_t)rounds),
               BENCH_AT_LEAST, 0.7);
  return 0;
}

int main(int argc, char **argv)
{
  int rounds = argc >= 4 ? (int)strtol(argv[3], NULL, 10) : 0;
  disk d = {argc > 4 ? argv[4] : NULL, SERVER_PIECE};
  unsigned char *data = NULL;
  struct curl_slist *hdr = NULL;
  char id[32], prefix[512];
  CURL *h = NULL;
  answer a;
  int rc = 1;

  if (argc > 5)
    d.piece = (size_t)strtoul(argv[5], NULL, 10);
  if (rounds < 1 || rounds > MAX_ROUNDS || argc > 6 || d.piece == 0) {
    fprintf(stderr, "usage: part URL STORE ROUNDS (1 to %d) [DIR "
            "[PIECE]]\n", MAX_ROUNDS);
    return 2;
  }
  data = malloc(PART_BYTES);
  if (!data || curl_global_init(CURL_GLOBAL_DEFAULT) ||
      !(h = curl_easy_init()) || !(hdr = setup(h)))
    goto out;
  fill(data, PART_BYTES);
  if (create_upload(h, argv[1], argv[2], id)) {
    fprintf(stderr, "part: no upload could be created at %s\n", argv[1]);
    goto out;
  }
  snprintf(prefix, sizeof prefix, "%s/sequencestore/%s/upload/%s",
           argv[1], argv[2], id);
  rc = run(h, prefix, rounds, data, &d) ? 1 : 0;
  snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix),
           "/abort");
  exchange(h, "DELETE", prefix, NULL, NULL, &a);
out:
  curl_slist_free_all(hdr);
  if (h)
    curl_easy_cleanup(h);
  curl_global_cleanup();
  free(data);
  return rc;
}
