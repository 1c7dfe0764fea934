/*
 * checksum.h: the part checksum, base64 of the SHA-256 of the part's
 * bytes (44 characters), computed incrementally so that a part can be
 * hashed while it streams.
 */
#ifndef CHECKSUM_H
#define CHECKSUM_H

#include <stddef.h>

#define CHECKSUM_LEN 44
#define CHECKSUM_HEX_LEN 64

typedef struct checksum_ctx checksum_ctx;

/* Returns a new context, or NULL when memory runs out. */
checksum_ctx *checksum_begin(void);

/* Adds len bytes. Returns 0, or -1 when the digest failed. */
int checksum_update(checksum_ctx *ctx, const void *data, size_t len);

/* Writes the checksum into out and frees ctx. Returns 0 or -1. */
int checksum_end(checksum_ctx *ctx, char out[CHECKSUM_LEN + 1]);

/* Frees a context that will not be ended. Safe on NULL. */
void checksum_free(checksum_ctx *ctx);

/* The checksum of len bytes at data in one call. Returns 0 or -1. */
int checksum_of(const void *data, size_t len, char out[CHECKSUM_LEN + 1]);

/* Writes the SHA-256 that checksum holds as 64 lower-case hex digits
 * into out. Returns 0, or -1 when checksum is not the base64 of 32
 * bytes (44 characters, the last one '='). */
int checksum_to_hex(const char *checksum, char out[CHECKSUM_HEX_LEN + 1]);

#endif
