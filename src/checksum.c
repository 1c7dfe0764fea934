/*
 * checksum.c: SHA-256 and base64 through OpenSSL's EVP interface.
 *
 * Only allocation can make these fail: once a SHA-256 context exists,
 * hashing and encoding have no failure path (the marks of never.h say
 * so). A failure leaves the thread's OpenSSL error queue empty, so no
 * stale entry outlives the call that reported it.
 */
#include "checksum.h"

#include "never.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <string.h>

/* A checksum_ctx is an EVP_MD_CTX; the type is never dereferenced. */

checksum_ctx *checksum_begin(void)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();

  if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1)
    return (checksum_ctx *)md;
  EVP_MD_CTX_free(md);
  ERR_clear_error();
  return NULL;
}

int checksum_update(checksum_ctx *ctx, const void *data, size_t len)
{
  int ok = EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len) == 1;

  return ALWAYS(ok) ? 0 : -1;
}

int checksum_end(checksum_ctx *ctx, char out[CHECKSUM_LEN + 1])
{
  unsigned char digest[EVP_MAX_MD_SIZE] = {0};
  unsigned int n = 0;
  int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, digest, &n) == 1;

  EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
  ok &= n == 32;
  ok &= EVP_EncodeBlock((unsigned char *)out, digest, 32) == CHECKSUM_LEN;
  return ALWAYS(ok) ? 0 : -1;
}

void checksum_free(checksum_ctx *ctx)
{
  EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
}

int checksum_of(const void *data, size_t len, char out[CHECKSUM_LEN + 1])
{
  checksum_ctx *ctx = checksum_begin();

  if (!ctx)
    return -1;
  if (NEVER(checksum_update(ctx, data, len) < 0)) {
    checksum_free(ctx);
    return -1;
  }
  return checksum_end(ctx, out);
}

int checksum_to_hex(const char *checksum, char out[CHECKSUM_HEX_LEN + 1])
{
  unsigned char digest[CHECKSUM_LEN];

  if (strlen(checksum) != CHECKSUM_LEN || checksum[42] == '=' ||
      checksum[43] != '=' ||
      EVP_DecodeBlock(digest, (const unsigned char *)checksum,
                      CHECKSUM_LEN) != 33)
    return -1;
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", digest[i]);
  return 0;
}
