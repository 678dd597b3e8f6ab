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

/* The Toeplitz hash (toeplitz.h). */

#include <stddef.h>
#include <stdint.h>

#include "toeplitz.h"

const uint8_t toeplitz_ms_key[TOEPLITZ_MS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa
};

/*
 * The 32-bit window of the key that the current input bit selects is
 * kept in win; each input bit shifts it left by one and brings in the
 * next key bit, taken from the key octet four past the current input
 * octet.
 */
uint32_t
toeplitz_hash(const uint8_t *key, size_t keylen, const uint8_t *in,
    size_t len)
{
	uint32_t hash = 0, win = 0;
	size_t i;
	uint8_t next;
	int bit;

	for (i = 0; i < 4; i++)
		win = win << 8 | (i < keylen ? key[i] : 0);
	for (i = 0; i < len; i++) {
		next = i + 4 < keylen ? key[i + 4] : 0;
		for (bit = 7; bit >= 0; bit--) {
			if ((in[i] >> bit) & 1)
				hash ^= win;
			win = win << 1 | ((next >> bit) & 1);
		}
	}
	return (hash);
}
