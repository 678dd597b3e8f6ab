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
 * no logging; errors that are the guest's fault set rq_error and make the
 * pass return -1 so the caller can disconnect that vif only.
 */

#ifndef XENNET_RING_H
#define XENNET_RING_H

#include <sys/types.h>
#include <sys/uio.h>

#include "hv.h"
#include "xenring.h"

/* netif.h: "XEN_NETIF_NR_SLOTS_MIN": a backend must accept 18 slots. */
#define RING_TX_SLOTS_MAX	XEN_NETIF_NR_SLOTS_MIN
/* Extra-info slots we follow after a first tx slot (unknown types skipped). */
#define RING_TX_EXTRA_MAX	8
/* More than this many slots in one packet is a malicious frontend. */
#define RING_TX_SLOTS_FATAL	20
/* Largest frame we move: netif.h XEN_NETIF_MAX_TX_SIZE and a GSO frame. */
#define RING_FRAME_MAX		(65536 + 14 + 4)
/* rx slots one frame may need: data pages + one GSO extra. */
#define RING_RX_SLOTS_MAX	((RING_FRAME_MAX + XN_RING_PAGE - 1) / \
				    XN_RING_PAGE + 1)
#define RING_BATCH_MAX		256	/* a ring holds 256 requests */
#define RING_COPY_MAX		512	/* copy ops per hypercall */
#define RING_HIST		9	/* batch histogram: 1,2,4..128,256 */

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
	RING_DROP_MAX
};

struct ring_stats {
	uint64_t	rs_tx_packets, rs_tx_bytes;	/* guest -> host */
	uint64_t	rs_rx_packets, rs_rx_bytes;	/* host -> guest */
	uint64_t	rs_tx_gso, rs_rx_gso;
	uint64_t	rs_tx_csum_blank, rs_rx_csum_blank;
	uint64_t	rs_rx_csum_sw;	/* checksums we completed */
	uint64_t	rs_tx_extra_ignored;	/* mcast/hash extras */
	uint64_t	rs_drops[RING_DROP_MAX];
	uint64_t	rs_hcalls[HV_CALL_MAX];	/* made for this queue */
	uint64_t	rs_copy_segs;
	uint64_t	rs_notify_tx, rs_notify_rx;	/* events sent */
	uint64_t	rs_events_tx, rs_events_rx;	/* events received */
	uint64_t	rs_tx_passes, rs_rx_passes;
	uint64_t	rs_tx_hist[RING_HIST], rs_rx_hist[RING_HIST];
};

/* The host side of the data path (a tap, a pcap handle, a test). */
struct ring_port {
	void		*rp_arg;
	/* Send one frame; iov[0] is a struct xn_vnet_hdr.  0 or -1. */
	int		(*rp_send)(void *, const struct iovec *, int);
	/* Receive vnet header + frame into buf; -1 + EAGAIN when empty. */
	ssize_t		(*rp_recv)(void *, void *, size_t);
};

struct ring_txpkt;
struct ring_rxrsp;

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
	struct ring_stats	 rq_stats;

	/* scratch, allocated once by ring_init */
	hv_copy_seg		*rq_segs;
	uint16_t		*rq_seg_owner;	/* packet/frame of a seg */
	unsigned int		 rq_nsegs;
	uint8_t			*rq_arena;	/* tx/rx frame buffers */
	size_t			 rq_arena_size;
	struct ring_txpkt	*rq_txpkts;
	struct ring_rxrsp	*rq_rxrsps;
	uint8_t			*rq_bad;	/* per frame: copy failed */
};

/* ring.c */
int	 ring_init(struct ring_queue *, struct hv *, uint32_t,
	    const struct ring_config *);
void	 ring_free(struct ring_queue *);
int	 ring_config_check(const struct ring_config *, const char **);
void	 ring_config_default(struct ring_config *);
int	 ring_connect(struct ring_queue *, uint32_t, uint32_t, uint32_t,
	    uint32_t, const struct ring_features *);
void	 ring_disconnect(struct ring_queue *);
int	 ring_fatal(struct ring_queue *, const char *);
int	 ring_copy_flush(struct ring_queue *);
int	 ring_copy_add(struct ring_queue *, const hv_copy_seg *, uint16_t);
int	 ring_notify(struct ring_queue *, int);
void	 ring_hist_add(uint64_t *, unsigned int);
const char *ring_drop_name(enum ring_drop);
void	 ring_stats_add(struct ring_stats *, const struct ring_stats *);

/* ring-tx.c */
int	 ring_tx(struct ring_queue *, const struct ring_port *);

/* ring-rx.c */
int	 ring_rx_ready(struct ring_queue *);
int	 ring_rx(struct ring_queue *, const struct ring_port *);

#endif /* XENNET_RING_H */
