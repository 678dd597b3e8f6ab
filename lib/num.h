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
 * The one strict decimal parser of the tree: xenstore values, options,
 * environment variables.  Used by the library, the daemon and the
 * simulators alike.
 */

#ifndef XENNET_NUM_H
#define XENNET_NUM_H

#include <stddef.h>

/*
 * num_parse: s holds only the decimal digits of a number <= max (no
 * sign, no blanks, no empty string, no overflow).  Stores it in *out
 * and returns 0; returns -1 with EINVAL (not a number) or ERANGE
 * (above max), leaving *out alone.
 */
int	num_parse(const char *s, unsigned long long max,
	    unsigned long long *out);
/* num_parsen: the same for the len bytes at s (need not end in NUL). */
int	num_parsen(const char *s, size_t len, unsigned long long max,
	    unsigned long long *out);

#endif /* XENNET_NUM_H */
