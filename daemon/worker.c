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
 * Worker threads: each runs its own libevent loop and its own hypervisor
 * handle (event-channel fd, grant mappings) and serves the data path of
 * the vifs attached to it.  The main thread talks to a worker only
 * through worker_attach/detach/snapshot, which run a command on the
 * worker's thread and wait for it, so a vif's data path is touched by one
 * thread at a time.  A guest that breaks the protocol is disconnected
 * here and reported to the main thread through x_failpipe.
 *
 * Wakeups.  An event on a queue's port masks it; the port stays masked
 * while that queue's passes run and, if they found work, while it polls
 * (below), and is then unmasked in one batch with the others.  An event
 * that finds nothing new on the rings (ring_posted) runs no pass: it is
 * counted, and a port that keeps raising such events is unmasked later
 * and later (poll.c).  Polling: a queue whose rings ran dry after work
 * sits on the worker's poll list for its window (poll.c, at most -b
 * microseconds); one poller callback looks at the rings of every queue
 * on the list and queues the passes they need, then queues itself behind
 * them.  Meanwhile the loop does not sleep, but it still looks at its
 * fds (the taps, the event fd, the command pipe) every
 * WORKER_MAX_CALLBACKS callbacks, without waiting: polling is a loop
 * like any other work, and takes turns with it.
 */

#include <sys/types.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "xennetd.h"

enum wcmd_type {
	WCMD_ATTACH, WCMD_DETACH, WCMD_SNAPSHOT, WCMD_SETRING, WCMD_CAPTURE,
	WCMD_SETRATE, WCMD_HEADROOM, WCMD_SETCTRL, WCMD_QUIT
};

/*
 * A command for a worker.  Both threads hold a reference (under w_lock):
 * the main thread may stop waiting for one that only reads (a snapshot),
 * and whoever lets go last frees it.
 */
struct wcmd {
	enum wcmd_type	 wc_type;
	struct vif_dp	*wc_dp;
	struct ring_config wc_ring;	/* WCMD_SETRING */
	struct capq	*wc_capq;	/* WCMD_CAPTURE */
	uint64_t	 wc_rate[2];	/* WCMD_SETRATE: bytes, usec;
					 * WCMD_HEADROOM: octets */
	/*
	 * WCMD_SNAPSHOT: the worker's copy, taken over by the main thread
	 * only if it still waits (a late answer must not write what the
	 * main thread may be reading)
	 */
	struct ring_stats	 wc_rs;
	struct portio_stats	 wc_ps;
	struct wake_stats	 wc_wk;
	struct bpf_stats	 wc_bs;
	struct worker_stats	 wc_ws;
	int			 wc_have;	/* SNAP_* filled in */
	/* WCMD_SETCTRL: hash settings, peer queues, multicast filter */
	struct ring_hash wc_hash;
	struct ring_queue *wc_peers[XENNETD_MAX_QUEUES];
	unsigned int	 wc_npeers, wc_self;
	struct ring_mcast *wc_mcast;
	int		 wc_result;
	int		 wc_errno;
	int		 wc_done;
	int		 wc_refs;
};

#define SNAP_RING	0x01
#define SNAP_PORTIO	0x02
#define SNAP_BPF	0x04

static const char *const wcmd_names[] = {
	"attach", "detach", "snapshot", "set batch", "capture", "set rate",
	"set headroom", "set control", "quit"
};

struct worker {
	int			 w_id;
	struct xnd		*w_xnd;
	pthread_t		 w_thread;
	struct event_base	*w_base;
	struct hv		*w_hv;
	struct event		*w_evtchn_ev;
	struct event		*w_cmd_ev;
	int			 w_cmdpipe[2];
	pthread_mutex_t		 w_lock;
	pthread_cond_t		 w_cond;
	TAILQ_HEAD(, vif_dp)	 w_dps;
	int			 w_nvifs;	/* main thread's count */
	/* local event port -> its vif, for O(1) dispatch */
	struct vif_dp		**w_ports;
	unsigned int		 w_nports;
	/* ports whose passes went idle: unmasked together */
	int			 w_unmask[HV_EVTCHN_BATCH];
	unsigned int		 w_nunmask;
	struct event		*w_unmask_ev;
	/* queues polling their rings, and the callback that does it */
	TAILQ_HEAD(, vif_dp)	 w_polls;
	struct event		*w_poll_ev;
	/* the event fd failed: it rests until w_retry_ev */
	struct event		*w_retry_ev;
	time_t			 w_err_logged;	/* last such log line */
	uint64_t		 w_err_quiet;	/* errors not logged since */
	struct worker_stats	 w_stats;
	struct worker_stats	 w_snap;	/* for the main thread */
};

static void	*worker_main(void *);
static void	 worker_cmd(evutil_socket_t, short, void *);
static void	 worker_snap_fill(struct worker *, struct wcmd *);
static void	 worker_snap_take(struct worker *, const struct wcmd *);
static int	 worker_run(struct worker *, enum wcmd_type, struct vif_dp *,
		    const struct ring_config *, struct capq *);
static int	 worker_run_cmd(struct worker *, struct wcmd *);
static int	 worker_run_nums(struct worker *, enum wcmd_type,
		    struct vif_dp *, uint64_t, uint64_t);
static void	 worker_do_setrate(struct vif_dp *, const uint64_t *);
static int	 worker_do_headroom(struct vif_dp *, unsigned int);
static int	 worker_do_setring(struct vif_dp *, const struct ring_config *);
static int	 worker_do_capture(struct vif_dp *, struct capq *);
static const struct ring_port *worker_port(struct vif_dp *);
static void	 worker_stuck(struct worker *, const char *, int);
static void	 worker_evtchn(evutil_socket_t, short, void *);
static void	 worker_tx(evutil_socket_t, short, void *);
static void	 worker_nobufs(struct vif_dp *);
static uint64_t	 worker_nobufs_n(struct vif_dp *);
static void	 worker_rx(evutil_socket_t, short, void *);
static void	 worker_rx_arm(struct vif_dp *);
static int	 worker_rx_deadline(struct vif_dp *, int);
static void	 worker_carrier(struct vif_dp *);
static void	 worker_carrier_set(struct vif_dp *, int);
static void	 worker_wake(struct worker *, struct vif_dp *, int, uint64_t);
static void	 worker_empty(struct worker *, struct dp_port *);
static void	 worker_backoff(evutil_socket_t, short, void *);
static void	 worker_evtchn_error(struct worker *, int);
static void	 worker_evtchn_retry(evutil_socket_t, short, void *);
static void	 worker_recheck(struct worker *);
static void	 worker_idle(struct vif_dp *, int);
static void	 worker_release(struct vif_dp *, int);
static void	 worker_poll(evutil_socket_t, short, void *);
static void	 worker_poll_end(struct vif_dp *, uint64_t);
static void	 worker_idle_port(struct worker *, int);
static void	 worker_unmask(evutil_socket_t, short, void *);
static int	 worker_port_set(struct worker *, int, struct vif_dp *);
static void	 worker_fail(struct vif_dp *);
static int	 worker_do_attach(struct worker *, struct vif_dp *);
static void	 worker_do_detach(struct worker *, struct vif_dp *);
static const struct ring_port *worker_host_port(struct vif_dp *);
static unsigned int worker_held(struct vif_dp *);
static uint64_t	 worker_frames_in(struct vif_dp *);

#define RX_POLL_USEC	10000	/* without feature-rx-notify */
/* carrier lines a guest can cause: a burst, then one per interval */
#define WORKER_CARRIER_BURST	4
#define WORKER_CARRIER_MS	10000
#define EVTCHN_SWEEP	1024	/* events taken per wakeup, at most */
/*
 * Callbacks a worker runs before it looks at its fds again: a pass that
 * re-queues itself (work left) goes behind the others, and no queue,
 * however busy, keeps the worker from its command pipe and event fd.
 */
#define WORKER_MAX_CALLBACKS	16
#define WORKER_CMD_WARN		2	/* s without an answer: stuck */
#define EVTCHN_ERR_PAUSE	10000	/* us the event fd rests on error */
#define EVTCHN_ERR_LOG		60	/* s between log lines about it */
#define WORKER_NOBUFS_MS	10000	/* ms between log lines about ENOBUFS */

/*
 * worker_start: open a hypervisor handle and make worker id, its thread
 * not started yet (worker_go).  Startup only: fatal on failure.
 */
struct worker *
worker_start(struct xnd *x, int id)
{
	struct worker *w;
	struct event_config *cfg;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		fatal("calloc");
	w->w_id = id;
	w->w_xnd = x;
	TAILQ_INIT(&w->w_dps);
	TAILQ_INIT(&w->w_polls);
	if ((w->w_hv = hv_open(x->x_conf.xc_provider, x->x_conf.xc_simdir,
	    x->x_domid)) == NULL)
		fatal("worker %d: cannot open the %s hypervisor interface",
		    id, x->x_conf.xc_provider);
	if (hv_set_engine(w->w_hv, x->x_conf.xc_engine) == -1)
		fatal("worker %d: copy engine %s", id,
		    hv_engine_name(x->x_conf.xc_engine));
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_max_dispatch_interval(cfg, NULL,
	    WORKER_MAX_CALLBACKS, 0) == -1 ||
	    (w->w_base = event_base_new_with_config(cfg)) == NULL)
		fatalx("worker %d: event_base_new failed", id);
	event_config_free(cfg);
	if (pipe2(w->w_cmdpipe, O_CLOEXEC) == -1)
		fatal("pipe");
	w->w_evtchn_ev = event_new(w->w_base, hv_evtchn_fd(w->w_hv),
	    EV_READ | EV_PERSIST, worker_evtchn, w);
	w->w_cmd_ev = event_new(w->w_base, w->w_cmdpipe[0],
	    EV_READ | EV_PERSIST, worker_cmd, w);
	w->w_unmask_ev = event_new(w->w_base, -1, 0, worker_unmask, w);
	w->w_poll_ev = event_new(w->w_base, -1, 0, worker_poll, w);
	w->w_retry_ev = evtimer_new(w->w_base, worker_evtchn_retry, w);
	if (w->w_evtchn_ev == NULL || w->w_cmd_ev == NULL ||
	    w->w_unmask_ev == NULL || w->w_poll_ev == NULL ||
	    w->w_retry_ev == NULL ||
	    event_add(w->w_evtchn_ev, NULL) == -1 ||
	    event_add(w->w_cmd_ev, NULL) == -1)
		fatalx("worker %d: cannot set up events", id);
	pthread_mutex_init(&w->w_lock, NULL);
	pthread_cond_init(&w->w_cond, NULL);
	return (w);
}

/*
 * worker_go: start w's thread.  Startup only, after the sandbox (its
 * threads start under it): fatal on failure.
 */
void
worker_go(struct worker *w)
{
	if ((errno = pthread_create(&w->w_thread, NULL, worker_main, w)) != 0)
		fatal("pthread_create");
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

#ifdef XN_DEBUG
	sandbox_try(w->w_id);
#endif
	event_base_dispatch(w->w_base);
	return (NULL);
}

/* worker_stop: detach everything, end the thread, free the worker. */
void
worker_stop(struct worker *w)
{
	struct vif_dp *dp;

	while ((dp = TAILQ_FIRST(&w->w_dps)) != NULL)
		worker_detach(w, dp);
	worker_run(w, WCMD_QUIT, NULL, NULL, NULL);
	pthread_join(w->w_thread, NULL);
	event_free(w->w_evtchn_ev);
	event_free(w->w_cmd_ev);
	event_free(w->w_unmask_ev);
	event_free(w->w_poll_ev);
	event_free(w->w_retry_ev);
	free(w->w_ports);
	event_base_free(w->w_base);
	close(w->w_cmdpipe[0]);
	close(w->w_cmdpipe[1]);
	hv_close(w->w_hv);
	pthread_mutex_destroy(&w->w_lock);
	pthread_cond_destroy(&w->w_cond);
	free(w);
}

int
worker_nvifs(struct worker *w)
{
	return (w->w_nvifs);
}

/*
 * worker_run: have the worker thread execute one command and wait for
 * it.  The wait is bounded: a worker passes through its event loop at
 * least every WORKER_MAX_CALLBACKS passes, so one that has not answered
 * in WORKER_CMD_WARN seconds is stuck; that is logged with the vifs it
 * serves, and a snapshot, a batch change or a capture change is given
 * up (-1 with ETIMEDOUT; the change may still happen later).  Attach,
 * detach and quit must know their outcome: they go on waiting, and say
 * so again every WORKER_CMD_WARN seconds.  rc: WCMD_SETRING's settings;
 * cq: WCMD_CAPTURE's.  Returns the command's result (0/-1 with errno).
 */
static int
worker_run(struct worker *w, enum wcmd_type type, struct vif_dp *dp,
    const struct ring_config *rc, struct capq *cq)
{
	struct wcmd *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("worker %d: calloc", w->w_id);
	c->wc_type = type;
	c->wc_dp = dp;
	if (rc != NULL)
		c->wc_ring = *rc;
	c->wc_capq = cq;
	return (worker_run_cmd(w, c));
}

/* worker_run_cmd: worker_run for the command c, filled in (freed here). */
static int
worker_run_cmd(struct worker *w, struct wcmd *c)
{
	enum wcmd_type type = c->wc_type;
	struct timespec ts;
	int rv, err, waited = 0, done;

	c->wc_refs = 2;
	if (write(w->w_cmdpipe[1], &c, sizeof(c)) != sizeof(c))
		fatal("worker %d: command pipe", w->w_id);
	pthread_mutex_lock(&w->w_lock);
	while (!c->wc_done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += WORKER_CMD_WARN;
		if (pthread_cond_timedwait(&w->w_cond, &w->w_lock, &ts) !=
		    ETIMEDOUT || c->wc_done)
			continue;
		waited += WORKER_CMD_WARN;
		pthread_mutex_unlock(&w->w_lock);
		worker_stuck(w, wcmd_names[type], waited);
		pthread_mutex_lock(&w->w_lock);
		if ((type == WCMD_SNAPSHOT || type == WCMD_SETRING ||
		    type == WCMD_CAPTURE || type == WCMD_SETRATE ||
		    type == WCMD_HEADROOM) &&
		    !c->wc_done)
			break;
	}
	done = c->wc_done;
	rv = c->wc_result;
	err = c->wc_errno;
	if (done && type == WCMD_SNAPSHOT)
		worker_snap_take(w, c);
	if (--c->wc_refs == 0)
		free(c);
	pthread_mutex_unlock(&w->w_lock);
	if (!done) {
		errno = ETIMEDOUT;
		return (-1);
	}
	errno = err;
	return (rv);
}

/*
 * worker_stuck: (main thread) worker w has not answered a command for
 * secs seconds: say so, with the vifs it serves.
 */
static void
worker_stuck(struct worker *w, const char *what, int secs)
{
	struct vif *v;
	char names[256];
	size_t off = 0;
	int n;

	names[0] = '\0';
	TAILQ_FOREACH(v, &w->w_xnd->x_vifs, v_entry) {
		if (!v->v_attached || v->v_dp->dp_worker != w)
			continue;
		n = snprintf(names + off, sizeof(names) - off, " %s",
		    v->v_ifname);
		if (n < 0 || (size_t)n >= sizeof(names) - off)
			break;
		off += (size_t)n;
	}
	log_warnx("worker %d: no answer to %s for %d s; its vifs:%s",
	    w->w_id, what, secs, off > 0 ? names : " none");
}

/*
 * worker_snap_fill: (worker thread) WCMD_SNAPSHOT: the counters of the
 * worker (wc_dp NULL) or of one queue, into the command.
 */
static void
worker_snap_fill(struct worker *w, struct wcmd *c)
{
	struct vif_dp *dp = c->wc_dp;

	if (dp == NULL) {
		c->wc_ws = w->w_stats;
		return;
	}
	if (dp->dp_rq != NULL) {
		ring_snapshot(dp->dp_rq, &c->wc_rs);
		c->wc_have |= SNAP_RING;
	}
	if (dp->dp_pio != NULL) {
		c->wc_ps = *portio_stats(dp->dp_pio);
		c->wc_have |= SNAP_PORTIO;
	}
	c->wc_wk = dp->dp_wk;
	if (dp->dp_bpf != NULL && dp->dp_rq != NULL) {
		c->wc_bs = *bpf_stats(dp->dp_bpf);
		c->wc_have |= SNAP_BPF;
	}
}

/*
 * worker_snap_take: (main thread, w_lock held) a WCMD_SNAPSHOT answered
 * in time: its copy becomes the one the main thread shows.  What the
 * queue did not have (no ring, no port) keeps its last value.
 */
static void
worker_snap_take(struct worker *w, const struct wcmd *c)
{
	struct vif_dp *dp = c->wc_dp;

	if (dp == NULL) {
		w->w_snap = c->wc_ws;
		return;
	}
	if (c->wc_have & SNAP_RING)
		dp->dp_snap = c->wc_rs;
	if (c->wc_have & SNAP_PORTIO)
		dp->dp_pio_snap = c->wc_ps;
	dp->dp_wk_snap = c->wc_wk;
	if (c->wc_have & SNAP_BPF)
		dp->dp_bpf_snap = c->wc_bs;
}

/* worker_cmd: (worker thread) execute the commands in the pipe. */
static void
worker_cmd(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;
	struct wcmd *c;

	if (read(fd, &c, sizeof(c)) != sizeof(c))
		return;
	c->wc_result = 0;
	switch (c->wc_type) {
	case WCMD_ATTACH:
		c->wc_result = worker_do_attach(w, c->wc_dp);
		c->wc_errno = errno;
		break;
	case WCMD_DETACH:
		worker_do_detach(w, c->wc_dp);
		break;
	case WCMD_SNAPSHOT:
		worker_snap_fill(w, c);
		break;
	case WCMD_SETRING:
		c->wc_result = worker_do_setring(c->wc_dp, &c->wc_ring);
		c->wc_errno = errno;
		break;
	case WCMD_CAPTURE:
		c->wc_result = worker_do_capture(c->wc_dp, c->wc_capq);
		c->wc_errno = errno;
		break;
	case WCMD_SETRATE:
		worker_do_setrate(c->wc_dp, c->wc_rate);
		break;
	case WCMD_HEADROOM:
		c->wc_result = worker_do_headroom(c->wc_dp,
		    (unsigned int)c->wc_rate[0]);
		c->wc_errno = errno;
		break;
	case WCMD_SETCTRL:
		if (c->wc_dp->dp_rq == NULL)
			break;
		ring_set_hash(c->wc_dp->dp_rq, &c->wc_hash);
		ring_set_peers(c->wc_dp->dp_rq, c->wc_peers, c->wc_npeers,
		    c->wc_self);
		ring_set_mcast(c->wc_dp->dp_rq, c->wc_mcast);
		break;
	case WCMD_QUIT:
		event_base_loopbreak(w->w_base);
		break;
	}
	pthread_mutex_lock(&w->w_lock);
	c->wc_done = 1;
	pthread_cond_broadcast(&w->w_cond);
	if (--c->wc_refs == 0)
		free(c);	/* the main thread gave up on it */
	pthread_mutex_unlock(&w->w_lock);
}

int
worker_attach(struct worker *w, struct vif_dp *dp)
{
	int rv;

	if ((rv = worker_run(w, WCMD_ATTACH, dp, NULL, NULL)) == 0)
		w->w_nvifs++;
	return (rv);
}

void
worker_detach(struct worker *w, struct vif_dp *dp)
{
	worker_run(w, WCMD_DETACH, dp, NULL, NULL);
	w->w_nvifs--;
}

int
worker_snapshot(struct worker *w, struct vif_dp *dp)
{
	return (worker_run(w, WCMD_SNAPSHOT, dp, NULL, NULL));
}

/*
 * worker_set_ring: new batch sizes and notify policy for an attached
 * queue, from its next pass on; traffic goes on.  0, or -1 with errno
 * (EINVAL: out of range; ETIMEDOUT: the worker did not answer in time).
 */
int
worker_set_ring(struct worker *w, struct vif_dp *dp,
    const struct ring_config *rc)
{
	return (worker_run(w, WCMD_SETRING, dp, rc, NULL));
}

/*
 * worker_capture: put capture.c's wrapper cq in front of an attached
 * queue's port (NULL: take it away), from its next pass on.  A
 * reference to the capture comes with cq: the worker keeps it while the
 * wrapper is in place and drops it when it is taken away or cannot be
 * put.  0, or -1 with errno (ETIMEDOUT: the worker did not answer in
 * time; the change comes when it does).
 */
int
worker_capture(struct worker *w, struct vif_dp *dp, struct capq *cq)
{
	return (worker_run(w, WCMD_CAPTURE, dp, NULL, cq));
}

/*
 * worker_set_rate: limit an attached queue's guest transmit to bytes per
 * usec microseconds (0: no limit), from now on (ring_set_rate).  0, or
 * -1 with ETIMEDOUT: the worker did not answer in time (the change
 * comes when it does).
 */
int
worker_set_rate(struct worker *w, struct vif_dp *dp, uint64_t bytes,
    uint64_t usec)
{
	return (worker_run_nums(w, WCMD_SETRATE, dp, bytes, usec));
}

/* worker_run_nums: worker_run for a command of two numbers (wc_rate). */
static int
worker_run_nums(struct worker *w, enum wcmd_type type, struct vif_dp *dp,
    uint64_t a, uint64_t b)
{
	struct wcmd *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("worker %d: calloc", w->w_id);
	c->wc_type = type;
	c->wc_dp = dp;
	c->wc_rate[0] = a;
	c->wc_rate[1] = b;
	return (worker_run_cmd(w, c));
}

/*
 * worker_set_headroom: leave headroom octets before each frame in the
 * rx buffers of an attached queue, from its next pass on (the frontend
 * reconfigured its xdp-headroom).  0, or -1 with errno (EINVAL: too
 * large, ENOTCONN, ETIMEDOUT: the worker did not answer in time).
 */
int
worker_set_headroom(struct worker *w, struct vif_dp *dp,
    unsigned int headroom)
{
	return (worker_run_nums(w, WCMD_HEADROOM, dp, headroom, 0));
}

/* worker_do_headroom: (worker thread) worker_set_headroom's work. */
static int
worker_do_headroom(struct vif_dp *dp, unsigned int headroom)
{
	if (dp->dp_rq == NULL) {
		errno = ENOTCONN;
		return (-1);
	}
	if (ring_set_headroom(dp->dp_rq, headroom) == -1)
		return (-1);
	dp->dp_feat.rf_headroom = headroom;
	return (0);
}

/*
 * worker_set_ctrl: give dp's queue the vif's hash settings rh (NULL:
 * none), its peer queues (n of them, dp's is peers[self]; NULL: no
 * steering; all must run on w) and multicast filter m (NULL: none).
 * Waits until the worker took them, however long: the caller may free
 * the peers or m once it returns (ring_set_peers, ring_set_mcast).
 */
int
worker_set_ctrl(struct worker *w, struct vif_dp *dp,
    const struct ring_hash *rh, struct ring_queue *const *peers,
    unsigned int n, unsigned int self, struct ring_mcast *m)
{
	struct wcmd *c;
	unsigned int i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		fatal("worker %d: calloc", w->w_id);
	c->wc_type = WCMD_SETCTRL;
	c->wc_dp = dp;
	if (rh != NULL)
		c->wc_hash = *rh;
	if (peers != NULL && n <= XENNETD_MAX_QUEUES) {
		for (i = 0; i < n; i++)
			c->wc_peers[i] = peers[i];
		c->wc_npeers = n;
		c->wc_self = self;
	}
	c->wc_mcast = m;
	return (worker_run_cmd(w, c));
}

/*
 * worker_do_setrate: (worker thread) worker_set_rate's work; a packet
 * waiting for credit gets its chance under the new limit at once.
 */
static void
worker_do_setrate(struct vif_dp *dp, const uint64_t *rate)
{
	dp->dp_rate_bytes = rate[0];
	dp->dp_rate_usec = rate[1];
	if (dp->dp_rq == NULL)
		return;
	ring_set_rate(dp->dp_rq, rate[0], rate[1]);
	if (dp->dp_credit_ev != NULL && evtimer_pending(dp->dp_credit_ev,
	    NULL)) {
		evtimer_del(dp->dp_credit_ev);
		event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
	}
}

/* worker_do_capture: (worker thread) worker_capture's work. */
static int
worker_do_capture(struct vif_dp *dp, struct capq *cq)
{
	if (dp->dp_capq != NULL) {
		capq_remove(dp->dp_capq);
		dp->dp_capq = NULL;
		dp->dp_capport = NULL;
	}
	if (cq == NULL)
		return (0);
	if (dp->dp_pio == NULL && dp->dp_bpf == NULL) {
		capq_remove(cq);
		errno = ENOTCONN;
		return (-1);
	}
	if ((dp->dp_capport = capq_install(cq, worker_host_port(dp))) ==
	    NULL) {
		errno = ECANCELED;	/* the capture ended meanwhile */
		return (-1);
	}
	dp->dp_capq = cq;
	return (0);
}

/* worker_port: the port a pass uses: the host port, or a capture's. */
static const struct ring_port *
worker_port(struct vif_dp *dp)
{
	if (dp->dp_capport != NULL)
		return (dp->dp_capport);
	return (worker_host_port(dp));
}

/* worker_do_setring: (worker thread) worker_set_ring's work. */
static int
worker_do_setring(struct vif_dp *dp, const struct ring_config *rc)
{
	if (dp->dp_rq == NULL) {
		errno = ENOTCONN;
		return (-1);
	}
	if (ring_set_config(dp->dp_rq, rc) == -1 ||
	    (dp->dp_bpf != NULL ? bpf_set_bufs(dp->dp_bpf, rc->rc_rx_batch) :
	    portio_set_bufs(dp->dp_pio, rc->rc_rx_batch)) == -1)
		return (-1);
	dp->dp_ring = *rc;
	return (0);
}

/*
 * worker_do_attach: (worker thread) map the rings, bind the event
 * channels, set up the port's batch I/O and start serving dp.  0, or -1
 * with errno and nothing left.
 */
static int
worker_do_attach(struct worker *w, struct vif_dp *dp)
{
	const struct xnd_config *c = &w->w_xnd->x_conf;
	enum portio_mode mode = c->xc_portio;
	struct dp_port *pp;
	int save, d;

	if ((dp->dp_rq = ring_new(w->w_hv, dp->dp_domid, &dp->dp_ring)) ==
	    NULL)
		return (-1);
	ring_set_rate(dp->dp_rq, dp->dp_rate_bytes, dp->dp_rate_usec);
	if (ring_connect(dp->dp_rq, dp->dp_tx_ref, dp->dp_rx_ref,
	    dp->dp_evtchn_tx, dp->dp_evtchn_rx, &dp->dp_feat) == -1)
		goto fail;
	/* rings an earlier daemon served: check them, wake the guest */
	if (dp->dp_adopt && ring_resync(dp->dp_rq) == -1)
		goto fail;
	/* the port: the vif's bpf capture, or a batch I/O on its tap */
	if (dp->dp_bpf != NULL) {
		if (bpf_start(dp->dp_bpf, dp->dp_ring.rc_rx_batch) == -1)
			goto fail;
	} else if ((dp->dp_pio = portio_open(dp->dp_tapfd, &mode,
	    dp->dp_ring.rc_rx_batch, osdep_tap_vnet())) == NULL)
		goto fail;
	ring_ports(dp->dp_rq, &dp->dp_port_tx, &dp->dp_port_rx);
	if (worker_port_set(w, dp->dp_port_tx, dp) == -1 ||
	    worker_port_set(w, dp->dp_port_rx, dp) == -1)
		goto fail;
	dp->dp_worker = w;
	dp->dp_failed = 0;
	dp->dp_tap_on = 0;
	dp->dp_carrier = 1;
	throttle_init(&dp->dp_carrier_tb, WORKER_CARRIER_BURST,
	    WORKER_CARRIER_MS);
	/* a new port counts from 0; a bpf port goes on counting */
	dp->dp_nobufs_told = worker_nobufs_n(dp);
	throttle_init(&dp->dp_nobufs_tb, 1, WORKER_NOBUFS_MS);
	dp->dp_busy_tx = dp->dp_busy_rx = 0;
	dp->dp_worked = dp->dp_polling = 0;
	poll_win_init(&dp->dp_pw, c->xc_poll_usec);
	memset(&dp->dp_wk, 0, sizeof(dp->dp_wk));
	memset(&dp->dp_wk_snap, 0, sizeof(dp->dp_wk_snap));
	for (d = 0; d < 2; d++) {
		pp = &dp->dp_ev[d];
		pp->pp_dp = dp;
		pp->pp_port = d == 0 ? dp->dp_port_tx :
		    dp->dp_port_rx != dp->dp_port_tx ? dp->dp_port_rx : -1;
		pp->pp_mark = ring_posted(dp->dp_rq, pp->pp_port);
		poll_backoff_work(&pp->pp_bo);
		if (pp->pp_port != -1 && (pp->pp_bo_ev = evtimer_new(w->w_base,
		    worker_backoff, pp)) == NULL) {
			errno = ENOMEM;
			goto fail;
		}
	}
	dp->dp_tx_ev = event_new(w->w_base, -1, 0, worker_tx, dp);
	dp->dp_credit_ev = evtimer_new(w->w_base, worker_tx, dp);
	dp->dp_rx_ev = event_new(w->w_base, -1, 0, worker_rx, dp);
	dp->dp_tap_ev = event_new(w->w_base, dp->dp_bpf != NULL ?
	    bpf_fd(dp->dp_bpf) : portio_fd(dp->dp_pio), EV_READ | EV_PERSIST,
	    worker_rx, dp);
	dp->dp_poll_ev = event_new(w->w_base, -1, 0, worker_rx, dp);
	if (dp->dp_tx_ev == NULL || dp->dp_credit_ev == NULL ||
	    dp->dp_rx_ev == NULL ||
	    dp->dp_tap_ev == NULL || dp->dp_poll_ev == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	TAILQ_INSERT_TAIL(&w->w_dps, dp, dp_entry);
	/* Requests may already be waiting: run both directions once. */
	event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
	event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
	return (0);
fail:
	save = errno;
	worker_do_detach(w, dp);
	errno = save;
	return (-1);
}

/*
 * worker_do_detach: (worker thread) stop, forget the ports, unbind,
 * unmap, free the events and the port's buffers.
 */
static void
worker_do_detach(struct worker *w, struct vif_dp *dp)
{
	struct vif_dp *d;
	unsigned int i, k;

	TAILQ_FOREACH(d, &w->w_dps, dp_entry)
		if (d == dp)
			break;
	if (d != NULL)
		TAILQ_REMOVE(&w->w_dps, dp, dp_entry);
	if (dp->dp_polling) {
		TAILQ_REMOVE(&w->w_polls, dp, dp_poll_entry);
		dp->dp_polling = 0;
	}
	for (i = 0; i < 2; i++) {
		if (dp->dp_ev[i].pp_bo_ev != NULL)
			event_free(dp->dp_ev[i].pp_bo_ev);
		dp->dp_ev[i].pp_bo_ev = NULL;
		dp->dp_ev[i].pp_port = -1;
	}
	for (i = 0; i < w->w_nports; i++)
		if (w->w_ports[i] == dp)
			w->w_ports[i] = NULL;
	for (i = k = 0; i < w->w_nunmask; i++)
		if (w->w_unmask[i] != dp->dp_port_tx &&
		    w->w_unmask[i] != dp->dp_port_rx)
			w->w_unmask[k++] = w->w_unmask[i];
	w->w_nunmask = k;
	if (dp->dp_tx_ev != NULL)
		event_free(dp->dp_tx_ev);
	if (dp->dp_credit_ev != NULL)
		event_free(dp->dp_credit_ev);
	dp->dp_credit_ev = NULL;
	if (dp->dp_rx_ev != NULL)
		event_free(dp->dp_rx_ev);
	if (dp->dp_tap_ev != NULL)
		event_free(dp->dp_tap_ev);
	if (dp->dp_poll_ev != NULL)
		event_free(dp->dp_poll_ev);
	dp->dp_tx_ev = dp->dp_rx_ev = dp->dp_tap_ev = dp->dp_poll_ev = NULL;
	dp->dp_wk_snap = dp->dp_wk;
	if (dp->dp_rq != NULL && !dp->dp_carrier)
		worker_carrier_set(dp, 1);	/* the next guest's */
	if (dp->dp_rq != NULL && dp->dp_bpf != NULL)
		dp->dp_bpf_snap = *bpf_stats(dp->dp_bpf);
	if (dp->dp_rq != NULL) {
		ring_disconnect(dp->dp_rq);	/* counts the unmaps */
		ring_snapshot(dp->dp_rq, &dp->dp_snap);
		ring_free(dp->dp_rq);
		dp->dp_rq = NULL;
	}
	worker_do_capture(dp, NULL);
	if (dp->dp_pio != NULL) {
		dp->dp_pio_snap = *portio_stats(dp->dp_pio);
		portio_close(dp->dp_pio);
		dp->dp_pio = NULL;
	}
	dp->dp_port_tx = dp->dp_port_rx = -1;
	dp->dp_worker = NULL;
}

/* worker_host_port: the host port of an attached dp: bpf port or tap. */
static const struct ring_port *
worker_host_port(struct vif_dp *dp)
{
	return (dp->dp_bpf != NULL ? bpf_port(dp->dp_bpf) :
	    portio_port(dp->dp_pio));
}

/* worker_frames_in: frames its host port has read so far. */
static uint64_t
worker_frames_in(struct vif_dp *dp)
{
	return (dp->dp_bpf != NULL ? bpf_stats(dp->dp_bpf)->bs_rx_frames :
	    portio_stats(dp->dp_pio)->ps_rx_frames);
}

/* worker_held: frames its port read and did not give to the guest. */
static unsigned int
worker_held(struct vif_dp *dp)
{
	return (dp->dp_bpf != NULL ? bpf_held(dp->dp_bpf) :
	    portio_held(dp->dp_pio));
}

/*
 * worker_port_set: local event port -> dp in the worker's table (NULL
 * clears it).  0, or -1 with ENOMEM.
 */
static int
worker_port_set(struct worker *w, int port, struct vif_dp *dp)
{
	struct vif_dp **n;
	unsigned int size;

	if (port < 0)
		return (0);
	if ((unsigned int)port >= w->w_nports) {
		size = ((unsigned int)port + 64) & ~63U;
		if ((n = reallocarray(w->w_ports, size, sizeof(*n))) == NULL)
			return (-1);
		memset(n + w->w_nports, 0,
		    (size - w->w_nports) * sizeof(*n));
		w->w_ports = n;
		w->w_nports = size;
	}
	w->w_ports[port] = dp;
	return (0);
}

/*
 * worker_evtchn: (worker thread) the event-channel fd is readable: take
 * the pending ports in batches and queue the passes they ask for.  A
 * port stays masked while its passes run (and its queue polls) and is
 * unmasked when they go idle (worker_idle), so a busy ring costs no
 * event wakeups at all.
 */
static void
worker_evtchn(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;
	struct vif_dp *dp;
	int ports[HV_EVTCHN_BATCH];
	int i, n, pass, taken = 0;
	uint64_t now = 0;

	/* Bounded: at most one sweep of what is pending now. */
	while (taken < EVTCHN_SWEEP) {
		if ((n = hv_evtchn_pending_n(w->w_hv, ports,
		    HV_EVTCHN_BATCH)) <= 0) {
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				worker_evtchn_error(w, errno);
			break;
		}
		w->w_stats.ws_reads++;
		w->w_stats.ws_ports += (uint64_t)n;
		taken += n;
		for (i = 0; i < n; i++) {
			dp = (unsigned int)ports[i] < w->w_nports ?
			    w->w_ports[ports[i]] : NULL;
			pass = 0;
			if (dp != NULL && !dp->dp_failed)
				pass = ring_event(dp->dp_rq, ports[i]);
			if (pass == 0) {
				/* not (or no longer) served: do not keep it */
				worker_idle_port(w, ports[i]);
				continue;
			}
			if (now == 0 && dp->dp_pw.pw_max > 0)
				now = poll_now();
			worker_wake(w, dp, ports[i], now);
		}
		if (n < HV_EVTCHN_BATCH)
			break;
	}
}

/*
 * worker_wake: an event on port of dp: if the frontend posted something
 * since the port's last event, run the passes the port serves (it stays
 * masked meanwhile); if not, the event was empty (worker_empty).
 */
static void
worker_wake(struct worker *w, struct vif_dp *dp, int port, uint64_t now)
{
	struct dp_port *pp = &dp->dp_ev[port == dp->dp_port_tx ? 0 : 1];
	uint64_t mark;

	mark = ring_posted(dp->dp_rq, port);
	if (mark == pp->pp_mark) {
		worker_empty(w, pp);
		return;
	}
	pp->pp_mark = mark;
	poll_backoff_work(&pp->pp_bo);
	if (!dp->dp_polling)
		poll_win_wake(&dp->dp_pw, now);
	dp->dp_worked = 1;
	if (port == dp->dp_port_tx) {
		dp->dp_busy_tx = 1;
		event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
	}
	if (port == dp->dp_port_rx) {
		dp->dp_busy_rx = 1;
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
	}
}

/*
 * worker_empty: an event on pp found nothing new to do (the frontend
 * notified without posting a request): no pass, the port is unmasked at
 * once or, after too many such events in a row, when its back-off
 * delay is over.
 */
static void
worker_empty(struct worker *w, struct dp_port *pp)
{
	struct timeval tv;
	unsigned int usec;

	pp->pp_dp->dp_wk.wk_events_empty++;
	if ((usec = poll_backoff_empty(&pp->pp_bo)) == 0) {
		worker_idle_port(w, pp->pp_port);
		return;
	}
	pp->pp_dp->dp_wk.wk_backoffs++;
	tv.tv_sec = usec / 1000000;
	tv.tv_usec = usec % 1000000;
	evtimer_add(pp->pp_bo_ev, &tv);
}

/* worker_backoff: (worker thread) pp's back-off is over: unmask it. */
static void
worker_backoff(evutil_socket_t fd, short ev, void *arg)
{
	struct dp_port *pp = arg;

	if (pp->pp_dp->dp_worker != NULL && pp->pp_port != -1)
		worker_idle_port(pp->pp_dp->dp_worker, pp->pp_port);
}

/*
 * worker_evtchn_error: reading the event fd failed with err.  EFBIG:
 * the device's queue of pending ports overflowed, events were lost and
 * their ports left masked: reset the queue and look at every port.
 * Anything else (or a reset that fails): the fd rests for
 * EVTCHN_ERR_PAUSE, then every port is looked at.  Never a busy loop on
 * a readable fd that only returns errors.  Logged at most once every
 * EVTCHN_ERR_LOG seconds, counted always.
 */
static void
worker_evtchn_error(struct worker *w, int err)
{
	struct timeval tv = { 0, EVTCHN_ERR_PAUSE };
	time_t now = time(NULL);
	int rerr = 0;

	if (err == EFBIG)
		w->w_stats.ws_overflows++;
	else
		w->w_stats.ws_errors++;
	if (err == EFBIG && hv_evtchn_reset(w->w_hv) == 0) {
		worker_recheck(w);
	} else {
		if (err == EFBIG)
			rerr = errno;
		event_del(w->w_evtchn_ev);
		evtimer_add(w->w_retry_ev, &tv);
	}
	if (w->w_err_logged != 0 && now - w->w_err_logged < EVTCHN_ERR_LOG) {
		w->w_err_quiet++;
		return;
	}
	log_warnx("worker %d: event channels: %s%s%s; every port looked at "
	    "again (%" PRIu64 " such errors not logged before this one)",
	    w->w_id, err == EFBIG ? "pending queue overflowed, events lost" :
	    strerror(err), rerr != 0 ? ", reset failed: " : "",
	    rerr != 0 ? strerror(rerr) : "", w->w_err_quiet);
	w->w_err_logged = now;
	w->w_err_quiet = 0;
}

/* worker_evtchn_retry: (worker thread) the event fd rested: use it. */
static void
worker_evtchn_retry(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;

	if (event_add(w->w_evtchn_ev, NULL) == -1)
		log_warnx("worker %d: cannot watch the event fd", w->w_id);
	worker_recheck(w);
}

/*
 * worker_recheck: events may have been lost: treat every port of every
 * queue as if it had one (it is unmasked when its passes go idle).
 */
static void
worker_recheck(struct worker *w)
{
	struct vif_dp *dp;
	int d;

	w->w_stats.ws_recoveries++;
	TAILQ_FOREACH(dp, &w->w_dps, dp_entry) {
		if (dp->dp_failed)
			continue;
		for (d = 0; d < 2; d++)
			if (dp->dp_ev[d].pp_bo_ev != NULL)
				evtimer_del(dp->dp_ev[d].pp_bo_ev);
		dp->dp_busy_tx = dp->dp_busy_rx = 1;
		dp->dp_worked = 1;
		event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
	}
}

/*
 * worker_idle: the pass of direction rx (0: tx) found nothing more to
 * do.  A queue that found work polls for its window first; otherwise,
 * or once the window is over, its port is unmasked.
 */
static void
worker_idle(struct vif_dp *dp, int rx)
{
	struct worker *w = dp->dp_worker;
	uint64_t now;

	if (dp->dp_polling)
		return;		/* worker_poll releases the ports */
	if (dp->dp_worked && dp->dp_pw.pw_max > 0) {
		dp->dp_worked = 0;
		now = poll_now();
		if (poll_win_begin(&dp->dp_pw, now)) {
			dp->dp_polling = 1;
			dp->dp_poll_t0 = now;
			dp->dp_wk.wk_polls++;
			if (TAILQ_EMPTY(&w->w_polls))
				event_active(w->w_poll_ev, EV_TIMEOUT, 0);
			TAILQ_INSERT_TAIL(&w->w_polls, dp, dp_poll_entry);
			return;
		}
	}
	dp->dp_worked = 0;
	worker_release(dp, rx);
}

/*
 * worker_release: unmask the port of direction rx (0: tx), unless the
 * other direction of a shared channel still runs.
 */
static void
worker_release(struct vif_dp *dp, int rx)
{
	int *busy = rx ? &dp->dp_busy_rx : &dp->dp_busy_tx;
	int port = rx ? dp->dp_port_rx : dp->dp_port_tx;

	if (!*busy)
		return;		/* not woken by its port */
	*busy = 0;
	if (dp->dp_port_tx == dp->dp_port_rx &&
	    (dp->dp_busy_tx || dp->dp_busy_rx))
		return;
	worker_idle_port(dp->dp_worker, port);
}

/*
 * worker_poll: (worker thread) one look at the rings of every polling
 * queue: queue the passes that have work, end the stretches that found
 * none for their window; then queue itself again, behind those passes,
 * while any queue polls.  The tap of a polling queue is watched by the
 * loop itself (its read event), which looks without waiting while this
 * callback stays queued.
 */
static void
worker_poll(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;
	struct vif_dp *dp, *next;
	uint64_t now = poll_now();
	int ready;

	w->w_stats.ws_poll_loops++;
	for (dp = TAILQ_FIRST(&w->w_polls); dp != NULL; dp = next) {
		next = TAILQ_NEXT(dp, dp_poll_entry);
		if (dp->dp_failed) {
			worker_poll_end(dp, now);
			continue;
		}
		if (ring_tx_waiting(dp->dp_rq)) {
			event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
			dp->dp_worked = 1;
		}
		/* buffers posted while the rx port is masked */
		if (!dp->dp_tap_on) {
			if ((ready = ring_rx_ready(dp->dp_rq)) == -1) {
				worker_fail(dp);
				worker_poll_end(dp, now);
				continue;
			}
			worker_carrier(dp);	/* it may have posted */
			if (ready) {
				event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
				dp->dp_worked = 1;
			}
		}
		if (dp->dp_worked) {
			dp->dp_worked = 0;
			dp->dp_wk.wk_poll_hits++;
			poll_win_hit(&dp->dp_pw, now);
		} else if (!poll_win_check(&dp->dp_pw, now))
			worker_poll_end(dp, now);
	}
	if (!TAILQ_EMPTY(&w->w_polls))
		event_active(w->w_poll_ev, EV_TIMEOUT, 0);
}

/*
 * worker_poll_end: dp's stretch is over: off the poll list, its ports
 * unmasked (those its passes had masked).
 */
static void
worker_poll_end(struct vif_dp *dp, uint64_t now)
{
	struct worker *w = dp->dp_worker;

	TAILQ_REMOVE(&w->w_polls, dp, dp_poll_entry);
	dp->dp_polling = 0;
	dp->dp_worked = 0;
	dp->dp_wk.wk_poll_ns += now - dp->dp_poll_t0;
	worker_release(dp, 0);
	worker_release(dp, 1);
}

/* worker_idle_port: queue port for the worker's next batch unmask. */
static void
worker_idle_port(struct worker *w, int port)
{
	unsigned int i;

	for (i = 0; i < w->w_nunmask; i++)
		if (w->w_unmask[i] == port)
			return;
	if (w->w_nunmask == HV_EVTCHN_BATCH)
		worker_unmask(-1, 0, w);
	w->w_unmask[w->w_nunmask++] = port;
	if (w->w_nunmask == 1)
		event_active(w->w_unmask_ev, EV_TIMEOUT, 0);
}

/*
 * worker_unmask: (worker thread) unmask the ports queued since the
 * last time, in one call; it runs behind the passes queued with it.
 */
static void
worker_unmask(evutil_socket_t fd, short ev, void *arg)
{
	struct worker *w = arg;

	if (w->w_nunmask == 0)
		return;
	if (hv_evtchn_unmask_n(w->w_hv, w->w_unmask, w->w_nunmask) == -1)
		log_warn("worker %d: cannot unmask %u event ports", w->w_id,
		    w->w_nunmask);
	w->w_stats.ws_unmasks++;
	w->w_stats.ws_unmasked += w->w_nunmask;
	w->w_nunmask = 0;
}

/* worker_nobufs_n: the frames dp's port refused with ENOBUFS so far. */
static uint64_t
worker_nobufs_n(struct vif_dp *dp)
{
	if (dp->dp_pio != NULL)
		return (portio_stats(dp->dp_pio)->ps_tx_nobufs);
	if (dp->dp_bpf != NULL)
		return (bpf_stats(dp->dp_bpf)->bs_tx_nobufs);
	return (0);
}

/*
 * worker_nobufs: (worker thread) the port (the tap, or the bpf port's
 * interface queue) refused frames for lack of buffer space (ENOBUFS).  They were dropped like any frame the port
 * refuses (the guest had its responses) and the vif goes on: a full
 * host queue is not the guest's fault.  One log line per
 * WORKER_NOBUFS_MS at most, with the count since the last one; the
 * counter (port tx_nobufs, bpf tx_nobufs) has them all.
 */
static void
worker_nobufs(struct vif_dp *dp)
{
	uint64_t n = worker_nobufs_n(dp);

	if (throttle_take(&dp->dp_nobufs_tb, throttle_now()) != 0)
		return;
	log_warnx("%s: the host refused %llu frame%s from the guest: no "
	    "buffer space (ENOBUFS); dropped, the vif goes on", dp->dp_name,
	    (unsigned long long)(n - dp->dp_nobufs_told), n -
	    dp->dp_nobufs_told == 1 ? "" : "s");
	dp->dp_nobufs_told = n;
}

/*
 * worker_tx: (worker thread) one tx pass; queued again behind the
 * others while work remains, its port unmasked when none does.  A pass
 * stopped by the rate limit arms dp_credit_ev for when the credit comes
 * back, and the queue goes idle meanwhile like an empty one (its port
 * unmasked: a shared channel's rx events still come; ring_tx_waiting
 * says no work, so polling does not spin on the waiting packet).
 */
static void
worker_tx(evutil_socket_t fd, short ev, void *arg)
{
	struct vif_dp *dp = arg;
	struct timeval tv;
	uint64_t ns;
	int rv;

	if (dp->dp_failed)
		return;
	rv = ring_tx(dp->dp_rq, worker_port(dp));
	if (rv == -1) {
		worker_fail(dp);
		return;
	}
	if (worker_nobufs_n(dp) != dp->dp_nobufs_told)
		worker_nobufs(dp);
	if (rv == RING_TX_RATE) {
		/* round up: a timer that fires early finds no credit */
		ns = ring_tx_rate_wait(dp->dp_rq) + 999;
		tv.tv_sec = (time_t)(ns / 1000000000ULL);
		tv.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
		evtimer_add(dp->dp_credit_ev, &tv);
		worker_idle(dp, 0);
	} else if (rv == 1) {
		dp->dp_worked = 1;
		event_active(dp->dp_tx_ev, EV_TIMEOUT, 0);
	} else
		worker_idle(dp, 0);
	/*
	 * Sending reaps the port's completions, frames received among
	 * them (often the answers to what was just sent): their turn.
	 */
	if (dp->dp_tap_on && worker_held(dp) > 0)
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
}

/*
 * worker_rx: (worker thread) the port has frames, or the guest posted
 * buffers, or the poll timer fired: one rx pass if buffers are posted.
 */
static void
worker_rx(evutil_socket_t fd, short ev, void *arg)
{
	struct vif_dp *dp = arg;
	uint64_t frames;
	int rv;

	if (dp->dp_failed)
		return;
	frames = worker_frames_in(dp);
	if ((rv = ring_rx_ready(dp->dp_rq)) == 1)
		rv = ring_rx(dp->dp_rq, worker_port(dp));
	if (rv == -1 || (dp->dp_pio != NULL && portio_lost(dp->dp_pio) != 0)) {
		worker_fail(dp);
		return;
	}
	worker_carrier(dp);
	if (worker_frames_in(dp) != frames)
		dp->dp_worked = 1;
	if (rv == 1 && dp->dp_tap_on) {
		/* Budget used up: let the other vifs run, then continue. */
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
		return;
	}
	worker_rx_arm(dp);
	worker_idle(dp, 1);
}

/*
 * worker_rx_arm: watch the port only while the guest has buffers posted
 * for the next frame (frames wait in the tap, or in the port's buffers,
 * meanwhile); otherwise wait for its rx notification (or poll, without
 * feature-rx-notify), and for the held frame's stall timer.
 */
static void
worker_rx_arm(struct vif_dp *dp)
{
	struct timeval tv = { 0, RX_POLL_USEC };
	int ready, stall;

	if ((ready = ring_rx_ready(dp->dp_rq)) == -1) {
		worker_fail(dp);
		return;
	}
	worker_carrier(dp);
	if (ready && worker_held(dp) > 0) {
		/* frames already read, and room for them: another pass */
		event_active(dp->dp_rx_ev, EV_TIMEOUT, 0);
		return;
	}
	if (ready && !dp->dp_tap_on) {
		event_add(dp->dp_tap_ev, NULL);
		dp->dp_tap_on = 1;
	} else if (!ready && dp->dp_tap_on) {
		event_del(dp->dp_tap_ev);
		dp->dp_tap_on = 0;
	}
	/* The frontend's own features: what ring_connect was given. */
	if (!dp->dp_feat.rf_rx_notify &&
	    (!ready || !ring_rx_carrier(dp->dp_rq)))
		event_add(dp->dp_poll_ev, &tv);	/* it does not notify */
	else if ((stall = worker_rx_deadline(dp, ready)) >= 0) {
		/* a frame is held for it: act when its time is up */
		tv.tv_sec = stall / 1000;
		tv.tv_usec = (stall % 1000) * 1000;
		event_add(dp->dp_poll_ev, &tv);
	}
}

/*
 * worker_rx_deadline: ms until the held frame's next timer runs out: its
 * drop (only while the port is not read, !ready) or the guest's stall;
 * -1 if neither runs.
 */
static int
worker_rx_deadline(struct vif_dp *dp, int ready)
{
	int drop = ready ? -1 : ring_rx_stall_ms(dp->dp_rq);
	int stall = ring_rx_carrier_ms(dp->dp_rq);

	if (drop == -1 || (stall != -1 && stall < drop))
		return (stall);
	return (drop);
}

/*
 * worker_carrier: (worker thread) follow the engine's word on whether
 * the guest takes frames (ring_rx_carrier).  The tap's carrier is one
 * for all its queues: as in Linux xen-netback, it goes off when the
 * first queue stalls and on when the last one recovers (the vif counts
 * its stalled queues, dp_stalled, shared by their workers).
 */
static void
worker_carrier(struct vif_dp *dp)
{
	int on = ring_rx_carrier(dp->dp_rq);

	if (on == dp->dp_carrier)
		return;
	worker_carrier_set(dp, on);
}

/*
 * worker_carrier_set: (worker thread) this queue stalled (on 0) or
 * takes frames again (1): count it and switch the tap's carrier if it
 * is the first to stall or the last to recover.  A bpf port's interface
 * is not ours to take down: its frames are dropped and counted only.
 */
static void
worker_carrier_set(struct vif_dp *dp, int on)
{
	int first;

	dp->dp_carrier = on;
	if (on)
		first = __atomic_sub_fetch(dp->dp_stalled, 1,
		    __ATOMIC_ACQ_REL) == 0;
	else
		first = __atomic_fetch_add(dp->dp_stalled, 1,
		    __ATOMIC_ACQ_REL) == 0;
	if (first && dp->dp_bpf == NULL &&
	    tap_set_carrier(dp->dp_tapfd, on) == -1)
		log_warn("%s: cannot set the tap's carrier %s", dp->dp_name,
		    on ? "on" : "off");
	if (throttle_take(&dp->dp_carrier_tb, throttle_now()) != 0)
		return;
	if (on)
		log_info("%s: guest rx ready again: carrier on", dp->dp_name);
	else
		log_info("%s: guest rx stalled (no rx buffers posted): %sframes "
		    "for it dropped", dp->dp_name, dp->dp_bpf == NULL ?
		    "carrier off, " : "");
}

/*
 * worker_fail: the guest broke the protocol: stop its data path now (its
 * ring is no longer read) and tell the main thread, which tears the vif
 * down through xenbus.  Other vifs are not affected.
 */
static void
worker_fail(struct vif_dp *dp)
{
	struct wfail f;
	const char *why;

	dp->dp_failed = 1;
	if (dp->dp_tap_on) {
		event_del(dp->dp_tap_ev);
		dp->dp_tap_on = 0;
	}
	event_del(dp->dp_poll_ev);
	memset(&f, 0, sizeof(f));
	f.wf_domid = dp->dp_domid;
	f.wf_handle = dp->dp_handle;
	f.wf_queue = dp->dp_queue;
	f.wf_gen = dp->dp_gen;
	why = ring_error(dp->dp_rq);
	if (why == NULL && dp->dp_pio != NULL && portio_lost(dp->dp_pio)) {
		f.wf_hostport = 1;
		snprintf(f.wf_why, sizeof(f.wf_why), "%s",
		    strerror(portio_lost(dp->dp_pio)));
	} else
		snprintf(f.wf_why, sizeof(f.wf_why), "%s", why != NULL ? why :
		    "error");
	if (write(dp->dp_worker->w_xnd->x_failpipe[1], &f, sizeof(f)) !=
	    sizeof(f))
		log_warn("%s: cannot report failure", dp->dp_name);
}

/*
 * worker_read_failure: (main thread) read one failure report from fd.
 * Returns 0 with the vif, its queue, the connection (see vif.c's
 * v_gen) and the reason, or -1.
 */
int
worker_read_failure(int fd, struct wfail *f)
{
	if (read(fd, f, sizeof(*f)) != sizeof(*f))
		return (-1);
	f->wf_why[sizeof(f->wf_why) - 1] = '\0';
	return (0);
}

/*
 * worker_log_queue: (main thread) SIGUSR1: how queue q of the vif ifname
 * was woken, from its last snapshot (worker_snapshot).
 */
void
worker_log_queue(const char *ifname, unsigned int q, const struct vif_dp *dp)
{
	const struct wake_stats *k = &dp->dp_wk_snap;

	log_info("%s: queue %u wakeups: empty events %" PRIu64 ", delayed "
	    "unmasks %" PRIu64 ", poll stretches %" PRIu64 " (work found "
	    "%" PRIu64 " times, %" PRIu64 " us polling)", ifname, q,
	    k->wk_events_empty, k->wk_backoffs, k->wk_polls, k->wk_poll_hits,
	    k->wk_poll_ns / 1000);
}

/*
 * worker_log_stats: (main thread) SIGUSR1: the worker's event-channel
 * device, counted.  Nothing if the worker does not answer.
 */
void
worker_log_stats(struct worker *w)
{
	const struct worker_stats *s = &w->w_snap;

	if (worker_run(w, WCMD_SNAPSHOT, NULL, NULL, NULL) == -1)
		return;
	log_info("worker %d: event channels: reads %" PRIu64 " (ports "
	    "%" PRIu64 "), unmasks %" PRIu64 " (ports %" PRIu64 "), "
	    "overflows %" PRIu64 ", other failed reads %" PRIu64 ", "
	    "recoveries %" PRIu64 ", poll rounds %" PRIu64, w->w_id,
	    s->ws_reads, s->ws_ports,
	    s->ws_unmasks, s->ws_unmasked, s->ws_overflows, s->ws_errors,
	    s->ws_recoveries, s->ws_poll_loops);
}
