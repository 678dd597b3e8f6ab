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
 * ctlcmd: carry out one control request (ctlreq.h) and build its reply,
 * a JSON object: { "ok": true, ... } or { "ok": false, "error": "..." }.
 * Main thread.  Counters come from the workers through worker_snapshot,
 * which waits a bounded time: a worker that does not answer is asked
 * nothing more during the request, and the reply says so ("answered":
 * false) for the queues it serves, with their last counters.
 */

#include <sys/types.h>

#include <errno.h>
#include <json-c/json.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "xennetd.h"

/* The counters of struct ring_stats a reply gives, by name. */
static const struct {
	const char	*cf_name;
	size_t		 cf_off;
} ctlcmd_fields[] = {
#define CTLCMD_F(n, f)	{ n, offsetof(struct ring_stats, f) }
	CTLCMD_F("tx_packets", rs_tx_packets),
	CTLCMD_F("tx_bytes", rs_tx_bytes),
	CTLCMD_F("rx_packets", rs_rx_packets),
	CTLCMD_F("rx_bytes", rs_rx_bytes),
	CTLCMD_F("tx_gso", rs_tx_gso),
	CTLCMD_F("rx_gso", rs_rx_gso),
	CTLCMD_F("tx_csum_blank", rs_tx_csum_blank),
	CTLCMD_F("rx_csum_blank", rs_rx_csum_blank),
	CTLCMD_F("rx_csum_sw", rs_rx_csum_sw),
	CTLCMD_F("copy_calls", rs_hcalls[HV_CALL_COPY]),
	CTLCMD_F("copy_segs", rs_copy_segs),
	CTLCMD_F("notify_tx", rs_notify_tx),
	CTLCMD_F("notify_rx", rs_notify_rx),
	CTLCMD_F("events_tx", rs_events_tx),
	CTLCMD_F("events_rx", rs_events_rx),
	CTLCMD_F("tx_passes", rs_tx_passes),
	CTLCMD_F("rx_passes", rs_rx_passes),
	CTLCMD_F("rx_carrier_off", rs_rx_carrier_off),
	CTLCMD_F("rx_carrier_on", rs_rx_carrier_on),
	CTLCMD_F("rx_hash", rs_rx_hash),
	CTLCMD_F("rx_steered", rs_rx_steered),
	CTLCMD_F("mcast_add", rs_mcast_add),
	CTLCMD_F("mcast_del", rs_mcast_del),
	CTLCMD_F("mcast_refused", rs_mcast_refused)
#undef CTLCMD_F
};

/* The workers that did not answer during one request. */
struct ctlcmd_stuck {
	struct worker	*cs_w[XENNETD_MAX_WORKERS];
	int		 cs_n;
};

static struct json_object *ctlcmd_ok(void);
static struct json_object *ctlcmd_ok_vifs(struct json_object **);
static void	ctlcmd_add(struct json_object *, const char *, const char *);
static void	ctlcmd_addu(struct json_object *, const char *, uint64_t);
static void	ctlcmd_addb(struct json_object *, const char *, int);
static struct vif *ctlcmd_vif(struct xnd *, const char *);
static struct json_object *ctlcmd_noavif(const char *);
static struct json_object *ctlcmd_vifs(struct xnd *);
static struct json_object *ctlcmd_stats(struct xnd *, const char *);
static void	ctlcmd_ctrl(struct json_object *, const struct vif *);
static struct json_object *ctlcmd_counters(const struct ring_stats *,
		    const struct portio_stats *);
static struct json_object *ctlcmd_batch(struct xnd *,
		    const struct ctlreq *);
static struct json_object *ctlcmd_capture(struct xnd *,
		    const struct ctlreq *);
static struct json_object *ctlcmd_capture_stop(struct xnd *,
		    const struct ctlreq *);
static struct json_object *ctlcmd_log(const struct ctlreq *);
static int	ctlcmd_snapshot(struct ctlcmd_stuck *, struct worker *,
		    struct vif_dp *);
static void	ctlcmd_vif_head(struct json_object *, const struct vif *);
static struct json_object *ctlcmd_ring(const struct ring_config *);
static struct json_object *ctlcmd_hist(const uint64_t *);
static void	ctlcmd_pio_add(struct portio_stats *,
		    const struct portio_stats *);
static void	ctlcmd_set(struct ring_config *, enum ctlreq_batch,
		    unsigned int);

/* ctlcmd_run: the reply to r (NULL if out of memory). */
struct json_object *
ctlcmd_run(struct xnd *x, const struct ctlreq *r)
{
	struct json_object *o;

	switch (r->cr_verb) {
	case CTLREQ_SHOW_VIFS:
		return (ctlcmd_vifs(x));
	case CTLREQ_SHOW_STATS:
		return (ctlcmd_stats(x, r->cr_vif));
	case CTLREQ_SET_BATCH:
		return (ctlcmd_batch(x, r));
	case CTLREQ_CAPTURE:
		return (ctlcmd_capture(x, r));
	case CTLREQ_CAPTURE_STOP:
		return (ctlcmd_capture_stop(x, r));
	case CTLREQ_RELOAD:
		log_info("reload requested through the control socket");
		if (xnd_reload(x) == -1)
			return (ctlcmd_error("reload failed: the running "
			    "configuration is kept; the reasons are in the "
			    "daemon's log"));
		if ((o = ctlcmd_ok()) != NULL)
			ctlcmd_add(o, "result", "configuration reloaded");
		return (o);
	case CTLREQ_LOG_LEVEL:
		return (ctlcmd_log(r));
	}
	return (ctlcmd_error("unknown request"));
}

/* ctlcmd_error: { "ok": false, "error": msg }. */
struct json_object *
ctlcmd_error(const char *msg)
{
	struct json_object *o;

	if ((o = json_object_new_object()) == NULL)
		return (NULL);
	ctlcmd_addb(o, "ok", 0);
	json_object_object_add(o, "error", json_object_new_string(msg));
	return (o);
}

static struct json_object *
ctlcmd_ok(void)
{
	struct json_object *o;

	if ((o = json_object_new_object()) == NULL)
		return (NULL);
	ctlcmd_addb(o, "ok", 1);
	return (o);
}

/* ctlcmd_ok_vifs: { "ok": true, "vifs": [] }, the array in *a. */
static struct json_object *
ctlcmd_ok_vifs(struct json_object **a)
{
	struct json_object *o;

	if ((o = ctlcmd_ok()) == NULL)
		return (NULL);
	if ((*a = json_object_new_array()) == NULL) {
		json_object_put(o);
		return (NULL);
	}
	json_object_object_add(o, "vifs", *a);
	return (o);
}

static void
ctlcmd_add(struct json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s));
}

static void
ctlcmd_addu(struct json_object *o, const char *key, uint64_t u)
{
	json_object_object_add(o, key, json_object_new_uint64(u));
}

static void
ctlcmd_addb(struct json_object *o, const char *key, int b)
{
	json_object_object_add(o, key, json_object_new_boolean(b));
}

/*
 * ctlcmd_vif: the vif called name: its interface name, or vifD.H for
 * domain D's handle H (the default name, also after a rename).
 */
static struct vif *
ctlcmd_vif(struct xnd *x, const char *name)
{
	struct vif *v;
	char def[CTLREQ_VIF_MAX + 16];

	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		snprintf(def, sizeof(def), "vif%u.%u", v->v_domid,
		    v->v_handle);
		if (strcmp(v->v_ifname, name) == 0 || strcmp(def, name) == 0)
			return (v);
	}
	return (NULL);
}

static struct json_object *
ctlcmd_noavif(const char *name)
{
	char err[64];

	snprintf(err, sizeof(err), "no vif called %s", name);
	return (ctlcmd_error(err));
}

/* ctlcmd_vif_head: what names a vif, into o. */
static void
ctlcmd_vif_head(struct json_object *o, const struct vif *v)
{
	ctlcmd_add(o, "name", v->v_ifname);
	ctlcmd_addu(o, "domid", v->v_domid);
	ctlcmd_addu(o, "handle", v->v_handle);
	ctlcmd_add(o, "state", xenbus_state_name(v->v_state));
}

/* ctlcmd_ring: a vif's batch settings. */
static struct json_object *
ctlcmd_ring(const struct ring_config *rc)
{
	struct json_object *o;

	if ((o = json_object_new_object()) == NULL)
		return (NULL);
	ctlcmd_addu(o, "tx", rc->rc_tx_batch);
	ctlcmd_addu(o, "rx", rc->rc_rx_batch);
	ctlcmd_addu(o, "copy", rc->rc_copy_batch);
	ctlcmd_add(o, "notify", rc->rc_notify == RING_NOTIFY_BATCH ?
	    "batch" : "packet");
	ctlcmd_addu(o, "rx_stall_timeout_ms", rc->rc_rx_stall_ms);
	return (o);
}

/*
 * show vifs: every vif: names, state, MAC, port, what its frontend
 * negotiated, its queues, batch settings and capture.
 */
static struct json_object *
ctlcmd_vifs(struct xnd *x)
{
	struct json_object *o, *a, *e, *f, *p;
	const struct ring_features *rf;
	const char *file;
	uint64_t ctx, crx;
	struct vif *v;
	char mac[32];

	if ((o = ctlcmd_ok_vifs(&a)) == NULL)
		return (NULL);
	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		if ((e = json_object_new_object()) == NULL)
			break;
		json_object_array_add(a, e);
		ctlcmd_vif_head(e, v);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		    v->v_mac[0], v->v_mac[1], v->v_mac[2], v->v_mac[3],
		    v->v_mac[4], v->v_mac[5]);
		ctlcmd_add(e, "mac", mac);
		if ((p = json_object_new_object()) != NULL) {
			ctlcmd_add(p, "type", v->v_conf.vc_port == PORT_BPF ?
			    "bpf" : "tap");
			ctlcmd_add(p, "interface", v->v_conf.vc_port ==
			    PORT_BPF ? v->v_conf.vc_port_if : v->v_ifname);
			json_object_object_add(e, "port", p);
		}
		ctlcmd_addu(e, "mtu", v->v_mtu);
		ctlcmd_addb(e, "carrier", __atomic_load_n(&v->v_stalled,
		    __ATOMIC_ACQUIRE) == 0);
		ctlcmd_addu(e, "queues", v->v_attached);
		ctlcmd_addb(e, "failed", v->v_failed);
		if (v->v_attached > 0 &&
		    (f = json_object_new_object()) != NULL) {
			rf = &v->v_dp[0].dp_feat;
			ctlcmd_addb(f, "sg", rf->rf_sg);
			ctlcmd_addb(f, "gso_tcpv4", rf->rf_gso4);
			ctlcmd_addb(f, "gso_tcpv6", rf->rf_gso6);
			ctlcmd_addb(f, "csum", rf->rf_csum);
			ctlcmd_addb(f, "ipv6_csum", rf->rf_csum6);
			ctlcmd_addb(f, "rx_notify", rf->rf_rx_notify);
			ctlcmd_addu(f, "xdp_headroom", v->v_headroom);
			json_object_object_add(e, "features", f);
		}
		json_object_object_add(e, "batch",
		    ctlcmd_ring(&v->v_conf.vc_ring));
		if (capture_info(v, &file, &ctx, &crx) == 0 &&
		    (p = json_object_new_object()) != NULL) {
			ctlcmd_add(p, "file", file);
			ctlcmd_addu(p, "frames", ctx + crx);
			json_object_object_add(e, "capture", p);
		}
	}
	return (o);
}

/*
 * ctlcmd_snapshot: worker_snapshot, unless w already failed to answer
 * during this request: a stuck worker costs one bounded wait, not one
 * per queue it serves.  0 or -1.
 */
static int
ctlcmd_snapshot(struct ctlcmd_stuck *cs, struct worker *w,
    struct vif_dp *dp)
{
	int i;

	for (i = 0; i < cs->cs_n; i++)
		if (cs->cs_w[i] == w)
			return (-1);
	if (worker_snapshot(w, dp) == 0)
		return (0);
	if (cs->cs_n < XENNETD_MAX_WORKERS)
		cs->cs_w[cs->cs_n++] = w;
	return (-1);
}

/* ctlcmd_hist: a batch histogram: { "1": n, "2": n, ... "256": n }. */
static struct json_object *
ctlcmd_hist(const uint64_t *h)
{
	struct json_object *o;
	char k[8];
	int i;

	if ((o = json_object_new_object()) == NULL)
		return (NULL);
	for (i = 0; i < RING_HIST; i++) {
		snprintf(k, sizeof(k), "%u", 1U << i);
		ctlcmd_addu(o, k, h[i]);
	}
	return (o);
}

/*
 * ctlcmd_counters: one queue's, or a vif's, counters.  tx and rx are
 * the guest's: tx from the guest to the host, rx to the guest.
 */
static struct json_object *
ctlcmd_counters(const struct ring_stats *s, const struct portio_stats *ps)
{
	struct json_object *o, *d, *p;
	int i;

	if ((o = json_object_new_object()) == NULL)
		return (NULL);
	for (i = 0; i < (int)(sizeof(ctlcmd_fields) /
	    sizeof(ctlcmd_fields[0])); i++)
		ctlcmd_addu(o, ctlcmd_fields[i].cf_name,
		    *(const uint64_t *)(const void *)((const char *)s +
		    ctlcmd_fields[i].cf_off));
	if ((d = json_object_new_object()) != NULL) {
		for (i = 0; i < RING_DROP_MAX; i++)
			ctlcmd_addu(d, ring_drop_name((enum ring_drop)i),
			    s->rs_drops[i]);
		json_object_object_add(o, "drops", d);
	}
	json_object_object_add(o, "tx_hist", ctlcmd_hist(s->rs_tx_hist));
	json_object_object_add(o, "rx_hist", ctlcmd_hist(s->rs_rx_hist));
	if ((p = json_object_new_object()) != NULL) {
		ctlcmd_addu(p, "syscalls", ps->ps_syscalls);
		ctlcmd_addu(p, "rx_frames", ps->ps_rx_frames);
		ctlcmd_addu(p, "rx_errors", ps->ps_rx_errors);
		ctlcmd_addu(p, "tx_errors", ps->ps_tx_errors);
		ctlcmd_addu(p, "tx_nobufs", ps->ps_tx_nobufs);
		json_object_object_add(o, "port", p);
	}
	return (o);
}

/* ctlcmd_pio_add: dst += src. */
static void
ctlcmd_pio_add(struct portio_stats *dst, const struct portio_stats *src)
{
	dst->ps_syscalls += src->ps_syscalls;
	dst->ps_rx_frames += src->ps_rx_frames;
	dst->ps_rx_errors += src->ps_rx_errors;
	dst->ps_tx_errors += src->ps_tx_errors;
	dst->ps_tx_nobufs += src->ps_tx_nobufs;
}

/*
 * show stats [vif]: the counters of every vif (or one), per queue and
 * added up, with the daemon's clock ("time", seconds) so that a client
 * can compute rates between two replies, and how long each vif has been
 * connected ("connected_seconds") for the rates since.
 */
static struct json_object *
ctlcmd_stats(struct xnd *x, const char *name)
{
	struct json_object *o, *a, *e, *qa, *q1;
	struct ctlcmd_stuck cs;
	struct ring_stats tot;
	struct portio_stats ps;
	struct timespec now;
	struct vif_dp *dp;
	struct vif *v;
	unsigned int q;
	int answered, all;

	if (name[0] != '\0' && ctlcmd_vif(x, name) == NULL)
		return (ctlcmd_noavif(name));
	if ((o = ctlcmd_ok_vifs(&a)) == NULL)
		return (NULL);
	memset(&cs, 0, sizeof(cs));
	clock_gettime(CLOCK_MONOTONIC, &now);
	json_object_object_add(o, "time", json_object_new_double(
	    (double)now.tv_sec + (double)now.tv_nsec / 1e9));
	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		if (name[0] != '\0' && v != ctlcmd_vif(x, name))
			continue;
		if ((e = json_object_new_object()) == NULL ||
		    (qa = json_object_new_array()) == NULL) {
			json_object_put(e);
			break;
		}
		json_object_array_add(a, e);
		ctlcmd_vif_head(e, v);
		if (v->v_attached > 0)
			json_object_object_add(e, "connected_seconds",
			    json_object_new_double((double)(now.tv_sec -
			    v->v_since.tv_sec) + (double)(now.tv_nsec -
			    v->v_since.tv_nsec) / 1e9));
		json_object_object_add(e, "batch",
		    ctlcmd_ring(&v->v_conf.vc_ring));
		json_object_object_add(e, "queues", qa);
		memset(&tot, 0, sizeof(tot));
		memset(&ps, 0, sizeof(ps));
		all = 1;
		for (q = 0; q < v->v_nqueues; q++) {
			dp = &v->v_dp[q];
			answered = 1;
			if (q < v->v_attached && ctlcmd_snapshot(&cs,
			    v->v_worker[q], dp) == -1)
				answered = all = 0;
			ring_stats_add(&tot, &dp->dp_snap);
			ctlcmd_pio_add(&ps, &dp->dp_pio_snap);
			if ((q1 = ctlcmd_counters(&dp->dp_snap,
			    &dp->dp_pio_snap)) == NULL)
				continue;
			ctlcmd_addu(q1, "queue", q);
			ctlcmd_addb(q1, "attached", q < v->v_attached);
			ctlcmd_addb(q1, "answered", answered);
			json_object_array_add(qa, q1);
		}
		ctlcmd_addb(e, "answered", all);
		if (!all)
			ctlcmd_add(e, "warning", "a worker did not answer: "
			    "counters of its queues are from before");
		json_object_object_add(e, "total", ctlcmd_counters(&tot, &ps));
		ctlcmd_ctrl(e, v);
	}
	return (o);
}

/*
 * ctlcmd_ctrl: a vif's control ring ("ctrl": requests answered, by
 * status, "errors" being all but success) and multicast filter
 * ("multicast"), added to its stats entry e.
 */
static void
ctlcmd_ctrl(struct json_object *e, const struct vif *v)
{
	struct json_object *c, *m;
	struct ring_ctrl_stats cs;
	unsigned int n, i;
	uint64_t errs = 0;
	int ring, on;

	if (ctrl_stats(v, &cs, &ring, &on, &n) == -1)
		return;
	for (i = 1; i < RING_CTRL_STATUS_MAX; i++)
		errs += cs.cs_status[i];
	if ((c = json_object_new_object()) != NULL) {
		ctlcmd_addb(c, "connected", ring);
		ctlcmd_addu(c, "requests", cs.cs_requests);
		ctlcmd_addu(c, "errors", errs);
		ctlcmd_addu(c, "success", cs.cs_status[0]);
		ctlcmd_addu(c, "not_supported", cs.cs_status[1]);
		ctlcmd_addu(c, "invalid_parameter", cs.cs_status[2]);
		ctlcmd_addu(c, "buffer_overflow", cs.cs_status[3]);
		ctlcmd_addu(c, "grant_copies", cs.cs_copies);
		ctlcmd_addu(c, "index_faults", cs.cs_fatal);
		json_object_object_add(e, "ctrl", c);
	}
	if ((m = json_object_new_object()) != NULL) {
		ctlcmd_addb(m, "filter", on);
		ctlcmd_addu(m, "groups", n);
		ctlcmd_addu(m, "max", RING_MCAST_MAX);
		json_object_object_add(e, "multicast", m);
	}
}

/* ctlcmd_set: one batch size of rc. */
static void
ctlcmd_set(struct ring_config *rc, enum ctlreq_batch b, unsigned int n)
{
	switch (b) {
	case CTLREQ_BATCH_TX:
		rc->rc_tx_batch = n;
		break;
	case CTLREQ_BATCH_RX:
		rc->rc_rx_batch = n;
		break;
	case CTLREQ_BATCH_COPY:
		rc->rc_copy_batch = n;
		break;
	}
}

/*
 * set batch tx|rx|copy N [vif]: the new size for the vif (without one:
 * every vif, and the default of vifs to come), live on every attached
 * queue, and kept in the vif's settings for its next connections.
 */
static struct json_object *
ctlcmd_batch(struct xnd *x, const struct ctlreq *r)
{
	struct json_object *o, *a, *e;
	struct ring_config rc;
	struct vif *v;
	const char *why;
	unsigned int q, applied;
	int failed = 0;
	char err[128];

	if (r->cr_vif[0] != '\0' && ctlcmd_vif(x, r->cr_vif) == NULL)
		return (ctlcmd_noavif(r->cr_vif));
	if (r->cr_vif[0] == '\0') {
		rc = x->x_conf.xc_ring;
		ctlcmd_set(&rc, r->cr_batch, r->cr_value);
		if (ring_config_check(&rc, &why) == -1)
			return (ctlcmd_error(why));
		x->x_conf.xc_ring = rc;
	}
	if ((o = ctlcmd_ok_vifs(&a)) == NULL)
		return (NULL);
	TAILQ_FOREACH(v, &x->x_vifs, v_entry) {
		if (r->cr_vif[0] != '\0' && v != ctlcmd_vif(x, r->cr_vif))
			continue;
		rc = v->v_conf.vc_ring;
		ctlcmd_set(&rc, r->cr_batch, r->cr_value);
		if ((e = json_object_new_object()) == NULL)
			break;
		json_object_array_add(a, e);
		ctlcmd_add(e, "name", v->v_ifname);
		if (ring_config_check(&rc, &why) == -1) {
			ctlcmd_add(e, "error", why);
			failed = 1;
			continue;
		}
		v->v_conf.vc_ring = rc;
		applied = 0;
		for (q = 0; q < v->v_attached; q++) {
			if (worker_set_ring(v->v_worker[q], &v->v_dp[q],
			    &rc) == 0)
				applied++;
			else {
				snprintf(err, sizeof(err), "queue %u: %s", q,
				    errno == ETIMEDOUT ? "its worker did not "
				    "answer (the change may come later)" :
				    strerror(errno));
				ctlcmd_add(e, "error", err);
				failed = 1;
			}
		}
		ctlcmd_addu(e, "queues", v->v_attached);
		ctlcmd_addu(e, "applied", applied);
		json_object_object_add(e, "batch", ctlcmd_ring(&rc));
	}
	log_info("set batch %s %u on %s", ctlreq_batch_name(r->cr_batch),
	    r->cr_value, r->cr_vif[0] != '\0' ? r->cr_vif : "every vif");
	if (failed) {
		ctlcmd_addb(o, "ok", 0);
		ctlcmd_add(o, "error", "not every queue took the new size");
	}
	return (o);
}

/* capture vif file [count N | seconds S] */
static struct json_object *
ctlcmd_capture(struct xnd *x, const struct ctlreq *r)
{
	struct json_object *o;
	struct vif *v;
	const char *file;
	uint64_t tx, rx;
	char err[CTLREQ_FILE_MAX + 128];

	if ((v = ctlcmd_vif(x, r->cr_vif)) == NULL)
		return (ctlcmd_noavif(r->cr_vif));
	if (capture_start(x, v, r->cr_file, r->cr_count, r->cr_seconds, err,
	    sizeof(err)) == -1)
		return (ctlcmd_error(err));
	if ((o = ctlcmd_ok()) == NULL)
		return (NULL);
	ctlcmd_add(o, "vif", v->v_ifname);
	if (capture_info(v, &file, &tx, &rx) == 0)	/* its full path */
		ctlcmd_add(o, "file", file);
	if (r->cr_count > 0)
		ctlcmd_addu(o, "count", r->cr_count);
	if (r->cr_seconds > 0)
		ctlcmd_addu(o, "seconds", r->cr_seconds);
	return (o);
}

/* capture stop vif */
static struct json_object *
ctlcmd_capture_stop(struct xnd *x, const struct ctlreq *r)
{
	struct json_object *o;
	struct vif *v;
	const char *file;
	uint64_t tx, rx;
	char err[64];

	if ((v = ctlcmd_vif(x, r->cr_vif)) == NULL)
		return (ctlcmd_noavif(r->cr_vif));
	if (capture_info(v, &file, &tx, &rx) == -1) {
		snprintf(err, sizeof(err), "no capture runs on %s",
		    v->v_ifname);
		return (ctlcmd_error(err));
	}
	if ((o = ctlcmd_ok()) == NULL)
		return (NULL);
	ctlcmd_add(o, "vif", v->v_ifname);
	ctlcmd_add(o, "file", file);	/* before capture_stop frees it */
	capture_stop(v, "stopped through the control socket", &tx, &rx);
	ctlcmd_addu(o, "frames_tx", tx);
	ctlcmd_addu(o, "frames_rx", rx);
	return (o);
}

/* log level N | + | - */
static struct json_object *
ctlcmd_log(const struct ctlreq *r)
{
	struct json_object *o;
	int lvl = log_getverbose();

	if (r->cr_step == 0)
		lvl = (int)r->cr_value;
	else if (lvl + r->cr_step >= 0 && lvl + r->cr_step <= CTLREQ_LOG_MAX)
		lvl += r->cr_step;
	log_setverbose(lvl);
	log_info("log level %d", lvl);
	if ((o = ctlcmd_ok()) == NULL)
		return (NULL);
	ctlcmd_addu(o, "level", (uint64_t)lvl);
	return (o);
}
