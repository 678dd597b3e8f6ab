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
 * The control ring and the multicast control of a vif (netif.h
 * "Control ring", "feature-multicast-control"), on the main thread.
 * The frontend's control requests are rare (set-up, a new table), so
 * the main thread serves them through its own hypervisor handle: its
 * event-channel fd is one more event of the main loop.  What they
 * change reaches the queues through worker_set_ctrl, a command run on
 * their worker.  A vif whose frontend gave a control ring has all its
 * queues on one worker (vif_connect): a frame whose hash maps to
 * another queue is moved there without a lock (ring_set_peers).
 *
 * The multicast filter is shared by the queues (ring-mcast.c); the
 * frontend's request-multicast-control is sampled at connect and, as
 * we advertise feature-dynamic-multicast-control, whenever it changes
 * (a watch with the vif's frontend token).
 */

#include <sys/types.h>

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "xennetd.h"
#include "xenring.h"

#define CTRL_RUNS	8	/* ring_ctrl_run calls per event, at most */

struct vif_ctrl {
	struct ring_ctrl	*vc_ring;	/* NULL: no control ring */
	struct ring_mcast	*vc_mcast;
	uint64_t		 vc_gen;	/* hash settings the queues have */
	uint32_t		 vc_ref, vc_evtchn;
	int			 vc_watching;	/* request-multicast-control */
	struct ring_ctrl_stats	 vc_stats;	/* of earlier connections */
};

static void	ctrl_event(evutil_socket_t, short, void *);
static void	ctrl_serve(struct xnd *, struct vif *);
static struct vif *ctrl_find(struct xnd *, int);
static void	ctrl_push(struct xnd *, struct vif *, int);
static void	ctrl_fail(struct xnd *, struct vif *, const char *);
static int	ctrl_watch(struct xnd *, struct vif *, int);
static int	ctrl_fe_uint(struct xnd *, struct vif *, const char *,
		    unsigned long, uint32_t *, char *, size_t);

/*
 * ctrl_fe_uint: the frontend's key (at most max) into *out: 1, 0 if it
 * is absent, -1 if it is malformed (why in err).
 */
static int
ctrl_fe_uint(struct xnd *x, struct vif *v, const char *key,
    unsigned long max, uint32_t *out, char *err, size_t errlen)
{
	unsigned long u;
	int r;

	if ((r = store_read_opt(x->x_xs, v->v_fepath, key, max, &u)) == -1)
		snprintf(err, errlen, "frontend %s is %s", key,
		    store_why(errno));
	else if (r == 1)
		*out = (uint32_t)u;
	return (r);
}

int
ctrl_connect(struct xnd *x, struct vif *v, char *err, size_t errlen)
{
	struct vif_ctrl *c;
	int hasref, hasev, on;

	if ((c = v->v_ctrl) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->vc_mcast = ring_mcast_new()) == NULL) {
			free(c);
			snprintf(err, errlen, "out of memory");
			return (-1);
		}
		v->v_ctrl = c;
	}
	/* netif.h: sampled when the frontend connects */
	if ((on = store_read_bool(x->x_xs, v->v_fepath,
	    "request-multicast-control", 0)) == -1) {
		snprintf(err, errlen, "frontend request-multicast-control "
		    "is not 0 or 1");
		return (-1);
	}
	ring_mcast_reset(c->vc_mcast, on);
	if (!c->vc_watching)
		c->vc_watching = ctrl_watch(x, v, 1);

	/* netif.h "Control ring": both keys, grant ref and port */
	if ((hasref = ctrl_fe_uint(x, v, "ctrl-ring-ref", UINT32_MAX,
	    &c->vc_ref, err, errlen)) == -1 ||
	    (hasev = ctrl_fe_uint(x, v, "event-channel-ctrl", UINT32_MAX,
	    &c->vc_evtchn, err, errlen)) == -1)
		return (-1);
	if (!hasref && !hasev)
		return (0);
	if (!hasref || !hasev) {
		snprintf(err, errlen, "frontend wrote %s but not %s",
		    hasref ? "ctrl-ring-ref" : "event-channel-ctrl",
		    hasref ? "event-channel-ctrl" : "ctrl-ring-ref");
		return (-1);
	}
	if ((c->vc_ring = ring_ctrl_new(x->x_hv, v->v_domid,
	    v->v_nqueues)) == NULL ||
	    ring_ctrl_connect(c->vc_ring, c->vc_ref, c->vc_evtchn) == -1) {
		snprintf(err, errlen, "cannot map control ring %u or bind "
		    "event channel %u: %s", c->vc_ref, c->vc_evtchn,
		    strerror(errno));
		ring_ctrl_free(c->vc_ring);
		c->vc_ring = NULL;
		return (-1);
	}
	c->vc_gen = ring_ctrl_hash(c->vc_ring, NULL);
	return (1);
}

int
ctrl_attach(struct xnd *x, struct vif *v)
{
	struct vif_ctrl *c = v->v_ctrl;

	if (c == NULL)
		return (0);
	ctrl_push(x, v, 1);
	if (c->vc_ring == NULL)
		return (0);
	/* Requests posted before we bound the channel raised no event. */
	if (ring_ctrl_run(c->vc_ring) == -1) {
		ctrl_fail(x, v, ring_ctrl_error(c->vc_ring));
		return (-1);
	}
	ctrl_push(x, v, 0);
	return (0);
}

/*
 * ctrl_push: give every attached queue the vif's hash settings if they
 * changed (all: and the peers and the multicast filter too).
 */
static void
ctrl_push(struct xnd *x, struct vif *v, int all)
{
	struct vif_ctrl *c = v->v_ctrl;
	struct ring_queue *peers[XENNETD_MAX_QUEUES];
	struct ring_hash rh;
	uint64_t gen;
	unsigned int q, n = v->v_attached;

	(void)x;
	memset(&rh, 0, sizeof(rh));
	gen = c->vc_ring != NULL ? ring_ctrl_hash(c->vc_ring, &rh) : 0;
	if (!all && gen == c->vc_gen)
		return;
	c->vc_gen = gen;
	for (q = 0; q < n; q++)
		peers[q] = v->v_dp[q].dp_rq;
	for (q = 0; q < n; q++)
		worker_set_ctrl(v->v_worker[q], &v->v_dp[q], &rh,
		    c->vc_ring != NULL ? peers : NULL, n, q, c->vc_mcast);
}

void
ctrl_update(struct xnd *x, struct vif *v)
{
	struct vif_ctrl *c = v->v_ctrl;
	int on;

	if (c == NULL || v->v_attached == 0)
		return;
	/* feature-dynamic-multicast-control: re-sampled on every change */
	if ((on = store_read_bool(x->x_xs, v->v_fepath,
	    "request-multicast-control", 0)) != -1)
		ring_mcast_enable(c->vc_mcast, on);
}

void
ctrl_disconnect(struct xnd *x, struct vif *v)
{
	struct vif_ctrl *c = v->v_ctrl;
	struct ring_ctrl_stats st;
	unsigned int q, i;

	if (c == NULL)
		return;
	/* The queues let go of the peers and the filter before they go. */
	for (q = 0; q < v->v_attached; q++)
		worker_set_ctrl(v->v_worker[q], &v->v_dp[q], NULL, NULL, 0,
		    0, NULL);
	if (c->vc_ring != NULL) {
		ring_ctrl_snapshot(c->vc_ring, &st);
		c->vc_stats.cs_events += st.cs_events;
		c->vc_stats.cs_requests += st.cs_requests;
		for (i = 0; i < RING_CTRL_STATUS_MAX; i++)
			c->vc_stats.cs_status[i] += st.cs_status[i];
		c->vc_stats.cs_copies += st.cs_copies;
		c->vc_stats.cs_fatal += st.cs_fatal;
		ring_ctrl_free(c->vc_ring);
		c->vc_ring = NULL;
	}
	if (c->vc_watching) {
		ctrl_watch(x, v, 0);
		c->vc_watching = 0;
	}
}

/*
 * ctrl_watch: watch (on) or stop watching the frontend's
 * request-multicast-control, with the vif's token (Linux netfront may
 * change it while connected).  1 if watched, else 0.
 */
static int
ctrl_watch(struct xnd *x, struct vif *v, int on)
{
	char path[XENNETD_PATH_MAX];

	snprintf(path, sizeof(path), "%s/request-multicast-control",
	    v->v_fepath);
	if (!on) {
		xs_unwatch(x->x_xs, path, v->v_token);
		return (0);
	}
	return (xs_watch(x->x_xs, path, v->v_token) ? 1 : 0);
}

/*
 * ctrl_rewatch: (a new xenstore connection) watch
 * request-multicast-control again where it was watched.
 */
void
ctrl_rewatch(struct xnd *x, struct vif *v)
{
	struct vif_ctrl *c = v->v_ctrl;

	if (c != NULL && c->vc_watching)
		c->vc_watching = ctrl_watch(x, v, 1);
}

void
ctrl_free(struct xnd *x, struct vif *v)
{
	if (v->v_ctrl == NULL)
		return;
	ctrl_disconnect(x, v);
	ring_mcast_free(v->v_ctrl->vc_mcast);
	free(v->v_ctrl);
	v->v_ctrl = NULL;
}

/*
 * ctrl_init: (startup) serve the event channels of control rings, on
 * the main thread's hypervisor handle; fatal if it cannot.
 */
void
ctrl_init(struct xnd *x)
{
	int fd;

	if ((fd = hv_evtchn_fd(x->x_hv)) == -1)
		fatal("the %s event channel device", hv_provider(x->x_hv));
	if ((x->x_ev_ctrl = event_new(x->x_base, fd, EV_READ | EV_PERSIST,
	    ctrl_event, x)) == NULL || event_add(x->x_ev_ctrl, NULL) == -1)
		fatalx("cannot set up the control rings' event");
}

void
ctrl_cleanup(struct xnd *x)
{
	if (x->x_ev_ctrl != NULL)
		event_free(x->x_ev_ctrl);
	x->x_ev_ctrl = NULL;
}

int
ctrl_stats(const struct vif *v, struct ring_ctrl_stats *st, int *ring,
    int *mcast_on, unsigned int *mcast_n)
{
	const struct vif_ctrl *c = v->v_ctrl;
	struct ring_ctrl_stats now;
	unsigned int i;

	memset(st, 0, sizeof(*st));
	*ring = *mcast_on = 0;
	*mcast_n = 0;
	if (c == NULL)
		return (-1);
	*st = c->vc_stats;
	if (c->vc_ring != NULL) {
		*ring = 1;
		ring_ctrl_snapshot(c->vc_ring, &now);
		st->cs_events += now.cs_events;
		st->cs_requests += now.cs_requests;
		for (i = 0; i < RING_CTRL_STATUS_MAX; i++)
			st->cs_status[i] += now.cs_status[i];
		st->cs_copies += now.cs_copies;
		st->cs_fatal += now.cs_fatal;
	}
	ring_mcast_info(c->vc_mcast, mcast_on, mcast_n);
	return (0);
}

/* ctrl_find: the vif whose control ring is bound to local port. */
static struct vif *
ctrl_find(struct xnd *x, int port)
{
	struct vif *v;

	TAILQ_FOREACH(v, &x->x_vifs, v_entry)
		if (v->v_ctrl != NULL && v->v_ctrl->vc_ring != NULL &&
		    ring_ctrl_port(v->v_ctrl->vc_ring) == port)
			return (v);
	return (NULL);
}

/* ctrl_fail: the frontend broke the control ring: that vif goes. */
static void
ctrl_fail(struct xnd *x, struct vif *v, const char *why)
{

	vif_error(x, v, EPROTO, "frontend broke the netif protocol (control "
	    "ring: %s); disconnecting it", why);
}

/*
 * ctrl_serve: answer v's control ring, then unmask its port.  A ring's
 * worth per run, CTRL_RUNS runs: a frontend that keeps posting while we
 * answer waits for its next event rather than hold up the main thread.
 */
static void
ctrl_serve(struct xnd *x, struct vif *v)
{
	struct ring_ctrl *rc = v->v_ctrl->vc_ring;
	int k, rv;

	for (k = 0; (rv = ring_ctrl_run(rc)) == 1 && k < CTRL_RUNS; k++)
		ctrl_push(x, v, 0);
	if (rv == -1) {
		ctrl_fail(x, v, ring_ctrl_error(rc));	/* unbinds it */
		return;
	}
	ctrl_push(x, v, 0);
	hv_evtchn_unmask(x->x_hv, ring_ctrl_port(rc));
}

/* ctrl_event: (main thread) control ring events; serve their rings. */
static void
ctrl_event(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	struct vif *v;
	int ports[HV_EVTCHN_BATCH], n, i;

	(void)fd;
	(void)ev;
	if ((n = hv_evtchn_pending_n(x->x_hv, ports, HV_EVTCHN_BATCH)) ==
	    -1) {
		if (errno != EFBIG)
			return;
		/* events were lost (hv.h): look at every ring */
		if (hv_evtchn_reset(x->x_hv) == -1)
			log_warn("control rings: event channel reset");
		TAILQ_FOREACH(v, &x->x_vifs, v_entry)
			if (v->v_ctrl != NULL && v->v_ctrl->vc_ring != NULL)
				ctrl_serve(x, v);
		return;
	}
	for (i = 0; i < n; i++)
		if ((v = ctrl_find(x, ports[i])) != NULL)
			ctrl_serve(x, v);	/* else unbound since */
}

/* ctrl_log: SIGUSR1's lines about v's control ring and multicast. */
void
ctrl_log(const struct vif *v, const struct ring_stats *s)
{
	struct ring_ctrl_stats cs;
	unsigned int n;
	int ring, on;

	if (ctrl_stats(v, &cs, &ring, &on, &n) == -1)
		return;
	log_info("%s: control ring: %s, requests %llu: success %llu, "
	    "not supported %llu, invalid %llu, overflow %llu; grant copies "
	    "%llu, index faults %llu; rx hash extras %llu, frames steered "
	    "to their queue %llu", v->v_ifname,
	    ring ? "connected" : "none",
	    (unsigned long long)cs.cs_requests,
	    (unsigned long long)cs.cs_status[XEN_NETIF_CTRL_STATUS_SUCCESS],
	    (unsigned long long)
	    cs.cs_status[XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED],
	    (unsigned long long)
	    cs.cs_status[XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER],
	    (unsigned long long)
	    cs.cs_status[XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW],
	    (unsigned long long)cs.cs_copies,
	    (unsigned long long)cs.cs_fatal,
	    (unsigned long long)s->rs_rx_hash,
	    (unsigned long long)s->rs_rx_steered);
	log_info("%s: multicast: filter %s, %u of %u groups; added %llu, "
	    "deleted %llu, refused %llu", v->v_ifname, on ? "on" : "off",
	    n, RING_MCAST_MAX, (unsigned long long)s->rs_mcast_add,
	    (unsigned long long)s->rs_mcast_del,
	    (unsigned long long)s->rs_mcast_refused);
}
