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
 * A libxenstore client for tests/sim/t_xenstored.sh: the scenarios the
 * stock xenstore-* tools cannot play (a transaction held open while
 * another connection writes, domain introduction, libxenstore's watch
 * fd).  It talks to the daemon named by XENSTORED_PATH.
 *
 *	t_xs_tx conflict PATH		EAGAIN on a conflicting commit, retry
 *	t_xs_tx isolation PATH		tx writes unseen until commit, abort
 *	t_xs_tx badtx PATH		unknown transaction id: ENOENT
 *	t_xs_tx watch PATH		xs_watch/xs_fileno/xs_read_watch/unwatch
 *	t_xs_tx dirpart PATH N		N long-named children: DIRECTORY_PART
 *	t_xs_tx perms PATH		xs_set_permissions/xs_get_permissions
 *	t_xs_tx introduce DOMID		xs_introduce_domain
 *	t_xs_tx release DOMID		xs_release_domain
 *	t_xs_tx introduced DOMID	prints T or F (xs_is_domain_introduced)
 *	t_xs_tx domainpath DOMID	prints xs_get_domain_path
 *
 * Exit status 0 when the scenario behaved (silently), 1 otherwise (with
 * the reason on stderr), 2 for usage errors.
 */

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "num.h"

static int	 fail(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static struct xs_handle *xopen(void);
static int	 value_is(struct xs_handle *, xs_transaction_t, const char *,
		    const char *);
static int	 wait_event(struct xs_handle *, int, const char *);
static int	 t_conflict(const char *);
static int	 t_isolation(const char *);
static int	 t_badtx(const char *);
static int	 t_watch(const char *);
static int	 t_dirpart(const char *, const char *);
static int	 t_perms(const char *);
static int	 t_domain(const char *, const char *);

/* fail: print a reason (with errno's text) and return 1. */
static int
fail(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	fputs("t_xs_tx: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", saved, strerror(saved));
	return (1);
}

/* xopen: a connection to the daemon, or exit 1. */
static struct xs_handle *
xopen(void)
{
	struct xs_handle *h;

	if ((h = xs_open(0)) == NULL) {
		fail("xs_open");
		exit(1);
	}
	return (h);
}

/*
 * value_is
 * 1 if path reads as want in transaction t (want NULL: path must not
 * exist, ENOENT), else 0.
 */
static int
value_is(struct xs_handle *h, xs_transaction_t t, const char *path,
    const char *want)
{
	unsigned int len;
	char *v;
	int rc;

	v = xs_read(h, t, path, &len);
	if (want == NULL)
		rc = (v == NULL && errno == ENOENT);
	else
		rc = (v != NULL && len == strlen(want) &&
		    strcmp(v, want) == 0);
	if (!rc)
		fprintf(stderr, "t_xs_tx: %s is \"%s\", want \"%s\"\n", path,
		    v ? v : "(none)", want ? want : "(none)");
	free(v);
	return (rc);
}

/*
 * wait_event
 * Wait up to ms milliseconds for a watch event on h; want: the path it
 * must carry, or NULL when no event must come.  Returns 1 if as wanted.
 */
static int
wait_event(struct xs_handle *h, int ms, const char *want)
{
	struct pollfd pfd;
	unsigned int n;
	char **vec;
	int rc;

	pfd.fd = xs_fileno(h);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, ms) <= 0) {
		if (want != NULL)
			fprintf(stderr, "t_xs_tx: no event for %s\n", want);
		return (want == NULL);
	}
	if ((vec = xs_read_watch(h, &n)) == NULL)
		return (0);
	rc = (want != NULL && strcmp(vec[XS_WATCH_PATH], want) == 0);
	if (!rc)
		fprintf(stderr, "t_xs_tx: event %s token %s, want %s\n",
		    vec[XS_WATCH_PATH], vec[XS_WATCH_TOKEN],
		    want ? want : "none");
	free(vec);
	return (rc);
}

/*
 * t_conflict
 * A transaction reads and writes path while another connection writes
 * it: the commit fails with EAGAIN and changes nothing; retried, it
 * succeeds.
 */
static int
t_conflict(const char *path)
{
	struct xs_handle *h1 = xopen(), *h2 = xopen();
	xs_transaction_t t;
	unsigned int len;
	int i;
	char *v;

	if (!xs_write(h1, XBT_NULL, path, "a", 1))
		return (fail("write %s", path));
	if ((t = xs_transaction_start(h1)) == XBT_NULL)
		return (fail("transaction_start"));
	if (!value_is(h1, t, path, "a"))
		return (1);
	if (!xs_write(h1, t, path, "t", 1))
		return (fail("write in transaction"));
	if (!xs_write(h2, XBT_NULL, path, "b", 1))
		return (fail("concurrent write"));
	if (xs_transaction_end(h1, t, false))
		return (fail("conflicting commit succeeded"));
	if (errno != EAGAIN)
		return (fail("conflicting commit: not EAGAIN"));
	if (!value_is(h2, XBT_NULL, path, "b"))
		return (1);
	for (i = 0; i < 5; i++) {
		if ((t = xs_transaction_start(h1)) == XBT_NULL)
			return (fail("transaction_start"));
		v = xs_read(h1, t, path, &len);
		free(v);
		if (!xs_write(h1, t, path, "c", 1))
			return (fail("write in transaction"));
		if (xs_transaction_end(h1, t, false))
			break;
		if (errno != EAGAIN)
			return (fail("retried commit"));
	}
	if (i == 5 || !value_is(h2, XBT_NULL, path, "c"))
		return (fail("retry did not commit"));
	xs_close(h1);
	xs_close(h2);
	return (0);
}

/*
 * t_isolation
 * Writes in a transaction are seen by it, not by others, until commit;
 * watch events fire at commit; an aborted transaction leaves nothing.
 */
static int
t_isolation(const char *path)
{
	struct xs_handle *h1 = xopen(), *h2 = xopen();
	char node[512], other[512];
	xs_transaction_t t;
	unsigned int n;
	char **dir;

	snprintf(node, sizeof(node), "%s/in", path);
	snprintf(other, sizeof(other), "%s/aborted", path);
	if (!xs_mkdir(h1, XBT_NULL, path))
		return (fail("mkdir %s", path));
	if (!xs_watch(h2, path, "iso") || !wait_event(h2, 2000, path))
		return (fail("watch"));
	if ((t = xs_transaction_start(h1)) == XBT_NULL)
		return (fail("transaction_start"));
	if (!xs_write(h1, t, node, "x", 1))
		return (fail("write in transaction"));
	if (!value_is(h1, t, node, "x") || !value_is(h2, XBT_NULL, node,
	    NULL) || !value_is(h1, XBT_NULL, node, NULL))
		return (fail("transaction not isolated"));
	dir = xs_directory(h1, t, path, &n);
	if (dir == NULL || n != 1 || strcmp(dir[0], "in") != 0)
		return (fail("directory in transaction"));
	free(dir);
	if (!wait_event(h2, 300, NULL))
		return (fail("event before commit"));
	if (!xs_transaction_end(h1, t, false))
		return (fail("commit"));
	if (!wait_event(h2, 2000, node))
		return (fail("no event at commit"));
	if (!value_is(h2, XBT_NULL, node, "x"))
		return (1);
	if ((t = xs_transaction_start(h1)) == XBT_NULL ||
	    !xs_write(h1, t, other, "y", 1) ||
	    !xs_transaction_end(h1, t, true))
		return (fail("aborted transaction"));
	if (!value_is(h2, XBT_NULL, other, NULL) || !wait_event(h2, 300, NULL))
		return (fail("abort left traces"));
	xs_close(h1);
	xs_close(h2);
	return (0);
}

/* t_badtx: requests with an unknown transaction id fail with ENOENT. */
static int
t_badtx(const char *path)
{
	struct xs_handle *h = xopen();
	unsigned int len;
	char *v;

	v = xs_read(h, 4242, path, &len);
	if (v != NULL || errno != ENOENT)
		return (fail("read with bad tx"));
	if (xs_transaction_end(h, 4242, false) || errno != ENOENT)
		return (fail("end of bad tx"));
	xs_close(h);
	return (0);
}

/*
 * t_watch
 * libxenstore's watch machinery: initial event, an event for a write
 * below the path and for its removal, none after xs_unwatch.
 */
static int
t_watch(const char *path)
{
	struct xs_handle *h1 = xopen(), *h2 = xopen();
	char node[512];

	snprintf(node, sizeof(node), "%s/w", path);
	if (!xs_watch(h1, path, "tok"))
		return (fail("xs_watch"));
	if (!wait_event(h1, 2000, path))
		return (fail("initial event"));
	if (!xs_write(h2, XBT_NULL, node, "1", 1) ||
	    !wait_event(h1, 2000, node))
		return (fail("write event"));
	if (!xs_rm(h2, XBT_NULL, node) || !wait_event(h1, 2000, node))
		return (fail("rm event"));
	if (!xs_unwatch(h1, path, "tok"))
		return (fail("xs_unwatch"));
	if (!xs_write(h2, XBT_NULL, node, "2", 1) || !wait_event(h1, 300, NULL))
		return (fail("event after unwatch"));
	if (xs_unwatch(h1, path, "tok") || errno != ENOENT)
		return (fail("second unwatch"));
	xs_close(h1);
	xs_close(h2);
	return (0);
}

/*
 * t_dirpart
 * Create count children with 40-character names, so that the listing is
 * longer than a payload and xs_directory() has to page with
 * DIRECTORY_PART; all of them must come back.
 */
static int
t_dirpart(const char *path, const char *count)
{
	struct xs_handle *h;
	char node[512];
	xs_transaction_t t;
	unsigned long long num;
	unsigned int n, i, want;
	char **dir;

	if (num_parse(count, 100000, &num) == -1)
		return (fail("bad count %s", count));
	want = (unsigned int)num;
	h = xopen();
	if ((t = xs_transaction_start(h)) == XBT_NULL)
		return (fail("transaction_start"));
	for (i = 0; i < want; i++) {
		snprintf(node, sizeof(node),
		    "%s/child-with-a-rather-long-name-%010u", path, i);
		if (!xs_write(h, t, node, "", 0))
			return (fail("write %s", node));
	}
	if (!xs_transaction_end(h, t, false))
		return (fail("commit"));
	if ((dir = xs_directory(h, XBT_NULL, path, &n)) == NULL)
		return (fail("directory"));
	if (n != want)
		return (fail("%u children listed, want %u", n, want));
	for (i = 0; i < n; i++) {
		snprintf(node, sizeof(node),
		    "child-with-a-rather-long-name-%010u", i);
		if (strcmp(dir[i], node) != 0)
			return (fail("child %u is %s", i, dir[i]));
	}
	free(dir);
	xs_close(h);
	return (0);
}

/* t_perms: set and read back permissions through libxenstore. */
static int
t_perms(const char *path)
{
	struct xs_handle *h = xopen();
	struct xs_permissions set[3] = {
		{ 3, XS_PERM_NONE }, { 5, XS_PERM_READ },
		{ 7, XS_PERM_READ | XS_PERM_WRITE },
	};
	struct xs_permissions *got;
	unsigned int n, i;

	if (!xs_write(h, XBT_NULL, path, "p", 1) ||
	    !xs_set_permissions(h, XBT_NULL, path, set, 3))
		return (fail("set_permissions"));
	if ((got = xs_get_permissions(h, XBT_NULL, path, &n)) == NULL)
		return (fail("get_permissions"));
	if (n != 3)
		return (fail("%u permissions", n));
	for (i = 0; i < n; i++)
		if (got[i].id != set[i].id || got[i].perms != set[i].perms)
			return (fail("permission %u differs", i));
	free(got);
	xs_close(h);
	return (0);
}

/* t_domain: introduce, release, introduced, domainpath. */
static int
t_domain(const char *what, const char *arg)
{
	struct xs_handle *h;
	unsigned long long num;
	unsigned int domid;
	char *p;

	if (num_parse(arg, UINT16_MAX, &num) == -1)
		return (fail("bad domid %s", arg));
	domid = (unsigned int)num;
	h = xopen();

	if (strcmp(what, "introduce") == 0) {
		if (!xs_introduce_domain(h, domid, 0x1234, 1))
			return (fail("introduce %u", domid));
	} else if (strcmp(what, "release") == 0) {
		if (!xs_release_domain(h, domid))
			return (fail("release %u", domid));
	} else if (strcmp(what, "introduced") == 0) {
		errno = 0;
		if (xs_is_domain_introduced(h, domid))
			printf("T\n");
		else if (errno == 0)
			printf("F\n");
		else
			return (fail("is_domain_introduced"));
	} else {
		if ((p = xs_get_domain_path(h, domid)) == NULL)
			return (fail("get_domain_path"));
		printf("%s\n", p);
		free(p);
	}
	xs_close(h);
	return (0);
}

int
main(int argc, char *argv[])
{

	if (argc == 3 && strcmp(argv[1], "conflict") == 0)
		return (t_conflict(argv[2]));
	if (argc == 3 && strcmp(argv[1], "isolation") == 0)
		return (t_isolation(argv[2]));
	if (argc == 3 && strcmp(argv[1], "badtx") == 0)
		return (t_badtx(argv[2]));
	if (argc == 3 && strcmp(argv[1], "watch") == 0)
		return (t_watch(argv[2]));
	if (argc == 4 && strcmp(argv[1], "dirpart") == 0)
		return (t_dirpart(argv[2], argv[3]));
	if (argc == 3 && strcmp(argv[1], "perms") == 0)
		return (t_perms(argv[2]));
	if (argc == 3 && (strcmp(argv[1], "introduce") == 0 ||
	    strcmp(argv[1], "release") == 0 ||
	    strcmp(argv[1], "introduced") == 0 ||
	    strcmp(argv[1], "domainpath") == 0))
		return (t_domain(argv[1], argv[2]));
	fprintf(stderr, "usage: t_xs_tx conflict|isolation|badtx|watch|perms "
	    "PATH\n       t_xs_tx dirpart PATH COUNT\n"
	    "       t_xs_tx introduce|release|introduced|domainpath DOMID\n");
	return (2);
}
