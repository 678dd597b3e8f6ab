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
 * capture: what crosses a vif, both directions, into a pcap file
 * (xennetctl capture).
 *
 * A capture costs nothing while none runs: the data path is not changed
 * at all.  capture_start opens the file (main thread) and has each
 * queue's worker put a capturing struct ring_port in front of the
 * queue's real port (worker_capture): it dumps guest -> host frames in
 * rp_send and host -> guest frames in rp_take, then hands each call on.
 * capture_stop (count or seconds reached, xennetctl capture stop, the
 * vif disconnecting, the daemon stopping) closes the file and has the
 * workers take the wrapper away again.
 *
 * The queues of a multi-queue vif run on different workers and share one
 * file: one dumper behind one lock, taken per frame only while a capture
 * runs.  A lock, not per-queue files merged later, because the frames
 * arrive in time order per file and the count limit is then exact.
 *
 * Who frees what: the struct capture is shared by the main thread and
 * every worker that may still hold one of its queue wrappers; each holds
 * a reference (cp_refs, under cp_lock) and the last to let go frees it.
 * The file and the events are the main thread's and are gone the moment
 * capture_stop returns; a wrapper still installed after that (a worker
 * slow to take it away) just hands every call on.
 */

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

/* Every frame whole: the largest the ring engine moves (ring.h). */
#define CAPTURE_SNAPLEN		RING_FRAME_MAX

/* One queue's capturing port. */
struct capq {
	struct ring_port	 cq_port;	/* what the worker calls */
	const struct ring_port	*cq_inner;	/* the queue's real port */
	struct capture		*cq_cap;
	uint8_t			*cq_peeked;	/* rp_peek's last frame */
	ssize_t			 cq_peeklen;
	uint8_t			*cq_gather;	/* a frame in pieces */
};

struct capture {
	pthread_mutex_t		 cp_lock;
	int			 cp_refs;
	int			 cp_stopped;
	pcap_t			*cp_pcap;
	pcap_dumper_t		*cp_dump;
	uint64_t		 cp_max;	/* frames; 0: no limit */
	uint64_t		 cp_tx, cp_rx;	/* frames dumped */
	struct event		*cp_full_ev;	/* cp_max reached */
	struct event		*cp_timer;	/* seconds */
	struct xnd		*cp_x;
	struct vif		*cp_vif;
	char			 cp_file[CTLREQ_FILE_MAX];
	unsigned int		 cp_nq;
	struct capq		 cp_q[XENNETD_MAX_QUEUES];
};

static int	capture_open(struct capture *, const char *, const char *,
		    char *, size_t);
static void	capture_put(struct capture *);
static void	capture_full(evutil_socket_t, short, void *);
static void	capture_dump(struct capq *, const uint8_t *, size_t, int);
static int	capq_send(void *, const struct iovec *, int);
static int	capq_flush(void *);
static ssize_t	capq_peek(void *, uint8_t **);
static void	capq_take(void *);
static void	capq_release(void *);

/*
 * capture_start: (main thread) capture what crosses vif v into file, up
 * to count frames and for seconds (0: no limit).  0, or -1 with a
 * message for the client in err.
 */
int
capture_start(struct xnd *x, struct vif *v, const char *file,
    uint64_t count, unsigned int seconds, char *err, size_t errlen)
{
	struct capture *cp;
	struct timeval tv;
	unsigned int q, n = 0;

	if (v->v_capture != NULL) {
		snprintf(err, errlen, "%s: a capture to %s runs already",
		    v->v_ifname, v->v_capture->cp_file);
		return (-1);
	}
	if (v->v_attached == 0) {
		snprintf(err, errlen, "%s: not connected", v->v_ifname);
		return (-1);
	}
	if ((cp = calloc(1, sizeof(*cp))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return (-1);
	}
	pthread_mutex_init(&cp->cp_lock, NULL);
	cp->cp_refs = 1;		/* the main thread's */
	cp->cp_x = x;
	cp->cp_vif = v;
	cp->cp_max = count;
	cp->cp_nq = v->v_attached;
	for (q = 0; q < cp->cp_nq; q++) {
		cp->cp_q[q].cq_cap = cp;
		if ((cp->cp_q[q].cq_gather = malloc(CAPTURE_SNAPLEN)) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	cp->cp_full_ev = event_new(x->x_base, -1, 0, capture_full, cp);
	cp->cp_timer = evtimer_new(x->x_base, capture_full, cp);
	if (cp->cp_full_ev == NULL || cp->cp_timer == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (capture_open(cp, x->x_conf.xc_capture_dir, file, err, errlen) ==
	    -1)
		goto fail;
	if (seconds > 0) {
		tv.tv_sec = seconds;
		tv.tv_usec = 0;
		evtimer_add(cp->cp_timer, &tv);
	}
	v->v_capture = cp;
	for (q = 0; q < cp->cp_nq; q++) {
		pthread_mutex_lock(&cp->cp_lock);
		cp->cp_refs++;		/* the worker's, from now on */
		pthread_mutex_unlock(&cp->cp_lock);
		if (worker_capture(v->v_worker[q], &v->v_dp[q],
		    &cp->cp_q[q]) == 0)
			n++;
		else
			log_warn("%s: queue %u: capture not installed",
			    v->v_ifname, q);
	}
	if (n == 0) {
		capture_stop(v, "no queue could capture", NULL, NULL);
		snprintf(err, errlen, "%s: no worker answered; capture "
		    "stopped", v->v_ifname);
		return (-1);
	}
	log_info("%s: capturing to %s (%u of %u queues)%s", v->v_ifname,
	    cp->cp_file, n, cp->cp_nq, n < cp->cp_nq ? ": some workers "
	    "did not answer" : "");
	return (0);
fail:
	if (cp->cp_full_ev != NULL)
		event_free(cp->cp_full_ev);
	if (cp->cp_timer != NULL)
		event_free(cp->cp_timer);
	capture_put(cp);
	return (-1);
}

/*
 * capture_open: the dump file, created (mode 0600) or truncated: a
 * regular file, not through a symbolic link, named by an absolute path
 * or by a plain name (no '/') in dir, the configuration's capture-dir
 * (the daemon itself runs in /).  Opened without blocking, so that a
 * FIFO does not stall the main thread.  0, or -1 with err.
 */
static int
capture_open(struct capture *cp, const char *dir, const char *name,
    char *err, size_t errlen)
{
	struct stat st;
	const char *file = cp->cp_file;
	FILE *f;
	int fd, n;

	if (name[0] != '/' && strchr(name, '/') != NULL) {
		snprintf(err, errlen, "%s: a capture file is an absolute path "
		    "or a name in capture-dir %s, without '/'", name, dir);
		return (-1);
	}
	if (name[0] == '/')
		n = snprintf(cp->cp_file, sizeof(cp->cp_file), "%s", name);
	else
		n = snprintf(cp->cp_file, sizeof(cp->cp_file), "%s/%s", dir,
		    name);
	if (n < 0 || (size_t)n >= sizeof(cp->cp_file)) {
		snprintf(err, errlen, "capture file name too long");
		return (-1);
	}
	if (priv_running()) {
		/* the privileged helper opens it, in capture-dir only */
		if ((fd = priv_capture_open(dir, name, err, errlen)) == -1)
			return (-1);
	} else if (lstat(file, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", file);
		return (-1);
	} else if ((fd = open(file, O_WRONLY | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", file);
		close(fd);
		return (-1);
	}
	if (ftruncate(fd, 0) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == -1) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		close(fd);
		return (-1);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		close(fd);
		return (-1);
	}
	if ((cp->cp_pcap = pcap_open_dead(DLT_EN10MB, CAPTURE_SNAPLEN)) ==
	    NULL || (cp->cp_dump = pcap_dump_fopen(cp->cp_pcap, f)) ==
	    NULL) {
		snprintf(err, errlen, "%s: %s", file, cp->cp_pcap != NULL ?
		    pcap_geterr(cp->cp_pcap) : "pcap_open_dead failed");
		fclose(f);
		return (-1);
	}
	return (0);
}

/*
 * capture_stop: (main thread) end v's capture, saying why in the log:
 * close the file and have the workers take their wrappers away.  The
 * frames written each way in *tx, *rx unless NULL.  -1 with ENOENT if
 * none runs.
 */
int
capture_stop(struct vif *v, const char *why, uint64_t *ptx, uint64_t *prx)
{
	struct capture *cp = v->v_capture;
	uint64_t tx, rx;
	unsigned int q;
	int ferr = 0;

	if (cp == NULL) {
		errno = ENOENT;
		return (-1);
	}
	v->v_capture = NULL;
	pthread_mutex_lock(&cp->cp_lock);
	cp->cp_stopped = 1;
	tx = cp->cp_tx;
	rx = cp->cp_rx;
	if (cp->cp_dump != NULL) {
		ferr = pcap_dump_flush(cp->cp_dump);
		pcap_dump_close(cp->cp_dump);
		cp->cp_dump = NULL;
	}
	pthread_mutex_unlock(&cp->cp_lock);
	event_free(cp->cp_full_ev);
	event_free(cp->cp_timer);
	cp->cp_full_ev = cp->cp_timer = NULL;
	for (q = 0; q < cp->cp_nq && q < v->v_attached; q++)
		if (worker_capture(v->v_worker[q], &v->v_dp[q], NULL) == -1)
			log_warn("%s: queue %u: capture wrapper not removed "
			    "yet", v->v_ifname, q);
	if (ferr == -1)
		log_warnx("%s: capture to %s: write error", v->v_ifname,
		    cp->cp_file);
	log_info("%s: capture to %s stopped (%s): %llu frames from the "
	    "guest, %llu to it", v->v_ifname, cp->cp_file, why,
	    (unsigned long long)tx, (unsigned long long)rx);
	if (ptx != NULL)
		*ptx = tx;
	if (prx != NULL)
		*prx = rx;
	capture_put(cp);
	return (0);
}

/*
 * capture_info: (main thread) v's capture: its file and the frames
 * dumped so far each way; -1 if none runs.
 */
int
capture_info(struct vif *v, const char **file, uint64_t *tx, uint64_t *rx)
{
	struct capture *cp = v->v_capture;

	if (cp == NULL)
		return (-1);
	pthread_mutex_lock(&cp->cp_lock);
	*tx = cp->cp_tx;
	*rx = cp->cp_rx;
	pthread_mutex_unlock(&cp->cp_lock);
	*file = cp->cp_file;
	return (0);
}

/* capture_full: (main thread) the count or the time is up. */
static void
capture_full(evutil_socket_t fd, short ev, void *arg)
{
	struct capture *cp = arg;
	int full;

	pthread_mutex_lock(&cp->cp_lock);
	full = cp->cp_max > 0 && cp->cp_tx + cp->cp_rx >= cp->cp_max;
	pthread_mutex_unlock(&cp->cp_lock);
	capture_stop(cp->cp_vif, full ? "count reached" : "time is up",
	    NULL, NULL);
}

/* capture_put: drop a reference; the last one frees cp. */
static void
capture_put(struct capture *cp)
{
	unsigned int q;
	int last;

	pthread_mutex_lock(&cp->cp_lock);
	last = --cp->cp_refs == 0;
	pthread_mutex_unlock(&cp->cp_lock);
	if (!last)
		return;
	if (cp->cp_dump != NULL)
		pcap_dump_close(cp->cp_dump);
	if (cp->cp_pcap != NULL)
		pcap_close(cp->cp_pcap);
	for (q = 0; q < XENNETD_MAX_QUEUES; q++)
		free(cp->cp_q[q].cq_gather);
	pthread_mutex_destroy(&cp->cp_lock);
	free(cp);
}

/*
 * capq_install: (worker thread) put cq in front of the queue's port
 * inner.  The port to use, or NULL if the capture is over already (the
 * reference given with cq is then dropped).
 */
const struct ring_port *
capq_install(struct capq *cq, const struct ring_port *inner)
{
	struct capture *cp = cq->cq_cap;
	int stopped;

	pthread_mutex_lock(&cp->cp_lock);
	stopped = cp->cp_stopped;
	pthread_mutex_unlock(&cp->cp_lock);
	if (stopped) {
		capture_put(cp);
		return (NULL);
	}
	cq->cq_inner = inner;
	cq->cq_peeked = NULL;
	cq->cq_port.rp_arg = cq;
	cq->cq_port.rp_send = capq_send;
	cq->cq_port.rp_flush = inner->rp_flush != NULL ? capq_flush : NULL;
	cq->cq_port.rp_peek = capq_peek;
	cq->cq_port.rp_take = capq_take;
	cq->cq_port.rp_release = inner->rp_release != NULL ? capq_release :
	    NULL;
	return (&cq->cq_port);
}

/* capq_remove: (worker thread) the wrapper is no longer used. */
void
capq_remove(struct capq *cq)
{
	capture_put(cq->cq_cap);
}

/*
 * capture_dump: (worker thread) one frame of len bytes, from the guest
 * (rx 0) or to it, into the file, unless the capture is over.  The
 * count limit is exact: frames past it are not written.
 */
static void
capture_dump(struct capq *cq, const uint8_t *frame, size_t len, int rx)
{
	struct capture *cp = cq->cq_cap;
	struct pcap_pkthdr h;
	uint64_t n;

	h.caplen = h.len = (bpf_u_int32)len;
	pthread_mutex_lock(&cp->cp_lock);
	gettimeofday(&h.ts, NULL);	/* under the lock: in time order */
	n = cp->cp_tx + cp->cp_rx;
	if (!cp->cp_stopped && cp->cp_dump != NULL &&
	    (cp->cp_max == 0 || n < cp->cp_max)) {
		pcap_dump((u_char *)cp->cp_dump, &h, frame);
		if (rx)
			cp->cp_rx++;
		else
			cp->cp_tx++;
		if (cp->cp_max > 0 && n + 1 == cp->cp_max)
			event_active(cp->cp_full_ev, EV_TIMEOUT, 0);
	}
	pthread_mutex_unlock(&cp->cp_lock);
}

/*
 * capq_send: ring_port rp_send: a frame from the guest, iov[0] its vnet
 * header (not dumped: a GSO frame goes into the file as it is).
 */
static int
capq_send(void *arg, const struct iovec *iov, int iovcnt)
{
	struct capq *cq = arg;
	size_t len = 0;
	int i;

	if (cq->cq_inner->rp_send(cq->cq_inner->rp_arg, iov, iovcnt) == -1)
		return (-1);
	if (iovcnt == 2) {
		capture_dump(cq, iov[1].iov_base, iov[1].iov_len, 0);
		return (0);
	}
	for (i = 1; i < iovcnt; i++) {
		if (len + iov[i].iov_len > CAPTURE_SNAPLEN)
			break;
		memcpy(cq->cq_gather + len, iov[i].iov_base, iov[i].iov_len);
		len += iov[i].iov_len;
	}
	if (len > 0)
		capture_dump(cq, cq->cq_gather, len, 0);
	return (0);
}

static int
capq_flush(void *arg)
{
	struct capq *cq = arg;

	return (cq->cq_inner->rp_flush(cq->cq_inner->rp_arg));
}

/* capq_peek: ring_port rp_peek: remember the frame rp_take takes. */
static ssize_t
capq_peek(void *arg, uint8_t **buf)
{
	struct capq *cq = arg;
	ssize_t r;

	r = cq->cq_inner->rp_peek(cq->cq_inner->rp_arg, buf);
	cq->cq_peeked = r > 0 ? *buf : NULL;
	cq->cq_peeklen = r;
	return (r);
}

/*
 * capq_take: ring_port rp_take: a frame for the guest, after its vnet
 * header; a runt the engine will drop is not dumped.
 */
static void
capq_take(void *arg)
{
	struct capq *cq = arg;
	size_t hl = sizeof(struct xn_vnet_hdr);

	if (cq->cq_peeked != NULL &&
	    (size_t)cq->cq_peeklen >= hl + PKT_ETH_HLEN &&
	    (size_t)cq->cq_peeklen <= hl + RING_FRAME_MAX)
		capture_dump(cq, cq->cq_peeked + hl,
		    (size_t)cq->cq_peeklen - hl, 1);
	cq->cq_peeked = NULL;
	cq->cq_inner->rp_take(cq->cq_inner->rp_arg);
}

static void
capq_release(void *arg)
{
	struct capq *cq = arg;

	cq->cq_inner->rp_release(cq->cq_inner->rp_arg);
}
