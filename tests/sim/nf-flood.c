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
 * netfront-sim --tx-flood runt|valid|storm: a hostile but legal guest
 * that never lets its tx ring run dry, or (storm) never stops raising
 * events.  As soon as responses free slots it
 * posts new requests, without waiting for an event: it spins on rsp_prod
 * (a vCPU of its own, never idle).  It counts the times it found every
 * request answered ("dry"): the backend had emptied the ring, so the
 * flood was not relentless then.  Every request is a
 * single slot:
 *
 * - runt: 1 and 10 octets in turn, shorter than an Ethernet header, so
 *   the backend must answer each with NETIF_RSP_ERROR: no copy, no
 *   frame, only ring work;
 * - valid: a 60-octet Ethernet frame (ethertype 0x88b5) from the vif's
 *   MAC to --dst-mac, by default the vif's own MAC: a bridge learns that
 *   address on the flood's own port and drops the frames (it forwards
 *   nothing back out of the port it came in on), so they load the backend
 *   and the bridge but reach no one;
 * - storm: no request at all, only notifications on every event channel
 *   of every queue, as fast as it can (the XSA-332 event storm): a
 *   backend must neither spin on them nor disconnect the guest.
 *
 * Once a second it prints how many responses came back (stdout, "flood:"
 * lines), and at the end a summary with the longest time the backend
 * left the ring without any response.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"

#define NF_FLOOD_ETHERTYPE	0x88b5
#define NF_FLOOD_FRAME		60	/* minimal frame, without FCS */
#define NF_FLOOD_PERIOD		1.0	/* s between report lines */
#define NF_FLOOD_SPIN		0.002	/* s spent on the ring per call */

struct nf_flood {
	uint8_t		 f_frame[NF_FLOOD_FRAME];
	/* connection (1 + NF_CONNECTS) whose queue i holds our packets */
	uint64_t	 f_primed[NF_MAX_QUEUES];
	uint64_t	 f_posted;
	double		 f_start;	/* first request (0: not yet) */
	double		 f_stop_at;	/* --duration, 0: never */
	double		 f_end;		/* flood stopped (0: runs) */
	int		 f_done;
	/* report */
	double		 f_mark_t;	/* last report line */
	uint64_t	 f_mark_rsp;	/* tx_rsp at f_mark_t */
	double		 f_max_rate;	/* best 1 s of responses */
	/* longest time without a response while requests were out */
	double		 f_progress_t;
	uint64_t	 f_progress_rsp;
	double		 f_max_gap;
	/* times every request had been answered: the ring ran dry */
	uint64_t	 f_dry;
};

static const char *nf_flood_kind(struct nf *);
static unsigned int nf_flood_outstanding(struct nf *);
static size_t	nf_flood_len(struct nf *, unsigned int);
static void	nf_flood_ring(struct nf *, struct nf_queue *);
static void	nf_flood_storm(struct nf *, struct nf_queue *);
static void	nf_flood_line(struct nf *, double);

/* nf_flood_kind: the --tx-flood argument. */
static const char *
nf_flood_kind(struct nf *nf)
{

	switch (nf->nf_o.o_flood) {
	case NF_FLOOD_RUNT:
		return ("runt");
	case NF_FLOOD_STORM:
		return ("storm");
	default:
		return ("valid");
	}
}

/* nf_flood_init: set up --tx-flood.  Returns 0 or -1. */
int
nf_flood_init(struct nf *nf)
{

	if ((nf->nf_flood = calloc(1, sizeof(*nf->nf_flood))) == NULL) {
		slog_warn("flood");
		return (-1);
	}
	return (0);
}

/* nf_flood_free: release the flood state. */
void
nf_flood_free(struct nf *nf)
{

	free(nf->nf_flood);
	nf->nf_flood = NULL;
}

/* nf_flood_outstanding: requests posted and not yet answered. */
static unsigned int
nf_flood_outstanding(struct nf *nf)
{
	unsigned int i, n = 0;

	for (i = 0; i < nf->nf_nqueues; i++)
		n += NF_RING - nf->nf_q[i]->q_ntxfree;
	return (n);
}

/* nf_flood_line: the once-a-second report line. */
static void
nf_flood_line(struct nf *nf, double now)
{
	struct nf_flood *f = nf->nf_flood;
	uint64_t rsp = nf->nf_st[NF_TX_RSP];
	double rate;

	rate = (double)(rsp - f->f_mark_rsp) / (now - f->f_mark_t);
	if (rate > f->f_max_rate)
		f->f_max_rate = rate;
	printf("flood: t=%.1f responses=%llu rsp_per_s=%.0f errors=%llu "
	    "dropped=%llu outstanding=%u notifies=%llu dry=%llu\n",
	    now - f->f_start, (unsigned long long)rsp, rate,
	    (unsigned long long)nf->nf_st[NF_TX_RSP_ERROR],
	    (unsigned long long)nf->nf_st[NF_TX_RSP_DROPPED],
	    nf_flood_outstanding(nf),
	    (unsigned long long)(nf->nf_st[NF_TX_NOTIFY] +
	    nf->nf_st[NF_RX_NOTIFY]), (unsigned long long)f->f_dry);
	fflush(stdout);
	f->f_mark_t = now;
	f->f_mark_rsp = rsp;
}

/* nf_flood_len: the length of the request with id id. */
static size_t
nf_flood_len(struct nf *nf, unsigned int id)
{

	if (nf->nf_o.o_flood == NF_FLOOD_RUNT)
		return ((id & 1) ? 10 : 1);
	return (NF_FLOOD_FRAME);
}

/*
 * nf_flood_ring: one turn on q's tx ring, the fast path (the flood must
 * post faster than the backend answers, or the ring runs dry): the
 * responses are only counted and their ids freed, and a request reuses
 * the packet its page already holds (written once per connection).
 * What nf_tx_gc and nf_tx_packet do, without their per-packet work.
 */
static void
nf_flood_ring(struct nf *nf, struct nf_queue *q)
{
	struct nf_flood *f = nf->nf_flood;
	netif_tx_response_t *rsp;
	netif_tx_request_t *req;
	RING_IDX prod, cons;
	unsigned int id, n = 0;
	int notify;

	if (f->f_primed[q->q_idx] != nf->nf_st[NF_CONNECTS] + 1) {
		/* a new connection, new pages: write the packets once */
		for (id = 0; id < NF_RING; id++)
			memcpy(q->q_txbuf[id].b_va, f->f_frame,
			    nf_flood_len(nf, id));
		f->f_primed[q->q_idx] = nf->nf_st[NF_CONNECTS] + 1;
	}
	prod = q->q_tx.sring->rsp_prod;
	xen_rmb();
	if (prod - q->q_tx.rsp_cons > q->q_tx.req_prod_pvt - q->q_tx.rsp_cons) {
		nf_tx_gc(q);	/* a broken backend: let it say so */
		return;
	}
	for (cons = q->q_tx.rsp_cons; cons != prod; cons++) {
		rsp = RING_GET_RESPONSE(&q->q_tx, cons);
		if (rsp->id >= NF_RING || !q->q_txbusy[rsp->id]) {
			if (rsp->status != NETIF_RSP_NULL)
				nf->nf_st[NF_TX_RSP_BAD_ID]++;
			continue;
		}
		if (rsp->status == NETIF_RSP_DROPPED)
			nf->nf_st[NF_TX_RSP_DROPPED]++;
		else if (rsp->status != NETIF_RSP_OKAY)
			nf->nf_st[NF_TX_RSP_ERROR]++;
		q->q_txbusy[rsp->id] = 0;
		q->q_txfree[q->q_ntxfree++] = rsp->id;
		n++;
	}
	q->q_tx.rsp_cons = prod;
	/*
	 * Ask for an event on the next response, as Linux netfront does
	 * (RING_FINAL_CHECK_FOR_RESPONSES): the backend pays a notification
	 * per pass.  The flood does not wait for it.
	 */
	q->q_tx.sring->rsp_event = prod + 1;
	nf->nf_st[NF_TX_RSP] += n;
	if (f->f_posted > 0 && q->q_ntxfree == NF_RING)
		f->f_dry++;
	n = 0;
	while (q->q_ntxfree > 0 && RING_FREE_REQUESTS(&q->q_tx) > 0) {
		req = nf_tx_req(q);
		req->size = (uint16_t)nf_flood_len(nf, req->id);
		req->flags = 0;
		nf->nf_st[NF_TX_BYTES] += req->size;
		n++;
	}
	if (n == 0)
		return;
	f->f_posted += n;
	nf->nf_st[NF_TX_PACKETS] += n;
	nf->nf_st[NF_TX_SLOTS] += n;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->q_tx, notify);
	if (notify) {
		if (hv_evtchn_notify(nf->nf_hv, q->q_port_tx) == -1)
			slog_warn("q%u: notify tx", q->q_idx);
		nf->nf_st[NF_TX_NOTIFY]++;
	}
}

/*
 * nf_flood_storm: a burst of notifications on q's event channel(s),
 * nothing posted.
 */
static void
nf_flood_storm(struct nf *nf, struct nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < 64; i++) {
		if (hv_evtchn_notify(nf->nf_hv, q->q_port_tx) == -1) {
			slog_warn("q%u: notify tx", q->q_idx);
			return;
		}
		nf->nf_st[NF_TX_NOTIFY]++;
		if (q->q_port_rx == q->q_port_tx)
			continue;
		if (hv_evtchn_notify(nf->nf_hv, q->q_port_rx) == -1) {
			slog_warn("q%u: notify rx", q->q_idx);
			return;
		}
		nf->nf_st[NF_RX_NOTIFY]++;
	}
}

/*
 * nf_flood_run: for NF_FLOOD_SPIN seconds, take the responses, fill every
 * free slot, push, again and again: the main loop's poll and xenstore
 * work in between would leave the backend time to empty the ring.
 * Returns 0 (run again at once) while flooding, -1 while not connected
 * or done.
 */
double
nf_flood_run(struct nf *nf)
{
	struct nf_flood *f = nf->nf_flood;
	struct nf_queue *q;
	const uint8_t *dst;
	unsigned int i;
	double now, until;

	if (f->f_done || !nf->nf_carrier || nf->nf_phase != NF_CONNECTED ||
	    nf->nf_nqueues == 0)
		return (-1);
	now = nf_now();
	if (f->f_start == 0) {
		f->f_start = f->f_mark_t = f->f_progress_t = now;
		if (nf->nf_o.o_duration > 0)
			f->f_stop_at = now + nf->nf_o.o_duration;
		dst = (nf->nf_o.o_flags & NF_O_DST) ? nf->nf_o.o_dst :
		    nf->nf_mac;
		memcpy(f->f_frame, dst, 6);
		memcpy(f->f_frame + 6, nf->nf_mac, 6);
		f->f_frame[12] = NF_FLOOD_ETHERTYPE >> 8;
		f->f_frame[13] = NF_FLOOD_ETHERTYPE & 0xff;
		slog_info("tx flood (%s) starts", nf_flood_kind(nf));
	}
	if (f->f_stop_at > 0 && now >= f->f_stop_at) {
		f->f_done = 1;
		f->f_end = now;
		nf_flood_line(nf, now);
		return (-1);
	}
	until = now + NF_FLOOD_SPIN;
	do {
		for (i = 0; i < nf->nf_nqueues; i++) {
			q = nf->nf_q[i];
			if (q->q_broken)
				continue;
			if (nf->nf_o.o_flood == NF_FLOOD_STORM)
				nf_flood_storm(nf, q);
			else
				nf_flood_ring(nf, q);
		}
		now = nf_now();
		/* responses taken by nf_work (events) are progress too */
		if (nf->nf_st[NF_TX_RSP] != f->f_progress_rsp) {
			if (now - f->f_progress_t > f->f_max_gap)
				f->f_max_gap = now - f->f_progress_t;
			f->f_progress_t = now;
			f->f_progress_rsp = nf->nf_st[NF_TX_RSP];
		}
	} while (now < until);
	if (now - f->f_mark_t >= NF_FLOOD_PERIOD)
		nf_flood_line(nf, now);
	return (0);
}

/*
 * nf_flood_done: 1 when --duration is over and every request came back
 * (or a second passed since).
 */
int
nf_flood_done(struct nf *nf)
{
	struct nf_flood *f = nf->nf_flood;
	unsigned int i;

	if (!f->f_done)
		return (0);
	if (nf->nf_phase == NF_CONNECTED && nf->nf_carrier)
		for (i = 0; i < nf->nf_nqueues; i++)
			nf_tx_gc(nf->nf_q[i]);
	return (nf_flood_outstanding(nf) == 0 || nf_now() - f->f_end >= 1.0);
}

/* nf_flood_report: the summary line (stdout). */
void
nf_flood_report(struct nf *nf)
{
	struct nf_flood *f = nf->nf_flood;
	double t, end;

	end = f->f_end > 0 ? f->f_end : nf_now();
	t = f->f_start > 0 ? end - f->f_start : 0;
	/* a backend that stopped answering for good: that gap counts too */
	if (f->f_start > 0 && nf_flood_outstanding(nf) > 0 &&
	    end - f->f_progress_t > f->f_max_gap)
		f->f_max_gap = end - f->f_progress_t;
	printf("flood: kind=%s seconds=%.3f posted=%llu responses=%llu "
	    "rsp_per_s=%.0f max_rsp_per_s=%.0f errors=%llu dropped=%llu "
	    "max_gap_ms=%.1f dry=%llu\n", nf_flood_kind(nf), t,
	    (unsigned long long)f->f_posted,
	    (unsigned long long)nf->nf_st[NF_TX_RSP],
	    t > 0 ? (double)nf->nf_st[NF_TX_RSP] / t : 0, f->f_max_rate,
	    (unsigned long long)nf->nf_st[NF_TX_RSP_ERROR],
	    (unsigned long long)nf->nf_st[NF_TX_RSP_DROPPED],
	    f->f_max_gap * 1000, (unsigned long long)f->f_dry);
	fflush(stdout);
}
