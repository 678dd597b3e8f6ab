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
 * t_vq: the split-virtqueue driver (lib/vq.c) against a fake device
 * written here: it takes what the available ring offers, fills buffers
 * and gives them back in the used ring, honest or hostile (ids it was
 * never given, lengths over the room, an index that runs ahead), and
 * the notification flags both ways.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vq.h"
#include "../tap.h"

#define NUM	8

/* The fake device: where it is in the available and used rings. */
struct dev {
	struct vq	*d_vq;
	uint16_t	 d_avail;	/* next avail entry to take */
	uint16_t	 d_used;	/* next used index to write */
	unsigned int	 d_held[NUM * 2];
	unsigned int	 d_nheld;
};

/* dev_take: take what was published; returns how many. */
static unsigned int
dev_take(struct dev *d)
{
	struct vq *vq = d->d_vq;
	unsigned int n = 0;

	while (d->d_avail != vq->vq_avail->va_idx && n < 2 * NUM) {
		d->d_held[d->d_nheld++] =
		    vq->vq_avail->va_ring[d->d_avail % vq->vq_num];
		d->d_avail++;
		n++;
	}
	return (n);
}

/* dev_put: a used entry, any id and length, index moved on. */
static void
dev_put(struct dev *d, uint32_t id, uint32_t len)
{
	struct vq_used *u = d->d_vq->vq_used;

	u->vu_ring[d->d_used % d->d_vq->vq_num].ve_id = id;
	u->vu_ring[d->d_used % d->d_vq->vq_num].ve_len = len;
	d->d_used++;
	u->vu_idx = d->d_used;
}

/* dev_fill: write a pattern into a held buffer and give it back. */
static void
dev_fill(struct dev *d, unsigned int k, uint8_t *mem, uint32_t len)
{
	unsigned int id = d->d_held[k];
	struct vq_desc *ds = &d->d_vq->vq_desc[id];

	memset(mem + ds->vd_addr, (int)(0xa0 + id), len);
	dev_put(d, id, len);
}

int
main(void)
{
	struct vq vq, tx;
	struct dev d, dt;
	uint8_t *ring, *ring2, *bufs;
	unsigned int i, id, got[NUM], ngot, order_ok, pat_ok;
	uint32_t len;
	int r;

	ok(vq_init(&vq, 6, NULL) == -1 && errno == EINVAL,
	    "a size that is not a power of 2 is refused");
	ok(vq_init(&vq, 65536, NULL) == -1 && errno == EINVAL,
	    "a size over 32768 is refused");
	ok(vq_mem_size(NUM) == 3 * 4096 && vq_mem_size(256) == 3 * 4096 &&
	    vq_mem_size(512) == 5 * 4096, "ring memory in whole pages, a "
	    "part each (512 entries: 2 of descriptors, 2 of used)");
	ring = mmap(NULL, vq_mem_size(NUM), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ring2 = mmap(NULL, vq_mem_size(NUM), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bufs = mmap(NULL, NUM * 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED || ring2 == MAP_FAILED || bufs == MAP_FAILED) {
		skip_all("no memory");
		return (0);
	}
	ok(vq_init(&vq, NUM, ring + 8) == -1 && errno == EINVAL,
	    "ring memory off a page boundary is refused");
	ok(vq_init(&vq, NUM, ring) == 0, "a ring of %d", NUM);
	ok((uint8_t *)vq.vq_avail - ring == 4096 &&
	    (uint8_t *)vq.vq_used - ring == 8192,
	    "descriptors, avail and used each on a page");

	/* Receive side: every buffer the device writes, 4 KiB each. */
	for (i = 0; i < NUM; i++)
		vq_set_buf(&vq, i, (uint64_t)i * 4096, 4096, 1);
	memset(&d, 0, sizeof(d));
	d.d_vq = &vq;
	for (i = 0; i < NUM; i++)
		vq_add(&vq, i, 0);
	ok(dev_take(&d) == 0, "nothing seen before vq_publish");
	ok(vq_add(&vq, 3, 0) == -1 && errno == EBUSY,
	    "a buffer cannot be added twice");
	ok(vq_add(&vq, NUM, 0) == -1 && errno == EINVAL,
	    "a buffer number past the ring is refused");
	ok(vq_set_buf(&vq, 2, 0, 10, 1) == -1 && errno == EBUSY,
	    "a buffer the device holds cannot be changed");
	ok(vq_publish(&vq) == 1, "published; the device did not say it "
	    "polls: kick wanted");
	ok(vq_outstanding(&vq) == NUM && vq.vq_avail->va_idx == NUM,
	    "the device holds all %d", NUM);
	ok(vq_publish(&vq) == 0, "nothing new: no kick");
	ok(dev_take(&d) == NUM && vq.vq_desc[5].vd_flags == VQ_DESC_F_WRITE &&
	    vq.vq_desc[5].vd_len == 4096, "the device sees %d writable "
	    "buffers of 4096", NUM);
	ok(vq_next(&vq, &id, &len) == VQ_NONE, "nothing used yet");

	/* The device fills 5 buffers in order: they come back in order. */
	for (i = 0; i < 5; i++)
		dev_fill(&d, i, bufs, 100 + i);
	ngot = 0;
	order_ok = pat_ok = 1;
	while ((r = vq_next(&vq, &id, &len)) == VQ_OK && ngot < NUM) {
		got[ngot] = id;
		if (id != d.d_held[ngot] || len != 100 + ngot)
			order_ok = 0;
		if (bufs[(size_t)id * 4096] != 0xa0 + id ||
		    bufs[(size_t)id * 4096 + len - 1] != 0xa0 + id)
			pat_ok = 0;
		ngot++;
	}
	ok(r == VQ_NONE && ngot == 5 && order_ok, "5 used, in the device's "
	    "order, with their lengths");
	ok(pat_ok, "and what the device wrote into them");
	ok(vq_outstanding(&vq) == NUM - 5 && !vq_owned(&vq, got[0]),
	    "the device holds %d; the used ones are ours", NUM - 5);

	/* Hostile: an id it was never given, or given and back already. */
	dev_put(&d, NUM + 7, 10);
	dev_put(&d, got[1], 10);
	dev_fill(&d, 5, bufs, 64);
	r = vq_next(&vq, &id, &len);
	ok(r == VQ_OK && id == d.d_held[5] && len == 64,
	    "entries for no buffer the device holds are passed over");
	ok(vq.vq_stats.vs_bad_id == 2, "and counted (%llu)",
	    (unsigned long long)vq.vq_stats.vs_bad_id);
	ok(vq_outstanding(&vq) == 0 && vq_owned(&vq, d.d_held[6]),
	    "bogus entries use up what the device held: the buffers it "
	    "kept are lost to it, never handed out twice");
	/* Hostile: a length over the buffer's room. */
	ok(vq_add(&vq, got[0], 0) == 0 && vq_add(&vq, got[2], 0) == 0 &&
	    vq_publish(&vq) == 1 && dev_take(&d) == 2, "two buffers again");
	dev_put(&d, got[0], 4097);
	r = vq_next(&vq, &id, &len);
	ok(r == VQ_BADLEN && id == got[0] && len == 0 &&
	    vq.vq_stats.vs_bad_len == 1, "a length over the room: the "
	    "buffer is back, marked bad, its length 0");
	/* Our own copy of the room is checked, not the shared table. */
	vq.vq_desc[got[2]].vd_len = 65536;
	dev_put(&d, got[2], 8192);
	ok(vq_next(&vq, &id, &len) == VQ_BADLEN && id == got[2],
	    "a descriptor length the device changed does not widen the "
	    "check");
	ok(vq_outstanding(&vq) == 0, "nothing left with the device");
	/* Hostile: an index that claims more than the device holds. */
	vq.vq_used->vu_idx = (uint16_t)(d.d_used + 1);
	ok(vq_next(&vq, &id, &len) == -1 && errno == EPROTO,
	    "a used index past what the device holds: EPROTO");
	vq.vq_used->vu_idx = (uint16_t)(d.d_used + 40000);
	ok(vq_next(&vq, &id, &len) == -1 && errno == EPROTO,
	    "even far past (wrapping): EPROTO, not a loop over garbage");
	vq.vq_used->vu_idx = d.d_used;

	/* A fresh ring; the indices wrap at 65536. */
	vq_free(&vq);
	vq_init(&vq, NUM, ring);
	for (i = 0; i < NUM; i++)
		vq_set_buf(&vq, i, (uint64_t)i * 4096, 4096, 1);
	d.d_vq = &vq;
	vq.vq_avail_idx = vq.vq_avail->va_idx = 65533;
	vq.vq_last_used = 65533;
	d.d_avail = 65533;
	d.d_used = 65533;
	vq.vq_used->vu_idx = 65533;
	d.d_nheld = 0;
	for (i = 0; i < NUM; i++)
		if (vq_add(&vq, i, 0) == -1)
			break;
	ok(i == NUM, "all %d added again (ids wrapped at 65536)", NUM);
	vq_publish(&vq);
	ok(dev_take(&d) == NUM && vq.vq_avail->va_idx == (uint16_t)(65533 +
	    NUM), "the device takes them across the wrap");
	for (i = 0; i < NUM; i++)
		dev_fill(&d, i, bufs, 60);
	for (i = 0; vq_next(&vq, &id, &len) == VQ_OK; i++)
		;
	ok(i == NUM && vq_outstanding(&vq) == 0, "and all come back");

	/* Notification suppression, both ways. */
	vq_interrupts(&vq, 0);
	ok(vq.vq_avail->va_flags == VQ_AVAIL_F_NO_INTERRUPT,
	    "interrupts off: VRING_AVAIL_F_NO_INTERRUPT set");
	ok(vq_interrupts(&vq, 1) == 0 && vq.vq_avail->va_flags == 0,
	    "on again, nothing arrived meanwhile");
	vq_add(&vq, 0, 0);
	vq.vq_used->vu_flags = VQ_USED_F_NO_NOTIFY;
	ok(vq_publish(&vq) == 0, "the device polls (VRING_USED_F_NO_NOTIFY): "
	    "no kick");
	vq.vq_used->vu_flags = 0;
	dev_take(&d);
	vq_interrupts(&vq, 0);
	dev_fill(&d, 0, bufs, 70);
	ok(vq_interrupts(&vq, 1) == 1, "a buffer came back while interrupts "
	    "were off: turning them on says look again");
	ok(vq_next(&vq, &id, &len) == VQ_OK && len == 70, "and it is there");

	/* Send side: the device reads; its lengths are not ours to check. */
	ok(vq_init(&tx, NUM, ring2) == 0, "a send ring");
	memset(&dt, 0, sizeof(dt));
	dt.d_vq = &tx;
	for (i = 0; i < NUM; i++)
		vq_set_buf(&tx, i, (uint64_t)i * 4096, 4096, 0);
	ok(vq_add(&tx, 1, 4097) == -1 && errno == EINVAL,
	    "a frame longer than its buffer is refused");
	ok(vq_add(&tx, 1, 1514) == 0 && vq_add(&tx, 2, 60) == 0 &&
	    vq_publish(&tx) == 1, "two frames out, one publish");
	ok(dev_take(&dt) == 2 && tx.vq_desc[1].vd_len == 1514 &&
	    tx.vq_desc[2].vd_len == 60 && tx.vq_desc[1].vd_flags == 0,
	    "the device sees read-only buffers of 1514 and 60");
	dev_put(&dt, 1, 0);
	dev_put(&dt, 2, 99999);
	ok(vq_next(&tx, &id, &len) == VQ_OK && id == 1 && len == 0 &&
	    vq_next(&tx, &id, &len) == VQ_OK && id == 2 && len == 0,
	    "sent buffers come back; a length on a read buffer is ignored");
	ok(vq_add(&tx, 1, 0) == 0 && tx.vq_desc[1].vd_len == 4096,
	    "length 0: the whole buffer");

	vq_free(&vq);
	vq_free(&tx);
	munmap(ring, vq_mem_size(NUM));
	munmap(ring2, vq_mem_size(NUM));
	munmap(bufs, NUM * 4096);
	return (done_testing());
}
