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
 * The control ring of a vif (netif.h "Control ring", "Control
 * messages"): one page of fixed-size requests, each answered with a
 * status, served by whoever owns the ring_ctrl (the daemon's main
 * thread; the requests are rare).  The hash settings it keeps are
 * handed to the data path by the caller (ring_ctrl_hash).  A request
 * the header does not allow gets an error status; only an impossible
 * ring index is the frontend's fault (ring_ctrl_run returns -1).
 */

#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv.h"
#include "ring.h"
#include "ring-private.h"
#include "xenring.h"

#define CTRL_HASH_TYPES	(XEN_NETIF_CTRL_HASH_TYPE_IPV4 | \
			    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP | \
			    XEN_NETIF_CTRL_HASH_TYPE_IPV6 | \
			    XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)

struct ring_ctrl {
	struct hv			*rc_hv;
	uint32_t			 rc_domid;
	unsigned int			 rc_nqueues;
	xen_netif_ctrl_back_ring_t	 rc_ring;
	void				*rc_page;
	int				 rc_port;	/* -1: unbound */
	const char			*rc_error;
	struct ring_hash		 rc_hash;
	uint64_t			 rc_gen;	/* hash changes */
	struct ring_ctrl_stats		 rc_stats;
};

static uint32_t	ring_ctrl_copy(struct ring_ctrl *, uint32_t, void *,
		    size_t);
static uint32_t	ring_ctrl_key(struct ring_ctrl *,
		    const struct xen_netif_ctrl_request *);
static uint32_t	ring_ctrl_map(struct ring_ctrl *,
		    const struct xen_netif_ctrl_request *);

struct ring_ctrl *
ring_ctrl_new(struct hv *hv, uint32_t domid, unsigned int nqueues)
{
	struct ring_ctrl *rc;

	if (nqueues == 0) {
		errno = EINVAL;
		return (NULL);
	}
	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		return (NULL);
	rc->rc_hv = hv;
	rc->rc_domid = domid;
	rc->rc_nqueues = nqueues;
	rc->rc_port = -1;
	return (rc);
}

void
ring_ctrl_free(struct ring_ctrl *rc)
{
	if (rc == NULL)
		return;
	ring_ctrl_disconnect(rc);
	free(rc);
}

int
ring_ctrl_connect(struct ring_ctrl *rc, uint32_t ref, uint32_t evtchn)
{
	xen_netif_ctrl_sring_t *s;
	int err;

	if (rc->rc_page != NULL) {
		errno = EISCONN;
		return (-1);
	}
	if ((rc->rc_page = hv_map(rc->rc_hv, rc->rc_domid, &ref, 1, 1)) ==
	    NULL)
		return (-1);
	if ((rc->rc_port = hv_evtchn_bind(rc->rc_hv, rc->rc_domid, evtchn)) ==
	    -1) {
		err = errno;
		hv_unmap(rc->rc_hv, rc->rc_page, 1);
		rc->rc_page = NULL;
		errno = err;
		return (-1);
	}
	s = rc->rc_page;
	BACK_RING_INIT(&rc->rc_ring, s, XN_RING_PAGE);
	rc->rc_error = NULL;
	return (0);
}

void
ring_ctrl_disconnect(struct ring_ctrl *rc)
{
	if (rc->rc_port != -1)
		hv_evtchn_unbind(rc->rc_hv, rc->rc_port);
	if (rc->rc_page != NULL)
		hv_unmap(rc->rc_hv, rc->rc_page, 1);
	rc->rc_port = -1;
	rc->rc_page = NULL;
	/* A new connection starts without hashing (netif.h defaults). */
	memset(&rc->rc_hash, 0, sizeof(rc->rc_hash));
	rc->rc_gen++;
}

int
ring_ctrl_port(const struct ring_ctrl *rc)
{
	return (rc->rc_port);
}

const char *
ring_ctrl_error(const struct ring_ctrl *rc)
{
	return (rc->rc_error);
}

uint64_t
ring_ctrl_hash(const struct ring_ctrl *rc, struct ring_hash *rh)
{
	if (rh != NULL)
		memcpy(rh, &rc->rc_hash, sizeof(*rh));
	return (rc->rc_gen);
}

void
ring_ctrl_snapshot(const struct ring_ctrl *rc, struct ring_ctrl_stats *st)
{
	memcpy(st, &rc->rc_stats, sizeof(*st));
}

/*
 * ring_ctrl_copy: copy len octets from the start of the frontend's grant
 * ref into buf, one grant copy.  A status: SUCCESS, or INVALID_PARAMETER
 * if Xen refused the grant.
 */
static uint32_t
ring_ctrl_copy(struct ring_ctrl *rc, uint32_t ref, void *buf, size_t len)
{
	hv_copy_seg seg;

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = ref;
	seg.source.foreign.offset = 0;
	seg.source.foreign.domid = (uint16_t)rc->rc_domid;
	seg.dest.virt = buf;
	seg.len = (uint16_t)len;	/* callers: at most a page */
	seg.flags = GNTCOPY_source_gref;
	rc->rc_stats.cs_copies++;
	if (hv_copy(rc->rc_hv, &seg, 1) == -1 || seg.status != GNTST_okay)
		return (XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
	return (XEN_NETIF_CTRL_STATUS_SUCCESS);
}

/* netif.h SET_HASH_KEY: data[0] grant, data[1] octets, data[2] 0. */
static uint32_t
ring_ctrl_key(struct ring_ctrl *rc, const struct xen_netif_ctrl_request *r)
{
	uint8_t key[RING_HASH_KEY_MAX];
	uint32_t len = r->data[1], st;

	if (r->data[2] != 0)
		return (XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
	/* "BUFFER_OVERFLOW - Key size is larger than the backend supports" */
	if (len > RING_HASH_KEY_MAX)
		return (XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW);
	/* "a key size of zero will clear the key": no grant to read */
	if (len > 0 && (st = ring_ctrl_copy(rc, r->data[0], key, len)) !=
	    XEN_NETIF_CTRL_STATUS_SUCCESS)
		return (st);
	/* "specifying a new key invalidates any previous key" */
	memset(rc->rc_hash.rh_key, 0, sizeof(rc->rc_hash.rh_key));
	memcpy(rc->rc_hash.rh_key, key, len);
	rc->rc_hash.rh_keylen = len;
	return (XEN_NETIF_CTRL_STATUS_SUCCESS);
}

/*
 * netif.h SET_HASH_MAPPING: data[0] grant, data[1] entries, data[2]
 * offset in entries.  The entries are checked before any is applied.
 */
static uint32_t
ring_ctrl_map(struct ring_ctrl *rc, const struct xen_netif_ctrl_request *r)
{
	uint32_t map[RING_HASH_MAP_MAX];
	uint32_t n = r->data[1], off = r->data[2], i, st;

	/* "Table size is larger than the backend supports" */
	if (n > RING_HASH_MAP_MAX)
		return (XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW);
	/* the sub-table lies within the table SET_HASH_MAPPING_SIZE set */
	if (off > rc->rc_hash.rh_mapsize || n > rc->rc_hash.rh_mapsize - off)
		return (XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
	if (n == 0)
		return (XEN_NETIF_CTRL_STATUS_SUCCESS);
	if ((st = ring_ctrl_copy(rc, r->data[0], map, n * sizeof(map[0]))) !=
	    XEN_NETIF_CTRL_STATUS_SUCCESS)
		return (st);
	/* "each mapping must specify a queue" the frontend set up */
	for (i = 0; i < n; i++)
		if (map[i] >= rc->rc_nqueues)
			return (XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER);
	memcpy(rc->rc_hash.rh_map + off, map, n * sizeof(map[0]));
	return (XEN_NETIF_CTRL_STATUS_SUCCESS);
}

void
ring_ctrl_handle(struct ring_ctrl *rc, const struct xen_netif_ctrl_request *r,
    struct xen_netif_ctrl_response *rsp)
{
	struct ring_hash *rh = &rc->rc_hash;
	uint32_t st = XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER, data = 0;

	rsp->id = r->id;
	rsp->type = r->type;
	switch (r->type) {
	case XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM:
		if (r->data[1] != 0 || r->data[2] != 0)
			break;
		if (r->data[0] != XEN_NETIF_CTRL_HASH_ALGORITHM_NONE &&
		    r->data[0] != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
			break;		/* "The algorithm is not supported" */
		rh->rh_alg = r->data[0];
		st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		break;
	case XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS:
		/* "A valid hash algorithm must be selected before" */
		if (rh->rh_alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
			st = XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
		else if (r->data[0] == 0 && r->data[1] == 0 &&
		    r->data[2] == 0) {
			data = CTRL_HASH_TYPES;
			st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		}
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS:
		if (r->data[1] != 0 || r->data[2] != 0 ||
		    (r->data[0] & ~(uint32_t)CTRL_HASH_TYPES) != 0 ||
		    rh->rh_alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
			break;
		rh->rh_flags = r->data[0];
		st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_KEY:
		st = ring_ctrl_key(rc, r);
		break;
	case XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE:
		if (r->data[0] != 0 || r->data[1] != 0 || r->data[2] != 0)
			break;
		data = RING_HASH_MAP_MAX;
		st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE:
		if (r->data[0] > RING_HASH_MAP_MAX || r->data[1] != 0 ||
		    r->data[2] != 0)
			break;		/* "Table size is invalid" */
		/* "any new table is assumed to be zero filled" */
		rh->rh_mapsize = r->data[0];
		memset(rh->rh_map, 0, sizeof(rh->rh_map));
		st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		break;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING:
		st = ring_ctrl_map(rc, r);
		break;
	case XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE:
		/*
		 * Static grants (netif-staging-grants) spare a backend that
		 * maps grants the map and unmap of each packet's pages; we
		 * grant-copy, and keep none mapped: "zero if it is not
		 * supported".
		 */
		if (r->data[0] >= rc->rc_nqueues || r->data[1] != 0 ||
		    r->data[2] != 0)
			break;		/* "The queue index is out of range" */
		st = XEN_NETIF_CTRL_STATUS_SUCCESS;
		break;
	case XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING:
	case XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING:
	default:		/* INVALID (0) and types newer than ours */
		st = XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
		break;
	}
	rsp->status = st;
	rsp->data = data;
	rc->rc_stats.cs_requests++;
	rc->rc_stats.cs_status[st]++;	/* one of the four above */
	if (st == XEN_NETIF_CTRL_STATUS_SUCCESS &&
	    (r->type == XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM ||
	    r->type == XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS ||
	    r->type == XEN_NETIF_CTRL_TYPE_SET_HASH_KEY ||
	    r->type == XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE ||
	    r->type == XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING))
		rc->rc_gen++;
}

int
ring_ctrl_run(struct ring_ctrl *rc)
{
	struct xen_netif_ctrl_request req;
	struct xen_netif_ctrl_response rsp;
	RING_IDX prod, cons;
	unsigned int n = 0;
	int notify, more;

	if (rc->rc_page == NULL)
		return (0);
	if (rc->rc_error != NULL)
		return (-1);
	rc->rc_stats.cs_events++;
	for (;;) {
		prod = rc->rc_ring.sring->req_prod;
		xen_rmb();	/* ring.h: see requests only after req_prod */
		cons = rc->rc_ring.req_cons;
		/*
		 * ring.h: the producer is never more than a ring ahead of
		 * the responses (netif.h: "one request to one response").
		 */
		if (prod - rc->rc_ring.rsp_prod_pvt > RING_SIZE(&rc->rc_ring)) {
			rc->rc_error = "ctrl req_prod beyond the ring";
			rc->rc_stats.cs_fatal++;
			return (-1);
		}
		/* Bounded: one ring's worth per call, then the caller's turn. */
		while (cons != prod && n < RING_SIZE(&rc->rc_ring)) {
			memcpy(&req, RING_GET_REQUEST(&rc->rc_ring, cons),
			    sizeof(req));
			cons++;
			n++;
			ring_ctrl_handle(rc, &req, &rsp);
			memcpy(RING_GET_RESPONSE(&rc->rc_ring,
			    rc->rc_ring.rsp_prod_pvt), &rsp, sizeof(rsp));
			rc->rc_ring.rsp_prod_pvt++;
		}
		rc->rc_ring.req_cons = cons;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rc->rc_ring, notify);
		if (notify)
			hv_evtchn_notify(rc->rc_hv, rc->rc_port);
		if (cons != prod)
			return (1);
		RING_FINAL_CHECK_FOR_REQUESTS(&rc->rc_ring, more);
		if (!more)
			return (0);
		if (n >= RING_SIZE(&rc->rc_ring))
			return (1);
	}
}
