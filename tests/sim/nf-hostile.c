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
 * netfront-sim --hostile CASE: a guest that breaks the netif protocol, or
 * stresses it within its rules, in one of the ways a malicious frontend
 * would (issue 14), to test that the backend contains it: either it
 * answers with error responses and the vif keeps working, or only this
 * vif goes to Closing with the reason in its error node.  The handshake
 * is netfront's; then, on each connection:
 *
 * - xenstore cases (xs-*, evtchn-foreign) write garbage in place of, or
 *   remove, the keys netfront wrote, in the same transaction;
 * - data cases post their malformed requests once, push and notify,
 *   then leave the queue alone (netfront no longer reads it);
 * - loop cases (storm, scribble-rsp, flap) go on until the process ends.
 *
 * Counts its actions and prints "hostile: CASE actions=N" at the end.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>
#include <xen/io/xenbus.h>

#include "nf.h"

#define NF_H_ETHERTYPE	0x88b5
#define NF_H_FOREIGN	0x7ff0	/* a domain that is not the backend */
#define NF_H_BADREF	0x7ffffff0U	/* beyond any grant table */
#define NF_H_STORM	2000	/* notifications per loop turn */

enum nf_hkind {
	NF_HK_XS,		/* garbage keys at connect */
	NF_HK_ONCE,		/* malformed requests once per connection */
	NF_HK_LOOP		/* every loop turn */
};

struct nf_hostile;
struct nf_hcase {
	const char	*hc_name;
	enum nf_hkind	 hc_kind;
	/* data cases: act on queue 0; returns 0 when done, 1 to go on */
	int		(*hc_fn)(struct nf *, struct nf_queue *);
	const char	*hc_what;
};

struct nf_hostile {
	const struct nf_hcase	*h_case;
	uint64_t		 h_conn;	/* connection it acted on */
	int			 h_step;
	uint64_t		 h_actions;
	int			 h_placed;	/* said "in place" */
	uint8_t			 h_big[4000];	/* 4 KiB string */
	size_t			 h_big_len;	/* what the store takes of it */
};

static int	h_id(struct nf_queue *);
static void	h_frame(struct nf *, struct nf_queue *, int, size_t);
static void	h_req(struct nf_queue *, uint32_t, uint16_t, uint16_t, int,
		    uint16_t);
static void	h_extra(struct nf_queue *, uint8_t, uint8_t, uint16_t,
		    uint8_t);
static void	h_push(struct nf *, struct nf_queue *, int);
static void	h_notify(struct nf *, struct nf_queue *, int);
static int	h_slots(struct nf *, struct nf_queue *, unsigned int, int);
static int	h_big_write(struct nf *, xs_transaction_t, const char *,
		    const char *);
static void	h_placed(struct nf_hostile *);

static int	hc_tx_bad_gref(struct nf *, struct nf_queue *);
static int	hc_tx_foreign_gref(struct nf *, struct nf_queue *);
static int	hc_tx_cross_page(struct nf *, struct nf_queue *);
static int	hc_tx_zero(struct nf *, struct nf_queue *);
static int	hc_tx_oversize(struct nf *, struct nf_queue *);
static int	hc_tx_19(struct nf *, struct nf_queue *);
static int	hc_tx_20(struct nf *, struct nf_queue *);
static int	hc_tx_1000(struct nf *, struct nf_queue *);
static int	hc_more_forever(struct nf *, struct nf_queue *);
static int	hc_prod_ahead(struct nf *, struct nf_queue *);
static int	hc_prod_back(struct nf *, struct nf_queue *);
static int	hc_rx_prod_ahead(struct nf *, struct nf_queue *);
static int	hc_scribble(struct nf *, struct nf_queue *);
static int	hc_extra_unknown(struct nf *, struct nf_queue *);
static int	hc_extra_dup(struct nf *, struct nf_queue *);
static int	hc_extra_misplaced(struct nf *, struct nf_queue *);
static int	hc_extra_chain(struct nf *, struct nf_queue *);
static int	hc_gso_silly(struct nf *, struct nf_queue *);
static int	hc_storm(struct nf *, struct nf_queue *);
static int	hc_rx_bad_gref(struct nf *, struct nf_queue *);
static int	hc_rx_readonly(struct nf *, struct nf_queue *);
static int	hc_rx_revoked(struct nf *, struct nf_queue *);
static int	hc_flap(struct nf *, struct nf_queue *);

static const struct nf_hcase nf_hcases[] = {
	{ "tx-bad-gref", NF_HK_ONCE, hc_tx_bad_gref,
	    "tx request naming a grant ref beyond the table" },
	{ "tx-foreign-gref", NF_HK_ONCE, hc_tx_foreign_gref,
	    "tx request naming a ref granted to another domain" },
	{ "tx-cross-page", NF_HK_ONCE, hc_tx_cross_page,
	    "tx slot with offset 4000 + size 200" },
	{ "tx-zero-size", NF_HK_ONCE, hc_tx_zero,
	    "tx packets of size 0 and 1" },
	{ "tx-oversize", NF_HK_ONCE, hc_tx_oversize,
	    "a 65535-octet packet in 16 slots, no GSO" },
	{ "tx-19-slots", NF_HK_ONCE, hc_tx_19, "a packet of 19 slots" },
	{ "tx-20-slots", NF_HK_ONCE, hc_tx_20, "a packet of 20 slots" },
	{ "tx-1000-slots", NF_HK_ONCE, hc_tx_1000,
	    "a whole ring of slots with more_data" },
	{ "more-data-forever", NF_HK_ONCE, hc_more_forever,
	    "5 slots with more_data, the rest never pushed" },
	{ "req-prod-ahead", NF_HK_ONCE, hc_prod_ahead,
	    "tx req_prod two rings ahead" },
	{ "req-prod-back", NF_HK_ONCE, hc_prod_back,
	    "tx req_prod moved back behind what was consumed" },
	{ "rx-req-prod-ahead", NF_HK_ONCE, hc_rx_prod_ahead,
	    "rx req_prod two rings ahead" },
	{ "scribble-rsp", NF_HK_LOOP, hc_scribble,
	    "garbage in the response slots, rsp_prod and rsp_event" },
	{ "extra-unknown", NF_HK_ONCE, hc_extra_unknown,
	    "an extra-info slot of type 9" },
	{ "extra-dup", NF_HK_ONCE, hc_extra_dup, "two GSO extra-info slots" },
	{ "extra-misplaced", NF_HK_ONCE, hc_extra_misplaced,
	    "NETTXF_extra_info followed by a data slot (type NONE)" },
	{ "extra-chain", NF_HK_ONCE, hc_extra_chain,
	    "9 chained extra-info slots" },
	{ "gso-silly", NF_HK_ONCE, hc_gso_silly,
	    "GSO size 0, type 99, size 65535 on a 60-octet frame" },
	{ "storm", NF_HK_LOOP, hc_storm,
	    "event-channel notifications without pause" },
	{ "rx-bad-gref", NF_HK_ONCE, hc_rx_bad_gref,
	    "rx requests naming grant refs beyond the table" },
	{ "rx-readonly", NF_HK_ONCE, hc_rx_readonly,
	    "rx requests naming read-only grants" },
	{ "rx-revoked", NF_HK_ONCE, hc_rx_revoked,
	    "rx buffers posted, then their grants revoked" },
	{ "flap", NF_HK_LOOP, hc_flap,
	    "Connected -> Closing -> Closed -> Initialising, again and again" },
	{ "xs-nonnumeric-ref", NF_HK_XS, NULL, "tx-ring-ref = \"abc\"" },
	{ "xs-huge-ref", NF_HK_XS, NULL,
	    "tx-ring-ref = 99999999999999999999" },
	{ "xs-missing-key", NF_HK_XS, NULL, "no rx-ring-ref" },
	{ "xs-too-many-queues", NF_HK_XS, NULL,
	    "multi-queue-num-queues = 99" },
	{ "xs-zero-queues", NF_HK_XS, NULL, "multi-queue-num-queues = 0" },
	{ "xs-4k-string", NF_HK_XS, NULL,
	    "tx-ring-ref = 4000 octets of 'A'" },
	{ "xs-bad-evtchn", NF_HK_XS, NULL, "event-channel-tx = \"-1\"" },
	{ "evtchn-foreign", NF_HK_XS, NULL,
	    "event-channel-tx: a port unbound for another domain" },
	{ "xs-ctrl-half", NF_HK_XS, NULL,
	    "ctrl-ring-ref without event-channel-ctrl" },
	{ "xs-ctrl-bad-ref", NF_HK_XS, NULL,
	    "a control ring ref that is not granted" },
};
#define NF_NHCASES	(sizeof(nf_hcases) / sizeof(nf_hcases[0]))

/* nf_hostile_parse: the case named name; exits listing them if none. */
int
nf_hostile_parse(const char *name)
{
	unsigned int i;

	for (i = 0; i < NF_NHCASES; i++)
		if (strcmp(nf_hcases[i].hc_name, name) == 0)
			return ((int)i);
	fprintf(stderr, "--hostile: no case \"%s\"; the cases are:\n", name);
	for (i = 0; i < NF_NHCASES; i++)
		fprintf(stderr, "  %-20s %s\n", nf_hcases[i].hc_name,
		    nf_hcases[i].hc_what);
	exit(1);
}

/* nf_hostile_init: set up --hostile.  Returns 0 or -1. */
int
nf_hostile_init(struct nf *nf)
{
	struct nf_hostile *h;

	if ((h = calloc(1, sizeof(*h))) == NULL) {
		slog_warn("hostile");
		return (-1);
	}
	h->h_case = &nf_hcases[nf->nf_o.o_hostile];
	memset(h->h_big, 'A', sizeof(h->h_big) - 1);
	nf->nf_hostile = h;
	slog_info("hostile: %s (%s)", h->h_case->hc_name, h->h_case->hc_what);
	return (0);
}

/* nf_hostile_free: report and release. */
void
nf_hostile_free(struct nf *nf)
{
	struct nf_hostile *h = nf->nf_hostile;

	if (h == NULL)
		return;
	printf("hostile: %s actions=%llu\n", h->h_case->hc_name,
	    (unsigned long long)h->h_actions);
	fflush(stdout);
	free(h);
	nf->nf_hostile = NULL;
}

/*
 * nf_hostile_keys: (inside netfront's handshake transaction t) put the
 * xenstore case's garbage in place of what netfront wrote.  Returns 0 or
 * -1 (EAGAIN: retry the transaction).
 */
int
nf_hostile_keys(struct nf *nf, xs_transaction_t t)
{
	struct nf_hostile *h = nf->nf_hostile;
	const char *key = NULL, *val = NULL, *name;
	char path[256], num[32];
	int port;

	if (h == NULL || h->h_case->hc_kind != NF_HK_XS)
		return (0);
	name = h->h_case->hc_name;
	if (strcmp(name, "xs-nonnumeric-ref") == 0) {
		key = "tx-ring-ref";
		val = "abc";
	} else if (strcmp(name, "xs-huge-ref") == 0) {
		key = "tx-ring-ref";
		val = "99999999999999999999";
	} else if (strcmp(name, "xs-too-many-queues") == 0) {
		key = "multi-queue-num-queues";
		val = "99";
	} else if (strcmp(name, "xs-zero-queues") == 0) {
		key = "multi-queue-num-queues";
		val = "0";
	} else if (strcmp(name, "xs-4k-string") == 0) {
		key = "tx-ring-ref";
		val = (const char *)h->h_big;
	} else if (strcmp(name, "xs-bad-evtchn") == 0) {
		key = "event-channel-tx";
		val = "-1";
	} else if (strcmp(name, "xs-ctrl-half") == 0) {
		key = "ctrl-ring-ref";
		val = "5";
	} else if (strcmp(name, "xs-ctrl-bad-ref") == 0) {
		/* a port of ours unbound for the backend, an ungranted ref */
		if ((port = hv_evtchn_alloc_unbound(nf->nf_hv,
		    nf->nf_be_id)) < 0)
			return (-1);
		snprintf(path, sizeof(path), "%s/event-channel-ctrl",
		    nf->nf_fe_path);
		snprintf(num, sizeof(num), "%d", port);
		if (!xs_write(nf->nf_xs, t, path, num, strlen(num)))
			return (-1);
		key = "ctrl-ring-ref";
		val = "99999";
	} else if (strcmp(name, "evtchn-foreign") == 0) {
		if ((port = hv_evtchn_alloc_unbound(nf->nf_hv,
		    NF_H_FOREIGN)) < 0) {
			slog_warn("hostile: unbound port for domain %u",
			    NF_H_FOREIGN);
			return (-1);
		}
		snprintf(num, sizeof(num), "%d", port);
		key = nf->nf_q[0]->q_port_rx != nf->nf_q[0]->q_port_tx ?
		    "event-channel-tx" : "event-channel";
		val = num;
	}
	h->h_actions++;
	if (strcmp(name, "xs-missing-key") == 0) {
		snprintf(path, sizeof(path), "%s/rx-ring-ref", nf->nf_fe_path);
		if (!xs_rm(nf->nf_xs, t, path))
			return (-1);
	} else if (key != NULL) {
		snprintf(path, sizeof(path), "%s/%s", nf->nf_fe_path, key);
		if (val == (const char *)h->h_big) {
			if (h_big_write(nf, t, path, val) == -1)
				return (-1);
		} else if (!xs_write(nf->nf_xs, t, path, val, strlen(val)))
			return (-1);
	}
	h_placed(h);
	return (0);
}

/*
 * h_placed: say once "hostile: CASE in place": from now on the backend
 * meets the case (the e2e lab starts its traffic only then).
 */
static void
h_placed(struct nf_hostile *h)
{
	if (h->h_placed)
		return;
	h->h_placed = 1;
	slog_info("hostile: %s in place", h->h_case->hc_name);
}

/*
 * h_big_write: write the long string at path (inside transaction t), 4
 * KiB if the store takes it.  A real xenstored refuses values over its
 * entry-size quota (2048 bytes by default in Xen 4.17), and a refused
 * write fails the whole transaction (ENOMEM at its end): so the length
 * is found first, once, outside it, on a key of our own, halving until
 * the store takes it, and logged.  (That write conflicts with the open
 * transaction, which is then retried: the length is kept for it.)  Any
 * of them is far longer than a number xennetd reads.
 */
static int
h_big_write(struct nf *nf, xs_transaction_t t, const char *path,
    const char *val)
{
	struct nf_hostile *h = nf->nf_hostile;
	char probe[256];
	size_t len, want = strlen(val);

	if (h->h_big_len == 0) {
		snprintf(probe, sizeof(probe), "%s/hostile-probe",
		    nf->nf_fe_path);
		for (len = want; len >= 64; len /= 2) {
			if (xs_write(nf->nf_xs, XBT_NULL, probe, val, len))
				break;
			slog_info("hostile: the store refused %zu bytes: %s",
			    len, strerror(errno));
		}
		xs_rm(nf->nf_xs, XBT_NULL, probe);
		if (len < 64)
			return (-1);
		if (len != want)
			slog_info("hostile: writing %zu bytes of %zu", len,
			    want);
		h->h_big_len = len;
	}
	return (xs_write(nf->nf_xs, t, path, val, h->h_big_len) ? 0 : -1);
}

/*
 * nf_hostile_run: on a new connection (both ends Connected) run the data
 * case once; loop cases run on every call.  Returns the seconds until it
 * wants to run again (0: at once), -1 if it has nothing to do now.
 */
double
nf_hostile_run(struct nf *nf)
{
	struct nf_hostile *h = nf->nf_hostile;
	const struct nf_hcase *hc = h->h_case;
	uint64_t conn = nf->nf_st[NF_CONNECTS];

	if (hc->hc_kind == NF_HK_XS)
		return (-1);
	if (hc->hc_kind == NF_HK_LOOP && strcmp(hc->hc_name, "flap") == 0) {
		if (conn >= 2)		/* it has flapped once */
			h_placed(h);
		return (hc->hc_fn(nf, NULL) ? 0.005 : -1);
	}
	if (!nf->nf_carrier || nf->nf_phase != NF_CONNECTED ||
	    nf->nf_nqueues == 0)
		return (-1);
	if (hc->hc_kind == NF_HK_ONCE) {
		if (h->h_conn == conn)
			return (-1);
		if (h->h_step == 0)
			slog_info("hostile: %s on connection %llu", hc->hc_name,
			    (unsigned long long)conn);
		if (hc->hc_fn(nf, nf->nf_q[0]) == 0) {
			h->h_conn = conn;
			h->h_step = 0;
			h_placed(h);
			return (-1);
		}
		h->h_step++;
		return (0.05);
	}
	hc->hc_fn(nf, nf->nf_q[0]);
	h_placed(h);
	return (0);
}

/* ---- building requests by hand ---- */

/* h_id: a free tx request id (its page is ours), or -1. */
static int
h_id(struct nf_queue *q)
{
	int id;

	if (q->q_ntxfree == 0)
		nf_tx_gc(q);
	if (q->q_ntxfree == 0)
		return (-1);
	id = q->q_txfree[--q->q_ntxfree];
	q->q_txbusy[id] = 1;
	return (id);
}

/* h_frame: a len-octet frame to ourselves in the page of id. */
static void
h_frame(struct nf *nf, struct nf_queue *q, int id, size_t len)
{
	uint8_t *f = q->q_txbuf[id].b_va;

	memset(f, 0, len);
	memcpy(f, nf->nf_mac, 6);
	memcpy(f + 6, nf->nf_mac, 6);
	f[12] = NF_H_ETHERTYPE >> 8;
	f[13] = NF_H_ETHERTYPE & 0xff;
}

/* h_req: one tx request (gref -1: the page of id) at req_prod_pvt. */
static void
h_req(struct nf_queue *q, uint32_t gref, uint16_t off, uint16_t flags,
    int id, uint16_t size)
{
	netif_tx_request_t *req;

	req = RING_GET_REQUEST(&q->q_tx, q->q_tx.req_prod_pvt);
	q->q_tx.req_prod_pvt++;
	req->gref = gref != (uint32_t)-1 ? gref :
	    (uint32_t)q->q_txbuf[id].b_gref;
	req->offset = off;
	req->flags = flags;
	req->id = (uint16_t)id;
	req->size = size;
}

/* h_extra: one extra-info slot at req_prod_pvt. */
static void
h_extra(struct nf_queue *q, uint8_t type, uint8_t flags, uint16_t gso_size,
    uint8_t gso_type)
{
	struct netif_extra_info *ex;

	ex = (struct netif_extra_info *)RING_GET_REQUEST(&q->q_tx,
	    q->q_tx.req_prod_pvt);
	q->q_tx.req_prod_pvt++;
	memset(ex, 0, sizeof(*ex));
	ex->type = type;
	ex->flags = flags;
	ex->u.gso.size = gso_size;
	ex->u.gso.type = gso_type;
}

/* h_push: publish the requests and notify (rx: the rx ring's port). */
static void
h_push(struct nf *nf, struct nf_queue *q, int rx)
{
	if (rx)
		RING_PUSH_REQUESTS(&q->q_rx);
	else
		RING_PUSH_REQUESTS(&q->q_tx);
	h_notify(nf, q, rx);
}

/* h_notify: kick the backend about q's rx (rx) or tx ring. */
static void
h_notify(struct nf *nf, struct nf_queue *q, int rx)
{
	if (hv_evtchn_notify(nf->nf_hv, rx ? q->q_port_rx : q->q_port_tx) ==
	    -1)
		slog_warn("hostile: notify");
	nf->nf_hostile->h_actions++;
}

/*
 * h_slots: a packet of n slots of 100 octets each (the first's size is
 * the total), more_data on all but the last unless open.  Returns 0, or
 * 1 if the ring has no room yet.
 */
static int
h_slots(struct nf *nf, struct nf_queue *q, unsigned int n, int open)
{
	unsigned int k;
	int id;

	if (RING_FREE_REQUESTS(&q->q_tx) < n || q->q_ntxfree < n) {
		nf_tx_gc(q);
		return (1);
	}
	for (k = 0; k < n; k++) {
		id = h_id(q);
		h_frame(nf, q, id, 100);
		h_req(q, (uint32_t)-1, 0, (k + 1 < n || open) ?
		    NETTXF_more_data : 0, id, (uint16_t)(k == 0 ? 100 * n :
		    100));
	}
	h_push(nf, q, 0);
	return (0);
}

/* ---- the data cases ---- */

static int
hc_tx_bad_gref(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q);

	h_req(q, NF_H_BADREF, 0, 0, id, 60);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_tx_foreign_gref(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q), ref;

	h_frame(nf, q, id, 60);
	/* the same page, granted to a domain that is not the backend */
	if ((ref = nf_mem_regrant(nf, &q->q_txbuf[id], NF_H_FOREIGN)) < 0) {
		slog_warn("hostile: grant to domain %u", NF_H_FOREIGN);
		return (0);
	}
	h_req(q, (uint32_t)ref, 0, 0, id, 60);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_tx_cross_page(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q);

	h_req(q, (uint32_t)-1, 4000, 0, id, 200);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_tx_zero(struct nf *nf, struct nf_queue *q)
{
	int id;

	id = h_id(q);
	h_req(q, (uint32_t)-1, 0, 0, id, 0);
	id = h_id(q);
	h_req(q, (uint32_t)-1, 0, 0, id, 1);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_tx_oversize(struct nf *nf, struct nf_queue *q)
{
	unsigned int k;
	int id;

	/* 4095 octets in the first slot, then 15 full pages: 65535 */
	for (k = 0; k < 16; k++) {
		id = h_id(q);
		if (k == 0)
			h_frame(nf, q, id, 4095);
		h_req(q, (uint32_t)-1, 0, k < 15 ? NETTXF_more_data : 0, id,
		    (uint16_t)(k == 0 ? 65535 : 4096));
	}
	h_push(nf, q, 0);
	return (0);
}

static int
hc_tx_19(struct nf *nf, struct nf_queue *q)
{
	return (h_slots(nf, q, 19, 0));
}

static int
hc_tx_20(struct nf *nf, struct nf_queue *q)
{
	return (h_slots(nf, q, 20, 0));
}

static int
hc_tx_1000(struct nf *nf, struct nf_queue *q)
{
	return (h_slots(nf, q, RING_FREE_REQUESTS(&q->q_tx), 1));
}

static int
hc_more_forever(struct nf *nf, struct nf_queue *q)
{
	return (h_slots(nf, q, 5, 1));
}

static int
hc_prod_ahead(struct nf *nf, struct nf_queue *q)
{
	q->q_broken = 1;
	q->q_tx.sring->req_prod = q->q_tx.req_prod_pvt +
	    2 * RING_SIZE(&q->q_tx);
	h_notify(nf, q, 0);
	return (0);
}

/* Three good packets, answered; then req_prod 5 behind them. */
static int
hc_prod_back(struct nf *nf, struct nf_queue *q)
{
	unsigned int k;
	int id;

	if (nf->nf_hostile->h_step == 0) {
		for (k = 0; k < 3; k++) {
			id = h_id(q);
			h_frame(nf, q, id, 60);
			h_req(q, (uint32_t)-1, 0, 0, id, 60);
		}
		h_push(nf, q, 0);
		return (1);
	}
	nf_tx_gc(q);
	if (q->q_tx.rsp_cons != q->q_tx.req_prod_pvt)
		return (nf->nf_hostile->h_step < 40);	/* wait up to 2 s */
	q->q_broken = 1;
	q->q_tx.sring->req_prod = q->q_tx.req_prod_pvt - 5;
	h_notify(nf, q, 0);
	return (0);
}

static int
hc_rx_prod_ahead(struct nf *nf, struct nf_queue *q)
{
	q->q_broken = 1;
	q->q_rx.sring->req_prod = q->q_rx.req_prod_pvt +
	    2 * RING_SIZE(&q->q_rx);
	h_notify(nf, q, 1);
	return (0);
}

static int
hc_scribble(struct nf *nf, struct nf_queue *q)
{
	unsigned int k;

	q->q_broken = 1;	/* netfront must not read the garbage */
	for (k = 0; k < NF_RING; k++) {
		RING_GET_RESPONSE(&q->q_tx, k)->status = (int16_t)random();
		RING_GET_RESPONSE(&q->q_tx, k)->id = (uint16_t)random();
	}
	q->q_tx.sring->rsp_prod = (RING_IDX)random();
	q->q_tx.sring->rsp_event = (RING_IDX)random();
	q->q_rx.sring->rsp_prod = (RING_IDX)random();
	q->q_rx.sring->rsp_event = (RING_IDX)random();
	nf->nf_hostile->h_actions++;
	return (1);
}

static int
hc_extra_unknown(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q);

	h_frame(nf, q, id, 60);
	h_req(q, (uint32_t)-1, 0, NETTXF_extra_info, id, 60);
	h_extra(q, 9, 0, 0, 0);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_extra_dup(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q);

	h_frame(nf, q, id, 60);
	h_req(q, (uint32_t)-1, 0, NETTXF_extra_info | NETTXF_csum_blank, id,
	    60);
	h_extra(q, XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE, 1448,
	    XEN_NETIF_GSO_TYPE_TCPV4);
	h_extra(q, XEN_NETIF_EXTRA_TYPE_GSO, 0, 536, XEN_NETIF_GSO_TYPE_TCPV6);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_extra_misplaced(struct nf *nf, struct nf_queue *q)
{
	int id = h_id(q), id2 = h_id(q);

	h_frame(nf, q, id, 60);
	/* the slot after it is a data request: read as extra type 0 */
	h_req(q, (uint32_t)-1, 0, NETTXF_extra_info, id, 60);
	h_req(q, (uint32_t)-1, 0, 0, id2, 60);
	memset(RING_GET_REQUEST(&q->q_tx, q->q_tx.req_prod_pvt - 1), 0,
	    sizeof(netif_tx_request_t));
	h_push(nf, q, 0);
	return (0);
}

static int
hc_extra_chain(struct nf *nf, struct nf_queue *q)
{
	unsigned int k;
	int id = h_id(q);

	h_frame(nf, q, id, 60);
	h_req(q, (uint32_t)-1, 0, NETTXF_extra_info, id, 60);
	for (k = 0; k < 9; k++)
		h_extra(q, XEN_NETIF_EXTRA_TYPE_MCAST_ADD,
		    XEN_NETIF_EXTRA_FLAG_MORE, 0, 0);
	h_push(nf, q, 0);
	return (0);
}

static int
hc_gso_silly(struct nf *nf, struct nf_queue *q)
{
	static const uint16_t sz[] = { 0, 1448, 65535 };
	static const uint8_t ty[] = { XEN_NETIF_GSO_TYPE_TCPV4, 99,
	    XEN_NETIF_GSO_TYPE_TCPV4 };
	unsigned int k;
	int id;

	for (k = 0; k < 3; k++) {
		id = h_id(q);
		h_frame(nf, q, id, 60);
		h_req(q, (uint32_t)-1, 0, NETTXF_extra_info |
		    NETTXF_csum_blank, id, 60);
		h_extra(q, XEN_NETIF_EXTRA_TYPE_GSO, 0, sz[k], ty[k]);
	}
	h_push(nf, q, 0);
	return (0);
}

static int
hc_storm(struct nf *nf, struct nf_queue *q)
{
	unsigned int k;

	for (k = 0; k < NF_H_STORM; k++) {
		hv_evtchn_notify(nf->nf_hv, (k & 1) ? q->q_port_rx :
		    q->q_port_tx);
		nf->nf_hostile->h_actions++;
	}
	return (1);
}

/* hc_rx_refs: make the posted, unanswered rx requests name ref(k). */
static void
hc_rx_refs(struct nf *nf, struct nf_queue *q, int ro)
{
	RING_IDX i;

	for (i = q->q_rx.rsp_cons; i != q->q_rx.req_prod_pvt; i++)
		RING_GET_REQUEST(&q->q_rx, i)->gref = ro ?
		    (grant_ref_t)q->q_txbuf[i % NF_RING].b_gref :
		    (grant_ref_t)(NF_H_BADREF + (i & 7));
	/* and those netfront posts from now on */
	if (!ro)
		for (i = 0; i < NF_RING; i++)
			q->q_rxbuf[i].b_gref = (int)(NF_H_BADREF + (i & 7));
	h_push(nf, q, 1);
}

static int
hc_rx_bad_gref(struct nf *nf, struct nf_queue *q)
{
	hc_rx_refs(nf, q, 0);
	return (0);
}

static int
hc_rx_readonly(struct nf *nf, struct nf_queue *q)
{
	unsigned int i;

	hc_rx_refs(nf, q, 1);
	for (i = 0; i < NF_RING; i++)
		q->q_rxbuf[i].b_gref = q->q_txbuf[i].b_gref;
	return (0);
}

/*
 * hc_rx_revoked: end the backend's access to every posted rx buffer, as
 * a frontend does when it frees them (a driver unloaded, a userspace
 * frontend exited) while the device stays Connected.
 */
static int
hc_rx_revoked(struct nf *nf, struct nf_queue *q)
{
	unsigned int i;

	for (i = 0; i < NF_RING; i++) {
		if (q->q_rxbuf[i].b_gref >= 0 &&
		    nf_mem_end(nf, &q->q_rxbuf[i]) == 0)
			nf->nf_hostile->h_actions++;
	}
	return (0);
}

/*
 * hc_flap: as soon as both ends are Connected, go Closing; once Closed
 * (the backend unmapped), Initialising again, which makes the backend
 * go InitWait and netfront reconnect.  Returns 1 (always more to do).
 */
static int
hc_flap(struct nf *nf, struct nf_queue *q)
{
	char path[128];

	(void)q;
	if (nf->nf_phase == NF_CONNECTED && nf->nf_carrier) {
		nf_xs_shutdown(nf);
		nf->nf_hostile->h_actions++;
	} else if (nf->nf_phase == NF_CLOSED && nf->nf_be_state ==
	    XenbusStateClosed) {
		snprintf(path, sizeof(path), "%s/state", nf->nf_fe_path);
		if (xs_write(nf->nf_xs, XBT_NULL, path, "1", 1))
			nf->nf_be_state = XenbusStateUnknown;	/* once */
	}
	return (1);
}
