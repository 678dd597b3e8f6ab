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
 * The "xen" provider: libxengnttab for grants, libxenevtchn for event
 * channels and libxenctrl for domain information.
 *
 * libxenctrl needs privcmd and is only used by hv_dominfo, so it is
 * opened on first use: a process with only gntdev and evtchn access can
 * still use everything else.
 *
 * Known differences from the sim provider, both Linux gntdev driver
 * behaviour:
 *  - xengnttab_grant_copy fails as a whole (EINVAL) if a segment has
 *    offset+len beyond the page on a grant side, where the sim reports
 *    GNTST_bad_copy_arg in that segment; gntdev also splits a batch into
 *    hypercalls of 16 ops;
 *  - a refused map fails with EINVAL whatever the GNTST code.
 * hv_own_domid returns 0: libxenctrl has no call for the caller's own
 * domain id; a driver domain must learn its id from xenstore ("domid").
 */

#include <sys/ioctl.h>
#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <xenctrl.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#ifdef __linux__
#include <xen/sys/evtchn.h>	/* IOCTL_EVTCHN_RESET */
#endif

#include "hv-priv.h"

struct hv_xen {
	xengnttab_handle	*hx_gt;
	xenevtchn_handle	*hx_ev;
	xc_interface		*hx_xc;		/* opened by hv_dominfo */
	int			 hx_evfd;
};

static void	*hv_xen_open(const char *, uint32_t);
static void	 hv_xen_close(void *);
static int	 hv_xen_own_domid(void *, uint32_t *);
static int	 hv_xen_dominfo(void *, uint32_t, struct hv_dominfo *);
static void	*hv_xen_map(void *, uint32_t, const uint32_t *, unsigned int,
		    int);
static int	 hv_xen_unmap(void *, void *, unsigned int);
static int	 hv_xen_copy(void *, hv_copy_seg *, unsigned int);
static int	 hv_xen_evtchn_fd(void *);
static int	 hv_xen_evtchn_bind(void *, uint32_t, uint32_t);
static int	 hv_xen_evtchn_alloc_unbound(void *, uint32_t);
static int	 hv_xen_evtchn_unbind(void *, uint32_t);
static int	 hv_xen_evtchn_notify(void *, uint32_t);
static int	 hv_xen_evtchn_pending(void *, int *, unsigned int);
static int	 hv_xen_evtchn_unmask(void *, const int *, unsigned int);
static int	 hv_xen_evtchn_reset(void *);

const struct hv_ops hv_xen_ops = {
	.ho_name = "xen",
	.ho_synthetic = 0,
	.ho_open = hv_xen_open,
	.ho_close = hv_xen_close,
	.ho_own_domid = hv_xen_own_domid,
	.ho_dominfo = hv_xen_dominfo,
	.ho_map = hv_xen_map,
	.ho_unmap = hv_xen_unmap,
	.ho_copy = hv_xen_copy,
	.ho_evtchn_fd = hv_xen_evtchn_fd,
	.ho_evtchn_bind = hv_xen_evtchn_bind,
	.ho_evtchn_alloc_unbound = hv_xen_evtchn_alloc_unbound,
	.ho_evtchn_unbind = hv_xen_evtchn_unbind,
	.ho_evtchn_notify = hv_xen_evtchn_notify,
	.ho_evtchn_pending = hv_xen_evtchn_pending,
	.ho_evtchn_unmask = hv_xen_evtchn_unmask,
	.ho_evtchn_reset = hv_xen_evtchn_reset,
};

/*
 * hv_xen_open: open gntdev and evtchn; the evtchn fd is made
 * non-blocking so that hv_evtchn_pending returns EAGAIN instead of
 * sleeping.  Returns the provider state or NULL with errno.
 */
static void *
hv_xen_open(const char *simdir, uint32_t domid)
{
	struct hv_xen *hx;
	int flags, saved;

	if ((hx = calloc(1, sizeof(*hx))) == NULL)
		return (NULL);
	if ((hx->hx_gt = xengnttab_open(NULL, 0)) == NULL)
		goto fail;
	if ((hx->hx_ev = xenevtchn_open(NULL, 0)) == NULL)
		goto fail;
	if ((hx->hx_evfd = xenevtchn_fd(hx->hx_ev)) == -1)
		goto fail;
	if ((flags = fcntl(hx->hx_evfd, F_GETFL)) == -1 ||
	    fcntl(hx->hx_evfd, F_SETFL, flags | O_NONBLOCK) == -1)
		goto fail;
	return (hx);
 fail:
	saved = errno;
	hv_xen_close(hx);
	errno = saved;
	return (NULL);
}

static void
hv_xen_close(void *p)
{
	struct hv_xen *hx = p;

	if (hx->hx_xc != NULL)
		xc_interface_close(hx->hx_xc);
	if (hx->hx_ev != NULL)
		xenevtchn_close(hx->hx_ev);
	if (hx->hx_gt != NULL)
		xengnttab_close(hx->hx_gt);
	free(hx);
}

static int
hv_xen_own_domid(void *p, uint32_t *domid)
{

	*domid = 0;
	return (0);
}

/*
 * hv_xen_dominfo: one XEN_SYSCTL_getdomaininfolist starting at domid;
 * the domain exists if the first entry returned is domid itself.
 * (xc_domain_getinfo_single only appeared in Xen 4.18.)  Returns 0, or
 * -1 with errno if libxenctrl cannot be opened or the call fails.
 */
static int
hv_xen_dominfo(void *p, uint32_t domid, struct hv_dominfo *info)
{
	struct hv_xen *hx = p;
	xc_domaininfo_t di;
	int n;

	if (hx->hx_xc == NULL &&
	    (hx->hx_xc = xc_interface_open(NULL, NULL, 0)) == NULL)
		return (-1);
	if ((n = xc_domain_getinfolist(hx->hx_xc, domid, 1, &di)) == -1)
		return (-1);
	if (n < 1 || di.domain != domid)
		return (0);
	info->hd_exists = 1;
	info->hd_dying = (di.flags & XEN_DOMINF_dying) != 0;
	info->hd_shutdown = (di.flags & XEN_DOMINF_shutdown) != 0;
	return (0);
}

/*
 * hv_xen_map: xengnttab_map_domain_grant_refs.  libxengnttab takes the
 * ref array as non-const but only reads it.
 */
static void *
hv_xen_map(void *p, uint32_t domid, const uint32_t *refs, unsigned int count,
    int rw)
{
	struct hv_xen *hx = p;

	return (xengnttab_map_domain_grant_refs(hx->hx_gt, count, domid,
	    (uint32_t *)(uintptr_t)refs, rw ? PROT_READ | PROT_WRITE :
	    PROT_READ));
}

static int
hv_xen_unmap(void *p, void *addr, unsigned int count)
{
	struct hv_xen *hx = p;

	return (xengnttab_unmap(hx->hx_gt, addr, count));
}

static int
hv_xen_copy(void *p, hv_copy_seg *seg, unsigned int count)
{
	struct hv_xen *hx = p;

	return (xengnttab_grant_copy(hx->hx_gt, count, seg));
}

static int
hv_xen_evtchn_fd(void *p)
{
	struct hv_xen *hx = p;

	return (hx->hx_evfd);
}

static int
hv_xen_evtchn_bind(void *p, uint32_t domid, uint32_t rport)
{
	struct hv_xen *hx = p;

	return (xenevtchn_bind_interdomain(hx->hx_ev, domid, rport));
}

static int
hv_xen_evtchn_alloc_unbound(void *p, uint32_t remote)
{
	struct hv_xen *hx = p;

	return (xenevtchn_bind_unbound_port(hx->hx_ev, remote));
}

static int
hv_xen_evtchn_unbind(void *p, uint32_t port)
{
	struct hv_xen *hx = p;

	return (xenevtchn_unbind(hx->hx_ev, port));
}

static int
hv_xen_evtchn_notify(void *p, uint32_t port)
{
	struct hv_xen *hx = p;

	return (xenevtchn_notify(hx->hx_ev, port));
}

/*
 * The event-channel device hands out pending ports and takes ports to
 * unmask as arrays of evtchn_port_t; libxenevtchn's xenevtchn_pending
 * and xenevtchn_unmask read and write one at a time on the same fd.
 * Many per system call is what a busy backend needs, so these use the
 * fd (xenevtchn_fd) directly.
 */
static int
hv_xen_evtchn_pending(void *p, int *ports, unsigned int n)
{
	struct hv_xen *hx = p;
	evtchn_port_t buf[HV_EVTCHN_BATCH];
	ssize_t r;
	unsigned int i;

	if ((r = read(hx->hx_evfd, buf, n * sizeof(buf[0]))) == -1)
		return (-1);
	if (r < (ssize_t)sizeof(buf[0])) {
		errno = EAGAIN;
		return (-1);
	}
	n = (unsigned int)((size_t)r / sizeof(buf[0]));
	for (i = 0; i < n; i++)
		ports[i] = (int)buf[i];
	return ((int)n);
}

static int
hv_xen_evtchn_unmask(void *p, const int *ports, unsigned int n)
{
	struct hv_xen *hx = p;
	evtchn_port_t buf[HV_EVTCHN_BATCH];
	unsigned int i;

	for (i = 0; i < n; i++)
		buf[i] = (evtchn_port_t)ports[i];
	if (write(hx->hx_evfd, buf, n * sizeof(buf[0])) !=
	    (ssize_t)(n * sizeof(buf[0])))
		return (-1);
	return (0);
}

/*
 * hv_xen_evtchn_reset: the Linux evtchn driver answers every read with
 * EFBIG (and poll with POLLERR) once its ring of pending ports
 * overflowed, until IOCTL_EVTCHN_RESET empties the ring; libxenevtchn
 * has no call for it.  -1 with ENOSYS where there is no such ioctl.
 */
static int
hv_xen_evtchn_reset(void *p)
{
#ifdef IOCTL_EVTCHN_RESET
	struct hv_xen *hx = p;

	return (ioctl(hx->hx_evfd, IOCTL_EVTCHN_RESET, 0));
#else
	errno = ENOSYS;
	return (-1);
#endif
}
