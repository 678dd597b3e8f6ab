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
 * netfront-sim: the guest's memory and grant table, as its kernel sees
 * them (nf_mem_* in nf.h).  Two providers, chosen by --xen:
 *
 *   simulated  a domain of the simulator (simdom.h): its memory is a
 *              file of pages, its grant table a file of v1 entries;
 *              this file;
 *   xen        a real PV domU: pages allocated and granted by the
 *              kernel's gntalloc device (libxengnttab's gntshr);
 *              nf-mem-xen.c.
 *
 * The protocol logic (nf-ring.c, nf-xs.c, nf-hostile.c, nf-ctrl.c) only
 * sees struct nf_buf: a page it can read and write, and its grant ref.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "nf.h"

static int	nf_msim_open(struct nf *);
static void	nf_msim_close(struct nf *);
static int	nf_msim_alive(struct nf *);
static int	nf_msim_get(struct nf *, struct nf_buf *, uint16_t, int);
static int	nf_msim_put(struct nf *, struct nf_buf *);
static int	nf_msim_regrant(struct nf *, const struct nf_buf *, uint16_t);
static int	nf_msim_end(struct nf *, struct nf_buf *);
static uint8_t	*nf_msim_claim(struct nf *, uint32_t);
static void	nf_msim_free(struct nf *, uint32_t);

const struct nf_mem_ops nf_mem_sim = {
	.mo_name = "simulated",
	.mo_open = nf_msim_open,
	.mo_close = nf_msim_close,
	.mo_alive = nf_msim_alive,
	.mo_get = nf_msim_get,
	.mo_put = nf_msim_put,
	.mo_regrant = nf_msim_regrant,
	.mo_end = nf_msim_end,
};

/* nf_mem_open: the provider of --xen or the simulator's.  0 or -1. */
int
nf_mem_open(struct nf *nf)
{

	nf->nf_mem = nf->nf_o.o_xen ? &nf_mem_xen : &nf_mem_sim;
	return (nf->nf_mem->mo_open(nf));
}

/* nf_mem_close: release the domain (the process is about to exit). */
void
nf_mem_close(struct nf *nf)
{

	if (nf->nf_mem != NULL)
		nf->nf_mem->mo_close(nf);
}

/* nf_mem_alive: 0 once the domain is destroyed. */
int
nf_mem_alive(struct nf *nf)
{

	return (nf->nf_mem != NULL && nf->nf_mem->mo_alive(nf));
}

/*
 * nf_mem_get: a free page of our memory, granted to domid (read-only if
 * ro): b_va and b_gref set.  Returns 0, or -1 with errno.
 */
int
nf_mem_get(struct nf *nf, struct nf_buf *b, uint16_t domid, int ro)
{

	return (nf->nf_mem->mo_get(nf, b, domid, ro));
}

/*
 * nf_mem_put: end the grant of b and free its page.  Returns 0, or -1
 * with errno (EBUSY: the backend still maps it; the page is kept).
 */
int
nf_mem_put(struct nf *nf, struct nf_buf *b)
{

	return (nf->nf_mem->mo_put(nf, b));
}

/*
 * nf_mem_regrant: a read-only grant of what b holds to another domain
 * (kept until the process exits).  Returns the ref, or -1 with errno.
 */
int
nf_mem_regrant(struct nf *nf, const struct nf_buf *b, uint16_t domid)
{

	return (nf->nf_mem->mo_regrant(nf, b, domid));
}

/*
 * nf_mem_end: end the backend's access to b now, as a frontend freeing
 * it would, but keep the page readable for us (b_gref keeps the old
 * number; nf_mem_put still frees it).  Returns 0, or -1 with errno.
 */
int
nf_mem_end(struct nf *nf, struct nf_buf *b)
{

	return (nf->nf_mem->mo_end(nf, b));
}

/*
 * The simulated provider's page allocator.  Every netfront-sim attached
 * to a domain (one per vif) shares its memory, so the allocator state
 * lives in that memory, like a kernel's page map: the first frames hold
 * one claim octet per frame, taken and released with atomic operations.
 */

/* nf_msim_claim: the claim octet of frame f. */
static uint8_t *
nf_msim_claim(struct nf *nf, uint32_t f)
{

	return ((uint8_t *)simdom_page(nf->nf_dom, f / NF_PAGE) + f % NF_PAGE);
}

/*
 * nf_msim_open: attach to the simulated domain (the toolstack may still
 * be creating it: wait up to 10 s) and set up the frame allocator: the
 * frames of the claim map itself are marked used.  Returns 0 or -1
 * (logged).
 */
static int
nf_msim_open(struct nf *nf)
{
	uint32_t f, nmap;
	int i;

	for (i = 0; i < 100; i++) {
		nf->nf_dom = simdom_attach(nf->nf_o.o_simdir,
		    nf->nf_o.o_domid);
		if (nf->nf_dom != NULL || (errno != ESRCH && errno != ENOENT))
			break;
		usleep(100000);
	}
	if (nf->nf_dom == NULL) {
		slog_warn("cannot attach to domain %u in %s", nf->nf_o.o_domid,
		    nf->nf_o.o_simdir);
		return (-1);
	}
	nf->nf_nframes = simdom_npages(nf->nf_dom);
	nmap = (nf->nf_nframes + NF_PAGE - 1) / NF_PAGE;
	if (nf->nf_nframes <= nmap) {
		slog_warnx("memory map: domain %u has %u pages",
		    nf->nf_o.o_domid, nf->nf_nframes);
		return (-1);
	}
	for (f = 0; f < nmap; f++)
		__atomic_store_n(nf_msim_claim(nf, f), 1, __ATOMIC_RELAXED);
	nf->nf_frame_hint = nmap + nf->nf_o.o_handle * 1024;
	return (0);
}

static void
nf_msim_close(struct nf *nf)
{

	if (nf->nf_dom != NULL)
		simdom_detach(nf->nf_dom);
	nf->nf_dom = NULL;
}

static int
nf_msim_alive(struct nf *nf)
{

	return (nf->nf_dom != NULL && simdom_alive(nf->nf_dom));
}

/* nf_msim_get: claim a free frame and grant it (ENOMEM: none left). */
static int
nf_msim_get(struct nf *nf, struct nf_buf *b, uint16_t domid, int ro)
{
	unsigned int i;
	uint32_t f = 0;
	uint8_t zero;
	int ref;

	for (i = 0; i < nf->nf_nframes; i++) {
		f = (nf->nf_frame_hint + i) % nf->nf_nframes;
		zero = 0;
		if (__atomic_compare_exchange_n(nf_msim_claim(nf, f), &zero,
		    1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			break;
	}
	if (i == nf->nf_nframes) {
		errno = ENOMEM;
		return (-1);
	}
	if ((b->b_va = simdom_page(nf->nf_dom, f)) == NULL ||
	    (ref = simdom_grant(nf->nf_dom, f, domid, ro)) < 0) {
		b->b_va = NULL;
		nf_msim_free(nf, f);
		return (-1);
	}
	nf->nf_frame_hint = f + 1;
	b->b_frame = f;
	b->b_gref = ref;
	return (0);
}

/* nf_msim_free: release frame f. */
static void
nf_msim_free(struct nf *nf, uint32_t f)
{

	if (f < nf->nf_nframes)
		__atomic_store_n(nf_msim_claim(nf, f), 0, __ATOMIC_RELEASE);
}

/*
 * nf_msim_put: ungrant and free the frame; a grant ended before
 * (nf_msim_end) is no error.
 */
static int
nf_msim_put(struct nf *nf, struct nf_buf *b)
{
	int r = 0;

	if (!b->b_ended &&
	    simdom_ungrant(nf->nf_dom, (uint32_t)b->b_gref) == -1) {
		if (errno == EBUSY)
			return (-1);
		r = -1;
	}
	nf_msim_free(nf, b->b_frame);
	return (r);
}

/* nf_msim_regrant: the same frame, granted read-only to domid too. */
static int
nf_msim_regrant(struct nf *nf, const struct nf_buf *b, uint16_t domid)
{

	return (simdom_grant(nf->nf_dom, b->b_frame, domid, 1));
}

/* nf_msim_end: ungrant, keep the frame. */
static int
nf_msim_end(struct nf *nf, struct nf_buf *b)
{

	if (b->b_ended)
		return (0);
	if (simdom_ungrant(nf->nf_dom, (uint32_t)b->b_gref) == -1)
		return (-1);
	b->b_ended = 1;
	return (0);
}
