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
 * fuzz_xsval: the parsers of values a guest or the toolstack writes in
 * xenstore (and an operator on the command line): num_parsen, the one
 * strict number parser, and store_parse_mac.  The first octet picks one
 * and, for numbers, the limit; the rest is the value.  Checked beyond
 * the sanitizers: a number is accepted exactly when it is all digits
 * and at most the limit, with the value an independent computation
 * gives; a MAC is accepted exactly when it is six colon-separated pairs
 * of hex digits, and it reads back as it was written.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xennetd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const unsigned long long limits[] = {
	0, 1, 9, 10, 255, 65535, 0x7FEF, 4294967295ULL,
	18446744073709551615ULL, 1000000, 99, 100
};

static void
fz_number(const char *s, size_t len, unsigned long long max)
{
	unsigned long long v = 0;
	unsigned __int128 ref = 0;
	int digits = len > 0, over = 0, rv;
	size_t i;

	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			digits = 0;
			break;
		}
		if (!over) {
			ref = ref * 10 + (unsigned)(s[i] - '0');
			if (ref > max)
				over = 1;
		}
	}
	rv = num_parsen(s, len, max, &v);
	if (rv == 0 && (!digits || over || v != (unsigned long long)ref))
		abort();
	if (rv == -1 && digits && !over)
		abort();
}

static void
fz_mac(const char *s, size_t len)
{
	uint8_t mac[6];
	char str[64], back[18];
	size_t i;
	int ok;

	/* a xenstore value reaches the parser as a C string */
	len = strnlen(s, len);
	ok = len == 17;
	if (len >= sizeof(str))
		return;
	memcpy(str, s, len);
	str[len] = '\0';
	for (i = 0; ok && i < 17; i++)
		ok = (i % 3 == 2) ? str[i] == ':' :
		    isxdigit((unsigned char)str[i]) != 0;
	if (store_parse_mac(str, mac) == 0) {
		if (!ok)
			abort();
		snprintf(back, sizeof(back), "%02x:%02x:%02x:%02x:%02x:%02x",
		    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
		if (strncasecmp(back, str, 17) != 0)
			abort();
	} else if (ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	if (len < 1)
		return (0);
	if (in[0] & 0x80)
		fz_mac((const char *)in + 1, len - 1);
	else
		fz_number((const char *)in + 1, len - 1,
		    limits[in[0] % (sizeof(limits) / sizeof(limits[0]))]);
	return (0);
}
