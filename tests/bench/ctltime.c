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
 * bench-ctltime: the control path's times, as the toolstack sees them.
 * Watches /local/domain/0/backend/vif (libxenstore, so XENSTORED_PATH
 * selects the xenstored) and, for vif 0 of each of the N domains FIRST
 * to FIRST+N-1, notes when its backend directory first shows (the
 * toolstack's transaction committed), when its backend state first
 * reads InitWait (2) or later and when it first reads Connected (4).
 * Prints "ready" once the watch is set (start the toolstacks then), and
 * when every vif is Connected or the timeout passed, one line a vif:
 *
 *   vif DOMID DIR_MS INITWAIT_MS CONNECTED_MS    (-1: never)
 *
 * times in ms since the first backend directory showed.  Exit 0 if all
 * were Connected, 1 if not.
 *
 * usage: bench-ctltime FIRST N TIMEOUT-SECONDS
 */

#include <err.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xenstore.h>

#include "num.h"

#define CT_MAX_VIFS	1024

struct ct_vif {
	double	 v_dir, v_initwait, v_connected;	/* 0: not yet */
};

static double	ct_now(void);
static void	ct_event(struct xs_handle *, struct ct_vif *, unsigned int,
		    unsigned int, const char *, const char *, double, double *);
static double	ct_ms(double, double);

static double
ct_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static double
ct_ms(double t, double t0)
{
	return (t > 0 ? (t - t0) * 1000 : -1);
}

/*
 * ct_event: a watch fired on path (below base): note the times of the
 * vif it names (vif 0 of domain first+i); its state is read only if the
 * vif has not reached Connected.
 */
static void
ct_event(struct xs_handle *xs, struct ct_vif *v, unsigned int first,
    unsigned int n, const char *base, const char *path, double now,
    double *t0)
{
	char key[256], *val;
	unsigned long long d, h, st;
	unsigned int len;
	size_t blen = strlen(base), dl, hl;

	if (strncmp(path, base, blen) != 0 || path[blen] != '/')
		return;
	path += blen + 1;
	dl = strcspn(path, "/");
	if (num_parsen(path, dl, 65535, &d) == -1 || d < first ||
	    d - first >= n || path[dl] != '/')
		return;		/* not one of ours */
	hl = strcspn(path + dl + 1, "/");
	if (num_parsen(path + dl + 1, hl, 0, &h) == -1)
		return;		/* vif 0 only */
	v += d - first;
	if (v->v_dir == 0) {
		v->v_dir = now;
		if (*t0 == 0 || now < *t0)
			*t0 = now;
	}
	if (v->v_connected > 0)
		return;
	snprintf(key, sizeof(key), "%s/%llu/0/state", base, d);
	if ((val = xs_read(xs, XBT_NULL, key, &len)) == NULL)
		return;
	/* libxenstore ends the value with a NUL */
	if (num_parse(val, 8, &st) == 0) {
		if (st >= 2 && v->v_initwait == 0)
			v->v_initwait = now;
		if (st == 4)
			v->v_connected = now;
	}
	free(val);
}

int
main(int argc, char *argv[])
{
	struct xs_handle *xs;
	struct ct_vif *v;
	struct pollfd pfd;
	char base[64], **w;
	unsigned long long first, n, secs;
	unsigned int i, nw, done;
	double t0 = 0, end, now;

	if (argc != 4 || num_parse(argv[1], 65535, &first) == -1 ||
	    num_parse(argv[2], CT_MAX_VIFS, &n) == -1 || n == 0 ||
	    num_parse(argv[3], 3600, &secs) == -1 || secs == 0)
		errx(2, "usage: bench-ctltime FIRST N(1-%d) TIMEOUT-SECONDS",
		    CT_MAX_VIFS);
	if ((v = calloc(n, sizeof(*v))) == NULL)
		err(1, "calloc");
	if ((xs = xs_open(0)) == NULL)
		err(1, "xs_open");
	snprintf(base, sizeof(base), "/local/domain/0/backend/vif");
	if (!xs_watch(xs, base, "ct"))
		err(1, "xs_watch %s", base);
	/* the watch fires once when set: take it before saying ready */
	if ((w = xs_read_watch(xs, &nw)) == NULL)
		err(1, "xs_read_watch");
	free(w);
	printf("ready\n");
	fflush(stdout);
	pfd.fd = xs_fileno(xs);
	pfd.events = POLLIN;
	end = ct_now() + (double)secs;
	for (;;) {
		for (done = 0, i = 0; i < n; i++)
			done += v[i].v_connected > 0;
		if (done == n || (now = ct_now()) >= end)
			break;
		if (poll(&pfd, 1, (int)((end - now) * 1000) + 1) < 1)
			continue;
		if ((w = xs_read_watch(xs, &nw)) == NULL)
			err(1, "xs_read_watch");
		ct_event(xs, v, (unsigned int)first, (unsigned int)n, base,
		    w[XS_WATCH_PATH], ct_now(), &t0);
		free(w);
	}
	for (i = 0; i < n; i++)
		printf("vif %llu %.3f %.3f %.3f\n", first + i,
		    ct_ms(v[i].v_dir, t0),
		    ct_ms(v[i].v_initwait, t0), ct_ms(v[i].v_connected, t0));
	xs_close(xs);
	free(v);
	return (done == n ? 0 : 1);
}
