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
 * The driver side of a split virtqueue (see vq.h).  The three parts
 * (descriptor table, available ring, used ring) each start on a page of
 * their own in memory the caller gives (and shares with the device).
 * Ring entries are in the host's byte order: the legacy interface
 * (VIRTIO_F_VERSION_1 not negotiated) is native-endian, and vhost
 * serves a legacy ring in the kernel's order, which is ours.
 *
 * The used ring is the device's word and is checked before it is
 * believed: the index may not claim more buffers than the device holds,
 * an entry must name a buffer the device holds, and a buffer the device
 * wrote may not be longer than its room.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vq.h"

#define VQ_PAGE		4096
#define VQ_ROUND(n)	(((n) + VQ_PAGE - 1) & ~(size_t)(VQ_PAGE - 1))

/* Virtio 1.1, 2.6: the sizes of the three parts (with used_event etc.) */
static size_t
vq_desc_size(unsigned int num)
{
	return (VQ_ROUND(sizeof(struct vq_desc) * num));
}

static size_t
vq_avail_size(unsigned int num)
{
	return (VQ_ROUND(sizeof(struct vq_avail) + sizeof(uint16_t) *
	    (num + 1)));
}

static size_t
vq_used_size(unsigned int num)
{
	return (VQ_ROUND(sizeof(struct vq_used) +
	    sizeof(struct vq_used_elem) * num + sizeof(uint16_t)));
}

/* vq_mem_size: the bytes (whole pages) a ring of num entries takes. */
size_t
vq_mem_size(unsigned int num)
{
	return (vq_desc_size(num) + vq_avail_size(num) + vq_used_size(num));
}

/*
 * vq_init: lay a ring of num entries out in mem (page aligned,
 * vq_mem_size(num) bytes, zeroed here).  Virtio 1.1, 2.6: num is a
 * power of 2 and at most 32768.  0, or -1 with errno.
 */
int
vq_init(struct vq *vq, unsigned int num, void *mem)
{
	uint8_t *p = mem;

	memset(vq, 0, sizeof(*vq));
	if (num == 0 || num > VQ_NUM_MAX || (num & (num - 1)) != 0 ||
	    ((uintptr_t)mem & (VQ_PAGE - 1)) != 0) {
		errno = EINVAL;
		return (-1);
	}
	vq->vq_owned = calloc(num, sizeof(*vq->vq_owned));
	vq->vq_size = calloc(num, sizeof(*vq->vq_size));
	vq->vq_write = calloc(num, sizeof(*vq->vq_write));
	if (vq->vq_owned == NULL || vq->vq_size == NULL ||
	    vq->vq_write == NULL) {
		vq_free(vq);
		errno = ENOMEM;
		return (-1);
	}
	memset(mem, 0, vq_mem_size(num));
	vq->vq_num = num;
	vq->vq_desc = (struct vq_desc *)p;
	vq->vq_avail = (struct vq_avail *)(p + vq_desc_size(num));
	vq->vq_used = (struct vq_used *)(p + vq_desc_size(num) +
	    vq_avail_size(num));
	return (0);
}

/* vq_free: what vq_init allocated (not the ring memory). */
void
vq_free(struct vq *vq)
{
	free(vq->vq_owned);
	free(vq->vq_size);
	free(vq->vq_write);
	vq->vq_owned = NULL;
	vq->vq_size = NULL;
	vq->vq_write = NULL;
	vq->vq_num = 0;
}

/*
 * vq_set_buf: buffer i is size bytes at device address addr, written by
 * the device (write) or read by it.  Not while the device holds it.
 * 0, or -1 with errno.
 */
int
vq_set_buf(struct vq *vq, unsigned int i, uint64_t addr, uint32_t size,
    int write)
{
	if (i >= vq->vq_num || vq->vq_owned[i]) {
		errno = i >= vq->vq_num ? EINVAL : EBUSY;
		return (-1);
	}
	vq->vq_size[i] = size;
	vq->vq_write[i] = write != 0;
	vq->vq_desc[i].vd_addr = addr;
	vq->vq_desc[i].vd_len = size;
	vq->vq_desc[i].vd_flags = write ? VQ_DESC_F_WRITE : 0;
	vq->vq_desc[i].vd_next = 0;
	return (0);
}

/*
 * vq_add: make the first len bytes of buffer i (len 0: all its room)
 * available to the device, seen by it at the next vq_publish.  0, or -1
 * with errno (EBUSY: the device holds it already).
 */
int
vq_add(struct vq *vq, unsigned int i, uint32_t len)
{
	if (i >= vq->vq_num || len > vq->vq_size[i]) {
		errno = EINVAL;
		return (-1);
	}
	if (vq->vq_owned[i]) {
		errno = EBUSY;
		return (-1);
	}
	/* cannot happen while every buffer is added once: a guard */
	if (vq->vq_out + vq->vq_pending >= vq->vq_num) {
		errno = ENOSPC;
		return (-1);
	}
	vq->vq_desc[i].vd_len = len != 0 ? len : vq->vq_size[i];
	vq->vq_avail->va_ring[vq->vq_avail_idx & (vq->vq_num - 1)] =
	    (uint16_t)i;
	vq->vq_avail_idx++;
	vq->vq_pending++;
	vq->vq_owned[i] = 1;
	vq->vq_stats.vs_added++;
	return (0);
}

/*
 * vq_publish: let the device see what vq_add added (Virtio 1.1, 2.6.13:
 * the entries before the index).  Returns 1 if the device wants to be
 * told (its used flags lack VQ_USED_F_NO_NOTIFY: it is not polling),
 * 0 if not or nothing was added.
 */
int
vq_publish(struct vq *vq)
{
	uint16_t flags;

	if (vq->vq_pending == 0)
		return (0);
	__atomic_store_n(&vq->vq_avail->va_idx, vq->vq_avail_idx,
	    __ATOMIC_RELEASE);
	vq->vq_out += vq->vq_pending;
	vq->vq_pending = 0;
	vq->vq_stats.vs_published++;
	/* the index is out before the device's flags are read */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = __atomic_load_n(&vq->vq_used->vu_flags, __ATOMIC_RELAXED);
	if (flags & VQ_USED_F_NO_NOTIFY)
		return (0);
	vq->vq_stats.vs_kicks_wanted++;
	return (1);
}

/*
 * vq_next: the next buffer the device gave back: VQ_OK with its number
 * in *id and the bytes it wrote in *len (0 for a buffer it read);
 * VQ_BADLEN when the device says it wrote more than the buffer holds
 * (the buffer is ours again, its contents not to be used); VQ_NONE if
 * there is none.  Entries naming no buffer the device holds are
 * counted and passed over.  -1 with EPROTO if the used index claims
 * more buffers than the device holds: the ring cannot be trusted.
 */
int
vq_next(struct vq *vq, unsigned int *id, uint32_t *len)
{
	const struct vq_used_elem *e;
	uint16_t idx, n;
	uint32_t i, l;

	idx = __atomic_load_n(&vq->vq_used->vu_idx, __ATOMIC_ACQUIRE);
	n = (uint16_t)(idx - vq->vq_last_used);
	if (n > vq->vq_out) {
		errno = EPROTO;
		return (-1);
	}
	/* at most vq_out (<= vq_num) entries: the loop is bounded */
	for (; n > 0; n--) {
		e = &vq->vq_used->vu_ring[vq->vq_last_used & (vq->vq_num - 1)];
		i = __atomic_load_n(&e->ve_id, __ATOMIC_RELAXED);
		l = __atomic_load_n(&e->ve_len, __ATOMIC_RELAXED);
		vq->vq_last_used++;
		vq->vq_out--;	/* the device gave one back, whichever */
		if (i >= vq->vq_num || !vq->vq_owned[i]) {
			vq->vq_stats.vs_bad_id++;
			continue;
		}
		vq->vq_owned[i] = 0;
		*id = i;
		if (!vq->vq_write[i])
			l = 0;		/* it only read: nothing to check */
		if (l > vq->vq_size[i]) {
			vq->vq_stats.vs_bad_len++;
			*len = 0;
			return (VQ_BADLEN);
		}
		vq->vq_stats.vs_used++;
		*len = l;
		return (VQ_OK);
	}
	return (VQ_NONE);
}

/* vq_pending_used: 1 if the device gave back buffers not yet taken. */
int
vq_pending_used(const struct vq *vq)
{
	return (__atomic_load_n(&vq->vq_used->vu_idx, __ATOMIC_ACQUIRE) !=
	    vq->vq_last_used);
}

/*
 * vq_interrupts: ask the device to signal used buffers (on), or not
 * (while we look at the ring anyway).  Turning them on returns 1 if
 * buffers came back meanwhile (the signal for them may never come: look
 * again), else 0.
 */
int
vq_interrupts(struct vq *vq, int on)
{
	__atomic_store_n(&vq->vq_avail->va_flags,
	    on ? 0 : VQ_AVAIL_F_NO_INTERRUPT, __ATOMIC_RELAXED);
	if (!on)
		return (0);
	/* the flag is out before the used index is read again */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (vq_pending_used(vq));
}

/* vq_outstanding: buffers the device holds (published, not back). */
unsigned int
vq_outstanding(const struct vq *vq)
{
	return (vq->vq_out);
}

/* vq_owned: 1 if the device holds buffer i (added, not given back). */
int
vq_owned(const struct vq *vq, unsigned int i)
{
	return (i < vq->vq_num && vq->vq_owned[i]);
}
