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
 * t_nf_backend: a minimal toolstack + netback for testing netfront-sim
 * independently of xennetd.
 *
 *	t_nf_backend --xs SOCK --simdir DIR [--ctl FIFO] [--max-queues N]
 *	    [--no-split] [--no-sg] [--no-gso] [--no-rx-copy] [--npages N]
 *	    [--unmap-delay MS] [-v] DOMID [DOMID]
 *
 * Toolstack part (what xl create does for a vif): create each simulated
 * domain, introduce it to xenstored, then write vif 0's frontend and
 * backend dirs with xl-sim's device code (xl-dev.c), as xl
 * network-attach does, MAC 00:16:3e:00:00:<domid>.  Backend part: advertise
 * features, InitWait; on frontend Connected map the rings, bind the event
 * channels, Connected; forward every tx packet of a guest to the rx ring
 * of the other guest (two domids) or back to itself (one), with grant
 * copies, GSO and checksum flags carried over, answering rx requests in
 * their own slot.  A full rx ring stops tx consumption (no loss).
 * --unmap-delay keeps a closing frontend's rings mapped for MS ms after
 * it went Closing (or until it is Closed), to test grant revocation.
 *
 * Commands, one per line on the --ctl FIFO:
 *	close D		backend state Closing (xl network-detach)
 *	cycle D		Closing, then InitWait after frontend Closed
 *	remove D	remove the device's nodes as libxl does
 *	add D		write them again (after remove)
 *	destroy D	disconnect, destroy the domain, remove its dirs
 *	stats		print counters on stdout
 *	quit		exit
 * Counters are printed at exit (SIGTERM too) as "be D name value".
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>
#include "hv.h"
#include "num.h"
#include "pkt.h"
#include "simdom.h"
#include "slog.h"
#include "xenbus.h"
#include "xenring.h"
#include "xl.h"

#define B_MAXVIF	2
#define B_MAXQ		8
#define B_SLOTS		20	/* tx slots of a packet, with extras */
#define B_PAGE		HV_PAGE_SIZE
#define B_PKT		(B_SLOTS * B_PAGE)

enum b_stat {
	B_TX_PACKETS, B_TX_BYTES, B_TX_GSO, B_TX_CSUM_BLANK, B_TX_ERRORS,
	B_FWD_PACKETS, B_FWD_GSO, B_DROP_NOPEER, B_DROP_NOSG, B_DROP_GSO,
	B_DROP_COPY, B_CSUM_SW, B_NOTIFY_TX, B_NOTIFY_RX, B_EVENTS,
	B_RX_BLOCKED, B_CONNECTS, B_STAT_MAX
};

static const char *b_stat_names[B_STAT_MAX] = {
	"tx_packets", "tx_bytes", "tx_gso", "tx_csum_blank", "tx_errors",
	"fwd_packets", "fwd_gso", "drop_nopeer", "drop_nosg", "drop_gso",
	"drop_copy", "csum_sw", "notify_tx", "notify_rx", "events",
	"rx_blocked", "connects"
};

struct bq {
	netif_tx_back_ring_t	 q_tx;
	netif_rx_back_ring_t	 q_rx;
	void			*q_txpage, *q_rxpage;
	int			 q_port_tx, q_port_rx;
	int			 q_work;
};

struct bvif {
	uint32_t	 v_domid;
	char		 v_fe[96], v_be[96];
	XenbusState	 v_state;	/* our (backend) state */
	int		 v_cycle;	/* InitWait again after Closed */
	int		 v_gone;	/* removed / destroyed */
	double		 v_unmap_at;	/* delayed b_disconnect */
	unsigned int	 v_nq;
	struct bq	 v_q[B_MAXQ];
	int		 v_sg, v_gso4, v_gso6, v_csum, v_rx_notify;
	struct bvif	*v_peer;
	uint64_t	 v_st[B_STAT_MAX];
};

static struct xs_handle *b_xs;
static struct hv *b_hv;
static const char *b_simdir;
static struct bvif b_vif[B_MAXVIF];
static unsigned int b_nvif, b_maxq = 4, b_npages = 4096;
static int b_split = 1, b_sg = 1, b_gso = 1, b_rx_copy = 1;
static unsigned int b_unmap_delay;	/* ms */
static volatile sig_atomic_t b_stop;
static uint8_t b_pkt[B_PKT];

static void	b_usage(void) __attribute__((noreturn));
static void	b_onsig(int);
static int	b_write(const char *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	b_read_uint(const char *, const char *, unsigned int *);
static int	b_perms(const char *, uint32_t, uint32_t, int);
static int	b_mkdir(const char *, uint32_t, uint32_t);
static int	b_toolstack(struct bvif *);
static int	b_attach(struct bvif *);
static void	b_set_state(struct bvif *, XenbusState);
static void	b_update(struct bvif *);
static int	b_connect(struct bvif *);
static void	b_disconnect(struct bvif *);
static void	b_events(void);
static double	b_now(void);
static int	b_rearm(RING_IDX *, RING_IDX *);
static int	b_tx(struct bvif *, unsigned int);
static int	b_forward(struct bvif *, struct bq *,
		    const netif_tx_request_t *, unsigned int,
		    const struct netif_extra_info *, int16_t *);
static void	b_command(char *);
static void	b_stats(void);
static struct bvif *b_find(const char *);

static void
b_usage(void)
{

	fprintf(stderr, "usage: t_nf_backend --xs SOCK --simdir DIR "
	    "[--ctl FIFO] [--max-queues N]\n\t[--no-split] [--no-sg] "
	    "[--no-gso] [--no-rx-copy] [--npages N] [--unmap-delay MS]\n"
	    "\t[-v] DOMID [DOMID]\n");
	exit(1);
}

static void
b_onsig(int sig)
{

	b_stop = 1;
}

/* b_write: write dir/key = printf(fmt, ...).  Returns 0 or -1. */
static int
b_write(const char *dir, const char *key, const char *fmt, ...)
{
	char path[256], val[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!xs_write(b_xs, XBT_NULL, path, val, strlen(val))) {
		slog_warn("write %s", path);
		return (-1);
	}
	return (0);
}

/* b_read_uint: dir/key as a number.  Returns 0, or -1 if absent/bad. */
static int
b_read_uint(const char *dir, const char *key, unsigned int *v)
{
	char path[256], *s;
	unsigned long long n;
	unsigned int len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if ((s = xs_read(b_xs, XBT_NULL, path, &len)) == NULL)
		return (-1);
	rc = num_parse(s, UINT_MAX, &n);
	free(s);
	if (rc == 0)
		*v = (unsigned int)n;
	return (rc);
}

/* b_perms: path owned by owner, other gets perm (XS_PERM_*). */
static int
b_perms(const char *path, uint32_t owner, uint32_t other, int perm)
{
	struct xs_permissions p[2];

	p[0].id = owner;
	p[0].perms = XS_PERM_NONE;
	p[1].id = other;
	p[1].perms = (unsigned int)perm;
	if (!xs_set_permissions(b_xs, XBT_NULL, path, p, 2)) {
		slog_warn("set perms %s", path);
		return (-1);
	}
	return (0);
}

/*
 * b_mkdir: make directory path owned by owner and readable by other, as
 * the toolstack makes a domain's directories.  Returns 0 or -1.
 */
static int
b_mkdir(const char *path, uint32_t owner, uint32_t other)
{

	if (!xs_mkdir(b_xs, XBT_NULL, path))
		return (-1);
	return (b_perms(path, owner, other, XS_PERM_READ));
}

/*
 * b_toolstack: xl create for domain d with one vif: domain, its xenstore
 * dirs, introduce, then the vif (b_attach).  Returns 0 or -1.
 */
static int
b_toolstack(struct bvif *v)
{
	uint32_t d = v->v_domid;
	char path[128];

	if (simdom_create(b_simdir, d, b_npages) == -1) {
		slog_warn("simdom_create %u", d);
		return (-1);
	}
	snprintf(path, sizeof(path), "/local/domain/%u", d);
	/*
	 * named, as xl names every domain: removing a device
	 * (xl_dev_destroy) takes out the directories it leaves empty, up
	 * to but not including the domain's
	 */
	if (b_mkdir(path, 0, d) == -1 ||
	    b_write(path, "name", "domu%u", d) == -1)
		return (-1);
	snprintf(path, sizeof(path), "/local/domain/%u/device", d);
	if (b_mkdir(path, d, 0) == -1)
		return (-1);
	if (!xs_introduce_domain(b_xs, d, 0, 1)) {
		slog_warn("introduce %u", d);
		return (-1);
	}
	return (b_attach(v));
}

/*
 * b_attach: xl network-attach of vif 0 (its nodes written by xl-sim's
 * xl_dev_write, in one transaction), then, as the backend, its
 * features and InitWait.  Returns 0 or -1.
 */
static int
b_attach(struct bvif *v)
{
	struct xl_nic nic;
	struct xl_dev dv;
	uint32_t d = v->v_domid;
	int rc;

	v->v_state = XenbusStateInitialising;
	v->v_gone = 0;
	xl_cfg_nic_init(&nic);
	nic.n_devid = 0;
	memcpy(nic.n_mac, "\x00\x16\x3e\x00\x00", 5);
	nic.n_mac[5] = (uint8_t)d;
	nic.n_mac_set = 1;
	xl_dev_init(&dv, d, nic.n_devid, XL_ADD, XL_FORCE_AUTO);
	rc = xl_cfg_nic_setdefault(&nic) == -1 ? XL_ERROR_FAIL :
	    xl_dev_write(&dv, &nic);
	xl_cfg_nic_free(&nic);
	if (rc != 0) {
		slog_warnx("device dirs of domain %u: rc=%d", d, rc);
		return (-1);
	}
	snprintf(v->v_fe, sizeof(v->v_fe), "%s", dv.dv_fe);
	snprintf(v->v_be, sizeof(v->v_be), "%s", dv.dv_be);
	/* backend probe: features, then InitWait */
	if ((b_rx_copy && b_write(v->v_be, "feature-rx-copy", "1") == -1) ||
	    b_write(v->v_be, "feature-rx-flip", "0") == -1 ||
	    (b_sg && b_write(v->v_be, "feature-sg", "1") == -1) ||
	    (b_gso && (b_write(v->v_be, "feature-gso-tcpv4", "1") == -1 ||
	    b_write(v->v_be, "feature-gso-tcpv6", "1") == -1)) ||
	    b_write(v->v_be, "feature-ipv6-csum-offload", "1") == -1 ||
	    b_write(v->v_be, "feature-split-event-channels", "%d",
	    b_split) == -1 ||
	    b_write(v->v_be, "multi-queue-max-queues", "%u", b_maxq) == -1)
		return (-1);
	if (!xs_watch(b_xs, v->v_fe, "fe")) {
		slog_warn("watch %s", v->v_fe);
		return (-1);
	}
	b_set_state(v, XenbusStateInitWait);
	return (0);
}

static void
b_set_state(struct bvif *v, XenbusState state)
{

	if (v->v_state == state)
		return;
	slog_debug("dom%u: backend state %s -> %s", v->v_domid,
	    xenbus_state_name(v->v_state), xenbus_state_name(state));
	v->v_state = state;
	b_write(v->v_be, "state", "%d", (int)state);
}

/*
 * b_update: the frontend's state changed (or anything in its dir): take
 * Linux netback's transition.
 */
static void
b_update(struct bvif *v)
{
	unsigned int fe;

	if (v->v_gone)
		return;
	if (b_read_uint(v->v_fe, "state", &fe) == -1)
		return;
	switch (fe) {
	case XenbusStateInitialising:
		if (v->v_state == XenbusStateClosed)
			b_set_state(v, XenbusStateInitWait);
		break;
	case XenbusStateConnected:
		if (v->v_state == XenbusStateInitWait && b_connect(v) == -1) {
			b_disconnect(v);
			b_set_state(v, XenbusStateClosing);
		}
		break;
	case XenbusStateClosing:
		/* --unmap-delay: keep the grants mapped for a while */
		if (b_unmap_delay > 0 && v->v_nq > 0 && v->v_unmap_at == 0)
			v->v_unmap_at = b_now() + b_unmap_delay / 1000.0;
		else if (b_unmap_delay == 0)
			b_disconnect(v);
		b_set_state(v, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		b_disconnect(v);
		b_set_state(v, XenbusStateClosed);
		if (v->v_cycle) {
			v->v_cycle = 0;
			b_set_state(v, XenbusStateInitWait);
		}
		break;
	default:
		break;
	}
}

/*
 * b_connect: read the frontend's rings, event channels and features,
 * map and bind them, go Connected.  Returns 0 or -1 (logged).
 */
static int
b_connect(struct bvif *v)
{
	char dir[160];
	unsigned int i, nq = 1, txref, rxref, p1, p2, val;
	struct bq *q;

	if (b_read_uint(v->v_fe, "request-rx-copy", &val) == -1 || val != 1) {
		slog_warnx("dom%u: frontend does not request rx-copy",
		    v->v_domid);
		return (-1);
	}
	b_read_uint(v->v_fe, "multi-queue-num-queues", &nq);
	if (nq < 1 || nq > b_maxq) {
		slog_warnx("dom%u: bad multi-queue-num-queues %u", v->v_domid,
		    nq);
		return (-1);
	}
	v->v_sg = b_read_uint(v->v_fe, "feature-sg", &val) == 0 && val;
	v->v_gso4 = b_read_uint(v->v_fe, "feature-gso-tcpv4", &val) == 0 &&
	    val;
	v->v_gso6 = b_read_uint(v->v_fe, "feature-gso-tcpv6", &val) == 0 &&
	    val;
	v->v_csum = !(b_read_uint(v->v_fe, "feature-no-csum-offload",
	    &val) == 0 && val);
	v->v_rx_notify = b_read_uint(v->v_fe, "feature-rx-notify", &val) ==
	    0 && val;
	for (i = 0; i < nq; i++) {
		q = &v->v_q[i];
		memset(q, 0, sizeof(*q));
		q->q_port_tx = q->q_port_rx = -1;
		if (nq > 1)
			snprintf(dir, sizeof(dir), "%s/queue-%u", v->v_fe, i);
		else
			snprintf(dir, sizeof(dir), "%s", v->v_fe);
		if (b_read_uint(dir, "tx-ring-ref", &txref) == -1 ||
		    b_read_uint(dir, "rx-ring-ref", &rxref) == -1) {
			slog_warnx("dom%u: queue %u: no ring refs", v->v_domid,
			    i);
			return (-1);
		}
		if (b_read_uint(dir, "event-channel-tx", &p1) == 0) {
			if (b_read_uint(dir, "event-channel-rx", &p2) == -1) {
				slog_warnx("dom%u: event-channel-rx missing",
				    v->v_domid);
				return (-1);
			}
		} else if (b_read_uint(dir, "event-channel", &p1) == 0)
			p2 = p1;
		else {
			slog_warnx("dom%u: queue %u: no event channel",
			    v->v_domid, i);
			return (-1);
		}
		v->v_nq = i + 1;
		if ((q->q_txpage = hv_map(b_hv, v->v_domid, &txref, 1, 1)) ==
		    NULL || (q->q_rxpage = hv_map(b_hv, v->v_domid, &rxref, 1,
		    1)) == NULL) {
			slog_warn("dom%u: map rings", v->v_domid);
			return (-1);
		}
		BACK_RING_INIT(&q->q_tx, (netif_tx_sring_t *)q->q_txpage,
		    B_PAGE);
		BACK_RING_INIT(&q->q_rx, (netif_rx_sring_t *)q->q_rxpage,
		    B_PAGE);
		if ((q->q_port_tx = hv_evtchn_bind(b_hv, v->v_domid, p1)) < 0 ||
		    (p2 != p1 && (q->q_port_rx = hv_evtchn_bind(b_hv,
		    v->v_domid, p2)) < 0)) {
			slog_warn("dom%u: bind event channel", v->v_domid);
			return (-1);
		}
		if (p2 == p1)
			q->q_port_rx = q->q_port_tx;
		q->q_work = 1;
	}
	slog_info("dom%u: connected, %u queue%s, %s event channels%s%s%s",
	    v->v_domid, nq, nq > 1 ? "s" : "", p2 != p1 ? "split" : "shared",
	    v->v_sg ? ", sg" : "", v->v_gso4 ? ", gso" : "",
	    v->v_rx_notify ? ", rx-notify" : "");
	v->v_st[B_CONNECTS]++;
	b_set_state(v, XenbusStateConnected);
	return (0);
}

/* b_disconnect: unmap the rings and close the event channels. */
static void
b_disconnect(struct bvif *v)
{
	unsigned int i;
	struct bq *q;

	for (i = 0; i < v->v_nq; i++) {
		q = &v->v_q[i];
		if (q->q_port_rx >= 0 && q->q_port_rx != q->q_port_tx)
			hv_evtchn_unbind(b_hv, q->q_port_rx);
		if (q->q_port_tx >= 0)
			hv_evtchn_unbind(b_hv, q->q_port_tx);
		if (q->q_txpage != NULL)
			hv_unmap(b_hv, q->q_txpage, 1);
		if (q->q_rxpage != NULL)
			hv_unmap(b_hv, q->q_rxpage, 1);
		memset(q, 0, sizeof(*q));
		q->q_port_tx = q->q_port_rx = -1;
	}
	if (v->v_nq > 0)
		slog_info("dom%u: disconnected", v->v_domid);
	v->v_nq = 0;
	v->v_unmap_at = 0;
}

/* b_now: CLOCK_MONOTONIC in seconds. */
static double
b_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* b_events: mark the queues whose ports fired (any port: all of them). */
static void
b_events(void)
{
	unsigned int i, k;
	int port;

	while ((port = hv_evtchn_pending(b_hv)) >= 0) {
		for (i = 0; i < b_nvif; i++) {
			for (k = 0; k < b_vif[i].v_nq; k++) {
				if (port == b_vif[i].v_q[k].q_port_tx ||
				    port == b_vif[i].v_q[k].q_port_rx)
					b_vif[i].v_st[B_EVENTS]++;
			}
		}
		hv_evtchn_unmask(b_hv, port);
	}
	/* an rx event of one vif unblocks the other's tx: run them all */
	for (i = 0; i < b_nvif; i++)
		for (k = 0; k < b_vif[i].v_nq; k++)
			b_vif[i].v_q[k].q_work = 1;
}

/*
 * b_forward: copy one tx packet (n data requests, gso extra or NULL)
 * from v's grants into the peer's rx buffers, answering there in slot.
 * st[] gets each data slot's tx status.  Returns 0, 1 if the peer's rx
 * ring lacks room now (nothing consumed), or -1 (dropped, counted).
 */
static int
b_forward(struct bvif *v, struct bq *q, const netif_tx_request_t *req,
    unsigned int n, const struct netif_extra_info *gso, int16_t *st)
{
	struct bvif *p = v->v_peer;
	struct bq *pq;
	hv_copy_seg seg[B_SLOTS];
	netif_rx_request_t rreq;
	netif_rx_response_t *rsp;
	struct netif_extra_info *ex;
	struct pkt_l4 pl;
	unsigned int i, need, k, nseg;
	size_t len = req[0].size, rest = 0, off, chunk;
	uint16_t flags;
	int notify;

	for (i = 1; i < n; i++)
		rest += req[i].size;
	for (i = 0; i < n; i++) {
		chunk = i == 0 ? len - rest : req[i].size;
		st[i] = NETIF_RSP_OKAY;
		if (rest > len || req[i].offset + chunk > B_PAGE) {
			for (k = 0; k < n; k++)
				st[k] = NETIF_RSP_ERROR;
			v->v_st[B_TX_ERRORS]++;
			return (-1);
		}
	}
	/* copy the packet in */
	for (i = 0, off = 0; i < n; i++, off += chunk) {
		chunk = i == 0 ? len - rest : req[i].size;
		memset(&seg[i], 0, sizeof(seg[i]));
		seg[i].source.foreign.ref = req[i].gref;
		seg[i].source.foreign.offset = req[i].offset;
		seg[i].source.foreign.domid = (uint16_t)v->v_domid;
		seg[i].dest.virt = b_pkt + off;
		seg[i].len = (uint16_t)chunk;
		seg[i].flags = GNTCOPY_source_gref;
	}
	if (hv_copy(b_hv, seg, n) == -1) {
		slog_warn("hv_copy");
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (seg[i].status != GNTST_okay) {
			for (k = 0; k < n; k++)
				st[k] = NETIF_RSP_ERROR;
			v->v_st[B_DROP_COPY]++;
			return (-1);
		}
	}
	v->v_st[B_TX_PACKETS]++;
	v->v_st[B_TX_BYTES] += len;
	if (gso != NULL)
		v->v_st[B_TX_GSO]++;
	if (req[0].flags & NETTXF_csum_blank)
		v->v_st[B_TX_CSUM_BLANK]++;

	if (p == NULL || p->v_nq == 0 || p->v_state != XenbusStateConnected) {
		v->v_st[B_DROP_NOPEER]++;
		return (-1);
	}
	pq = &p->v_q[(unsigned int)(q - v->v_q) % p->v_nq];
	need = (unsigned int)((len + B_PAGE - 1) / B_PAGE) +
	    (gso != NULL ? 1 : 0);
	if (need > 1 + (gso != NULL) && !p->v_sg) {
		v->v_st[B_DROP_NOSG]++;
		return (-1);
	}
	if (gso != NULL && !(gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
	    p->v_gso4 : p->v_gso6)) {
		v->v_st[B_DROP_GSO]++;
		return (-1);
	}
	if (RING_HAS_UNCONSUMED_REQUESTS(&pq->q_rx) < need)
		return (1);
	flags = 0;
	if (req[0].flags & NETTXF_csum_blank) {
		if (p->v_csum)
			flags = NETRXF_csum_blank | NETRXF_data_validated;
		else if (pkt_l4(b_pkt, len, &pl) == 0) {
			pkt_csum_complete(b_pkt, len, pl.pl_l4off,
			    pl.pl_csumoff);
			flags = NETRXF_data_validated;
			v->v_st[B_CSUM_SW]++;
		}
	} else if (req[0].flags & NETTXF_data_validated)
		flags = NETRXF_data_validated;

	/* copy out: data slots, with the GSO extra after the first */
	nseg = 0;
	for (i = 0, off = 0; off < len || i == 0 || (i == 1 && gso != NULL);
	    i++) {
		rreq = *RING_GET_REQUEST(&pq->q_rx, pq->q_rx.req_cons);
		pq->q_rx.req_cons++;
		rsp = RING_GET_RESPONSE(&pq->q_rx, pq->q_rx.rsp_prod_pvt);
		pq->q_rx.rsp_prod_pvt++;
		if (i == 1 && gso != NULL) {
			ex = (struct netif_extra_info *)rsp;
			memset(ex, 0, sizeof(*ex));
			ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
			ex->u.gso = gso->u.gso;
			continue;
		}
		chunk = len - off > B_PAGE ? B_PAGE : len - off;
		memset(&seg[nseg], 0, sizeof(seg[nseg]));
		seg[nseg].source.virt = b_pkt + off;
		seg[nseg].dest.foreign.ref = rreq.gref;
		seg[nseg].dest.foreign.domid = (uint16_t)p->v_domid;
		seg[nseg].len = (uint16_t)chunk;
		seg[nseg].flags = GNTCOPY_dest_gref;
		nseg++;
		rsp->id = rreq.id;
		rsp->offset = 0;
		rsp->status = (int16_t)chunk;
		rsp->flags = (uint16_t)((i == 0 ? flags : 0) |
		    (i == 0 && gso != NULL ? NETRXF_extra_info : 0) |
		    (off + chunk < len ? NETRXF_more_data : 0));
		off += chunk;
	}
	if (hv_copy(b_hv, seg, nseg) == -1)
		slog_warn("hv_copy to dom%u", p->v_domid);
	for (i = 0; i < nseg; i++)
		if (seg[i].status != GNTST_okay)
			p->v_st[B_DROP_COPY]++;
	v->v_st[B_FWD_PACKETS]++;
	if (gso != NULL)
		v->v_st[B_FWD_GSO]++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&pq->q_rx, notify);
	if (notify) {
		hv_evtchn_notify(b_hv, pq->q_port_rx);
		p->v_st[B_NOTIFY_RX]++;
	}
	return (0);
}

/*
 * b_rearm: ask for an event on the frontend's next push (event index =
 * prod + 1), then re-check.  Returns 1 if it pushed meanwhile (retry).
 */
static int
b_rearm(RING_IDX *event, RING_IDX *prod)
{
	RING_IDX p = *(volatile RING_IDX *)prod;

	*event = p + 1;
	xen_mb();
	return (*(volatile RING_IDX *)prod != p);
}

/*
 * b_tx: consume v's tx ring of queue qi while whole packets are there
 * and the peer has rx room.  Returns 0, 1 if blocked on the rx ring of a
 * peer that does not notify (poll it), 2 to be run again at once.
 */
static int
b_tx(struct bvif *v, unsigned int qi)
{
	struct bq *q = &v->v_q[qi], *pq;
	netif_tx_request_t req[B_SLOTS];
	struct netif_extra_info gso, *ex;
	netif_tx_response_t *rsp;
	int16_t st[B_SLOTS];
	unsigned int n, nslots, nextra, i, k, avail;
	int more, notify, r, blocked = 0, have_gso;
	RING_IDX c;

	for (;;) {
		avail = RING_HAS_UNCONSUMED_REQUESTS(&q->q_tx);
		if (avail == 0) {
			RING_FINAL_CHECK_FOR_REQUESTS(&q->q_tx, more);
			if (!more)
				break;
			continue;
		}
		/* walk one packet: first, extras, more_data slots */
		c = q->q_tx.req_cons;
		n = nslots = 0;
		have_gso = 0;
		r = 0;
		do {
			if (nslots >= avail || n >= B_SLOTS) {
				r = nslots >= avail ? 2 : -1;
				break;
			}
			req[n] = *RING_GET_REQUEST(&q->q_tx, c + nslots);
			nslots++;
			n++;
			if (n == 1 && (req[0].flags & NETTXF_extra_info)) {
				do {
					if (nslots >= avail) {
						r = 2;
						break;
					}
					ex = (struct netif_extra_info *)
					    RING_GET_REQUEST(&q->q_tx,
					    c + nslots);
					nslots++;
					if (ex->type ==
					    XEN_NETIF_EXTRA_TYPE_GSO) {
						gso = *ex;
						have_gso = 1;
					}
				} while (ex->flags & XEN_NETIF_EXTRA_FLAG_MORE);
			}
		} while (r == 0 && (req[n - 1].flags & NETTXF_more_data));
		if (r == 2) {
			/* the rest is not pushed yet: event on the next push */
			blocked = b_rearm(&q->q_tx.sring->req_event,
			    &q->q_tx.sring->req_prod) ? 2 : 0;
			break;
		}
		if (r == -1) {
			slog_warnx("dom%u: more than %d slots in a packet",
			    v->v_domid, B_SLOTS);
			for (k = 0; k < n; k++)
				st[k] = NETIF_RSP_ERROR;
			v->v_st[B_TX_ERRORS]++;
		} else {
			r = b_forward(v, q, req, n, have_gso ? &gso : NULL,
			    st);
			if (r == 1) {
				v->v_st[B_RX_BLOCKED]++;
				pq = &v->v_peer->v_q[qi % v->v_peer->v_nq];
				if (!v->v_peer->v_rx_notify)
					blocked = 1;	/* poll it */
				else if (b_rearm(&pq->q_rx.sring->req_event,
				    &pq->q_rx.sring->req_prod))
					blocked = 2;
				break;
			}
		}
		/* responses in ring order: data, extras (NULL), data */
		nextra = nslots - n;
		for (i = 0; i < nslots; i++) {
			rsp = RING_GET_RESPONSE(&q->q_tx,
			    q->q_tx.rsp_prod_pvt);
			q->q_tx.rsp_prod_pvt++;
			if (i >= 1 && i <= nextra) {
				rsp->status = NETIF_RSP_NULL;
				continue;
			}
			k = i == 0 ? 0 : i - nextra;
			rsp->id = req[k].id;
			rsp->status = st[k];
		}
		q->q_tx.req_cons += nslots;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->q_tx, notify);
		if (notify) {
			hv_evtchn_notify(b_hv, q->q_port_tx);
			v->v_st[B_NOTIFY_TX]++;
		}
	}
	return (blocked);
}

/* b_find: the vif of domain "D" (a command argument). */
static struct bvif *
b_find(const char *arg)
{
	unsigned long long d;
	unsigned int i;

	if (arg == NULL)
		return (NULL);
	for (i = 0; i < b_nvif && num_parse(arg, UINT32_MAX, &d) == 0; i++)
		if (b_vif[i].v_domid == d)
			return (&b_vif[i]);
	slog_warnx("no vif for domain %s", arg);
	return (NULL);
}

/* b_command: one line of the control FIFO. */
static void
b_command(char *line)
{
	char *cmd, *arg, *save = NULL;
	struct xl_dev dv;
	struct bvif *v;

	if ((cmd = strtok_r(line, " \t\r\n", &save)) == NULL)
		return;
	arg = strtok_r(NULL, " \t\r\n", &save);
	slog_debug("command: %s %s", cmd, arg ? arg : "");
	if (strcmp(cmd, "stats") == 0) {
		b_stats();
	} else if (strcmp(cmd, "quit") == 0) {
		b_stop = 1;
	} else if (strcmp(cmd, "close") == 0 || strcmp(cmd, "cycle") == 0) {
		if ((v = b_find(arg)) == NULL)
			return;
		v->v_cycle = cmd[1] == 'y';
		b_set_state(v, XenbusStateClosing);
	} else if (strcmp(cmd, "add") == 0) {
		if ((v = b_find(arg)) == NULL || !v->v_gone)
			return;
		if (b_attach(v) == -1)
			slog_warnx("add %s failed", arg);
	} else if (strcmp(cmd, "remove") == 0 || strcmp(cmd, "destroy") == 0) {
		if ((v = b_find(arg)) == NULL)
			return;
		b_disconnect(v);
		v->v_gone = 1;
		if (cmd[0] == 'd') {
			if (simdom_destroy(b_simdir, v->v_domid) == -1)
				slog_warn("simdom_destroy");
			xs_release_domain(b_xs, v->v_domid);
		}
		xs_unwatch(b_xs, v->v_fe, "fe");
		xl_dev_init(&dv, v->v_domid, 0, XL_REMOVE, XL_FORCE_ON);
		(void)xl_dev_destroy(&dv);
	} else
		slog_warnx("unknown command \"%s\"", cmd);
}

/* b_stats: every vif's counters, "be D name value". */
static void
b_stats(void)
{
	unsigned int i, k;

	for (i = 0; i < b_nvif; i++)
		for (k = 0; k < B_STAT_MAX; k++)
			printf("be %u %s %llu\n", b_vif[i].v_domid,
			    b_stat_names[k],
			    (unsigned long long)b_vif[i].v_st[k]);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "xs", required_argument, NULL, 'x' },
		{ "simdir", required_argument, NULL, 's' },
		{ "ctl", required_argument, NULL, 'c' },
		{ "max-queues", required_argument, NULL, 'q' },
		{ "npages", required_argument, NULL, 'p' },
		{ "no-split", no_argument, NULL, 'S' },
		{ "no-sg", no_argument, NULL, 'G' },
		{ "no-gso", no_argument, NULL, 'O' },
		{ "no-rx-copy", no_argument, NULL, 'R' },
		{ "unmap-delay", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	const char *xs = NULL, *ctl = NULL;
	struct pollfd pfd[3];
	struct sigaction sa;
	char buf[512], **w;
	unsigned long long n;
	unsigned int i, k;
	int c, ctlfd = -1, blocked, timeout, verbose = 0;
	ssize_t r;

	slog_init("t_nf_backend", 0);
	while ((c = getopt_long(argc, argv, "v", lo, NULL)) != -1) {
		switch (c) {
		case 'x':
			xs = optarg;
			break;
		case 's':
			b_simdir = optarg;
			break;
		case 'c':
			ctl = optarg;
			break;
		case 'q':
			if (num_parse(optarg, B_MAXQ, &n) == -1 || n < 1)
				b_usage();
			b_maxq = (unsigned int)n;
			break;
		case 'p':
			if (num_parse(optarg, UINT_MAX, &n) == -1)
				b_usage();
			b_npages = (unsigned int)n;
			break;
		case 'S':
			b_split = 0;
			break;
		case 'G':
			b_sg = 0;
			break;
		case 'O':
			b_gso = 0;
			break;
		case 'R':
			b_rx_copy = 0;
			break;
		case 'U':
			if (num_parse(optarg, UINT_MAX, &n) == -1)
				b_usage();
			b_unmap_delay = (unsigned int)n;
			break;
		case 'v':
			verbose++;
			break;
		default:
			b_usage();
		}
	}
	if (xs == NULL || b_simdir == NULL || optind >= argc ||
	    argc - optind > B_MAXVIF)
		b_usage();
	slog_init("t_nf_backend", verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (setenv("XENSTORED_PATH", xs, 1) == -1 ||
	    (b_xs = xs_open(XS_OPEN_SOCKETONLY)) == NULL) {
		slog_warn("xenstore %s", xs);
		return (1);
	}
	xl_xs = b_xs;		/* for xl-sim's device code */
	if ((b_hv = hv_open("sim", b_simdir, 0)) == NULL) {
		slog_warn("hv_open");
		return (1);
	}
	if (ctl != NULL && (ctlfd = open(ctl, O_RDWR | O_NONBLOCK)) == -1) {
		slog_warn("%s", ctl);
		return (1);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = b_onsig;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	for (; optind < argc; optind++) {
		if (num_parse(argv[optind], UINT32_MAX, &n) == -1)
			b_usage();
		b_vif[b_nvif].v_domid = (uint32_t)n;
		if (b_toolstack(&b_vif[b_nvif]) == -1)
			return (1);
		b_nvif++;
	}
	for (i = 0; i < b_nvif; i++)
		b_vif[i].v_peer = &b_vif[b_nvif == 2 ? 1 - i : i];
	slog_info("ready: %u guest%s, %s", b_nvif, b_nvif > 1 ? "s" : "",
	    b_nvif > 1 ? "cross-connected" : "loopback");

	blocked = 0;
	while (!b_stop) {
		pfd[0].fd = xs_fileno(b_xs);
		pfd[1].fd = hv_evtchn_fd(b_hv);
		pfd[2].fd = ctlfd;
		for (i = 0; i < 3; i++) {
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		/* a frontend without feature-rx-notify must be polled */
		timeout = blocked == 2 ? 0 : blocked == 1 ? 10 : 1000;
		if (poll(pfd, ctlfd >= 0 ? 3 : 2, timeout) == -1 &&
		    errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN) {
			while ((w = xs_check_watch(b_xs)) != NULL) {
				for (i = 0; i < b_nvif; i++)
					if (strncmp(w[XS_WATCH_PATH],
					    b_vif[i].v_fe,
					    strlen(b_vif[i].v_fe)) == 0)
						b_update(&b_vif[i]);
				free(w);
			}
		}
		if (pfd[1].revents & POLLIN)
			b_events();
		if (ctlfd >= 0 && (pfd[2].revents & POLLIN)) {
			r = read(ctlfd, buf, sizeof(buf) - 1);
			if (r > 0) {
				char *line, *save = NULL, *p = buf;

				buf[r] = '\0';
				while ((line = strtok_r(p, "\n", &save)) !=
				    NULL) {
					p = NULL;
					b_command(line);
				}
			}
		}
		blocked = 0;
		for (i = 0; i < b_nvif; i++) {
			if (b_vif[i].v_unmap_at > 0 &&
			    b_now() >= b_vif[i].v_unmap_at)
				b_disconnect(&b_vif[i]);
			if (b_vif[i].v_unmap_at > 0)
				blocked = 1;	/* wake up for it */
		}
		for (i = 0; i < b_nvif; i++)
			for (k = 0; k < b_vif[i].v_nq &&
			    b_vif[i].v_state == XenbusStateConnected; k++)
				if (b_vif[i].v_q[k].q_work || timeout != 1000) {
					b_vif[i].v_q[k].q_work = 0;
					c = b_tx(&b_vif[i], k);
					if (c > blocked)
						blocked = c;
				}
	}
	b_stats();
	for (i = 0; i < b_nvif; i++)
		b_disconnect(&b_vif[i]);
	hv_close(b_hv);
	xs_close(b_xs);
	return (0);
}
