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
 * vq: the driver side of a split virtqueue (Virtio 1.1, section 2.6),
 * as the daemon drives one towards vhost-net.  Every buffer is one
 * descriptor, descriptor i always buffer i: no chains, no indirect
 * tables.  What the device writes in the used ring is checked like any
 * other input before it is believed.
 */

#ifndef XENNET_VQ_H
#define XENNET_VQ_H

#include <stddef.h>
#include <stdint.h>

/* Virtio 1.1, 2.6: Queue Size is a power of 2, at most 32768. */
#define VQ_NUM_MAX		32768

/* Virtio 1.1, 2.6.5: struct virtq_desc */
struct vq_desc {
	uint64_t	vd_addr;
	uint32_t	vd_len;
	uint16_t	vd_flags;
#define VQ_DESC_F_WRITE		2	/* device writes (else reads) */
	uint16_t	vd_next;
};

/* Virtio 1.1, 2.6.6: struct virtq_avail (ring[num] follows) */
struct vq_avail {
	uint16_t	va_flags;
#define VQ_AVAIL_F_NO_INTERRUPT	1	/* do not signal used buffers */
	uint16_t	va_idx;
	uint16_t	va_ring[];
};

/* Virtio 1.1, 2.6.8: struct virtq_used_elem, struct virtq_used */
struct vq_used_elem {
	uint32_t	ve_id;
	uint32_t	ve_len;
};
struct vq_used {
	uint16_t	vu_flags;
#define VQ_USED_F_NO_NOTIFY	1	/* do not kick on new buffers */
	uint16_t	vu_idx;
	struct vq_used_elem vu_ring[];
};

/* What vq_next found. */
#define VQ_NONE		0	/* nothing used */
#define VQ_OK		1	/* a buffer, its length checked */
#define VQ_BADLEN	2	/* a buffer, but a length over its size */

struct vq_stats {
	uint64_t	vs_added;	/* buffers made available */
	uint64_t	vs_used;	/* buffers given back, valid */
	uint64_t	vs_published;	/* avail index updates */
	uint64_t	vs_kicks_wanted; /* of them, the device asked a kick */
	uint64_t	vs_bad_id;	/* used entries for no buffer of ours */
	uint64_t	vs_bad_len;	/* used lengths over the buffer */
};

struct vq {
	unsigned int	 vq_num;	/* ring size */
	struct vq_desc	*vq_desc;
	struct vq_avail	*vq_avail;
	struct vq_used	*vq_used;
	uint16_t	 vq_avail_idx;	/* ours, ahead of va_idx by pending */
	uint16_t	 vq_last_used;	/* the next used entry to read */
	unsigned int	 vq_out;	/* published, not given back */
	unsigned int	 vq_pending;	/* added, not published */
	uint8_t		*vq_owned;	/* per buffer: 1 while the device's */
	uint32_t	*vq_size;	/* per buffer: its room, our copy */
	uint8_t		*vq_write;	/* per buffer: the device writes it */
	struct vq_stats	 vq_stats;
};

size_t	vq_mem_size(unsigned int);
int	vq_init(struct vq *, unsigned int, void *);
void	vq_free(struct vq *);
int	vq_set_buf(struct vq *, unsigned int, uint64_t, uint32_t, int);
int	vq_add(struct vq *, unsigned int, uint32_t);
int	vq_publish(struct vq *);
int	vq_next(struct vq *, unsigned int *, uint32_t *);
int	vq_pending_used(const struct vq *);
int	vq_interrupts(struct vq *, int);
unsigned int vq_outstanding(const struct vq *);
int	vq_owned(const struct vq *, unsigned int);

#endif /* XENNET_VQ_H */
