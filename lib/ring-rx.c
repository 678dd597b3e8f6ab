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
 * Guest receive (host port -> backend -> frontend).
 *
 * A pass moves up to rx-batch frames, each into as many posted buffers
 * as it needs (one without feature-sg), with extra-info slots after the
 * first data slot: GSO for a large frame, the hash when the frontend
 * set up hashing on its control ring (ring_set_hash).  Multicast frames
 * the vif's filter refuses are dropped (ring_set_mcast).  A frame is delivered as soon as
 * the frontend has posted the slots that frame needs, not the largest
 * frame's: a frontend that keeps few buffers posted gets every frame
 * that fits.  One that does not fit is left in the port (held), the
 * port is not read meanwhile and the frontend is asked to notify when it
 * posts more; if it posts nothing for RING_RX_STALL_MS the frame is
 * dropped (rx_stall), and so is every later frame that does not fit,
 * until one does: a frontend that posts nothing costs the host no memory.
 * One that posts nothing for rc_rx_stall_ms while a frame waits is
 * stalled: its carrier goes off (ring_rx_carrier; the daemon takes the
 * tap's carrier down) and every frame is dropped at once (rx_carrier)
 * until it posts a request again.  netif.h "rx response":
 * responses must land in the same ring slot as the request they answer
 * (Linux netfront relies on it), so each response is written at its
 * request's index.  Responses are published only for whole frames,
 * after their copies completed.  A frontend that asked for xdp-headroom
 * gets each frame's first octet that far into its first buffer (the
 * response's offset).
 */

#include <sys/types.h>

#include <errno.h>
#include <string.h>

#include "pkt.h"
#include "ring.h"
#include "ring-private.h"

static unsigned int	ring_rx_need(const struct ring_queue *, size_t,
			    const struct xn_vnet_hdr *);
static int		ring_rx_stalled(struct ring_queue *, RING_IDX);
static void		ring_rx_posted(struct ring_queue *, RING_IDX, uint64_t);
static int		ring_rx_revive(struct ring_queue *, RING_IDX);
static void		ring_rx_hold(struct ring_queue *, unsigned int,
			    RING_IDX);
static int		ring_rx_offload(struct ring_queue *, uint8_t *, size_t,
			    const struct xn_vnet_hdr *, uint16_t *, uint8_t *);
static RING_IDX		ring_rx_layout(struct ring_queue *, RING_IDX,
			    const uint8_t *, size_t, uint16_t,
			    const struct netif_extra_info *, unsigned int,
			    unsigned int *, uint16_t);
static int		ring_rx_complete(struct ring_queue *,
			    const struct ring_port *, unsigned int,
			    unsigned int);
static unsigned int	ring_rx_extras(struct ring_queue *,
			    struct netif_extra_info *, uint8_t,
			    const struct xn_vnet_hdr *, int, uint8_t, uint32_t);
static void		ring_rx_steer(struct ring_queue *, struct ring_queue *,
			    const uint8_t *, size_t, const struct xn_vnet_hdr *,
			    uint16_t, const struct netif_extra_info *,
			    unsigned int);

/* A peer's responses complete without a port of theirs (ring_rx_steer). */
static const struct ring_port ring_rx_noport;

/*
 * ring_rx_need: the slots a frame of len octets with vnet header vh
 * takes: one per page of data (one in all without feature-sg, the
 * caller checked it fits) and a GSO extra-info slot.
 */
static unsigned int
ring_rx_need(const struct ring_queue *rq, size_t len,
    const struct xn_vnet_hdr *vh)
{
	size_t first = XN_RING_PAGE - rq->rq_rx_headroom;

	if (!rq->rq_feat.rf_sg)
		return (1);
	/* the first slot holds what its headroom leaves, then pages */
	return (1 + (unsigned int)((len > first ? len - first : 0) +
	    XN_RING_PAGE - 1) / XN_RING_PAGE +
	    ((vh->vh_gso_type & ~XN_VNET_GSO_ECN) != XN_VNET_GSO_NONE));
}

/* ring_rx_stall_ms: ms until the held frame is dropped, -1 if none. */
int
ring_rx_stall_ms(const struct ring_queue *rq)
{
	uint64_t now;

	if (!rq->rq_connected || rq->rq_rx_need == 0)
		return (-1);
	now = ring_clock_ms();
	if (now >= rq->rq_rx_stall_at)
		return (0);
	return ((int)(rq->rq_rx_stall_at - now));
}

/* ring_rx_carrier_ms: ms until the guest stalls, -1 if it cannot. */
int
ring_rx_carrier_ms(const struct ring_queue *rq)
{
	uint64_t now, at;

	if (!rq->rq_connected || rq->rq_rx_need == 0 || !rq->rq_rx_carrier ||
	    rq->rq_cfg.rc_rx_stall_ms == 0)
		return (-1);
	now = ring_clock_ms();
	at = rq->rq_rx_posted_at + rq->rq_cfg.rc_rx_stall_ms;
	return (now >= at ? 0 : (int)(at - now));
}

int
ring_rx_carrier(const struct ring_queue *rq)
{
	return (rq->rq_rx_carrier);
}

/*
 * ring_rx_posted: the frontend's producer index is prod at now (ms),
 * with a frame held: the stall timers run from now; a stalled frontend
 * gets its carrier back (netif.h has no rule for it; as Linux
 * xen-netback, one new request is enough).
 */
static void
ring_rx_posted(struct ring_queue *rq, RING_IDX prod, uint64_t now)
{
	rq->rq_rx_stall_prod = prod;
	rq->rq_rx_stall_at = now + RING_RX_STALL_MS;
	rq->rq_rx_posted_at = now;
	if (!rq->rq_rx_carrier) {
		rq->rq_rx_carrier = 1;
		rq->rq_stats.rs_rx_carrier_on++;
	}
}

/*
 * ring_rx_revive: a stalled frontend, whose producer index is prod: 1 if
 * it posted since it stalled (its carrier is on again), else 0, having
 * asked it to notify when it posts the next request (req_event).
 */
static int
ring_rx_revive(struct ring_queue *rq, RING_IDX prod)
{
	if (prod == rq->rq_rx_stall_prod) {
		rq->rq_rx.sring->req_event = prod + 1;
		xen_mb();	/* publish req_event before re-reading */
		prod = rq->rq_rx.sring->req_prod;
		xen_rmb();
		if (prod == rq->rq_rx_stall_prod)
			return (0);
	}
	ring_rx_posted(rq, prod, ring_clock_ms());
	return (1);
}

/*
 * ring_rx_hold: the next frame needs need slots and the frontend posted
 * fewer: hold it, and start its stall timers if none run.
 */
static void
ring_rx_hold(struct ring_queue *rq, unsigned int need, RING_IDX prod)
{
	if (rq->rq_rx_need == 0)
		ring_rx_posted(rq, prod, ring_clock_ms());
	rq->rq_rx_need = need;
}

/*
 * ring_rx_stalled: 1 if the held frame is to be dropped: the frontend,
 * whose producer index is prod, posted nothing for RING_RX_STALL_MS
 * while it waited, or its carrier is off.  The carrier goes off when it
 * posted nothing for rc_rx_stall_ms.  A frontend that posted restarts
 * both timers (and gets its carrier back).
 */
static int
ring_rx_stalled(struct ring_queue *rq, RING_IDX prod)
{
	if (rq->rq_rx_need == 0)
		return (0);
	if (prod != rq->rq_rx_stall_prod) {
		ring_rx_posted(rq, prod, ring_clock_ms());
		return (0);
	}
	if (ring_rx_carrier_ms(rq) == 0) {
		rq->rq_rx_carrier = 0;
		rq->rq_stats.rs_rx_carrier_off++;
	}
	return (!rq->rq_rx_carrier || ring_rx_stall_ms(rq) == 0);
}

int
ring_set_headroom(struct ring_queue *rq, unsigned int headroom)
{
	if (headroom >= RING_RX_HEADROOM_LIMIT) {
		errno = EINVAL;
		return (-1);
	}
	rq->rq_rx_headroom = headroom;
	rq->rq_feat.rf_headroom = headroom;
	return (0);
}

/*
 * ring_rx_ready: 1 if the port should be read: no frame is held, the
 * frontend has posted enough requests for the held one, or its stall
 * timer ran out; 0 if not (and then asks to be notified when the
 * frontend posts them: req_event), -1 if its producer index is
 * impossible.
 */
int
ring_rx_ready(struct ring_queue *rq)
{
	RING_IDX prod, cons = rq->rq_rx.req_cons;
	unsigned int need = rq->rq_rx_need;

	if (!rq->rq_connected)
		return (0);
	prod = rq->rq_rx.sring->req_prod;
	xen_rmb();
	/* ring.h: the producer is never more than a ring ahead of us. */
	if (prod - cons > RING_SIZE(&rq->rq_rx))
		return (ring_fatal(rq, "rx req_prod beyond the ring"));
	if (!rq->rq_rx_carrier) {
		/* stalled: the port is read and its frames dropped */
		if (ring_rx_revive(rq, prod) == 0)
			return (1);
		prod = rq->rq_rx_stall_prod;	/* what it saw */
		if (prod - cons > RING_SIZE(&rq->rq_rx))
			return (ring_fatal(rq, "rx req_prod beyond the "
			    "ring"));
	}
	if (prod - cons >= need || ring_rx_stalled(rq, prod))
		return (1);
	rq->rq_rx.sring->req_event = cons + need;
	xen_mb();	/* publish req_event before re-reading req_prod */
	prod = rq->rq_rx.sring->req_prod;
	xen_rmb();
	if (prod - cons > RING_SIZE(&rq->rq_rx))
		return (ring_fatal(rq, "rx req_prod beyond the ring"));
	return (prod - cons >= need);
}

/*
 * ring_rx_offload: translate a frame's vnet header into NETRXF_* flags
 * and a GSO type (XEN_NETIF_GSO_TYPE_*), completing the checksum in
 * software when this frontend cannot take a partial one.  Returns 0, or
 * -1 if the frame cannot be given to this frontend.
 */
static int
ring_rx_offload(struct ring_queue *rq, uint8_t *f, size_t len,
    const struct xn_vnet_hdr *vh, uint16_t *flags, uint8_t *gso)
{
	struct pkt_l4 pl;
	int partial_ok;

	*flags = 0;
	*gso = 0;
	switch (vh->vh_gso_type & ~XN_VNET_GSO_ECN) {
	case XN_VNET_GSO_NONE:
		break;
	case XN_VNET_GSO_TCPV4:
		if (!rq->rq_feat.rf_gso4 || !rq->rq_feat.rf_sg)
			return (-1);
		*gso = XEN_NETIF_GSO_TYPE_TCPV4;
		break;
	case XN_VNET_GSO_TCPV6:
		if (!rq->rq_feat.rf_gso6 || !rq->rq_feat.rf_sg)
			return (-1);
		*gso = XEN_NETIF_GSO_TYPE_TCPV6;
		break;
	default:
		return (-1);
	}
	if (vh->vh_flags & XN_VNET_F_NEEDS_CSUM) {
		/* the 16-bit checksum field lies inside the frame */
		if ((size_t)vh->vh_csum_start + vh->vh_csum_offset +
		    sizeof(uint16_t) > len)
			return (-1);
		partial_ok = 0;
		if (pkt_l4(f, len, &pl) == 0 &&
		    pl.pl_l4off == vh->vh_csum_start &&
		    pl.pl_csumoff == vh->vh_csum_offset)
			partial_ok = pl.pl_v6 ? rq->rq_feat.rf_csum6 :
			    rq->rq_feat.rf_csum;
		if (partial_ok) {
			*flags = NETRXF_csum_blank | NETRXF_data_validated;
			rq->rq_stats.rs_rx_csum_blank++;
		} else {
			if (*gso != 0)	/* cannot segment for it */
				return (-1);
			pkt_csum_complete(f, len, vh->vh_csum_start,
			    vh->vh_csum_offset);
			*flags = NETRXF_data_validated;
			rq->rq_stats.rs_rx_csum_sw++;
		}
	} else if (vh->vh_flags & XN_VNET_F_DATA_VALID)
		*flags = NETRXF_data_validated;
	else if (*gso != 0)
		return (-1);
	return (0);
}

/*
 * ring_rx_layout: consume the requests for one frame starting at ring
 * index cons, queue its copies and remember its responses (from
 * rq_rxrsps[*nrsp] on); its nex extra-info segments ex[] (GSO, hash)
 * follow its first data slot.  Returns the new consumer index.
 */
static RING_IDX
ring_rx_layout(struct ring_queue *rq, RING_IDX cons, const uint8_t *f,
    size_t len, uint16_t flags, const struct netif_extra_info *ex,
    unsigned int nex, unsigned int *nrsp, uint16_t frame)
{
	netif_rx_request_t req;
	struct ring_rxrsp *rr;
	hv_copy_seg seg;
	size_t off = 0, chunk, room;
	unsigned int k;
	int first = 1;

	while (first || off < len) {
		room = first ? XN_RING_PAGE - rq->rq_rx_headroom : XN_RING_PAGE;
		chunk = len - off;
		if (chunk > room)
			chunk = room;
		memcpy(&req, RING_GET_REQUEST(&rq->rq_rx, cons), sizeof(req));
		rr = &rq->rq_rxrsps[(*nrsp)++];
		memset(rr, 0, sizeof(*rr));
		rr->rr_idx = cons++;
		rr->rr_frame = frame;
		rr->rr_first = (uint8_t)first;
		rr->rr_u.rsp.id = req.id;
		rr->rr_u.rsp.offset = (uint16_t)(XN_RING_PAGE - room);
		rr->rr_u.rsp.status = (int16_t)chunk;
		rr->rr_u.rsp.flags = first ? flags : 0;
		if (off + chunk < len)
			rr->rr_u.rsp.flags |= NETRXF_more_data;

		memset(&seg, 0, sizeof(seg));
		seg.source.virt = (void *)(uintptr_t)(f + off);
		seg.dest.foreign.ref = req.gref;
		seg.dest.foreign.offset = (uint16_t)(XN_RING_PAGE - room);
		seg.dest.foreign.domid = (uint16_t)rq->rq_domid;
		seg.len = (uint16_t)chunk;
		seg.flags = GNTCOPY_dest_gref;
		ring_copy_add(rq, &seg, frame);

		/*
		 * netif.h: the extras overlay the slots after the first,
		 * chained by XEN_NETIF_EXTRA_FLAG_MORE.
		 */
		for (k = 0; first && k < nex; k++) {
			if (k == 0)
				rr->rr_u.rsp.flags |= NETRXF_extra_info;
			rr = &rq->rq_rxrsps[(*nrsp)++];
			memset(rr, 0, sizeof(*rr));
			rr->rr_idx = cons++;
			rr->rr_frame = frame;
			rr->rr_extra = 1;
			rr->rr_u.extra = ex[k];
			rr->rr_u.extra.flags = k + 1 < nex ?
			    XEN_NETIF_EXTRA_FLAG_MORE : 0;
		}
		first = 0;
		off += chunk;
	}
	return (cons);
}

/*
 * ring_rx_complete: issue the queued copies, give the port its buffers
 * back, then write responses [from, to) into their request slots and
 * push.  A frame with a slot whose copy Xen refused (a bad, revoked or
 * read-only grant: rx_bad_grant counts such slots) gets NETIF_RSP_ERROR
 * in every data slot, as the frontend drops it whole anyway; that is
 * all it costs the frontend.  Returns 1 if the frontend wants a
 * notification.
 */
static int
ring_rx_complete(struct ring_queue *rq, const struct ring_port *port,
    unsigned int from, unsigned int to)
{
	struct ring_stats *st = &rq->rq_stats;
	struct ring_rxrsp *rr;
	unsigned int i;
	int notify, bad;

	ring_copy_settle(rq);
	st->rs_rx_bad_grant += rq->rq_segs_failed;
	rq->rq_segs_failed = 0;
	for (i = from; i < to; i++) {
		rr = &rq->rq_rxrsps[i];
		bad = rq->rq_bad[rr->rr_frame];
		if (!rr->rr_extra) {
			if (rr->rr_first) {
				if (bad)
					st->rs_drops[RING_DROP_RX_COPY]++;
				else
					st->rs_rx_packets++;
			}
			if (bad)
				rr->rr_u.rsp.status = NETIF_RSP_ERROR;
			else
				st->rs_rx_bytes +=
				    (uint16_t)rr->rr_u.rsp.status;
		}
		memcpy(RING_GET_RESPONSE(&rq->rq_rx, rr->rr_idx), &rr->rr_u,
		    sizeof(netif_rx_response_t));
		rq->rq_rx.rsp_prod_pvt = rr->rr_idx + 1;
	}
	/* the copies are done: the port may reuse the frames' buffers */
	if (port->rp_release != NULL)
		port->rp_release(port->rp_arg);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rq->rq_rx, notify);
	return (notify);
}

/*
 * ring_rx_extras: the extra-info segments of a frame into ex[2]: GSO
 * type gso (0: none) and the hash when hashed.  Returns how many.
 */
static unsigned int
ring_rx_extras(struct ring_queue *rq, struct netif_extra_info *ex,
    uint8_t gso, const struct xn_vnet_hdr *vh, int hashed, uint8_t htype,
    uint32_t hval)
{
	unsigned int nex = 0;

	memset(ex, 0, 2 * sizeof(*ex));
	if (gso != 0) {
		rq->rq_stats.rs_rx_gso++;
		ex[nex].type = XEN_NETIF_EXTRA_TYPE_GSO;
		ex[nex].u.gso.size = vh->vh_gso_size;
		ex[nex++].u.gso.type = gso;
	}
	if (hashed) {
		/* netif.h XEN_NETIF_EXTRA_TYPE_HASH: the value LSB first */
		rq->rq_stats.rs_rx_hash++;
		ex[nex].type = XEN_NETIF_EXTRA_TYPE_HASH;
		ex[nex].u.hash.type = htype;
		ex[nex].u.hash.algorithm =
		    XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
		ex[nex].u.hash.value[0] = (uint8_t)hval;
		ex[nex].u.hash.value[1] = (uint8_t)(hval >> 8);
		ex[nex].u.hash.value[2] = (uint8_t)(hval >> 16);
		ex[nex++].u.hash.value[3] = (uint8_t)(hval >> 24);
	}
	return (nex);
}

/*
 * ring_rx_steer: deliver the frame f (len octets, vnet header vh, rx
 * flags and extras from rq's pass) on the peer queue its hash picked,
 * all at once: the peer's pass is not running (ring_set_peers: one
 * thread), the frame's buffer is rq's port's until rq's pass releases
 * it, so the copy is issued and the responses pushed here.  Dropped
 * (rx_steer, on rq) if the peer has not posted the slots it needs.
 */
static void
ring_rx_steer(struct ring_queue *rq, struct ring_queue *peer,
    const uint8_t *f, size_t len, const struct xn_vnet_hdr *vh,
    uint16_t flags, const struct netif_extra_info *ex, unsigned int nex)
{
	RING_IDX prod, cons;
	unsigned int nrsp = 0, need, k;

	prod = peer->rq_rx.sring->req_prod;
	xen_rmb();
	cons = peer->rq_rx.req_cons;
	need = ring_rx_need(peer, len, vh);
	for (k = 0; k < nex; k++)
		need += ex[k].type == XEN_NETIF_EXTRA_TYPE_HASH;
	/*
	 * ring.h: the producer is never more than a ring ahead; a peer
	 * whose index is impossible fails in its own pass, not here.
	 */
	if (!peer->rq_connected || peer->rq_error != NULL ||
	    prod - cons > RING_SIZE(&peer->rq_rx) || prod - cons < need) {
		rq->rq_stats.rs_drops[RING_DROP_RX_STEER]++;
		return;
	}
	rq->rq_stats.rs_rx_steered++;
	peer->rq_segs_failed = 0;
	peer->rq_bad[0] = 0;
	peer->rq_rx.req_cons = ring_rx_layout(peer, cons, f, len, flags, ex,
	    nex, &nrsp, 0);
	if (ring_rx_complete(peer, &ring_rx_noport, 0, nrsp))
		ring_notify(peer, 1);
}

/*
 * ring_rx: one receive pass.  Returns 1 if the batch budget ran out (the
 * port may hold more), 0 if the port is empty or the frontend is short
 * of buffers (see ring_rx_ready), -1 if the frontend broke the protocol.
 */
int
ring_rx(struct ring_queue *rq, const struct ring_port *port)
{
	struct ring_stats *st = &rq->rq_stats;
	struct netif_extra_info ex[2];	/* GSO, hash */
	struct xn_vnet_hdr vh;
	RING_IDX cons, prod;
	unsigned int nframes = 0, nrsp = 0, done = 0, need, nex;
	size_t len;
	uint8_t *buf, gso, htype = 0;
	uint16_t flags;
	uint32_t hval = 0;
	ssize_t r;
	unsigned int target;
	int notify = 0, hashed;

	if (!rq->rq_connected)
		return (0);
	st->rs_rx_passes++;
	rq->rq_segs_failed = 0;
	cons = rq->rq_rx.req_cons;
	while (nframes < rq->rq_cfg.rc_rx_batch) {
		prod = rq->rq_rx.sring->req_prod;
		xen_rmb();
		if (prod - cons > RING_SIZE(&rq->rq_rx))
			return (ring_fatal(rq, "rx req_prod beyond the ring"));
		if (!rq->rq_rx_carrier && prod != rq->rq_rx_stall_prod)
			ring_rx_posted(rq, prod, ring_clock_ms());
		if ((r = port->rp_peek(port->rp_arg, &buf)) <= 0)
			break;		/* empty, or the port failed */
		/*
		 * The length the port read is checked before anything is
		 * laid out: its buffer holds a vnet header and at most
		 * RING_FRAME_MAX, which the slots below are sized for.
		 */
		if ((size_t)r < sizeof(vh) + PKT_ETH_HLEN ||
		    (size_t)r > sizeof(vh) + RING_FRAME_MAX) {
			port->rp_take(port->rp_arg);
			nframes++;
			st->rs_drops[RING_DROP_RX_SIZE]++;
			continue;
		}
		memcpy(&vh, buf, sizeof(vh));
		len = (size_t)r - sizeof(vh);
		if (!rq->rq_feat.rf_sg &&
		    len > XN_RING_PAGE - rq->rq_rx_headroom) {
			port->rp_take(port->rp_arg);
			nframes++;
			st->rs_drops[RING_DROP_RX_SIZE]++;
			continue;
		}
		if (!rq->rq_rx_carrier) {
			/* stalled, posted nothing since: not held at all */
			port->rp_take(port->rp_arg);
			nframes++;
			st->rs_drops[RING_DROP_RX_CARRIER]++;
			continue;
		}
		/* netif.h "request-multicast-control": only listed groups */
		if (rq->rq_mcast != NULL &&
		    !ring_mcast_pass(rq->rq_mcast, buf + sizeof(vh))) {
			port->rp_take(port->rp_arg);
			nframes++;
			st->rs_drops[RING_DROP_RX_MCAST]++;
			continue;
		}
		hashed = rq->rq_hashing && ring_hash_frame(&rq->rq_hash,
		    buf + sizeof(vh), len, &hval, &htype) == 0;
		target = rq->rq_self;
		if (hashed && rq->rq_npeers > 1)
			target = ring_hash_queue(&rq->rq_hash, hval,
			    rq->rq_npeers);
		if (target != rq->rq_self) {
			/* its hash's queue takes it, whatever we hold */
			rq->rq_rx_need = 0;
			rq->rq_rx_stall_at = 0;
			port->rp_take(port->rp_arg);
			nframes++;
			if (ring_rx_offload(rq, buf + sizeof(vh), len, &vh,
			    &flags, &gso) == -1) {
				st->rs_drops[RING_DROP_RX_OFFLOAD]++;
				continue;
			}
			nex = ring_rx_extras(rq, ex, gso, &vh, hashed, htype,
			    hval);
			ring_rx_steer(rq, rq->rq_peers[target],
			    buf + sizeof(vh), len, &vh, flags, ex, nex);
			continue;
		}
		need = ring_rx_need(rq, len, &vh) + hashed;
		if (prod - cons < need) {
			if (ring_rx_stalled(rq, prod)) {
				/* held too long: drop, and what follows */
				port->rp_take(port->rp_arg);
				nframes++;
				st->rs_drops[rq->rq_rx_carrier ?
				    RING_DROP_RX_STALL :
				    RING_DROP_RX_CARRIER]++;
				continue;
			}
			/* hold it until the frontend posts enough */
			ring_rx_hold(rq, need, prod);
			break;
		}
		rq->rq_rx_need = 0;
		rq->rq_rx_stall_at = 0;
		/*
		 * Complete the pending frames when rq_rxrsps (one ring's
		 * worth of entries) might not hold one more: a frontend
		 * that posts while we work, e.g. netfront refilling on each
		 * notify-packet kick, lets one pass consume more than a
		 * ring's worth of requests.
		 */
		if (nrsp + need > XN_RX_RING_SIZE) {
			rq->rq_rx.req_cons = cons;
			notify |= ring_rx_complete(rq, port, done, nrsp);
			done = nrsp = 0;
		}
		port->rp_take(port->rp_arg);
		nframes++;
		if (ring_rx_offload(rq, buf + sizeof(vh), len, &vh, &flags,
		    &gso) == -1) {
			st->rs_drops[RING_DROP_RX_OFFLOAD]++;
			continue;
		}
		nex = ring_rx_extras(rq, ex, gso, &vh, hashed, htype, hval);
		rq->rq_bad[nframes - 1] = 0;
		cons = ring_rx_layout(rq, cons, buf + sizeof(vh), len, flags,
		    ex, nex, &nrsp, (uint16_t)(nframes - 1));
		if (rq->rq_cfg.rc_notify == RING_NOTIFY_PACKET) {
			rq->rq_rx.req_cons = cons;
			if (ring_rx_complete(rq, port, done, nrsp))
				ring_notify(rq, 1);
			done = nrsp;
		}
	}
	rq->rq_rx.req_cons = cons;
	if (done < nrsp)
		notify |= ring_rx_complete(rq, port, done, nrsp);
	else if (port->rp_release != NULL)
		port->rp_release(port->rp_arg);	/* the pass is over */
	if (notify)
		ring_notify(rq, 1);
	if (nframes > 0)
		ring_hist_add(st->rs_rx_hist, nframes);
	return (nframes == rq->rq_cfg.rc_rx_batch ? 1 : 0);
}
