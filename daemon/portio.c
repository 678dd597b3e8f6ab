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
 * Frame I/O on a vif's host port (the tap fd), in batches.  The ring
 * engine sees a struct ring_port: it queues the frames of a tx pass with
 * rp_send and sends them with one rp_flush; it takes received frames
 * from buffers the port owns (rp_peek/rp_take) and hands them back after
 * its copies with rp_release.  Two ways to move the frames:
 *
 *   uring    io_uring: a tx pass costs one io_uring_enter whatever its
 *            size; when the tap is readable, one io_uring_enter reads
 *            as many frames as there are free buffers, each read
 *            non-blocking (RWF_NOWAIT): the ones that find the tap empty
 *            come back at once with EAGAIN instead of waiting on it.
 *            Reads are never left posted: on a tap, every posted read
 *            would be woken by every frame (measured in the PV lab: the
 *            rx path of a posted-reads design fell to a fifth).
 *   syscall  one writev per frame and one read per frame, plus the read
 *            that finds the tap empty: the baseline, and the fallback
 *            where io_uring is not available.
 *
 * In a PV dom0 every system call is a trip through the hypervisor, which
 * is what makes the first one worth its code (see tests/bench).  Hosts
 * without liburing (the BSDs) have the second only.
 *
 * A tap without vnet headers (the BSDs': osdep_tap_vnet) is read and
 * written one frame per call: a guest's frame goes through soft_tx
 * (lib/soft.c), which completes a blank checksum and cuts a GSO frame
 * into segments, and a host frame reaches the engine behind a zeroed
 * vnet header: complete, no offload asked of the guest.
 *
 * Receive buffers are page aligned and a frame is read so that it starts
 * on a page boundary, its vnet header just before it: a guest rx buffer
 * (one page) is then filled by one grant-copy segment, not two.
 */

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "soft.h"
#include "xennetd.h"

/* A receive buffer: a page for the vnet header, then the frame. */
#define PORTIO_HDR_ROOM		4096
#define PORTIO_BUF_SIZE		(PORTIO_HDR_ROOM + \
				    ((RING_FRAME_MAX + 4095) & ~4095))
#define PORTIO_READ_LEN		(sizeof(struct xn_vnet_hdr) + RING_FRAME_MAX)

/* io_uring user_data: the kind in the top bits, a buffer index below. */
#define PORTIO_UD_TX		(1ULL << 62)
#define PORTIO_UD_RX		(1ULL << 61)

enum portio_bufstate {
	PB_FREE,		/* holding nothing */
	PB_POSTED,		/* uring: a read was submitted */
	PB_READY,		/* holds a frame, on the ready queue */
	PB_LENT			/* handed to the engine until rp_release */
};

struct portio {
	int			 pi_fd;		/* the tap */
	enum portio_mode	 pi_mode;
	int			 pi_vnet;	/* its frames have a vnet header */
	uint8_t			*pi_scratch;	/* !pi_vnet: soft_tx segments */
	struct ring_port	 pi_port;
	struct portio_stats	 pi_stats;

	unsigned int		 pi_nbuf;	/* PORTIO_MAX_BUFS */
	unsigned int		 pi_nuse;	/* the first n are used */
	uint8_t			*pi_mem;	/* pi_nbuf * PORTIO_BUF_SIZE */
	size_t			 pi_memlen;
	uint8_t			*pi_state;	/* enum portio_bufstate */
	uint32_t		*pi_len;	/* bytes read, when READY */
	/* ready queue, in arrival order: indices into the buffers */
	uint32_t		*pi_rq;
	unsigned int		 pi_rq_head, pi_rq_n;
	/* lent buffers, to give back in rp_release */
	uint32_t		*pi_lent;
	unsigned int		 pi_nlent;
	int			 pi_drained;	/* tap found empty this pass */
	int			 pi_lost;	/* errno: the tap is gone */
	unsigned int		 pi_rx_eagain;	/* of them found it empty */

	/* uring */
#ifdef HAVE_LIBURING
	struct io_uring		 pi_ring;
#endif
	int			 pi_ring_ok;
	unsigned int		 pi_tx_queued;	/* in the SQ, not submitted */
	unsigned int		 pi_tx_inflight; /* submitted, not reaped */
	unsigned int		 pi_tx_failed;	/* since the last flush */
	struct iovec		*pi_txiov;	/* 2 per queued write */
	struct xn_vnet_hdr	*pi_txhdr;	/* copies of the headers */
	unsigned int		 pi_txiov_n;
#ifdef XENNET_FAULTS
	struct fault_port	 pi_fault;
#endif
};

static int	portio_send(void *, const struct iovec *, int);
static int	portio_flush(void *);
static ssize_t	portio_peek(void *, uint8_t **);
static void	portio_take(void *);
static void	portio_release(void *);
static void	portio_ready(struct portio *, uint32_t, uint32_t);
#ifdef HAVE_LIBURING
static int	portio_post(struct portio *, uint32_t);
static ssize_t	portio_fill(struct portio *);
static int	portio_probe(struct portio *);
static int	portio_submit(struct portio *);
static void	portio_reap(struct portio *);
#endif
static void	portio_fallback(const char *);
static ssize_t	portio_read_one(struct portio *);
static int	portio_write(void *, const uint8_t *, size_t);
static void	portio_error(struct portio *, int);
static void	portio_txfail(struct portio *, int);

/* The frame data of buffer i (its vnet header is just before). */
static uint8_t *
portio_buf(struct portio *pi, uint32_t i)
{
	return (pi->pi_mem + (size_t)i * PORTIO_BUF_SIZE + PORTIO_HDR_ROOM -
	    sizeof(struct xn_vnet_hdr));
}

/*
 * portio_open: frame I/O on tap fd (non-blocking) using nbuf receive
 * buffers (portio_set_bufs changes that) and room for a full pass of
 * queued writes; vnet: the tap's frames have a vnet header (else the
 * offloads are done in software).  Room for PORTIO_MAX_BUFS buffers is
 * reserved, but only pages that frames touch cost memory.  PORTIO_URING
 * falls back to PORTIO_SYSCALL (and says so in *mode) when the kernel
 * has no io_uring for us or the tap no vnet header.  Returns NULL with
 * errno on failure.
 */
struct portio *
portio_open(int fd, enum portio_mode *mode, unsigned int nbuf, int vnet)
{
	struct portio *pi;
	unsigned int txmax = PORTIO_MAX_BUFS;
	int save;

	if (nbuf == 0 || nbuf > PORTIO_MAX_BUFS) {
		errno = EINVAL;
		return (NULL);
	}
	if ((pi = calloc(1, sizeof(*pi))) == NULL)
		return (NULL);
	pi->pi_fd = fd;
	pi->pi_vnet = vnet;
#ifdef XENNET_FAULTS
	fault_port_init(&pi->pi_fault, fd);
#endif
	pi->pi_nbuf = PORTIO_MAX_BUFS;
	pi->pi_nuse = nbuf;
	pi->pi_memlen = (size_t)pi->pi_nbuf * PORTIO_BUF_SIZE;
	/* anonymous memory: a small frame touches one page of its buffer */
	pi->pi_mem = mmap(NULL, pi->pi_memlen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (pi->pi_mem == MAP_FAILED) {
		pi->pi_mem = NULL;
		goto fail;
	}
	pi->pi_state = calloc(pi->pi_nbuf, sizeof(*pi->pi_state));
	pi->pi_len = calloc(pi->pi_nbuf, sizeof(*pi->pi_len));
	pi->pi_rq = calloc(pi->pi_nbuf, sizeof(*pi->pi_rq));
	pi->pi_lent = calloc(pi->pi_nbuf, sizeof(*pi->pi_lent));
	pi->pi_txiov_n = 2 * txmax;
	pi->pi_txiov = calloc(pi->pi_txiov_n, sizeof(*pi->pi_txiov));
	pi->pi_txhdr = calloc(txmax, sizeof(*pi->pi_txhdr));
	if (pi->pi_state == NULL || pi->pi_len == NULL || pi->pi_rq == NULL ||
	    pi->pi_lent == NULL || pi->pi_txiov == NULL ||
	    pi->pi_txhdr == NULL)
		goto fail;
	if (!vnet && (pi->pi_scratch = malloc(RING_FRAME_MAX)) == NULL)
		goto fail;

	pi->pi_mode = *mode;
	if (pi->pi_mode == PORTIO_URING && !vnet) {
		portio_fallback("the tap has no vnet header");
		pi->pi_mode = PORTIO_SYSCALL;
	}
#ifndef HAVE_LIBURING
	if (pi->pi_mode == PORTIO_URING) {
		portio_fallback("built without liburing");
		pi->pi_mode = PORTIO_SYSCALL;
	}
#else
	if (pi->pi_mode == PORTIO_URING) {
		/* room for a read into every buffer and a full tx pass */
		if ((errno = -io_uring_queue_init(pi->pi_nbuf + txmax,
		    &pi->pi_ring, 0)) != 0) {
			portio_fallback("no io_uring");
			pi->pi_mode = PORTIO_SYSCALL;
		} else {
			pi->pi_ring_ok = 1;
			if (portio_probe(pi) == -1)
				pi->pi_mode = PORTIO_SYSCALL;
		}
	}
#endif
	*mode = pi->pi_mode;

	pi->pi_port.rp_arg = pi;
	pi->pi_port.rp_send = portio_send;
	pi->pi_port.rp_flush = portio_flush;
	pi->pi_port.rp_peek = portio_peek;
	pi->pi_port.rp_take = portio_take;
	pi->pi_port.rp_release = portio_release;
	return (pi);
fail:
	save = errno;
	portio_close(pi);
	errno = save;
	return (NULL);
}

/*
 * portio_set_bufs: use nbuf receive buffers from now on (a live change
 * of the rx batch).  Frames held in buffers beyond the new count are
 * still delivered; those buffers are just not read into again.
 */
int
portio_set_bufs(struct portio *pi, unsigned int nbuf)
{
	if (nbuf == 0 || nbuf > pi->pi_nbuf) {
		errno = EINVAL;
		return (-1);
	}
	pi->pi_nuse = nbuf;
	return (0);
}

/* portio_close: cancel what is in flight, free everything (not the fd). */
void
portio_close(struct portio *pi)
{
	if (pi == NULL)
		return;
#ifdef HAVE_LIBURING
	if (pi->pi_ring_ok)
		io_uring_queue_exit(&pi->pi_ring);	/* cancels the reads */
#endif
	if (pi->pi_mem != NULL)
		munmap(pi->pi_mem, pi->pi_memlen);
	free(pi->pi_state);
	free(pi->pi_len);
	free(pi->pi_rq);
	free(pi->pi_lent);
	free(pi->pi_txiov);
	free(pi->pi_txhdr);
	free(pi->pi_scratch);
	free(pi);
}

const struct ring_port *
portio_port(struct portio *pi)
{
	return (&pi->pi_port);
}

/*
 * portio_fd: the fd that becomes readable when frames arrive (the tap).
 */
int
portio_fd(struct portio *pi)
{
	return (pi->pi_fd);
}

/*
 * portio_held: frames read from the tap and not yet given to the guest
 * (the engine found it short of rx buffers).
 */
unsigned int
portio_held(struct portio *pi)
{
#ifdef HAVE_LIBURING
	if (pi->pi_mode == PORTIO_URING)
		portio_reap(pi);
#endif
	return (pi->pi_rq_n);
}

/*
 * portio_error: a read failed with err.  The errors of a tun whose
 * device was deleted (EBADFD) or that cannot work any more mean the port
 * is lost for good: portio_lost says so from now on, and the fd (always
 * readable now) must not be polled again.
 */
static void
portio_error(struct portio *pi, int err)
{
	pi->pi_stats.ps_rx_errors++;
	if (err == ENODEV || err == ENXIO || err == EBADF || err == EFAULT)
		pi->pi_lost = err;
#ifdef EBADFD
	if (err == EBADFD)		/* Linux only */
		pi->pi_lost = err;
#endif
}

/*
 * portio_txfail: a frame the tap did not take, for reason err.  ENOBUFS
 * (the kernel had no room) is counted on its own: the frame is dropped
 * like any other refused one, and the port goes on.
 */
static void
portio_txfail(struct portio *pi, int err)
{
	pi->pi_stats.ps_tx_errors++;
	if (err == ENOBUFS)
		pi->pi_stats.ps_tx_nobufs++;
}

/* portio_lost: 0, or the errno that lost the port for good. */
int
portio_lost(const struct portio *pi)
{
	return (pi->pi_lost);
}

const struct portio_stats *
portio_stats(struct portio *pi)
{
	return (&pi->pi_stats);
}

const char *
portio_mode_name(enum portio_mode m)
{
	return (m == PORTIO_URING ? "uring" : "syscall");
}

/*
 * portio_send: ring_port rp_send.  syscall: writev now (without vnet
 * header: soft_tx, then a write per frame it makes).  uring: queue a
 * writev; iov[] and the vnet header (iov[0]) are copied, the frame
 * (iov[1]) must stay put until portio_flush (the engine's arena does).
 * 0 or -1.
 */
static int
portio_send(void *arg, const struct iovec *iov, int cnt)
{
	struct portio *pi = arg;
#ifdef HAVE_LIBURING
	struct io_uring_sqe *sqe;
	struct iovec *v;
#endif

#ifdef XENNET_FAULTS
	if (fault_enobufs(&pi->pi_fault)) {
		portio_txfail(pi, ENOBUFS);
		errno = ENOBUFS;
		return (-1);
	}
#endif
	if (pi->pi_mode == PORTIO_SYSCALL && !pi->pi_vnet) {
		if (soft_tx_iov(iov, cnt, pi->pi_scratch, RING_FRAME_MAX,
		    portio_write, pi, NULL) == -1) {
			pi->pi_stats.ps_tx_errors++;
			return (-1);
		}
		return (0);
	}
	if (pi->pi_mode == PORTIO_SYSCALL) {
		pi->pi_stats.ps_syscalls++;
		if (writev(pi->pi_fd, iov, cnt) == -1) {
			portio_txfail(pi, errno);
			return (-1);
		}
		return (0);
	}
#ifndef HAVE_LIBURING
	errno = EINVAL;
	return (-1);
#else
	if (cnt != 2 || iov[0].iov_len != sizeof(*pi->pi_txhdr) ||
	    2 * (pi->pi_tx_queued + 1) > pi->pi_txiov_n) {
		errno = EINVAL;
		return (-1);
	}
	if ((sqe = io_uring_get_sqe(&pi->pi_ring)) == NULL) {
		/* the SQ holds posted reads too: make room and retry once */
		if (portio_submit(pi) == -1 ||
		    (sqe = io_uring_get_sqe(&pi->pi_ring)) == NULL) {
			errno = ENOBUFS;
			return (-1);
		}
	}
	v = &pi->pi_txiov[2 * pi->pi_tx_queued];
	memcpy(&pi->pi_txhdr[pi->pi_tx_queued], iov[0].iov_base,
	    sizeof(*pi->pi_txhdr));
	v[0].iov_base = &pi->pi_txhdr[pi->pi_tx_queued];
	v[0].iov_len = sizeof(*pi->pi_txhdr);
	v[1] = iov[1];
	io_uring_prep_writev(sqe, pi->pi_fd, v, 2, 0);
	io_uring_sqe_set_data64(sqe, PORTIO_UD_TX);
	pi->pi_tx_queued++;
	return (0);
#endif
}

/* portio_write: soft_tx's output: one complete frame onto the tap. */
static int
portio_write(void *arg, const uint8_t *f, size_t len)
{
	struct portio *pi = arg;

	pi->pi_stats.ps_syscalls++;
	return (write(pi->pi_fd, f, len) == -1 ? -1 : 0);
}

/*
 * portio_flush: ring_port rp_flush: send what portio_send queued and
 * wait until the kernel took it.  Returns how many of the frames could
 * not be sent (0 when all went), or -1 if the port failed.
 */
static int
portio_flush(void *arg)
{
	struct portio *pi = arg;
#ifdef HAVE_LIBURING
	int failed;
#endif

	if (pi->pi_mode == PORTIO_SYSCALL || pi->pi_tx_queued == 0)
		return (0);
#ifdef HAVE_LIBURING
	if (portio_submit(pi) == -1)
		return (-1);
	/* tap writes complete at submission; wait for any that did not */
	while (pi->pi_tx_inflight > 0) {
		portio_reap(pi);
		if (pi->pi_tx_inflight == 0)
			break;
		pi->pi_stats.ps_syscalls++;
		if (io_uring_wait_cqe_nr(&pi->pi_ring, NULL, 1) < 0 &&
		    errno != EINTR)
			return (-1);
	}
	failed = (int)pi->pi_tx_failed;
	pi->pi_tx_failed = 0;
	return (failed);
#else
	return (0);
#endif
}

/*
 * portio_peek: ring_port rp_peek: the next received frame (vnet header
 * first) in *buf, left in place until portio_take.  Returns its length,
 * 0 if nothing waits, -1 if the port failed.
 */
static ssize_t
portio_peek(void *arg, uint8_t **buf)
{
	struct portio *pi = arg;
	uint32_t i;
	ssize_t r;

	if (pi->pi_lost != 0)
		return (-1);
	if (pi->pi_rq_n == 0) {
		if (pi->pi_drained)
			return (0);	/* empty a moment ago, this pass */
#ifdef HAVE_LIBURING
		if (pi->pi_mode == PORTIO_URING)
			r = portio_fill(pi);
		else
#endif
			r = portio_read_one(pi);
		if (r <= 0)
			return (r);
	}
	i = pi->pi_rq[pi->pi_rq_head];
	*buf = portio_buf(pi, i);
	return ((ssize_t)pi->pi_len[i]);
}

/* portio_take: ring_port rp_take: the peeked frame is the engine's. */
static void
portio_take(void *arg)
{
	struct portio *pi = arg;
	uint32_t i;

	if (pi->pi_rq_n == 0)
		return;
	i = pi->pi_rq[pi->pi_rq_head];
	pi->pi_rq_head = (pi->pi_rq_head + 1) % pi->pi_nbuf;
	pi->pi_rq_n--;
	pi->pi_state[i] = PB_LENT;
	pi->pi_lent[pi->pi_nlent++] = i;
}

/*
 * portio_release: ring_port rp_release: the engine is done with every
 * frame it took (its copies are issued): post their buffers again.
 */
static void
portio_release(void *arg)
{
	struct portio *pi = arg;
	unsigned int k;

	for (k = 0; k < pi->pi_nlent; k++)
		pi->pi_state[pi->pi_lent[k]] = PB_FREE;
	pi->pi_nlent = 0;
	pi->pi_drained = 0;
}

/* portio_ready: buffer i holds a frame of len bytes: queue it. */
static void
portio_ready(struct portio *pi, uint32_t i, uint32_t len)
{
	pi->pi_state[i] = PB_READY;
	pi->pi_len[i] = len;
	pi->pi_rq[(pi->pi_rq_head + pi->pi_rq_n) % pi->pi_nbuf] = i;
	pi->pi_rq_n++;
	pi->pi_stats.ps_rx_frames++;
}

/* portio_fallback: say once per process why read/writev is used. */
static void
portio_fallback(const char *why)
{
	static int said;

	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED) == 0)
		log_info("port I/O: %s; using read/writev", why);
}

#ifdef HAVE_LIBURING
/*
 * portio_fill: (uring) read into every free buffer with one
 * io_uring_enter, non-blocking.  Returns the number of frames now
 * ready, 0 if the tap is empty (it is then not asked again until the
 * next rp_release), -1 if the port failed.
 */
static ssize_t
portio_fill(struct portio *pi)
{
	uint32_t i;
	unsigned int n = 0;

	for (i = 0; i < pi->pi_nuse; i++)
		if (pi->pi_state[i] == PB_FREE) {
			if (portio_post(pi, i) == -1)
				break;
			n++;
		}
	if (n == 0)
		return (0);	/* every buffer lent or held */
	if (portio_submit(pi) == -1)
		return (-1);
	pi->pi_rx_eagain = 0;
	portio_reap(pi);
	/* a read that found the tap empty: do not ask again this pass */
	if (pi->pi_rx_eagain > 0)
		pi->pi_drained = 1;
	return ((ssize_t)pi->pi_rq_n);
}

/*
 * portio_probe: can the kernel's tun take non-blocking io_uring I/O?
 * Linux 6.1's tun has no FMODE_NOWAIT: a RWF_NOWAIT read fails with
 * EOPNOTSUPP and io_uring hands every write to its worker threads,
 * which may reorder them (measured in the lab: TCP through the tap fell
 * apart).  One read tells: 0 if uring is usable (a frame it caught is
 * kept), -1 if not (then read/writev, said once).
 */
static int
portio_probe(struct portio *pi)
{
	struct io_uring_cqe *cqe;
	uint32_t i = 0;
	int res;

	if (portio_post(pi, i) == -1 || portio_submit(pi) == -1 ||
	    io_uring_wait_cqe(&pi->pi_ring, &cqe) != 0) {
		portio_fallback("io_uring does not work on the tap");
		return (-1);
	}
	res = cqe->res;
	io_uring_cqe_seen(&pi->pi_ring, cqe);
	pi->pi_state[i] = PB_FREE;
	if (res == -EOPNOTSUPP || res == -EINVAL) {
		portio_fallback("this kernel's tun cannot do non-blocking "
		    "io_uring I/O (Linux 6.1 cannot)");
		return (-1);
	}
	if (res > 0)
		portio_ready(pi, i, (uint32_t)res);
	return (0);
}

/* portio_post: queue a non-blocking read into buffer i.  0 or -1. */
static int
portio_post(struct portio *pi, uint32_t i)
{
	struct io_uring_sqe *sqe;

	if ((sqe = io_uring_get_sqe(&pi->pi_ring)) == NULL) {
		if (portio_submit(pi) == -1 ||
		    (sqe = io_uring_get_sqe(&pi->pi_ring)) == NULL) {
			pi->pi_state[i] = PB_FREE;
			errno = ENOBUFS;
			return (-1);
		}
	}
	io_uring_prep_read(sqe, pi->pi_fd, portio_buf(pi, i),
	    PORTIO_READ_LEN, 0);
	sqe->rw_flags = RWF_NOWAIT;	/* EAGAIN now, never a parked read */
	io_uring_sqe_set_data64(sqe, PORTIO_UD_RX | i);
	pi->pi_state[i] = PB_POSTED;
	return (0);
}

/* portio_submit: one io_uring_enter for everything queued.  0 or -1. */
static int
portio_submit(struct portio *pi)
{
	int r;

	pi->pi_stats.ps_syscalls++;
	if ((r = io_uring_submit(&pi->pi_ring)) < 0) {
		errno = -r;
		return (-1);
	}
	pi->pi_tx_inflight += pi->pi_tx_queued;
	pi->pi_tx_queued = 0;
	return (0);
}

/*
 * portio_reap: take every completion there is, without a system call:
 * tx results are counted, rx buffers with a frame become ready (in
 * completion order, which is the order the tap handed out its frames),
 * the others free again (a read that found the tap empty is counted in
 * pi_rx_eagain).
 */
static void
portio_reap(struct portio *pi)
{
	struct io_uring_cqe *cqe;
	unsigned int head, n = 0;
	uint64_t ud;
	uint32_t i;

	io_uring_for_each_cqe(&pi->pi_ring, head, cqe) {
		n++;
		ud = io_uring_cqe_get_data64(cqe);
		if (ud & PORTIO_UD_TX) {
			if (pi->pi_tx_inflight > 0)
				pi->pi_tx_inflight--;
			if (cqe->res < 0) {
				pi->pi_tx_failed++;
				portio_txfail(pi, -cqe->res);
			}
			continue;
		}
		if (!(ud & PORTIO_UD_RX))
			continue;
		i = (uint32_t)(ud & 0xffffffffU);
		if (i >= pi->pi_nbuf || pi->pi_state[i] != PB_POSTED)
			continue;
		if (cqe->res > 0) {
			portio_ready(pi, i, (uint32_t)cqe->res);
			continue;
		}
		pi->pi_state[i] = PB_FREE;
		if (cqe->res == -EAGAIN || cqe->res == 0)
			pi->pi_rx_eagain++;
		else if (cqe->res != -EINTR)
			portio_error(pi, -cqe->res);
	}
	io_uring_cq_advance(&pi->pi_ring, n);
}

#endif /* HAVE_LIBURING */

/*
 * portio_read_one: (syscall) read one frame into a free buffer.  Returns
 * its length, 0 if the tap is empty, -1 on a port error.
 */
static ssize_t
portio_read_one(struct portio *pi)
{
	uint32_t i;
	ssize_t r;

	for (i = 0; i < pi->pi_nuse; i++)
		if (pi->pi_state[i] == PB_FREE)
			break;
	if (i == pi->pi_nuse)
		return (0);	/* every buffer lent: the pass is full */
	pi->pi_stats.ps_syscalls++;
	if (!pi->pi_vnet) {
		/* no header from the tap: a zeroed one asks for nothing */
		memset(portio_buf(pi, i), 0, sizeof(struct xn_vnet_hdr));
		r = read(pi->pi_fd, portio_buf(pi, i) +
		    sizeof(struct xn_vnet_hdr), RING_FRAME_MAX);
		if (r > 0)
			r += (ssize_t)sizeof(struct xn_vnet_hdr);
	} else
		r = read(pi->pi_fd, portio_buf(pi, i), PORTIO_READ_LEN);
	if (r == -1) {
		if (errno == EAGAIN || errno == EINTR) {
			pi->pi_drained = 1;
			return (0);
		}
		portio_error(pi, errno);
		return (-1);
	}
	if (r == 0)
		return (0);
	portio_ready(pi, i, (uint32_t)r);
	return (r);
}
