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
 * The in-memory provider of the hypervisor interface, for the fuzzers
 * (tests/fuzz): one guest domain whose pages and v1 grant table are
 * arrays in this process, seen through a domain 0 handle.  Grants get
 * Xen's checks and GNTST_* codes (hv.c's, as the sim provider); copies
 * are memmove; event channels are bookkeeping only: binds, unbinds and
 * notifies are checked and counted, nothing ever becomes pending.  No
 * files, sockets or processes, so one input costs microseconds.  Not
 * part of libxennet: only the harnesses link it.
 */

#ifndef XENNET_HV_MEM_H
#define XENNET_HV_MEM_H

#include <stdint.h>

#include "hv.h"

#define HV_MEM_NGRANTS	1024	/* grant table entries of the guest */
#define HV_MEM_NPORTS	64	/* event channels of the handle */

struct hv_memdom;

/* hv_memdom_new: a guest domid with npages zeroed pages; NULL, errno. */
struct hv_memdom *hv_memdom_new(uint32_t domid, uint32_t npages);
void		 hv_memdom_free(struct hv_memdom *);
uint8_t		*hv_memdom_page(struct hv_memdom *, uint32_t frame);
/*
 * hv_memdom_grant: grant frame to domain 0 (read-only if ro) in a free
 * entry; the reference, or -1 with errno.  hv_memdom_ungrant ends it
 * (EBUSY while it is mapped, as Xen's gnttab_end_foreign_access).
 */
int		 hv_memdom_grant(struct hv_memdom *, uint32_t frame, int ro);
int		 hv_memdom_ungrant(struct hv_memdom *, uint32_t ref);
/* hv_mem_open: a domain 0 handle seeing that guest; NULL with errno. */
struct hv	*hv_mem_open(struct hv_memdom *);

#endif /* XENNET_HV_MEM_H */
