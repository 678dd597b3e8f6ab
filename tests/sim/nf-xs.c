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
 * netfront-sim: the xenbus side of the frontend, as Linux xen-netfront
 * does it (netif-facts.md §2, §3):
 *
 *   frontend dir appears -> read backend, backend-id, mac, mtu; watch the
 *   backend dir -> backend InitWait: read its features, build the rings,
 *   write ring refs, event channels and our features in one transaction,
 *   then state Connected -> backend Connected: carrier on.
 *   Backend Closing/Closed -> Closing, stop, revoke grants (waiting while
 *   the backend still maps them), Closed.  Backend InitWait again ->
 *   reconnect with new rings.  Directories removed -> exit ("device
 *   removed") unless --persist.
 *
 * Everything reacts to watches; the only timer is the 100 ms tick that
 * retries grant revocation and checks the domain is still alive.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>
#include <xen/io/xenbus.h>

#include "nf.h"
#include "num.h"
#include "xenbus.h"

#define NF_XS_OPEN_WAIT		100	/* x 100 ms for the socket */

static int	nf_xs_read(struct nf *, const char *, const char *, char *,
		    size_t);
static unsigned int nf_xs_uint(struct nf *, const char *, const char *,
		    unsigned int);
static int	nf_xs_printf(struct nf *, xs_transaction_t, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static int	nf_xs_state(struct nf *, XenbusState);
static int	nf_xs_probe(struct nf *);
static void	nf_xs_update(struct nf *);
static void	nf_xs_xdp(struct nf *);
static int	nf_connect(struct nf *);
static int	nf_write_keys(struct nf *, xs_transaction_t);
static int	nf_disconnect(struct nf *, const char *);
static int	nf_disconnect_finish(struct nf *, int);
static void	nf_removed(struct nf *);

/*
 * nf_xs_open: connect to xenstore as our own domain (the per-domain
 * socket <SOCK>.d<domid> for --xs SOCK, else $XENSTORED_PATH as given),
 * waiting up to 10 s for it to appear, and watch our frontend dir.
 * Returns 0, or -1 (logged).
 */
int
nf_xs_open(struct nf *nf)
{
	char path[512];
	int i;

	if (nf->nf_o.o_xs != NULL) {
		if ((size_t)snprintf(path, sizeof(path), "%s.d%u",
		    nf->nf_o.o_xs, nf->nf_o.o_domid) >= sizeof(path)) {
			slog_warnx("xenstore socket path too long");
			return (-1);
		}
		if (setenv("XENSTORED_PATH", path, 1) == -1) {
			slog_warn("setenv");
			return (-1);
		}
	} else if (getenv("XENSTORED_PATH") == NULL)
		slog_warnx("neither --xs nor XENSTORED_PATH given: using "
		    "libxenstore's default socket");
	for (i = 0; i < NF_XS_OPEN_WAIT; i++) {
		if ((nf->nf_xs = xs_open(XS_OPEN_SOCKETONLY)) != NULL)
			break;
		if (errno != ENOENT && errno != ECONNREFUSED)
			break;
		usleep(100000);
	}
	if (nf->nf_xs == NULL) {
		slog_warn("cannot connect to xenstore at %s",
		    getenv("XENSTORED_PATH") ? getenv("XENSTORED_PATH") :
		    "(default)");
		return (-1);
	}
	snprintf(nf->nf_fe_path, sizeof(nf->nf_fe_path),
	    "/local/domain/%u/device/vif/%u", nf->nf_o.o_domid,
	    nf->nf_o.o_handle);
	if (!xs_watch(nf->nf_xs, nf->nf_fe_path, "fe")) {
		slog_warn("xs_watch %s", nf->nf_fe_path);
		return (-1);
	}
	slog_debug("watching %s", nf->nf_fe_path);
	return (0);
}

/* nf_xs_close: disconnect from xenstore. */
void
nf_xs_close(struct nf *nf)
{

	if (nf->nf_xs != NULL)
		xs_close(nf->nf_xs);
	nf->nf_xs = NULL;
}

/*
 * nf_xs_read: read dir/key into buf (NUL-terminated).  Returns 0, or -1
 * with errno (ENOENT if absent, ENOSPC if too long).
 */
static int
nf_xs_read(struct nf *nf, const char *dir, const char *key, char *buf,
    size_t size)
{
	char path[512];
	unsigned int len;
	char *v;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if ((v = xs_read(nf->nf_xs, XBT_NULL, path, &len)) == NULL)
		return (-1);
	if (len >= size) {
		free(v);
		errno = ENOSPC;
		return (-1);
	}
	memcpy(buf, v, len);
	buf[len] = '\0';
	free(v);
	return (0);
}

/* nf_xs_uint: dir/key as an unsigned number, def if absent or bad. */
static unsigned int
nf_xs_uint(struct nf *nf, const char *dir, const char *key,
    unsigned int def)
{
	unsigned long long v;
	char buf[32];

	if (nf_xs_read(nf, dir, key, buf, sizeof(buf)) == -1)
		return (def);
	if (num_parse(buf, 0xffffffffU, &v) == -1) {
		slog_warnx("%s/%s: bad number \"%s\"", dir, key, buf);
		return (def);
	}
	return ((unsigned int)v);
}

/*
 * nf_xs_printf: write a key of our frontend dir inside transaction t.
 * Returns 0, or -1 with errno.
 */
static int
nf_xs_printf(struct nf *nf, xs_transaction_t t, const char *key,
    const char *fmt, ...)
{
	char path[256], val[64];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", nf->nf_fe_path, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!xs_write(nf->nf_xs, t, path, val, strlen(val))) {
		if (errno != EAGAIN)
			slog_warn("write %s", path);
		return (-1);
	}
	return (0);
}

/* nf_xs_state: switch our xenbus state.  Returns 0 or -1. */
static int
nf_xs_state(struct nf *nf, XenbusState state)
{

	slog_debug("frontend state -> %s", xenbus_state_name(state));
	return (nf_xs_printf(nf, XBT_NULL, "state", "%d", (int)state));
}

/* nf_parse_mac: "00:16:3e:..." into 6 octets.  Returns 0 or -1. */
int
nf_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int m[6], i;
	char c;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3],
	    &m[4], &m[5], &c) != 6)
		return (-1);
	for (i = 0; i < 6; i++) {
		if (m[i] > 0xff)
			return (-1);
		mac[i] = (uint8_t)m[i];
	}
	return (0);
}

/*
 * nf_xs_probe: the frontend dir is complete enough to start (backend,
 * backend-id, state; mac and mtu get defaults if absent): read
 * it, watch the backend dir and move to NF_WAIT_BE.  Returns 0, or -1
 * while the toolstack has not written it yet.
 */
static int
nf_xs_probe(struct nf *nf)
{
	char buf[64];

	if (nf_xs_read(nf, nf->nf_fe_path, "backend", nf->nf_be_path,
	    sizeof(nf->nf_be_path)) == -1)
		return (-1);
	if (nf_xs_read(nf, nf->nf_fe_path, "backend-id", buf,
	    sizeof(buf)) == -1 ||
	    nf_xs_read(nf, nf->nf_fe_path, "state", buf, sizeof(buf)) == -1)
		return (-1);
	/*
	 * States are read with atoi(), as leniently as Linux's
	 * xenbus_read_driver_state(): garbage is 0, XenbusStateUnknown.
	 *
	 * A new driver instance that finds the device in another state
	 * (driver reload, kexec) announces itself with Initialising, as
	 * Linux's xenbus_reset_state() does, so a Closed backend reconnects.
	 */
	if (atoi(buf) != XenbusStateInitialising &&
	    nf_xs_state(nf, XenbusStateInitialising) == -1)
		return (-1);
	nf->nf_be_id = nf_xs_uint(nf, nf->nf_fe_path, "backend-id", 0);
	if (nf_xs_read(nf, nf->nf_fe_path, "mac", buf, sizeof(buf)) == -1 ||
	    nf_parse_mac(buf, nf->nf_mac) == -1) {
		slog_warnx("%s/mac missing or bad: using 00:16:3e:00:00:%02x",
		    nf->nf_fe_path, nf->nf_o.o_domid & 0xff);
		memcpy(nf->nf_mac, "\x00\x16\x3e\x00\x00", 5);
		nf->nf_mac[5] = (uint8_t)nf->nf_o.o_domid;
	}
	nf->nf_mtu = nf_xs_uint(nf, nf->nf_fe_path, "mtu", 1500);
	if (!nf->nf_be_watched) {
		if (!xs_watch(nf->nf_xs, nf->nf_be_path, "be")) {
			slog_warn("xs_watch %s", nf->nf_be_path);
			return (-1);
		}
		nf->nf_be_watched = 1;
	}
	slog_info("vif %u: backend %s (domain %u), mac %02x:%02x:%02x:%02x:"
	    "%02x:%02x, mtu %u", nf->nf_o.o_handle, nf->nf_be_path,
	    nf->nf_be_id, nf->nf_mac[0], nf->nf_mac[1], nf->nf_mac[2],
	    nf->nf_mac[3], nf->nf_mac[4], nf->nf_mac[5], nf->nf_mtu);
	nf->nf_phase = NF_WAIT_BE;
	if (nf_tap_open(nf) == -1)
		nf_quit(nf, 1, "cannot set up the guest network stack");
	return (0);
}

/*
 * nf_xs_event: drain fired watches and re-evaluate the handshake.
 * Returns 0, or -1 if the xenstore connection is gone.
 */
int
nf_xs_event(struct nf *nf)
{
	char **w;
	int n = 0;

	while ((w = xs_check_watch(nf->nf_xs)) != NULL) {
		slog_trace("watch %s (%s)", w[XS_WATCH_PATH],
		    w[XS_WATCH_TOKEN]);
		free(w);
		n++;
	}
	if (errno != EAGAIN) {
		slog_warn("xenstore connection");
		return (-1);
	}
	if (n > 0)
		nf_xs_update(nf);
	return (0);
}

/*
 * nf_xs_update: read both states and take the transition Linux
 * xen-netfront would (its netback_changed()).
 */
static void
nf_xs_update(struct nf *nf)
{
	char buf[16];
	unsigned int i;
	int be;

	if (nf->nf_exit)
		return;
	if (nf->nf_phase == NF_WAIT_FE && nf_xs_probe(nf) == -1)
		return;
	if (nf_xs_read(nf, nf->nf_fe_path, "state", buf, sizeof(buf)) == -1 &&
	    errno == ENOENT) {
		nf_removed(nf);
		return;
	}
	if (nf_xs_read(nf, nf->nf_be_path, "state", buf, sizeof(buf)) == -1) {
		if (errno == ENOENT && nf->nf_be_seen)
			nf_removed(nf);
		return;
	}
	be = atoi(buf);		/* as leniently as Linux, see nf_xs_probe */
	if (!nf->nf_be_seen || be != nf->nf_be_state)
		slog_debug("backend state %s",
		    xenbus_state_name((unsigned int)be));
	nf->nf_be_seen = 1;
	nf->nf_be_state = be;

	switch (be) {
	case XenbusStateInitWait:
		if (nf->nf_phase == NF_CLOSED) {
			/* the backend is ready again: start over */
			slog_info("backend back in InitWait: reconnecting");
			if (nf_xs_state(nf, XenbusStateInitialising) == 0)
				nf->nf_phase = NF_WAIT_BE;
		}
		if (nf->nf_phase == NF_WAIT_BE && nf_connect(nf) == -1)
			nf_quit(nf, 1, "cannot connect to the backend");
		break;
	case XenbusStateConnected:
		if (nf->nf_phase == NF_CONNECTED && !nf->nf_carrier) {
			slog_info("connected: %u queue%s, backend %s%s%s%s%s",
			    nf->nf_nqueues, nf->nf_nqueues > 1 ? "s" : "",
			    nf->nf_be_sg ? "sg " : "",
			    nf->nf_be_gso4 ? "gso4 " : "",
			    nf->nf_be_gso6 ? "gso6 " : "",
			    nf->nf_be_csum6 ? "csum6 " : "",
			    nf->nf_be_split ? "split" : "");
			nf_carrier(nf, 1);
		}
		if (nf->nf_phase == NF_CONNECTED && nf->nf_xdp == 0 &&
		    nf->nf_o.o_xdp_headroom > 0)
			nf_xs_xdp(nf);
		break;
	case XenbusStateReconfigured:
		/* netif.h: the backend took xdp-headroom; we are done */
		if (nf->nf_phase == NF_CONNECTED && nf->nf_xdp == 1 &&
		    nf_xs_state(nf, XenbusStateConnected) == 0) {
			/*
			 * What it answered before it took the headroom is
			 * in the rings by now: consume it first, then
			 * expect the headroom in every frame.
			 */
			for (i = 0; i < nf->nf_nqueues; i++)
				nf_rx_poll(nf->nf_q[i]);
			nf->nf_xdp = 2;
			nf->nf_headroom = nf->nf_o.o_xdp_headroom;
			slog_info("xdp-headroom %u in force",
			    nf->nf_headroom);
		}
		break;
	case XenbusStateClosing:
	case XenbusStateClosed:
		if (nf->nf_phase == NF_CONNECTED)
			nf_disconnect(nf, "backend closing");
		else if (nf->nf_phase == NF_WAIT_BE) {
			/* Linux: xenbus_frontend_closed() */
			if (nf_xs_state(nf, XenbusStateClosed) == 0)
				nf->nf_phase = NF_CLOSED;
		}
		break;
	default:
		break;
	}
}

/*
 * nf_connect: the backend is in InitWait: read what it offers, set up
 * the queues and publish them (Linux talk_to_netback()).  Returns 0, or
 * -1 on a fatal error (logged; our state is then Closed).
 */
static int
nf_connect(struct nf *nf)
{
	const char *be = nf->nf_be_path;
	unsigned int flags = nf->nf_o.o_flags, i, nq;
	xs_transaction_t t;
	int tries;

	if (nf_xs_uint(nf, be, "feature-rx-copy", 0) == 0) {
		slog_warnx("backend %s does not offer feature-rx-copy: "
		    "netfront only supports the copying receive path "
		    "(no page flipping); refusing to connect", be);
		nf_xs_state(nf, XenbusStateClosed);
		nf->nf_phase = NF_CLOSED;
		return (-1);
	}
	nf->nf_be_sg = nf_xs_uint(nf, be, "feature-sg", 0) &&
	    !(flags & NF_O_NO_SG);
	nf->nf_be_gso4 = nf_xs_uint(nf, be, "feature-gso-tcpv4", 0) &&
	    nf->nf_be_sg && !(flags & (NF_O_NO_GSO | NF_O_NO_CSUM));
	nf->nf_be_gso6 = nf_xs_uint(nf, be, "feature-gso-tcpv6", 0) &&
	    nf->nf_be_sg && !(flags & (NF_O_NO_GSO | NF_O_NO_CSUM));
	nf->nf_be_csum6 = nf_xs_uint(nf, be, "feature-ipv6-csum-offload",
	    0) && !(flags & NF_O_NO_CSUM);
	nf->nf_be_split = nf_xs_uint(nf, be, "feature-split-event-channels",
	    0) && !(flags & NF_O_NO_SPLIT);
	nf->nf_be_maxq = nf_xs_uint(nf, be, "multi-queue-max-queues", 0);

	nq = nf->nf_o.o_queues;
	if (nq > (nf->nf_be_maxq ? nf->nf_be_maxq : 1))
		nq = nf->nf_be_maxq ? nf->nf_be_maxq : 1;
	for (i = 0; i < nq; i++) {
		if ((nf->nf_q[i] = nf_queue_new(nf, i)) == NULL) {
			nf->nf_nqueues = i;
			goto fail;
		}
	}
	nf->nf_nqueues = nq;

	for (tries = 0; ; tries++) {
		if ((t = xs_transaction_start(nf->nf_xs)) == XBT_NULL) {
			slog_warn("xs_transaction_start");
			goto fail;
		}
		if (nf_write_keys(nf, t) == -1) {
			xs_transaction_end(nf->nf_xs, t, true);
			if (errno == EAGAIN && tries < 100)
				continue;
			goto fail;
		}
		if (xs_transaction_end(nf->nf_xs, t, false))
			break;
		if (errno != EAGAIN || tries >= 100) {
			slog_warn("xs_transaction_end");
			goto fail;
		}
		slog_debug("transaction: EAGAIN, retrying");
	}
	nf_tap_offload(nf);
	if (nf_xs_state(nf, XenbusStateConnected) == -1)
		goto fail;
	nf->nf_phase = NF_CONNECTED;
	nf->nf_xdp = 0;
	nf->nf_headroom = 0;
	nf->nf_st[NF_CONNECTS]++;
	slog_debug("published %u queue%s, waiting for backend Connected", nq,
	    nq > 1 ? "s" : "");
	return (0);
fail:
	nf_disconnect_finish(nf, 1);
	nf_xs_state(nf, XenbusStateClosed);
	nf->nf_phase = NF_CLOSED;
	return (-1);
}

/*
 * nf_write_keys: our half of the handshake inside transaction t (ring
 * refs and event channels per queue, our features).  Returns 0 or -1.
 */
static int
nf_write_keys(struct nf *nf, xs_transaction_t t)
{
	unsigned int flags = nf->nf_o.o_flags, i;
	const char *be = nf->nf_be_path;
	struct nf_queue *q;
	char pre[32], key[64];

	for (i = 0; i < nf->nf_nqueues; i++) {
		q = nf->nf_q[i];
		if (nf->nf_nqueues > 1)
			snprintf(pre, sizeof(pre), "queue-%u/", i);
		else
			pre[0] = '\0';
		snprintf(key, sizeof(key), "%stx-ring-ref", pre);
		if (nf_xs_printf(nf, t, key, "%d", q->q_txring.b_gref) == -1)
			return (-1);
		snprintf(key, sizeof(key), "%srx-ring-ref", pre);
		if (nf_xs_printf(nf, t, key, "%d", q->q_rxring.b_gref) == -1)
			return (-1);
		if (q->q_port_rx != q->q_port_tx) {
			snprintf(key, sizeof(key), "%sevent-channel-tx", pre);
			if (nf_xs_printf(nf, t, key, "%d", q->q_port_tx) == -1)
				return (-1);
			snprintf(key, sizeof(key), "%sevent-channel-rx", pre);
			if (nf_xs_printf(nf, t, key, "%d", q->q_port_rx) == -1)
				return (-1);
		} else {
			snprintf(key, sizeof(key), "%sevent-channel", pre);
			if (nf_xs_printf(nf, t, key, "%d", q->q_port_tx) == -1)
				return (-1);
		}
	}
	/* Linux writes the queue count only to a multi-queue backend. */
	if (nf->nf_be_maxq > 0 && nf_xs_printf(nf, t,
	    "multi-queue-num-queues", "%u", nf->nf_nqueues) == -1)
		return (-1);
	if (nf_xs_printf(nf, t, "request-rx-copy", "%d",
	    (flags & NF_O_NO_RX_COPY) ? 0 : 1) == -1)
		return (-1);
	if (!(flags & NF_O_NO_RX_NOTIFY) &&
	    nf_xs_printf(nf, t, "feature-rx-notify", "1") == -1)
		return (-1);
	if (!(flags & NF_O_NO_SG) &&
	    nf_xs_printf(nf, t, "feature-sg", "1") == -1)
		return (-1);
	if (!(flags & (NF_O_NO_GSO | NF_O_NO_SG | NF_O_NO_CSUM)) &&
	    (nf_xs_printf(nf, t, "feature-gso-tcpv4", "1") == -1 ||
	    nf_xs_printf(nf, t, "feature-gso-tcpv6", "1") == -1))
		return (-1);
	if (flags & NF_O_NO_CSUM) {
		if (nf_xs_printf(nf, t, "feature-no-csum-offload", "1") == -1)
			return (-1);
	} else if (nf_xs_printf(nf, t, "feature-ipv6-csum-offload",
	    "1") == -1)
		return (-1);
	if (nf_xs_uint(nf, be, "feature-xdp-headroom", 0) &&
	    nf_xs_printf(nf, t, "feature-xdp-headroom", "0") == -1)
		return (-1);
	if (nf_ctrl_keys(nf, t) == -1)	/* --ctrl, --mcast-control */
		return (-1);
	return (nf_hostile_keys(nf, t));	/* --hostile xs-* */
}

/*
 * nf_disconnect: carrier off, stop the data path, state Closing, and
 * start revoking grants (finished by nf_xs_tick once the backend has
 * unmapped them).  Returns 0 if already Closed, 1 while Closing.
 */
static int
nf_disconnect(struct nf *nf, const char *why)
{

	slog_info("%s: disconnecting", why);
	nf_carrier(nf, 0);
	nf_xs_state(nf, XenbusStateClosing);
	nf->nf_phase = NF_CLOSING;
	clock_gettime(CLOCK_MONOTONIC, &nf->nf_closing_since);
	if (nf_disconnect_finish(nf, 0) == 0) {
		nf_xs_state(nf, XenbusStateClosed);
		return (0);
	}
	return (1);
}

/*
 * nf_disconnect_finish: revoke every grant of every queue; if all are
 * revoked (or force), free the queues and return 0 (the caller writes
 * Closed); 1 while the backend still maps some.
 */
static int
nf_disconnect_finish(struct nf *nf, int force)
{
	unsigned int i;
	int busy = 0;

	for (i = 0; i < nf->nf_nqueues; i++)
		if (nf->nf_q[i] != NULL)
			busy += nf_queue_revoke(nf->nf_q[i]);
	if (busy && !force)
		return (1);
	if (busy)
		slog_warnx("backend still maps %d of our pages: going Closed "
		    "anyway, revoking later", busy);
	for (i = 0; i < nf->nf_nqueues; i++) {
		nf_queue_free(nf->nf_q[i]);
		nf->nf_q[i] = NULL;
	}
	nf->nf_nqueues = 0;
	if (nf->nf_phase == NF_CLOSING) {
		nf->nf_phase = NF_CLOSED;
		slog_info("closed");
	}
	return (0);
}

/*
 * nf_removed: our device's directories are gone (xl network-detach /
 * destroy): exit, or with --persist drop everything and wait for the
 * device to come back.
 */
static void
nf_removed(struct nf *nf)
{

	nf_carrier(nf, 0);
	nf_disconnect_finish(nf, 1);
	if (!(nf->nf_o.o_flags & NF_O_PERSIST)) {
		nf_quit(nf, 0, "device removed");
		return;
	}
	slog_info("device removed: waiting for it to come back");
	if (nf->nf_be_watched)
		xs_unwatch(nf->nf_xs, nf->nf_be_path, "be");
	nf->nf_be_watched = 0;
	nf->nf_be_seen = 0;
	nf->nf_phase = NF_WAIT_FE;
}

/*
 * nf_xs_tick: periodic work (about every 100 ms): finish a disconnect
 * once the backend has unmapped our pages (or --close-timeout passed),
 * retry leftover grants, exit when the domain is destroyed.
 */
void
nf_xs_tick(struct nf *nf)
{
	struct timespec now;
	double waited;
	int r;

	if (!simdom_alive(nf->nf_dom)) {
		nf_quit(nf, 0, "domain destroyed");
		return;
	}
	if (nf->nf_phase == NF_CLOSING) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (double)(now.tv_sec - nf->nf_closing_since.tv_sec) +
		    (double)(now.tv_nsec - nf->nf_closing_since.tv_nsec) /
		    1e9;
		r = nf_disconnect_finish(nf,
		    waited >= nf->nf_o.o_close_timeout);
		if (r == 0)
			nf_xs_state(nf, XenbusStateClosed);
	}
	if (nf->nf_nrevoke > 0)
		nf_revoke_retry(nf);
}

/*
 * nf_xs_shutdown: the guest shuts down: like Linux xennet_remove(), go
 * Closing, let the backend unmap, go Closed.  Returns 1 if the main loop
 * must keep running until that is done, 0 if there is nothing to close.
 */
int
nf_xs_shutdown(struct nf *nf)
{

	if (nf->nf_phase != NF_CONNECTED)
		return (0);
	return (nf_disconnect(nf, "shutting down"));
}

/*
 * nf_xs_xdp: (--xdp-headroom) what Linux xen-netfront does when an XDP
 * program is attached: go Reconfiguring, then write xdp-headroom (in
 * that order, as it does); the backend answers Reconfigured and leaves
 * that much room before each rx frame (netif.h "xdp-headroom"), and we
 * go Connected again.
 */
static void
nf_xs_xdp(struct nf *nf)
{
	if (nf_xs_state(nf, XenbusStateReconfiguring) == -1 ||
	    nf_xs_printf(nf, XBT_NULL, "xdp-headroom", "%u",
	    nf->nf_o.o_xdp_headroom) == -1) {
		slog_warnx("cannot ask for xdp-headroom %u",
		    nf->nf_o.o_xdp_headroom);
		return;
	}
	nf->nf_xdp = 1;
	slog_info("asked for xdp-headroom %u: Reconfiguring",
	    nf->nf_o.o_xdp_headroom);
}
