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
 * The per-vif xenbus state machine (main thread).
 *
 * A vif is created when the toolstack writes backend/vif/<domid>/<handle>
 * under our domain: we create its tap, write our features in one
 * transaction and go InitWait (2), which makes libxl run the hotplug
 * script.  When the frontend is Initialised/Connected and the script
 * wrote hotplug-status=connected we read and validate the frontend's
 * keys, hand the data path of each queue it asked for to a worker (the
 * queues of one vif to different workers) and go Connected (4).  Frontend
 * Closing/Closed, online=0, state 5 written by the toolstack, or the
 * domain dying stop the data path and answer Closing then Closed (6);
 * the frontend coming back to Initialising after Closed reconnects.  The
 * state is derived from xenstore on every event, so it can be rebuilt.
 *
 * It is rebuilt when xennetd restarts (xennetd.8, RESTART): a vif whose
 * backend state an earlier daemon left Connected is adopted: its tap
 * is joined again (port-tap.c), its rings mapped and its event channels
 * bound from the frontend's keys as at a connection, the engine resumes
 * at the responses published (ring_resync) and nothing is written to
 * xenstore, so the guest sees no state change.  Its features, queues,
 * rate and MTU come from xenstore as at a connection; the MTU stays the
 * tap's.  A vif in any other state is served as if new.
 */

#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <xenstore.h>

#include "xennetd.h"

#define VIF_DOMID_MAX	VIF_DOMID_LIMIT
#define VIF_HANDLE_MAX	0xFFFFU
#define VIF_EVTCHN_MAX	((1UL << 17) - 1)	/* FIFO ABI port limit */
#define VIF_TX_RETRIES	16
#define VIF_ALL		UINT32_MAX	/* vif_update_domain: every domain */
/*
 * A frontend may connect VIF_CONNECT_BURST times at once, then once per
 * VIF_CONNECT_MS: each connection maps, binds and allocates, so one that
 * cycles its state (or re-triggers its errors) faster waits.  Warnings
 * a guest can cause: VIF_LOG_BURST, then one per VIF_LOG_MS.
 */
#define VIF_CONNECT_BURST	4
#define VIF_CONNECT_MS		1000
#define VIF_LOG_BURST		2
#define VIF_LOG_MS		10000
/* connect/disconnect lines go to -v while a vif was throttled lately */
#define VIF_QUIET_MS		60000

static struct vif *vif_find(struct xnd *, uint32_t, uint32_t);
static int	vif_parse(struct xnd *, const char *, uint32_t *, uint32_t *);
static void	vif_scan_all(struct xnd *);
static void	vif_scan_domain(struct xnd *, uint32_t);
static void	vif_update_domain(struct xnd *, uint32_t);
static void	vif_mark(struct xnd *, struct vif *);
static void	vif_flush(evutil_socket_t, short, void *);
static struct vif *vif_create(struct xnd *, uint32_t, uint32_t);
static int	vif_advertise(struct xnd *, struct vif *);
static void	vif_update(struct xnd *, struct vif *);
static void	vif_rate(struct xnd *, struct vif *, uint64_t *, uint64_t *);
static uint64_t	vif_rate_share(const struct vif *, uint64_t);
static unsigned int vif_fe_queues(struct xnd *, struct vif *);
static int	vif_fe_queue(struct xnd *, struct vif *, unsigned int,
		    struct vif_dp *);
static int	vif_connect(struct xnd *, struct vif *);
static void	vif_disconnect(struct xnd *, struct vif *);
static void	vif_destroy(struct xnd *, struct vif *);
static void	vif_free(struct xnd *, struct vif *, int);
static void	vif_adopt(struct xnd *, struct vif *);
static void	vif_sweep_tap(void *, const char *);
static int	vif_set_state(struct xnd *, struct vif *, XenbusState);
static int	vif_read_state(struct xnd *, const char *);
static int	vif_dead(struct xnd *, struct vif *);
static void	vif_errpath(struct xnd *, struct vif *, char *, size_t);
static int	vif_worker_index(struct xnd *, struct worker *);
static int	vif_may_connect(struct vif *);
static void	vif_retry(evutil_socket_t, short, void *);
static int	vif_quiet(struct vif *);
static unsigned int vif_port_queues(const struct vif *);
static int	vif_mtu_read(struct xnd *, struct vif *, unsigned int *);
static int	vif_fe_opt(struct xnd *, struct vif *, const char *,
		    const char *, unsigned long, unsigned long *);
static int	vif_fe_headroom(struct xnd *, struct vif *, unsigned int *);
static void	vif_reconfigure(struct xnd *, struct vif *);
static int	vif_headroom_apply(struct xnd *, struct vif *);
static int	vif_fe_watch(struct xnd *, struct vif *, int);
static int	vif_vifname(struct xnd *, struct vif *);

static struct vif *
vif_find(struct xnd *x, uint32_t domid, uint32_t handle)
{
	struct vif *v;

	TAILQ_FOREACH(v, &x->x_vifs, v_entry)
		if (v->v_domid == domid && v->v_handle == handle)
			return (v);
	return (NULL);
}

/* vif_num: the len bytes at s as a decimal number <= max; 0 or -1. */
static int
vif_num(const char *s, size_t len, unsigned long max, uint32_t *out)
{
	unsigned long long v;

	if (num_parsen(s, len, max, &v) == -1)
		return (-1);
	*out = (uint32_t)v;
	return (0);
}

/*
 * vif_parse: split a path under x_root into domid and handle.  Returns
 * the number of components found (0: the root, 1: domid, 2: both), or
 * -1 if the path is not ours or malformed.
 */
static int
vif_parse(struct xnd *x, const char *path, uint32_t *domid,
    uint32_t *handle)
{
	size_t rl = strlen(x->x_root);
	const char *p, *q;

	if (strncmp(path, x->x_root, rl) != 0)
		return (-1);
	p = path + rl;
	if (*p == '\0')
		return (0);
	if (*p++ != '/')
		return (-1);
	q = strchr(p, '/');
	if (vif_num(p, q == NULL ? strlen(p) : (size_t)(q - p), VIF_DOMID_MAX,
	    domid) == -1)
		return (-1);
	if (q == NULL)
		return (1);
	p = q + 1;
	q = strchr(p, '/');
	if (vif_num(p, q == NULL ? strlen(p) : (size_t)(q - p),
	    VIF_HANDLE_MAX, handle) == -1)
		return (-1);
	return (2);
}

/* vif_scan_all: pick up every backend/vif/<domid>/<handle> there is. */
static void
vif_scan_all(struct xnd *x)
{
	unsigned int n, i;
	char **d;
	uint32_t domid;

	if ((d = xs_directory(x->x_xs, XBT_NULL, x->x_root, &n)) == NULL)
		return;
	for (i = 0; i < n; i++)
		if (vif_num(d[i], strlen(d[i]), VIF_DOMID_MAX, &domid) == 0)
			vif_scan_domain(x, domid);
	free(d);
}

static void
vif_scan_domain(struct xnd *x, uint32_t domid)
{
	char path[XENNETD_PATH_MAX];
	unsigned int n, i;
	uint32_t handle;
	char **d;

	snprintf(path, sizeof(path), "%s/%u", x->x_root, domid);
	if ((d = xs_directory(x->x_xs, XBT_NULL, path, &n)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (vif_num(d[i], strlen(d[i]), VIF_HANDLE_MAX, &handle) == -1)
			continue;
		if (vif_find(x, domid, handle) == NULL)
			vif_create(x, domid, handle);
	}
	free(d);
}

/*
 * vif_update_domain: have every known vif of domid (VIF_ALL: of every
 * domain) re-derived by the next vif_flush.
 */
static void
vif_update_domain(struct xnd *x, uint32_t domid)
{
	struct vif *v;

	TAILQ_FOREACH(v, &x->x_vifs, v_entry)
		if (domid == VIF_ALL || v->v_domid == domid)
			vif_mark(x, v);
}

/*
 * vif_mark: v changed: re-derive it once the watch events read so far
 * are all in.  The toolstack writes a dozen keys per vif and we see our
 * own writes too: re-deriving on every event made the cost of a vif
 * grow with how many were added at once (a guest with 18 vifs missed
 * libxl's 10 s InitWait deadline); now it is one pass per vif per
 * batch of events.
 */
static void
vif_mark(struct xnd *x, struct vif *v)
{
	v->v_dirty = 1;
	if (x->x_dirty)
		return;
	if (event_base_once(x->x_base, -1, EV_TIMEOUT, vif_flush, x,
	    NULL) == -1) {
		vif_update(x, v);	/* cannot defer it: do it now */
		return;
	}
	x->x_dirty = 1;
}

/* vif_flush: re-derive every vif marked since the last time. */
static void
vif_flush(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	struct vif *v, *next;

	x->x_dirty = 0;
	for (v = TAILQ_FIRST(&x->x_vifs); v != NULL; v = next) {
		next = TAILQ_NEXT(v, v_entry);
		if (!v->v_dirty)
			continue;
		v->v_dirty = 0;
		vif_update(x, v);	/* may free v, never next */
	}
}

/* vif_event: a change at or below x_root. */
void
vif_event(struct xnd *x, const char *path)
{
	uint32_t domid, handle;
	struct vif *v;
	switch (vif_parse(x, path, &domid, &handle)) {
	case 0:
		vif_scan_all(x);
		vif_update_domain(x, VIF_ALL);
		break;
	case 1:
		/* The domain's directory went or came. */
		vif_scan_domain(x, domid);
		vif_update_domain(x, domid);
		break;
	case 2:
		if ((v = vif_find(x, domid, handle)) != NULL)
			vif_mark(x, v);
		else
			vif_create(x, domid, handle);
		break;
	default:
		break;
	}
}

/* vif_frontend_event: the frontend's state changed (token fe/D/H). */
void
vif_frontend_event(struct xnd *x, const char *token)
{
	unsigned int domid, handle;
	struct vif *v;

	if (sscanf(token, "fe/%u/%u", &domid, &handle) != 2)
		return;
	if ((v = vif_find(x, domid, handle)) != NULL)
		vif_mark(x, v);
}

/* vif_release_event: @releaseDomain: some domain died; check them all. */
void
vif_release_event(struct xnd *x)
{
	vif_update_domain(x, VIF_ALL);
}

/*
 * vif_worker_failed: a worker disabled one queue of a vif whose guest
 * misbehaved: the whole vif goes.  A report about an earlier connection
 * (queued before the frontend reset and reconnected) is dropped.
 */
void
vif_worker_failed(struct xnd *x, const struct wfail *f)
{
	struct vif *v;
	unsigned int queue = f->wf_queue;
	const char *why = f->wf_why;

	if ((v = vif_find(x, f->wf_domid, f->wf_handle)) == NULL ||
	    queue >= v->v_attached || f->wf_gen != v->v_gen)
		return;
	if (f->wf_hostport) {
		/*
		 * The tap is gone (deleted under us): nothing can carry
		 * this vif's frames any more, and a new tap would be on no
		 * bridge (the hotplug script ran once).  Give it up until
		 * the toolstack re-creates it.
		 */
		vif_error(x, v, EIO, "host port %s lost (%s); the vif "
		    "stays down until it is re-created", v->v_ifname, why);
		tap_close(&v->v_tap, 0);	/* vif_error detached its queues */
		return;
	}
	if (v->v_nqueues > 1)
		vif_error(x, v, EPROTO, "frontend broke the netif protocol "
		    "(queue %u: %s); disconnecting it", queue, why);
	else
		vif_error(x, v, EPROTO, "frontend broke the netif protocol "
		    "(%s); disconnecting it", why);
}

/*
 * vif_create: a new backend directory.  Reads and validates what the
 * toolstack wrote, creates the tap and advertises our features.  Returns
 * the vif, or NULL if the directory is incomplete or being removed.
 */
static struct vif *
vif_create(struct xnd *x, uint32_t domid, uint32_t handle)
{
	char bepath[XENNETD_PATH_MAX], buf[XENNETD_PATH_MAX], prefix[64];
	char bridge[IFNAMSIZ], tapname[IFNAMSIZ];
	unsigned int nq = x->x_conf.xc_max_queues, q;
	unsigned long u;
	uint64_t t0 = throttle_now(), ttap = 0;
	struct vif *v;
	int st;

	snprintf(bepath, sizeof(bepath), "%s/%u/%u", x->x_root, domid,
	    handle);
	if (store_read(x->x_xs, bepath, "frontend", buf, sizeof(buf)) == -1)
		return (NULL);	/* not written yet, or gone */
	st = vif_read_state(x, bepath);
	if ((store_read_uint(x->x_xs, bepath, "online", 1, &u) == 0 &&
	    u == 0) || st == XenbusStateClosing) {
		/* Being removed before we ever served it: just answer. */
		if (st != XenbusStateClosed)
			store_write(x->x_xs, XBT_NULL, bepath, "state", "%d",
			    XenbusStateClosed);
		/* ... and take away a tap an earlier daemon left for it */
		snprintf(buf, sizeof(buf), "vif%u.%u", domid, handle);
		if (tap_discard(buf, tapname, sizeof(tapname)) == 1)
			log_info("%s: removed the tap %s an earlier xennetd "
			    "left: the vif is being removed", buf, tapname);
		return (NULL);
	}
	if ((v = calloc(1, sizeof(*v))) == NULL ||
	    (v->v_dp = calloc(nq, sizeof(*v->v_dp))) == NULL) {
		log_warn("vif%u.%u: calloc", domid, handle);
		free(v);
		return (NULL);
	}
	v->v_domid = domid;
	v->v_handle = handle;
	v->v_xnd = x;
	throttle_init(&v->v_connect_tb, VIF_CONNECT_BURST, VIF_CONNECT_MS);
	throttle_init(&v->v_log_tb, VIF_LOG_BURST, VIF_LOG_MS);
	if ((v->v_retry_ev = evtimer_new(x->x_base, vif_retry, v)) == NULL) {
		log_warnx("vif%u.%u: cannot create its timer", domid, handle);
		free(v->v_dp);
		free(v);
		return (NULL);
	}
	for (q = 0; q < nq; q++) {
		v->v_dp[q].dp_domid = domid;
		v->v_dp[q].dp_handle = handle;
		v->v_dp[q].dp_queue = q;
		v->v_dp[q].dp_stalled = &v->v_stalled;
		v->v_dp[q].dp_tapfd = -1;
		v->v_dp[q].dp_port_tx = v->v_dp[q].dp_port_rx = -1;
	}
	v->v_state = XenbusStateInitialising;
	snprintf(v->v_bepath, sizeof(v->v_bepath), "%s", bepath);
	snprintf(v->v_fepath, sizeof(v->v_fepath), "%s", buf);
	TAILQ_INSERT_TAIL(&x->x_vifs, v, v_entry);

	/*
	 * The hotplug contract of the host (ifname.c).  Linux
	 * (vif-common.sh): the device is always created as
	 * vif<domid>.<handle>; when the toolstack set a vifname the script
	 * renames it (and fails if that name exists already), so we neither
	 * use nor write vifname.  The tap fd survives a rename.  The BSDs:
	 * vif_vifname, once the tap exists.  With VIF_DOMID_MAX and
	 * VIF_HANDLE_MAX every style's name fits IFNAMSIZ (t_ifname).
	 */
	if (ifname_make(osdep_ifname_style(), domid, handle, v->v_ifname,
	    sizeof(v->v_ifname)) == -1) {
		snprintf(v->v_ifname, sizeof(v->v_ifname), "vif%u.%u", domid,
		    handle);
		vif_error(x, v, errno, "no %s interface name for it",
		    ifname_style_name(osdep_ifname_style()));
		return (v);
	}

	/* Only the frontend of this very domain is acceptable. */
	snprintf(prefix, sizeof(prefix), "/local/domain/%u/", domid);
	if (store_read_uint(x->x_xs, bepath, "frontend-id", VIF_DOMID_MAX,
	    &u) == -1 || u != domid ||
	    strncmp(v->v_fepath, prefix, strlen(prefix)) != 0) {
		vif_error(x, v, EINVAL, "frontend %s / frontend-id do not "
		    "belong to domain %u", v->v_fepath, domid);
		return (v);
	}
	if (store_read(x->x_xs, bepath, "mac", buf, 32) == 0 &&
	    store_parse_mac(buf, v->v_mac) == -1)
		log_warnx("vif%u.%u: ignoring invalid mac \"%s\"", domid,
		    handle, buf);
	conf_vif(x, domid, handle, v->v_mac, &v->v_conf);
	if (vif_mtu_read(x, v, &v->v_mtu) == -1)
		v->v_mtu = 1500;
	if (v->v_conf.vc_port == PORT_BPF) {
		/* no tap: the guest's frames go onto an existing interface */
		if ((v->v_bpf = bpf_open(v->v_conf.vc_port_if, v->v_mac,
		    v->v_mtu, buf, sizeof(buf))) == NULL) {
			vif_error(x, v, errno, "cannot open bpf port on %s: %s",
			    v->v_conf.vc_port_if, buf);
			return (v);
		}
	} else {
		ttap = throttle_now();
		if (tap_open(&v->v_tap, v->v_ifname, tapname, sizeof(tapname),
		    nq, v->v_mtu) == -1) {
			vif_error(x, v, errno, "cannot create tap %s with %u "
			    "queue%s: %s", v->v_ifname, nq, nq == 1 ? "" : "s",
			    strerror(errno));
			return (v);
		}
		ttap = throttle_now() - ttap;
		if (v->v_tap.tp_reused)
			log_info("%s: joined the tap an earlier xennetd left "
			    "(now %s), with its bridge port and addresses",
			    v->v_ifname, tapname);
	}
	if (v->v_bpf == NULL && vif_vifname(x, v) == -1) {
		vif_error(x, v, errno, "cannot write vifname %s: %s",
		    v->v_ifname, strerror(errno));
		return (v);
	}
	if (st == XenbusStateConnected) {
		/*
		 * An earlier daemon connected it and died or left it (-k):
		 * take over without a handshake (vif_adopt).  A tap made
		 * anew is on no bridge: the hotplug script ran only for the
		 * old one.
		 */
		if (v->v_bpf == NULL && !v->v_tap.tp_reused)
			log_warnx("%s: the tap of this Connected vif was gone "
			    "and is made anew: it is on no bridge (detach and "
			    "attach the vif again to run the hotplug script)",
			    v->v_ifname);
		v->v_state = XenbusStateConnected;
		v->v_adopt = 1;
	} else if (vif_advertise(x, v) == -1) {
		vif_error(x, v, errno, "cannot write features: %s",
		    strerror(errno));
		return (v);
	}
	snprintf(v->v_token, sizeof(v->v_token), "fe/%u/%u", domid, handle);
	v->v_watching = vif_fe_watch(x, v, 1) == 0;
	/* For the operator only: the hotplug script acts on these. */
	if (store_read(x->x_xs, bepath, "bridge", bridge, sizeof(bridge)) ==
	    -1)
		snprintf(bridge, sizeof(bridge), "-");
	if (store_read(x->x_xs, bepath, "script", buf, sizeof(buf)) == -1)
		snprintf(buf, sizeof(buf), "-");
	log_info("%s: new vif for domain %u handle %u, mac "
	    "%02x:%02x:%02x:%02x:%02x:%02x, mtu %u, bridge %s, script %s",
	    v->v_ifname, domid, handle, v->v_mac[0], v->v_mac[1], v->v_mac[2],
	    v->v_mac[3], v->v_mac[4], v->v_mac[5], v->v_mtu, bridge, buf);
	if (v->v_bpf != NULL)
		log_info("%s: no tap: on %s through bpf", v->v_ifname,
		    bpf_ifname(v->v_bpf));
	if (!v->v_adopt)
		vif_set_state(x, v, XenbusStateInitWait);
	/* the toolstack gives each vif 10 s to get here (libxl) */
	log_debug("%s: set up in %llu ms (its tap %llu ms)", v->v_ifname,
	    (unsigned long long)(throttle_now() - t0),
	    (unsigned long long)ttap);
	vif_update(x, v);
	return (v);
}

/*
 * vif_vifname: tell the hotplug script the tap's name where the host's
 * scripts read it from the backend's vifname (ifname.c), before
 * InitWait, when the toolstack runs them; say so if the toolstack asked
 * for a name this host will not make.  0, or -1 with errno.
 */
static int
vif_vifname(struct xnd *x, struct vif *v)
{
	char req[XENNETD_PATH_MAX];
	int ignored;

	if (store_read(x->x_xs, v->v_bepath, "vifname", req, sizeof(req)) ==
	    -1)
		req[0] = '\0';		/* none, or not a name we could use */
	if (ifname_vifname(osdep_ifname_style(), req, v->v_ifname,
	    &ignored) != IFNAME_VIFNAME_WRITE)
		return (0);
	if (ignored)
		log_warnx("%s: vifname \"%.*s\" not used: on %s the "
		    "interface is %s (written to vifname)", v->v_ifname,
		    IFNAMSIZ, req, ifname_style_name(osdep_ifname_style()),
		    v->v_ifname);
	return (store_write(x->x_xs, XBT_NULL, v->v_bepath, "vifname", "%s",
	    v->v_ifname));
}

/*
 * vif_advertise: our features and how many queues a frontend may use,
 * in one transaction (retried when xenstore reports a conflict).
 */
static int
vif_advertise(struct xnd *x, struct vif *v)
{
	static const char *features[] = {
		"feature-sg=1", "feature-gso-tcpv4=1", "feature-gso-tcpv6=1",
		"feature-ipv6-csum-offload=1", "feature-rx-copy=1",
		"feature-rx-flip=0", "feature-split-event-channels=1",
		"feature-xdp-headroom=1",
		"feature-ctrl-ring=1", "feature-multicast-control=1",
		"feature-dynamic-multicast-control=1",
	};
	char key[64];
	const char *eq;
	xs_transaction_t t;
	size_t i;
	int try;

	for (try = 0; try < VIF_TX_RETRIES; try++) {
		if ((t = xs_transaction_start(x->x_xs)) == XBT_NULL)
			return (-1);
		for (i = 0; i < sizeof(features) / sizeof(features[0]); i++) {
			eq = strchr(features[i], '=');
			snprintf(key, sizeof(key), "%.*s",
			    (int)(eq - features[i]), features[i]);
			if (store_write(x->x_xs, t, v->v_bepath, key, "%s",
			    eq + 1) == -1)
				goto abort;
		}
		if (store_write(x->x_xs, t, v->v_bepath,
		    "multi-queue-max-queues", "%u", vif_port_queues(v)) == -1)
			goto abort;
		if (xs_transaction_end(x->x_xs, t, false))
			return (0);
		if (errno != EAGAIN)
			return (-1);
	}
	errno = EAGAIN;
	return (-1);
abort:
	xs_transaction_end(x->x_xs, t, true);
	return (-1);
}

/* vif_read_state: a XenbusState key; XenbusStateUnknown if missing or bad. */
static int
vif_read_state(struct xnd *x, const char *dir)
{
	unsigned long u;

	if (store_read_uint(x->x_xs, dir, "state", XenbusStateReconfigured,
	    &u) == -1)
		return (XenbusStateUnknown);
	return ((int)u);
}

/* vif_dead: 1 if the guest's domain is gone or dying. */
static int
vif_dead(struct xnd *x, struct vif *v)
{
	struct hv_dominfo di;

	if (hv_dominfo(x->x_hv, v->v_domid, &di) == -1)
		return (0);
	return (!di.hd_exists || di.hd_dying);
}

/*
 * vif_update: re-derive what to do from xenstore and the domain's state.
 * May free v (when its backend directory is gone).
 */
static void
vif_update(struct xnd *x, struct vif *v)
{
	char hp[32];
	unsigned long online = 1;
	int be, fe;

	switch (store_exists(x->x_xs, v->v_bepath)) {
	case 0:
		vif_destroy(x, v);
		return;
	case -1:
		/*
		 * xenstore cannot answer (its connection going): decide
		 * nothing now; the reconnection re-reads every directory.
		 */
		return;
	}
	if (store_read_uint(x->x_xs, v->v_bepath, "online", 1, &online) ==
	    -1)
		online = 1;
	be = vif_read_state(x, v->v_bepath);
	if (be == XenbusStateInitialising &&
	    v->v_state != XenbusStateInitialising) {
		/*
		 * Only the toolstack writes Initialising, when it makes the
		 * directory: this one was removed and made again (the same
		 * domid or device id reused) before we saw it go.  The vif
		 * we have is the old one.
		 */
		uint32_t domid = v->v_domid, handle = v->v_handle;

		log_info("%s: backend directory made anew by the toolstack",
		    v->v_ifname);
		vif_destroy(x, v);
		vif_create(x, domid, handle);
		return;
	}
	if (vif_dead(x, v) || online == 0 ||
	    (be == XenbusStateClosing && v->v_state != XenbusStateClosing)) {
		/* Toolstack teardown (xl destroy/network-detach) or death. */
		vif_disconnect(x, v);
		if (v->v_state != XenbusStateClosed) {
			if (be != XenbusStateClosing &&
			    v->v_state != XenbusStateClosing)
				vif_set_state(x, v, XenbusStateClosing);
			vif_set_state(x, v, XenbusStateClosed);
		}
		return;
	}
	if (vif_port_queues(v) == 0)
		return;		/* failed at creation; wait for removal */
	if (v->v_attached > 0) {
		vif_rate_apply(x, v);	/* `rate' may have changed */
		ctrl_update(x, v);	/* request-multicast-control too */
	}
	vif_mtu_apply(x, v);		/* and `mtu' */
	if (v->v_attached > 0 && vif_headroom_apply(x, v) == -1)
		return;			/* vif_error: a bad xdp-headroom */
	fe = vif_read_state(x, v->v_fepath);
	switch (fe) {
	case XenbusStateReconfiguring:
		vif_reconfigure(x, v);
		break;
	case XenbusStateClosing:
		vif_disconnect(x, v);
		if (v->v_state != XenbusStateClosing &&
		    v->v_state != XenbusStateClosed)
			vif_set_state(x, v, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:
		vif_disconnect(x, v);
		if (v->v_state == XenbusStateConnected)
			vif_set_state(x, v, XenbusStateClosing);
		if (v->v_state == XenbusStateClosing)
			vif_set_state(x, v, XenbusStateClosed);
		break;
	case XenbusStateInitialising:
		/* The frontend restarted (driver reload, kexec, resume). */
		if (v->v_state == XenbusStateClosing ||
		    v->v_state == XenbusStateClosed ||
		    v->v_state == XenbusStateConnected) {
			vif_disconnect(x, v);
			v->v_failed = 0;
			(vif_quiet(v) ? log_debug : log_info)("%s: frontend "
			    "reinitialising, waiting for it to reconnect",
			    v->v_ifname);
			vif_set_state(x, v, XenbusStateInitWait);
		}
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (v->v_adopt) {
			vif_adopt(x, v);
			break;
		}
		if (fe == XenbusStateConnected &&
		    v->v_state == XenbusStateReconfigured) {
			/* netif.h: reconfigured, the frontend is back */
			vif_set_state(x, v, XenbusStateConnected);
			break;
		}
		if (v->v_state != XenbusStateInitWait || v->v_failed)
			break;
		/* libxl: wait for the hotplug script before connecting. */
		if (store_read(x->x_xs, v->v_bepath, "hotplug-status", hp,
		    sizeof(hp)) == -1 || strcmp(hp, "connected") != 0)
			break;
		if (!vif_may_connect(v))
			break;		/* vif_retry comes back */
		if (vif_connect(x, v) == 0)
			vif_set_state(x, v, XenbusStateConnected);
		break;
	default:
		break;
	}
	v->v_adopt = 0;		/* it is the frontend's state that counts */
}

/*
 * vif_adopt: take over a vif an earlier daemon left Connected, whose
 * frontend is connected too: connect to its rings where they are
 * (ring_resync) and stay Connected, writing nothing.  If that fails,
 * vif_error takes it down as it would any connection.
 */
static void
vif_adopt(struct xnd *x, struct vif *v)
{
	v->v_adopt = 0;
	if (v->v_state != XenbusStateConnected || v->v_attached > 0)
		return;
	v->v_connects++;
	if (vif_connect(x, v) == 0)
		log_info("%s: adopted the connection an earlier xennetd left "
		    "(%u queue%s): traffic resumes", v->v_ifname,
		    v->v_nqueues, v->v_nqueues == 1 ? "" : "s");
}

/*
 * vif_rate: the guest transmit limit of v, bytes per usec microseconds
 * (0: none).  The configuration file's rate wins if it sets one (the
 * operator's word over the toolstack's); else the backend's `rate' key,
 * "BYTES,USECS" as libxl writes it from rate= in the vif line.  A
 * malformed key means no limit, as in Linux, and is logged once per
 * value written.
 */
static void
vif_rate(struct xnd *x, struct vif *v, uint64_t *bytes, uint64_t *usec)
{
	unsigned long long b, u;
	char buf[sizeof(v->v_rate_key)];
	const char *comma;

	*bytes = *usec = 0;
	if (v->v_conf.vc_rate_bytes != 0) {
		*bytes = v->v_conf.vc_rate_bytes;
		*usec = v->v_conf.vc_rate_usec;
		return;
	}
	if (store_read(x->x_xs, v->v_bepath, "rate", buf, sizeof(buf)) ==
	    -1) {
		if (errno != E2BIG) {
			v->v_rate_key[0] = '\0';
			return;
		}
		snprintf(buf, sizeof(buf), "(too long)");
	} else if ((comma = strchr(buf, ',')) != NULL &&
	    num_parsen(buf, (size_t)(comma - buf), ULLONG_MAX, &b) == 0 &&
	    num_parse(comma + 1, UINT32_MAX, &u) == 0) {
		snprintf(v->v_rate_key, sizeof(v->v_rate_key), "%s", buf);
		*bytes = b;
		*usec = u;
		return;
	}
	if (strcmp(buf, v->v_rate_key) != 0)
		log_warnx("%s: backend rate \"%s\" is not BYTES,USECS "
		    "(USECS at most %u): no transmit limit", v->v_ifname, buf,
		    UINT32_MAX);
	snprintf(v->v_rate_key, sizeof(v->v_rate_key), "%s", buf);
}

/*
 * vif_rate_share: one queue's part of the vif's limit of bytes per
 * period.  The credit is per queue (each queue is served by its own
 * worker thread, and sharing one credit among them would put a lock or
 * atomics on every pass): the limit is split evenly so that the vif's
 * total stays within it; a single flow, which uses one queue, then gets
 * that queue's share.
 */
static uint64_t
vif_rate_share(const struct vif *v, uint64_t bytes)
{
	uint64_t share;

	if (bytes == 0 || v->v_nqueues <= 1)
		return (bytes);
	share = bytes / v->v_nqueues;
	return (share > 0 ? share : 1);
}

/*
 * vif_rate_apply: the limit of a connected vif may have changed (its
 * `rate' key or the configuration file): give its queues the new one.
 */
void
vif_rate_apply(struct xnd *x, struct vif *v)
{
	uint64_t bytes, usec;
	unsigned int q;

	vif_rate(x, v, &bytes, &usec);
	if (bytes == v->v_rate_bytes && usec == v->v_rate_usec)
		return;
	v->v_rate_bytes = bytes;
	v->v_rate_usec = usec;
	for (q = 0; q < v->v_attached; q++)
		if (worker_set_rate(v->v_worker[q], &v->v_dp[q],
		    vif_rate_share(v, bytes), usec) == -1)
			log_warn("%s: queue %u: cannot change its rate",
			    v->v_ifname, q);
	if (bytes == 0)
		log_info("%s: guest transmit no longer limited", v->v_ifname);
	else
		log_info("%s: guest transmit limited to %llu bytes per %llu "
		    "us", v->v_ifname, (unsigned long long)bytes,
		    (unsigned long long)usec);
}

/*
 * vif_mtu_read: the vif's MTU into *mtu: the configuration's if it sets
 * one, else the toolstack's `mtu' key in the backend directory (libxl
 * writes mtu= of the vif line there); 0, or -1 if neither gives one.  A
 * key out of CONF_MTU_MIN..CONF_MTU_MAX is logged once per value.
 */
static int
vif_mtu_read(struct xnd *x, struct vif *v, unsigned int *mtu)
{
	char buf[32];
	unsigned long u;

	if (v->v_conf.vc_mtu != 0) {
		*mtu = v->v_conf.vc_mtu;
		return (0);
	}
	if (store_read_uint(x->x_xs, v->v_bepath, "mtu", CONF_MTU_MAX,
	    &u) == 0) {
		if (u >= CONF_MTU_MIN) {
			v->v_mtu_bad[0] = '\0';
			*mtu = (unsigned int)u;
			return (0);
		}
	} else if (errno == ENOENT)
		return (-1);
	if (store_read(x->x_xs, v->v_bepath, "mtu", buf, sizeof(buf)) == -1)
		snprintf(buf, sizeof(buf), "(unreadable)");
	if (strcmp(buf, v->v_mtu_bad) != 0)
		log_warnx("vif%u.%u: ignoring invalid mtu \"%s\" (not %u..%u)",
		    v->v_domid, v->v_handle, buf, CONF_MTU_MIN, CONF_MTU_MAX);
	snprintf(v->v_mtu_bad, sizeof(v->v_mtu_bad), "%s", buf);
	return (-1);
}

/*
 * vif_mtu_apply: the toolstack changed the `mtu' key (or the vif was
 * re-derived, or the configuration reloaded): give the tap the new MTU
 * at once, connected or not.
 * Linux xen-netback does not watch the key (the toolstack sets its vif's
 * MTU); we do, as for `rate'.  A bpf port's MTU is fixed when the vif is
 * created; a key that goes away or goes bad keeps the MTU in force.
 */
void
vif_mtu_apply(struct xnd *x, struct vif *v)
{
	unsigned int mtu;

	if (vif_mtu_read(x, v, &mtu) == -1 || mtu == v->v_mtu)
		return;
	if (v->v_bpf != NULL || v->v_tap.tp_nfd == 0) {
		if (v->v_mtu_pending != mtu)
			log_info("%s: mtu %u applies when the vif is created "
			    "again (bpf port)", v->v_ifname, mtu);
		v->v_mtu_pending = mtu;
		return;
	}
	if (tap_set_mtu(v->v_tap.tp_fd[0], mtu) == -1) {
		if (v->v_mtu_pending != mtu)
			log_warn("%s: cannot set mtu %u", v->v_ifname, mtu);
		v->v_mtu_pending = mtu;
		return;
	}
	log_info("%s: mtu %u -> %u", v->v_ifname, v->v_mtu, mtu);
	v->v_mtu = mtu;
	v->v_mtu_pending = 0;
}

/*
 * vif_fe_headroom: the frontend's xdp-headroom (0 if absent) into *h;
 * 0, or -1 after vif_error.  netif.h (Linux's copy, "xdp-headroom"):
 * at most XEN_NETIF_MAX_XDP_HEADROOM (0x7FFF) octets; we also need room
 * for data in the first rx buffer, a page.
 */
static int
vif_fe_headroom(struct xnd *x, struct vif *v, unsigned int *h)
{
	unsigned long u;
	int r;

	*h = 0;
	if ((r = vif_fe_opt(x, v, "", "xdp-headroom", RING_RX_HEADROOM_MAX,
	    &u)) != 1)
		return (r);
	if (u >= RING_RX_HEADROOM_LIMIT) {
		vif_error(x, v, EINVAL, "frontend xdp-headroom %lu leaves no "
		    "room for data in a %u-octet rx buffer", u,
		    RING_RX_HEADROOM_LIMIT);
		return (-1);
	}
	*h = (unsigned int)u;
	return (0);
}

/*
 * vif_reconfigure: the frontend is Reconfiguring (7): netif.h's
 * "xdp-headroom" sequence.  It writes a new xdp-headroom; we re-read it,
 * make every queue leave that much room before each rx frame from its
 * next pass on (vif_headroom_apply), and answer Reconfigured (8); when
 * the frontend is Connected again, so are we (vif_update).  Only a
 * connected vif reconfigures.
 */
static void
vif_reconfigure(struct xnd *x, struct vif *v)
{
	if ((v->v_state != XenbusStateConnected &&
	    v->v_state != XenbusStateReconfigured) || v->v_attached == 0)
		return;
	if (vif_headroom_apply(x, v) == -1)
		return;
	vif_set_state(x, v, XenbusStateReconfigured);
}

/*
 * vif_headroom_apply: (a connected vif) give its queues the frontend's
 * xdp-headroom if it changed.  Linux netfront goes Reconfiguring and
 * then writes the key: the key is watched too, and a value that comes
 * after we answered Reconfigured still applies.  0, or -1 after
 * vif_error.
 */
static int
vif_headroom_apply(struct xnd *x, struct vif *v)
{
	unsigned int h, q;

	if (vif_fe_headroom(x, v, &h) == -1)
		return (-1);
	if (h == v->v_headroom)
		return (0);
	for (q = 0; q < v->v_attached; q++)
		if (worker_set_headroom(v->v_worker[q], &v->v_dp[q], h) ==
		    -1 && errno != ETIMEDOUT) {
			vif_error(x, v, errno, "queue %u: cannot set "
			    "xdp-headroom %u: %s", q, h, strerror(errno));
			return (-1);
		}
	log_info("%s: xdp-headroom %u -> %u", v->v_ifname, v->v_headroom, h);
	v->v_headroom = h;
	return (0);
}

/* vif_fe_bool: a frontend feature flag, or -1 after vif_error. */
static int
vif_fe_bool(struct xnd *x, struct vif *v, const char *key, int def)
{
	int b;

	if ((b = store_read_bool(x->x_xs, v->v_fepath, key, def)) == -1)
		vif_error(x, v, EINVAL, "frontend %s is %s, not 0 or 1", key,
		    errno == E2BIG ? "too long" : "invalid");
	return (b);
}

/*
 * vif_fe_opt: the optional frontend number pre+key (pre: "" or
 * "queue-N/"), <= max, into *out: 1, 0 if the key is absent, or -1
 * after vif_error (present but not such a number: refused, never taken
 * for absent).
 */
static int
vif_fe_opt(struct xnd *x, struct vif *v, const char *pre, const char *key,
    unsigned long max, unsigned long *out)
{
	char k[64];
	int r;

	snprintf(k, sizeof(k), "%s%s", pre, key);
	if ((r = store_read_opt(x->x_xs, v->v_fepath, k, max, out)) == -1) {
		if (errno == E2BIG)	/* no range to tell: it is no number */
			vif_error(x, v, EINVAL, "frontend %s is too long", k);
		else
			vif_error(x, v, EINVAL, "frontend %s is %s (at most "
			    "%lu)", k, store_why(errno), max);
	}
	return (r);
}

/*
 * vif_fe_uint: the required frontend number pre+key, <= max; 0, or -1
 * after vif_error.
 */
static int
vif_fe_uint(struct xnd *x, struct vif *v, const char *pre, const char *key,
    unsigned long max, uint32_t *out)
{
	unsigned long u;
	int r;

	if ((r = vif_fe_opt(x, v, pre, key, max, &u)) == -1)
		return (-1);
	if (r == 0) {
		vif_error(x, v, ENOENT, "frontend %s%s is missing", pre, key);
		return (-1);
	}
	*out = (uint32_t)u;
	return (0);
}

/*
 * vif_fe_queues: how many queues the frontend asks for: 1 without
 * multi-queue-num-queues, else its value, which must be a number from 1
 * to the multi-queue-max-queues we offered (Linux xen-netback refuses
 * more as "buggy or malicious").  0 after vif_error.
 */
static unsigned int
vif_fe_queues(struct xnd *x, struct vif *v)
{
	unsigned long nq;
	int r;

	if ((r = vif_fe_opt(x, v, "", "multi-queue-num-queues", UINT_MAX,
	    &nq)) != 1)
		return (r == 0 ? 1 : 0);
	if (nq < 1 || nq > vif_port_queues(v)) {
		vif_error(x, v, EINVAL, "frontend asks for %lu queues; "
		    "multi-queue-max-queues is %u", nq, vif_port_queues(v));
		return (0);
	}
	return ((unsigned int)nq);
}

/*
 * vif_fe_queue: the ring refs and event channel(s) of queue dp, under
 * queue-<n>/ if the frontend uses more than nq = 1 queue, else in its
 * directory.  0, or -1 after vif_error.
 */
static int
vif_fe_queue(struct xnd *x, struct vif *v, unsigned int nq,
    struct vif_dp *dp)
{
	char pre[32];
	unsigned long u;
	int r;

	pre[0] = '\0';
	if (nq > 1)
		snprintf(pre, sizeof(pre), "queue-%u/", dp->dp_queue);
	if (vif_fe_uint(x, v, pre, "tx-ring-ref", UINT32_MAX,
	    &dp->dp_tx_ref) == -1 || vif_fe_uint(x, v, pre, "rx-ring-ref",
	    UINT32_MAX, &dp->dp_rx_ref) == -1)
		return (-1);
	/*
	 * netif.h "feature-split-event-channels": event-channel-tx and -rx,
	 * or event-channel.  A present but bad event-channel-tx is refused,
	 * not taken for absent.
	 */
	if ((r = vif_fe_opt(x, v, pre, "event-channel-tx", VIF_EVTCHN_MAX,
	    &u)) == -1)
		return (-1);
	if (r == 1) {
		dp->dp_evtchn_tx = (uint32_t)u;
		if (vif_fe_uint(x, v, pre, "event-channel-rx", VIF_EVTCHN_MAX,
		    &dp->dp_evtchn_rx) == -1)
			return (-1);
	} else {
		if (vif_fe_uint(x, v, pre, "event-channel", VIF_EVTCHN_MAX,
		    &dp->dp_evtchn_tx) == -1)
			return (-1);
		dp->dp_evtchn_rx = dp->dp_evtchn_tx;
	}
	return (0);
}

/*
 * vif_port_queues: how many queues the vif's port can serve: its tap's;
 * one on a bpf port (every capture on an interface sees every frame:
 * two would deliver each frame twice); 0 if it could not be opened.
 */
static unsigned int
vif_port_queues(const struct vif *v)
{
	if (v->v_conf.vc_port == PORT_BPF)
		return (v->v_bpf != NULL ? 1 : 0);
	return (v->v_tap.tp_nfd);
}

/* vif_worker_index: w's index in x_workers, -1 if none. */
static int
vif_worker_index(struct xnd *x, struct worker *w)
{
	int i;

	for (i = 0; i < x->x_nworkers; i++)
		if (x->x_workers[i] == w)
			return (i);
	return (-1);
}

/*
 * vif_connect: read and validate the frontend's queue count, each
 * queue's ring refs and event channels, and its features; attach as
 * many queues of the tap and hand queue q to worker (base + q) modulo
 * the workers, base the least loaded one, so that one guest's queues
 * run on different threads.  0, or -1 after vif_error (nothing left
 * attached).
 */
static int
vif_connect(struct xnd *x, struct vif *v)
{
	struct ring_features rf;
	struct vif_dp *dp;
	struct worker *w;
	unsigned int nq, q;
	int i, b, base, err, ctrl;
	char qs[32], why[128];

	b = vif_fe_bool(x, v, "request-rx-copy", 0);
	if (b == -1)
		return (-1);
	if (b == 0) {
		vif_error(x, v, EOPNOTSUPP, "frontend does not set "
		    "request-rx-copy: page-flipping frontends are not "
		    "supported");
		return (-1);
	}
	if ((nq = vif_fe_queues(x, v)) == 0)
		return (-1);
	for (q = 0; q < nq; q++)
		if (vif_fe_queue(x, v, nq, &v->v_dp[q]) == -1)
			return (-1);
	memset(&rf, 0, sizeof(rf));
	if ((rf.rf_sg = vif_fe_bool(x, v, "feature-sg", 0)) == -1 ||
	    (rf.rf_gso4 = vif_fe_bool(x, v, "feature-gso-tcpv4", 0)) == -1 ||
	    (rf.rf_gso6 = vif_fe_bool(x, v, "feature-gso-tcpv6", 0)) == -1 ||
	    (b = vif_fe_bool(x, v, "feature-no-csum-offload", 0)) == -1 ||
	    (rf.rf_csum6 = vif_fe_bool(x, v, "feature-ipv6-csum-offload",
	    0)) == -1 ||
	    (rf.rf_rx_notify = vif_fe_bool(x, v, "feature-rx-notify",
	    0)) == -1)
		return (-1);
	rf.rf_csum = !b;
	if (vif_fe_headroom(x, v, &rf.rf_headroom) == -1)
		return (-1);
	v->v_headroom = rf.rf_headroom;
	if (v->v_bpf == NULL && tap_queues(&v->v_tap, nq) == -1) {
		vif_error(x, v, errno, "cannot attach %u queues of tap %s: %s",
		    nq, v->v_ifname, strerror(errno));
		return (-1);
	}
	v->v_nqueues = nq;
	v->v_gen++;	/* reports of earlier connections no longer count */
	/* ctrl.c: with a control ring, all queues on one worker */
	if ((ctrl = ctrl_connect(x, v, why, sizeof(why))) == -1) {
		vif_error(x, v, EINVAL, "%s", why);
		return (-1);
	}
	clock_gettime(CLOCK_MONOTONIC, &v->v_since);

	vif_rate(x, v, &v->v_rate_bytes, &v->v_rate_usec);
	if (v->v_rate_bytes != 0)
		log_info("%s: guest transmit limited to %llu bytes per %llu us",
		    v->v_ifname, (unsigned long long)v->v_rate_bytes,
		    (unsigned long long)v->v_rate_usec);
	base = 0;
	for (i = 1; i < x->x_nworkers; i++)
		if (worker_nvifs(x->x_workers[i]) <
		    worker_nvifs(x->x_workers[base]))
			base = i;
	for (q = 0; q < nq; q++) {
		dp = &v->v_dp[q];
		dp->dp_feat = rf;
		dp->dp_gen = v->v_gen;
		/* vif_adopt: rings an earlier daemon served */
		dp->dp_adopt = v->v_state == XenbusStateConnected;
		dp->dp_tapfd = v->v_bpf == NULL ? v->v_tap.tp_fd[q] : -1;
		dp->dp_bpf = v->v_bpf;	/* one queue: vif_port_queues */
		memset(&dp->dp_bpf_snap, 0, sizeof(dp->dp_bpf_snap));
		dp->dp_ring = v->v_conf.vc_ring;
		dp->dp_rate_bytes = vif_rate_share(v, v->v_rate_bytes);
		dp->dp_rate_usec = v->v_rate_usec;
		memset(&dp->dp_snap, 0, sizeof(dp->dp_snap));
		memset(&dp->dp_pio_snap, 0, sizeof(dp->dp_pio_snap));
		if (nq > 1)
			snprintf(dp->dp_name, sizeof(dp->dp_name),
			    "%s queue %u", v->v_ifname, q);
		else
			snprintf(dp->dp_name, sizeof(dp->dp_name), "%s",
			    v->v_ifname);
		if (v->v_bpf == NULL && tap_set_offload(dp->dp_tapfd, &rf) ==
		    -1)
			log_warn("%s: TUNSETOFFLOAD", dp->dp_name);
		w = x->x_workers[(base + (ctrl ? 0 : (int)q)) %
		    x->x_nworkers];
		if (worker_attach(w, dp) == -1) {
			err = errno;
			qs[0] = '\0';
			if (nq > 1)
				snprintf(qs, sizeof(qs), "queue %u: ", q);
			vif_error(x, v, err, "%scannot map rings %u/%u or bind "
			    "event channels %u/%u: %s", qs, dp->dp_tx_ref,
			    dp->dp_rx_ref, dp->dp_evtchn_tx, dp->dp_evtchn_rx,
			    strerror(err));
			return (-1);
		}
		v->v_worker[q] = w;
		v->v_attached = q + 1;
	}
	if (ctrl_attach(x, v) == -1)
		return (-1);
	if (nq == 1) {
		dp = &v->v_dp[0];
		(vif_quiet(v) ? log_debug : log_info)("%s: connected: "
		    "rings %u/%u, event channel%s %u/%u, "
		    "sg %d gso %d/%d csum %d/%d rx-notify %d", v->v_ifname,
		    dp->dp_tx_ref, dp->dp_rx_ref,
		    dp->dp_evtchn_tx == dp->dp_evtchn_rx ? "" : "s",
		    dp->dp_evtchn_tx, dp->dp_evtchn_rx, rf.rf_sg, rf.rf_gso4,
		    rf.rf_gso6, rf.rf_csum, rf.rf_csum6, rf.rf_rx_notify);
		return (0);
	}
	log_info("%s: connected: %u queues, sg %d gso %d/%d csum %d/%d "
	    "rx-notify %d", v->v_ifname, nq, rf.rf_sg, rf.rf_gso4, rf.rf_gso6,
	    rf.rf_csum, rf.rf_csum6, rf.rf_rx_notify);
	for (q = 0; q < nq; q++) {
		dp = &v->v_dp[q];
		log_info("%s: queue %u: rings %u/%u, event channel%s %u/%u, "
		    "worker %d", v->v_ifname, q, dp->dp_tx_ref, dp->dp_rx_ref,
		    dp->dp_evtchn_tx == dp->dp_evtchn_rx ? "" : "s",
		    dp->dp_evtchn_tx, dp->dp_evtchn_rx,
		    vif_worker_index(x, v->v_worker[q]));
	}
	return (0);
}

/*
 * vif_disconnect: end its capture, take every queue's data path off its
 * worker (unmap, unbind) and detach all but the first queue of the tap.
 */
static void
vif_disconnect(struct xnd *x, struct vif *v)
{
	struct ring_stats t;
	unsigned int q, n = v->v_attached;

	if (v->v_capture != NULL)
		capture_stop(v, "vif disconnected", NULL, NULL);
	ctrl_disconnect(x, v);
	memset(&t, 0, sizeof(t));
	for (q = 0; q < n; q++) {
		worker_detach(v->v_worker[q], &v->v_dp[q]);
		v->v_worker[q] = NULL;
		ring_stats_add(&t, &v->v_dp[q].dp_snap);
	}
	v->v_attached = 0;
	if (v->v_tap.tp_nattached > 1 && tap_queues(&v->v_tap, 1) == -1)
		log_warn("%s: cannot detach the tap's other queues",
		    v->v_ifname);
	if (n == 0)
		return;
	(vif_quiet(v) ? log_debug : log_info)("%s: disconnected (%llu "
	    "packets in, %llu out)", v->v_ifname,
	    (unsigned long long)t.rs_tx_packets,
	    (unsigned long long)t.rs_rx_packets);
}

/* vif_destroy: the backend directory is gone: free everything. */
static void
vif_destroy(struct xnd *x, struct vif *v)
{
	char path[XENNETD_PATH_MAX];

	vif_disconnect(x, v);
	vif_errpath(x, v, path, sizeof(path));
	xs_rm(x->x_xs, XBT_NULL, path);
	log_info("%s: removed", v->v_ifname);
	vif_free(x, v, 0);
}

/*
 * vif_free: drop the watch, close the tap (removing it, unless keep:
 * then it stays for the next daemon), free v.
 */
static void
vif_free(struct xnd *x, struct vif *v, int keep)
{
	if (v->v_watching)
		vif_fe_watch(x, v, 0);
	ctrl_free(x, v);
	event_free(v->v_retry_ev);
	tap_close(&v->v_tap, keep);
	bpf_close(v->v_bpf);
	TAILQ_REMOVE(&x->x_vifs, v, v_entry);
	free(v->v_dp);
	free(v);
}

/*
 * vif_may_connect: 1 if the frontend may connect now; 0 if it has used
 * up its reconnects (VIF_CONNECT_BURST, then one per VIF_CONNECT_MS):
 * counted, said once per VIF_LOG_MS, and vif_retry re-derives its state
 * when it may.
 */
static int
vif_may_connect(struct vif *v)
{
	struct timeval tv;
	uint64_t wait, now = throttle_now();

	if ((wait = throttle_take(&v->v_connect_tb, now)) == 0) {
		v->v_connects++;
		return (1);
	}
	if (v->v_throttled++ == 0 || now - v->v_throttled_at >= VIF_LOG_MS)
		log_warnx("%s: frontend reconnects too fast: one connection "
		    "per %u ms from now on (%llu made to wait)", v->v_ifname,
		    VIF_CONNECT_MS, (unsigned long long)v->v_throttled);
	v->v_throttled_at = now;
	if (!evtimer_pending(v->v_retry_ev, NULL)) {
		tv.tv_sec = (time_t)(wait / 1000);
		tv.tv_usec = (suseconds_t)(wait % 1000) * 1000;
		evtimer_add(v->v_retry_ev, &tv);
	}
	return (0);
}

/* vif_retry: a throttled vif may connect now: re-derive its state. */
static void
vif_retry(evutil_socket_t fd, short ev, void *arg)
{
	struct vif *v = arg;

	vif_update(v->v_xnd, v);
}

/* vif_quiet: 1 if v was throttled in the last VIF_QUIET_MS. */
static int
vif_quiet(struct vif *v)
{
	return (v->v_throttled > 0 &&
	    throttle_now() - v->v_throttled_at < VIF_QUIET_MS);
}

/*
 * vif_errpath: where xenbus drivers report a device's errors:
 * /local/domain/<us>/error/backend/vif/<domid>/<handle>.
 */
static void
vif_errpath(struct xnd *x, struct vif *v, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%u/error%s", x->x_domid,
	    v->v_bepath + strlen(x->x_root) - strlen("/backend/vif"));
}

/* vif_set_state: write our XenbusState. */
static int
vif_set_state(struct xnd *x, struct vif *v, XenbusState s)
{
	if (v->v_state == s)
		return (0);
	log_debug("%s: state %s -> %s", v->v_ifname,
	    xenbus_state_name(v->v_state), xenbus_state_name(s));
	v->v_state = s;
	if (store_write(x->x_xs, XBT_NULL, v->v_bepath, "state", "%d", s) ==
	    -1) {
		log_warn("%s: cannot write state %s", v->v_ifname,
		    xenbus_state_name(s));
		return (-1);
	}
	return (0);
}

/*
 * vif_error: this vif cannot be served: log it, leave the reason where
 * xenbus drivers leave theirs (error/backend/vif/D/H/error under our
 * domain) and go Closing.  Other vifs are not affected.
 */
void
vif_error(struct xnd *x, struct vif *v, int err, const char *fmt, ...)
{
	char msg[256], path[XENNETD_PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v->v_errors++;
	/* a guest that re-triggers its error does not flood the log */
	if (throttle_take(&v->v_log_tb, throttle_now()) == 0) {
		if (v->v_log_dropped > 0)
			log_warnx("vif%u.%u: %s (%llu more error%s not logged)",
			    v->v_domid, v->v_handle, msg,
			    (unsigned long long)v->v_log_dropped,
			    v->v_log_dropped == 1 ? "" : "s");
		else
			log_warnx("vif%u.%u: %s", v->v_domid, v->v_handle,
			    msg);
		v->v_log_dropped = 0;
	} else
		v->v_log_dropped++;
	vif_errpath(x, v, path, sizeof(path));
	store_write(x->x_xs, XBT_NULL, path, "error", "%d %s", err, msg);
	v->v_failed = 1;
	vif_disconnect(x, v);
	if (v->v_state != XenbusStateClosed)
		vif_set_state(x, v, XenbusStateClosing);
}

/* vif_shutdown_all: SIGTERM: disconnect every guest cleanly. */
void
vif_shutdown_all(struct xnd *x)
{
	struct vif *v;

	while ((v = TAILQ_FIRST(&x->x_vifs)) != NULL) {
		vif_disconnect(x, v);
		if (v->v_state != XenbusStateClosed &&
		    v->v_state != XenbusStateInitialising) {
			vif_set_state(x, v, XenbusStateClosing);
			vif_set_state(x, v, XenbusStateClosed);
		}
		vif_free(x, v, 0);
	}
}

/*
 * vif_keep_all: SIGTERM with keep-guests: stop serving every vif but
 * write nothing and keep the taps, so that the next xennetd adopts the
 * connected ones (vif_adopt) with no handshake.  Leaving the rings and
 * event channels is what a killed daemon does too: the frontend's ports
 * become unbound, ready to be bound again.
 */
void
vif_keep_all(struct xnd *x)
{
	struct vif *v;
	unsigned int q;

	while ((v = TAILQ_FIRST(&x->x_vifs)) != NULL) {
		if (v->v_capture != NULL)
			capture_stop(v, "xennetd exits", NULL, NULL);
		for (q = 0; q < v->v_attached; q++) {
			worker_detach(v->v_worker[q], &v->v_dp[q]);
			v->v_worker[q] = NULL;
		}
		if (v->v_attached > 0)
			log_info("%s: left %s for the next xennetd",
			    v->v_ifname, xenbus_state_name(v->v_state));
		v->v_attached = 0;
		vif_free(x, v, 1);
	}
}

/*
 * vif_sweep: (startup) remove the taps earlier daemons left for vifs
 * whose backend directory is gone now; the others are joined again by
 * vif_create.
 */
void
vif_sweep(struct xnd *x)
{
	if (tap_leftovers(vif_sweep_tap, x) == -1)
		log_warn("cannot list the network interfaces");
}

/* vif_sweep_tap: one tap left for vif name: keep it or remove it. */
static void
vif_sweep_tap(void *arg, const char *name)
{
	struct xnd *x = arg;
	char path[XENNETD_PATH_MAX], actual[IFNAMSIZ];
	uint32_t domid, handle;
	const char *dot;

	if (strncmp(name, "vif", 3) != 0 ||
	    (dot = strchr(name + 3, '.')) == NULL ||
	    vif_num(name + 3, (size_t)(dot - name - 3), VIF_DOMID_MAX,
	    &domid) == -1 ||
	    vif_num(dot + 1, strlen(dot + 1), VIF_HANDLE_MAX, &handle) == -1) {
		log_warnx("a persistent tap is marked as xennetd's vif \"%s\", "
		    "which is no vif name: left alone", name);
		return;
	}
	snprintf(path, sizeof(path), "%s/%u/%u", x->x_root, domid, handle);
	if (store_exists(x->x_xs, path))
		return;
	switch (tap_discard(name, actual, sizeof(actual))) {
	case 1:
		log_info("%s: removed the tap %s an earlier xennetd left: "
		    "the vif is gone", name, actual);
		break;
	case -1:
		log_warn("%s: cannot remove the tap an earlier xennetd left",
		    name);
		break;
	}
}

/* vif_hist: "1:n 2:n 4:n ..." of a batch-size histogram. */
static void
vif_hist(const uint64_t *h, char *buf, size_t len)
{
	size_t off = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < RING_HIST && off < len; i++) {
		if (h[i] == 0)
			continue;
		n = snprintf(buf + off, len - off, "%s%u:%llu",
		    off ? " " : "", 1U << i, (unsigned long long)h[i]);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

/* vif_log_bpf: the counters of a vif's bpf port. */
static void
vif_log_bpf(struct vif *v, const struct bpf_stats *b)
{
	log_info("%s: bpf on %s: %llu calls; captured %llu, cut %llu into "
	    "%llu segments, checksums completed %llu, dropped oversize %llu "
	    "truncated %llu kernel %llu, failed captures %llu; injected %llu "
	    "(segments %llu), failed %llu (no buffer space %llu)", v->v_ifname,
	    bpf_ifname(v->v_bpf),
	    (unsigned long long)b->bs_syscalls,
	    (unsigned long long)b->bs_rx_frames,
	    (unsigned long long)b->bs_rx_cut,
	    (unsigned long long)b->bs_rx_segs,
	    (unsigned long long)b->bs_rx_csum,
	    (unsigned long long)b->bs_rx_oversize,
	    (unsigned long long)b->bs_rx_trunc,
	    (unsigned long long)b->bs_rx_kdrop,
	    (unsigned long long)b->bs_rx_errors,
	    (unsigned long long)b->bs_tx_frames,
	    (unsigned long long)b->bs_tx_segs,
	    (unsigned long long)b->bs_tx_errors,
	    (unsigned long long)b->bs_tx_nobufs);
}

/*
 * vif_log_totals: the counters of a vif, its queues added up, and of
 * its tap.
 */
static void
vif_log_totals(struct vif *v, const struct ring_stats *s,
    const struct portio_stats *ps)
{
	char drops[256], th[128], rh[128];
	size_t off;
	int i, n;

	off = 0;
	drops[0] = '\0';
	for (i = 0; i < RING_DROP_MAX; i++) {
		n = snprintf(drops + off, sizeof(drops) - off, "%s%s=%llu",
		    i ? " " : "", ring_drop_name((enum ring_drop)i),
		    (unsigned long long)s->rs_drops[i]);
		if (n < 0 || (size_t)n >= sizeof(drops) - off)
			break;
		off += (size_t)n;
	}
	vif_hist(s->rs_tx_hist, th, sizeof(th));
	vif_hist(s->rs_rx_hist, rh, sizeof(rh));
	log_info("%s: state %s%s: guest-tx %llu pkts %llu bytes "
	    "(gso %llu), guest-rx %llu pkts %llu bytes (gso %llu)",
	    v->v_ifname, xenbus_state_name(v->v_state),
	    v->v_attached ? " attached" : "",
	    (unsigned long long)s->rs_tx_packets,
	    (unsigned long long)s->rs_tx_bytes,
	    (unsigned long long)s->rs_tx_gso,
	    (unsigned long long)s->rs_rx_packets,
	    (unsigned long long)s->rs_rx_bytes,
	    (unsigned long long)s->rs_rx_gso);
	log_info("%s: drops: %s", v->v_ifname, drops);
	log_info("%s: control: connects %llu, throttled %llu, faults %llu; "
	    "rx slots with bad grants %llu", v->v_ifname,
	    (unsigned long long)v->v_connects,
	    (unsigned long long)v->v_throttled,
	    (unsigned long long)v->v_errors,
	    (unsigned long long)s->rs_rx_bad_grant);
	log_info("%s: hypercalls: copy %llu (%llu segs) notify %llu "
	    "map %llu unmap %llu bind %llu; notifications sent tx %llu "
	    "rx %llu, received tx %llu rx %llu", v->v_ifname,
	    (unsigned long long)s->rs_hcalls[HV_CALL_COPY],
	    (unsigned long long)s->rs_copy_segs,
	    (unsigned long long)s->rs_hcalls[HV_CALL_NOTIFY],
	    (unsigned long long)s->rs_hcalls[HV_CALL_MAP],
	    (unsigned long long)s->rs_hcalls[HV_CALL_UNMAP],
	    (unsigned long long)s->rs_hcalls[HV_CALL_BIND],
	    (unsigned long long)s->rs_notify_tx,
	    (unsigned long long)s->rs_notify_rx,
	    (unsigned long long)s->rs_events_tx,
	    (unsigned long long)s->rs_events_rx);
	if (v->v_bpf != NULL)	/* one queue (vif_port_queues) */
		vif_log_bpf(v, &v->v_dp[0].dp_bpf_snap);
	else
		log_info("%s: tap: %llu system calls, %llu frames read, "
		    "failed reads %llu writes %llu", v->v_ifname,
		    (unsigned long long)ps->ps_syscalls,
		    (unsigned long long)ps->ps_rx_frames,
		    (unsigned long long)ps->ps_rx_errors,
		    (unsigned long long)ps->ps_tx_errors);
	if (ps->ps_vh_queues > 0)
		log_info("%s: vhost-net: %llu queues; rx batches %llu, tx "
		    "batches %llu (%llu frames), kicks %llu, call reads %llu, "
		    "tx waits %llu, used entries refused %llu", v->v_ifname,
		    (unsigned long long)ps->ps_vh_queues,
		    (unsigned long long)ps->ps_vh_rx_batches,
		    (unsigned long long)ps->ps_vh_tx_batches,
		    (unsigned long long)ps->ps_vh_tx_frames,
		    (unsigned long long)ps->ps_vh_kicks,
		    (unsigned long long)ps->ps_vh_calls,
		    (unsigned long long)ps->ps_vh_tx_waits,
		    (unsigned long long)ps->ps_vh_bad_used);
	log_info("%s: batches: tx passes %llu [%s], rx passes %llu "
	    "[%s]", v->v_ifname,
	    (unsigned long long)s->rs_tx_passes, th,
	    (unsigned long long)s->rs_rx_passes, rh);
	log_info("%s: rate: tx passes stopped for credit %llu, their "
	    "waiting packets %llu bytes", v->v_ifname,
	    (unsigned long long)s->rs_tx_rate_waits,
	    (unsigned long long)s->rs_tx_rate_bytes);
	log_info("%s: carrier %s: off %llu times (guest rx stalled), on "
	    "%llu; xdp-headroom %u", v->v_ifname,
	    __atomic_load_n(&v->v_stalled, __ATOMIC_ACQUIRE) == 0 ? "on" :
	    "off", (unsigned long long)s->rs_rx_carrier_off,
	    (unsigned long long)s->rs_rx_carrier_on, v->v_headroom);
}

/*
 * vif_log_stats: SIGUSR1: every vif's counters, one block per vif (its
 * queues added up), then a line per queue of its last connection.
 */
void
vif_log_stats(struct xnd *x)
{
	struct ring_stats tot;
	struct portio_stats ps;
	const struct ring_stats *s;
	struct vif_dp *dp;
	struct vif *v;
	unsigned int q;
	char on[32];

	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		memset(&tot, 0, sizeof(tot));
		memset(&ps, 0, sizeof(ps));
		for (q = 0; q < v->v_nqueues; q++) {
			dp = &v->v_dp[q];
			if (q < v->v_attached)
				worker_snapshot(v->v_worker[q], dp);
			ring_stats_add(&tot, &dp->dp_snap);
			portio_stats_add(&ps, &dp->dp_pio_snap);
		}
		vif_log_totals(v, &tot, &ps);
		ctrl_log(v, &tot);
		conf_log_vif(v);
		for (q = 0; q < v->v_nqueues; q++) {
			dp = &v->v_dp[q];
			s = &dp->dp_snap;
			if (q < v->v_attached)
				snprintf(on, sizeof(on), "worker %d",
				    vif_worker_index(x, v->v_worker[q]));
			else
				snprintf(on, sizeof(on), "detached");
			log_info("%s: queue %u (%s): guest-tx %llu pkts %llu "
			    "bytes, guest-rx %llu pkts %llu bytes, copy "
			    "hypercalls %llu, notifications sent %llu "
			    "received %llu, tap frames read %llu",
			    v->v_ifname, q, on,
			    (unsigned long long)s->rs_tx_packets,
			    (unsigned long long)s->rs_tx_bytes,
			    (unsigned long long)s->rs_rx_packets,
			    (unsigned long long)s->rs_rx_bytes,
			    (unsigned long long)s->rs_hcalls[HV_CALL_COPY],
			    (unsigned long long)(s->rs_notify_tx +
			    s->rs_notify_rx),
			    (unsigned long long)(s->rs_events_tx +
			    s->rs_events_rx),
			    (unsigned long long)dp->dp_pio_snap.ps_rx_frames);
			worker_log_queue(v->v_ifname, q, dp);
		}
	}
}

/*
 * vif_rewatch: (a new xenstore connection) watch every frontend key we
 * watched again (state, xdp-headroom, request-multicast-control); each
 * watch fires at once and brings the vif up to date.
 */
void
vif_rewatch(struct xnd *x)
{
	struct vif *v;

	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		if (v->v_watching)
			vif_fe_watch(x, v, 1);
		ctrl_rewatch(x, v);
	}
}

/*
 * vif_fe_watch: watch (on) or stop watching the frontend keys a vif
 * follows, with its token: its state, and its xdp-headroom, which Linux
 * netfront writes after it went Reconfiguring.  0 if the state is
 * watched (a failure is logged), else -1.
 */
static int
vif_fe_watch(struct xnd *x, struct vif *v, int on)
{
	static const char *const keys[] = { "state", "xdp-headroom" };
	char path[XENNETD_PATH_MAX];
	size_t i;
	int rv = 0;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", v->v_fepath, keys[i]);
		if (!on)
			xs_unwatch(x->x_xs, path, v->v_token);
		else if (!xs_watch(x->x_xs, path, v->v_token)) {
			log_warn("%s: cannot watch %s", v->v_ifname, path);
			if (i == 0)
				rv = -1;
		}
	}
	return (rv);
}
