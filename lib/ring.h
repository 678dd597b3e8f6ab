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
 * The netif ring engine: one ring_queue is one (tx ring, rx ring) pair of
 * a vif, served by exactly one thread.  It validates the frontend's
 * requests, plans grant copies in batches, moves frames to and from a
 * host port and writes responses.  It has no daemon policy: no xenstore,
 * no logging; an error that is the guest's fault makes the pass return
 * -1 and ring_error say why, so the caller can disconnect that vif only.
 */

#ifndef XENNET_RING_H
#define XENNET_RING_H

#include <sys/types.h>
#include <sys/uio.h>

#include <stdint.h>

#include "hv.h"
#include "pkt.h"

/* netif.h: a one-page ring holds 256 requests (XN_TX_RING_SIZE). */
#define RING_BATCH_MAX		256	/* tx-batch, rx-batch limit */
#define RING_COPY_MAX		512	/* copy-batch limit: ops per call */
#define RING_HIST		9	/* batch histogram: 1,2,4..128,256 */
/*
 * The largest frame moved, vnet header not counted: a GSO frame of
 * 64 KiB (Linux's GSO_LEGACY_MAX_SIZE) with its Ethernet header and one
 * VLAN tag.  netif.h's XEN_NETIF_MAX_TX_SIZE (0xFFFF) is below it.
 */
#define RING_FRAME_MAX		(65536 + PKT_ETH_HLEN + PKT_VLAN_LEN)

enum ring_notify {
	RING_NOTIFY_BATCH,		/* one push + notify per pass */
	RING_NOTIFY_PACKET		/* push + notify after each packet */
};

struct ring_config {
	unsigned int	rc_tx_batch;	/* packets per tx pass, 1..256 */
	unsigned int	rc_rx_batch;	/* frames per rx pass, 1..256 */
	unsigned int	rc_copy_batch;	/* copy segments per hypercall */
	enum ring_notify rc_notify;
};

/* What the frontend negotiated (its directory in xenstore). */
struct ring_features {
	int		rf_sg;		/* feature-sg */
	int		rf_gso4;	/* feature-gso-tcpv4 */
	int		rf_gso6;	/* feature-gso-tcpv6 */
	int		rf_csum;	/* !feature-no-csum-offload */
	int		rf_csum6;	/* feature-ipv6-csum-offload */
	int		rf_rx_notify;	/* feature-rx-notify */
};

enum ring_drop {
	RING_DROP_TX_SLOTS,	/* 19 slots: over the legacy limit */
	RING_DROP_TX_SIZE,	/* slot sizes inconsistent / runt */
	RING_DROP_TX_COPY,	/* grant copy failed (bad grant) */
	RING_DROP_TX_OFFLOAD,	/* csum/gso request we cannot express */
	RING_DROP_TX_PORT,	/* host port refused the frame */
	RING_DROP_RX_SIZE,	/* runt, or too big for the guest */
	RING_DROP_RX_COPY,	/* grant copy into the guest failed */
	RING_DROP_RX_OFFLOAD,	/* bad vnet header from the port */
	RING_DROP_RX_STALL,	/* no room in the guest's rx ring in time */
	RING_DROP_MAX
};

struct ring_stats {
	uint64_t	rs_tx_packets, rs_tx_bytes;	/* guest -> host */
	uint64_t	rs_rx_packets, rs_rx_bytes;	/* host -> guest */
	uint64_t	rs_tx_gso, rs_rx_gso;
	uint64_t	rs_tx_csum_blank, rs_rx_csum_blank;
	uint64_t	rs_rx_csum_sw;	/* checksums we completed */
	uint64_t	rs_tx_extra_ignored;	/* mcast/hash extras */
	uint64_t	rs_rx_bad_grant;	/* rx slots: copy refused */
	uint64_t	rs_drops[RING_DROP_MAX];
	uint64_t	rs_hcalls[HV_CALL_MAX];	/* made for this queue */
	uint64_t	rs_copy_segs;
	uint64_t	rs_notify_tx, rs_notify_rx;	/* events sent */
	uint64_t	rs_events_tx, rs_events_rx;	/* events received */
	uint64_t	rs_tx_passes, rs_rx_passes;
	uint64_t	rs_tx_rate_waits;	/* passes stopped for credit */
	uint64_t	rs_tx_rate_bytes;	/* their waiting packets */
	uint64_t	rs_tx_hist[RING_HIST], rs_rx_hist[RING_HIST];
};

/* The host side of the data path (a tap, a pcap handle, a test). */
struct ring_port {
	void		*rp_arg;
	/*
	 * Send one frame, or queue it until rp_flush; iov[0] is a struct
	 * xn_vnet_hdr (the port copies it if it queues), the frame iov[1]
	 * stays put until rp_flush.  0 or -1.
	 */
	int		(*rp_send)(void *, const struct iovec *, int);
	/*
	 * Send what rp_send queued (NULL: rp_send sends at once).  Called
	 * once per pass, before the responses are pushed.  Returns how
	 * many of the frames failed, -1 if the port did.
	 */
	int		(*rp_flush)(void *);
	/*
	 * The next received frame, vnet header first, in a buffer of the
	 * port's: its length (the buffer in *buf), 0 if none waits, -1 if
	 * the port failed.  It stays the next frame until rp_take.
	 */
	ssize_t		(*rp_peek)(void *, uint8_t **);
	/* The peeked frame is the engine's until rp_release. */
	void		(*rp_take)(void *);
	/*
	 * The engine's copies of every frame it took are done: the port
	 * may reuse their buffers (NULL: nothing to do).  Called at the
	 * end of every rx pass, and within one when it completes frames.
	 */
	void		(*rp_release)(void *);
};

/* The passes an event asks for (ring_event). */
#define RING_EV_TX		0x1
#define RING_EV_RX		0x2

/* One vif's queue: allocated by ring_new, private to the engine. */
struct ring_queue;

/* ring.c */

/* ring_config_default: the defaults: 64/64/64, notify per batch. */
void		 ring_config_default(struct ring_config *rc);
/*
 * ring_config_check: 0 if every setting of rc is in range, else -1 with
 * *why naming the bad one.
 */
int		 ring_config_check(const struct ring_config *rc,
		    const char **why);
/*
 * ring_new: an unconnected queue for the guest domid, served through hv
 * with the settings rc; all its memory is allocated here, none by the
 * passes.  NULL with errno EINVAL (rc out of range) or ENOMEM.
 */
struct ring_queue *ring_new(struct hv *hv, uint32_t domid,
		    const struct ring_config *rc);
/* ring_free: disconnect rq if needed and free it; NULL is ignored. */
void		 ring_free(struct ring_queue *rq);
/*
 * ring_connect: map the frontend's tx and rx ring pages (grant refs
 * txref, rxref) and bind its event channel(s) evtx, evrx (equal when it
 * uses one), for a frontend that negotiated rf.  0, or -1 with errno
 * (EISCONN if rq is connected, else from hv) and nothing left set up.
 */
int		 ring_connect(struct ring_queue *rq, uint32_t txref,
		    uint32_t rxref, uint32_t evtx, uint32_t evrx,
		    const struct ring_features *rf);
/*
 * ring_resync: rq was just connected to rings that an earlier backend
 * served (a restarted daemon adopts a Connected vif): check the shared
 * indexes it resumes from, as any guest input (netif.h: at most a
 * ring's worth of requests outstanding), and notify the frontend once
 * on each port so that it looks at both rings again: events it sent
 * while no backend was bound are lost.  ring_connect already resumed
 * at the responses published (req_cons = rsp_prod_pvt = rsp_prod): a
 * request the old backend took but did not answer is served again (a
 * tx frame may go out twice, an rx buffer is filled anew; TCP copes).
 * 0, or -1 with EPROTO (ring_error says why; the caller disconnects)
 * or EINVAL if rq is not connected.
 */
int		 ring_resync(struct ring_queue *rq);
/* ring_disconnect: unbind and unmap what ring_connect set up. */
void		 ring_disconnect(struct ring_queue *rq);
/*
 * ring_event: the caller took an event on its local port: counts it and
 * returns the passes it asks for, RING_EV_TX and/or RING_EV_RX (both on
 * a shared channel), 0 if the port is not one of rq's.
 */
int		 ring_event(struct ring_queue *rq, int port);
/*
 * ring_ports: the local event-channel ports ring_connect bound, for the
 * caller's port-to-queue table and unmasking (*rx == *tx when shared);
 * -1 while not connected.
 */
void		 ring_ports(const struct ring_queue *rq, int *tx, int *rx);
/*
 * ring_posted: a mark of the requests the frontend has posted on the
 * ring(s) the local port serves (its request producer indexes, read
 * now): it changes whenever the frontend posts one, so an event whose
 * mark equals the previous event's asked for nothing new.  A hint: the
 * indexes are the guest's and only the passes check them.  0 if port
 * is not one of rq's.
 */
uint64_t	 ring_posted(const struct ring_queue *rq, int port);
/*
 * ring_tx_waiting: 1 if the frontend's tx producer index is past the
 * last request taken (a tx pass has something to look at), else 0.  A
 * hint, read without a barrier, for polling.
 */
int		 ring_tx_waiting(const struct ring_queue *rq);
/*
 * ring_error: why a pass or ring_rx_ready returned -1 (the frontend
 * broke the protocol); NULL if none did since ring_connect.
 */
const char	*ring_error(const struct ring_queue *rq);
/* ring_snapshot: copy rq's counters into *st. */
void		 ring_snapshot(const struct ring_queue *rq,
		    struct ring_stats *st);
/*
 * ring_set_config: batch sizes and notify policy from the next pass on;
 * -1 with EINVAL (nothing changed) if one is out of range.
 */
int		 ring_set_config(struct ring_queue *rq,
		    const struct ring_config *rc);
/*
 * ring_set_rate: limit the guest's transmit on this queue to bytes per
 * usec microseconds, from the next pass on (0 for either: no limit).
 * A credit scheduler: the queue gains bytes of credit every usec, up to
 * a burst of bytes + RING_FRAME_MAX (at least 128 KiB) so that a 64 KiB
 * GSO packet always goes eventually and no credit is lost to big ones;
 * a packet larger than the credit left waits in the ring (ring_tx
 * returns RING_TX_RATE).  A new limit starts with a full period's
 * credit.
 */
void		 ring_set_rate(struct ring_queue *rq, uint64_t bytes,
		    uint64_t usec);
/*
 * ring_tx_rate_wait: nanoseconds until the packet that stopped the last
 * tx pass (RING_TX_RATE) may go; 0 if it may now or none waits.
 */
uint64_t	 ring_tx_rate_wait(const struct ring_queue *rq);
/* ring_clock_ns: CLOCK_MONOTONIC in nanoseconds (the engine's clock). */
uint64_t	 ring_clock_ns(void);
/* ring_drop_name: the counter name of a drop reason, "?" if unknown. */
const char	*ring_drop_name(enum ring_drop d);
/* ring_stats_add: dst += src, field by field (for totals). */
void		 ring_stats_add(struct ring_stats *dst,
		    const struct ring_stats *src);

/* ring-tx.c */

/*
 * ring_tx: one transmit pass, moving up to tx-batch guest packets to
 * port.  Returns 1 if requests remain (run it again after the other
 * queues had their turn), 0 if the ring is empty and the frontend will
 * notify, RING_TX_RATE if the next packet waits for credit (it stays in
 * the ring: run the pass again in ring_tx_rate_wait ns; the frontend is
 * not asked to notify), -1 if the frontend broke the protocol
 * (ring_error says how); 0 on an unconnected queue.
 */
#define RING_TX_RATE	2
int		 ring_tx(struct ring_queue *rq, const struct ring_port *port);

/* ring-rx.c */

/*
 * How long a frame that does not fit in the rx requests the frontend
 * posted is held for it (the port is not read meanwhile) while the
 * frontend posts no new request, before it is dropped (rx_stall); until
 * a frame fits again, later frames that do not fit are then dropped at
 * once.  A frontend that posts requests restarts the timer.
 */
#define RING_RX_STALL_MS	2000

/*
 * ring_rx_ready: 1 if the port should be read: no frame is held, or the
 * frontend posted enough rx requests for the one held, or it posted none
 * for RING_RX_STALL_MS since (the pass drops it); 0 if not (the frontend
 * is then asked to notify when it posts them), -1 if it broke the
 * protocol.
 */
int		 ring_rx_ready(struct ring_queue *rq);
/*
 * ring_rx_stall_ms: milliseconds until the held frame's stall timer
 * runs out (0: it has), -1 if no frame is held.
 */
int		 ring_rx_stall_ms(const struct ring_queue *rq);
/*
 * ring_rx: one receive pass, moving up to rx-batch frames from port to
 * the guest.  A frame is checked against RING_FRAME_MAX and what this
 * frontend negotiated before it is laid out, and delivered only when
 * the frontend posted the slots it needs; else it stays in the port
 * (held, see RING_RX_STALL_MS).  A slot whose grant the copy refused
 * (bad, revoked or read-only) is answered NETIF_RSP_ERROR with every
 * other slot of its frame; the vif goes on.  Returns 1 if the budget
 * ran out (port may hold more), 0 if port is empty or the frontend is
 * short of buffers (ring_rx_ready), -1 if the frontend broke the
 * protocol.
 */
int		 ring_rx(struct ring_queue *rq, const struct ring_port *port);

#endif /* XENNET_RING_H */
