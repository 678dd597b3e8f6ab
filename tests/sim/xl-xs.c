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
 * xl-sim: xenstore access, reads, writes, permissions, key lists and
 * libxl's transaction loop, on one connection (xl_xs).
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "num.h"
#include "xl.h"

struct xs_handle	*xl_xs;

/*
 * xl_xs_open: connect to xenstore (libxenstore honours XENSTORED_PATH).
 * Returns 0, or -1 after a message.
 */
int
xl_xs_open(void)
{

	xl_xs = xs_open(0);
	if (xl_xs == NULL) {
		xl_log(XL_ERROR, S_XLSIM, -1, errno,
		    "cannot connect to xenstore (XENSTORED_PATH=%s)",
		    getenv("XENSTORED_PATH") != NULL ?
		    getenv("XENSTORED_PATH") : "unset");
		return (-1);
	}
	return (0);
}

/*
 * xenstore helpers.  Values are returned NUL terminated and malloc'ed
 * (free them); NULL means absent (errno ENOENT) or an error.
 */
char *
xl_xs_read(xs_transaction_t t, const char *path)
{
	unsigned int len;
	char *v;

	v = xs_read(xl_xs, t, path, &len);
	return (v);
}

/* xl_xs_readint: read a decimal node; -1 if absent or not a number. */
int
xl_xs_readint(xs_transaction_t t, const char *path, long *val)
{
	unsigned long long n;
	char *v;
	int rc;

	v = xl_xs_read(t, path);
	if (v == NULL)
		return (-1);
	rc = num_parse(v, LONG_MAX, &n);
	if (rc == 0)
		*val = (long)n;
	free(v);
	return (rc);
}

int
xl_xs_write(xs_transaction_t t, const char *path, const char *val)
{

	if (!xs_write(xl_xs, t, path, val, strlen(val)))
		return (-1);
	return (0);
}

/* xl_xs_write_state: write state s to path, in decimal as libxl does. */
int
xl_xs_write_state(xs_transaction_t t, const char *path, XenbusState s)
{
	char v[12];

	snprintf(v, sizeof(v), "%d", (int)s);
	return (xl_xs_write(t, path, v));
}

/* xl_xs_mknod: an empty node with the given permissions. */
int
xl_xs_mknod(xs_transaction_t t, const char *path,
    struct xs_permissions *perms, unsigned int nperms)
{

	if (xl_xs_write(t, path, "") == -1 ||
	    !xs_set_permissions(xl_xs, t, path, perms, nperms))
		return (-1);
	return (0);
}

/* xl_xs_rm: remove a subtree; a missing one is not an error. */
int
xl_xs_rm(xs_transaction_t t, const char *path)
{

	if (!xs_rm(xl_xs, t, path) && errno != ENOENT)
		return (-1);
	return (0);
}

/*
 * xl_xs_path_cleanup: remove path, then each parent that became an
 * empty directory with an empty value (libxl__xs_path_cleanup).  Returns
 * 0, or -1 if path itself could not be removed.
 */
int
xl_xs_path_cleanup(xs_transaction_t t, const char *path)
{
	char buf[XL_PATHLEN], *last, *v, **ents;
	unsigned int n;
	int empty;

	if (xl_fmt(buf, sizeof(buf), "%s", path) == -1)
		return (-1);
	if (!xs_rm(xl_xs, t, buf))
		return (-1);
	while ((last = strrchr(buf, '/')) != NULL) {
		*last = '\0';
		if (buf[0] == '\0')
			break;
		v = xl_xs_read(t, buf);
		empty = v != NULL && v[0] == '\0';
		free(v);
		if (!empty)
			break;
		ents = xs_directory(xl_xs, t, buf, &n);
		free(ents);
		if (ents == NULL || n != 0)
			break;
		if (!xs_rm(xl_xs, t, buf))
			return (-1);
	}
	return (0);
}

/*
 * xl_xs_txn: run fn(t, arg) inside a xenstore transaction and commit,
 * starting over while the commit fails with EAGAIN (libxl's loop).
 * fn returns 0 to commit, or an error (< 0) to abort.  Returns 0, fn's
 * error, or XL_ERROR_FAIL if xenstore failed.
 */
int
xl_xs_txn(int (*fn)(xs_transaction_t, void *), void *arg)
{
	xs_transaction_t t;
	int rc;

	for (;;) {
		t = xs_transaction_start(xl_xs);
		if (t == XBT_NULL) {
			xl_log(XL_ERROR, S_XLSIM, -1, errno,
			    "xs_transaction_start failed");
			return (XL_ERROR_FAIL);
		}
		rc = fn(t, arg);
		if (rc != 0) {
			xs_transaction_end(xl_xs, t, true);
			return (rc);
		}
		if (xs_transaction_end(xl_xs, t, false))
			return (0);
		if (errno != EAGAIN) {
			xl_log(XL_ERROR, S_XLSIM, -1, errno,
			    "xs transaction failed");
			return (XL_ERROR_FAIL);
		}
	}
}

/* xl_xs_kv_add: append key = printf(fmt, ...) to kvs (bounded). */
void
xl_xs_kv_add(struct xl_kvs *kvs, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (kvs->kv_n >= XL_MAXKV)
		abort();	/* a programming error: XL_MAXKV too small */
	kvs->kv_key[kvs->kv_n] = key;
	va_start(ap, fmt);
	vsnprintf(kvs->kv_val[kvs->kv_n], XL_VALLEN, fmt, ap);
	va_end(ap);
	kvs->kv_n++;
}

/*
 * xl_xs_kv_write: write every dir/key = value of kvs; with perms, set
 * them on each key (libxl__xs_writev_perms).  Returns 0 or -1.
 */
int
xl_xs_kv_write(xs_transaction_t t, const char *dir,
    const struct xl_kvs *kvs, struct xs_permissions *perms,
    unsigned int nperms)
{
	char path[XL_PATHLEN];
	int i;

	for (i = 0; i < kvs->kv_n; i++) {
		if (xl_fmt(path, sizeof(path), "%s/%s", dir,
		    kvs->kv_key[i]) == -1 ||
		    xl_xs_write(t, path, kvs->kv_val[i]) == -1)
			return (-1);
		if (perms != NULL &&
		    !xs_set_permissions(xl_xs, t, path, perms, nperms))
			return (-1);
	}
	return (0);
}

/*
 * xl_xs_list_ids: the numeric children of dir, ascending, into ids
 * (at most max).  Returns how many, or -1 with errno (ENOENT: no dir).
 */
int
xl_xs_list_ids(const char *dir, int *ids, int max)
{
	unsigned long long v;
	unsigned int i, n;
	char **ents;
	int cnt = 0, j, k;

	ents = xs_directory(xl_xs, XBT_NULL, dir, &n);
	if (ents == NULL)
		return (-1);
	for (i = 0; i < n && cnt < max; i++) {
		if (num_parse(ents[i], INT_MAX, &v) == -1)
			continue;
		/* insertion sort: these lists are short */
		for (j = cnt; j > 0 && (unsigned long long)ids[j - 1] > v; j--)
			ids[j] = ids[j - 1];
		ids[j] = (int)v;
		cnt++;
	}
	free(ents);
	/* drop duplicates (cannot happen in xenstore, but be safe) */
	for (j = 1, k = cnt > 0 ? 1 : 0; j < cnt; j++)
		if (ids[j] != ids[k - 1])
			ids[k++] = ids[j];
	return (k);
}
