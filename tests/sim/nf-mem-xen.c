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
 * netfront-sim --xen: the guest memory provider of a real PV domU
 * (nf-mem.c has the interface).  Each page is allocated and granted by
 * the kernel's gntalloc device through libxengnttab's gntshr calls (one
 * page per call, so that each can be revoked alone):
 *
 * - a grant is read-only unless the page must be writable by the
 *   backend (rx buffers, rings); our own mapping is always writable;
 * - revoking is unmapping: gntalloc ends the grant once the page is no
 *   longer mapped, and defers it (keeping the page) while the backend
 *   still maps it, so a revoke never fails with EBUSY here;
 * - nf_mem_end puts an anonymous page in place of the granted one
 *   (mmap MAP_FIXED), which drops gntalloc's mapping and so the grant,
 *   while the address stays readable;
 * - the domain's death is the process's: it is always alive.
 *
 * gntalloc counts every page it grants, across processes, against its
 * module parameter "limit" (1024 by default): one queue of netfront-sim
 * takes 2 + 2 * 256 pages.
 */

#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xengnttab.h>

#include "nf.h"

/* grants made by nf_mem_regrant, unshared at close */
#define NF_MX_EXTRA	64

struct nf_mx {
	xengntshr_handle	*mx_gs;
	void			*mx_extra[NF_MX_EXTRA];
	unsigned int		 mx_nextra;
};

static int	nf_mx_open(struct nf *);
static void	nf_mx_close(struct nf *);
static int	nf_mx_alive(struct nf *);
static int	nf_mx_get(struct nf *, struct nf_buf *, uint16_t, int);
static int	nf_mx_put(struct nf *, struct nf_buf *);
static int	nf_mx_regrant(struct nf *, const struct nf_buf *, uint16_t);
static int	nf_mx_end(struct nf *, struct nf_buf *);

const struct nf_mem_ops nf_mem_xen = {
	.mo_name = "xen",
	.mo_open = nf_mx_open,
	.mo_close = nf_mx_close,
	.mo_alive = nf_mx_alive,
	.mo_get = nf_mx_get,
	.mo_put = nf_mx_put,
	.mo_regrant = nf_mx_regrant,
	.mo_end = nf_mx_end,
};

/* nf_mx_open: open gntalloc.  0, or -1 (logged). */
static int
nf_mx_open(struct nf *nf)
{
	struct nf_mx *mx;

	if ((mx = calloc(1, sizeof(*mx))) == NULL) {
		slog_warn("calloc");
		return (-1);
	}
	if ((mx->mx_gs = xengntshr_open(NULL, 0)) == NULL) {
		slog_warn("xengntshr_open (is xen-gntalloc loaded?)");
		free(mx);
		return (-1);
	}
	nf->nf_memp = mx;
	return (0);
}

/* nf_mx_close: unshare the extra grants, close gntalloc (which frees */
/* the pages the backend no longer maps). */
static void
nf_mx_close(struct nf *nf)
{
	struct nf_mx *mx = nf->nf_memp;
	unsigned int i;

	if (mx == NULL)
		return;
	for (i = 0; i < mx->mx_nextra; i++)
		xengntshr_unshare(mx->mx_gs, mx->mx_extra[i], 1);
	xengntshr_close(mx->mx_gs);
	free(mx);
	nf->nf_memp = NULL;
}

static int
nf_mx_alive(struct nf *nf)
{

	return (nf->nf_memp != NULL);
}

/* nf_mx_get: one new page granted to domid.  ENOSPC: gntalloc's limit. */
static int
nf_mx_get(struct nf *nf, struct nf_buf *b, uint16_t domid, int ro)
{
	struct nf_mx *mx = nf->nf_memp;
	uint32_t ref;
	void *va;

	if ((va = xengntshr_share_pages(mx->mx_gs, domid, 1, &ref,
	    !ro)) == NULL)
		return (-1);
	b->b_va = va;
	b->b_gref = (int)ref;
	b->b_frame = 0;
	return (0);
}

/* nf_mx_put: unmap the page: gntalloc ends the grant (deferred while */
/* the backend maps it). */
static int
nf_mx_put(struct nf *nf, struct nf_buf *b)
{
	struct nf_mx *mx = nf->nf_memp;

	if (b->b_ended)
		return (munmap(b->b_va, NF_PAGE));
	return (xengntshr_unshare(mx->mx_gs, b->b_va, 1));
}

/* nf_mx_regrant: a new page with b's content, granted to domid. */
static int
nf_mx_regrant(struct nf *nf, const struct nf_buf *b, uint16_t domid)
{
	struct nf_mx *mx = nf->nf_memp;
	uint32_t ref;
	void *va;

	if (mx->mx_nextra == NF_MX_EXTRA) {
		errno = ENOSPC;
		return (-1);
	}
	if ((va = xengntshr_share_pages(mx->mx_gs, domid, 1, &ref,
	    0)) == NULL)
		return (-1);
	memcpy(va, b->b_va, NF_PAGE);
	mx->mx_extra[mx->mx_nextra++] = va;
	return ((int)ref);
}

/* nf_mx_end: an anonymous page (same content) in place of the granted. */
static int
nf_mx_end(struct nf *nf, struct nf_buf *b)
{
	uint8_t copy[NF_PAGE];

	(void)nf;
	if (b->b_ended)
		return (0);
	memcpy(copy, b->b_va, NF_PAGE);
	if (mmap(b->b_va, NF_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return (-1);
	memcpy(b->b_va, copy, NF_PAGE);
	b->b_ended = 1;
	return (0);
}
