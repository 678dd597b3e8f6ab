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
 * xenstore access for the main thread.  Everything read from xenstore
 * may come from a guest (its frontend directory) or a buggy toolstack:
 * these helpers bound lengths and parse numbers strictly so callers only
 * ever see validated values.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xennetd.h"

/*
 * store_read: read dir/key into buf (NUL-terminated).  Returns 0, or -1
 * with errno ENOENT (missing), E2BIG (longer than buf), or xenstore's.
 */
int
store_read(struct xs_handle *xs, const char *dir, const char *key,
    char *buf, size_t len)
{
	char path[XENNETD_PATH_MAX];
	unsigned int n;
	char *v;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((v = xs_read(xs, XBT_NULL, path, &n)) == NULL)
		return (-1);
	if (n >= len || strlen(v) != n) {	/* too long, or embedded NUL */
		free(v);
		errno = E2BIG;
		return (-1);
	}
	memcpy(buf, v, n + 1);
	free(v);
	return (0);
}

/*
 * store_read_uint: read a decimal unsigned integer <= max.  Returns 0,
 * or -1 with errno ENOENT (missing), E2BIG (longer than any such
 * number) or EINVAL (not a number, too big).
 */
int
store_read_uint(struct xs_handle *xs, const char *dir, const char *key,
    unsigned long max, unsigned long *val)
{
	char buf[32];
	unsigned long long v;

	if (store_read(xs, dir, key, buf, sizeof(buf)) == -1)
		return (-1);
	if (num_parse(buf, max, &v) == -1) {
		errno = EINVAL;
		return (-1);
	}
	*val = (unsigned long)v;
	return (0);
}

/*
 * store_read_opt: an optional number: as store_read_uint, but a missing
 * key is not an error.  Returns 1 with *val set, 0 if the key is absent,
 * -1 with errno E2BIG or EINVAL (store_why tells which).
 */
int
store_read_opt(struct xs_handle *xs, const char *dir, const char *key,
    unsigned long max, unsigned long *val)
{
	if (store_read_uint(xs, dir, key, max, val) == 0)
		return (1);
	return (errno == ENOENT ? 0 : -1);
}

/*
 * store_read_bool: a feature flag: "1" is 1, "0" is 0, missing is def.
 * Returns -1 with EINVAL or E2BIG for anything else.
 */
int
store_read_bool(struct xs_handle *xs, const char *dir, const char *key,
    int def)
{
	unsigned long v;

	if (store_read_uint(xs, dir, key, 1, &v) == -1)
		return (errno == ENOENT ? def : -1);
	return ((int)v);
}

/*
 * store_why: what is wrong with a value store_read_uint refused with
 * errno err: "missing", "too long" or "not a number in range".
 */
const char *
store_why(int err)
{
	switch (err) {
	case ENOENT:
		return ("missing");
	case E2BIG:
		return ("too long");
	case EINVAL:
		return ("not a number in range");
	default:
		return (strerror(err));
	}
}

/* store_write: write printf-formatted value to dir/key in transaction t. */
int
store_write(struct xs_handle *xs, uint32_t t, const char *dir,
    const char *key, const char *fmt, ...)
{
	char path[XENNETD_PATH_MAX], val[256];
	va_list ap;
	int n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, key) >=
	    sizeof(path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val)) {
		errno = E2BIG;
		return (-1);
	}
	if (!xs_write(xs, t, path, val, (unsigned int)n))
		return (-1);
	return (0);
}

/*
 * store_exists: 1 if the node exists, 0 if not (ENOENT), -1 with errno
 * if xenstore could not say (the connection lost, out of memory): a
 * failed read is not a removed node.
 */
int
store_exists(struct xs_handle *xs, const char *path)
{
	unsigned int n;
	char **d;

	if ((d = xs_directory(xs, XBT_NULL, path, &n)) == NULL)
		return (errno == ENOENT ? 0 : -1);
	free(d);
	return (1);
}

/* store_parse_mac: "00:16:3e:00:00:02" -> 6 octets; 0 or -1. */
int
store_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int i, hi, lo;

	for (i = 0; i < 6; i++) {
		if (s[0] == '\0' || s[1] == '\0')
			return (-1);
		if (sscanf(s, "%1x%1x", &hi, &lo) != 2)
			return (-1);
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && *s++ != ':')
			return (-1);
	}
	return (*s == '\0' ? 0 : -1);
}
