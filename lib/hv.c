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
 * Provider dispatch for the hypervisor access interface (hv.h).  This
 * file owns the handle: it picks the provider by name, checks arguments
 * common to all providers, counts every call that stands for a
 * hypercall and, for the sim provider, burns the synthetic cost once per
 * counted hypercall.
 */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hv-priv.h"
#include "hv-mapcopy.h"
#include "num.h"

#define HV_COST_ENV	"XENNET_SIM_HCALL_NS"

struct hv {
	const struct hv_ops	*hv_ops;
	void			*hv_priv;
	struct hv_counts	 hv_counts;
	unsigned long		 hv_cost_ns;
	enum hv_engine		 hv_engine;
	struct hv_mapcopy	*hv_mc;		/* HV_ENGINE_MAP's scratch */
	int			 hv_engine_fallback;	/* no copy call */
};

static const struct hv_ops *const hv_providers[] = {
	&hv_xen_ops,
	&hv_sim_ops,
};

static const char *const hv_call_names[HV_CALL_MAX] = {
	[HV_CALL_COPY] =	"copy",
	[HV_CALL_MAP] =		"map",
	[HV_CALL_UNMAP] =	"unmap",
	[HV_CALL_NOTIFY] =	"notify",
	[HV_CALL_UNMASK] =	"unmask",
	[HV_CALL_BIND] =	"bind",
	[HV_CALL_UNBIND] =	"unbind",
	[HV_CALL_DOMINFO] =	"dominfo",
};

static int	hv_cost_env(unsigned long *);
static void	hv_burn(unsigned long);
static void	hv_hypercall(struct hv *, enum hv_call);
static int	hv_port_ok(struct hv *, int);

/*
 * hv_cost_env: parse $XENNET_SIM_HCALL_NS into *ns (0 if unset).
 * Returns 0, or -1 with EINVAL if the variable is not a number.
 */
static int
hv_cost_env(unsigned long *ns)
{
	const char *s;
	unsigned long long v;

	*ns = 0;
	if ((s = getenv(HV_COST_ENV)) == NULL || *s == '\0')
		return (0);
	if (num_parse(s, ULONG_MAX, &v) == -1) {
		errno = EINVAL;
		return (-1);
	}
	*ns = (unsigned long)v;
	return (0);
}

/*
 * hv_burn: busy-wait ns nanoseconds of CPU time, standing in for the
 * cost of a hypercall (a sleep would free the CPU, a hypercall does not).
 */
static void
hv_burn(unsigned long ns)
{
	struct timespec t0, t;
	unsigned long long start, now;

	if (clock_gettime(CLOCK_MONOTONIC, &t0) == -1)
		return;
	start = (unsigned long long)t0.tv_sec * 1000000000ULL + t0.tv_nsec;
	do {
		if (clock_gettime(CLOCK_MONOTONIC, &t) == -1)
			return;
		now = (unsigned long long)t.tv_sec * 1000000000ULL +
		    t.tv_nsec;
	} while (now - start < ns);
}

/*
 * hv_hypercall: account one hypercall of the given kind and pay its
 * synthetic cost.
 */
static void
hv_hypercall(struct hv *hv, enum hv_call kind)
{

	hv->hv_counts.hc_calls[kind]++;
	if (hv->hv_cost_ns != 0)
		hv_burn(hv->hv_cost_ns);
}

/*
 * hv_port_ok: 1 if hv is a handle and port a possible port number, else
 * 0 with errno EINVAL.
 */
static int
hv_port_ok(struct hv *hv, int port)
{

	if (hv == NULL || port < 0) {
		errno = EINVAL;
		return (0);
	}
	return (1);
}

/*
 * hv_open: open a handle on the named provider.  simdir and domid are
 * passed to the provider (the xen provider ignores them).  Returns the
 * handle, or NULL with errno: EINVAL for an unknown provider or a bad
 * $XENNET_SIM_HCALL_NS, else the provider's error.
 */
struct hv *
hv_open(const char *provider, const char *simdir, uint32_t domid)
{
	const struct hv_ops *ops = NULL;
	struct hv *hv;
	unsigned long cost = 0;
	size_t i;
	void *priv;
	int saved;

	if (provider == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	for (i = 0; i < sizeof(hv_providers) / sizeof(hv_providers[0]); i++)
		if (strcmp(hv_providers[i]->ho_name, provider) == 0)
			ops = hv_providers[i];
	if (ops == NULL) {
		errno = EINVAL;
		return (NULL);
	}
	if (ops->ho_synthetic && hv_cost_env(&cost) == -1)
		return (NULL);
	if ((priv = ops->ho_open(simdir, domid)) == NULL)
		return (NULL);
	if ((hv = hv_open_priv(ops, priv)) == NULL) {
		saved = errno;
		ops->ho_close(priv);
		errno = saved;
		return (NULL);
	}
	hv->hv_cost_ns = cost;
	return (hv);
}

/*
 * hv_open_priv: a handle on provider ops whose state priv is already
 * open (a provider outside the table: hv-mem.c).  NULL with errno.
 */
struct hv *
hv_open_priv(const struct hv_ops *ops, void *priv)
{
	struct hv *hv;

	if ((hv = calloc(1, sizeof(*hv))) == NULL)
		return (NULL);
	hv->hv_ops = ops;
	hv->hv_priv = priv;
	return (hv);
}

/*
 * hv_gnt_check: Xen's checks of grant entry e (a stable copy) for use by
 * domain self, writing if write, in a domain of npages frames.  Returns
 * GNTST_okay or the GNTST_* code of the refusal.
 */
int16_t
hv_gnt_check(const grant_entry_v1_t *e, uint16_t self, int write,
    uint32_t npages)
{

	if ((e->flags & GTF_type_mask) != GTF_permit_access ||
	    e->domid != self)
		return (GNTST_permission_denied);
	if (write && (e->flags & GTF_readonly))
		return (GNTST_permission_denied);
	if (e->frame >= npages)
		return (GNTST_bad_page);
	return (GNTST_okay);
}

/*
 * hv_copy_one: one segment of GNTTABOP_copy: source checks, then
 * destination checks (side resolves a grant to its page or says why
 * not), then the page bounds of both, then the copy.  Returns the
 * segment's GNTST_* status.
 */
static int16_t
hv_copy_one(hv_copy_seg *seg, hv_copy_side_fn side, void *arg)
{
	uint8_t *src, *dst;
	int16_t st;

	if (seg->flags & GNTCOPY_source_gref) {
		if ((st = side(arg, seg->source.foreign.domid,
		    seg->source.foreign.ref, 0, &src)) != GNTST_okay)
			return (st);
	} else
		src = seg->source.virt;
	if (seg->flags & GNTCOPY_dest_gref) {
		if ((st = side(arg, seg->dest.foreign.domid,
		    seg->dest.foreign.ref, 1, &dst)) != GNTST_okay)
			return (st);
	} else
		dst = seg->dest.virt;
	if (seg->flags & GNTCOPY_source_gref) {
		if (seg->source.foreign.offset + seg->len > HV_PAGE_SIZE)
			return (GNTST_bad_copy_arg);
		src += seg->source.foreign.offset;
	}
	if (seg->flags & GNTCOPY_dest_gref) {
		if (seg->dest.foreign.offset + seg->len > HV_PAGE_SIZE)
			return (GNTST_bad_copy_arg);
		dst += seg->dest.foreign.offset;
	}
	memmove(dst, src, seg->len);
	return (GNTST_okay);
}

/*
 * hv_copy_emulate: GNTTABOP_copy done by memmove for a provider whose
 * guests' memory is in this process (sim, mem).  Like gntdev, refuse the
 * whole batch (EINVAL) if a segment has no grant side, and (EFAULT) if a
 * local side is NULL; otherwise every segment gets its status.  Returns
 * 0 or -1.
 */
int
hv_copy_emulate(hv_copy_seg *seg, unsigned int count, hv_copy_side_fn side,
    void *arg)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if ((seg[i].flags & (GNTCOPY_source_gref |
		    GNTCOPY_dest_gref)) == 0) {
			errno = EINVAL;
			return (-1);
		}
		if (seg[i].len != 0 &&
		    ((!(seg[i].flags & GNTCOPY_source_gref) &&
		    seg[i].source.virt == NULL) ||
		    (!(seg[i].flags & GNTCOPY_dest_gref) &&
		    seg[i].dest.virt == NULL))) {
			errno = EFAULT;
			return (-1);
		}
	}
	for (i = 0; i < count; i++)
		seg[i].status = hv_copy_one(&seg[i], side, arg);
	return (0);
}

/*
 * hv_close: release the handle and everything bound through it (ports,
 * mappings), as closing the libxen* handles does.
 */
void
hv_close(struct hv *hv)
{

	if (hv == NULL)
		return;
	hv->hv_ops->ho_close(hv->hv_priv);
	hv_mapcopy_free(hv->hv_mc);
	free(hv);
}

const char *
hv_provider(struct hv *hv)
{

	return (hv == NULL ? NULL : hv->hv_ops->ho_name);
}

int
hv_own_domid(struct hv *hv, uint32_t *domid)
{

	if (hv == NULL || domid == NULL) {
		errno = EINVAL;
		return (-1);
	}
	return (hv->hv_ops->ho_own_domid(hv->hv_priv, domid));
}

/*
 * hv_dominfo: fill *info for domid.  A domain that does not exist is not
 * an error: hd_exists is 0.  Returns 0, or -1 with errno.
 */
int
hv_dominfo(struct hv *hv, uint32_t domid, struct hv_dominfo *info)
{

	if (hv == NULL || info == NULL) {
		errno = EINVAL;
		return (-1);
	}
	memset(info, 0, sizeof(*info));
	info->hd_domid = domid;
	hv_hypercall(hv, HV_CALL_DOMINFO);
	return (hv->hv_ops->ho_dominfo(hv->hv_priv, domid, info));
}

/*
 * hv_set_cost: set the synthetic cost per hypercall in nanoseconds.
 * Ignored by providers that make real hypercalls.
 */
void
hv_set_cost(struct hv *hv, unsigned long ns)
{

	if (hv != NULL && hv->hv_ops->ho_synthetic)
		hv->hv_cost_ns = ns;
}

const struct hv_counts *
hv_counts(struct hv *hv)
{

	return (hv == NULL ? NULL : &hv->hv_counts);
}

void
hv_counts_reset(struct hv *hv)
{

	if (hv != NULL)
		memset(&hv->hv_counts, 0, sizeof(hv->hv_counts));
}

/*
 * hv_call_name: a short lower-case name for a hypercall kind, for
 * statistics output; "unknown" if out of range.
 */
const char *
hv_call_name(enum hv_call kind)
{

	if ((unsigned int)kind >= HV_CALL_MAX)
		return ("unknown");
	return (hv_call_names[kind]);
}

/*
 * hv_map: map count grant refs of domid as one contiguous range.  One
 * counted hypercall for the whole batch.  Returns the address, or NULL
 * with errno.
 */
void *
hv_map(struct hv *hv, uint32_t domid, const uint32_t *refs,
    unsigned int count, int rw)
{

	if (hv == NULL || refs == NULL || count == 0 ||
	    count > INT_MAX / HV_PAGE_SIZE) {
		errno = EINVAL;
		return (NULL);
	}
	hv_hypercall(hv, HV_CALL_MAP);
	hv->hv_counts.hc_map_pages += count;
	return (hv->hv_ops->ho_map(hv->hv_priv, domid, refs, count, rw));
}

/*
 * hv_unmap: undo an hv_map of count pages at addr.  Returns 0, or -1
 * with errno (EINVAL if addr/count is not a mapping of this handle).
 */
int
hv_unmap(struct hv *hv, void *addr, unsigned int count)
{

	if (hv == NULL || addr == NULL || count == 0) {
		errno = EINVAL;
		return (-1);
	}
	hv_hypercall(hv, HV_CALL_UNMAP);
	return (hv->hv_ops->ho_unmap(hv->hv_priv, addr, count));
}

/*
 * hv_copy: issue count grant-copy segments as one hypercall.  Returns 0
 * once the hypercall was made (results in seg[i].status), -1 with errno
 * otherwise.  An empty batch makes no hypercall and returns 0.
 */
int
hv_copy(struct hv *hv, hv_copy_seg *seg, unsigned int count)
{

	if (hv == NULL || (seg == NULL && count != 0)) {
		errno = EINVAL;
		return (-1);
	}
	if (count == 0)
		return (0);
	if (hv->hv_engine == HV_ENGINE_MAP)
		return (hv_mapcopy(hv, hv->hv_mc, seg, count));
	hv_hypercall(hv, HV_CALL_COPY);
	hv->hv_counts.hc_copy_segs += count;
	if (hv->hv_ops->ho_copy(hv->hv_priv, seg, count) == 0)
		return (0);
	/* a gntdev without the grant-copy ioctl: map and copy instead */
	if ((errno == ENOSYS || errno == ENOTTY) &&
	    hv_set_engine(hv, HV_ENGINE_MAP) == 0) {
		hv->hv_engine_fallback = 1;
		return (hv_mapcopy(hv, hv->hv_mc, seg, count));
	}
	return (-1);
}

/*
 * hv_set_engine: how hv_copy copies from now on: HV_ENGINE_COPY (the
 * grant-copy hypercall) or HV_ENGINE_MAP (map, memcpy, unmap:
 * hv-mapcopy.c).  0, or -1 with errno.
 */
int
hv_set_engine(struct hv *hv, enum hv_engine e)
{
	if (hv == NULL || (e != HV_ENGINE_COPY && e != HV_ENGINE_MAP)) {
		errno = EINVAL;
		return (-1);
	}
	if (e == HV_ENGINE_MAP && hv->hv_mc == NULL &&
	    (hv->hv_mc = hv_mapcopy_new()) == NULL)
		return (-1);
	hv->hv_engine = e;
	return (0);
}

/*
 * hv_engine: the engine hv_copy uses; *fellback (if not NULL) is 1 if it
 * is HV_ENGINE_MAP because the grant-copy call was missing.
 */
enum hv_engine
hv_engine(struct hv *hv, int *fellback)
{
	if (fellback != NULL)
		*fellback = hv->hv_engine_fallback;
	return (hv->hv_engine);
}

const char *
hv_engine_name(enum hv_engine e)
{
	return (e == HV_ENGINE_MAP ? "map" : "copy");
}

int
hv_evtchn_fd(struct hv *hv)
{

	if (hv == NULL) {
		errno = EINVAL;
		return (-1);
	}
	return (hv->hv_ops->ho_evtchn_fd(hv->hv_priv));
}

/*
 * hv_evtchn_bind: bind a local port to port rport of domain domid, which
 * must be unbound and reserved for us.  Returns the local port or -1.
 */
int
hv_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t rport)
{

	if (hv == NULL) {
		errno = EINVAL;
		return (-1);
	}
	hv_hypercall(hv, HV_CALL_BIND);
	return (hv->hv_ops->ho_evtchn_bind(hv->hv_priv, domid, rport));
}

/*
 * hv_evtchn_alloc_unbound: allocate a local port that remote_domid may
 * bind to.  Returns the port or -1.
 */
int
hv_evtchn_alloc_unbound(struct hv *hv, uint32_t remote_domid)
{

	if (hv == NULL) {
		errno = EINVAL;
		return (-1);
	}
	hv_hypercall(hv, HV_CALL_BIND);
	return (hv->hv_ops->ho_evtchn_alloc_unbound(hv->hv_priv,
	    remote_domid));
}

int
hv_evtchn_unbind(struct hv *hv, int port)
{

	if (!hv_port_ok(hv, port))
		return (-1);
	hv_hypercall(hv, HV_CALL_UNBIND);
	return (hv->hv_ops->ho_evtchn_unbind(hv->hv_priv, (uint32_t)port));
}

int
hv_evtchn_notify(struct hv *hv, int port)
{

	if (!hv_port_ok(hv, port))
		return (-1);
	hv_hypercall(hv, HV_CALL_NOTIFY);
	return (hv->hv_ops->ho_evtchn_notify(hv->hv_priv, (uint32_t)port));
}

/*
 * hv_evtchn_pending: the next port with an event, now masked; -1 with
 * errno EAGAIN if none.  Not a hypercall: the event is already delivered.
 */
int
hv_evtchn_pending(struct hv *hv)
{
	int port;

	if (hv_evtchn_pending_n(hv, &port, 1) == -1)
		return (-1);
	return (port);
}

int
hv_evtchn_unmask(struct hv *hv, int port)
{
	return (hv_evtchn_unmask_n(hv, &port, 1));
}

int
hv_evtchn_pending_n(struct hv *hv, int *ports, unsigned int n)
{

	if (hv == NULL || n == 0 || n > HV_EVTCHN_BATCH) {
		errno = EINVAL;
		return (-1);
	}
	return (hv->hv_ops->ho_evtchn_pending(hv->hv_priv, ports, n));
}

/* hv_evtchn_reset: not a hypercall: the device's own queue. */
int
hv_evtchn_reset(struct hv *hv)
{

	if (hv == NULL) {
		errno = EINVAL;
		return (-1);
	}
	return (hv->hv_ops->ho_evtchn_reset(hv->hv_priv));
}

/*
 * hv_evtchn_unmask_n: every port is checked before any is unmasked; each
 * counts as one EVTCHNOP_unmask (what the kernel may have to issue).
 */
int
hv_evtchn_unmask_n(struct hv *hv, const int *ports, unsigned int n)
{
	unsigned int i;

	if (hv == NULL || n > HV_EVTCHN_BATCH) {
		errno = EINVAL;
		return (-1);
	}
	for (i = 0; i < n; i++)
		if (!hv_port_ok(hv, ports[i]))
			return (-1);
	for (i = 0; i < n; i++)
		hv_hypercall(hv, HV_CALL_UNMASK);
	if (n == 0)
		return (0);
	return (hv->hv_ops->ho_evtchn_unmask(hv->hv_priv, ports, n));
}
