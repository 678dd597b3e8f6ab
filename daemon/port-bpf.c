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
 * The bpf port: a vif attached directly to an existing host interface,
 * through libpcap, with no tap and no bridge.  Frames from the guest are
 * injected with pcap_inject; frames for the guest are captured through
 * a filter that takes what is addressed to its MAC, broadcast and
 * multicast, and were not sent from its MAC: the guest never hears its
 * own frames back.  The capture also takes incoming frames only
 * (pcap_setdirection): on Linux a packet socket sees what it injects as
 * outgoing, on the BSDs bpf(4) sees it too unless told not to.  The
 * interface is put in promiscuous mode, since the guest's MAC is not
 * its own.
 *
 * The interface has no vnet header: the offloads a guest asks for are
 * done here, in software (lib/soft.c): a partial checksum is completed,
 * a GSO frame is cut into segments, each injected on its own.  Frames to
 * the guest are complete: a frame larger than the guest's MTU (the
 * interface coalesced it: GRO, or a local sender's TSO on a veth) is cut
 * into segments if it is TCP, and dropped and counted if not, and a
 * partial checksum a local sender left is completed.
 *
 * Receiving works like the tap port's (portio.c), with buffers of ours:
 * when the engine peeks and none is ready, one pcap_dispatch copies as
 * many frames as there are free buffers out of the capture ring.  The
 * buffers are used in a circle: the engine takes frames in order and
 * gives all of them back at once, so lent, ready and free buffers are
 * three consecutive runs.
 *
 * A bpf vif has one queue: every capture handle on an interface sees
 * every frame, so two queues would each deliver every frame.
 */

#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "soft.h"
#include "xennetd.h"

/*
 * Receive buffers: a full pass, and every segment of one frame cut in
 * them (so a frame kept for lack of room fits once the engine gave all
 * back).  The circle's counters wrap at 2^32, a multiple of it.
 */
#define BPF_NBUF		RING_BATCH_MAX
#if BPF_NBUF < SOFT_GSO_MAX_SEGS
#error "a frame cut into SOFT_GSO_MAX_SEGS segments must fit in BPF_NBUF"
#endif
/* A receive buffer: a page for the vnet header, the frame page aligned. */
#define BPF_HDR_ROOM		4096
#define BPF_BUF_SIZE		(BPF_HDR_ROOM + \
				    ((RING_FRAME_MAX + 4095) & ~4095))
/* The kernel's capture buffer: about 120 frames (see bpf_open). */
#define BPF_KBUF		(8 * 1024 * 1024)
#define BPF_DRAIN_MAX		64	/* dispatches to empty it, at most */

struct bpf {
	pcap_t			*bp_pcap;
	char			 bp_ifname[IFNAMSIZ];
	unsigned int		 bp_mtu;	/* the guest's */
	struct ring_port	 bp_port;
	struct bpf_stats	 bp_stats;
	uint64_t		 bp_kdrop0;	/* pcap_stats at bpf_start */

	uint8_t			*bp_mem;	/* BPF_NBUF * BPF_BUF_SIZE */
	size_t			 bp_memlen;
	uint32_t		 bp_len[BPF_NBUF];
	/* the circle: [lent, head) lent, [head, tail) ready, free after */
	unsigned int		 bp_lent, bp_head, bp_tail;
	unsigned int		 bp_nuse;	/* frames per dispatch */
	int			 bp_drained;	/* found empty this pass */
	/* a frame to cut that did not fit in the free buffers yet */
	uint8_t			*bp_stash;
	size_t			 bp_stashlen;
	uint8_t			*bp_scratch;	/* a segment to inject */
};

static int	bpf_send(void *, const struct iovec *, int);
static int	bpf_inject(void *, const uint8_t *, size_t);
static ssize_t	bpf_peek(void *, uint8_t **);
static void	bpf_take(void *);
static void	bpf_release(void *);
static int	bpf_fill(struct bpf *);
static void	bpf_frame(u_char *, const struct pcap_pkthdr *,
		    const u_char *);
static int	bpf_place(struct bpf *, const uint8_t *, size_t);
static void	bpf_discard(u_char *, const struct pcap_pkthdr *,
		    const u_char *);

/* What the ring engine calls (lib/ring.h); rp_arg is the port. */
static const struct ring_port bpf_ring_port = {
	.rp_send = bpf_send,
	.rp_flush = NULL,		/* bpf_send injects at once */
	.rp_peek = bpf_peek,
	.rp_take = bpf_take,
	.rp_release = bpf_release
};

/* The frame data of circle position i (its vnet header just before). */
static uint8_t *
bpf_buf(struct bpf *bp, unsigned int i)
{
	return (bp->bp_mem + (size_t)(i % BPF_NBUF) * BPF_BUF_SIZE +
	    BPF_HDR_ROOM);
}

/* bpf_free: buffers neither lent nor ready. */
static unsigned int
bpf_free(const struct bpf *bp)
{
	return (BPF_NBUF - (bp->bp_tail - bp->bp_lent));
}

/*
 * bpf_valid_ifname: 1 if s can name a network interface: 1 to
 * IFNAMSIZ - 1 characters, none of them '/', ':' or white space, and
 * neither "." nor "..".  (Whether it exists is seen when a vif opens it.)
 */
int
bpf_valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0 || strpbrk(s, "/: \t\n\r\v\f") != NULL)
		return (0);
	return (1);
}

/*
 * bpf_open: open the capture on interface ifname for the guest with
 * MAC mac and MTU mtu: promiscuous, incoming frames only, the guest's
 * filter, non-blocking, whole frames up to RING_FRAME_MAX; and the
 * port's buffers.  This is the one place that needs privileges (a later
 * privilege separation opens it in the privileged process).  Returns
 * the port, or NULL with errno and the reason in err.
 */
struct bpf *
bpf_open(const char *ifname, const uint8_t *mac, unsigned int mtu,
    char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE], m[18], filter[160];
	struct bpf_program prog;
	struct bpf *bp;
	int rv;

	if (!bpf_valid_ifname(ifname)) {
		snprintf(err, errlen, "\"%s\" is not an interface name",
		    ifname);
		errno = EINVAL;
		return (NULL);
	}
	if ((bp = calloc(1, sizeof(*bp))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return (NULL);
	}
	snprintf(bp->bp_ifname, sizeof(bp->bp_ifname), "%s", ifname);
	bp->bp_mtu = mtu;
	bp->bp_nuse = 1;
	bp->bp_memlen = (size_t)BPF_NBUF * BPF_BUF_SIZE;
	/* anonymous memory: a small frame touches one page of its buffer */
	bp->bp_mem = mmap(NULL, bp->bp_memlen, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (bp->bp_mem == MAP_FAILED) {
		bp->bp_mem = NULL;
		snprintf(err, errlen, "mmap: %s", strerror(errno));
		goto fail;
	}
	if ((bp->bp_stash = malloc(RING_FRAME_MAX)) == NULL ||
	    (bp->bp_scratch = malloc(RING_FRAME_MAX)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		goto fail;
	}

	ebuf[0] = '\0';
	if ((bp->bp_pcap = pcap_create(ifname, ebuf)) == NULL) {
		snprintf(err, errlen, "%s", ebuf);
		errno = ENODEV;
		goto fail;
	}
	/*
	 * Immediate mode: every frame is handed over as it arrives;
	 * pcap_dispatch still takes all that wait in one call.  Without
	 * it Linux's libpcap uses TPACKET_V3, whose blocks reach us only
	 * when full or after a timeout of at least 1 ms: measured on a
	 * veth (tests/integration/t_bpf.sh's setup, 2026-12-02), ping
	 * through the port took 1.5-2 ms on average instead of 0.25-0.3
	 * ms, for no gain in TCP throughput.  Immediate mode's TPACKET_V2
	 * ring has a slot of the snapshot length (64 KiB) per frame, so
	 * the buffer is larger than libpcap's 2 MiB: with 4 MiB the kernel
	 * dropped 10-20 thousand frames in 16 s of iperf3, with 8 MiB
	 * about 7000, with 16 MiB about 4000, TPACKET_V3 with 4 MiB a few
	 * hundred (TCP recovers either way).
	 */
	if (pcap_set_snaplen(bp->bp_pcap, RING_FRAME_MAX) != 0 ||
	    pcap_set_promisc(bp->bp_pcap, 1) != 0 ||
	    pcap_set_immediate_mode(bp->bp_pcap, 1) != 0 ||
	    pcap_set_buffer_size(bp->bp_pcap, BPF_KBUF) != 0) {
		snprintf(err, errlen, "cannot set up the capture");
		errno = EINVAL;
		goto fail;
	}
	if ((rv = pcap_activate(bp->bp_pcap)) < 0) {
		snprintf(err, errlen, "%s", pcap_geterr(bp->bp_pcap));
		errno = rv == PCAP_ERROR_NO_SUCH_DEVICE ? ENODEV :
		    rv == PCAP_ERROR_PERM_DENIED ? EPERM : EIO;
		goto fail;
	}
	if (pcap_datalink(bp->bp_pcap) != DLT_EN10MB) {
		snprintf(err, errlen, "%s is not an Ethernet interface",
		    ifname);
		errno = EINVAL;
		goto fail;
	}
	if (pcap_setdirection(bp->bp_pcap, PCAP_D_IN) != 0)
		log_warnx("%s: cannot capture incoming frames only (%s); "
		    "the filter keeps the guest's own frames out", ifname,
		    pcap_geterr(bp->bp_pcap));
	snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
	    mac[1], mac[2], mac[3], mac[4], mac[5]);
	snprintf(filter, sizeof(filter), "(ether dst %s or ether broadcast "
	    "or ether multicast) and not ether src %s", m, m);
	if (pcap_compile(bp->bp_pcap, &prog, filter, 1,
	    PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errlen, "filter \"%s\": %s", filter,
		    pcap_geterr(bp->bp_pcap));
		errno = EINVAL;
		goto fail;
	}
	rv = pcap_setfilter(bp->bp_pcap, &prog);
	pcap_freecode(&prog);
	if (rv != 0 || pcap_setnonblock(bp->bp_pcap, 1, ebuf) != 0 ||
	    pcap_get_selectable_fd(bp->bp_pcap) == -1) {
		snprintf(err, errlen, "%s", rv != 0 ?
		    pcap_geterr(bp->bp_pcap) : "no selectable descriptor");
		errno = EIO;
		goto fail;
	}

	bp->bp_port = bpf_ring_port;
	bp->bp_port.rp_arg = bp;
	return (bp);
fail:
	rv = errno;
	bpf_close(bp);
	errno = rv;
	return (NULL);
}

/* bpf_close: close the capture, free everything; NULL is ignored. */
void
bpf_close(struct bpf *bp)
{
	if (bp == NULL)
		return;
	if (bp->bp_pcap != NULL)
		pcap_close(bp->bp_pcap);
	if (bp->bp_mem != NULL)
		munmap(bp->bp_mem, bp->bp_memlen);
	free(bp->bp_stash);
	free(bp->bp_scratch);
	free(bp);
}

/*
 * bpf_start: (worker thread) a connection starts: counters from zero,
 * no frame held, nbuf frames per read; what the capture buffered while
 * no guest was connected is thrown away.  0, or -1 with EINVAL.
 */
int
bpf_start(struct bpf *bp, unsigned int nbuf)
{
	struct pcap_stat ps;
	int i;

	if (bpf_set_bufs(bp, nbuf) == -1)
		return (-1);
	bp->bp_lent = bp->bp_head = bp->bp_tail = 0;
	bp->bp_stashlen = 0;
	bp->bp_drained = 0;
	for (i = 0; i < BPF_DRAIN_MAX; i++)
		if (pcap_dispatch(bp->bp_pcap, -1, bpf_discard, NULL) <= 0)
			break;
	memset(&bp->bp_stats, 0, sizeof(bp->bp_stats));
	bp->bp_kdrop0 = pcap_stats(bp->bp_pcap, &ps) == 0 ? ps.ps_drop : 0;
	return (0);
}

/* bpf_discard: pcap_dispatch callback that keeps nothing. */
static void
bpf_discard(u_char *arg, const struct pcap_pkthdr *h, const u_char *p)
{
}

/* bpf_set_bufs: read at most nbuf frames per dispatch (the rx batch). */
int
bpf_set_bufs(struct bpf *bp, unsigned int nbuf)
{
	if (nbuf == 0 || nbuf > BPF_NBUF) {
		errno = EINVAL;
		return (-1);
	}
	bp->bp_nuse = nbuf;
	return (0);
}

const struct ring_port *
bpf_port(struct bpf *bp)
{
	return (&bp->bp_port);
}

/* bpf_fd: what becomes readable when the capture has frames. */
int
bpf_fd(struct bpf *bp)
{
	return (pcap_get_selectable_fd(bp->bp_pcap));
}

/* bpf_ifname: the interface it is on. */
const char *
bpf_ifname(const struct bpf *bp)
{
	return (bp->bp_ifname);
}

/* bpf_held: frames read and not yet given to the guest. */
unsigned int
bpf_held(struct bpf *bp)
{
	return (bp->bp_tail - bp->bp_head + (bp->bp_stashlen > 0));
}

/* bpf_stats: its counters, the kernel's drops brought up to date. */
const struct bpf_stats *
bpf_stats(struct bpf *bp)
{
	struct pcap_stat ps;

	if (pcap_stats(bp->bp_pcap, &ps) == 0 && ps.ps_drop >= bp->bp_kdrop0)
		bp->bp_stats.bs_rx_kdrop = ps.ps_drop - bp->bp_kdrop0;
	return (&bp->bp_stats);
}

/*
 * bpf_send: ring_port rp_send: inject the frame iov[1] as its vnet
 * header iov[0] says: the checksum completed (in the engine's copy, in
 * place), a GSO frame cut into segments.  0, or -1 if it did not all
 * go.
 */
static int
bpf_send(void *arg, const struct iovec *iov, int cnt)
{
	struct bpf *bp = arg;
	int n, gso;

	n = soft_tx_iov(iov, cnt, bp->bp_scratch, RING_FRAME_MAX, bpf_inject,
	    bp, &gso);
	if (n == -1) {
		bp->bp_stats.bs_tx_errors++;
		return (-1);
	}
	if (gso)
		bp->bp_stats.bs_tx_segs += (uint64_t)n;
	return (0);
}

/* bpf_inject: soft_tx's output: one frame onto the interface. */
static int
bpf_inject(void *arg, const uint8_t *f, size_t len)
{
	struct bpf *bp = arg;

	bp->bp_stats.bs_syscalls++;
	if (pcap_inject(bp->bp_pcap, f, len) == -1) {
		/* the interface's queue (qdisc) dropped it: not an error */
		if (errno == ENOBUFS) {
			bp->bp_stats.bs_tx_nobufs++;
			return (-1);
		}
		errno = EIO;
		return (-1);
	}
	bp->bp_stats.bs_tx_frames++;
	return (0);
}

/*
 * bpf_peek: ring_port rp_peek: the next frame, vnet header first (all
 * zero: a complete frame), left in place until bpf_take.  Its length,
 * 0 if none waits, -1 if the capture failed.
 */
static ssize_t
bpf_peek(void *arg, uint8_t **buf)
{
	struct bpf *bp = arg;

	if (bp->bp_head == bp->bp_tail) {
		if (bp->bp_drained)
			return (0);	/* empty a moment ago, this pass */
		if (bpf_fill(bp) == -1)
			return (-1);
		if (bp->bp_head == bp->bp_tail)
			return (0);
	}
	*buf = bpf_buf(bp, bp->bp_head) - sizeof(struct xn_vnet_hdr);
	return ((ssize_t)(sizeof(struct xn_vnet_hdr) +
	    bp->bp_len[bp->bp_head % BPF_NBUF]));
}

/* bpf_take: ring_port rp_take: the peeked frame is the engine's. */
static void
bpf_take(void *arg)
{
	struct bpf *bp = arg;

	if (bp->bp_head != bp->bp_tail)
		bp->bp_head++;
}

/* bpf_release: ring_port rp_release: every frame taken is done. */
static void
bpf_release(void *arg)
{
	struct bpf *bp = arg;

	bp->bp_lent = bp->bp_head;
	bp->bp_drained = 0;
}

/*
 * bpf_fill: the frame kept from the last dispatch first, if it fits
 * now, then one pcap_dispatch for up to bp_nuse frames, as many as the
 * free buffers hold.  0, or -1 if the capture failed.
 */
static int
bpf_fill(struct bpf *bp)
{
	unsigned int room;
	int n;

	if (bp->bp_stashlen > 0) {
		if (bpf_place(bp, bp->bp_stash, bp->bp_stashlen) == -1)
			return (0);	/* not yet: wait for a release */
		bp->bp_stashlen = 0;
	}
	room = bpf_free(bp);
	if (room > bp->bp_nuse)
		room = bp->bp_nuse;
	if (room == 0)
		return (0);
	bp->bp_stats.bs_syscalls++;
	n = pcap_dispatch(bp->bp_pcap, (int)room, bpf_frame, (u_char *)bp);
	if (n == PCAP_ERROR) {
		bp->bp_stats.bs_rx_errors++;
		return (-1);
	}
	if (n == 0)
		bp->bp_drained = 1;
	return (0);	/* PCAP_ERROR_BREAK: a frame waits in the stash */
}

/*
 * bpf_frame: pcap_dispatch callback: place one captured frame; one
 * that does not fit in the free buffers (cut into segments, it may
 * need many) is kept for the next bpf_fill, and this dispatch stops.
 */
static void
bpf_frame(u_char *arg, const struct pcap_pkthdr *h, const u_char *p)
{
	struct bpf *bp = (struct bpf *)arg;
	size_t len = h->caplen;

	bp->bp_stats.bs_rx_frames++;
	if (h->caplen != h->len || len < PKT_ETH_HLEN ||
	    len > RING_FRAME_MAX) {
		bp->bp_stats.bs_rx_trunc++;
		return;
	}
	if (bpf_place(bp, p, len) == 0 || bp->bp_stashlen > 0)
		return;
	memcpy(bp->bp_stash, p, len);
	bp->bp_stashlen = len;
	pcap_breakloop(bp->bp_pcap);
}

/*
 * bpf_place: copy frame f into the next free buffer with a partial
 * checksum completed, or cut it into segments if it is larger than the
 * guest's MTU.  0 (placed, or dropped and counted), or -1 with ENOBUFS
 * if the free buffers cannot hold it now.
 */
static int
bpf_place(struct bpf *bp, const uint8_t *f, size_t len)
{
	struct soft_gso sg;
	size_t l2 = PKT_ETH_HLEN;
	uint8_t *b;
	ssize_t n;
	int nseg = 1;

	/* a VLAN tag (802.1Q or 802.1ad) does not count in the MTU */
	if ((f[12] == 0x81 && f[13] == 0x00) ||
	    (f[12] == 0x88 && f[13] == 0xa8))
		l2 += PKT_VLAN_LEN;
	if (len > l2 + bp->bp_mtu &&
	    (nseg = soft_gso_start(&sg, f, len, 0, bp->bp_mtu)) == -1) {
		bp->bp_stats.bs_rx_oversize++;	/* not TCP: no way */
		return (0);
	}
	if ((unsigned int)nseg > bpf_free(bp)) {
		errno = ENOBUFS;
		return (-1);
	}
	if (len <= l2 + bp->bp_mtu) {
		b = bpf_buf(bp, bp->bp_tail);
		memset(b - sizeof(struct xn_vnet_hdr), 0,
		    sizeof(struct xn_vnet_hdr));
		memcpy(b, f, len);
		bp->bp_stats.bs_rx_csum += (uint64_t)soft_rx_csum(b, len);
		bp->bp_len[bp->bp_tail++ % BPF_NBUF] = (uint32_t)len;
		return (0);
	}
	for (;;) {
		b = bpf_buf(bp, bp->bp_tail);
		if ((n = soft_gso_next(&sg, b, RING_FRAME_MAX)) <= 0)
			break;
		memset(b - sizeof(struct xn_vnet_hdr), 0,
		    sizeof(struct xn_vnet_hdr));
		bp->bp_len[bp->bp_tail++ % BPF_NBUF] = (uint32_t)n;
		bp->bp_stats.bs_rx_segs++;
	}
	bp->bp_stats.bs_rx_cut++;
	return (0);
}
