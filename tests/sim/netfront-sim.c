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
 * netfront-sim: a simulated Xen guest with a network frontend that
 * behaves like Linux 6.1 xen-netfront, for testing and benchmarking a
 * netback (xennetd) without Xen.  It attaches to a simulated domain
 * (simdom.h), talks xenstore as that domain, and moves frames
 * between the netif rings and either a tap "eth0" inside a network
 * namespace (the guest's network stack) or a packet generator/sink.
 *
 * This file: main(), options, logging, signals, the event loop and the
 * statistics.  See nf.h for the other files.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "nf.h"
#include "num.h"

#define NF_TICK		0.1	/* s: xenstore housekeeping period */

static const char *nf_stat_names[NF_STAT_MAX] = {
	"tx_packets", "tx_bytes", "tx_slots", "tx_gso", "tx_csum_blank",
	"tx_drop_nosg", "tx_drop_size", "tx_drop_gso", "tx_drop_down",
	"tx_rsp", "tx_rsp_error", "tx_rsp_dropped", "tx_rsp_bad_id",
	"tx_rsp_overflow", "tx_notify",
	"rx_packets", "rx_bytes", "rx_slots", "rx_gso", "rx_csum_blank",
	"rx_data_valid", "rx_drop_status", "rx_err_offset",
	"rx_err_slots", "rx_err_extra", "rx_err_gso", "rx_err_nosg",
	"rx_err_csum", "rx_id_mismatch", "rx_rsp_overflow", "rx_partial",
	"rx_extra_other", "rx_drop_port", "rx_notify",
	"rx_headroom", "rx_err_headroom",
	"events", "events_tx", "events_rx", "connects", "revoke_busy",
	"ctrl_req", "ctrl_ok", "ctrl_err", "ctrl_unexpected",
	"rx_hash_ok", "rx_hash_bad", "mcast_sent"
};

static int nf_sigpipe[2] = { -1, -1 };
static volatile sig_atomic_t nf_sig_stop, nf_sig_stats, nf_sig_break;
static volatile sig_atomic_t nf_sig_rx_pause = -1;
static volatile sig_atomic_t nf_sig_hup;

static void	nf_usage(void) __attribute__((noreturn));
static unsigned long long nf_num(const char *, const char *,
		    unsigned long long, unsigned long long);
static void	nf_parse_sizes(struct nf_opts *, const char *);
static void	nf_parse_dst(struct nf_opts *, const char *);
static void	nf_options(struct nf_opts *, int, char **);
static void	nf_signal(int);
static int	nf_setup(struct nf *);
static void	nf_loop(struct nf *);
static void	nf_work(struct nf *);
static void	nf_stats(struct nf *);
static void	nf_cleanup(struct nf *);

/* nf_quit: leave the main loop now with status and a reason. */
void
nf_quit(struct nf *nf, int status, const char *why)
{

	if (nf->nf_exit)
		return;
	nf->nf_exit = 1;
	nf->nf_status = status;
	nf->nf_why = why;
}

/* nf_nonblock: set O_NONBLOCK on fd.  Returns 0 or -1 with errno. */
int
nf_nonblock(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (-1);
	return (fcntl(fd, F_SETFL, fl | O_NONBLOCK));
}

/* nf_now: CLOCK_MONOTONIC in seconds. */
double
nf_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* nf_carrier: both ends connected (on) or not: tell the guest stack. */
void
nf_carrier(struct nf *nf, int on)
{
	unsigned int i;

	if (nf->nf_carrier == on)
		return;
	nf->nf_carrier = on;
	nf_tap_carrier(nf, on);
	if (on) {
		/* anything the backend answered before Connected */
		for (i = 0; i < nf->nf_nqueues; i++)
			nf->nf_q[i]->q_work_tx = nf->nf_q[i]->q_work_rx = 1;
	}
}

/*
 * nf_deliver: one frame received from the backend, with its vnet header:
 * to the guest stack (tap), to the sink, or dropped (no consumer).
 */
void
nf_deliver(struct nf *nf, const struct xn_vnet_hdr *vh, uint8_t *f,
    size_t len)
{

	if (nf->nf_tap != NULL) {
		if (nf_tap_output(nf, vh, f, len) == -1)
			nf->nf_st[NF_RX_DROP_PORT]++;
	} else if (nf->nf_gen != NULL)
		nf_sink_input(nf, f, len);
	/* a flood guest has no consumer: dropped */
}

static void
nf_usage(void)
{

	fprintf(stderr,
"usage: netfront-sim --xs SOCK | (XENSTORED_PATH=...) --simdir DIR\n"
"           --domid N [--handle H] [options]\n"
"  handshake:  --queues N --no-sg --no-gso --no-csum --no-split\n"
"              --no-rx-notify --no-rx-copy --persist --tx-offset N\n"
"              --close-timeout S\n"
"  guest stack: --netns NAME [--ifname eth0] [--ip ADDR/PREFIX]\n"
"              [--ip6 ADDR/PREFIX]\n"
"  generator:  --gen [--size N | --sizes A,B,..] [--count N]\n"
"              [--duration S] [--rate PPS] [--dst-mac MAC]\n"
"  sink:       --sink [--count N] [--duration S] [--linger MS]\n"
"              [--no-verify]\n"
"  flood:      --tx-flood runt|valid|storm [--duration S] [--dst-mac MAC]\n"
"  hostile:    --hostile CASE (--hostile list: the cases)\n"
"  rx buffers: --rx-post N (keep N rx requests posted, 0..256)\n"
"              SIGTTIN: post no more (a stalled guest), SIGTTOU: post again\n"
"              --xdp-headroom N (once connected, ask for N octets of\n"
"              headroom through Reconfiguring, as netfront with XDP)\n"
"  control:    --ctrl FILE (control ring commands, again on SIGHUP)\n"
"              --mcast-control (request-multicast-control=1)\n"
"  other:      --stats -v[v]\n"
"              --break-queue Q (SIGUSR2: break the protocol on queue Q)\n");
	exit(1);
}

/* nf_num: a decimal number of option opt in [min, max], or exit. */
static unsigned long long
nf_num(const char *opt, const char *s, unsigned long long min,
    unsigned long long max)
{
	unsigned long long v;

	if (num_parse(s, max, &v) == -1 || v < min)
		slog_fatalx("--%s: \"%s\" is not a number in [%llu, %llu]", opt,
		    s, min, max);
	return (v);
}

/* nf_parse_sizes: --sizes 64,1500,9000 (frame sizes in octets). */
static void
nf_parse_sizes(struct nf_opts *o, const char *s)
{
	char buf[256], *p, *tok, *save = NULL;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", s) >= sizeof(buf))
		slog_fatalx("--sizes: list too long");
	o->o_nsizes = 0;
	for (p = buf; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		if (o->o_nsizes == sizeof(o->o_sizes) / sizeof(o->o_sizes[0]))
			slog_fatalx("--sizes: at most 16 sizes");
		o->o_sizes[o->o_nsizes++] = (unsigned int)nf_num("sizes", tok,
		    60, NF_TX_MAX);
	}
	if (o->o_nsizes == 0)
		nf_usage();
}

/* nf_parse_dst: --dst-mac aa:bb:cc:dd:ee:ff. */
static void
nf_parse_dst(struct nf_opts *o, const char *s)
{
	unsigned int m[6], i;
	char c;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5], &c) != 6)
		slog_fatalx("--dst-mac: bad MAC address \"%s\"", s);
	for (i = 0; i < 6; i++) {
		if (m[i] > 0xff)
			slog_fatalx("--dst-mac: bad MAC address \"%s\"", s);
		o->o_dst[i] = (uint8_t)m[i];
	}
}

enum {
	OPT_XS = 256, OPT_SIMDIR, OPT_DOMID, OPT_HANDLE, OPT_QUEUES,
	OPT_NO_SG, OPT_NO_GSO, OPT_NO_CSUM, OPT_NO_SPLIT, OPT_NO_RX_NOTIFY,
	OPT_NO_RX_COPY, OPT_PERSIST, OPT_TX_OFFSET, OPT_CLOSE_TIMEOUT,
	OPT_NETNS, OPT_IFNAME, OPT_IP, OPT_IP6, OPT_GEN, OPT_SINK, OPT_SIZE,
	OPT_SIZES, OPT_COUNT, OPT_DURATION, OPT_RATE, OPT_DST, OPT_LINGER,
	OPT_NO_VERIFY, OPT_STATS, OPT_BREAK_QUEUE, OPT_TX_FLOOD, OPT_HOSTILE,
	OPT_RX_POST, OPT_XDP_HEADROOM, OPT_CTRL, OPT_MCAST
};

static const struct option nf_longopts[] = {
	{ "xs", required_argument, NULL, OPT_XS },
	{ "simdir", required_argument, NULL, OPT_SIMDIR },
	{ "domid", required_argument, NULL, OPT_DOMID },
	{ "handle", required_argument, NULL, OPT_HANDLE },
	{ "queues", required_argument, NULL, OPT_QUEUES },
	{ "no-sg", no_argument, NULL, OPT_NO_SG },
	{ "no-gso", no_argument, NULL, OPT_NO_GSO },
	{ "no-csum", no_argument, NULL, OPT_NO_CSUM },
	{ "no-split", no_argument, NULL, OPT_NO_SPLIT },
	{ "no-rx-notify", no_argument, NULL, OPT_NO_RX_NOTIFY },
	{ "no-rx-copy", no_argument, NULL, OPT_NO_RX_COPY },
	{ "persist", no_argument, NULL, OPT_PERSIST },
	{ "tx-offset", required_argument, NULL, OPT_TX_OFFSET },
	{ "close-timeout", required_argument, NULL, OPT_CLOSE_TIMEOUT },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "ifname", required_argument, NULL, OPT_IFNAME },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "ip6", required_argument, NULL, OPT_IP6 },
	{ "gen", no_argument, NULL, OPT_GEN },
	{ "sink", no_argument, NULL, OPT_SINK },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "dst-mac", required_argument, NULL, OPT_DST },
	{ "linger", required_argument, NULL, OPT_LINGER },
	{ "no-verify", no_argument, NULL, OPT_NO_VERIFY },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "break-queue", required_argument, NULL, OPT_BREAK_QUEUE },
	{ "tx-flood", required_argument, NULL, OPT_TX_FLOOD },
	{ "hostile", required_argument, NULL, OPT_HOSTILE },
	{ "rx-post", required_argument, NULL, OPT_RX_POST },
	{ "xdp-headroom", required_argument, NULL, OPT_XDP_HEADROOM },
	{ "ctrl", required_argument, NULL, OPT_CTRL },
	{ "mcast-control", no_argument, NULL, OPT_MCAST },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* nf_options: parse the command line into o, or exit(1) with usage. */
static void
nf_options(struct nf_opts *o, int argc, char **argv)
{
	int c, have_domid = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->o_queues = 1;
	o->o_close_timeout = 10;
	o->o_sizes[0] = 1514;
	o->o_nsizes = 1;
	o->o_linger_ms = 1000;
	o->o_ifname = "eth0";
	o->o_break_queue = -1;
	o->o_hostile = -1;
	o->o_rx_post = NF_RING;
	memset(o->o_dst, 0xff, sizeof(o->o_dst));
	o->o_simdir = getenv("XENNET_SIM_DIR");
	while ((c = getopt_long(argc, argv, "hv", nf_longopts, NULL)) != -1) {
		switch (c) {
		case OPT_XS:
			o->o_xs = optarg;
			break;
		case OPT_SIMDIR:
			o->o_simdir = optarg;
			break;
		case OPT_DOMID:
			o->o_domid = (uint32_t)nf_num("domid", optarg, 1,
			    0x7fef);
			have_domid = 1;
			break;
		case OPT_HANDLE:
			o->o_handle = (uint32_t)nf_num("handle", optarg, 0,
			    65535);
			break;
		case OPT_QUEUES:
			o->o_queues = (unsigned int)nf_num("queues", optarg, 1,
			    NF_MAX_QUEUES);
			break;
		case OPT_NO_SG:
			o->o_flags |= NF_O_NO_SG;
			break;
		case OPT_NO_GSO:
			o->o_flags |= NF_O_NO_GSO;
			break;
		case OPT_NO_CSUM:
			o->o_flags |= NF_O_NO_CSUM;
			break;
		case OPT_NO_SPLIT:
			o->o_flags |= NF_O_NO_SPLIT;
			break;
		case OPT_NO_RX_NOTIFY:
			o->o_flags |= NF_O_NO_RX_NOTIFY;
			break;
		case OPT_NO_RX_COPY:
			o->o_flags |= NF_O_NO_RX_COPY;
			break;
		case OPT_PERSIST:
			o->o_flags |= NF_O_PERSIST;
			break;
		case OPT_TX_OFFSET:
			o->o_tx_offset = (unsigned int)nf_num("tx-offset",
			    optarg, 0, NF_PAGE - 1);
			break;
		case OPT_CLOSE_TIMEOUT:
			o->o_close_timeout = (unsigned int)nf_num(
			    "close-timeout", optarg, 0, 3600);
			break;
		case OPT_NETNS:
			o->o_netns = optarg;
			break;
		case OPT_IFNAME:
			if (strlen(optarg) == 0 || strlen(optarg) >= 16 ||
			    strchr(optarg, '/') != NULL)
				slog_fatalx("--ifname: bad interface name");
			o->o_ifname = optarg;
			break;
		case OPT_IP:
			o->o_ip = optarg;
			break;
		case OPT_IP6:
			o->o_ip6 = optarg;
			break;
		case OPT_GEN:
			o->o_flags |= NF_O_GEN;
			break;
		case OPT_SINK:
			o->o_flags |= NF_O_SINK;
			break;
		case OPT_SIZE:
			o->o_sizes[0] = (unsigned int)nf_num("size", optarg,
			    60, NF_TX_MAX);
			o->o_nsizes = 1;
			break;
		case OPT_SIZES:
			nf_parse_sizes(o, optarg);
			break;
		case OPT_COUNT:
			o->o_count = nf_num("count", optarg, 1, ~0ULL);
			break;
		case OPT_DURATION:
			errno = 0;
			o->o_duration = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    o->o_duration <= 0 || o->o_duration > 1e6)
				slog_fatalx("--duration: bad number of "
				    "seconds");
			break;
		case OPT_RATE:
			o->o_rate = nf_num("rate", optarg, 0, 100000000);
			break;
		case OPT_DST:
			nf_parse_dst(o, optarg);
			o->o_flags |= NF_O_DST;
			break;
		case OPT_LINGER:
			o->o_linger_ms = (unsigned int)nf_num("linger", optarg,
			    0, 600000);
			break;
		case OPT_NO_VERIFY:
			o->o_flags |= NF_O_NO_VERIFY;
			break;
		case OPT_STATS:
			o->o_flags |= NF_O_STATS;
			break;
		case OPT_BREAK_QUEUE:
			o->o_break_queue = (int)nf_num("break-queue", optarg,
			    0, NF_MAX_QUEUES - 1);
			break;
		case OPT_TX_FLOOD:
			if (strcmp(optarg, "runt") == 0)
				o->o_flood = NF_FLOOD_RUNT;
			else if (strcmp(optarg, "valid") == 0)
				o->o_flood = NF_FLOOD_VALID;
			else if (strcmp(optarg, "storm") == 0)
				o->o_flood = NF_FLOOD_STORM;
			else
				slog_fatalx("--tx-flood: runt, valid or storm, "
				    "not \"%s\"", optarg);
			break;
		case OPT_HOSTILE:
			o->o_hostile = nf_hostile_parse(optarg);
			break;
		case OPT_RX_POST:
			o->o_rx_post = (unsigned int)nf_num("rx-post", optarg,
			    0, NF_RING);
			break;
		case OPT_XDP_HEADROOM:
			/* no bound of our own: the backend is under test */
			o->o_xdp_headroom = (unsigned int)nf_num(
			    "xdp-headroom", optarg, 1, 65535);
			break;
		case OPT_CTRL:
			o->o_ctrl = optarg;
			break;
		case OPT_MCAST:
			o->o_flags |= NF_O_MCAST;
			break;
		case 'v':
			o->o_verbose++;
			break;
		default:
			nf_usage();
		}
	}
	if (optind != argc || !have_domid)
		nf_usage();
	if (o->o_simdir == NULL)
		slog_fatalx("no simulator directory: give --simdir or set "
		    "XENNET_SIM_DIR");
	if (o->o_netns != NULL && (o->o_flags & (NF_O_GEN | NF_O_SINK)))
		slog_fatalx("--netns (guest stack) and --gen/--sink are "
		    "exclusive");
	if (o->o_flood != NF_FLOOD_NONE && (o->o_netns != NULL ||
	    (o->o_flags & (NF_O_GEN | NF_O_SINK))))
		slog_fatalx("--tx-flood excludes --netns, --gen and --sink");
	if (o->o_hostile >= 0 && (o->o_flood != NF_FLOOD_NONE ||
	    (o->o_flags & (NF_O_GEN | NF_O_SINK))))
		slog_fatalx("--hostile excludes --tx-flood, --gen and --sink");
	if ((o->o_ip != NULL || o->o_ip6 != NULL) && o->o_netns == NULL)
		slog_fatalx("--ip/--ip6 need --netns");
}

static void
nf_signal(int sig)
{
	int e = errno;
	char c = (char)sig;

	if (sig == SIGUSR1)
		nf_sig_stats = 1;
	else if (sig == SIGUSR2)
		nf_sig_break = 1;
	else if (sig == SIGTTIN || sig == SIGTTOU)
		nf_sig_rx_pause = sig == SIGTTIN;
	else if (sig == SIGHUP)
		nf_sig_hup = 1;
	else
		nf_sig_stop = 1;
	if (write(nf_sigpipe[1], &c, 1) == -1) {
		/* pipe full: a wakeup is pending anyway */
	}
	errno = e;
}

/*
 * nf_setup: attach to the domain, open the hypervisor handle (as our
 * domain, for event channels), the signal pipe and xenstore.  Returns 0
 * or -1 (logged).
 */
static int
nf_setup(struct nf *nf)
{
	struct sigaction sa;
	int i;

	/* the toolstack may still be creating the domain: wait up to 10 s */
	for (i = 0; i < 100; i++) {
		nf->nf_dom = simdom_attach(nf->nf_o.o_simdir,
		    nf->nf_o.o_domid);
		if (nf->nf_dom != NULL || (errno != ESRCH && errno != ENOENT))
			break;
		usleep(100000);
	}
	if (nf->nf_dom == NULL) {
		slog_warn("cannot attach to domain %u in %s", nf->nf_o.o_domid,
		    nf->nf_o.o_simdir);
		return (-1);
	}
	if (nf_mem_init(nf) == -1) {
		slog_warn("memory map");
		return (-1);
	}
	nf->nf_hv = hv_open("sim", nf->nf_o.o_simdir, nf->nf_o.o_domid);
	if (nf->nf_hv == NULL) {
		slog_warn("hv_open(sim, %s, %u)", nf->nf_o.o_simdir,
		    nf->nf_o.o_domid);
		return (-1);
	}
	if (pipe(nf_sigpipe) == -1) {
		slog_warn("pipe");
		return (-1);
	}
	for (i = 0; i < 2; i++) {
		if (nf_nonblock(nf_sigpipe[i]) == -1) {
			slog_warn("fcntl");
			return (-1);
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = nf_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTTIN, &sa, NULL);
	sigaction(SIGTTOU, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (nf->nf_o.o_flags & (NF_O_GEN | NF_O_SINK)) {
		if (nf_gen_init(nf) == -1)
			return (-1);
	}
	if (nf->nf_o.o_flood != NF_FLOOD_NONE && nf_flood_init(nf) == -1)
		return (-1);
	if (nf->nf_o.o_hostile >= 0 && nf_hostile_init(nf) == -1)
		return (-1);
	if ((nf->nf_o.o_ctrl != NULL || (nf->nf_o.o_flags & NF_O_MCAST)) &&
	    nf_ctrl_init(nf) == -1)
		return (-1);
	if (nf_xs_open(nf) == -1)
		return (-1);
	return (0);
}

/*
 * nf_work: run the data path once: consume what events announced,
 * then feed the tx rings from the guest stack or the generator.
 */
static void
nf_work(struct nf *nf)
{
	struct nf_queue *q;
	unsigned int i;

	if (nf->nf_phase != NF_CONNECTED)
		return;
	for (i = 0; i < nf->nf_nqueues; i++) {
		q = nf->nf_q[i];
		if (q->q_work_tx) {
			q->q_work_tx = 0;
			nf_tx_gc(q);
		}
		if (q->q_work_rx) {
			q->q_work_rx = 0;
			nf_rx_poll(q);
		}
	}
}

/*
 * nf_loop: the event loop: poll xenstore watches, the event channels,
 * the tap and the signal pipe; the generator and the flood ask for their
 * own timeout (the flood: none, it polls its ring).
 */
static void
nf_loop(struct nf *nf)
{
	struct pollfd pfd[4];
	double next_tick = nf_now(), now, wait, gw;
	int n, stopping = 0, tapfd, done;
	char buf[64];

	while (!nf->nf_exit) {
		now = nf_now();
		wait = next_tick - now;
		done = 0;
		if (nf->nf_gen != NULL) {
			gw = nf_gen_run(nf);
			if (gw >= 0 && gw < wait)
				wait = gw;
			done = nf_gen_done(nf);
		}
		if (nf->nf_flood != NULL) {
			gw = nf_flood_run(nf);
			if (gw >= 0 && gw < wait)
				wait = gw;
			done = nf_flood_done(nf);
		}
		if (nf->nf_hostile != NULL) {
			gw = nf_hostile_run(nf);
			if (gw >= 0 && gw < wait)
				wait = gw;
		}
		if (done) {
			if (!stopping && nf_xs_shutdown(nf) == 0) {
				nf_quit(nf, 0, "done");
				break;
			}
			stopping = 1;
		}
		pfd[0].fd = nf_sigpipe[0];
		pfd[1].fd = xs_fileno(nf->nf_xs);
		pfd[2].fd = hv_evtchn_fd(nf->nf_hv);
		tapfd = nf_tap_fd(nf);
		pfd[3].fd = tapfd;
		for (n = 0; n < 4; n++) {
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
		}
		if (wait < 0)
			wait = 0;
		if (poll(pfd, tapfd >= 0 ? 4 : 3, (int)(wait * 1000 + 0.5)) ==
		    -1 && errno != EINTR) {
			slog_warn("poll");
			nf_quit(nf, 1, "poll failed");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			while (read(nf_sigpipe[0], buf, sizeof(buf)) > 0)
				;
		}
		if (nf_sig_stats) {
			nf_sig_stats = 0;
			nf_stats(nf);
		}
		if (nf_sig_break) {
			nf_sig_break = 0;
			nf_break(nf);
		}
		if (nf_sig_rx_pause != -1) {
			nf_rx_pause(nf, nf_sig_rx_pause);
			nf_sig_rx_pause = -1;
		}
		if (nf_sig_hup) {
			nf_sig_hup = 0;
			nf_ctrl_reload(nf);
		}
		if (nf_sig_stop && !stopping) {
			stopping = 1;
			if (nf_xs_shutdown(nf) == 0) {
				nf_quit(nf, 0, "signal");
				break;
			}
		}
		if ((pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    nf_xs_event(nf) == -1) {
			if (!simdom_alive(nf->nf_dom))
				nf_quit(nf, 0, "domain destroyed");
			else
				nf_quit(nf, 1, "xenstore connection lost");
			break;
		}
		if (pfd[2].revents & POLLIN)
			nf_events(nf);
		nf_work(nf);
		nf_ctrl_run(nf);
		if (tapfd >= 0 && (pfd[3].revents & POLLIN))
			nf_tap_input(nf);
		if (nf_now() >= next_tick) {
			next_tick = nf_now() + NF_TICK;
			nf_xs_tick(nf);
		}
		if (stopping && nf->nf_phase != NF_CLOSING && !nf->nf_exit)
			nf_quit(nf, 0, nf_sig_stop ? "signal" : "done");
	}
}

/* nf_stat_name: the name of a counter. */
const char *
nf_stat_name(int i)
{

	return (i >= 0 && i < NF_STAT_MAX ? nf_stat_names[i] : "?");
}

/* nf_stats: print every counter and the hypercall counts to stdout. */
static void
nf_stats(struct nf *nf)
{
	const struct hv_counts *hc;
	int i;

	printf("stats: domain %u vif %u\n", nf->nf_o.o_domid,
	    nf->nf_o.o_handle);
	for (i = 0; i < NF_STAT_MAX; i++)
		printf("stat %s %llu\n", nf_stat_names[i],
		    (unsigned long long)nf->nf_st[i]);
	if (nf->nf_hv != NULL && (hc = hv_counts(nf->nf_hv)) != NULL) {
		for (i = 0; i < HV_CALL_MAX; i++)
			printf("stat hv_%s %llu\n",
			    hv_call_name((enum hv_call)i),
			    (unsigned long long)hc->hc_calls[i]);
	}
	fflush(stdout);
}

/* nf_cleanup: release everything (the process is about to exit). */
static void
nf_cleanup(struct nf *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nf_nqueues; i++) {
		if (nf->nf_q[i] != NULL) {
			nf_queue_revoke(nf->nf_q[i]);
			nf_queue_free(nf->nf_q[i]);
		}
	}
	nf->nf_nqueues = 0;
	if (nf->nf_dom != NULL && simdom_alive(nf->nf_dom))
		nf_revoke_retry(nf);
	free(nf->nf_revoke);
	nf_tap_close(nf);
	nf_gen_free(nf);
	nf_flood_free(nf);
	nf_hostile_free(nf);
	nf_ctrl_free(nf);
	nf_xs_close(nf);
	if (nf->nf_hv != NULL)
		hv_close(nf->nf_hv);
	if (nf->nf_dom != NULL)
		simdom_detach(nf->nf_dom);
	for (i = 0; i < 2; i++)
		if (nf_sigpipe[i] >= 0)
			close(nf_sigpipe[i]);
}

int
main(int argc, char **argv)
{
	struct nf *nf;
	int status;

	slog_init("netfront-sim", 0);
	if ((nf = calloc(1, sizeof(*nf))) == NULL)
		slog_fatal("calloc");
	nf_options(&nf->nf_o, argc, argv);
	slog_init("netfront-sim", nf->nf_o.o_verbose);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (nf_setup(nf) == -1) {
		nf_cleanup(nf);
		free(nf);
		return (1);
	}
	slog_info("domain %u vif %u: waiting for the device", nf->nf_o.o_domid,
	    nf->nf_o.o_handle);
	nf_loop(nf);
	slog_info("exiting: %s", nf->nf_why != NULL ? nf->nf_why : "?");
	if (nf->nf_gen != NULL)
		nf_gen_report(nf);
	if (nf->nf_flood != NULL)
		nf_flood_report(nf);
	if (nf->nf_o.o_flags & NF_O_STATS)
		nf_stats(nf);
	status = nf->nf_status;
	nf_cleanup(nf);
	free(nf);
	return (status);
}
