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
 * netfront-sim: a simulated Xen guest whose network driver behaves like
 * Linux 6.1 xen-netfront.  Program header shared by netfront-sim.c (main,
 * options, event loop, statistics), nf-xs.c (the xenbus handshake),
 * nf-ring.c (rings, grants, tx and rx paths), nf-tap.c (guest network
 * stack: a tap in a network namespace), nf-gen.c (generator/sink) and
 * nf-flood.c (a guest that keeps its tx ring full: --tx-flood),
 * nf-hostile.c (a guest that breaks the protocol: --hostile CASE) and
 * nf-ctrl.c (the control ring and multicast control: --ctrl FILE).
 */

#ifndef XENNET_NF_H
#define XENNET_NF_H

#include <stdint.h>
#include <time.h>

#include <xenstore.h>

#include "hv.h"
#include "pkt.h"
#include "simdom.h"
#include "slog.h"
#include "xenring.h"

#define NF_PAGE			HV_PAGE_SIZE
#define NF_RING			XN_TX_RING_SIZE	/* 256 (rx too) */
#define NF_MAX_QUEUES		8
/* rx: data slots one packet may use (Linux: XEN_NETIF_NR_SLOTS_MIN + 1) */
#define NF_RX_MAX_SLOTS		(XEN_NETIF_NR_SLOTS_MIN + 1)
#define NF_RX_MAX_EXTRAS	4
/* largest frame assembled from rx slots */
#define NF_PKT_MAX		(NF_RX_MAX_SLOTS * NF_PAGE)
/* a tx packet: first slot's size field is 16 bits */
#define NF_TX_MAX		XEN_NETIF_MAX_TX_SIZE
/* slots one tx packet can take: data pages (+1 for a first-slot offset) */
#define NF_TX_MAX_SLOTS		((NF_TX_MAX + NF_PAGE - 1) / NF_PAGE + 2)

/* Option flags (nf_opts.o_flags). */
#define NF_O_NO_SG		0x0001
#define NF_O_NO_GSO		0x0002
#define NF_O_NO_CSUM		0x0004
#define NF_O_NO_SPLIT		0x0008
#define NF_O_NO_RX_NOTIFY	0x0010
#define NF_O_NO_RX_COPY		0x0020	/* request-rx-copy=0 */
#define NF_O_PERSIST		0x0040
#define NF_O_STATS		0x0080
#define NF_O_GEN		0x0100
#define NF_O_SINK		0x0200
#define NF_O_NO_VERIFY		0x0400
#define NF_O_DST		0x0800	/* --dst-mac given */
#define NF_O_MCAST		0x1000	/* --mcast-control */

/* --tx-flood kinds (nf_opts.o_flood). */
enum nf_flood_kind {
	NF_FLOOD_NONE,
	NF_FLOOD_RUNT,		/* 1- and 10-octet requests: error responses */
	NF_FLOOD_VALID,		/* minimal Ethernet frames */
	NF_FLOOD_STORM		/* events only, no request (XSA-332) */
};

/* Counters; keep in the order of nf_stat_names[] (netfront-sim.c). */
enum nf_stat {
	NF_TX_PACKETS, NF_TX_BYTES, NF_TX_SLOTS, NF_TX_GSO, NF_TX_CSUM_BLANK,
	NF_TX_DROP_NOSG, NF_TX_DROP_SIZE, NF_TX_DROP_GSO, NF_TX_DROP_DOWN,
	NF_TX_RSP, NF_TX_RSP_ERROR, NF_TX_RSP_DROPPED, NF_TX_RSP_BAD_ID,
	NF_TX_RSP_OVERFLOW, NF_TX_NOTIFY,
	NF_RX_PACKETS, NF_RX_BYTES, NF_RX_SLOTS, NF_RX_GSO, NF_RX_CSUM_BLANK,
	NF_RX_DATA_VALID, NF_RX_DROP_STATUS, NF_RX_ERR_OFFSET,
	NF_RX_ERR_SLOTS, NF_RX_ERR_EXTRA, NF_RX_ERR_GSO, NF_RX_ERR_NOSG,
	NF_RX_ERR_CSUM, NF_RX_ID_MISMATCH, NF_RX_RSP_OVERFLOW, NF_RX_PARTIAL,
	NF_RX_EXTRA_OTHER, NF_RX_DROP_PORT, NF_RX_NOTIFY,
	NF_RX_HEADROOM, NF_RX_ERR_HEADROOM,
	NF_EVENTS, NF_EVENTS_TX, NF_EVENTS_RX, NF_CONNECTS, NF_REVOKE_BUSY,
	NF_CTRL_REQ, NF_CTRL_OK, NF_CTRL_ERR, NF_CTRL_UNEXPECTED,
	NF_RX_HASH_OK, NF_RX_HASH_BAD, NF_MCAST_SENT,
	NF_STAT_MAX
};

/* Xenbus states of the frontend driver (our view of the handshake). */
enum nf_phase {
	NF_WAIT_FE,		/* no frontend directory yet */
	NF_WAIT_BE,		/* Initialising, waiting for InitWait */
	NF_CONNECTED,		/* we wrote Connected */
	NF_CLOSING,		/* Closing: revoking grants */
	NF_CLOSED		/* Closed; InitWait again reconnects */
};

struct nf_opts {
	const char	*o_xs;		/* xenstored socket (main) */
	const char	*o_simdir;
	uint32_t	 o_domid;
	uint32_t	 o_handle;
	unsigned int	 o_queues;	/* queues wanted */
	unsigned int	 o_flags;	/* NF_O_* */
	unsigned int	 o_tx_offset;	/* first slot's offset */
	unsigned int	 o_close_timeout; /* s to wait for backend unmap */
	const char	*o_netns;
	const char	*o_ifname;	/* tap in the netns: eth0 */
	const char	*o_ip, *o_ip6;
	/* generator / sink */
	unsigned int	 o_sizes[16];
	unsigned int	 o_nsizes;
	uint64_t	 o_count;	/* 0: unlimited */
	double		 o_duration;	/* s, 0: unlimited */
	uint64_t	 o_rate;	/* pps, 0: as fast as the ring allows */
	uint8_t		 o_dst[6];
	unsigned int	 o_linger_ms;	/* sink: wait after gen ends */
	int		 o_break_queue;	/* SIGUSR2 breaks it, or -1 */
	enum nf_flood_kind o_flood;	/* --tx-flood */
	int		 o_hostile;	/* --hostile case, or -1 */
	unsigned int	 o_rx_post;	/* --rx-post: rx requests kept posted */
	unsigned int	 o_xdp_headroom; /* --xdp-headroom: asked once up */
	const char	*o_ctrl;	/* --ctrl: control commands file */
	int		 o_verbose;
};

/* One page of the domain's memory granted to the backend. */
struct nf_buf {
	void		*b_va;
	uint32_t	 b_frame;
	int		 b_gref;	/* -1: not granted */
};

struct nf_queue {
	struct nf		*q_nf;
	unsigned int		 q_idx;
	int			 q_broken;	/* protocol error: stop */
	netif_tx_front_ring_t	 q_tx;
	netif_rx_front_ring_t	 q_rx;
	struct nf_buf		 q_txring;
	struct nf_buf		 q_rxring;
	int			 q_port_tx;	/* local ports */
	int			 q_port_rx;	/* = tx if shared */
	int			 q_work_tx, q_work_rx; /* events */
	struct nf_buf		 q_txbuf[NF_RING];
	uint8_t			 q_txbusy[NF_RING];
	uint16_t		 q_txfree[NF_RING];
	unsigned int		 q_ntxfree;
	int			 q_tx_unpushed;
	struct nf_buf		 q_rxbuf[NF_RING];
	uint8_t			*q_pkt;		/* rx assembly */
};

struct nf_tap;
struct nf_gen;
struct nf_flood;
struct nf_hostile;
struct nf_ctrl;

struct nf {
	struct nf_opts	 nf_o;
	struct xs_handle *nf_xs;
	struct hv	*nf_hv;
	struct simdom	*nf_dom;
	unsigned int	 nf_nframes;	/* the domain's memory */
	unsigned int	 nf_frame_hint;	/* next frame to try */

	/* xenbus */
	enum nf_phase	 nf_phase;
	char		 nf_fe_path[96];
	char		 nf_be_path[256];
	uint32_t	 nf_be_id;
	int		 nf_be_seen;	/* backend state ever read */
	int		 nf_be_state;
	int		 nf_be_watched;
	uint8_t		 nf_mac[6];
	unsigned int	 nf_mtu;
	struct timespec	 nf_closing_since;

	/* what the backend offered (and we use for tx) */
	int		 nf_be_sg, nf_be_gso4, nf_be_gso6, nf_be_csum6;
	int		 nf_be_split;
	unsigned int	 nf_be_maxq;

	/* data path */
	int		 nf_carrier;	/* both ends Connected */
	int		 nf_rx_paused;	/* SIGTTIN: post no rx buffers */
	/* xdp-headroom: 0 none, 1 asked (Reconfiguring), 2 in force */
	int		 nf_xdp;
	unsigned int	 nf_headroom;	/* in force: first rx offset */
	unsigned int	 nf_nqueues;
	struct nf_queue	*nf_q[NF_MAX_QUEUES];
	struct nf_buf	*nf_revoke;	/* grants still mapped */
	unsigned int	 nf_nrevoke, nf_revoke_max;

	uint64_t	 nf_st[NF_STAT_MAX];
	int		 nf_exit;	/* 1: leave the loop */
	int		 nf_status;	/* exit status */
	const char	*nf_why;	/* exit message */
	struct nf_tap	*nf_tap;
	struct nf_gen	*nf_gen;
	struct nf_flood	*nf_flood;
	struct nf_hostile *nf_hostile;
	struct nf_ctrl	*nf_ctrl;	/* --ctrl, --mcast-control */
};

/* netfront-sim.c */
void	 nf_quit(struct nf *, int, const char *);
double	 nf_now(void);
int	 nf_nonblock(int);
const char *nf_stat_name(int);
void	 nf_deliver(struct nf *, const struct xn_vnet_hdr *, uint8_t *,
	    size_t);
void	 nf_carrier(struct nf *, int);

/* nf-xs.c */
int	 nf_parse_mac(const char *, uint8_t *);
int	 nf_xs_open(struct nf *);
int	 nf_xs_event(struct nf *);
void	 nf_xs_tick(struct nf *);
int	 nf_xs_shutdown(struct nf *);
void	 nf_xs_close(struct nf *);

/* nf-ring.c */
int	 nf_mem_init(struct nf *);
struct nf_queue *nf_queue_new(struct nf *, unsigned int);
void	 nf_queue_free(struct nf_queue *);
int	 nf_queue_revoke(struct nf_queue *);
int	 nf_revoke_retry(struct nf *);
int	 nf_tx_room(struct nf_queue *, size_t, int);
int	 nf_tx_packet(struct nf_queue *, const struct xn_vnet_hdr *,
	    const uint8_t *, size_t);
void	 nf_tx_push(struct nf_queue *);
void	 nf_tx_gc(struct nf_queue *);
void	 nf_rx_poll(struct nf_queue *);
void	 nf_rx_refill(struct nf_queue *);
void	 nf_rx_pause(struct nf *, int);
void	 nf_events(struct nf *);
void	 nf_break(struct nf *);
unsigned int nf_tx_pick(struct nf *, const uint8_t *, size_t);
int	 nf_buf_alloc(struct nf *, struct nf_buf *, int);
int	 nf_tx_extra(struct nf_queue *, const struct netif_extra_info *);
netif_tx_request_t *nf_tx_req(struct nf_queue *);

/* nf-tap.c */
int	 nf_tap_open(struct nf *);
void	 nf_tap_offload(struct nf *);
void	 nf_tap_carrier(struct nf *, int);
int	 nf_tap_fd(struct nf *);
void	 nf_tap_input(struct nf *);
int	 nf_tap_output(struct nf *, const struct xn_vnet_hdr *,
	    const uint8_t *, size_t);
void	 nf_tap_close(struct nf *);

/* nf-gen.c */
int	 nf_gen_init(struct nf *);
double	 nf_gen_run(struct nf *);
void	 nf_sink_input(struct nf *, const uint8_t *, size_t);
int	 nf_gen_done(struct nf *);
void	 nf_gen_report(struct nf *);
void	 nf_gen_free(struct nf *);

/* nf-flood.c */
int	 nf_flood_init(struct nf *);
double	 nf_flood_run(struct nf *);
int	 nf_flood_done(struct nf *);
void	 nf_flood_report(struct nf *);
void	 nf_flood_free(struct nf *);

/* nf-hostile.c */
int	 nf_hostile_parse(const char *);
int	 nf_hostile_init(struct nf *);
int	 nf_hostile_keys(struct nf *, xs_transaction_t);
double	 nf_hostile_run(struct nf *);
void	 nf_hostile_free(struct nf *);

/* nf-ctrl.c */
int	 nf_ctrl_init(struct nf *);
int	 nf_ctrl_keys(struct nf *, xs_transaction_t);
int	 nf_ctrl_port(struct nf *);
void	 nf_ctrl_reload(struct nf *);
void	 nf_ctrl_run(struct nf *);
void	 nf_ctrl_rx_hash(struct nf *, const struct netif_extra_info *,
	    const uint8_t *, size_t);
void	 nf_ctrl_free(struct nf *);

#endif /* XENNET_NF_H */
