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


/* xennetd: the program header. */

#ifndef XENNETD_H
#define XENNETD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <net/if.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "ctlreq.h"
#include "hv.h"
#include "num.h"
#include "ring.h"
#include "xenbus.h"

#define XENNETD_USER_PIDFILE	RUNSTATEDIR "/xennetd.pid"
#define XENNETD_MAX_WORKERS	64
#define XENNETD_MAX_QUEUES	16	/* netif queues per vif */
#define XENNETD_PATH_MAX	256
#define VIF_DOMID_LIMIT		0x7FEFU	/* DOMID_FIRST_RESERVED - 1 */
#define XENNETD_CONFFILE	SYSCONFDIR "/xennetd.conf"
#define XENNETD_USER		"_xennetd"	/* -u default */
#define CONF_USER_MAX		32	/* a user name */
#define CONF_NAME_MAX		64	/* a domain name in a block */
#define CONF_RATE_BYTES_MAX	0xFFFFFFFFULL	/* rate BYTES per USEC */
#define CONF_RATE_USEC_MAX	10000000ULL	/* 10 s */
#define CONF_MTU_MIN		68	/* RFC 791 */
#define CONF_MTU_MAX		65535
#define CONF_LOGLEVEL_MAX	3

struct event_base;
struct event;
struct xs_handle;
struct worker;
struct portio;
struct capture;
struct capq;
struct control;
struct json_object;
struct bpf;
struct vif_ctrl;
struct linkmon;

/* A rate limit (throttle.c): burst at once, then one per interval ms. */
struct throttle {
	uint64_t		 th_tat;	/* ms: bucket is full again */
	unsigned int		 th_burst;
	unsigned int		 th_interval;
};

#ifdef XENNET_FAULTS
/* A port's injected faults (fault.c, --enable-debug builds only). */
struct fault_port {
	char			 fp_name[IFNAMSIZ];	/* the tap's */
	uint64_t		 fp_checked_ms;
	int			 fp_on;
};
void	fault_port_init(struct fault_port *, int);
int	fault_enobufs(struct fault_port *);
#endif

/* How frames move between a vif and its tap (portio.c). */
enum portio_mode {
	PORTIO_URING,		/* io_uring: a system call per pass */
	PORTIO_SYSCALL,		/* read/writev: a system call per frame */
	PORTIO_VHOST		/* vhost-net: the kernel's worker (vhost.c) */
};
#define PORTIO_MAX_BUFS		256
/* A frame buffer: a page for the vnet header (at its end), the frame. */
#define PORTIO_HDR_ROOM		4096
#define PORTIO_BUF_SIZE		(PORTIO_HDR_ROOM + \
				    ((RING_FRAME_MAX + 4095) & ~4095))
#define PORTIO_READ_LEN		(sizeof(struct xn_vnet_hdr) + RING_FRAME_MAX)

/* FreeBSD has no MAP_NORESERVE: its anonymous memory is never reserved. */
#ifndef MAP_NORESERVE
#define MAP_NORESERVE		0
#endif

/* A port's receive buffers between it and the engine (rxq.c). */
enum rxq_state {
	RXQ_FREE,		/* holding nothing */
	RXQ_POSTED,		/* the kernel fills it (io_uring, vhost) */
	RXQ_READY,		/* holds a frame, on the ready queue */
	RXQ_LENT		/* handed to the engine until rp_release */
};
struct rxq {
	uint8_t		rx_state[PORTIO_MAX_BUFS];	/* enum rxq_state */
	uint32_t	rx_len[PORTIO_MAX_BUFS];	/* when READY */
	uint32_t	rx_q[PORTIO_MAX_BUFS];	/* ready, arrival order */
	unsigned int	rx_head, rx_n;
	uint32_t	rx_lent[PORTIO_MAX_BUFS];
	unsigned int	rx_nlent;
};

struct portio_stats {
	uint64_t	ps_syscalls;	/* read/writev/io_uring_enter calls */
	uint64_t	ps_rx_frames;	/* frames read from the tap */
	uint64_t	ps_rx_errors;
	uint64_t	ps_tx_errors;
	uint64_t	ps_tx_nobufs;	/* of them ENOBUFS: no room, dropped */
	/* vhost (vhost.c) */
	uint64_t	ps_vh_queues;	/* 1: this queue used vhost-net */
	uint64_t	ps_vh_rx_batches; /* used-ring looks that found frames */
	uint64_t	ps_vh_tx_batches; /* avail-ring publishes of frames */
	uint64_t	ps_vh_tx_frames;  /* frames given to the worker */
	uint64_t	ps_vh_kicks;	/* kick eventfd writes */
	uint64_t	ps_vh_calls;	/* call eventfd reads */
	uint64_t	ps_vh_tx_waits;	/* no tx buffer free: waited */
	uint64_t	ps_vh_bad_used;	/* used entries refused */
};

/* What a bpf port counted, for one connection (port-bpf.c). */
struct bpf_stats {
	uint64_t	bs_syscalls;	/* pcap_dispatch and pcap_inject */
	uint64_t	bs_rx_frames;	/* captured */
	uint64_t	bs_rx_cut;	/* over the guest's MTU, cut */
	uint64_t	bs_rx_segs;	/* the segments made of them */
	uint64_t	bs_rx_csum;	/* partial checksums completed */
	uint64_t	bs_rx_oversize;	/* dropped: too big and not TCP */
	uint64_t	bs_rx_trunc;	/* dropped: truncated or runt */
	uint64_t	bs_rx_kdrop;	/* dropped by the kernel: no room */
	uint64_t	bs_rx_errors;	/* the capture failed */
	uint64_t	bs_tx_frames;	/* injected */
	uint64_t	bs_tx_segs;	/* of them, segments of GSO frames */
	uint64_t	bs_tx_errors;	/* guest frames not (all) injected */
	uint64_t	bs_tx_nobufs;	/* injections refused: ENOBUFS */
};

/* How a vif reaches the host's network. */
enum port_type {
	PORT_TAP,		/* a tap vif<domid>.<handle> (port-tap.c) */
	PORT_BPF		/* an existing interface, through libpcap */
};

/*
 * The settings of one vif: the global ones, overridden by what the
 * configuration file says for its domain or for it (conf_vif).  Taken
 * when the vif is created; its batch sizes may change while it runs.
 */
struct vif_conf {
	struct ring_config	 vc_ring;
	enum port_type		 vc_port;
	char			 vc_port_if[IFNAMSIZ];	/* PORT_BPF: on */
	uint64_t		 vc_rate_bytes;	/* per vc_rate_usec; 0: none */
	uint64_t		 vc_rate_usec;
	unsigned int		 vc_mtu;	/* 0: the toolstack's */
};

/* What a block or the global section of the configuration file sets. */
#define CONF_TX		0x0001		/* tx-batch */
#define CONF_RX		0x0002		/* rx-batch */
#define CONF_COPY	0x0004		/* copy-batch */
#define CONF_NOTIFY	0x0008		/* notify */
#define CONF_PORT	0x0010		/* port */
#define CONF_RATE	0x0020		/* rate */
#define CONF_MTU	0x0040		/* mtu */
#define CONF_STALL	0x0080		/* rx-stall-timeout */

/* How a block of the configuration file picks its vifs. */
enum conf_match {
	CONF_M_NAME,		/* domain "name" (xenstore's) */
	CONF_M_DOMID,		/* domain <domid> */
	CONF_M_MAC,		/* vif mac xx:xx:xx:xx:xx:xx */
	CONF_M_VIF		/* vif <domid>.<handle> */
};				/* in this order: the later wins */

struct conf_block {
	TAILQ_ENTRY(conf_block)	 cb_entry;
	enum conf_match		 cb_match;
	uint32_t		 cb_domid;
	uint32_t		 cb_handle;
	char			 cb_name[CONF_NAME_MAX + 1];
	uint8_t			 cb_mac[6];
	unsigned int		 cb_set;	/* CONF_*: what it overrides */
	struct vif_conf		 cb_vc;
	char			 cb_where[XENNETD_PATH_MAX + 16];
};
TAILQ_HEAD(conf_blocks, conf_block);

/* A parsed configuration file (parse.y), before the command line. */
struct conf {
	struct vif_conf		 cf_vif;	/* global vif settings */
	unsigned int		 cf_vifset;	/* CONF_*: of those, set */
	int			 cf_workers;	/* 0: not set */
	unsigned int		 cf_max_queues;	/* 0: not set */
	int			 cf_portio;	/* -1: not set */
	int			 cf_poll_usec;	/* -1: not set */
	int			 cf_verbose;	/* -1: not set */
	int			 cf_keep_guests;	/* keep-guests */
	char			 cf_capture_dir[XENNETD_PATH_MAX];
	char			 cf_user[CONF_USER_MAX + 1];	/* "": unset */
	struct conf_blocks	 cf_blocks;
};

/* Global settings (the data path reads its copy). */
struct xnd_config {
	const char		*xc_provider;	/* "xen" or "sim" */
	const char		*xc_simdir;
	const char		*xc_pidfile;
	const char		*xc_socket;	/* the control socket */
	struct ring_config	 xc_ring;
	int			 xc_workers;	/* 0: one per CPU */
	unsigned int		 xc_max_queues;	/* -q; 0: per worker */
	int			 xc_debug;	/* -d */
	int			 xc_verbose;	/* -v count */
	int			 xc_noaction;	/* -n */
	int			 xc_keep_guests;	/* -k: exit leaves them */
	enum portio_mode	 xc_portio;	/* -i */
	enum hv_engine		 xc_engine;	/* -m: grant copy or map */
	unsigned int		 xc_poll_usec;	/* -b: busy-poll budget */
	const char		*xc_conffile;	/* -f */
	enum port_type		 xc_port;	/* default port of a vif */
	char			 xc_port_if[IFNAMSIZ];	/* PORT_BPF: on */
	char			 xc_capture_dir[XENNETD_PATH_MAX];
	char			 xc_user[CONF_USER_MAX + 1];	/* -u */
	int			 xc_privsep;	/* 0: -Z */
	struct conf		*xc_file;	/* the file's, NULL: none */
};

/* The wakeup policy of one queue (poll.c). */
struct poll_win {
	uint64_t		 pw_max;	/* ns: the budget, 0: never */
	uint64_t		 pw_win;	/* ns: adapted, 0..pw_max */
	uint64_t		 pw_until;	/* ns: polling until; 0: not */
	uint64_t		 pw_slept;	/* ns: asleep since; 0: awake */
};
struct poll_backoff {
	unsigned int		 pb_empty;	/* empty events in a row */
};
#define POLL_USEC_MAX		1000000	/* -b limit */
#define POLL_USEC_DEFAULT	0	/* -b default: tests/bench/results */

/* One event port of a queue, worker side (worker.c). */
struct dp_port {
	struct vif_dp		*pp_dp;
	int			 pp_port;	/* -1: none */
	uint64_t		 pp_mark;	/* posted, at its last event */
	struct poll_backoff	 pp_bo;
	struct event		*pp_bo_ev;	/* delayed unmask */
};

/* How a queue was woken, kept by its worker (worker.c). */
struct wake_stats {
	uint64_t		 wk_events_empty;	/* found nothing new */
	uint64_t		 wk_backoffs;		/* unmasks delayed */
	uint64_t		 wk_polls;		/* poll stretches */
	uint64_t		 wk_poll_hits;		/* work found polling */
	uint64_t		 wk_poll_ns;		/* time spent polling */
};

/* A worker's event-channel device, counted (worker.c). */
struct worker_stats {
	uint64_t		 ws_reads;	/* pending-port reads */
	uint64_t		 ws_ports;	/* ports they returned */
	uint64_t		 ws_unmasks;	/* unmask calls */
	uint64_t		 ws_unmasked;	/* ports they unmasked */
	uint64_t		 ws_overflows;	/* EFBIG: events lost */
	uint64_t		 ws_errors;	/* other read errors */
	uint64_t		 ws_recoveries;	/* every port re-checked */
	uint64_t		 ws_poll_loops;	/* poller rounds */
};

/*
 * The data path of one queue of a vif: owned by the main thread while
 * detached, by its worker while attached (between worker_attach and
 * worker_detach); the two never touch it at the same time.
 */
struct vif_dp {
	TAILQ_ENTRY(vif_dp)	 dp_entry;	/* on the worker's list */
	struct worker		*dp_worker;
	char			 dp_name[IFNAMSIZ + 16];
	uint32_t		 dp_domid;
	uint32_t		 dp_handle;
	uint32_t		 dp_queue;	/* netif queue number */
	uint64_t		 dp_gen;	/* the vif's connection */
	struct ring_config	 dp_ring;	/* batch sizes, notify */
	/* guest tx limit: bytes per usec (0: none) */
	uint64_t		 dp_rate_bytes;
	uint64_t		 dp_rate_usec;
	int			 dp_tapfd;	/* its queue of the tap */
	struct bpf		*dp_bpf;	/* or its bpf port (vif's) */
	struct bpf_stats	 dp_bpf_snap;
	struct ring_queue	*dp_rq;		/* while attached */
	struct portio		*dp_pio;	/* while attached */
	struct portio_stats	 dp_pio_snap;
	uint64_t		 dp_nobufs_told;	/* port ENOBUFS logged */
	struct throttle		 dp_nobufs_tb;	/* one line per 10 s */
	/* connect parameters, set by the main thread before attach */
	uint32_t		 dp_tx_ref, dp_rx_ref;
	uint32_t		 dp_evtchn_tx, dp_evtchn_rx;
	struct ring_features	 dp_feat;
	/* worker side */
	struct event		*dp_tx_ev;	/* deferred tx pass */
	struct event		*dp_credit_ev;	/* tx credit back */
	struct event		*dp_rx_ev;	/* deferred rx pass */
	struct event		*dp_tap_ev;	/* port readable */
	struct event		*dp_poll_ev;	/* no feature-rx-notify */
	int			 dp_port_tx;	/* our local event ports */
	int			 dp_port_rx;	/* (== dp_port_tx if shared) */
	int			 dp_busy_tx;	/* tx port masked, pass runs */
	int			 dp_busy_rx;	/* rx port masked, pass runs */
	int			 dp_tap_on;
	int			 dp_failed;
	int			 dp_carrier;	/* the engine's, as applied */
	int			*dp_stalled;	/* the vif's stalled queues */
	struct throttle		 dp_carrier_tb;	/* its log lines */
	int			 dp_adopt;	/* attach: ring_resync */
	struct dp_port		 dp_ev[2];	/* tx, rx (unused if shared) */
	struct poll_win		 dp_pw;
	int			 dp_worked;	/* found work since it looked */
	int			 dp_polling;	/* on w_polls */
	uint64_t		 dp_poll_t0;	/* ns: stretch began */
	TAILQ_ENTRY(vif_dp)	 dp_poll_entry;
	struct wake_stats	 dp_wk;
	struct wake_stats	 dp_wk_snap;
	struct ring_stats	 dp_snap;	/* last stats snapshot */
	struct capq		*dp_capq;	/* capturing (capture.c): */
	const struct ring_port	*dp_capport;	/* its port, used instead */
};

/* What a worker reports when it disabled one queue of a vif. */
struct wfail {
	uint32_t	wf_domid;
	uint32_t	wf_handle;
	uint32_t	wf_queue;
	uint64_t	wf_gen;		/* the vif's connection */
	int		wf_hostport;	/* 1: the host port failed, not the guest */
	char		wf_why[96];
};

/* A vif's tap: one descriptor per queue it may serve (port-tap.c). */
struct tap {
	int			 tp_fd[XENNETD_MAX_QUEUES];
	unsigned int		 tp_nfd;	/* open */
	unsigned int		 tp_nattached;	/* the first n attached */
	int			 tp_reused;	/* an earlier daemon's */
};

struct vif {
	TAILQ_ENTRY(vif)	 v_entry;
	uint32_t		 v_domid;
	uint32_t		 v_handle;
	char			 v_bepath[XENNETD_PATH_MAX];
	char			 v_fepath[XENNETD_PATH_MAX];
	char			 v_token[64];	/* frontend state watch */
	char			 v_ifname[IFNAMSIZ];
	uint8_t			 v_mac[6];
	struct vif_conf		 v_conf;	/* its settings */
	char			 v_rate_key[64]; /* `rate' as last read */
	/* the tx limit its queues share: bytes per usec (0: none) */
	uint64_t		 v_rate_bytes;
	uint64_t		 v_rate_usec;
	unsigned int		 v_mtu;
	unsigned int		 v_mtu_pending;	/* not applied (logged) */
	char			 v_mtu_bad[32];	/* invalid key, logged */
	int			 v_stalled;	/* queues: carrier off */
	unsigned int		 v_headroom;	/* xdp-headroom in force */
	XenbusState		 v_state;	/* what we last wrote */
	int			 v_watching;
	int			 v_dirty;	/* vif_flush re-derives it */
	int			 v_failed;	/* guest error: await reset */
	int			 v_adopt;	/* found Connected: take over */
	struct tap		 v_tap;		/* tp_nfd 0: failed */
	struct bpf		*v_bpf;		/* PORT_BPF; NULL: failed */
	unsigned int		 v_nqueues;	/* last connection's */
	uint64_t		 v_gen;		/* connections so far */
	unsigned int		 v_attached;	/* first n on workers */
	struct vif_dp		*v_dp;		/* one per tap queue */
	struct worker		*v_worker[XENNETD_MAX_QUEUES];
	struct timespec		 v_since;	/* connected (monotonic) */
	struct capture		*v_capture;	/* NULL: none runs */
	struct vif_ctrl		*v_ctrl;	/* control ring, mcast (ctrl.c) */
	/* its tap's bridge, as rtnetlink says (linkmon.c) */
	unsigned int		 v_master;	/* ifindex; 0: none */
	char			 v_bridge[IFNAMSIZ];	/* the last one */
	int			 v_bridge_left;	/* and it left it */
	/* the frontend's rate of reconnects and errors (vif.c) */
	struct xnd		*v_xnd;
	struct throttle		 v_connect_tb;	/* connect attempts */
	struct throttle		 v_log_tb;	/* its warning lines */
	struct event		*v_retry_ev;	/* throttled: try again */
	uint64_t		 v_connects;	/* attempts let through */
	uint64_t		 v_throttled;	/* attempts made to wait */
	uint64_t		 v_throttled_at; /* ms, the last one */
	uint64_t		 v_errors;	/* vif_error calls */
	uint64_t		 v_log_dropped;	/* lines v_log_tb held back */
};
TAILQ_HEAD(vif_list, vif);

/* The main thread's state. */
struct xnd {
	struct xnd_config	 x_conf;
	struct event_base	*x_base;
	struct xs_handle	*x_xs;
	struct hv		*x_hv;		/* dominfo only */
	uint32_t		 x_domid;	/* our own domain */
	char			 x_root[XENNETD_PATH_MAX];
	struct vif_list		 x_vifs;
	struct worker		*x_workers[XENNETD_MAX_WORKERS];
	int			 x_nworkers;
	int			 x_failpipe[2];	/* workers -> main */
	int			 x_dirty;	/* vif_flush is queued */
	struct event		*x_ev_xs;	/* x_xs readable */
	struct event		*x_ev_xsretry;	/* reconnect timer */
	struct event		*x_ev_xsalive;	/* connection probe */
	unsigned int		 x_xsretries;
	struct control		*x_control;
	struct event		*x_ev_ctrl;	/* x_hv's events (ctrl.c) */
	struct linkmon		*x_linkmon;
	int			 x_quit;
};

/* xennetd.c */
int	xnd_reload(struct xnd *);

/* linkmon.c */
struct linkmon *linkmon_init(struct xnd *);
void	linkmon_cleanup(struct linkmon *);

/* capture.c */
int	capture_start(struct xnd *, struct vif *, const char *, uint64_t,
	    unsigned int, char *, size_t);
int	capture_stop(struct vif *, const char *, uint64_t *, uint64_t *);
int	capture_info(struct vif *, const char **, uint64_t *, uint64_t *);
const struct ring_port *capq_install(struct capq *,
	    const struct ring_port *);
void	capq_remove(struct capq *);

/* conf.c */
void	conf_vif(struct xnd *, uint32_t, uint32_t, const uint8_t *,
	    struct vif_conf *);
void	conf_apply(struct xnd_config *, struct conf *);
void	conf_print(const struct xnd_config *);
void	conf_log_vif(const struct vif *);
int	conf_reload(struct xnd *, struct xnd_config *);
const char *conf_notify_name(enum ring_notify);

/* parse.y */
struct stat;
typedef FILE	*(*parse_open_fn)(const char *, struct stat *);
struct conf *parse_config(const char *, int, int);
void	parse_free(struct conf *);
int	parse_cmdline_macro(const char *);
void	parse_set_open(parse_open_fn);

/* control.c */
struct control *control_init(struct xnd *, const char *);
void	control_cleanup(struct control *);

/* ctlcmd.c */
struct json_object *ctlcmd_run(struct xnd *, const struct ctlreq *);
struct json_object *ctlcmd_error(const char *);

/* ctrl.c */
void	ctrl_init(struct xnd *);
int	ctrl_connect(struct xnd *, struct vif *, char *, size_t);
int	ctrl_attach(struct xnd *, struct vif *);
void	ctrl_update(struct xnd *, struct vif *);
void	ctrl_disconnect(struct xnd *, struct vif *);
void	ctrl_free(struct xnd *, struct vif *);
void	ctrl_rewatch(struct xnd *, struct vif *);
void	ctrl_cleanup(struct xnd *);
int	ctrl_stats(const struct vif *, struct ring_ctrl_stats *, int *, int *,
	    unsigned int *);
void	ctrl_log(const struct vif *, const struct ring_stats *);

/* log.c */
void	log_init(int, int);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2)))
	    __attribute__((noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2)))
	    __attribute__((noreturn));

/* pidfile.c */
void	pidfile_lock(const char *);
void	pidfile_write(void);
void	pidfile_remove(void);

/* store.c */
int	store_read(struct xs_handle *, const char *, const char *, char *,
	    size_t);
int	store_read_uint(struct xs_handle *, const char *, const char *,
	    unsigned long, unsigned long *);
int	store_read_opt(struct xs_handle *, const char *, const char *,
	    unsigned long, unsigned long *);
int	store_read_bool(struct xs_handle *, const char *, const char *, int);
int	store_write(struct xs_handle *, uint32_t, const char *, const char *,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
int	store_exists(struct xs_handle *, const char *);
const char *store_why(int);
int	store_parse_mac(const char *, uint8_t *);

/* throttle.c */
uint64_t throttle_now(void);
uint64_t throttle_take(struct throttle *, uint64_t);
void	throttle_init(struct throttle *, unsigned int, unsigned int);

/* vif.c */
void	vif_event(struct xnd *, const char *);
void	vif_frontend_event(struct xnd *, const char *);
void	vif_release_event(struct xnd *);
void	vif_worker_failed(struct xnd *, const struct wfail *);
void	vif_shutdown_all(struct xnd *);
void	vif_keep_all(struct xnd *);
void	vif_sweep(struct xnd *);
void	vif_log_stats(struct xnd *);
void	vif_rewatch(struct xnd *);
void	vif_rate_apply(struct xnd *, struct vif *);
void	vif_mtu_apply(struct xnd *, struct vif *);
void	vif_error(struct xnd *, struct vif *, int, const char *, ...)
	    __attribute__((format(printf, 4, 5)));

/* worker.c */
struct worker *worker_start(struct xnd *, int);
void	worker_go(struct worker *);
void	worker_stop(struct worker *);
int	worker_attach(struct worker *, struct vif_dp *);
void	worker_detach(struct worker *, struct vif_dp *);
int	worker_snapshot(struct worker *, struct vif_dp *);
int	worker_set_ring(struct worker *, struct vif_dp *,
	    const struct ring_config *);
int	worker_capture(struct worker *, struct vif_dp *, struct capq *);
int	worker_set_rate(struct worker *, struct vif_dp *, uint64_t,
	    uint64_t);
int	worker_set_headroom(struct worker *, struct vif_dp *, unsigned int);
int	worker_set_ctrl(struct worker *, struct vif_dp *,
	    const struct ring_hash *, struct ring_queue *const *, unsigned int,
	    unsigned int, struct ring_mcast *);
int	worker_nvifs(struct worker *);
int	worker_read_failure(int, struct wfail *);
void	worker_log_queue(const char *, unsigned int, const struct vif_dp *);
void	worker_log_stats(struct worker *);

/* poll.c */
uint64_t poll_now(void);
void	poll_win_init(struct poll_win *, unsigned int);
void	poll_win_wake(struct poll_win *, uint64_t);
int	poll_win_begin(struct poll_win *, uint64_t);
void	poll_win_hit(struct poll_win *, uint64_t);
int	poll_win_check(struct poll_win *, uint64_t);
unsigned int poll_backoff_empty(struct poll_backoff *);
void	poll_backoff_work(struct poll_backoff *);

/* port-tap.c */
int	tap_ifreq(const char *, unsigned long, struct ifreq *);
int	tap_open(struct tap *, const char *, char *, size_t, unsigned int,
	    unsigned int);
int	tap_queues(struct tap *, unsigned int);
void	tap_close(struct tap *, int);
int	tap_discard(const char *, char *, size_t);
int	tap_leftovers(void (*)(void *, const char *), void *);
int	tap_set_offload(int, const struct ring_features *);
#define TAP_SET_MTU	1	/* tap_set: value is the MTU */
#define TAP_SET_UP	2	/* tap_set: value 1 up, 0 down */
int	tap_set(int, int, unsigned int);
/* what needs root once the daemon dropped it: the helper's (priv.c) */
struct tap_priv {
	int	(*tpv_open)(struct tap *, const char *, char *, size_t,
		    unsigned int, unsigned int);
	int	(*tpv_discard)(const char *, char *, size_t);
	int	(*tpv_set)(int, int, unsigned int);
	int	(*tpv_vhost)(void);
};
void	tap_set_priv(const struct tap_priv *);
#define TAP_VHOST_DEV	"/dev/vhost-net"
int	tap_vhost_open(void);
int	tap_set_mtu(int, unsigned int);
int	tap_set_carrier(int, int);

/* port-bpf.c */
int	bpf_valid_ifname(const char *);
struct bpf *bpf_open(const char *, const uint8_t *, unsigned int, char *,
	    size_t);
void	bpf_close(struct bpf *);
int	bpf_start(struct bpf *, unsigned int);
int	bpf_set_bufs(struct bpf *, unsigned int);
const struct ring_port *bpf_port(struct bpf *);
int	bpf_fd(struct bpf *);
const char *bpf_ifname(const struct bpf *);
unsigned int bpf_held(struct bpf *);
const struct bpf_stats *bpf_stats(struct bpf *);

/* rxq.c */
void	rxq_init(struct rxq *);
void	rxq_ready(struct rxq *, uint32_t, uint32_t);
int	rxq_peek(const struct rxq *, uint32_t *, uint32_t *);
void	rxq_take(struct rxq *);
void	rxq_release(struct rxq *);

/* vhost.c */
struct vhost;
struct vhost *vhost_open(int, unsigned int, struct portio_stats *, char *,
	    size_t);
void	vhost_close(struct vhost *);
const struct ring_port *vhost_port(struct vhost *);
int	vhost_fd(struct vhost *);
unsigned int vhost_held(struct vhost *);
int	vhost_set_bufs(struct vhost *, unsigned int);
int	vhost_lost(const struct vhost *);

/* portio.c */
struct portio *portio_open(int, enum portio_mode *, unsigned int, int);
void	portio_stats_add(struct portio_stats *, const struct portio_stats *);
int	portio_set_bufs(struct portio *, unsigned int);
int	portio_lost(const struct portio *);
void	portio_close(struct portio *);
const struct ring_port *portio_port(struct portio *);
int	portio_fd(struct portio *);
unsigned int portio_held(struct portio *);
const struct portio_stats *portio_stats(struct portio *);
const char *portio_mode_name(enum portio_mode);

/* priv.c (priv-bsd.c: none on the BSDs) */
void	priv_start(const struct xnd_config *, char **);
int	priv_running(void);
parse_open_fn priv_conf_opener(void);
int	priv_capture_open(const char *, const char *, char *, size_t);
int	priv_cleanup(void);

/* sandbox.c (priv-bsd.c) */
void	sandbox_user(const char *);
void	sandbox_enter(const struct xnd_config *, int);
#ifdef XN_DEBUG
void	sandbox_try(int);
#endif

/* ifname.c: how each host names a vif's interface (see there) */
enum ifname_style {
	IFNAME_LINUX,		/* vif<domid>.<handle>; scripts rename */
	IFNAME_NETBSD,		/* the cloner's tapN, told in vifname */
	IFNAME_FREEBSD		/* renamed xnb<domid>.<handle> */
};
#define IFNAME_VIFNAME_KEEP	0	/* leave the toolstack's vifname */
#define IFNAME_VIFNAME_WRITE	1	/* write the interface's name there */
int	ifname_make(enum ifname_style, uint32_t, uint32_t, char *, size_t);
int	ifname_vifname(enum ifname_style, const char *, const char *, int *);
int	ifname_is_kernel(enum ifname_style, const char *);
const char *ifname_style_name(enum ifname_style);

/* osdep.c: what every host has */
int	osdep_ncpus(void);

/* osdep-linux.c, osdep-bsd.c: what differs by host (one is built) */
int	osdep_kernel_netback(char *, size_t);
int	osdep_privsep(void);
enum ifname_style osdep_ifname_style(void);
enum portio_mode osdep_portio_default(void);
enum hv_engine osdep_engine_default(void);
unsigned int osdep_tap_max_queues(void);
int	osdep_tap_vnet(void);
int	osdep_tap_fd(const char *, char *, size_t);
int	osdep_tap_name(int, char *, size_t);
int	osdep_tap_carrier(int, int);
int	osdep_tap_find(const char *, char *, size_t);
int	osdep_tap_leftovers(const char *, void (*)(void *, const char *),
	    void *);
int	osdep_tap_mark(const char *, const char *);
int	osdep_tap_persist(int, int);
int	osdep_tap_persistent(int);
int	osdep_tap_queue(int, int);
int	osdep_tap_lladdr(const char *, const uint8_t *);
int	osdep_tap_offload(int, const struct ring_features *);
void	osdep_tap_close(int);

#endif /* XENNETD_H */
