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
 * t_hvmem: the in-memory hypervisor provider of the fuzzers
 * (lib/hv-mem.c): grants with Xen's checks and GNTST_* codes (shared
 * with the sim provider: hv_gnt_check, hv_copy_emulate), one-page maps
 * that pin their grant, event channels as bookkeeping.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hv.h"
#include "hv-mem.h"
#include "../tap.h"

#define DOM	7

/* copy_from: one guest->local copy segment of len at off; its status. */
static int16_t
copy_from(struct hv *hv, uint16_t dom, uint32_t ref, uint16_t off,
    uint16_t len, void *dst)
{
	hv_copy_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.flags = GNTCOPY_source_gref;
	seg.source.foreign.domid = dom;
	seg.source.foreign.ref = ref;
	seg.source.foreign.offset = off;
	seg.dest.virt = dst;
	seg.len = len;
	if (hv_copy(hv, &seg, 1) == -1)
		return (1);	/* no GNTST_ code is positive */
	return (seg.status);
}

int
main(void)
{
	struct hv_memdom *md;
	struct hv *hv;
	hv_copy_seg seg;
	uint8_t buf[HV_PAGE_SIZE], *page;
	void *map;
	uint32_t mref;
	int ro, rw, p, q;

	ok(hv_memdom_new(0, 4) == NULL && errno == EINVAL,
	    "domain 0 is not a guest: EINVAL");
	md = hv_memdom_new(DOM, 4);
	hv = md != NULL ? hv_mem_open(md) : NULL;
	if (hv == NULL) {
		ok(0, "a guest of 4 pages and a handle on it");
		return (done_testing());
	}
	ok(1, "a guest of 4 pages and a handle on it");
	ok(strcmp(hv_provider(hv), "mem") == 0, "provider is mem");
	ro = hv_memdom_grant(md, 1, 1);
	rw = hv_memdom_grant(md, 2, 0);
	ok(ro == 8 && rw == 9, "grants from ref 8 up (%d %d)", ro, rw);
	ok(hv_memdom_grant(md, 4, 0) == -1 && errno == EINVAL,
	    "a frame beyond the guest's memory cannot be granted");
	page = hv_memdom_page(md, 1);
	memset(page, 0xab, HV_PAGE_SIZE);
	memset(buf, 0, sizeof(buf));
	ok(copy_from(hv, DOM, (uint32_t)ro, 100, 200, buf) == GNTST_okay &&
	    buf[0] == 0xab && buf[199] == 0xab && buf[200] == 0,
	    "copy guest->local: the right 200 bytes");
	ok(copy_from(hv, DOM, (uint32_t)ro, 4000, 200, buf) ==
	    GNTST_bad_copy_arg, "offset+len beyond the page: bad_copy_arg");
	ok(copy_from(hv, DOM, 3, 0, 10, buf) == GNTST_permission_denied,
	    "a ref not granted: permission_denied");
	ok(copy_from(hv, DOM, HV_MEM_NGRANTS, 0, 10, buf) ==
	    GNTST_bad_gntref, "a ref beyond the table: bad_gntref");
	ok(copy_from(hv, DOM + 1, (uint32_t)ro, 0, 10, buf) ==
	    GNTST_bad_domain, "another domain: bad_domain");
	memset(&seg, 0, sizeof(seg));
	seg.flags = GNTCOPY_dest_gref;
	seg.dest.foreign.domid = DOM;
	seg.dest.foreign.ref = (uint32_t)ro;
	seg.source.virt = buf;
	seg.len = 10;
	ok(hv_copy(hv, &seg, 1) == 0 && seg.status == GNTST_permission_denied,
	    "a read-only grant as destination: permission_denied");
	seg.dest.foreign.ref = (uint32_t)rw;
	ok(hv_copy(hv, &seg, 1) == 0 && seg.status == GNTST_okay &&
	    hv_memdom_page(md, 2)[0] == 0xab,
	    "copy local->guest into a writable grant");
	seg.flags = 0;
	ok(hv_copy(hv, &seg, 1) == -1 && errno == EINVAL,
	    "a segment with no grant side fails the call (EINVAL)");

	mref = (uint32_t)ro;
	ok(hv_map(hv, DOM, &mref, 1, 1) == NULL && errno == EPERM,
	    "a writable map of a read-only grant: EPERM");
	mref = (uint32_t)rw;
	map = hv_map(hv, DOM, &mref, 1, 1);
	ok(map == hv_memdom_page(md, 2), "a map is the guest's page itself");
	ok(hv_memdom_ungrant(md, (uint32_t)rw) == -1 && errno == EBUSY,
	    "ungrant while mapped: EBUSY");
	ok(hv_unmap(hv, map, 1) == 0 &&
	    hv_memdom_ungrant(md, (uint32_t)rw) == 0,
	    "unmapped, the grant ends");
	ok(copy_from(hv, DOM, (uint32_t)rw, 0, 10, buf) ==
	    GNTST_permission_denied, "a revoked grant: permission_denied");
	ok(hv_unmap(hv, map, 1) == -1 && errno == EINVAL,
	    "unmap twice: EINVAL");

	p = hv_evtchn_bind(hv, DOM, 5);
	q = hv_evtchn_alloc_unbound(hv, DOM);
	ok(p > 0 && q > 0 && p != q, "bind and alloc_unbound: two ports");
	ok(hv_evtchn_bind(hv, DOM, 0) == -1 && errno == EINVAL,
	    "bind to remote port 0: EINVAL");
	ok(hv_evtchn_bind(hv, DOM + 1, 5) == -1 && errno == ESRCH,
	    "bind to another domain: ESRCH");
	ok(hv_evtchn_notify(hv, p) == 0, "notify a bound port");
	ok(hv_evtchn_pending(hv) == -1 && errno == EAGAIN,
	    "nothing ever pends: EAGAIN");
	ok(hv_evtchn_unbind(hv, p) == 0 && hv_evtchn_notify(hv, p) == -1,
	    "unbound, the port cannot be notified");
	ok(hv_counts(hv)->hc_calls[HV_CALL_NOTIFY] == 2 &&
	    hv_counts(hv)->hc_calls[HV_CALL_COPY] >= 8,
	    "calls are counted as for every provider");
	hv_close(hv);
	hv_memdom_free(md);
	return (done_testing());
}
