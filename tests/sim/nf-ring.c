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
 * netfront-sim: the shared rings of one queue, the grants behind them and
 * the tx (guest -> backend) and rx (backend -> guest) paths, written to
 * behave like Linux xen-netfront on the wire:
 *
 * - tx: a pool of 256 pages per queue, each granted read-only once; a
 *   request id names its page.  A packet's first slot carries the total
 *   length, a GSO extra follows the first slot, later slots their own
 *   size, NETTXF_more_data on all but the last.
 * - rx: one writable page per ring slot, request id = slot index, so the
 *   backend must answer in the request's slot (Linux relies on that; we
 *   check it and count mismatches).
 */

#include <netinet/in.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"
#include "pkt.h"

#define NF_RING_MASK	(NF_RING - 1)

static uint8_t	*nf_frame_claim(struct nf *, uint32_t);
static int	nf_buf_get(struct nf *, struct nf_buf *, int);
static int	nf_buf_revoke(struct nf *, struct nf_buf *);
static void	nf_buf_forget(struct nf *, struct nf_buf *);
static void	nf_frame_free(struct nf *, uint32_t);
static int	nf_rx_packet(struct nf_queue *, RING_IDX, RING_IDX,
		    RING_IDX *);
static int	nf_rx_offload(struct nf_queue *, struct xn_vnet_hdr *,
		    uint16_t, const struct netif_extra_info *, size_t);
static int	nf_rsp_overflow(struct nf_queue *, const char *, RING_IDX,
		    RING_IDX, RING_IDX, enum nf_stat);

/*
 * The guest's page allocator.  Every netfront-sim attached to a domain
 * (one per vif) shares its memory, so the allocator state lives in that
 * memory, like a kernel's page map: the first frames hold one claim
 * octet per frame, taken and released with atomic operations.
 */

/* nf_frame_claim: the claim octet of frame f. */
static uint8_t *
nf_frame_claim(struct nf *nf, uint32_t f)
{

	return ((uint8_t *)simdom_page(nf->nf_dom, f / NF_PAGE) + f % NF_PAGE);
}

/*
 * nf_mem_init: set up the frame allocator over the domain's memory: the
 * frames of the claim map itself are marked used.  Returns 0, or -1
 * with errno.
 */
int
nf_mem_init(struct nf *nf)
{
	uint32_t f, nmap;

	nf->nf_nframes = simdom_npages(nf->nf_dom);
	nmap = (nf->nf_nframes + NF_PAGE - 1) / NF_PAGE;
	if (nf->nf_nframes <= nmap) {
		errno = ENOMEM;
		return (-1);
	}
	for (f = 0; f < nmap; f++)
		__atomic_store_n(nf_frame_claim(nf, f), 1, __ATOMIC_RELAXED);
	nf->nf_frame_hint = nmap + nf->nf_o.o_handle * 1024;
	return (0);
}

/*
 * nf_buf_get: claim a free page of our memory and grant it to the
 * backend (read-only if ro).  Returns 0, or -1 with errno (ENOMEM: the
 * domain has no free page left).
 */
static int
nf_buf_get(struct nf *nf, struct nf_buf *b, int ro)
{
	unsigned int i;
	uint32_t f = 0;
	uint8_t zero;
	int ref;

	b->b_gref = -1;
	b->b_va = NULL;
	for (i = 0; i < nf->nf_nframes; i++) {
		f = (nf->nf_frame_hint + i) % nf->nf_nframes;
		zero = 0;
		if (__atomic_compare_exchange_n(nf_frame_claim(nf, f), &zero,
		    1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	if (i == nf->nf_nframes) {
		errno = ENOMEM;
		return (-1);
	}
	if ((b->b_va = simdom_page(nf->nf_dom, f)) == NULL ||
	    (ref = simdom_grant(nf->nf_dom, f, (uint16_t)nf->nf_be_id,
	    ro)) < 0) {
		b->b_va = NULL;
		nf_frame_free(nf, f);
		return (-1);
	}
	nf->nf_frame_hint = f + 1;
	b->b_frame = f;
	b->b_gref = ref;
	memset(b->b_va, 0, NF_PAGE);
	return (0);
}

/* nf_buf_alloc: nf_buf_get for the other files (nf-ctrl.c). */
int
nf_buf_alloc(struct nf *nf, struct nf_buf *b, int ro)
{

	return (nf_buf_get(nf, b, ro));
}

/* nf_frame_free: release frame f. */
static void
nf_frame_free(struct nf *nf, uint32_t f)
{

	if (f < nf->nf_nframes)
		__atomic_store_n(nf_frame_claim(nf, f), 0, __ATOMIC_RELEASE);
}

/*
 * nf_buf_revoke: end the backend's access to a page and free the frame.
 * Returns 0 if revoked (or never granted), 1 while the backend still
 * maps it (EBUSY), -1 on another error (the grant is dropped anyway).
 */
static int
nf_buf_revoke(struct nf *nf, struct nf_buf *b)
{

	if (b->b_gref < 0)
		return (0);
	if (simdom_ungrant(nf->nf_dom, (uint32_t)b->b_gref) == -1) {
		if (errno == EBUSY) {
			nf->nf_st[NF_REVOKE_BUSY]++;
			return (1);
		}
		slog_warn("ungrant ref %d", b->b_gref);
	}
	nf_frame_free(nf, b->b_frame);
	b->b_gref = -1;
	b->b_va = NULL;
	return (0);
}

/*
 * nf_buf_forget: the page's grant is still in use: hand it to the list
 * retried by nf_revoke_retry() (the frame stays allocated meanwhile, as
 * Linux defers freeing a page whose grant the backend still maps).
 */
static void
nf_buf_forget(struct nf *nf, struct nf_buf *b)
{
	struct nf_buf *nr;
	unsigned int n;

	if (b->b_gref < 0)
		return;
	if (nf->nf_nrevoke == nf->nf_revoke_max) {
		n = nf->nf_revoke_max ? nf->nf_revoke_max * 2 : 64;
		nr = reallocarray(nf->nf_revoke, n, sizeof(*nr));
		if (nr == NULL) {
			slog_warn("leaking grant %d", b->b_gref);
			b->b_gref = -1;
			return;
		}
		nf->nf_revoke = nr;
		nf->nf_revoke_max = n;
	}
	nf->nf_revoke[nf->nf_nrevoke++] = *b;
	b->b_gref = -1;
}

/*
 * nf_revoke_retry: retry the grants left over from earlier connections.
 * Returns how many are still in use.
 */
int
nf_revoke_retry(struct nf *nf)
{
	unsigned int i, j;

	for (i = j = 0; i < nf->nf_nrevoke; i++) {
		if (nf_buf_revoke(nf, &nf->nf_revoke[i]) == 1)
			nf->nf_revoke[j++] = nf->nf_revoke[i];
	}
	if (j < nf->nf_nrevoke)
		slog_debug("revoked %u leftover grants, %u still mapped",
		    nf->nf_nrevoke - j, j);
	nf->nf_nrevoke = j;
	return ((int)j);
}

/*
 * nf_queue_new: allocate queue idx: tx and rx ring pages granted to the
 * backend and initialised, the tx page pool, the rx buffers posted for
 * the whole ring (pushed, not notified: the backend reads req_prod when
 * it connects), and its event channel(s) allocated unbound for the
 * backend.  Returns the queue, or NULL with errno (the log says why).
 */
struct nf_queue *
nf_queue_new(struct nf *nf, unsigned int idx)
{
	struct nf_queue *q;
	unsigned int i;

	if ((q = calloc(1, sizeof(*q))) == NULL)
		return (NULL);
	q->q_nf = nf;
	q->q_idx = idx;
	q->q_port_tx = q->q_port_rx = -1;
	q->q_txring.b_gref = q->q_rxring.b_gref = -1;
	for (i = 0; i < NF_RING; i++)
		q->q_txbuf[i].b_gref = q->q_rxbuf[i].b_gref = -1;
	if ((q->q_pkt = malloc(NF_PKT_MAX)) == NULL)
		goto fail;
	if (nf_buf_get(nf, &q->q_txring, 0) == -1 ||
	    nf_buf_get(nf, &q->q_rxring, 0) == -1) {
		slog_warn("queue %u: ring pages", idx);
		goto fail;
	}
	SHARED_RING_INIT((netif_tx_sring_t *)q->q_txring.b_va);
	FRONT_RING_INIT(&q->q_tx, (netif_tx_sring_t *)q->q_txring.b_va,
	    NF_PAGE);
	SHARED_RING_INIT((netif_rx_sring_t *)q->q_rxring.b_va);
	FRONT_RING_INIT(&q->q_rx, (netif_rx_sring_t *)q->q_rxring.b_va,
	    NF_PAGE);
	for (i = 0; i < NF_RING; i++) {
		if (nf_buf_get(nf, &q->q_txbuf[i], 1) == -1 ||
		    nf_buf_get(nf, &q->q_rxbuf[i], 0) == -1) {
			slog_warn("queue %u: buffer pages (domain has %u "
			    "pages)", idx, nf->nf_nframes);
			goto fail;
		}
		q->q_txfree[i] = (uint16_t)(NF_RING - 1 - i);
	}
	q->q_ntxfree = NF_RING;
	q->q_port_tx = hv_evtchn_alloc_unbound(nf->nf_hv, nf->nf_be_id);
	if (q->q_port_tx < 0) {
		slog_warn("queue %u: event channel", idx);
		goto fail;
	}
	if (nf->nf_be_split && !(nf->nf_o.o_flags & NF_O_NO_SPLIT)) {
		q->q_port_rx = hv_evtchn_alloc_unbound(nf->nf_hv,
		    nf->nf_be_id);
		if (q->q_port_rx < 0) {
			slog_warn("queue %u: rx event channel", idx);
			goto fail;
		}
	} else
		q->q_port_rx = q->q_port_tx;
	nf_rx_refill(q);
	return (q);
fail:
	nf_queue_revoke(q);
	nf_queue_free(q);
	return (NULL);
}

/*
 * nf_queue_revoke: revoke every grant of the queue that the backend no
 * longer uses.  Returns how many are still mapped (EBUSY).
 */
int
nf_queue_revoke(struct nf_queue *q)
{
	struct nf *nf = q->q_nf;
	unsigned int i;
	int busy = 0;

	busy += nf_buf_revoke(nf, &q->q_txring) == 1;
	busy += nf_buf_revoke(nf, &q->q_rxring) == 1;
	for (i = 0; i < NF_RING; i++) {
		busy += nf_buf_revoke(nf, &q->q_txbuf[i]) == 1;
		busy += nf_buf_revoke(nf, &q->q_rxbuf[i]) == 1;
	}
	return (busy);
}

/*
 * nf_queue_free: close the queue's event channels and free it; grants
 * still in use move to the leftover list (see nf_buf_forget).
 */
void
nf_queue_free(struct nf_queue *q)
{
	struct nf *nf;
	unsigned int i;

	if (q == NULL)
		return;
	nf = q->q_nf;
	if (q->q_port_rx >= 0 && q->q_port_rx != q->q_port_tx)
		hv_evtchn_unbind(nf->nf_hv, q->q_port_rx);
	if (q->q_port_tx >= 0)
		hv_evtchn_unbind(nf->nf_hv, q->q_port_tx);
	nf_buf_forget(nf, &q->q_txring);
	nf_buf_forget(nf, &q->q_rxring);
	for (i = 0; i < NF_RING; i++) {
		nf_buf_forget(nf, &q->q_txbuf[i]);
		nf_buf_forget(nf, &q->q_rxbuf[i]);
	}
	free(q->q_pkt);
	free(q);
}

/* nf_tx_slots: data slots a packet of len bytes takes at offset off. */
static unsigned int
nf_tx_slots(size_t len, unsigned int off)
{
	size_t first = NF_PAGE - off;

	if (len <= first)
		return (1);
	return (1 + (unsigned int)((len - first + NF_PAGE - 1) / NF_PAGE));
}

/* nf_tx_offset: where a packet's first slot starts in its page. */
static unsigned int
nf_tx_offset(struct nf *nf, size_t len)
{
	unsigned int off = nf->nf_o.o_tx_offset;

	/* Without scatter-gather keep a packet that fits in one page. */
	if (!nf->nf_be_sg && nf_tx_slots(len, off) > 1)
		off = 0;
	return (off);
}

/*
 * nf_tx_room: 1 if the tx ring has room for a packet of len bytes (gso:
 * it needs a GSO extra slot), 0 if not.
 */
int
nf_tx_room(struct nf_queue *q, size_t len, int gso)
{
	unsigned int need;

	need = nf_tx_slots(len, nf_tx_offset(q->q_nf, len)) + (gso ? 1 : 0);
	if (need > NF_TX_MAX_SLOTS)
		return (1);	/* will be dropped, not queued */
	return (RING_FREE_REQUESTS(&q->q_tx) >= need &&
	    q->q_ntxfree >= need);
}

/*
 * nf_tx_packet: put one packet on the tx ring (not pushed: call
 * nf_tx_push after a burst).  vh may be NULL (no offload).  Returns 0
 * if queued, 1 if dropped (counted), -1 with EAGAIN if the ring has no
 * room now.
 */
int
nf_tx_packet(struct nf_queue *q, const struct xn_vnet_hdr *vh,
    const uint8_t *data, size_t len)
{
	struct nf *nf = q->q_nf;
	netif_tx_request_t *req;
	struct netif_extra_info *ex;
	unsigned int off, nslots, gso = 0, i;
	uint16_t flags = 0, id;
	size_t done, chunk;

	if (!nf->nf_carrier || q->q_broken) {
		nf->nf_st[NF_TX_DROP_DOWN]++;
		return (1);
	}
	if (len < PKT_ETH_HLEN || len > NF_TX_MAX) {
		nf->nf_st[NF_TX_DROP_SIZE]++;
		return (1);
	}
	if (vh != NULL && vh->vh_gso_type != XN_VNET_GSO_NONE) {
		switch (vh->vh_gso_type & ~XN_VNET_GSO_ECN) {
		case XN_VNET_GSO_TCPV4:
			if (nf->nf_be_gso4)
				gso = XEN_NETIF_GSO_TYPE_TCPV4;
			break;
		case XN_VNET_GSO_TCPV6:
			if (nf->nf_be_gso6)
				gso = XEN_NETIF_GSO_TYPE_TCPV6;
			break;
		}
		if (gso == 0 || vh->vh_gso_size == 0) {
			nf->nf_st[NF_TX_DROP_GSO]++;
			return (1);
		}
	}
	off = nf_tx_offset(nf, len);
	nslots = nf_tx_slots(len, off);
	if (nslots > 1 && !nf->nf_be_sg) {
		nf->nf_st[NF_TX_DROP_NOSG]++;
		return (1);
	}
	if (!nf_tx_room(q, len, gso != 0)) {
		errno = EAGAIN;
		return (-1);
	}
	if (vh != NULL && (vh->vh_flags & XN_VNET_F_NEEDS_CSUM)) {
		flags |= NETTXF_csum_blank | NETTXF_data_validated;
		nf->nf_st[NF_TX_CSUM_BLANK]++;
	} else if (vh != NULL && (vh->vh_flags & XN_VNET_F_DATA_VALID))
		flags |= NETTXF_data_validated;

	for (i = 0, done = 0; i < nslots; i++, done += chunk) {
		chunk = len - done;
		if (chunk > NF_PAGE - (i == 0 ? off : 0))
			chunk = NF_PAGE - (i == 0 ? off : 0);
		id = q->q_txfree[--q->q_ntxfree];
		q->q_txbusy[id] = 1;
		memcpy((uint8_t *)q->q_txbuf[id].b_va + (i == 0 ? off : 0),
		    data + done, chunk);
		req = RING_GET_REQUEST(&q->q_tx, q->q_tx.req_prod_pvt);
		q->q_tx.req_prod_pvt++;
		req->gref = (grant_ref_t)q->q_txbuf[id].b_gref;
		req->offset = (uint16_t)(i == 0 ? off : 0);
		req->id = id;
		/* netif.h: the first slot's size is the packet's size */
		req->size = (uint16_t)(i == 0 ? len : chunk);
		req->flags = (uint16_t)((i == 0 ? flags : 0) |
		    (i + 1 < nslots ? NETTXF_more_data : 0) |
		    (i == 0 && gso ? NETTXF_extra_info : 0));
		if (i == 0 && gso) {
			ex = (struct netif_extra_info *)RING_GET_REQUEST(
			    &q->q_tx, q->q_tx.req_prod_pvt);
			q->q_tx.req_prod_pvt++;
			memset(ex, 0, sizeof(*ex));
			ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
			ex->u.gso.size = vh->vh_gso_size;
			ex->u.gso.type = (uint8_t)gso;
			nf->nf_st[NF_TX_GSO]++;
			nf->nf_st[NF_TX_SLOTS]++;
		}
	}
	nf->nf_st[NF_TX_PACKETS]++;
	nf->nf_st[NF_TX_BYTES] += len;
	nf->nf_st[NF_TX_SLOTS] += nslots;
	q->q_tx_unpushed = 1;
	slog_trace("q%u: tx %zu bytes, %u slots%s", q->q_idx, len, nslots,
	    gso ? " gso" : "");
	return (0);
}

/*
 * nf_tx_req: the next tx request, on a free buffer page of q (its id,
 * the page's grant, offset 0); the caller checked there is room and
 * sets its size and flags.
 */
netif_tx_request_t *
nf_tx_req(struct nf_queue *q)
{
	netif_tx_request_t *req;
	uint16_t id;

	id = q->q_txfree[--q->q_ntxfree];
	q->q_txbusy[id] = 1;
	req = RING_GET_REQUEST(&q->q_tx, q->q_tx.req_prod_pvt);
	q->q_tx.req_prod_pvt++;
	req->gref = (grant_ref_t)q->q_txbuf[id].b_gref;
	req->offset = 0;
	req->id = id;
	return (req);
}

/*
 * nf_tx_extra: a dummy request (size 0) carrying the extra ex, as
 * netif.h "feature-multicast-control" has filter updates sent (not
 * pushed).  0, or -1 if the ring has no room or the queue is down.
 */
int
nf_tx_extra(struct nf_queue *q, const struct netif_extra_info *ex)
{
	netif_tx_request_t *req;

	if (!q->q_nf->nf_carrier || q->q_broken ||
	    RING_FREE_REQUESTS(&q->q_tx) < 2 || q->q_ntxfree < 1)
		return (-1);
	req = nf_tx_req(q);
	req->size = 0;
	req->flags = NETTXF_extra_info;
	memcpy(RING_GET_REQUEST(&q->q_tx, q->q_tx.req_prod_pvt), ex,
	    sizeof(*ex));
	q->q_tx.req_prod_pvt++;
	q->q_tx_unpushed = 1;
	return (0);
}

/*
 * nf_tx_push: publish the requests queued by nf_tx_packet and kick the
 * backend only if RING_PUSH_REQUESTS_AND_CHECK_NOTIFY says it waits.
 */
void
nf_tx_push(struct nf_queue *q)
{
	struct nf *nf = q->q_nf;
	int notify;

	if (!q->q_tx_unpushed)
		return;
	q->q_tx_unpushed = 0;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->q_tx, notify);
	if (notify) {
		if (hv_evtchn_notify(nf->nf_hv, q->q_port_tx) == -1)
			slog_warn("q%u: notify tx", q->q_idx);
		nf->nf_st[NF_TX_NOTIFY]++;
	}
}

/*
 * nf_rsp_overflow: check the rsp_prod just read from q's ring dir ("tx"
 * or "rx"), whose requests from rsp_cons cons up to req_prod_pvt pvt are
 * outstanding.  A backend that answered more than that is broken: warn,
 * count it in counter st and disable the queue.  Returns 1 if it did so,
 * else 0.
 */
static int
nf_rsp_overflow(struct nf_queue *q, const char *dir, RING_IDX prod,
    RING_IDX cons, RING_IDX pvt, enum nf_stat st)
{

	if (prod - cons <= pvt - cons)
		return (0);
	slog_warnx("q%u: %s: backend produced %u responses for %u requests; "
	    "queue disabled", q->q_idx, dir, prod - cons, pvt - cons);
	q->q_nf->nf_st[st]++;
	q->q_broken = 1;
	return (1);
}

/*
 * nf_tx_gc: consume tx responses and recycle their pages; re-arm
 * rsp_event (RING_FINAL_CHECK_FOR_RESPONSES) so the next response
 * raises an event.
 */
void
nf_tx_gc(struct nf_queue *q)
{
	struct nf *nf = q->q_nf;
	netif_tx_response_t rsp;
	RING_IDX prod, cons;
	int more;

	do {
		if (q->q_broken)
			return;
		prod = q->q_tx.sring->rsp_prod;
		xen_rmb();
		if (nf_rsp_overflow(q, "tx", prod, q->q_tx.rsp_cons,
		    q->q_tx.req_prod_pvt, NF_TX_RSP_OVERFLOW))
			return;
		for (cons = q->q_tx.rsp_cons; cons != prod; cons++) {
			rsp = *RING_GET_RESPONSE(&q->q_tx, cons);
			if (rsp.status == NETIF_RSP_NULL)
				continue;	/* an extra-info slot */
			if (rsp.id >= NF_RING || !q->q_txbusy[rsp.id]) {
				nf->nf_st[NF_TX_RSP_BAD_ID]++;
				continue;
			}
			if (rsp.status == NETIF_RSP_ERROR)
				nf->nf_st[NF_TX_RSP_ERROR]++;
			else if (rsp.status == NETIF_RSP_DROPPED)
				nf->nf_st[NF_TX_RSP_DROPPED]++;
			else if (rsp.status != NETIF_RSP_OKAY)
				nf->nf_st[NF_TX_RSP_ERROR]++;
			nf->nf_st[NF_TX_RSP]++;
			q->q_txbusy[rsp.id] = 0;
			q->q_txfree[q->q_ntxfree++] = rsp.id;
		}
		q->q_tx.rsp_cons = prod;
		RING_FINAL_CHECK_FOR_RESPONSES(&q->q_tx, more);
	} while (more);
}

/*
 * nf_rx_refill: post a request for every free rx slot (id = slot index,
 * its own granted page), push, and notify if the backend asked for it
 * (we advertise feature-rx-notify unless --no-rx-notify).
 */
void
nf_rx_refill(struct nf_queue *q)
{
	struct nf *nf = q->q_nf;
	netif_rx_request_t *req;
	unsigned int id;
	int notify, added = 0;

	/* --rx-post N: keep only N posted (a legal, frugal frontend) */
	while (!nf->nf_rx_paused && q->q_rx.req_prod_pvt - q->q_rx.rsp_cons < nf->nf_o.o_rx_post) {
		id = q->q_rx.req_prod_pvt & NF_RING_MASK;
		req = RING_GET_REQUEST(&q->q_rx, q->q_rx.req_prod_pvt);
		req->id = (uint16_t)id;
		req->gref = (grant_ref_t)q->q_rxbuf[id].b_gref;
		q->q_rx.req_prod_pvt++;
		added++;
	}
	if (!added)
		return;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->q_rx, notify);
	if (notify && nf->nf_phase == NF_CONNECTED &&
	    !(nf->nf_o.o_flags & NF_O_NO_RX_NOTIFY)) {
		if (hv_evtchn_notify(nf->nf_hv, q->q_port_rx) == -1)
			slog_warn("q%u: notify rx", q->q_idx);
		nf->nf_st[NF_RX_NOTIFY]++;
	}
}

/*
 * nf_rx_poll: consume every complete packet the backend has answered,
 * hand it up (nf_deliver), repost the buffers, and re-arm rsp_event
 * (RING_FINAL_CHECK_FOR_RESPONSES) before returning.
 */
void
nf_rx_poll(struct nf_queue *q)
{
	struct nf *nf = q->q_nf;
	RING_IDX prod, end;
	int more, r;

	do {
		if (q->q_broken)
			return;
		prod = q->q_rx.sring->rsp_prod;
		xen_rmb();
		if (nf_rsp_overflow(q, "rx", prod, q->q_rx.rsp_cons,
		    q->q_rx.req_prod_pvt, NF_RX_RSP_OVERFLOW))
			return;
		while (q->q_rx.rsp_cons != prod) {
			r = nf_rx_packet(q, q->q_rx.rsp_cons, prod, &end);
			if (r == 1) {
				/* the rest is not pushed yet */
				nf->nf_st[NF_RX_PARTIAL]++;
				break;
			}
			q->q_rx.rsp_cons = end;
		}
		nf_rx_refill(q);
		if (q->q_rx.rsp_cons != prod) {
			/* wait for the rest of a packet: event on the next */
			q->q_rx.sring->rsp_event = prod + 1;
			xen_mb();
			more = q->q_rx.sring->rsp_prod != prod;
			continue;
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&q->q_rx, more);
	} while (more);
}

/*
 * nf_rx_packet: read the packet whose first response is at cons (data
 * slot, GSO/other extras if NETRXF_extra_info, more data slots while
 * NETRXF_more_data), assemble and deliver it or count why not.  *end is
 * the index after its last slot.  Returns 0 when consumed, 1 if the
 * backend has not pushed all of its slots yet (nothing consumed).
 */
static int
nf_rx_packet(struct nf_queue *q, RING_IDX cons, RING_IDX prod,
    RING_IDX *end)
{
	struct nf *nf = q->q_nf;
	netif_rx_response_t rsp[NF_RX_MAX_SLOTS];
	RING_IDX idx[NF_RX_MAX_SLOTS];
	struct netif_extra_info ex, gso, hash;
	struct xn_vnet_hdr vh;
	unsigned int ndata = 0, nextra = 0, k;
	RING_IDX i = cons;
	netif_rx_response_t r;
	int err = 0, more;
	size_t len = 0;

	memset(&gso, 0, sizeof(gso));
	memset(&hash, 0, sizeof(hash));
	do {
		if (i == prod)
			return (1);
		r = *RING_GET_RESPONSE(&q->q_rx, i);
		if (ndata < NF_RX_MAX_SLOTS) {
			rsp[ndata] = r;
			idx[ndata] = i;
		} else if (!err)
			err = NF_RX_ERR_SLOTS;
		ndata++;
		i++;
		if (ndata == 1 && (r.flags & NETRXF_extra_info)) {
			do {
				if (i == prod)
					return (1);
				memcpy(&ex, RING_GET_RESPONSE(&q->q_rx, i),
				    sizeof(ex));
				i++;
				if (++nextra > NF_RX_MAX_EXTRAS) {
					err = NF_RX_ERR_EXTRA;
					break;
				}
				if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE ||
				    ex.type >= XEN_NETIF_EXTRA_TYPE_MAX) {
					if (!err)
						err = NF_RX_ERR_EXTRA;
				} else if (ex.type == XEN_NETIF_EXTRA_TYPE_GSO)
					gso = ex;
				else if (ex.type == XEN_NETIF_EXTRA_TYPE_HASH)
					hash = ex;
				else
					nf->nf_st[NF_RX_EXTRA_OTHER]++;
			} while (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE);
		}
		more = (r.flags & NETRXF_more_data) != 0;
		/* bound the walk: a packet cannot outgrow the ring */
		if (more && i - cons >= NF_RING) {
			err = NF_RX_ERR_SLOTS;
			break;
		}
	} while (more);
	*end = i;
	nf->nf_st[NF_RX_SLOTS] += i - cons;

	for (k = 0; k < ndata && k < NF_RX_MAX_SLOTS; k++) {
		if (rsp[k].id != (idx[k] & NF_RING_MASK))
			nf->nf_st[NF_RX_ID_MISMATCH]++;
		if (err)
			continue;
		if (rsp[k].status < 0) {
			err = NF_RX_DROP_STATUS;
			continue;
		}
		if ((size_t)rsp[k].offset + (size_t)rsp[k].status > NF_PAGE) {
			err = NF_RX_ERR_OFFSET;
			continue;
		}
		if (k == 0 && nf->nf_xdp == 2) {
			/* the headroom we asked for, before the first octet */
			if (rsp[0].offset != nf->nf_headroom) {
				err = NF_RX_ERR_HEADROOM;
				continue;
			}
			nf->nf_st[NF_RX_HEADROOM]++;
		}
		/* the slot index names the page, whatever the id says */
		memcpy(q->q_pkt + len, (uint8_t *)q->q_rxbuf[idx[k] &
		    NF_RING_MASK].b_va + rsp[k].offset, (size_t)rsp[k].status);
		len += (size_t)rsp[k].status;
	}
	if (!err && ndata > 1 && (nf->nf_o.o_flags & NF_O_NO_SG))
		err = NF_RX_ERR_NOSG;	/* we did not offer feature-sg */
	if (!err)
		err = nf_rx_offload(q, &vh, rsp[0].flags,
		    gso.type == XEN_NETIF_EXTRA_TYPE_GSO ? &gso : NULL, len);
	if (err) {
		nf->nf_st[err]++;
		slog_debug("q%u: rx packet at %u (%u slots, first id %u "
		    "flags 0x%x status %d offset %u) dropped: %s", q->q_idx,
		    cons, i - cons, rsp[0].id, rsp[0].flags, rsp[0].status,
		    rsp[0].offset, nf_stat_name(err));
		return (0);
	}
	nf->nf_st[NF_RX_PACKETS]++;
	nf->nf_st[NF_RX_BYTES] += len;
	if (hash.type == XEN_NETIF_EXTRA_TYPE_HASH)
		nf_ctrl_rx_hash(nf, &hash, q->q_pkt, len);
	slog_trace("q%u: rx %zu bytes, %u slots", q->q_idx, len, i - cons);
	nf_deliver(nf, &vh, q->q_pkt, len);
	return (0);
}

/*
 * nf_rx_offload: translate the first response's flags and a GSO extra
 * into a vnet header, computing csum_start/offset (and hdr_len for GSO)
 * from the packet's IPv4/IPv6 and TCP/UDP headers.  Returns 0, or the
 * counter to bump when the packet must be dropped.
 */
static int
nf_rx_offload(struct nf_queue *q, struct xn_vnet_hdr *vh, uint16_t flags,
    const struct netif_extra_info *gso, size_t len)
{
	struct nf *nf = q->q_nf;
	struct pkt_l4 pl;
	unsigned int hl;

	memset(vh, 0, sizeof(*vh));
	if (gso != NULL) {
		if (nf->nf_o.o_flags & NF_O_NO_GSO)
			return (NF_RX_ERR_GSO);	/* not offered */
		if (gso->u.gso.size == 0)
			return (NF_RX_ERR_GSO);
		if (gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4)
			vh->vh_gso_type = XN_VNET_GSO_TCPV4;
		else if (gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6)
			vh->vh_gso_type = XN_VNET_GSO_TCPV6;
		else
			return (NF_RX_ERR_GSO);
		vh->vh_gso_size = gso->u.gso.size;
		nf->nf_st[NF_RX_GSO]++;
	}
	if ((flags & NETRXF_csum_blank) || gso != NULL) {
		if (pkt_l4(q->q_pkt, len, &pl) == -1)
			return (NF_RX_ERR_CSUM);
		if (gso != NULL) {
			if (pl.pl_proto != IPPROTO_TCP ||
			    pl.pl_v6 != (vh->vh_gso_type == XN_VNET_GSO_TCPV6))
				return (NF_RX_ERR_GSO);
			/* data offset: high nibble of TCP octet 12 */
			hl = pl.pl_l4off +
			    (unsigned int)(q->q_pkt[pl.pl_l4off + 12] >> 4) * 4;
			if (hl > len)
				return (NF_RX_ERR_GSO);
			vh->vh_hdr_len = (uint16_t)hl;
		}
		vh->vh_flags = XN_VNET_F_NEEDS_CSUM;
		vh->vh_csum_start = (uint16_t)pl.pl_l4off;
		vh->vh_csum_offset = (uint16_t)pl.pl_csumoff;
		if (flags & NETRXF_csum_blank)
			nf->nf_st[NF_RX_CSUM_BLANK]++;
	} else if (flags & NETRXF_data_validated) {
		vh->vh_flags = XN_VNET_F_DATA_VALID;
		nf->nf_st[NF_RX_DATA_VALID]++;
	}
	return (0);
}

/*
 * nf_events: take every pending event-channel port, mark its queue's
 * work (tx, rx or both for a shared channel) and unmask it.
 */
void
nf_events(struct nf *nf)
{
	struct nf_queue *q;
	unsigned int i;
	int port;

	while ((port = hv_evtchn_pending(nf->nf_hv)) >= 0) {
		nf->nf_st[NF_EVENTS]++;
		for (i = 0; i < nf->nf_nqueues; i++) {
			q = nf->nf_q[i];
			if (q == NULL)
				continue;
			if (port == q->q_port_tx) {
				q->q_work_tx = 1;
				nf->nf_st[NF_EVENTS_TX]++;
			}
			if (port == q->q_port_rx) {
				q->q_work_rx = 1;
				nf->nf_st[NF_EVENTS_RX]++;
			}
		}
		if (hv_evtchn_unmask(nf->nf_hv, port) == -1)
			slog_warn("unmask port %d", port);
	}
}

/*
 * nf_break: (SIGUSR2) break the netif protocol on queue --break-queue,
 * as a malicious guest would, to test the backend's defences: publish a
 * tx req_prod more than a ring ahead of its responses and notify.  The
 * queue then moves nothing more.
 */
void
nf_break(struct nf *nf)
{
	struct nf_queue *q;
	int i = nf->nf_o.o_break_queue;

	if (i < 0 || nf->nf_phase != NF_CONNECTED ||
	    (unsigned int)i >= nf->nf_nqueues) {
		slog_warnx("SIGUSR2: no queue %d to break", i);
		return;
	}
	q = nf->nf_q[i];
	q->q_broken = 1;
	q->q_tx.sring->req_prod = q->q_tx.req_prod_pvt +
	    2 * RING_SIZE(&q->q_tx);
	xen_mb();
	if (hv_evtchn_notify(nf->nf_hv, q->q_port_tx) == -1)
		slog_warn("q%u: notify tx", q->q_idx);
	slog_info("q%u: broke the protocol: tx req_prod %u ahead", q->q_idx,
	    2 * RING_SIZE(&q->q_tx));
}

/*
 * nf_tx_pick: the queue a frame goes out on: a hash of its IPv4/IPv6
 * addresses and TCP/UDP ports (a flow stays on one queue, as with the
 * kernel's default tx queue selection); non-IP frames use queue 0.
 */
unsigned int
nf_tx_pick(struct nf *nf, const uint8_t *f, size_t len)
{
	struct pkt_l4 pl;
	unsigned int h = 0, i, a, n;

	if (nf->nf_nqueues <= 1)
		return (0);
	if (pkt_l4(f, len, &pl) == -1)
		return (0);
	/* addresses: IPv4 at +12 (8 octets), IPv6 at +8 (32 octets) */
	a = pl.pl_l3off + (pl.pl_v6 ? 8 : 12);
	n = pl.pl_v6 ? 32 : 8;
	for (i = 0; i < n; i++)
		h = h * 31 + f[a + i];
	/* source and destination port */
	for (i = 0; i < 4; i++)
		h = h * 31 + f[pl.pl_l4off + i];
	return (h % nf->nf_nqueues);
}

/*
 * nf_rx_pause: (SIGTTIN, SIGTTOU) stop posting rx buffers, as a guest
 * whose stack stopped taking frames, or post them again.
 */
void
nf_rx_pause(struct nf *nf, int pause)
{
	unsigned int i;

	if (nf->nf_rx_paused == pause)
		return;
	nf->nf_rx_paused = pause;
	slog_info("rx buffers: %s", pause ? "no more posted (paused)" :
	    "posted again");
	if (pause || nf->nf_phase != NF_CONNECTED)
		return;
	for (i = 0; i < nf->nf_nqueues; i++)
		nf_rx_refill(nf->nf_q[i]);
}
