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
 * Port I/O through vhost-net (-i vhost): a tap queue is handed to the
 * kernel's vhost worker, which moves its frames in and out of buffers
 * in our memory through two virtqueues (lib/vq.c): vq 0 carries frames
 * from the tap to us, vq 1 from us to the tap.  The worker does the tun
 * I/O in batches on its own; we make no system call per frame: a kick
 * (an eventfd write) per transmit pass unless the worker says it is
 * polling, and a read of the receive call eventfd when a receive pass
 * finds the ring empty.
 *
 * The memory the worker reaches is one mapping: the receive buffers,
 * the transmit buffers and the two rings, given to it as a single
 * region whose "guest-physical" addresses are our own virtual ones.
 * Buffers have portio.c's layout: the frame starts on a page boundary,
 * its vnet header just before it, room for a 64 KiB GSO frame.  Every
 * buffer is one descriptor: no VIRTIO_NET_F_MRG_RXBUF (a frame always
 * fits one buffer), and no VHOST_NET_F_VIRTIO_NET_HDR: the tap makes
 * and reads the vnet header (IFF_VNET_HDR, 10 octets, which is the
 * size vhost expects of the tap without VIRTIO_F_VERSION_1) and the
 * worker passes it through.
 *
 * A frame to send is copied into a transmit buffer: the engine reuses
 * its arena after rp_flush, the worker may read the buffer later.
 * Transmit buffers come back through vq 1's used ring, read without a
 * system call; only when all are out do we wait for the worker (with
 * its interrupt on, bounded by VHOST_TX_WAIT_MS).
 *
 * What the worker writes in the used rings is checked (vq_next): a
 * bogus entry is counted and dropped, a used index that runs ahead
 * loses the port (EPROTO), as a tun error would.
 */

#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/vhost.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vq.h"
#include "xennetd.h"

#define VHOST_RX		0	/* vhost-net's queue numbers */
#define VHOST_TX		1
#define VHOST_NUM		PORTIO_MAX_BUFS	/* ring entries */
#define VHOST_TX_WAIT_MS	100	/* for a transmit buffer */
/*
 * Receive buffers kept posted: two passes' worth (rx-batch each), so that
 * the worker fills the next batch while the engine copies one.
 */
#define VHOST_RXBUFS(n)		((n) * 2 > VHOST_NUM ? VHOST_NUM : (n) * 2)

struct vhost {
	int			 vh_fd;		/* /dev/vhost-net */
	int			 vh_tap;	/* the tap queue (not ours) */
	int			 vh_kick[2];	/* eventfds, per queue */
	int			 vh_call[2];
	int			 vh_backend;	/* the tap is attached */
	int			 vh_lost;	/* errno: the port is gone */
	struct portio_stats	*vh_stats;	/* the portio's */
	struct ring_port	 vh_port;

	uint8_t			*vh_mem;	/* everything the worker sees */
	size_t			 vh_memlen;
	uint8_t			*vh_rxmem;	/* VHOST_NUM buffers each */
	uint8_t			*vh_txmem;
	struct vq		 vh_vq[2];

	/* receive: the buffers' states (rxq.c) */
	unsigned int		 vh_nuse;	/* buffers to keep posted */
	struct rxq		 vh_rxq;
	int			 vh_drained;	/* empty this pass */
	uint64_t		 vh_short;	/* used lengths of no frame */

	/* transmit: buffers not with the worker */
	uint32_t		 vh_txfree[VHOST_NUM];
	unsigned int		 vh_ntxfree;
};

static int	vhost_send(void *, const struct iovec *, int);
static int	vhost_flush(void *);
static ssize_t	vhost_peek(void *, uint8_t **);
static void	vhost_take(void *);
static void	vhost_release(void *);
static int	vhost_setup(struct vhost *, char *, size_t);
static int	vhost_setup_vq(struct vhost *, int, char *, size_t);
static void	vhost_harvest(struct vhost *);
static void	vhost_reclaim(struct vhost *);
static int	vhost_tx_wait(struct vhost *);
static void	vhost_post(struct vhost *);
static void	vhost_kick(struct vhost *, int);
static void	vhost_drain_call(struct vhost *, int);
static void	vhost_broken(struct vhost *, int);
static void	vhost_count_bad(struct vhost *);

/* The frame data of buffer i of a buffer area (its header before it). */
static uint8_t *
vhost_buf(uint8_t *area, uint32_t i)
{
	return (area + (size_t)i * PORTIO_BUF_SIZE + PORTIO_HDR_ROOM -
	    sizeof(struct xn_vnet_hdr));
}

/*
 * vhost_open: hand tap queue fd to a vhost-net worker of its own, for
 * an rx batch of nbuf (vhost_set_bufs changes it; VHOST_RXBUFS);
 * counts into *ps.  NULL with errno and why[] (for the fallback line)
 * if vhost-net cannot be had: no device, or it refused a step.
 */
struct vhost *
vhost_open(int fd, unsigned int nbuf, struct portio_stats *ps, char *why,
    size_t whylen)
{
	struct vhost *vh;
	size_t area;
	int save, q;

	if (nbuf == 0 || nbuf > VHOST_NUM) {
		snprintf(why, whylen, "%u buffers", nbuf);
		errno = EINVAL;
		return (NULL);
	}
	if ((vh = calloc(1, sizeof(*vh))) == NULL) {
		snprintf(why, whylen, "no memory");
		return (NULL);
	}
	vh->vh_fd = -1;
	for (q = 0; q < 2; q++)
		vh->vh_kick[q] = vh->vh_call[q] = -1;
	vh->vh_tap = fd;
	vh->vh_stats = ps;
	vh->vh_nuse = VHOST_RXBUFS(nbuf);
	area = (size_t)VHOST_NUM * PORTIO_BUF_SIZE;
	vh->vh_memlen = 2 * area + 2 * vq_mem_size(VHOST_NUM);
	/* anonymous memory: a small frame touches one page of its buffer */
	vh->vh_mem = mmap(NULL, vh->vh_memlen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vh->vh_mem == MAP_FAILED) {
		vh->vh_mem = NULL;
		snprintf(why, whylen, "no memory for its buffers");
		goto fail;
	}
	vh->vh_rxmem = vh->vh_mem;
	vh->vh_txmem = vh->vh_mem + area;
	if (vq_init(&vh->vh_vq[VHOST_RX], VHOST_NUM, vh->vh_mem + 2 * area) ==
	    -1 || vq_init(&vh->vh_vq[VHOST_TX], VHOST_NUM, vh->vh_mem +
	    2 * area + vq_mem_size(VHOST_NUM)) == -1) {
		snprintf(why, whylen, "no memory for its rings");
		goto fail;
	}
	if (vhost_setup(vh, why, whylen) == -1)
		goto fail;
	vh->vh_stats->ps_vh_queues = 1;

	vh->vh_port.rp_arg = vh;
	vh->vh_port.rp_send = vhost_send;
	vh->vh_port.rp_flush = vhost_flush;
	vh->vh_port.rp_peek = vhost_peek;
	vh->vh_port.rp_take = vhost_take;
	vh->vh_port.rp_release = vhost_release;
	return (vh);
fail:
	save = errno;
	vhost_close(vh);
	errno = save;
	return (NULL);
}

/*
 * vhost_setup: the device, its owner, features, memory, the two queues
 * and the tap as their backend, receive buffers posted.  0, or -1 with
 * errno and why[].
 */
static int
vhost_setup(struct vhost *vh, char *why, size_t whylen)
{
	struct vhost_memory *mem;
	struct vhost_vring_file be;
	uint64_t features;
	unsigned int i;
	int q, r;

	if ((vh->vh_fd = tap_vhost_open()) == -1) {
		snprintf(why, whylen, "cannot open %s: %s", TAP_VHOST_DEV,
		    strerror(errno));
		return (-1);
	}
	if (ioctl(vh->vh_fd, VHOST_SET_OWNER) == -1) {
		snprintf(why, whylen, "VHOST_SET_OWNER: %s", strerror(errno));
		return (-1);
	}
	/*
	 * No feature at all: legacy rings in our byte order, the tap's own
	 * 10-octet vnet header passed through, one buffer per frame, no
	 * event index (the flags suppress notifications).
	 */
	if (ioctl(vh->vh_fd, VHOST_GET_FEATURES, &features) == -1) {
		snprintf(why, whylen, "VHOST_GET_FEATURES: %s",
		    strerror(errno));
		return (-1);
	}
	features = 0;
	if (ioctl(vh->vh_fd, VHOST_SET_FEATURES, &features) == -1) {
		snprintf(why, whylen, "VHOST_SET_FEATURES: %s",
		    strerror(errno));
		return (-1);
	}
	/* one region: addresses the worker is given are ours */
	if ((mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]))) ==
	    NULL) {
		snprintf(why, whylen, "no memory");
		return (-1);
	}
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = (uintptr_t)vh->vh_mem;
	mem->regions[0].memory_size = vh->vh_memlen;
	mem->regions[0].userspace_addr = (uintptr_t)vh->vh_mem;
	r = ioctl(vh->vh_fd, VHOST_SET_MEM_TABLE, mem);
	free(mem);
	if (r == -1) {
		snprintf(why, whylen, "VHOST_SET_MEM_TABLE: %s",
		    strerror(errno));
		return (-1);
	}
	for (q = 0; q < 2; q++)
		if (vhost_setup_vq(vh, q, why, whylen) == -1)
			return (-1);
	/* every buffer at its place; frames to send are set per frame */
	for (i = 0; i < VHOST_NUM; i++) {
		vq_set_buf(&vh->vh_vq[VHOST_RX], i,
		    (uintptr_t)vhost_buf(vh->vh_rxmem, i), PORTIO_READ_LEN, 1);
		vq_set_buf(&vh->vh_vq[VHOST_TX], i,
		    (uintptr_t)vhost_buf(vh->vh_txmem, i), PORTIO_READ_LEN, 0);
		vh->vh_txfree[i] = VHOST_NUM - 1 - i;
	}
	vh->vh_ntxfree = VHOST_NUM;
	/* the worker interrupts only when we wait for it */
	vq_interrupts(&vh->vh_vq[VHOST_TX], 0);
	vhost_post(vh);
	for (q = 0; q < 2; q++) {
		be.index = (unsigned int)q;
		be.fd = vh->vh_tap;
		if (ioctl(vh->vh_fd, VHOST_NET_SET_BACKEND, &be) == -1) {
			snprintf(why, whylen, "VHOST_NET_SET_BACKEND: %s",
			    strerror(errno));
			return (-1);
		}
		vh->vh_backend = 1;
	}
	vhost_kick(vh, VHOST_RX);	/* buffers are there: look */
	return (0);
}

/* vhost_setup_vq: queue q's size, start, rings and eventfds. */
static int
vhost_setup_vq(struct vhost *vh, int q, char *why, size_t whylen)
{
	struct vhost_vring_state st;
	struct vhost_vring_addr a;
	struct vhost_vring_file f;
	struct vq *vq = &vh->vh_vq[q];

	if ((vh->vh_kick[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    (vh->vh_call[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		snprintf(why, whylen, "eventfd: %s", strerror(errno));
		return (-1);
	}
	memset(&st, 0, sizeof(st));
	st.index = (unsigned int)q;
	st.num = VHOST_NUM;
	if (ioctl(vh->vh_fd, VHOST_SET_VRING_NUM, &st) == -1) {
		snprintf(why, whylen, "VHOST_SET_VRING_NUM: %s",
		    strerror(errno));
		return (-1);
	}
	st.num = 0;
	if (ioctl(vh->vh_fd, VHOST_SET_VRING_BASE, &st) == -1) {
		snprintf(why, whylen, "VHOST_SET_VRING_BASE: %s",
		    strerror(errno));
		return (-1);
	}
	memset(&a, 0, sizeof(a));
	a.index = (unsigned int)q;
	a.desc_user_addr = (uintptr_t)vq->vq_desc;
	a.avail_user_addr = (uintptr_t)vq->vq_avail;
	a.used_user_addr = (uintptr_t)vq->vq_used;
	if (ioctl(vh->vh_fd, VHOST_SET_VRING_ADDR, &a) == -1) {
		snprintf(why, whylen, "VHOST_SET_VRING_ADDR: %s",
		    strerror(errno));
		return (-1);
	}
	f.index = (unsigned int)q;
	f.fd = vh->vh_kick[q];
	if (ioctl(vh->vh_fd, VHOST_SET_VRING_KICK, &f) == -1) {
		snprintf(why, whylen, "VHOST_SET_VRING_KICK: %s",
		    strerror(errno));
		return (-1);
	}
	f.fd = vh->vh_call[q];
	if (ioctl(vh->vh_fd, VHOST_SET_VRING_CALL, &f) == -1) {
		snprintf(why, whylen, "VHOST_SET_VRING_CALL: %s",
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * vhost_close: detach the tap (VHOST_NET_SET_BACKEND -1: the worker
 * lets go of it, the tap stays ours), close the device, free it all.
 * Frames in our receive buffers are dropped with them.
 */
void
vhost_close(struct vhost *vh)
{
	struct vhost_vring_file be;
	int q;

	if (vh == NULL)
		return;
	for (q = 0; q < 2 && vh->vh_backend; q++) {
		be.index = (unsigned int)q;
		be.fd = -1;
		if (ioctl(vh->vh_fd, VHOST_NET_SET_BACKEND, &be) == -1)
			log_warn("vhost-net: detaching the tap");
	}
	if (vh->vh_fd != -1)
		close(vh->vh_fd);	/* stops the worker */
	for (q = 0; q < 2; q++) {
		if (vh->vh_kick[q] != -1)
			close(vh->vh_kick[q]);
		if (vh->vh_call[q] != -1)
			close(vh->vh_call[q]);
		vq_free(&vh->vh_vq[q]);
	}
	if (vh->vh_mem != NULL)
		munmap(vh->vh_mem, vh->vh_memlen);
	free(vh);
}

const struct ring_port *
vhost_port(struct vhost *vh)
{
	return (&vh->vh_port);
}

/* vhost_fd: readable when the worker signals received frames. */
int
vhost_fd(struct vhost *vh)
{
	return (vh->vh_call[VHOST_RX]);
}

/* vhost_held: frames received and not yet given to the guest. */
unsigned int
vhost_held(struct vhost *vh)
{
	vhost_harvest(vh);
	return (vh->vh_rxq.rx_n);
}

/* vhost_set_bufs: the rx batch is nbuf from now on (VHOST_RXBUFS). */
int
vhost_set_bufs(struct vhost *vh, unsigned int nbuf)
{
	if (nbuf == 0 || nbuf > VHOST_NUM) {
		errno = EINVAL;
		return (-1);
	}
	vh->vh_nuse = VHOST_RXBUFS(nbuf);
	vhost_post(vh);
	return (0);
}

/* vhost_lost: 0, or the errno that lost the port for good. */
int
vhost_lost(const struct vhost *vh)
{
	return (vh->vh_lost);
}

/* vhost_broken: the worker's used ring cannot be believed: port lost. */
static void
vhost_broken(struct vhost *vh, int err)
{
	if (vh->vh_lost == 0)
		log_warnx("vhost-net: the worker's used ring is inconsistent; "
		    "the port is given up");
	vh->vh_lost = err;
}

/*
 * vhost_harvest: take the frames the worker put in the receive used
 * ring (no system call), checked: a length that is no frame (not more
 * than a vnet header, or over the room) is an error and its buffer goes
 * back.  While frames come, the worker need not interrupt us.
 */
static void
vhost_harvest(struct vhost *vh)
{
	struct vq *vq = &vh->vh_vq[VHOST_RX];
	unsigned int id, n = 0;
	uint32_t len;
	int r;

	if (vh->vh_lost != 0)
		return;
	/* bounded: the worker holds at most VHOST_NUM buffers */
	while ((r = vq_next(vq, &id, &len)) != VQ_NONE) {
		if (r == -1) {
			vhost_broken(vh, errno);
			break;
		}
		if (r == VQ_BADLEN || len <= sizeof(struct xn_vnet_hdr)) {
			if (r == VQ_OK)
				vh->vh_short++;
			vh->vh_stats->ps_rx_errors++;
			vh->vh_rxq.rx_state[id] = RXQ_FREE;
			continue;
		}
		rxq_ready(&vh->vh_rxq, id, len);
		vh->vh_stats->ps_rx_frames++;
		n++;
	}
	vhost_count_bad(vh);
	if (n > 0) {
		vh->vh_stats->ps_vh_rx_batches++;
		vq_interrupts(vq, 0);
	}
}

/*
 * vhost_drain_call: read queue q's call eventfd (it is readable until
 * read: the event loop would wake again for nothing).
 */
static void
vhost_drain_call(struct vhost *vh, int q)
{
	uint64_t v;

	vh->vh_stats->ps_syscalls++;
	vh->vh_stats->ps_vh_calls++;
	if (read(vh->vh_call[q], &v, sizeof(v)) == -1 && errno != EAGAIN &&
	    errno != EINTR)
		vh->vh_stats->ps_rx_errors++;
}

/* vhost_kick: tell the worker that queue q has new buffers. */
static void
vhost_kick(struct vhost *vh, int q)
{
	uint64_t one = 1;

	vh->vh_stats->ps_syscalls++;
	vh->vh_stats->ps_vh_kicks++;
	if (write(vh->vh_kick[q], &one, sizeof(one)) == -1 &&
	    errno != EAGAIN)
		log_warn("vhost-net: kick");
}

/*
 * vhost_post: give the worker every free receive buffer among the first
 * vh_nuse, and kick it if it is not polling (it stopped for lack of
 * buffers).
 */
static void
vhost_post(struct vhost *vh)
{
	struct vq *vq = &vh->vh_vq[VHOST_RX];
	uint32_t i;

	for (i = 0; i < vh->vh_nuse; i++)
		if (vh->vh_rxq.rx_state[i] == RXQ_FREE &&
		    vq_add(vq, i, 0) == 0)
			vh->vh_rxq.rx_state[i] = RXQ_POSTED;
	if (vq_publish(vq) == 1 && vh->vh_backend)
		vhost_kick(vh, VHOST_RX);
}

/*
 * vhost_peek: ring_port rp_peek: the next received frame (vnet header
 * first) in *buf, left in place until vhost_take.  Returns its length,
 * 0 if nothing waits, -1 if the port is lost.  The ring found empty,
 * the worker's interrupt is turned on again (and its eventfd read), and
 * the ring looked at once more for frames that raced with that.
 */
static ssize_t
vhost_peek(void *arg, uint8_t **buf)
{
	struct vhost *vh = arg;
	uint32_t i, len;

	if (vh->vh_lost != 0)
		return (-1);
	if (vh->vh_rxq.rx_n == 0 && !vh->vh_drained) {
		vhost_harvest(vh);
		if (vh->vh_rxq.rx_n == 0 && vh->vh_lost == 0) {
			vhost_drain_call(vh, VHOST_RX);
			if (vq_interrupts(&vh->vh_vq[VHOST_RX], 1))
				vhost_harvest(vh);
			if (vh->vh_rxq.rx_n == 0)
				vh->vh_drained = 1;
		}
		if (vh->vh_lost != 0)
			return (-1);
	}
	if (!rxq_peek(&vh->vh_rxq, &i, &len))
		return (0);
	*buf = vhost_buf(vh->vh_rxmem, i);
	return ((ssize_t)len);
}

/* vhost_take: ring_port rp_take: the peeked frame is the engine's. */
static void
vhost_take(void *arg)
{
	struct vhost *vh = arg;

	rxq_take(&vh->vh_rxq);
}

/*
 * vhost_release: ring_port rp_release: the engine is done with the
 * frames it took: their buffers go back to the worker.
 */
static void
vhost_release(void *arg)
{
	struct vhost *vh = arg;

	rxq_release(&vh->vh_rxq);
	vh->vh_drained = 0;
	if (vh->vh_lost == 0)
		vhost_post(vh);
}

/* vhost_reclaim: transmit buffers the worker is done with (no call). */
static void
vhost_reclaim(struct vhost *vh)
{
	unsigned int id;
	uint32_t len;
	int r;

	/* bounded: the worker holds at most VHOST_NUM buffers */
	while ((r = vq_next(&vh->vh_vq[VHOST_TX], &id, &len)) != VQ_NONE) {
		if (r == -1) {
			vhost_broken(vh, errno);
			return;
		}
		vh->vh_txfree[vh->vh_ntxfree++] = id;
	}
	vhost_count_bad(vh);
}

/* vhost_count_bad: the used entries refused so far, both queues. */
static void
vhost_count_bad(struct vhost *vh)
{
	const struct vq_stats *rx = &vh->vh_vq[VHOST_RX].vq_stats;
	const struct vq_stats *tx = &vh->vh_vq[VHOST_TX].vq_stats;

	vh->vh_stats->ps_vh_bad_used = rx->vs_bad_id + rx->vs_bad_len +
	    tx->vs_bad_id + vh->vh_short;
}

/*
 * vhost_tx_wait: every transmit buffer is with the worker: send what is
 * queued, then wait (at most VHOST_TX_WAIT_MS) for it to give some
 * back.  0 if it did, -1 if not.
 */
static int
vhost_tx_wait(struct vhost *vh)
{
	struct vq *vq = &vh->vh_vq[VHOST_TX];
	struct pollfd pfd;

	vhost_flush(vh);
	vh->vh_stats->ps_vh_tx_waits++;
	if (vq_interrupts(vq, 1) == 0) {
		pfd.fd = vh->vh_call[VHOST_TX];
		pfd.events = POLLIN;
		vh->vh_stats->ps_syscalls++;
		if (poll(&pfd, 1, VHOST_TX_WAIT_MS) == 1)
			vhost_drain_call(vh, VHOST_TX);
	}
	vq_interrupts(vq, 0);
	vhost_reclaim(vh);
	return (vh->vh_ntxfree > 0 ? 0 : -1);
}

/*
 * vhost_send: ring_port rp_send: copy the frame (vnet header first)
 * into a free transmit buffer and queue it for the next vhost_flush.
 * 0, or -1 (ENOBUFS: the worker kept every buffer; EMSGSIZE: larger
 * than a buffer).
 */
static int
vhost_send(void *arg, const struct iovec *iov, int cnt)
{
	struct vhost *vh = arg;
	size_t len = 0;
	uint32_t id;
	uint8_t *p;
	int k;

	if (vh->vh_lost != 0) {
		errno = vh->vh_lost;
		return (-1);
	}
	for (k = 0; k < cnt; k++)
		len += iov[k].iov_len;
	if (len <= sizeof(struct xn_vnet_hdr) || len > PORTIO_READ_LEN) {
		vh->vh_stats->ps_tx_errors++;
		errno = EMSGSIZE;
		return (-1);
	}
	if (vh->vh_ntxfree == 0)
		vhost_reclaim(vh);
	if (vh->vh_ntxfree == 0 && vhost_tx_wait(vh) == -1) {
		vh->vh_stats->ps_tx_errors++;
		vh->vh_stats->ps_tx_nobufs++;
		errno = ENOBUFS;
		return (-1);
	}
	id = vh->vh_txfree[--vh->vh_ntxfree];
	p = vhost_buf(vh->vh_txmem, id);
	for (k = 0; k < cnt; k++) {
		memcpy(p, iov[k].iov_base, iov[k].iov_len);
		p += iov[k].iov_len;
	}
	if (vq_add(&vh->vh_vq[VHOST_TX], id, (uint32_t)len) == -1) {
		/* cannot happen: a free buffer is not the worker's */
		vh->vh_txfree[vh->vh_ntxfree++] = id;
		vh->vh_stats->ps_tx_errors++;
		return (-1);
	}
	vh->vh_stats->ps_vh_tx_frames++;
	return (0);
}

/*
 * vhost_flush: ring_port rp_flush: publish the queued frames and kick
 * the worker unless it polls.  The frames are copies: the engine may
 * reuse its own at once.  0, or -1 if the port is lost.
 */
static int
vhost_flush(void *arg)
{
	struct vhost *vh = arg;
	struct vq *vq = &vh->vh_vq[VHOST_TX];

	if (vh->vh_lost != 0)
		return (-1);
	if (vq->vq_pending == 0)
		return (0);
	vh->vh_stats->ps_vh_tx_batches++;
	if (vq_publish(vq) == 1)
		vhost_kick(vh, VHOST_TX);
	vhost_reclaim(vh);
	return (vh->vh_lost != 0 ? -1 : 0);
}
