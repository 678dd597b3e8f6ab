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
 * xennetd: the Xen network backend (netback) as a dom0 daemon.
 * main(): options, startup checks, the main thread's event loop
 * (xenstore watches, signals, worker failure reports).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>
#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "xennetd.h"
#include "simrun.h"

static void	usage(void) __attribute__((noreturn));
static unsigned int parse_num(const char *, const char *, unsigned int,
		    unsigned int);
static void	parse_port(struct xnd_config *, const char *);
static void	main_xs(evutil_socket_t, short, void *);
static void	main_fail(evutil_socket_t, short, void *);
static void	main_signal(evutil_socket_t, short, void *);
static int	main_daemonize(void);
static void	main_ready(int);
static void	main_notify(const char *);

static const struct option longopts[] = {
	{ "tx-batch",	required_argument,	NULL, 't' },
	{ "rx-batch",	required_argument,	NULL, 'r' },
	{ "copy-batch",	required_argument,	NULL, 'c' },
	{ "notify",	required_argument,	NULL, 'N' },
	{ "port-io",	required_argument,	NULL, 'i' },
	{ "copy-engine", required_argument,	NULL, 'm' },
	{ "port",	required_argument,	NULL, 'P' },
	{ "unbatched",	no_argument,		NULL, 'U' },
	{ "workers",	required_argument,	NULL, 'w' },
	{ "max-queues",	required_argument,	NULL, 'q' },
	{ "sim",	no_argument,		NULL, 'S' },
	{ "sim-dir",	required_argument,	NULL, 's' },
	{ "pidfile",	required_argument,	NULL, 'p' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(void)
{
	fprintf(stderr,
"usage: xennetd [-dhnSUv] [-c copy-batch] [-i uring|syscall] [-m copy|map]\n"
"               [-N batch|packet] [-P tap|bpf:ifname] [-p pidfile]\n"
"               [-q max-queues] [-r rx-batch] [-s sim-dir] [-t tx-batch]\n"
"               [-w workers]\n"
"  -d                   stay in the foreground, log to stderr\n"
"  -v                   more verbose (repeat for more)\n"
"  -n                   check the options and exit\n"
"  -t, --tx-batch N     guest tx packets per pass, 1-256 (default 64)\n"
"  -r, --rx-batch N     guest rx frames per pass, 1-256 (default 64)\n"
"  -c, --copy-batch N   grant-copy segments per hypercall, 1-512 (default 64)\n"
"  -N, --notify POLICY  'batch': one push and notify per pass (default);\n"
"                       'packet': push and notify after every packet\n"
"  -U, --unbatched      -t 1 -r 1 -c 1 -N packet (the per-packet baseline)\n"
"  -i, --port-io MODE   tap I/O: 'uring': one io_uring call per pass\n"
"                       (default); 'syscall': a read or writev per frame\n"
"  -m, --copy-engine E  'copy': grant-copy hypercalls (default); 'map':\n"
"                       map the batch's grants, memcpy, unmap\n"
"  -P, --port PORT      how vifs reach the host: 'tap' (default): a tap\n"
"                       vif<domid>.<handle> for the hotplug script;\n"
"                       'bpf:IFNAME': onto interface IFNAME through\n"
"                       libpcap, one queue, offloads done in software\n"
"  -w, --workers N      data-path threads (default: one per CPU)\n"
"  -q, --max-queues N   netif queues offered to each guest, 1-16\n"
"                       (default: one per worker)\n"
"  -S, --sim            use the simulated hypervisor (tests, demo)\n"
"  -s, --sim-dir DIR    its run directory (default $XENNET_SIM_DIR or\n"
"                       /run/xennetd-sim); implies -S\n"
"  -p, --pidfile FILE   pid file, locked: one daemon per file (default\n"
"                       " XENNETD_USER_PIDFILE ", with -S xennetd.pid in the\n"
"                       sim directory)\n");
	exit(1);
}

/* parse_num: a decimal option value in [min, max], or exit with usage. */
static unsigned int
parse_num(const char *what, const char *s, unsigned int min,
    unsigned int max)
{
	unsigned long long v;

	if (num_parse(s, max, &v) == -1 || v < min) {
		fprintf(stderr, "xennetd: %s: \"%s\" is not a number in "
		    "%u..%u\n", what, s, min, max);
		exit(1);
	}
	return ((unsigned int)v);
}

/* parse_port: -P tap or bpf:IFNAME, or exit with a message. */
static void
parse_port(struct xnd_config *c, const char *s)
{
	const char *ifn;

	if (strcmp(s, "tap") == 0) {
		c->xc_port = PORT_TAP;
		c->xc_port_if[0] = '\0';
		return;
	}
	if (strncmp(s, "bpf:", 4) != 0) {
		fprintf(stderr, "xennetd: port: \"%s\" is not 'tap' or "
		    "'bpf:IFNAME'\n", s);
		exit(1);
	}
	ifn = s + 4;
	if (!bpf_valid_ifname(ifn)) {
		fprintf(stderr, "xennetd: port: \"%s\" is not an interface "
		    "name (1 to %d characters, no '/', ':' or spaces)\n", ifn,
		    IFNAMSIZ - 1);
		exit(1);
	}
	c->xc_port = PORT_BPF;
	snprintf(c->xc_port_if, sizeof(c->xc_port_if), "%s", ifn);
}

int
main(int argc, char *argv[])
{
	struct xnd x;
	struct xnd_config *c = &x.x_conf;
	struct event *ev_xs, *ev_fail, *ev_sig[5];
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	char why[256], buf[32], simpid[PATH_MAX], *dv;
	unsigned long long u;
	unsigned int n;
	const char *err;
	int ch, i, readyfd = -1;

	memset(&x, 0, sizeof(x));
	TAILQ_INIT(&x.x_vifs);
	c->xc_provider = "xen";
	c->xc_portio = PORTIO_URING;
	ring_config_default(&c->xc_ring);
	while ((ch = getopt_long(argc, argv, "c:dhi:m:nN:P:p:q:r:Ss:t:Uvw:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			c->xc_ring.rc_copy_batch = parse_num("copy-batch",
			    optarg, 1, RING_COPY_MAX);
			break;
		case 'd':
			c->xc_debug = 1;
			break;
		case 'i':
			if (strcmp(optarg, "uring") == 0)
				c->xc_portio = PORTIO_URING;
			else if (strcmp(optarg, "syscall") == 0)
				c->xc_portio = PORTIO_SYSCALL;
			else {
				fprintf(stderr, "xennetd: port-io: \"%s\" is "
				    "not 'uring' or 'syscall'\n", optarg);
				exit(1);
			}
			break;
		case 'm':
			if (strcmp(optarg, "copy") == 0)
				c->xc_engine = HV_ENGINE_COPY;
			else if (strcmp(optarg, "map") == 0)
				c->xc_engine = HV_ENGINE_MAP;
			else {
				fprintf(stderr, "xennetd: copy-engine: \"%s\" "
				    "is not 'copy' or 'map'\n", optarg);
				exit(1);
			}
			break;
		case 'n':
			c->xc_noaction = 1;
			break;
		case 'N':
			if (strcmp(optarg, "batch") == 0)
				c->xc_ring.rc_notify = RING_NOTIFY_BATCH;
			else if (strcmp(optarg, "packet") == 0)
				c->xc_ring.rc_notify = RING_NOTIFY_PACKET;
			else {
				fprintf(stderr, "xennetd: notify: \"%s\" is "
				    "not 'batch' or 'packet'\n", optarg);
				exit(1);
			}
			break;
		case 'P':
			parse_port(c, optarg);
			break;
		case 'p':
			c->xc_pidfile = optarg;
			break;
		case 'q':
			c->xc_max_queues = parse_num("max-queues", optarg, 1,
			    XENNETD_MAX_QUEUES);
			break;
		case 'r':
			c->xc_ring.rc_rx_batch = parse_num("rx-batch", optarg,
			    1, RING_BATCH_MAX);
			break;
		case 's':
			c->xc_simdir = optarg;
			/* FALLTHROUGH */
		case 'S':
			c->xc_provider = "sim";
			break;
		case 't':
			c->xc_ring.rc_tx_batch = parse_num("tx-batch", optarg,
			    1, RING_BATCH_MAX);
			break;
		case 'U':
			c->xc_ring.rc_tx_batch = c->xc_ring.rc_rx_batch = 1;
			c->xc_ring.rc_copy_batch = 1;
			c->xc_ring.rc_notify = RING_NOTIFY_PACKET;
			break;
		case 'v':
			c->xc_verbose++;
			break;
		case 'w':
			c->xc_workers = (int)parse_num("workers", optarg, 1,
			    XENNETD_MAX_WORKERS);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (ring_config_check(&c->xc_ring, &err) == -1) {
		fprintf(stderr, "xennetd: %s\n", err);
		exit(1);
	}
	if (c->xc_noaction) {
		if (c->xc_max_queues > 0)
			snprintf(buf, sizeof(buf), "%u", c->xc_max_queues);
		else
			snprintf(buf, sizeof(buf), "one per worker");
		printf("configuration OK: tx-batch %u rx-batch %u copy-batch "
		    "%u notify %s port-io %s copy-engine %s max-queues %s port "
		    "%s%s, %s hypervisor\n",
		    c->xc_ring.rc_tx_batch, c->xc_ring.rc_rx_batch,
		    c->xc_ring.rc_copy_batch,
		    c->xc_ring.rc_notify == RING_NOTIFY_BATCH ? "batch" :
		    "packet", portio_mode_name(c->xc_portio),
		    hv_engine_name(c->xc_engine), buf,
		    c->xc_port == PORT_BPF ? "bpf:" : "tap", c->xc_port_if,
		    c->xc_provider);
		exit(0);
	}
	if (geteuid() != 0)
		fatalx("need root privileges (tap devices, Xen devices)");
	if (strcmp(c->xc_provider, "xen") == 0 &&
	    osdep_kernel_netback(why, sizeof(why)))
		fatalx("the kernel's xen-netback driver is active (%s): it "
		    "serves backend/vif devices too.  Unload it (rmmod "
		    "xen-netback) and keep it from loading (echo 'blacklist "
		    "xen-netback' > /etc/modprobe.d/xennetd.conf), then start "
		    "xennetd again", why);

	/*
	 * One daemon per pid file, in the foreground too.  A simulated
	 * machine keeps it in its run directory, so that test runs each on
	 * their own machine do not meet.
	 */
	if (c->xc_pidfile == NULL && strcmp(c->xc_provider, "sim") == 0) {
		if (simrun_path(simpid, sizeof(simpid),
		    simrun_dir(c->xc_simdir), "xennetd.pid") == -1)
			fatal("pid file in %s", simrun_dir(c->xc_simdir));
		c->xc_pidfile = simpid;
	} else if (c->xc_pidfile == NULL)
		c->xc_pidfile = XENNETD_USER_PIDFILE;
	pidfile_lock(c->xc_pidfile);

	log_init(c->xc_debug, c->xc_verbose);
	if (!c->xc_debug)
		readyfd = main_daemonize();
	pidfile_write();
	signal(SIGPIPE, SIG_IGN);
	if (evthread_use_pthreads() == -1)
		fatalx("libevent has no pthreads support");

	if ((x.x_xs = xs_open(0)) == NULL)
		fatal("cannot connect to xenstore (XENSTORED_PATH=%s)",
		    getenv("XENSTORED_PATH") != NULL ?
		    getenv("XENSTORED_PATH") : "unset");
	if ((x.x_hv = hv_open(c->xc_provider, c->xc_simdir, 0)) == NULL)
		fatal("cannot open the %s hypervisor interface",
		    c->xc_provider);
	/* Our own domain id: xenstore knows it (relative path "domid"). */
	if ((dv = xs_read(x.x_xs, XBT_NULL, "domid", &n)) != NULL &&
	    n > 0 && n < sizeof(buf)) {
		memcpy(buf, dv, n);
		buf[n] = '\0';
		if (num_parse(buf, VIF_DOMID_LIMIT, &u) == -1)
			fatalx("xenstore says our domid is \"%s\"", buf);
		x.x_domid = (uint32_t)u;
	} else if (hv_own_domid(x.x_hv, &x.x_domid) == -1)
		x.x_domid = 0;
	free(dv);
	snprintf(x.x_root, sizeof(x.x_root), "/local/domain/%u/backend/vif",
	    x.x_domid);

	x.x_nworkers = c->xc_workers > 0 ? c->xc_workers : osdep_ncpus();
	if (x.x_nworkers > XENNETD_MAX_WORKERS)
		x.x_nworkers = XENNETD_MAX_WORKERS;
	/* Linux xen-netback: as many queues as it has CPUs to run them. */
	if (c->xc_max_queues == 0)
		c->xc_max_queues = x.x_nworkers < XENNETD_MAX_QUEUES ?
		    (unsigned int)x.x_nworkers : XENNETD_MAX_QUEUES;
	for (i = 0; i < x.x_nworkers; i++)
		x.x_workers[i] = worker_start(&x, i);

	if ((x.x_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if (pipe2(x.x_failpipe, O_CLOEXEC) == -1)
		fatal("pipe");
	ev_xs = event_new(x.x_base, xs_fileno(x.x_xs), EV_READ | EV_PERSIST,
	    main_xs, &x);
	ev_fail = event_new(x.x_base, x.x_failpipe[0], EV_READ | EV_PERSIST,
	    main_fail, &x);
	if (ev_xs == NULL || ev_fail == NULL || event_add(ev_xs, NULL) == -1 ||
	    event_add(ev_fail, NULL) == -1)
		fatalx("cannot set up events");
	for (i = 0; i < 5; i++) {
		ev_sig[i] = evsignal_new(x.x_base, sigs[i], main_signal, &x);
		if (ev_sig[i] == NULL || event_add(ev_sig[i], NULL) == -1)
			fatalx("cannot set up signal events");
	}
	if (!xs_watch(x.x_xs, x.x_root, "be") ||
	    !xs_watch(x.x_xs, "@releaseDomain", "rel"))
		fatal("cannot watch %s", x.x_root);

	log_info("started: %s hypervisor, domain %u, %d worker%s, max-queues "
	    "%u, tx-batch %u rx-batch %u copy-batch %u notify %s copy-engine "
	    "%s", c->xc_provider, x.x_domid, x.x_nworkers,
	    x.x_nworkers == 1 ? "" : "s", c->xc_max_queues,
	    c->xc_ring.rc_tx_batch, c->xc_ring.rc_rx_batch,
	    c->xc_ring.rc_copy_batch,
	    c->xc_ring.rc_notify == RING_NOTIFY_BATCH ? "batch" : "packet",
	    hv_engine_name(c->xc_engine));
	main_ready(readyfd);
	event_base_dispatch(x.x_base);

	main_notify("STOPPING=1");
	log_info("shutting down: disconnecting guests");
	vif_shutdown_all(&x);
	for (i = 0; i < x.x_nworkers; i++)
		worker_stop(x.x_workers[i]);
	xs_unwatch(x.x_xs, x.x_root, "be");
	xs_unwatch(x.x_xs, "@releaseDomain", "rel");
	for (i = 0; i < 5; i++)
		event_free(ev_sig[i]);
	event_free(ev_xs);
	event_free(ev_fail);
	event_base_free(x.x_base);
	close(x.x_failpipe[0]);
	close(x.x_failpipe[1]);
	xs_close(x.x_xs);
	hv_close(x.x_hv);
	pidfile_remove();
	log_info("exiting");
	return (0);
}

/* main_xs: xenstore watch events. */
static void
main_xs(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	char **w;

	while ((w = xs_check_watch(x->x_xs)) != NULL) {
		if (strcmp(w[XS_WATCH_TOKEN], "be") == 0)
			vif_event(x, w[XS_WATCH_PATH]);
		else if (strcmp(w[XS_WATCH_TOKEN], "rel") == 0)
			vif_release_event(x);
		else if (strncmp(w[XS_WATCH_TOKEN], "fe/", 3) == 0)
			vif_frontend_event(x, w[XS_WATCH_TOKEN]);
		free(w);
	}
	if (errno != EAGAIN) {
		log_warn("lost the xenstore connection");
		event_base_loopbreak(x->x_base);
	}
}

/* main_fail: a worker disabled a misbehaving guest's vif. */
static void
main_fail(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	uint32_t domid, handle, queue;
	uint64_t gen;
	char why[128];

	if (worker_read_failure(fd, &domid, &handle, &queue, &gen, why,
	    sizeof(why)) == 0)
		vif_worker_failed(x, domid, handle, queue, gen, why);
}

static void
main_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct xnd *x = arg;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		event_base_loopbreak(x->x_base);
		break;
	case SIGUSR1:
		vif_log_stats(x);
		break;
	case SIGUSR2:
		log_setverbose(log_getverbose() + 1);
		log_info("verbosity %d", log_getverbose());
		break;
	case SIGHUP:
		xnd_reload(x);
		break;
	}
}

/*
 * xnd_reload: (main thread) SIGHUP, or xennetctl reload: read the
 * configuration again and apply what can change live.  0, or -1 (the
 * running configuration is kept) after the reasons were logged.
 */
int
xnd_reload(struct xnd *x)
{
	(void)x;
	log_info("reload: no configuration file to reload");
	return (0);
}

/*
 * main_daemonize: go into the background.  The parent stays until the
 * daemon is serving (main_ready) and then exits 0, or exits 1 if the
 * daemon died on the way, so that whoever started us (rc.d, systemd's
 * Type=forking, a shell) learns whether it worked.  Returns the pipe to
 * signal readiness on.  Call before any thread is started.
 */
static int
main_daemonize(void)
{
	int p[2], fd;
	ssize_t n;
	char c;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	switch (fork()) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		close(p[1]);
		while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1)
			_exit(0);
		fprintf(stderr, "xennetd: exited while starting; the reason "
		    "is in the system log (daemon facility)\n");
		_exit(1);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		fatal("/dev/null");
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		fatal("dup2");
	if (fd > STDERR_FILENO)
		close(fd);
	return (p[1]);
}

/*
 * main_ready: startup is done: release the waiting parent (readyfd from
 * main_daemonize, or -1 in the foreground) and tell systemd.
 */
static void
main_ready(int readyfd)
{
	if (readyfd != -1) {
		if (write(readyfd, "", 1) != 1)
			log_warn("cannot release the starting process");
		close(readyfd);
	}
	main_notify("READY=1");
}

/*
 * main_notify: report a state change to the service manager, if it asked
 * for that (systemd's Type=notify sets NOTIFY_SOCKET); otherwise, or
 * without libsystemd, nothing.
 */
static void
main_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	int r;

	if ((r = sd_notify(0, state)) < 0)
		log_warnx("sd_notify %s: %s", state, strerror(-r));
#else
	(void)state;
#endif
}
