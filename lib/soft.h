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
 * The checksum and segmentation offloads done in software, for host
 * ports that cannot carry a vnet header (the bpf port; the tap of a BSD
 * dom0): a guest's frame with a partial checksum is completed, a GSO
 * frame is cut into MSS-sized TCP segments, each with its own headers
 * and checksums, as the hardware or the kernel would have done.  And
 * the other way: a frame from an interface whose checksum a local
 * sender left to an offload that never ran is completed.  Every offset
 * is checked against the frame's length: the frames may come from a
 * guest.
 */

#ifndef XENNET_SOFT_H
#define XENNET_SOFT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* The segments soft_gso_start agrees to make of one frame, at most. */
#define SOFT_GSO_MAX_SEGS	256

/* Cutting one TCP frame into segments (soft_gso_start, soft_gso_next). */
struct soft_gso {
	const uint8_t	*sg_f;		/* the frame to cut */
	struct pkt_l4	 sg_l4;
	unsigned int	 sg_hlen;	/* Ethernet to TCP options */
	size_t		 sg_end;	/* end of its IP packet */
	unsigned int	 sg_mss;	/* payload per segment */
	size_t		 sg_off;	/* payload of the next segment */
	unsigned int	 sg_nseg;	/* segments in all */
	unsigned int	 sg_seg;	/* segments made */
};

/*
 * soft_gso_start: prepare to cut the IPv4/IPv6 TCP frame f of len
 * octets into segments of at most mss payload octets (mss 0: as many
 * as fit an IP MTU of mtu octets; both 0 is an error).  Returns the
 * number of segments (1 if the frame fits already), or -1 with EINVAL
 * if f is not a TCP frame with consistent lengths, or the MSS leaves
 * more than SOFT_GSO_MAX_SEGS segments or none.
 */
int	soft_gso_start(struct soft_gso *sg, const uint8_t *f, size_t len,
	    unsigned int mss, unsigned int mtu);

/*
 * soft_gso_next: write the next segment, with complete IPv4 header and
 * TCP checksums, into out (outlen octets).  Returns its length, 0 when
 * every segment was made, -1 with ENOBUFS if out is too small.
 */
ssize_t	soft_gso_next(struct soft_gso *sg, uint8_t *out, size_t outlen);

/*
 * soft_tx: do in software what the vnet header vh asks for frame f
 * (len octets, a guest's): complete its checksum (NEEDS_CSUM) in place,
 * cut a GSO frame into segments built in scratch (scratchlen octets,
 * one segment at a time).  Calls out(arg, frame, length) for every
 * frame to send, in order, and stops at the first that returns -1.
 * Returns the number of frames sent, or -1 with errno: EINVAL if vh
 * asks for what f cannot take (nothing was sent), else out's (the
 * frames before it went).
 */
int	soft_tx(uint8_t *f, size_t len, const struct xn_vnet_hdr *vh,
	    uint8_t *scratch, size_t scratchlen,
	    int (*out)(void *, const uint8_t *, size_t), void *arg);

/*
 * soft_tx_iov: soft_tx for what a ring_port's rp_send gets: the vnet
 * header in iov[0], the frame in iov[1] (cnt 2; EINVAL for any other
 * shape).  *gso (if not NULL) is set to 1 if the frame was a GSO one.
 * Returns as soft_tx does.
 */
struct iovec;
int	soft_tx_iov(const struct iovec *iov, int cnt, uint8_t *scratch,
	    size_t scratchlen, int (*out)(void *, const uint8_t *, size_t),
	    void *arg, int *gso);

/*
 * soft_rx_csum: a received frame whose TCP/UDP checksum field holds
 * exactly its pseudo-header sum and does not verify was left partial
 * by a sender on this host (a veth peer with checksum offload): complete
 * it in place.  Returns 1 if it did, 0 if the frame needed nothing or is
 * not TCP/UDP.
 */
int	soft_rx_csum(uint8_t *f, size_t len);

#endif /* XENNET_SOFT_H */
