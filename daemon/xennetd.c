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

#define XS_PROBE_SECS	2	/* main_xs_alive */

static void	usage(void) __attribute__((noreturn));
static unsigned int parse_num(const char *, const char *, unsigned int,
		    unsigned int);
static void	main_defaults(struct xnd_config *);
static void	main_options(struct xnd_config *);
static int	main_config(struct xnd_config *, int);
static void	parse_port(struct xnd_config *, const char *);
static void	main_xs(evutil_socket_t, short, void *);
static int	main_xs_watch(struct xnd *);
static void	main_xs_lost(struct xnd *);
static void	main_xs_alive(evutil_socket_t, short, void *);
static void	main_xs_retry(evutil_socket_t, short, void *);
static void	main_fail(evutil_socket_t, short, void *);
static void	main_signal(evutil_socket_t, short, void *);
static int	main_daemonize(void);
static void	main_ready(int);
static void	main_notify(const char *);
static int	main_bpf(const struct xnd_config *);

/* The command line, applied again over the file at every reload. */
static int	 main_argc;
static char	**main_argv;
static int	 main_vflag;	/* -v count */

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
	{ "poll-budget", required_argument,	NULL, 'b' },
	{ "rx-stall-timeout", required_argument, NULL, 'T' },
	{ "sim",	no_argument,		NULL, 'S' },
	{ "sim-dir",	required_argument,	NULL, 's' },
	{ "pidfile",	required_argument,	NULL, 'p' },
	{ "control",	required_argument,	NULL, 'C' },
	{ "keep-guests", no_argument,		NULL, 'k' },
	{ "user",	required_argument,	NULL, 'u' },
	{ "no-privsep",	no_argument,		NULL, 'Z' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static void
usage(void)
{
	fprintf(stderr,
"usage: xennetd [-dhknSUvZ] [-b usec] [-C socket] [-c copy-batch]\n"
"               [-D macro=value] [-f file] [-i uring|syscall] [-m copy|map]\n"
"               [-N batch|packet] [-P tap|bpf:ifname] [-p pidfile]\n"
"               [-q max-queues] [-r rx-batch] [-s sim-dir]\n"
"               [-T rx-stall-timeout] [-t tx-batch] [-u user] [-w workers]\n"
"  -d                   stay in the foreground, log to stderr\n"
"  -v                   more verbose (repeat for more)\n"
"  -n                   check the configuration and options, say\n"
"                       \"configuration OK\" (with -v: the settings) and exit\n"
"  -f FILE              configuration file (default " XENNETD_CONFFILE ")\n"
"  -D MACRO=VALUE       define a macro of the configuration file\n"
"  -k, --keep-guests    SIGTERM leaves the guests connected and their taps\n"
"                       in place, for the next xennetd to take over\n"
"  -t, --tx-batch N     guest tx packets per pass, 1-256 (default 64)\n"
"  -r, --rx-batch N     guest rx frames per pass, 1-256 (default 64)\n"
"  -c, --copy-batch N   grant-copy segments per hypercall, 1-512 (default 64)\n"
"  -N, --notify POLICY  'batch': one push and notify per pass (default);\n"
"                       'packet': push and notify after every packet\n"
"  -T, --rx-stall-timeout MS  a guest that leaves a frame waiting for\n"
"                       rx buffers and posts none for MS ms (0 or\n"
"                       100-3600000; 0: never; default 60000) gets its\n"
"                       carrier off: frames for it dropped until it posts\n"
"  -U, --unbatched      -t 1 -r 1 -c 1 -N packet (the per-packet baseline)\n"
"  -i, --port-io MODE   tap I/O: 'uring': one io_uring call per pass\n"
"                       (default on Linux); 'syscall': a read or writev\n"
"                       per frame (the BSDs: only this); 'vhost': the\n"
"                       kernel's vhost-net worker moves the frames\n"
"  -m, --copy-engine E  'copy': grant-copy hypercalls (default on Linux);\n"
"                       'map': map the batch's grants, memcpy, unmap\n"
"                       (default on NetBSD and FreeBSD)\n"
"  -P, --port PORT      how vifs reach the host: 'tap' (default): a tap\n"
"                       vif<domid>.<handle> for the hotplug script;\n"
"                       'bpf:IFNAME': onto interface IFNAME through\n"
"                       libpcap, one queue, offloads done in software\n"
"  -w, --workers N      data-path threads (default: one per CPU)\n"
"  -b, --poll-budget USEC  busy-poll a queue's rings for up to USEC\n"
"                       microseconds after it found work, 0-1000000\n"
"                       (0: never; default %u)\n"
"  -q, --max-queues N   netif queues offered to each guest, 1-16\n"
"                       (default: one per worker)\n"
"  -S, --sim            use the simulated hypervisor (tests, demo)\n"
"  -s, --sim-dir DIR    its run directory (default $XENNET_SIM_DIR or\n"
"                       /run/xennetd-sim); implies -S\n"
"  -p, --pidfile FILE   pid file, locked: one daemon per file (default\n"
"                       " XENNETD_USER_PIDFILE ", with -S xennetd.pid in the\n"
"                       sim directory)\n"
"  -C, --control FILE   the control socket of xennetctl(8) (default\n"
"                       " XENNETD_SOCKET ", with -S xennetd.sock in\n"
"                       the sim directory)\n"
"  -u, --user USER      the user the daemon runs as, with a privileged\n"
"                       helper for taps (default " XENNETD_USER "; Linux\n"
"                       only: the BSDs run as root)\n"
"  -Z, --no-privsep     no privilege separation: all of it runs as root,\n"
"                       without a seccomp filter\n", POLL_USEC_DEFAULT);
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

/*
 * main_bpf: 1 if the configuration of startup puts some vif on a bpf
 * port (libpcap needs CAP_NET_RAW for it), else 0.
 */
static int
main_bpf(const struct xnd_config *c)
{
	struct conf_block *b;

	if (c->xc_port == PORT_BPF)
		return (1);
	if (c->xc_file != NULL)
		TAILQ_FOREACH(b, &c->xc_file->cf_blocks, cb_entry)
			if ((b->cb_set & CONF_PORT) &&
			    b->cb_vc.vc_port == PORT_BPF)
				return (1);
	return (0);
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
	struct event *ev_fail, *ev_sig[5];
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2 };
	char why[256], buf[32], simpid[PATH_MAX], simsock[PATH_MAX], *dv;
	unsigned long long u;
	unsigned int n;
	int i, readyfd = -1;
	struct timeval xs_probe = { XS_PROBE_SECS, 0 };
	struct hv_dominfo dom;

	memset(&x, 0, sizeof(x));
	TAILQ_INIT(&x.x_vifs);
	main_argc = argc;
	main_argv = argv;
	/* the files read now are the ones the helper opens again */
	parse_set_open(priv_conf_opener());
	if (main_config(c, 1) == -1) {
		if (c->xc_noaction)
			exit(1);
		fatalx("%s has errors: not starting", c->xc_conffile);
	}
	if (c->xc_noaction) {
		printf("configuration OK\n");
		if (main_vflag > 0)
			conf_print(c);
		exit(0);
	}
	if (geteuid() != 0)
		fatalx("need root privileges (tap devices, Xen devices)");
	if (strcmp(c->xc_provider, "xen") == 0 &&
	    osdep_kernel_netback(why, sizeof(why)))
		fatalx("the kernel's netback driver is active: it serves "
		    "backend/vif devices too: %s, then start xennetd again",
		    why);

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
	/* The control socket: beside the pid file on a simulated machine. */
	if (c->xc_socket == NULL && strcmp(c->xc_provider, "sim") == 0) {
		if (simrun_path(simsock, sizeof(simsock),
		    simrun_dir(c->xc_simdir), "xennetd.sock") == -1)
			fatal("control socket in %s",
			    simrun_dir(c->xc_simdir));
		c->xc_socket = simsock;
	} else if (c->xc_socket == NULL)
		c->xc_socket = XENNETD_SOCKET;

	if (c->xc_privsep)
		sandbox_user(c->xc_user);
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
	/* libxenctrl opens its devices at its first call: now, as root */
	(void)hv_dominfo(x.x_hv, x.x_domid, &dom);

	if ((x.x_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if (pipe2(x.x_failpipe, O_CLOEXEC) == -1)
		fatal("pipe");
	x.x_ev_xs = event_new(x.x_base, xs_fileno(x.x_xs),
	    EV_READ | EV_PERSIST, main_xs, &x);
	x.x_ev_xsretry = evtimer_new(x.x_base, main_xs_retry, &x);
	x.x_ev_xsalive = event_new(x.x_base, -1, EV_PERSIST, main_xs_alive,
	    &x);
	ev_fail = event_new(x.x_base, x.x_failpipe[0], EV_READ | EV_PERSIST,
	    main_fail, &x);
	if (x.x_ev_xs == NULL || x.x_ev_xsretry == NULL ||
	    x.x_ev_xsalive == NULL || ev_fail == NULL ||
	    event_add(x.x_ev_xs, NULL) == -1 ||
	    event_add(x.x_ev_xsalive, &xs_probe) == -1 ||
	    event_add(ev_fail, NULL) == -1)
		fatalx("cannot set up events");
	for (i = 0; i < 5; i++) {
		ev_sig[i] = evsignal_new(x.x_base, sigs[i], main_signal, &x);
		if (ev_sig[i] == NULL || event_add(ev_sig[i], NULL) == -1)
			fatalx("cannot set up signal events");
	}
	ctrl_init(&x);
	/*
	 * As root still: taps of vifs gone while we were not (sysfs,
	 * joining a tap), the control socket, and rtnetlink, a socket the
	 * sandbox refuses to make.
	 */
	vif_sweep(&x);
	x.x_control = control_init(&x, c->xc_socket);
	x.x_linkmon = linkmon_init(&x);
	/*
	 * Privilege separation: what needs root from now on goes to the
	 * helper; the daemon becomes its user under the sandbox, and only
	 * then starts its workers.
	 */
	if (c->xc_privsep) {
		priv_start(c, main_argv);
		sandbox_enter(c, main_bpf(c));
	}
	for (i = 0; i < x.x_nworkers; i++)
		worker_go(x.x_workers[i]);
	/* libxenstore's first watch starts its reader thread: sandboxed */
	if (main_xs_watch(&x) == -1)
		fatal("cannot watch %s", x.x_root);

	log_info("started: %s hypervisor, domain %u, %d worker%s, max-queues "
	    "%u, tx-batch %u rx-batch %u copy-batch %u notify %s copy-engine "
	    "%s port-io %s poll-budget %u us, configuration %s%s",
	    c->xc_provider, x.x_domid, x.x_nworkers,
	    x.x_nworkers == 1 ? "" : "s", c->xc_max_queues,
	    c->xc_ring.rc_tx_batch, c->xc_ring.rc_rx_batch,
	    c->xc_ring.rc_copy_batch, conf_notify_name(c->xc_ring.rc_notify),
	    hv_engine_name(c->xc_engine), portio_mode_name(c->xc_portio),
	    c->xc_poll_usec, c->xc_conffile,
	    c->xc_file != NULL ? "" : " (none)");
	main_ready(readyfd);
	event_base_dispatch(x.x_base);

	main_notify("STOPPING=1");
	control_cleanup(x.x_control);
	linkmon_cleanup(x.x_linkmon);
	if (c->xc_keep_guests) {
		log_info("shutting down: guests stay connected (keep-guests)");
		vif_keep_all(&x);
	} else {
		log_info("shutting down: disconnecting guests");
		vif_shutdown_all(&x);
	}
	ctrl_cleanup(&x);
	for (i = 0; i < x.x_nworkers; i++)
		worker_stop(x.x_workers[i]);
	xs_unwatch(x.x_xs, x.x_root, "be");
	xs_unwatch(x.x_xs, "@releaseDomain", "rel");
	for (i = 0; i < 5; i++)
		event_free(ev_sig[i]);
	event_free(x.x_ev_xs);
	event_free(x.x_ev_xsretry);
	event_free(x.x_ev_xsalive);
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
	if (errno != EAGAIN)
		main_xs_lost(x);
}

/*
 * main_xs_lost: xenstored went away (restarted, live-updated, the
 * connection reset).  The data path goes on meanwhile: the rings stay
 * mapped.  The dead handle is kept (calls on it fail harmlessly) until
 * a new one is open.
 */
static void
main_xs_lost(struct xnd *x)
{
	if (evtimer_pending(x->x_ev_xsretry, NULL))
		return;		/* reconnecting already */
	log_warnx("lost the xenstore connection; guests keep running, "
	    "reconnecting");
	event_del(x->x_ev_xs);
	x->x_xsretries = 0;
	main_xs_retry(-1, 0, x);
}

/*
 * main_xs_alive: is the connection still there?  libxenstore's watch
 * thread closes a connection that failed without waking up anyone
 * waiting for watch events, so ask xenstored something every
 * XS_PROBE_SECS seconds.
 */
static void
main_xs_alive(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	unsigned int n;
	char *v;

	if (evtimer_pending(x->x_ev_xsretry, NULL))
		return;
	if ((v = xs_read(x->x_xs, XBT_NULL, "domid", &n)) != NULL) {
		free(v);
		return;
	}
	if (errno != ENOENT && errno != EACCES)
		main_xs_lost(x);
}

/* main_xs_watch: the daemon's own watches; 0 or -1. */
static int
main_xs_watch(struct xnd *x)
{
	if (!xs_watch(x->x_xs, x->x_root, "be") ||
	    !xs_watch(x->x_xs, "@releaseDomain", "rel"))
		return (-1);
	return (0);
}

/*
 * main_xs_retry: connect to xenstore again (every second, said every
 * minute).  Once connected, every watch is set again; xenstore fires
 * each new watch at once, which re-reads every backend and frontend
 * directory: vifs changed or removed meanwhile are caught up.
 */
static void
main_xs_retry(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	struct xs_handle *xs;
	struct timeval tv = { 1, 0 };

	if ((xs = xs_open(0)) == NULL) {
		if (x->x_xsretries++ % 60 == 0)
			log_warn("xenstore: cannot connect yet");
		evtimer_add(x->x_ev_xsretry, &tv);
		return;
	}
	if (x->x_ev_xs != NULL)
		event_free(x->x_ev_xs);
	xs_close(x->x_xs);
	x->x_xs = xs;
	x->x_ev_xs = event_new(x->x_base, xs_fileno(xs), EV_READ | EV_PERSIST,
	    main_xs, x);
	if (x->x_ev_xs == NULL || event_add(x->x_ev_xs, NULL) == -1 ||
	    main_xs_watch(x) == -1) {
		log_warn("xenstore: reconnected but cannot watch; retrying");
		x->x_xsretries++;
		if (x->x_ev_xs != NULL)
			event_del(x->x_ev_xs);
		evtimer_add(x->x_ev_xsretry, &tv);
		return;
	}
	vif_rewatch(x);
	log_info("xenstore: connected again after %u attempt%s",
	    x->x_xsretries + 1, x->x_xsretries == 0 ? "" : "s");
}

/* main_fail: a worker disabled a misbehaving guest's vif. */
static void
main_fail(evutil_socket_t fd, short ev, void *arg)
{
	struct xnd *x = arg;
	struct wfail f;

	if (worker_read_failure(fd, &f) == 0)
		vif_worker_failed(x, &f);
}

static void
main_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct xnd *x = arg;
	int i;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		event_base_loopbreak(x->x_base);
		break;
	case SIGUSR1:
		vif_log_stats(x);
		for (i = 0; i < x->x_nworkers; i++)
			worker_log_stats(x->x_workers[i]);
		break;
	case SIGUSR2:
		log_setverbose(log_getverbose() + 1);
		log_info("verbosity %d", log_getverbose());
		break;
	case SIGHUP:
		log_info("SIGHUP: reading %s again", x->x_conf.xc_conffile);
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
	struct xnd_config nc;

	memset(&nc, 0, sizeof(nc));
	if (main_config(&nc, 0) == -1) {
		log_warnx("reload: %s has errors: the running configuration "
		    "stays", nc.xc_conffile);
		return (-1);
	}
	return (conf_reload(x, &nc));
}

/* main_defaults: the settings before the file and the command line. */
static void
main_defaults(struct xnd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->xc_provider = "xen";
	c->xc_portio = osdep_portio_default();
	c->xc_engine = osdep_engine_default();
	c->xc_poll_usec = POLL_USEC_DEFAULT;
	c->xc_port = PORT_TAP;
	snprintf(c->xc_capture_dir, sizeof(c->xc_capture_dir), "/var/tmp");
	snprintf(c->xc_user, sizeof(c->xc_user), "%s", XENNETD_USER);
	c->xc_privsep = osdep_privsep();
	ring_config_default(&c->xc_ring);
}

/*
 * main_config: the configuration: defaults, then the file (-f, else
 * the default one, which may be missing), then the command line over
 * it.  0, or -1 after every error in the file was reported: on stderr
 * (startup, -n) or in the log (reload).  c->xc_conffile names the file.
 */
static int
main_config(struct xnd_config *c, int tostderr)
{
	struct conf *cf;
	const char *path;
	int optional;

	main_defaults(c);
	main_options(c);	/* -f, -D */
	optional = c->xc_conffile == NULL;
	path = optional ? XENNETD_CONFFILE : c->xc_conffile;
	c->xc_conffile = path;
	if ((cf = parse_config(path, optional, tostderr)) == NULL)
		return (-1);
	main_defaults(c);
	conf_apply(c, cf);
	main_options(c);
	c->xc_conffile = path;
	if (optional && access(path, F_OK) == -1) {
		c->xc_file = NULL;	/* no file: nothing but defaults */
		parse_free(cf);
	}
	return (0);
}

/*
 * main_options: the command line over c (exits 1 on a bad option).  Run
 * once before the file is read (for -f and -D) and again over it, at
 * startup and at every reload: the command line wins over the file.
 */
static void
main_options(struct xnd_config *c)
{
	const char *err;
	int ch, verbose = 0;

#ifdef __GLIBC__
	optind = 0;		/* start over */
#else
	optreset = 1;
	optind = 1;
#endif
	while ((ch = getopt_long(main_argc, main_argv,
	    "b:C:c:dD:f:hi:km:nN:P:p:q:r:Ss:T:t:Uu:vw:Z", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'C':
			c->xc_socket = optarg;
			break;
		case 'b':
			c->xc_poll_usec = parse_num("poll-budget", optarg, 0,
			    POLL_USEC_MAX);
			break;
		case 'c':
			c->xc_ring.rc_copy_batch = parse_num("copy-batch",
			    optarg, 1, RING_COPY_MAX);
			break;
		case 'd':
			c->xc_debug = 1;
			break;
		case 'D':
			if (parse_cmdline_macro(optarg) == -1) {
				fprintf(stderr, "xennetd: -D %s: want "
				    "name=value (name: letters, digits, _; no "
				    "$ in value)\n", optarg);
				exit(1);
			}
			break;
		case 'f':
			c->xc_conffile = optarg;
			break;
		case 'i':
			if (strcmp(optarg, "uring") == 0)
				c->xc_portio = PORTIO_URING;
			else if (strcmp(optarg, "syscall") == 0)
				c->xc_portio = PORTIO_SYSCALL;
			else if (strcmp(optarg, "vhost") == 0)
				c->xc_portio = PORTIO_VHOST;
			else {
				fprintf(stderr, "xennetd: port-io: \"%s\" is "
				    "not 'uring', 'syscall' or 'vhost'\n",
				    optarg);
				exit(1);
			}
			break;
		case 'k':
			c->xc_keep_guests = 1;
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
		case 'T':
			c->xc_ring.rc_rx_stall_ms = parse_num(
			    "rx-stall-timeout", optarg, 0, RING_RX_CARRIER_MAX);
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
		case 'u':
			if (optarg[0] == '\0' ||
			    strlen(optarg) > CONF_USER_MAX) {
				fprintf(stderr, "xennetd: user: \"%s\" is not "
				    "a user name (1 to %d characters)\n",
				    optarg, CONF_USER_MAX);
				exit(1);
			}
			snprintf(c->xc_user, sizeof(c->xc_user), "%s",
			    optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'Z':
			c->xc_privsep = 0;
			break;
		case 'w':
			c->xc_workers = (int)parse_num("workers", optarg, 1,
			    XENNETD_MAX_WORKERS);
			break;
		default:
			usage();
		}
	}
	if (optind != main_argc)
		usage();
	main_vflag = verbose;
	if (verbose > 0 && !c->xc_noaction)
		c->xc_verbose = verbose;	/* over log-level */
	if (ring_config_check(&c->xc_ring, &err) == -1) {
		fprintf(stderr, "xennetd: %s\n", err);
		exit(1);
	}
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
