/*
 * Copyright (c) 2026 The xennetd authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * The Toeplitz hash of Microsoft's Receive Side Scaling, as netif.h
 * "Hash algorithms" defines it for XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ:
 * for every bit of the input, most significant bit of its first octet
 * first, that is set, the 32 bits of the key that start at the same bit
 * position are XORed into the result.  Key bits past the key's end are
 * zero (netif.h: "Any key octets not specified are assumed to be zero").
 */

#ifndef XENNET_TOEPLITZ_H
#define XENNET_TOEPLITZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * The 40-octet key of Microsoft's RSS verification suite, the usual
 * default key and the one every Toeplitz implementation is checked with.
 */
#define TOEPLITZ_MS_KEY_LEN	40
extern const uint8_t toeplitz_ms_key[TOEPLITZ_MS_KEY_LEN];

/*
 * toeplitz_hash: the hash of the len octets at in under the key of
 * keylen octets (an empty key hashes everything to 0).
 */
uint32_t	toeplitz_hash(const uint8_t *key, size_t keylen,
		    const uint8_t *in, size_t len);

#endif /* XENNET_TOEPLITZ_H */
