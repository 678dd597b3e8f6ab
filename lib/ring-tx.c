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
 * Guest transmit (frontend -> backend -> host port).
 *
 * A pass drains up to tx-batch packets: every request is copied out of
 * the shared ring once (the guest may rewrite it under us) and validated,
 * the packet data is grant-copied into the arena in batches of at most
 * copy-batch segments per hypercall, the frames are handed to the port
 * with a vnet header for the checksum/GSO offloads, then all responses
 * are written, pushed once, and the frontend is notified at most once.
 */

#include <sys/types.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <errno.h>
#include <string.h>

#include "pkt.h"
#include "ring.h"
#include "ring-private.h"

static int	ring_tx_parse(struct ring_queue *, RING_IDX, RING_IDX,
		    struct ring_txpkt *, netif_tx_request_t *);
static size_t	ring_tx_place(const struct ring_txpkt *,
		    const netif_tx_request_t *, size_t);
static void	ring_tx_mcast(struct ring_queue *, struct ring_txpkt *);
static void	ring_tx_plan(struct ring_queue *, struct ring_txpkt *,
		    const netif_tx_request_t *, uint16_t);
static int	ring_tx_vnet(struct ring_txpkt *, const uint8_t *,
		    struct xn_vnet_hdr *);
static void	ring_tx_respond(struct ring_queue *, uint16_t, int16_t);
static int	ring_tx_complete(struct ring_queue *,
		    const struct ring_port *, unsigned int, unsigned int);

/*
 * ring_tx_parse: read the packet whose first slot is ring index i (prod
 * is the producer index, already checked).  Data slot requests go to
 * reqs[], the packet summary to *p.  Returns 1 for a complete packet
 * (p->tp_status says whether it is usable), 0 if the frontend has not
 * pushed all of its slots yet, -1 if the frontend is malicious.
 */
static int
ring_tx_parse(struct ring_queue *rq, RING_IDX i, RING_IDX prod,
    struct ring_txpkt *p, netif_tx_request_t *reqs)
{
	struct netif_extra_info ex;
	unsigned int nd = 0, nextra = 0, k;
	uint32_t rest = 0;
	int more;

	memset(p, 0, sizeof(*p));
	p->tp_first = i;
	memcpy(&reqs[nd], RING_GET_REQUEST(&rq->rq_tx, i), sizeof(reqs[0]));
	i++;
	p->tp_flags = reqs[0].flags;
	p->tp_id[nd++] = reqs[0].id;

	/* netif.h "Extra Info": follows the first slot while FLAG_MORE. */
	more = reqs[0].flags & NETTXF_extra_info;
	while (more) {
		/* Bounded: no frontend needs more than one of each type. */
		if (nextra >= RING_TX_EXTRA_MAX)
			return (ring_fatal(rq, "too many tx extra-info slots"));
		if (i == prod)
			return (0);
		memcpy(&ex, RING_GET_REQUEST(&rq->rq_tx, i), sizeof(ex));
		i++;
		nextra++;
		/* netif.h: type NONE is "never used - invalid". */
		if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE)
			return (ring_fatal(rq, "tx extra-info of type NONE"));
		if (ex.type == XEN_NETIF_EXTRA_TYPE_GSO) {
			if (ex.u.gso.size == 0 ||
			    (ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
			    ex.u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))
				p->tp_status = TXP_ERROR;
			p->tp_gso_type = ex.u.gso.type;
			p->tp_gso_size = ex.u.gso.size;
		} else if (ex.type == XEN_NETIF_EXTRA_TYPE_MCAST_ADD) {
			p->tp_mcast |= TXP_MC_ADD;
			memcpy(p->tp_mc_add, ex.u.mcast.addr, 6);
		} else if (ex.type == XEN_NETIF_EXTRA_TYPE_MCAST_DEL) {
			p->tp_mcast |= TXP_MC_DEL;
			memcpy(p->tp_mc_del, ex.u.mcast.addr, 6);
		} else	/* hash, or a type newer than our netif.h */
			p->tp_nignored++;
		more = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
	}

	/* Data slots follow while NETTXF_more_data. */
	more = reqs[0].flags & NETTXF_more_data;
	while (more) {
		/*
		 * netif.h XEN_NETIF_NR_SLOTS_MIN is 18; Linux netback treats
		 * more than 20 as malicious (fatal_skb_slots) and so do we.
		 */
		if (nd >= RING_TX_SLOTS_FATAL)
			return (ring_fatal(rq,
			    "tx packet uses more than 20 slots"));
		if (i == prod)
			return (0);
		memcpy(&reqs[nd], RING_GET_REQUEST(&rq->rq_tx, i),
		    sizeof(reqs[0]));
		i++;
		p->tp_id[nd] = reqs[nd].id;
		more = reqs[nd].flags & NETTXF_more_data;
		nd++;
	}
	p->tp_nextra = (uint8_t)nextra;
	p->tp_nslots = (uint8_t)(nd + nextra);

	/* netif.h: a slot never crosses its page; fatal as in Linux. */
	for (k = 1; k < nd; k++) {
		if ((uint32_t)reqs[k].offset + reqs[k].size > XN_RING_PAGE)
			return (ring_fatal(rq, "tx slot crosses a page"));
		rest += reqs[k].size;
	}
	/* netif.h "Guest transmit": the first slot's size is the packet's. */
	if (rest > reqs[0].size) {
		p->tp_status = TXP_ERROR;
		rq->rq_stats.rs_drops[RING_DROP_TX_SIZE]++;
		return (1);
	}
	if ((uint32_t)reqs[0].offset + (reqs[0].size - rest) > XN_RING_PAGE)
		return (ring_fatal(rq, "tx slot crosses a page"));
	p->tp_len = reqs[0].size;
	if (p->tp_len == 0 && (p->tp_nignored > 0 || p->tp_mcast != 0)) {
		/*
		 * netif.h "feature-multicast-control": filter updates come as
		 * MCAST_ADD/DEL extras on a dummy request, answered once
		 * applied (ring_tx_mcast); nothing goes to the port.
		 */
		p->tp_status = TXP_DROPPED;
	} else if (p->tp_len < PKT_ETH_HLEN) {
		p->tp_status = TXP_ERROR;
		rq->rq_stats.rs_drops[RING_DROP_TX_SIZE]++;
	} else if (nd > RING_TX_SLOTS_MAX) {
		p->tp_status = TXP_ERROR;
		rq->rq_stats.rs_drops[RING_DROP_TX_SLOTS]++;
	} else if (p->tp_status == TXP_ERROR)
		rq->rq_stats.rs_drops[RING_DROP_TX_OFFLOAD]++;
	return (1);
}

/*
 * ring_tx_mcast: apply the MCAST_ADD and MCAST_DEL extras of packet p,
 * once it is taken off the ring, to the vif's filter (without one they
 * are ignored).  An add the filter refuses (list full, as Linux's
 * XEN_NETBK_MCAST_MAX; or not a multicast address) fails the request:
 * NETIF_RSP_ERROR, and a packet with data is not forwarded either.
 */
static void
ring_tx_mcast(struct ring_queue *rq, struct ring_txpkt *p)
{
	struct ring_stats *st = &rq->rq_stats;

	if (p->tp_mcast == 0)
		return;
	if (rq->rq_mcast == NULL) {
		st->rs_tx_extra_ignored += ((p->tp_mcast & TXP_MC_ADD) != 0) +
		    ((p->tp_mcast & TXP_MC_DEL) != 0);
		return;
	}
	if (p->tp_mcast & TXP_MC_ADD) {
		if (ring_mcast_add(rq->rq_mcast, p->tp_mc_add) == 0)
			st->rs_mcast_add++;
		else {
			st->rs_mcast_refused++;
			p->tp_status = TXP_ERROR;
		}
	}
	if (p->tp_mcast & TXP_MC_DEL) {
		ring_mcast_del(rq->rq_mcast, p->tp_mc_del);
		st->rs_mcast_del++;
	}
}

/* ring_tx_plan: queue the grant copies of packet n's data slots. */
static void
ring_tx_plan(struct ring_queue *rq, struct ring_txpkt *p,
    const netif_tx_request_t *reqs, uint16_t n)
{
	hv_copy_seg seg;
	unsigned int k, nd = p->tp_nslots - p->tp_nextra;
	uint32_t len, done = 0, rest = 0;

	for (k = 1; k < nd; k++)
		rest += reqs[k].size;
	for (k = 0; k < nd; k++) {
		len = k == 0 ? reqs[0].size - rest : reqs[k].size;
		if (len == 0)
			continue;
		memset(&seg, 0, sizeof(seg));
		seg.source.foreign.ref = reqs[k].gref;
		seg.source.foreign.offset = reqs[k].offset;
		seg.source.foreign.domid = (uint16_t)rq->rq_domid;
		seg.dest.virt = rq->rq_arena + p->tp_off + done;
		seg.len = (uint16_t)len;
		seg.flags = GNTCOPY_source_gref;
		ring_copy_add(rq, &seg, n);
		done += len;
	}
}

/*
 * ring_tx_vnet: the vnet header for a frame: NETTXF_csum_blank becomes
 * NEEDS_CSUM with the L4 checksum position, a GSO extra becomes
 * gso_type/gso_size.  Returns -1 if the frame does not match its flags.
 */
static int
ring_tx_vnet(struct ring_txpkt *p, const uint8_t *f, struct xn_vnet_hdr *vh)
{
	struct pkt_l4 pl;
	int hl;

	memset(vh, 0, sizeof(*vh));
	memset(&pl, 0, sizeof(pl));
	if (p->tp_flags & NETTXF_csum_blank) {
		if (pkt_l4(f, p->tp_len, &pl) == -1)
			return (-1);
		vh->vh_flags = XN_VNET_F_NEEDS_CSUM;
		vh->vh_csum_start = (uint16_t)pl.pl_l4off;
		vh->vh_csum_offset = (uint16_t)pl.pl_csumoff;
	} else if (p->tp_flags & NETTXF_data_validated)
		vh->vh_flags = XN_VNET_F_DATA_VALID;
	if (p->tp_gso_type != 0) {
		/* GSO needs a partial checksum and a TCP header. */
		if (!(vh->vh_flags & XN_VNET_F_NEEDS_CSUM) ||
		    pl.pl_proto != IPPROTO_TCP)
			return (-1);
		if (pl.pl_v6 != (p->tp_gso_type == XEN_NETIF_GSO_TYPE_TCPV6))
			return (-1);
		if ((hl = pkt_tcp_hlen(f, p->tp_len, pl.pl_l4off)) == -1)
			return (-1);
		vh->vh_gso_type = pl.pl_v6 ? XN_VNET_GSO_TCPV6 :
		    XN_VNET_GSO_TCPV4;
		vh->vh_gso_size = p->tp_gso_size;
		vh->vh_hdr_len = (uint16_t)(pl.pl_l4off + (unsigned int)hl);
	}
	return (0);
}

static void
ring_tx_respond(struct ring_queue *rq, uint16_t id, int16_t status)
{
	netif_tx_response_t *r;

	r = RING_GET_RESPONSE(&rq->rq_tx, rq->rq_tx.rsp_prod_pvt);
	r->id = id;
	r->status = status;
	rq->rq_tx.rsp_prod_pvt++;
}

/*
 * ring_tx_complete: finish packets [from, to) of this pass: issue the
 * copies still queued, hand good frames to the port and flush it once,
 * then write every slot's response (NETIF_RSP_NULL for extra-info slots)
 * and push them.  Returns 1 if the frontend wants a notification.
 */
static int
ring_tx_complete(struct ring_queue *rq, const struct ring_port *port,
    unsigned int from, unsigned int to)
{
	struct ring_stats *st = &rq->rq_stats;
	struct ring_txpkt *p;
	struct xn_vnet_hdr vh;
	struct iovec iov[2];
	unsigned int n, k, nd, nsent = 0;
	int16_t status;
	int notify, failed;

	ring_copy_settle(rq);
	for (n = from; n < to; n++) {
		p = &rq->rq_txpkts[n];
		if (p->tp_status == TXP_OK && rq->rq_bad[n]) {
			p->tp_status = TXP_ERROR;
			st->rs_drops[RING_DROP_TX_COPY]++;
		}
		if (p->tp_status == TXP_OK) {
			if (ring_tx_vnet(p, rq->rq_arena + p->tp_off, &vh) ==
			    -1) {
				p->tp_status = TXP_ERROR;
				st->rs_drops[RING_DROP_TX_OFFLOAD]++;
			}
		}
		if (p->tp_status == TXP_OK) {
			iov[0].iov_base = &vh;
			iov[0].iov_len = sizeof(vh);
			iov[1].iov_base = rq->rq_arena + p->tp_off;
			iov[1].iov_len = p->tp_len;
			if (port->rp_send(port->rp_arg, iov, 2) == -1) {
				/* Not the guest's fault: answer OKAY. */
				p->tp_status = TXP_DROPPED;
				st->rs_drops[RING_DROP_TX_PORT]++;
			} else {
				nsent++;
				st->rs_tx_packets++;
				st->rs_tx_bytes += p->tp_len;
				if (vh.vh_flags & XN_VNET_F_NEEDS_CSUM)
					st->rs_tx_csum_blank++;
				if (vh.vh_gso_type != XN_VNET_GSO_NONE)
					st->rs_tx_gso++;
			}
		}
	}
	/*
	 * The frames go out before the arena is reused.  A frame the port
	 * could not send is a drop like a refused rp_send (the guest is
	 * answered OKAY: not its fault).
	 */
	if (port->rp_flush != NULL && nsent > 0 &&
	    (failed = port->rp_flush(port->rp_arg)) != 0) {
		if (failed < 0 || (unsigned int)failed > nsent)
			failed = (int)nsent;	/* the port lost them all */
		st->rs_tx_packets -= (unsigned int)failed;
		st->rs_drops[RING_DROP_TX_PORT] += (unsigned int)failed;
	}
	/*
	 * Only now the responses, each over its request's slot, and at once
	 * published: a daemon killed between the two would leave slots that
	 * are neither requests nor published responses, and its successor,
	 * which serves again from rsp_prod (ring_resync), would read them as
	 * requests.  No system call or hypercall comes in between any more.
	 */
	for (n = from; n < to; n++) {
		p = &rq->rq_txpkts[n];
		status = p->tp_status == TXP_ERROR ? NETIF_RSP_ERROR :
		    NETIF_RSP_OKAY;
		nd = p->tp_nslots - p->tp_nextra;
		ring_tx_respond(rq, p->tp_id[0], status);
		for (k = 0; k < p->tp_nextra; k++)
			ring_tx_respond(rq, 0, NETIF_RSP_NULL);
		for (k = 1; k < nd; k++)
			ring_tx_respond(rq, p->tp_id[k], status);
	}
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rq->rq_tx, notify);
	return (notify);
}

/*
 * ring_tx_place: where in the arena (at or after used) packet p goes.
 * The kernel splits a grant copy at every page boundary of the local
 * buffer, one copy op per piece, and netfront cuts a packet's slots at
 * the page boundaries of its own buffers.  So when the first slot would
 * cross a local page boundary, start the packet at the same offset in
 * a page as the guest's data: then no slot crosses one, and a full
 * 4 KiB slot is one copy op, not two.
 */
static size_t
ring_tx_place(const struct ring_txpkt *p, const netif_tx_request_t *reqs,
    size_t used)
{
	unsigned int k, nd = p->tp_nslots - p->tp_nextra;
	uint32_t first = reqs[0].size;
	size_t off;

	for (k = 1; k < nd; k++)
		first -= reqs[k].size;	/* ring_tx_parse: sizes add up */
	if (used % XN_RING_PAGE + first <= XN_RING_PAGE)
		return (used);
	off = used - used % XN_RING_PAGE + reqs[0].offset;
	if (off < used)
		off += XN_RING_PAGE;
	return (off);
}

/*
 * ring_tx: one transmit pass.  Returns 1 if requests remain (the budget
 * ran out: run again after the other queues had their turn),
 * RING_TX_RATE if the next packet waits for credit, 0 if the
 * ring is empty and the frontend will notify us, -1 if the frontend
 * broke the protocol (ring_error says how).
 */
int
ring_tx(struct ring_queue *rq, const struct ring_port *port)
{
	netif_tx_request_t reqs[RING_TX_SLOTS_FATAL];
	struct ring_txpkt *p;
	RING_IDX prod, cons;
	unsigned int n = 0, done = 0;
	size_t used = 0, off = 0;
	uint64_t now = 0;
	int rv, more = 0, notify = 0, full = 0, incomplete = 0, limited = 0;

	if (!rq->rq_connected)
		return (0);
	rq->rq_stats.rs_tx_passes++;
	rq->rq_segs_failed = 0;
	prod = rq->rq_tx.sring->req_prod;
	xen_rmb();	/* ring.h: see requests only after req_prod */
	cons = rq->rq_tx.req_cons;
	/* ring.h: the producer is never more than a ring ahead of us. */
	if (prod - cons > RING_SIZE(&rq->rq_tx))
		return (ring_fatal(rq, "tx req_prod beyond the ring"));

	while (n < rq->rq_cfg.rc_tx_batch && cons != prod) {
		p = &rq->rq_txpkts[n];
		rv = ring_tx_parse(rq, cons, prod, p, reqs);
		if (rv == -1)
			return (-1);
		if (rv == 0) {
			incomplete = 1;
			break;
		}
		if (p->tp_status == TXP_OK) {
			off = ring_tx_place(p, reqs, used);
			if (off + p->tp_len > rq->rq_arena_size) {
				full = 1;
				break;
			}
			/* ring-rate.c: it stays in the ring until it fits */
			if (rq->rq_rate.rr_bytes != 0 && now == 0)
				now = ring_clock_ns();
			if (ring_rate_take(&rq->rq_rate, p->tp_len, now) ==
			    -1) {
				limited = 1;
				rq->rq_stats.rs_tx_rate_waits++;
				rq->rq_stats.rs_tx_rate_bytes += p->tp_len;
				break;
			}
		}
		rq->rq_bad[n] = 0;
		rq->rq_stats.rs_tx_extra_ignored += p->tp_nignored;
		ring_tx_mcast(rq, p);
		if (p->tp_status == TXP_OK) {
			p->tp_off = off;
			used = off + RING_ARENA_ROUND(p->tp_len);
			ring_tx_plan(rq, p, reqs, (uint16_t)n);
		}
		cons += p->tp_nslots;
		n++;
		if (rq->rq_cfg.rc_notify == RING_NOTIFY_PACKET) {
			rq->rq_tx.req_cons = cons;
			if (ring_tx_complete(rq, port, done, n))
				ring_notify(rq, 0);
			done = n;
		}
	}
	rq->rq_tx.req_cons = cons;
	if (done < n)
		notify = ring_tx_complete(rq, port, done, n);
	if (notify)
		ring_notify(rq, 0);
	if (n > 0)
		ring_hist_add(rq->rq_stats.rs_tx_hist, n);

	if (limited)
		return (RING_TX_RATE);
	if (n == rq->rq_cfg.rc_tx_batch || full)
		return (1);
	if (incomplete) {
		/* Wait for the rest of the packet: wake on the next push. */
		rq->rq_tx.sring->req_event = prod + 1;
		xen_mb();
		return (rq->rq_tx.sring->req_prod != prod);
	}
	RING_FINAL_CHECK_FOR_REQUESTS(&rq->rq_tx, more);
	return (more ? 1 : 0);
}
