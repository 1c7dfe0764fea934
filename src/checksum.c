/*
 * checksum.c: SHA-256 and base64 through OpenSSL's EVP interface.
 */
#include "checksum.h"

#include <openssl/evp.h>

/* A checksum_ctx is an EVP_MD_CTX; the type is never dereferenced. */

checksum_ctx *checksum_begin(void)
{
  EVP_MD_CTX *md = EVP_MD_CTX_new();

  if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1)
    return (checksum_ctx *)md;
  EVP_MD_CTX_free(md);
  return NULL;
}

int checksum_update(checksum_ctx *ctx, const void *data, size_t len)
{
  return EVP_DigestUpdate((EVP_MD_CTX *)ctx, data, len) == 1 ? 0 : -1;
}

int checksum_end(checksum_ctx *ctx, char out[CHECKSUM_LEN + 1])
{
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)ctx, digest, &n) == 1;

  EVP_MD_CTX_free((EVP_MD_CTX *)ctx);
  if (!ok || n != 32)
    return -1;
  return EVP_EncodeBlock((unsigned char *)out, digest, 32) == CHECKSUM_LEN
         ? 0 : -1;
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
  if (checksum_update(ctx, data, len) < 0) {
    checksum_free(ctx);
    return -1;
  }
  return checksum_end(ctx, out);
}
