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
 * Worker threads: each runs its own libevent loop and its own hypervisor
 * handle (event-channel fd, grant mappings) and serves the data path of
 * the vifs attached to it.  The main thread talks to a worker only
 * through worker_attach/detach/snapshot, which run a command on the
 * worker's thread and wait for it, so a vif's data path is touched by one
 * thread at a time.  A guest that breaks the protocol is disconnected
 * here and reported to the main thread through x_failpipe.
 */

#include <sys/types.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

enum wcmd_type { WCMD_ATTACH, WCMD_DETACH, WCMD_SNAPSHOT, WCMD_QUIT };

struct wcmd {
	enum wcmd_type	 wc_type;
	struct vif_dp	*wc_dp;
	int		 wc_result;
	int		 wc_errno;
	int		 wc_done;
};

struct worker {
	int			 w_id;
	struct xnd		*w_xnd;
	pthread_t		 w_thread;
	struct event_base	*w_base;
	struct hv		*w_hv;
	struct event		*w_evtchn_ev;
	struct event		*w_cmd_ev;
	int			 w_cmdpipe[2];
	pthread_mutex_t		 w_lock;
	pthread_cond_t		 w_cond;
	TAILQ_HEAD(, vif_dp)	 w_dps;
	int			 w_nvifs;	/* main thread's count */
};

/* The message a worker sends when it disabled a vif. */
struct wfail {
	uint32_t	wf_domid;
	uint32_t	wf_handle;
	char		wf_why[96];
};

static void	*worker_main(void *);
static void	 worker_cmd(evutil_socket_t, short, void *);
static int	 worker_run(struct worker *, enum wcmd_type, struct vif_dp *);
static void	 worker_evtchn(evutil_socket_t, short, void *);
static void	 worker_tx(evutil_socket_t, short, void *);
static void	 worker_rx(evutil_socket_t, short, void *);
static void	 worker_rx_arm(struct vif_dp *);
static void	 worker_fail(struct vif_dp *);
static int	 worker_do_attach(struct worker *, struct vif_dp *);
static void	 worker_do_detach(struct worker *, struct vif_dp *);

#define RX_POLL_USEC	10000	/* without feature-rx-notify */
#define EVTCHN_SWEEP	1024	/* events taken per wakeup, at most */

/*
 * worker_start: open a hypervisor handle and start thread id.
 * Startup only: fatal on failure.
 */
struct worker *
worker_start(struct xnd *x, int id)
{
	struct worker *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("calloc");
	w->w_id = id;
	w->w_xnd = x;
	TAILQ_INIT(&w->w_dps);
	if ((w->w_hv = hv_open(x->x_conf.xc_provider, x->x_conf.xc_simdir,
	    x->x_domid)) == NULL)
		fatal("worker %d: cannot open the %s hypervisor interface",
		    id, x->x_conf.xc_provider);
	if ((w->w_base = event_base_new()) == NULL)
		fatalx("worker %d: event_base_new failed", id);
	if (pipe2(w->w_cmdpipe, O_CLOEXEC) == -1)
		fatal("pipe");
	w->w_evtchn_ev = event_new(w->w_base, hv_evtchn_fd(w->w_hv),
	    EV_READ | EV_PERSIST, worker_evtchn, w);
	w->w_cmd_ev = event_new(w->w_base, w->w_cmdpipe[0],
	    EV_READ | EV_PERSIST, worker_cmd, w);
	if (w->w_evtchn_ev == NULL || w->w_cmd_ev == NULL ||
	    event_add(w->w_evtchn_ev, NULL) == -1 ||
	    event_add(w->w_cmd_ev, NULL) == -1)
		fatalx("worker %d: cannot set up events", id);
	pthread_mutex_init(&w->w_lock, NULL);
	pthread_cond_init(&w->w_cond, NULL);
	if ((errno = pthread_create(&w->w_thread, NULL, worker_main, w)) != 0)
		fatal("pthread_create");
	return (w);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	event_base_dispatch(w->w_base);
	return (NULL);
}

/* worker_stop: detach everything, end the thread, free the worker. */
void
worker_stop(struct worker *w)
{
	struct vif_dp *dp;

	while ((dp = TAILQ_FIRST(&w->w_dps)) != NULL)
		worker_detach(w, dp);
	worker_run(w, WCMD_QUIT, NULL);
	pthread_join(w->w_thread, NULL);
	event_free(w->w_evtchn_ev);
	event_free(w->w_cmd_ev);
	event_base_free(w->w_base);
	close(w->w_cmdpipe[0]);
	close(w->w_cmdpipe[1]);
	hv_close(w->w_hv);
	pthread_mutex_destroy(&w->w_lock);
	pthread_cond_destroy(&w->w_cond);
	free(w);
}

int
worker_nvifs(struct worker *w)
{
	return (w->w_nvifs);
}

/*
 * worker_run: have the worker thread execute one command and wait for
 * it.  Returns the command's result (0/-1 with errno).
 */
static int
worker_run(struct worker *w, enum wcmd_type type, struct vif_dp *dp)
{
	struct wcmd c, *cp = &c;

	memset(&c, 0, sizeof(c));
	c.wc_type = type;
	c.wc_dp = dp;
	if (write(w->w_cmdpipe[1], &cp, sizeof(cp)) != sizeof(cp))
		fatal("worker %d: command pipe", w->w_id);
	pthread_mutex_lock(&w->w_lock);
	while (!c.wc_done)
		pthread_cond_wait(&w->w_cond, &w->w_lock);
	pthread_mutex_unlock(&w->w_lock);
	errno = c.wc_errno;
	return (c.wc_result);
}

/* worker_cmd: (worker thread) execute the commands in the pipe. */
static void
worker_cmd(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;
	struct wcmd *c;

	if (read(fd, &c, sizeof(c)) != sizeof(c))
		return;
	c->wc_result = 0;
	switch (c->wc_type) {
	case WCMD_ATTACH:
		c->wc_result = worker_do_attach(w, c->wc_dp);
		c->wc_errno = errno;
		break;
	case WCMD_DETACH:
		worker_do_detach(w, c->wc_dp);
		break;
	case WCMD_SNAPSHOT:
		if (c->wc_dp->dp_rq != NULL)
			ring_snapshot(c->wc_dp->dp_rq, &c->wc_dp->dp_snap);
		break;
	case WCMD_QUIT:
		event_base_loopbreak(w->w_base);
		break;
	}
	pthread_mutex_lock(&w->w_lock);
	c->wc_done = 1;
	pthread_cond_broadcast(&w->w_cond);
	pthread_mutex_unlock(&w->w_lock);
}

int
worker_attach(struct worker *w, struct vif_dp *dp)
{
	int rv;

	if ((rv = worker_run(w, WCMD_ATTACH, dp)) == 0)
		w->w_nvifs++;
	return (rv);
}

void
worker_detach(struct worker *w, struct vif_dp *dp)
{
	worker_run(w, WCMD_DETACH, dp);
	w->w_nvifs--;
}

int
worker_snapshot(struct worker *w, struct vif_dp *dp)
{
	return (worker_run(w, WCMD_SNAPSHOT, dp));
}

/*
 * worker_do_attach: (worker thread) map the rings, bind the event
 * channels and start serving dp.  0, or -1 with errno and nothing left.
 */
static int
worker_do_attach(struct worker *w, struct vif_dp *dp)
{
	int save;

	if ((dp->dp_rq = ring_new(w->w_hv, dp->dp_domid,
	    &w->w_xnd->x_conf.xc_ring)) == NULL)
		return (-1);
	if (ring_connect(dp->dp_rq, dp->dp_tx_ref, dp->dp_rx_ref,
	    dp->dp_evtchn_tx, dp->dp_evtchn_rx, &dp->dp_feat) == -1)
		goto fail;
	dp->dp_port.rp_arg = dp;
	dp->dp_port.rp_send = tap_send;
	dp->dp_port.rp_recv = tap_recv;
	dp->dp_worker = w;
	dp->dp_failed = 0;
	dp->dp_tap_on = 0;
	dp->dp_tx_ev = event_new(w->w_base, -1, 0, worker_tx, dp);
	dp->dp_rx_ev = event_new(w->w_base, -1, 0, worker_rx, dp);
	dp->dp_tap_ev = event_new(w->w_base, dp->dp_tapfd,
	    EV_READ | EV_PERSIST, worker_rx, dp);
	dp->dp_poll_ev = event_new(w->w_base, -1, 0, worker_rx, dp);
	if (dp->dp_tx_ev == NULL || dp->dp_rx_ev == NULL ||
	    dp->dp_tap_ev == NULL || dp->dp_poll_ev == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	TAILQ_INSERT_TAIL(&w->w_dps, dp, dp_entry);
	/* Requests may already be waiting: run both directions once. */
	event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
	event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
	return (0);
fail:
	save = errno;
	worker_do_detach(w, dp);
	errno = save;
	return (-1);
}

/* worker_do_detach: (worker thread) stop, unbind, unmap, free events. */
static void
worker_do_detach(struct worker *w, struct vif_dp *dp)
{
	struct vif_dp *d;

	TAILQ_FOREACH(d, &w->w_dps, dp_entry)
		if (d == dp)
			break;
	if (d != NULL)
		TAILQ_REMOVE(&w->w_dps, dp, dp_entry);
	if (dp->dp_tx_ev != NULL)
		event_free(dp->dp_tx_ev);
	if (dp->dp_rx_ev != NULL)
		event_free(dp->dp_rx_ev);
	if (dp->dp_tap_ev != NULL)
		event_free(dp->dp_tap_ev);
	if (dp->dp_poll_ev != NULL)
		event_free(dp->dp_poll_ev);
	dp->dp_tx_ev = dp->dp_rx_ev = dp->dp_tap_ev = dp->dp_poll_ev = NULL;
	if (dp->dp_rq != NULL) {
		ring_snapshot(dp->dp_rq, &dp->dp_snap);
		ring_free(dp->dp_rq);
		dp->dp_rq = NULL;
	}
	dp->dp_worker = NULL;
}

/*
 * worker_evtchn: (worker thread) the event-channel fd is readable: run
 * the passes of every port that fired, then unmask it.
 */
static void
worker_evtchn(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;
	struct vif_dp *dp;
	int port, n, pass;

	/* Bounded: at most one sweep of what is pending now. */
	for (n = 0; n < EVTCHN_SWEEP; n++) {
		if ((port = hv_evtchn_pending(w->w_hv)) == -1)
			break;
		TAILQ_FOREACH(dp, &w->w_dps, dp_entry) {
			if (dp->dp_failed)
				continue;
			pass = ring_event(dp->dp_rq, port);
			if (pass & RING_EV_TX)
				event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
			if (pass & RING_EV_RX)
				event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
		}
		hv_evtchn_unmask(w->w_hv, port);
	}
}

/* worker_tx: (worker thread) one tx pass; re-queued while work remains. */
static void
worker_tx(evutil_socket_t fd, short ev, void *arg)
{
	struct vif_dp *dp = arg;
	int rv;

	if (dp->dp_failed)
		return;
	rv = ring_tx(dp->dp_rq, &dp->dp_port);
	if (rv == -1)
		worker_fail(dp);
	else if (rv == 1)
		event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
}

/*
 * worker_rx: (worker thread) the port is readable, or the guest posted
 * buffers, or the poll timer fired: one rx pass if buffers are posted.
 */
static void
worker_rx(evutil_socket_t fd, short ev, void *arg)
{
	struct vif_dp *dp = arg;
	int rv;

	if (dp->dp_failed)
		return;
	if ((rv = ring_rx_ready(dp->dp_rq)) == 1)
		rv = ring_rx(dp->dp_rq, &dp->dp_port);
	if (rv == -1) {
		worker_fail(dp);
		return;
	}
	if (rv == 1 && dp->dp_tap_on) {
		/* Budget used up: let the other vifs run, then continue. */
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
		return;
	}
	worker_rx_arm(dp);
}

/*
 * worker_rx_arm: read the port only while the guest has buffers posted;
 * otherwise wait for its rx notification (or poll, without
 * feature-rx-notify).
 */
static void
worker_rx_arm(struct vif_dp *dp)
{
	struct timeval tv = { 0, RX_POLL_USEC };
	int ready;

	if ((ready = ring_rx_ready(dp->dp_rq)) == -1) {
		worker_fail(dp);
		return;
	}
	if (ready && !dp->dp_tap_on) {
		event_add(dp->dp_tap_ev, NULL);
		dp->dp_tap_on = 1;
	} else if (!ready && dp->dp_tap_on) {
		event_del(dp->dp_tap_ev);
		dp->dp_tap_on = 0;
	}
	/* The frontend's own features: what ring_connect was given. */
	if (!ready && !dp->dp_feat.rf_rx_notify)
		event_add(dp->dp_poll_ev, &tv);
}

/*
 * worker_fail: the guest broke the protocol: stop its data path now (its
 * ring is no longer read) and tell the main thread, which tears the vif
 * down through xenbus.  Other vifs are not affected.
 */
static void
worker_fail(struct vif_dp *dp)
{
	struct wfail f;
	const char *why;

	dp->dp_failed = 1;
	if (dp->dp_tap_on) {
		event_del(dp->dp_tap_ev);
		dp->dp_tap_on = 0;
	}
	event_del(dp->dp_poll_ev);
	memset(&f, 0, sizeof(f));
	f.wf_domid = dp->dp_domid;
	f.wf_handle = dp->dp_handle;
	why = ring_error(dp->dp_rq);
	snprintf(f.wf_why, sizeof(f.wf_why), "%s", why != NULL ? why :
	    "error");
	if (write(dp->dp_worker->w_xnd->x_failpipe[1], &f, sizeof(f)) !=
	    sizeof(f))
		log_warn("%s: cannot report failure", dp->dp_name);
}

/*
 * worker_read_failure: (main thread) read one failure report from fd.
 * Returns 0 with the vif and the reason, or -1.
 */
int
worker_read_failure(int fd, uint32_t *domid, uint32_t *handle, char *why,
    size_t len)
{
	struct wfail f;

	if (read(fd, &f, sizeof(f)) != sizeof(f))
		return (-1);
	*domid = f.wf_domid;
	*handle = f.wf_handle;
	f.wf_why[sizeof(f.wf_why) - 1] = '\0';
	snprintf(why, len, "%s", f.wf_why);
	return (0);
}
