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
 * Ring engine common code: queue setup and teardown, the grant-copy
 * batcher shared by tx and rx, notifications, counters.
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ring.h"
#include "ring-private.h"

/* A batch never needs more than one ring's worth of requests. */
_Static_assert(RING_BATCH_MAX == XN_TX_RING_SIZE &&
    RING_BATCH_MAX == XN_RX_RING_SIZE, "RING_BATCH_MAX is the ring size");

static int	ring_copy_flush(struct ring_queue *);

static const char *ring_drop_names[RING_DROP_MAX] = {
	"tx_slots", "tx_size", "tx_copy", "tx_offload", "tx_port",
	"rx_size", "rx_copy", "rx_offload", "rx_stall", "rx_carrier",
	"rx_mcast", "rx_steer"
};

const char *
ring_drop_name(enum ring_drop d)
{
	if ((unsigned int)d >= RING_DROP_MAX)
		return ("?");
	return (ring_drop_names[d]);
}

void
ring_config_default(struct ring_config *rc)
{
	rc->rc_tx_batch = 64;
	rc->rc_rx_batch = 64;
	rc->rc_copy_batch = 64;
	rc->rc_notify = RING_NOTIFY_BATCH;
	rc->rc_rx_stall_ms = RING_RX_CARRIER_MS;
}

/*
 * ring_config_check: 0 if every setting is in range, else -1 with *why
 * naming the bad one.
 */
int
ring_config_check(const struct ring_config *rc, const char **why)
{
	if (rc->rc_tx_batch < 1 || rc->rc_tx_batch > RING_BATCH_MAX) {
		*why = "tx-batch must be 1..256";
		return (-1);
	}
	if (rc->rc_rx_batch < 1 || rc->rc_rx_batch > RING_BATCH_MAX) {
		*why = "rx-batch must be 1..256";
		return (-1);
	}
	if (rc->rc_copy_batch < 1 || rc->rc_copy_batch > RING_COPY_MAX) {
		*why = "copy-batch must be 1..512";
		return (-1);
	}
	if (rc->rc_notify != RING_NOTIFY_BATCH &&
	    rc->rc_notify != RING_NOTIFY_PACKET) {
		*why = "notify must be batch or packet";
		return (-1);
	}
	if (rc->rc_rx_stall_ms != 0 &&
	    (rc->rc_rx_stall_ms < RING_RX_CARRIER_MIN ||
	    rc->rc_rx_stall_ms > RING_RX_CARRIER_MAX)) {
		*why = "rx-stall-timeout must be 0 or 100..3600000 ms";
		return (-1);
	}
	return (0);
}

/*
 * ring_new: an unconnected queue for domid served through hv.  Allocates
 * the scratch space once so the data path never allocates.
 */
struct ring_queue *
ring_new(struct hv *hv, uint32_t domid, const struct ring_config *rc)
{
	struct ring_queue *rq;
	const char *why;

	if (ring_config_check(rc, &why) == -1) {
		errno = EINVAL;
		return (NULL);
	}
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return (NULL);
	rq->rq_hv = hv;
	rq->rq_domid = domid;
	rq->rq_cfg = *rc;
	rq->rq_port_tx = rq->rq_port_rx = -1;
	rq->rq_arena_size = RING_ARENA_SIZE;
	rq->rq_segs = calloc(RING_COPY_MAX, sizeof(*rq->rq_segs));
	rq->rq_seg_owner = calloc(RING_COPY_MAX, sizeof(*rq->rq_seg_owner));
	/* page aligned: see ring_tx_place */
	rq->rq_arena = aligned_alloc(XN_RING_PAGE, rq->rq_arena_size);
	rq->rq_txpkts = calloc(RING_BATCH_MAX, sizeof(*rq->rq_txpkts));
	rq->rq_rxrsps = calloc(XN_RX_RING_SIZE, sizeof(*rq->rq_rxrsps));
	rq->rq_bad = calloc(RING_BATCH_MAX, 1);
	if (rq->rq_segs == NULL || rq->rq_seg_owner == NULL ||
	    rq->rq_arena == NULL || rq->rq_txpkts == NULL ||
	    rq->rq_rxrsps == NULL || rq->rq_bad == NULL) {
		ring_free(rq);
		errno = ENOMEM;
		return (NULL);
	}
	return (rq);
}

void
ring_free(struct ring_queue *rq)
{
	if (rq == NULL)
		return;
	ring_disconnect(rq);
	free(rq->rq_segs);
	free(rq->rq_seg_owner);
	free(rq->rq_arena);
	free(rq->rq_txpkts);
	free(rq->rq_rxrsps);
	free(rq->rq_bad);
	free(rq);
}

/*
 * ring_connect: map the frontend's tx and rx ring pages (grant refs
 * txref, rxref) and bind its event channel(s) (evtx == evrx when it uses
 * one channel).  Returns 0, or -1 with errno and everything undone.
 */
int
ring_connect(struct ring_queue *rq, uint32_t txref, uint32_t rxref,
    uint32_t evtx, uint32_t evrx, const struct ring_features *rf)
{
	netif_tx_sring_t *txs;
	netif_rx_sring_t *rxs;
	int save;

	if (rq->rq_connected) {
		errno = EISCONN;
		return (-1);
	}
	if (rf->rf_headroom >= RING_RX_HEADROOM_LIMIT) {
		errno = EINVAL;
		return (-1);
	}
	rq->rq_feat = *rf;
	rq->rq_error = NULL;
	if ((rq->rq_tx_page = hv_map(rq->rq_hv, rq->rq_domid, &txref, 1,
	    1)) == NULL)
		goto fail;
	rq->rq_stats.rs_hcalls[HV_CALL_MAP]++;
	if ((rq->rq_rx_page = hv_map(rq->rq_hv, rq->rq_domid, &rxref, 1,
	    1)) == NULL)
		goto fail;
	rq->rq_stats.rs_hcalls[HV_CALL_MAP]++;
	if ((rq->rq_port_tx = hv_evtchn_bind(rq->rq_hv, rq->rq_domid,
	    evtx)) == -1)
		goto fail;
	rq->rq_stats.rs_hcalls[HV_CALL_BIND]++;
	if (evrx == evtx)
		rq->rq_port_rx = rq->rq_port_tx;
	else {
		if ((rq->rq_port_rx = hv_evtchn_bind(rq->rq_hv, rq->rq_domid,
		    evrx)) == -1)
			goto fail;
		rq->rq_stats.rs_hcalls[HV_CALL_BIND]++;
	}
	/*
	 * The frontend initialised the shared rings (SHARED_RING_INIT);
	 * we only set up our private view of them.  Indexes in the shared
	 * page are hostile and are validated on every pass.
	 */
	txs = rq->rq_tx_page;
	rxs = rq->rq_rx_page;
	BACK_RING_INIT(&rq->rq_tx, txs, XN_RING_PAGE);
	BACK_RING_INIT(&rq->rq_rx, rxs, XN_RING_PAGE);
	/* Resume where the frontend left: a reconnecting ring may be used. */
	rq->rq_tx.req_cons = rq->rq_tx.rsp_prod_pvt = txs->rsp_prod;
	rq->rq_rx.req_cons = rq->rq_rx.rsp_prod_pvt = rxs->rsp_prod;
	rq->rq_rx_need = 0;
	rq->rq_rx_stall_at = 0;
	rq->rq_rx_carrier = 1;
	rq->rq_rx_headroom = rf->rf_headroom;
	rq->rq_connected = 1;
	return (0);
fail:
	save = errno;
	ring_disconnect(rq);
	errno = save;
	return (-1);
}

/*
 * ring_resync: an adopted ring: its shared indexes must describe at
 * most a ring's worth of outstanding requests (netif.h
 * XN_TX_RING_SIZE, XN_RX_RING_SIZE); the passes check them again.
 * Then one notify per port.
 *
 * Why serving again from rsp_prod is safe: response slots overlay
 * request slots, so the old backend may have overwritten a request it
 * took with a response it never published; read again, that slot has a
 * bad grant or size and is answered with an error like any bad
 * request.  A request taken and sent but not answered is sent again.
 */
int
ring_resync(struct ring_queue *rq)
{
	RING_IDX txprod, rxprod;

	if (!rq->rq_connected) {
		errno = EINVAL;
		return (-1);
	}
	txprod = ((volatile netif_tx_sring_t *)rq->rq_tx.sring)->req_prod;
	rxprod = ((volatile netif_rx_sring_t *)rq->rq_rx.sring)->req_prod;
	if (txprod - rq->rq_tx.req_cons > RING_SIZE(&rq->rq_tx) ||
	    rxprod - rq->rq_rx.req_cons > RING_SIZE(&rq->rq_rx)) {
		ring_fatal(rq, "a ring's req_prod and rsp_prod are more than "
		    "a ring apart");
		errno = EPROTO;
		return (-1);
	}
	(void)ring_notify(rq, 0);
	if (rq->rq_port_rx != rq->rq_port_tx)
		(void)ring_notify(rq, 1);
	return (0);
}

/* ring_disconnect: unbind and unmap whatever ring_connect set up. */
void
ring_disconnect(struct ring_queue *rq)
{
	if (rq->rq_port_rx != -1 && rq->rq_port_rx != rq->rq_port_tx) {
		hv_evtchn_unbind(rq->rq_hv, rq->rq_port_rx);
		rq->rq_stats.rs_hcalls[HV_CALL_UNBIND]++;
	}
	if (rq->rq_port_tx != -1) {
		hv_evtchn_unbind(rq->rq_hv, rq->rq_port_tx);
		rq->rq_stats.rs_hcalls[HV_CALL_UNBIND]++;
	}
	rq->rq_port_tx = rq->rq_port_rx = -1;
	if (rq->rq_tx_page != NULL) {
		hv_unmap(rq->rq_hv, rq->rq_tx_page, 1);
		rq->rq_stats.rs_hcalls[HV_CALL_UNMAP]++;
	}
	if (rq->rq_rx_page != NULL) {
		hv_unmap(rq->rq_hv, rq->rq_rx_page, 1);
		rq->rq_stats.rs_hcalls[HV_CALL_UNMAP]++;
	}
	rq->rq_tx_page = rq->rq_rx_page = NULL;
	rq->rq_nsegs = 0;
	rq->rq_connected = 0;
}

/*
 * ring_event: the caller's event-channel fd delivered port; the two
 * ports are equal when the frontend uses one channel.
 */
int
ring_event(struct ring_queue *rq, int port)
{
	int ev = 0;

	if (port < 0)
		return (0);
	if (port == rq->rq_port_tx) {
		rq->rq_stats.rs_events_tx++;
		ev |= RING_EV_TX;
	}
	if (port == rq->rq_port_rx) {
		rq->rq_stats.rs_events_rx++;
		ev |= RING_EV_RX;
	}
	return (ev);
}

void
ring_ports(const struct ring_queue *rq, int *tx, int *rx)
{
	*tx = rq->rq_connected ? rq->rq_port_tx : -1;
	*rx = rq->rq_connected ? rq->rq_port_rx : -1;
}

/*
 * ring_posted: the frontend's tx and rx request producer indexes, for
 * the rings port serves, as one 64-bit mark.
 */
uint64_t
ring_posted(const struct ring_queue *rq, int port)
{
	uint64_t mark = 0;

	if (!rq->rq_connected || port < 0)
		return (0);
	if (port == rq->rq_port_tx)
		mark |= (uint64_t)((volatile netif_tx_sring_t *)
		    rq->rq_tx.sring)->req_prod << 32;
	if (port == rq->rq_port_rx)
		mark |= ((volatile netif_rx_sring_t *)
		    rq->rq_rx.sring)->req_prod;
	return (mark);
}

int
ring_tx_waiting(const struct ring_queue *rq)
{
	if (!rq->rq_connected)
		return (0);
	/* what waits for credit is not work before the credit comes */
	if (ring_tx_rate_wait(rq) > 0)
		return (0);
	return (((volatile netif_tx_sring_t *)rq->rq_tx.sring)->req_prod !=
	    rq->rq_tx.req_cons);
}

const char *
ring_error(const struct ring_queue *rq)
{
	return (rq->rq_error);
}

void
ring_snapshot(const struct ring_queue *rq, struct ring_stats *st)
{
	*st = rq->rq_stats;
}

/*
 * ring_set_config: new batch sizes and notification policy from the next
 * pass on (between passes: nothing is pending).  -1 with EINVAL if a
 * setting is out of range; then nothing changes.
 */
int
ring_set_config(struct ring_queue *rq, const struct ring_config *rc)
{
	const char *why;

	if (ring_config_check(rc, &why) == -1) {
		errno = EINVAL;
		return (-1);
	}
	rq->rq_cfg = *rc;
	return (0);
}

/* ring_fatal: the frontend broke the protocol; the caller disconnects. */
int
ring_fatal(struct ring_queue *rq, const char *why)
{
	rq->rq_error = why;
	rq->rq_nsegs = 0;	/* the pass is abandoned */
	return (-1);
}

/*
 * ring_copy_flush: issue the queued grant-copy segments as one hypercall.
 * Per-segment results stay in rq_segs[].status for the caller, which must
 * read them before the next ring_copy_add; returns the number of segments
 * issued, or -1 if the hypercall itself failed (every segment is then
 * marked GNTST_general_error).
 */
static int
ring_copy_flush(struct ring_queue *rq)
{
	const struct hv_counts *hc = hv_counts(rq->rq_hv);
	uint64_t before[HV_CALL_UNMAP + 1];
	unsigned int i, n = rq->rq_nsegs;
	int rv;

	if (n == 0)
		return (0);
	/* what it cost: one copy call, or maps and unmaps (hv_set_engine) */
	for (i = HV_CALL_COPY; i <= HV_CALL_UNMAP; i++)
		before[i] = hc->hc_calls[i];
	rq->rq_stats.rs_copy_segs += n;
	rv = hv_copy(rq->rq_hv, rq->rq_segs, n);
	for (i = HV_CALL_COPY; i <= HV_CALL_UNMAP; i++)
		rq->rq_stats.rs_hcalls[i] += hc->hc_calls[i] - before[i];
	if (rv == -1) {
		for (i = 0; i < n; i++)
			rq->rq_segs[i].status = GNTST_general_error;
		return (-1);
	}
	return ((int)n);
}

/*
 * ring_copy_add: queue one segment owned by packet/frame `owner`; when
 * copy-batch segments are queued they are issued and the owners of
 * failed ones are reported through the caller's bad[] via
 * ring_copy_settle().  Returns 0, or -1 if a flush failed.
 */
int
ring_copy_add(struct ring_queue *rq, const hv_copy_seg *seg, uint16_t owner)
{
	rq->rq_segs[rq->rq_nsegs] = *seg;
	rq->rq_segs[rq->rq_nsegs].status = GNTST_okay;
	rq->rq_seg_owner[rq->rq_nsegs] = owner;
	rq->rq_nsegs++;
	if (rq->rq_nsegs >= rq->rq_cfg.rc_copy_batch)
		return (ring_copy_settle(rq));
	return (0);
}

/*
 * ring_copy_settle: flush, then mark rq_bad[owner] for every failed
 * segment (tx and rx both keep their per-owner failure flags there).
 */
int
ring_copy_settle(struct ring_queue *rq)
{
	unsigned int i;
	int rv;

	rv = ring_copy_flush(rq);
	for (i = 0; i < rq->rq_nsegs; i++)
		if (rq->rq_segs[i].status != GNTST_okay) {
			rq->rq_bad[rq->rq_seg_owner[i]] = 1;
			rq->rq_segs_failed++;
		}
	rq->rq_nsegs = 0;
	return (rv == -1 ? -1 : 0);
}

/*
 * ring_notify: kick the frontend about its tx (rx == 0) or rx ring;
 * counted by direction even when both share one event channel.
 */
int
ring_notify(struct ring_queue *rq, int rx)
{
	rq->rq_stats.rs_hcalls[HV_CALL_NOTIFY]++;
	if (rx)
		rq->rq_stats.rs_notify_rx++;
	else
		rq->rq_stats.rs_notify_tx++;
	return (hv_evtchn_notify(rq->rq_hv, rx ? rq->rq_port_rx :
	    rq->rq_port_tx));
}

/* ring_hist_add: count a batch of n in its power-of-two bucket. */
void
ring_hist_add(uint64_t *hist, unsigned int n)
{
	unsigned int b = 0;

	while (n > 1 && b < RING_HIST - 1) {
		n >>= 1;
		b++;
	}
	hist[b]++;
}

uint64_t
ring_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
}

/* ring_clock_ms: CLOCK_MONOTONIC in milliseconds, never 0. */
uint64_t
ring_clock_ms(void)
{
	return (ring_clock_ns() / 1000000 + 1);
}

void
ring_set_hash(struct ring_queue *rq, const struct ring_hash *rh)
{
	if (rh == NULL)
		memset(&rq->rq_hash, 0, sizeof(rq->rq_hash));
	else
		memcpy(&rq->rq_hash, rh, sizeof(rq->rq_hash));
	rq->rq_hashing = ring_hash_active(&rq->rq_hash);
}

void
ring_set_mcast(struct ring_queue *rq, struct ring_mcast *m)
{
	rq->rq_mcast = m;
}

void
ring_set_peers(struct ring_queue *rq, struct ring_queue *const *peers,
    unsigned int n, unsigned int self)
{
	unsigned int i;

	rq->rq_npeers = 0;
	if (peers == NULL || n < 2 || n > RING_PEERS_MAX || self >= n ||
	    peers[self] != rq)
		return;		/* nowhere to steer to */
	for (i = 0; i < n; i++)
		rq->rq_peers[i] = peers[i];
	rq->rq_npeers = n;
	rq->rq_self = self;
}

/* ring_stats_add: dst += src, field by field (for totals). */
void
ring_stats_add(struct ring_stats *dst, const struct ring_stats *src)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;
	size_t i;

	for (i = 0; i < sizeof(*src) / sizeof(uint64_t); i++)
		d[i] += s[i];
}
