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
 * Ring engine internals shared by ring.c, ring-tx.c and ring-rx.c (and
 * t_ring, which checks some of them): the queue itself, the per-pass
 * scratch records, the grant-copy batcher, the protocol limits.
 */

#ifndef XENNET_RING_PRIVATE_H
#define XENNET_RING_PRIVATE_H

#include "hv.h"
#include "ring.h"
#include "xenring.h"

/* netif.h "XEN_NETIF_NR_SLOTS_MIN": a backend must accept 18 slots. */
#define RING_TX_SLOTS_MAX	XEN_NETIF_NR_SLOTS_MIN
/* Extra-info slots we follow after a first tx slot (unknown types skipped). */
#define RING_TX_EXTRA_MAX	8
/*
 * More than this many slots in one packet is a malicious frontend
 * (Linux netback's FATAL_SKB_SLOTS_DEFAULT).
 */
#define RING_TX_SLOTS_FATAL	20
/* rx slots one frame may need: data pages + one GSO extra. */
#define RING_RX_SLOTS_MAX	((RING_FRAME_MAX + XN_RING_PAGE - 1) / \
				    XN_RING_PAGE + 1)

/* Frame buffers of one pass; a pass ends early when they are full. */
#define RING_ARENA_SIZE		(1024 * 1024)
/* Frames start on their own cache line in the arena. */
#define RING_ARENA_ALIGN	64
#define RING_ARENA_ROUND(n)	(((n) + RING_ARENA_ALIGN - 1) & \
				    ~(size_t)(RING_ARENA_ALIGN - 1))

/* One guest packet of a tx pass. */
struct ring_txpkt {
	RING_IDX	tp_first;	/* ring index of its first slot */
	uint8_t		tp_nslots;	/* data + extra slots */
	uint8_t		tp_nextra;	/* extra slots after the first */
	uint8_t		tp_nignored;	/* extras we skip (hash, unknown) */
	uint8_t		tp_mcast;	/* TXP_MC_*: extras it carries */
	uint8_t		tp_mc_add[6];	/* XEN_NETIF_EXTRA_TYPE_MCAST_ADD */
	uint8_t		tp_mc_del[6];	/* XEN_NETIF_EXTRA_TYPE_MCAST_DEL */
	uint8_t		tp_status;	/* TXP_* */
	uint16_t	tp_flags;	/* NETTXF_* of the first slot */
	uint16_t	tp_gso_size;
	uint8_t		tp_gso_type;
	uint32_t	tp_len;
	size_t		tp_off;		/* in rq_arena */
	uint16_t	tp_id[RING_TX_SLOTS_FATAL];	/* request ids */
};
#define TXP_MC_ADD	0x1
#define TXP_MC_DEL	0x2
#define TXP_OK		0
#define TXP_ERROR	1	/* answer NETIF_RSP_ERROR */
#define TXP_DROPPED	2	/* answer OKAY, but not forwarded */

/* One rx response, written once its frame's copies are done. */
struct ring_rxrsp {
	RING_IDX	rr_idx;
	uint16_t	rr_frame;	/* owner frame in the pass */
	uint8_t		rr_extra;	/* 1: an extra-info slot */
	uint8_t		rr_first;	/* 1: first data slot of its frame */
	union {
		netif_rx_response_t	rsp;
		struct netif_extra_info	extra;
	} rr_u;
};

/*
 * The transmit credit of a queue (ring_set_rate): every rr_period ns it
 * gains rr_bytes, up to rr_burst; a packet is taken only when its size
 * fits in rr_credit.  rr_bytes 0: no limit.
 */
struct ring_rate {
	uint64_t	rr_bytes;	/* credit per period */
	uint64_t	rr_period;	/* ns */
	uint64_t	rr_burst;	/* the most credit held */
	uint64_t	rr_credit;	/* bytes that may go now */
	uint64_t	rr_window;	/* ns: start of the current period */
	uint64_t	rr_wait;	/* ns: when a waiting packet may go */
};

/* The least burst (ring-rate.c), Linux's: two 64 KiB GSO packets. */
#define RING_RATE_BURST_MIN	(128 * 1024)

struct ring_queue {
	struct hv		*rq_hv;
	uint32_t		 rq_domid;
	struct ring_config	 rq_cfg;
	struct ring_features	 rq_feat;
	netif_tx_back_ring_t	 rq_tx;
	netif_rx_back_ring_t	 rq_rx;
	void			*rq_tx_page;
	void			*rq_rx_page;
	int			 rq_port_tx;	/* local event channel ports */
	int			 rq_port_rx;	/* == rq_port_tx if shared */
	int			 rq_connected;
	const char		*rq_error;	/* why it was disabled */
	/* rx: the frame left in the port for want of posted requests */
	unsigned int		 rq_rx_need;	/* its slots; 0: none held */
	uint64_t		 rq_rx_stall_at; /* ring_clock_ms(): drop it */
	RING_IDX		 rq_rx_stall_prod; /* req_prod the timer saw */
	uint64_t		 rq_rx_posted_at; /* ms: it last posted, held */
	int			 rq_rx_carrier;	/* 0: stalled, frames dropped */
	unsigned int		 rq_rx_headroom; /* xdp-headroom: 1st slot */
	struct ring_stats	 rq_stats;
	struct ring_rate	 rq_rate;	/* guest transmit limit */
	struct ring_hash	 rq_hash;	/* ring_set_hash */
	int			 rq_hashing;	/* rq_hash hashes frames */
	struct ring_mcast	*rq_mcast;	/* ring_set_mcast */
	struct ring_queue	*rq_peers[RING_PEERS_MAX];	/* steering */
	unsigned int		 rq_npeers;	/* 0, or >1: steer */
	unsigned int		 rq_self;	/* rq_peers[rq_self] == this */

	/* scratch, allocated once by ring_new */
	hv_copy_seg		*rq_segs;
	uint16_t		*rq_seg_owner;	/* packet/frame of a seg */
	unsigned int		 rq_nsegs;
	uint8_t			*rq_arena;	/* tx/rx frame buffers */
	size_t			 rq_arena_size;
	struct ring_txpkt	*rq_txpkts;
	struct ring_rxrsp	*rq_rxrsps;
	uint8_t			*rq_bad;	/* per frame: copy failed */
	unsigned int		 rq_segs_failed; /* since the pass began */
};

/* ring_fatal: the frontend broke the protocol (why); returns -1. */
int	ring_fatal(struct ring_queue *, const char *);
/*
 * ring_copy_add: queue one grant-copy segment for packet/frame owner,
 * issuing the batch when copy-batch segments are queued.  Returns 0, or
 * -1 if that hypercall failed (its owners are marked in rq_bad).
 */
int	ring_copy_add(struct ring_queue *, const hv_copy_seg *, uint16_t);
/*
 * ring_copy_settle: issue the queued segments and mark rq_bad[owner]
 * for every failed one.  0, or -1 if the hypercall itself failed.
 */
int	ring_copy_settle(struct ring_queue *);
/* ring_notify: kick the frontend about its rx (rx) or tx ring. */
int	ring_notify(struct ring_queue *, int);
/* ring_hist_add: count a batch of n in its power-of-two bucket. */
void	ring_hist_add(uint64_t *, unsigned int);
/*
 * ring_rate_take: len bytes ask for credit at now (ns): 0 if they fit
 * (the credit is taken), -1 if they must wait until rr_wait.
 */
int	ring_rate_take(struct ring_rate *, uint64_t, uint64_t);
/* ring_clock_ms: a monotonic clock in milliseconds (never 0). */
uint64_t ring_clock_ms(void);

/*
 * ring_ctrl_handle: answer one control request (ring-ctrl.c; its
 * netif.h "Control messages" checks, for t_ctrl without a ring).
 */
struct ring_ctrl;
void	ring_ctrl_handle(struct ring_ctrl *,
	    const struct xen_netif_ctrl_request *,
	    struct xen_netif_ctrl_response *);

#endif /* XENNET_RING_PRIVATE_H */
