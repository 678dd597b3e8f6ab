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
	/*
	 * ms a guest may leave a frame waiting for rx buffers, posting
	 * none, before its carrier goes off (RING_RX_CARRIER_MS); 0: never
	 */
	unsigned int	rc_rx_stall_ms;
};

/* What the frontend negotiated (its directory in xenstore). */
struct ring_features {
	int		rf_sg;		/* feature-sg */
	int		rf_gso4;	/* feature-gso-tcpv4 */
	int		rf_gso6;	/* feature-gso-tcpv6 */
	int		rf_csum;	/* !feature-no-csum-offload */
	int		rf_csum6;	/* feature-ipv6-csum-offload */
	int		rf_rx_notify;	/* feature-rx-notify */
	/* xdp-headroom: octets left free before each rx frame */
	unsigned int	rf_headroom;	/* < RING_RX_HEADROOM_LIMIT */
};

/*
 * How the frontend asked for frames to it to be hashed, on the control
 * ring (netif.h "Control ring", "Hash types"; ring-ctrl.c).  Limits as
 * in Linux xen-netback: a 40-octet key (XEN_NETBK_MAX_HASH_KEY_SIZE, the
 * RSS key size) and 128 mapping entries
 * (XEN_NETBK_MAX_HASH_MAPPING_SIZE); netif.h leaves both to the backend.
 */
#define RING_HASH_KEY_MAX	40
#define RING_HASH_MAP_MAX	128
struct ring_hash {
	uint32_t	rh_alg;		/* XEN_NETIF_CTRL_HASH_ALGORITHM_* */
	uint32_t	rh_flags;	/* XEN_NETIF_CTRL_HASH_TYPE_* */
	uint32_t	rh_keylen;	/* octets of rh_key; the rest 0 */
	uint32_t	rh_mapsize;	/* 0: hash modulo the queues */
	uint8_t		rh_key[RING_HASH_KEY_MAX];
	uint32_t	rh_map[RING_HASH_MAP_MAX];	/* queue numbers */
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
	RING_DROP_RX_CARRIER,	/* the guest's carrier is off (stalled) */
	RING_DROP_RX_MCAST,	/* multicast not in the guest's filter */
	RING_DROP_RX_STEER,	/* its hash's queue had no room for it */
	RING_DROP_MAX
};

struct ring_stats {
	uint64_t	rs_tx_packets, rs_tx_bytes;	/* guest -> host */
	uint64_t	rs_rx_packets, rs_rx_bytes;	/* host -> guest */
	uint64_t	rs_tx_gso, rs_rx_gso;
	uint64_t	rs_tx_csum_blank, rs_rx_csum_blank;
	uint64_t	rs_rx_csum_sw;	/* checksums we completed */
	uint64_t	rs_tx_extra_ignored;	/* hash, unknown extras */
	uint64_t	rs_mcast_add, rs_mcast_del;	/* extras applied */
	uint64_t	rs_mcast_refused;	/* adds: list full, unicast */
	uint64_t	rs_rx_hash;		/* frames with a hash extra */
	uint64_t	rs_rx_steered;	/* frames given to another queue */
	uint64_t	rs_rx_bad_grant;	/* rx slots: copy refused */
	uint64_t	rs_drops[RING_DROP_MAX];
	uint64_t	rs_hcalls[HV_CALL_MAX];	/* made for this queue */
	uint64_t	rs_copy_segs;
	uint64_t	rs_notify_tx, rs_notify_rx;	/* events sent */
	uint64_t	rs_events_tx, rs_events_rx;	/* events received */
	uint64_t	rs_tx_passes, rs_rx_passes;
	uint64_t	rs_tx_rate_waits;	/* passes stopped for credit */
	uint64_t	rs_tx_rate_bytes;	/* their waiting packets */
	uint64_t	rs_rx_carrier_off;	/* rx stalls: carrier off */
	uint64_t	rs_rx_carrier_on;	/* it posted again: on */
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
struct ring_mcast;

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
/*
 * ring_set_hash: hash frames to the guest as rh says (a copy is kept),
 * from the next rx pass on: a frame that rh hashes gets a
 * XEN_NETIF_EXTRA_TYPE_HASH extra (netif.h: "A frontend that enables
 * hashing is assumed to accept this type of extra info in receive
 * packets").  NULL: no hashing.
 */
void		 ring_set_hash(struct ring_queue *rq, const struct ring_hash *rh);
/*
 * ring_set_mcast: the vif's multicast filter m (NULL: none): tx passes
 * apply the frontend's MCAST_ADD/DEL extras to it, rx passes drop the
 * multicast frames it refuses (rx_mcast).  The caller keeps m alive
 * until the queue is freed or given another.
 */
void		 ring_set_mcast(struct ring_queue *rq, struct ring_mcast *m);
/*
 * ring_set_peers: the n queues of rq's vif, rq being peers[self], for
 * steering: while rq hashes (ring_set_hash) and n > 1, a frame rq's
 * port gives it whose hash maps to another queue (ring_hash_queue) is
 * laid out at once in that queue's rx ring, with one copy hypercall of
 * its own, and its frontend notified; a frame the other queue has no
 * room for is dropped (rx_steer).  Every queue of peers must be served
 * by the calling thread, and stay allocated until ring_set_peers(rq,
 * NULL, 0, 0) or rq is freed.  At most RING_PEERS_MAX queues.
 */
#define RING_PEERS_MAX	16
void		 ring_set_peers(struct ring_queue *rq,
		    struct ring_queue *const *peers, unsigned int n,
		    unsigned int self);
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
 * A frontend that leaves a frame waiting for rx buffers and posts none
 * for rc_rx_stall_ms (default RING_RX_CARRIER_MS, Linux xen-netback's
 * rx_stall_timeout_msecs) is stalled: its carrier goes off
 * (ring_rx_carrier) and every frame for it is dropped at once
 * (rx_carrier) until it posts a request again.  The shorter
 * RING_RX_STALL_MS above plays the part of Linux's rx_drain_timeout.
 */
#define RING_RX_CARRIER_MS	60000
#define RING_RX_CARRIER_MIN	100
#define RING_RX_CARRIER_MAX	3600000
/*
 * xdp-headroom (netif.h in Linux, "feature-xdp-headroom"): at most
 * XEN_NETIF_MAX_XDP_HEADROOM (0x7FFF) octets; ours also leave a part of
 * the first page for data, so the limit is the smaller of the two.
 */
#define RING_RX_HEADROOM_MAX	0x7FFF
#define RING_RX_HEADROOM_LIMIT	4096	/* a page (XN_RING_PAGE) */

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
 * ring_rx_carrier_ms: milliseconds until the guest stalls (its carrier
 * goes off) unless it posts rx requests: 0 if that is due, -1 if no
 * frame waits, its carrier is off already or rc_rx_stall_ms is 0.
 */
int		 ring_rx_carrier_ms(const struct ring_queue *rq);
/*
 * ring_rx_carrier: 1 while the guest takes frames, 0 while it is stalled
 * (see RING_RX_CARRIER_MS); passes and ring_rx_ready change it.
 */
int		 ring_rx_carrier(const struct ring_queue *rq);
/*
 * ring_set_headroom: leave headroom octets free at the start of the
 * first rx buffer of each frame from the next pass on (the frontend's
 * xdp-headroom); -1 with EINVAL if headroom >= RING_RX_HEADROOM_LIMIT.
 */
int		 ring_set_headroom(struct ring_queue *rq,
		    unsigned int headroom);
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

/* ring-ctrl.c */

/* A vif's control ring: allocated by ring_ctrl_new. */
struct ring_ctrl;

/* netif.h XEN_NETIF_CTRL_STATUS_*: SUCCESS .. BUFFER_OVERFLOW. */
#define RING_CTRL_STATUS_MAX	4
struct ring_ctrl_stats {
	uint64_t	cs_events;	/* ring_ctrl_run calls on a ring */
	uint64_t	cs_requests;	/* requests answered */
	uint64_t	cs_status[RING_CTRL_STATUS_MAX];	/* by status */
	uint64_t	cs_copies;	/* grant copies of keys, tables */
	uint64_t	cs_fatal;	/* ring index violations */
};

/*
 * ring_ctrl_new: the control ring of a vif of guest domid with nqueues
 * queues (mapping entries must be below it), served through hv;
 * unconnected, no hashing.  NULL with errno EINVAL or ENOMEM.
 */
struct ring_ctrl *ring_ctrl_new(struct hv *hv, uint32_t domid,
		    unsigned int nqueues);
/* ring_ctrl_free: disconnect rc if needed and free it; NULL ignored. */
void		 ring_ctrl_free(struct ring_ctrl *rc);
/*
 * ring_ctrl_connect: map the frontend's ring page (ctrl-ring-ref ref)
 * and bind its event channel (event-channel-ctrl evtchn).  0, or -1
 * with errno (EISCONN, or from hv) and nothing left set up.
 */
int		 ring_ctrl_connect(struct ring_ctrl *rc, uint32_t ref,
		    uint32_t evtchn);
/* ring_ctrl_disconnect: unbind, unmap, and forget the hash settings. */
void		 ring_ctrl_disconnect(struct ring_ctrl *rc);
/* ring_ctrl_port: the local event port ring_ctrl_connect bound, or -1. */
int		 ring_ctrl_port(const struct ring_ctrl *rc);
/*
 * ring_ctrl_run: answer the requests the frontend posted, at most a
 * ring's worth.  0 if none is left (the frontend will notify), 1 if
 * some are (call again), -1 if the frontend broke the ring protocol
 * (ring_ctrl_error says how; the ring is dead until reconnected).
 */
int		 ring_ctrl_run(struct ring_ctrl *rc);
/* ring_ctrl_error: why ring_ctrl_run returned -1, NULL if it did not. */
const char	*ring_ctrl_error(const struct ring_ctrl *rc);
/*
 * ring_ctrl_hash: copy the hash settings into *rh (if not NULL) and
 * return their generation, which changes whenever a request changed
 * them or the ring was disconnected.
 */
uint64_t	 ring_ctrl_hash(const struct ring_ctrl *rc, struct ring_hash *rh);
/* ring_ctrl_snapshot: copy rc's counters into *st. */
void		 ring_ctrl_snapshot(const struct ring_ctrl *rc,
		    struct ring_ctrl_stats *st);

/* ring-mcast.c */

/* netif.h leaves the list's size to the backend; Linux keeps 64. */
#define RING_MCAST_MAX		64

/* A vif's multicast filter, shared by its queues (thread-safe). */
struct ring_mcast;

/* ring_mcast_new: an empty filter, off.  NULL with errno. */
struct ring_mcast *ring_mcast_new(void);
void		 ring_mcast_free(struct ring_mcast *m);
/* ring_mcast_reset: empty the list, filter on or off (a new connection). */
void		 ring_mcast_reset(struct ring_mcast *m, int on);
/*
 * ring_mcast_enable: filter (on) or flood multicast; the list is kept
 * either way (netif.h: "the filter list may be amended even if
 * request-multicast-control is not set").
 */
void		 ring_mcast_enable(struct ring_mcast *m, int on);
/*
 * ring_mcast_add: add the 6-octet addr (already there: nothing to do).
 * 0, or -1 with errno EINVAL (not a multicast address) or ENOSPC (the
 * list holds RING_MCAST_MAX: the frontend's request fails, as in Linux).
 */
int		 ring_mcast_add(struct ring_mcast *m, const uint8_t *addr);
/* ring_mcast_del: remove addr if listed (absent: nothing, as Linux). */
void		 ring_mcast_del(struct ring_mcast *m, const uint8_t *addr);
/*
 * ring_mcast_pass: 1 if a frame to dst goes to the guest: unicast,
 * broadcast, filtering off, or listed; 0 if it is dropped.
 */
int		 ring_mcast_pass(struct ring_mcast *m, const uint8_t *dst);
/* ring_mcast_info: whether it filters, how many addresses it lists. */
void		 ring_mcast_info(struct ring_mcast *m, int *on,
		    unsigned int *n);

/* ring-hash.c */

/* ring_hash_active: 1 if rh hashes frames (Toeplitz, some type set). */
int		 ring_hash_active(const struct ring_hash *rh);
/*
 * ring_hash_frame: the hash of the Ethernet frame f of len octets under
 * rh: 0 with the value in *val and its type (_XEN_NETIF_CTRL_HASH_TYPE_*,
 * the bit number) in *type, the most specific type rh enables for the
 * frame (TCP with ports when enabled, else addresses only); -1 if rh
 * hashes nothing or no enabled type fits the frame.
 */
int		 ring_hash_frame(const struct ring_hash *rh, const uint8_t *f,
		    size_t len, uint32_t *val, uint8_t *type);
/*
 * ring_hash_queue: the queue, below nq, for hash value val: the mapping
 * table's entry (val modulo its size; an entry not below nq picks 0),
 * or val modulo nq without a table.
 */
unsigned int	 ring_hash_queue(const struct ring_hash *rh, uint32_t val,
		    unsigned int nq);

#endif /* XENNET_RING_H */
