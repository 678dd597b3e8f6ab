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
 * conf: the settings each vif gets, from the global ones (defaults, the
 * configuration file, the command line) and the file's domain and vif
 * blocks; a reload's new settings applied to the running daemon.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xennetd.h"

static int	conf_match(const struct conf_block *, enum conf_match,
		    uint32_t, uint32_t, const char *, const uint8_t *);
static void	conf_vif_get(struct xnd *, uint32_t, uint32_t,
		    const uint8_t *, struct vif_conf *, char *, size_t);
static void	conf_vif_merge(struct vif_conf *, const struct vif_conf *,
		    unsigned int);
static void	conf_vif_text(const struct vif_conf *,
		    const struct ring_config *, char *, size_t);
static void	conf_vif_reload(struct xnd *, struct vif *);
static void	conf_print_str(const char *, const char *, const char *);

const char *
conf_notify_name(enum ring_notify n)
{
	return (n == RING_NOTIFY_PACKET ? "packet" : "batch");
}

/*
 * conf_apply: the file's global settings over the defaults in c; c keeps
 * the file (xc_file) for its blocks.  The command line goes over both.
 */
void
conf_apply(struct xnd_config *c, struct conf *cf)
{
	struct vif_conf vc;

	memset(&vc, 0, sizeof(vc));
	vc.vc_ring = c->xc_ring;
	vc.vc_port = c->xc_port;
	memcpy(vc.vc_port_if, c->xc_port_if, sizeof(vc.vc_port_if));
	conf_vif_merge(&vc, &cf->cf_vif, cf->cf_vifset);
	c->xc_ring = vc.vc_ring;
	c->xc_port = vc.vc_port;
	memcpy(c->xc_port_if, vc.vc_port_if, sizeof(c->xc_port_if));
	if (cf->cf_workers > 0)
		c->xc_workers = cf->cf_workers;
	if (cf->cf_max_queues > 0)
		c->xc_max_queues = cf->cf_max_queues;
	if (cf->cf_portio >= 0)
		c->xc_portio = (enum portio_mode)cf->cf_portio;
	if (cf->cf_poll_usec >= 0)
		c->xc_poll_usec = (unsigned int)cf->cf_poll_usec;
	if (cf->cf_verbose >= 0)
		c->xc_verbose = cf->cf_verbose;
	if (cf->cf_keep_guests)
		c->xc_keep_guests = 1;
	if (cf->cf_capture_dir[0] != '\0')
		memcpy(c->xc_capture_dir, cf->cf_capture_dir,
		    sizeof(c->xc_capture_dir));
	if (cf->cf_user[0] != '\0')
		memcpy(c->xc_user, cf->cf_user, sizeof(c->xc_user));
	c->xc_file = cf;
}

/* conf_match: 1 if block b is of kind m and picks this vif. */
static int
conf_match(const struct conf_block *b, enum conf_match m, uint32_t domid,
    uint32_t handle, const char *name, const uint8_t *mac)
{
	if (b->cb_match != m)
		return (0);
	switch (m) {
	case CONF_M_NAME:
		return (name != NULL && strcmp(b->cb_name, name) == 0);
	case CONF_M_DOMID:
		return (b->cb_domid == domid);
	case CONF_M_MAC:
		return (memcmp(b->cb_mac, mac, sizeof(b->cb_mac)) == 0);
	case CONF_M_VIF:
		return (b->cb_domid == domid && b->cb_handle == handle);
	}
	return (0);
}

/* conf_vif_merge: the settings of o that set (CONF_*) names, over vc. */
static void
conf_vif_merge(struct vif_conf *vc, const struct vif_conf *o,
    unsigned int set)
{
	if (set & CONF_TX)
		vc->vc_ring.rc_tx_batch = o->vc_ring.rc_tx_batch;
	if (set & CONF_RX)
		vc->vc_ring.rc_rx_batch = o->vc_ring.rc_rx_batch;
	if (set & CONF_COPY)
		vc->vc_ring.rc_copy_batch = o->vc_ring.rc_copy_batch;
	if (set & CONF_NOTIFY)
		vc->vc_ring.rc_notify = o->vc_ring.rc_notify;
	if (set & CONF_STALL)
		vc->vc_ring.rc_rx_stall_ms = o->vc_ring.rc_rx_stall_ms;
	if (set & CONF_PORT) {
		vc->vc_port = o->vc_port;
		memcpy(vc->vc_port_if, o->vc_port_if, sizeof(vc->vc_port_if));
	}
	if (set & CONF_RATE) {
		vc->vc_rate_bytes = o->vc_rate_bytes;
		vc->vc_rate_usec = o->vc_rate_usec;
	}
	if (set & CONF_MTU)
		vc->vc_mtu = o->vc_mtu;
}

/*
 * conf_vif_get: the settings of vif domid/handle with MAC mac: the
 * global ones, then the blocks that pick it, in the order of
 * enum conf_match (domain "name", domain <domid>, vif mac, vif
 * <domid>.<handle>), each over the one before.  The domain's name is
 * xenstore's /local/domain/<domid>/name, read only if a block needs it.
 * from gets the places of the blocks used ("global" if none).
 */
static void
conf_vif_get(struct xnd *x, uint32_t domid, uint32_t handle,
    const uint8_t *mac, struct vif_conf *vc, char *from, size_t fromlen)
{
	const struct xnd_config *c = &x->x_conf;
	const struct conf_block *b;
	char dir[64], name[CONF_NAME_MAX + 1];
	const char *np = NULL;
	int m, n;
	size_t off = 0;

	memset(vc, 0, sizeof(*vc));
	vc->vc_ring = c->xc_ring;
	vc->vc_port = c->xc_port;
	memcpy(vc->vc_port_if, c->xc_port_if, sizeof(vc->vc_port_if));
	snprintf(from, fromlen, "global");
	if (c->xc_file == NULL)
		return;
	TAILQ_FOREACH(b, &c->xc_file->cf_blocks, cb_entry)
		if (b->cb_match == CONF_M_NAME)
			break;
	if (b != NULL && x->x_xs != NULL) {
		snprintf(dir, sizeof(dir), "/local/domain/%u", domid);
		if (store_read(x->x_xs, dir, "name", name, sizeof(name)) == 0)
			np = name;
		else
			log_debug("vif%u.%u: no domain name in xenstore "
			    "(%s/name)", domid, handle, dir);
	}
	for (m = CONF_M_NAME; m <= CONF_M_VIF; m++)
		TAILQ_FOREACH(b, &c->xc_file->cf_blocks, cb_entry) {
			if (!conf_match(b, (enum conf_match)m, domid, handle,
			    np, mac))
				continue;
			conf_vif_merge(vc, &b->cb_vc, b->cb_set);
			n = snprintf(from + off, fromlen - off, "%s%s",
			    off == 0 ? "" : ", ", b->cb_where);
			if (n > 0 && (size_t)n < fromlen - off)
				off += (size_t)n;
			break;	/* one per kind: the parser saw to that */
		}
}

/*
 * conf_vif: the settings of vif domid/handle with MAC mac (conf_vif_get),
 * logged with where they come from.
 */
void
conf_vif(struct xnd *x, uint32_t domid, uint32_t handle, const uint8_t *mac,
    struct vif_conf *vc)
{
	char from[512], text[256];

	conf_vif_get(x, domid, handle, mac, vc, from, sizeof(from));
	conf_vif_text(vc, &vc->vc_ring, text, sizeof(text));
	log_info("vif%u.%u: %s (from %s)", domid, handle, text, from);
}

/*
 * conf_vif_text: a vif's settings as one line, its batch sizes and
 * notify policy from rc.
 */
static void
conf_vif_text(const struct vif_conf *vc, const struct ring_config *rc,
    char *buf, size_t len)
{
	char mtu[32], rate[64];

	if (vc->vc_mtu != 0)
		snprintf(mtu, sizeof(mtu), "%u", vc->vc_mtu);
	else
		snprintf(mtu, sizeof(mtu), "the toolstack's");
	if (vc->vc_rate_bytes != 0)
		snprintf(rate, sizeof(rate), "%llu per %llu",
		    (unsigned long long)vc->vc_rate_bytes,
		    (unsigned long long)vc->vc_rate_usec);
	else
		snprintf(rate, sizeof(rate), "none");
	snprintf(buf, len, "tx-batch %u rx-batch %u copy-batch %u notify %s, "
	    "port %s%s%s, mtu %s, rate %s, rx-stall-timeout %u",
	    rc->rc_tx_batch, rc->rc_rx_batch, rc->rc_copy_batch,
	    conf_notify_name(rc->rc_notify),
	    vc->vc_port == PORT_BPF ? "bpf" : "tap",
	    vc->vc_port == PORT_BPF ? " on " : "",
	    vc->vc_port == PORT_BPF ? vc->vc_port_if : "", mtu, rate,
	    rc->rc_rx_stall_ms);
}

/*
 * conf_log_vif: (SIGUSR1) a vif's settings; the batch sizes are those
 * its first queue's worker uses while it is attached.
 */
void
conf_log_vif(const struct vif *v)
{
	char text[256];

	conf_vif_text(&v->v_conf, v->v_attached > 0 ?
	    &v->v_dp[0].dp_ring : &v->v_conf.vc_ring, text, sizeof(text));
	log_info("%s: settings: %s", v->v_ifname, text);
}

/*
 * conf_vif_reload: vif v's settings under the reloaded configuration:
 * batch sizes, notify policy and rate change now, on every attached
 * queue (worker_set_ring: traffic goes on), and so does the tap's MTU;
 * a new port needs the vif to be created again, which is logged.
 */
static void
conf_vif_reload(struct xnd *x, struct vif *v)
{
	struct vif_conf vc;
	char from[512], text[256];
	unsigned int q, n = 0;

	conf_vif_get(x, v->v_domid, v->v_handle, v->v_mac, &vc, from,
	    sizeof(from));
	if (memcmp(&vc.vc_ring, &v->v_conf.vc_ring, sizeof(vc.vc_ring)) !=
	    0 || vc.vc_rate_bytes != v->v_conf.vc_rate_bytes ||
	    vc.vc_rate_usec != v->v_conf.vc_rate_usec) {
		for (q = 0; q < v->v_attached; q++) {
			if (worker_set_ring(v->v_worker[q], &v->v_dp[q],
			    &vc.vc_ring) == -1)
				log_warn("%s: queue %u: cannot change its "
				    "batch sizes", v->v_ifname, q);
			else
				n++;
		}
		v->v_conf.vc_ring = vc.vc_ring;
		v->v_conf.vc_rate_bytes = vc.vc_rate_bytes;
		v->v_conf.vc_rate_usec = vc.vc_rate_usec;
		vif_rate_apply(x, v);
		conf_vif_text(&v->v_conf, &v->v_conf.vc_ring, text,
		    sizeof(text));
		log_info("%s: reload: %s (from %s; %u queue%s changed live)",
		    v->v_ifname, text, from, n, n == 1 ? "" : "s");
	}
	if (vc.vc_port != v->v_conf.vc_port ||
	    strcmp(vc.vc_port_if, v->v_conf.vc_port_if) != 0)
		log_info("%s: reload: port %s%s applies when the vif is "
		    "created again", v->v_ifname,
		    vc.vc_port == PORT_BPF ? "bpf on " : "tap",
		    vc.vc_port_if);
	if (vc.vc_mtu != v->v_conf.vc_mtu) {
		/* 0: the toolstack's key again */
		v->v_conf.vc_mtu = vc.vc_mtu;
		vif_mtu_apply(x, v);
	}
}

/*
 * conf_reload: make nc, a checked new configuration (its file in
 * xc_file), the running one.  What can change live does (log level,
 * poll budget, capture directory, every vif's batch sizes and notify
 * policy); port type, port I/O, MTU and queues apply to vifs created
 * (port I/O: connected) from now on; workers only at a restart.  Each
 * change is logged.  Returns 0.
 */
int
conf_reload(struct xnd *x, struct xnd_config *nc)
{
	struct xnd_config *c = &x->x_conf;
	struct conf *old = c->xc_file;
	struct vif *v;
	int nw;

	nw = nc->xc_workers > 0 ? nc->xc_workers : osdep_ncpus();
	if (nw > XENNETD_MAX_WORKERS)
		nw = XENNETD_MAX_WORKERS;
	if (nw != x->x_nworkers)
		log_warnx("reload: workers %d takes a restart; %d run", nw,
		    x->x_nworkers);
	if (nc->xc_max_queues == 0)	/* as at startup */
		nc->xc_max_queues = x->x_nworkers < XENNETD_MAX_QUEUES ?
		    (unsigned int)x->x_nworkers : XENNETD_MAX_QUEUES;
	if (nc->xc_max_queues != c->xc_max_queues)
		log_info("reload: max-queues %u applies to vifs created from "
		    "now on", nc->xc_max_queues);
	if (nc->xc_portio != c->xc_portio)
		log_info("reload: port-io %s applies to vifs connected from "
		    "now on", portio_mode_name(nc->xc_portio));
	if (nc->xc_port != c->xc_port ||
	    strcmp(nc->xc_port_if, c->xc_port_if) != 0)
		log_info("reload: port %s%s applies to vifs created from now "
		    "on", nc->xc_port == PORT_BPF ? "bpf on " : "tap",
		    nc->xc_port_if);
	if (memcmp(&nc->xc_ring, &c->xc_ring, sizeof(c->xc_ring)) != 0)
		log_info("reload: tx-batch %u rx-batch %u copy-batch %u "
		    "notify %s", nc->xc_ring.rc_tx_batch,
		    nc->xc_ring.rc_rx_batch, nc->xc_ring.rc_copy_batch,
		    conf_notify_name(nc->xc_ring.rc_notify));
	if (nc->xc_poll_usec != c->xc_poll_usec)
		log_info("reload: poll-budget %u us", nc->xc_poll_usec);
	if (strcmp(nc->xc_capture_dir, c->xc_capture_dir) != 0)
		log_info("reload: capture-dir %s%s", nc->xc_capture_dir,
		    priv_running() ? " (with privilege separation: takes a "
		    "restart)" : "");
	if (strcmp(nc->xc_user, c->xc_user) != 0)
		log_warnx("reload: user %s takes a restart; %s runs",
		    nc->xc_user, c->xc_user);
	memcpy(nc->xc_user, c->xc_user, sizeof(nc->xc_user));
	if (nc->xc_keep_guests != c->xc_keep_guests)
		log_info("reload: keep-guests %s: at exit, guests are %s",
		    nc->xc_keep_guests ? "on" : "off", nc->xc_keep_guests ?
		    "left connected" : "disconnected");
	if (nc->xc_verbose != log_getverbose()) {
		log_setverbose(nc->xc_verbose);
		log_info("reload: log-level %d", nc->xc_verbose);
	}
	nc->xc_workers = c->xc_workers;		/* what runs */
	nc->xc_pidfile = c->xc_pidfile;		/* held since startup */
	*c = *nc;
	TAILQ_FOREACH(v, &x->x_vifs, v_entry)
		conf_vif_reload(x, v);
	parse_free(old);
	log_info("reload: %s loaded", c->xc_conffile);
	return (0);
}

/* conf_print_str: pre, s quoted as the file would quote it, post. */
static void
conf_print_str(const char *pre, const char *s, const char *post)
{
	printf("%s\"", pre);
	for (; *s != '\0'; s++)
		printf("%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	printf("\"%s", post);
}

/*
 * conf_print: (-nv) the settings in force after the file and the
 * command line, in the file's syntax; then the file's blocks.
 */
void
conf_print(const struct xnd_config *c)
{
	const struct conf_block *b;
	const struct vif_conf *vc;

	printf("tx-batch %u\nrx-batch %u\ncopy-batch %u\nnotify %s\n",
	    c->xc_ring.rc_tx_batch, c->xc_ring.rc_rx_batch,
	    c->xc_ring.rc_copy_batch, conf_notify_name(c->xc_ring.rc_notify));
	printf("rx-stall-timeout %u\n", c->xc_ring.rc_rx_stall_ms);
	printf("poll-budget %u\n", c->xc_poll_usec);
	if (c->xc_workers > 0)
		printf("workers %d\n", c->xc_workers);
	else
		printf("# workers: one per CPU\n");
	if (c->xc_max_queues > 0)
		printf("max-queues %u\n", c->xc_max_queues);
	else
		printf("# max-queues: one per worker\n");
	printf("port-io %s\n", portio_mode_name(c->xc_portio));
	if (c->xc_port == PORT_BPF)
		conf_print_str("port bpf on ", c->xc_port_if, "\n");
	else
		printf("port tap\n");
	conf_print_str("capture-dir ", c->xc_capture_dir, "\n");
	conf_print_str("user ", c->xc_user, "\n");
	printf("log-level %d\n", c->xc_verbose);
	if (c->xc_keep_guests)
		printf("keep-guests\n");
	if (c->xc_file == NULL)
		return;
	TAILQ_FOREACH(b, &c->xc_file->cf_blocks, cb_entry) {
		vc = &b->cb_vc;
		switch (b->cb_match) {
		case CONF_M_NAME:
			conf_print_str("domain ", b->cb_name, " {\n");
			break;
		case CONF_M_DOMID:
			printf("domain %u {\n", b->cb_domid);
			break;
		case CONF_M_MAC:
			printf("vif mac %02x:%02x:%02x:%02x:%02x:%02x {\n",
			    b->cb_mac[0], b->cb_mac[1], b->cb_mac[2],
			    b->cb_mac[3], b->cb_mac[4], b->cb_mac[5]);
			break;
		case CONF_M_VIF:
			printf("vif %u.%u {\n", b->cb_domid, b->cb_handle);
			break;
		}
		if (b->cb_set & CONF_TX)
			printf("\ttx-batch %u\n", vc->vc_ring.rc_tx_batch);
		if (b->cb_set & CONF_RX)
			printf("\trx-batch %u\n", vc->vc_ring.rc_rx_batch);
		if (b->cb_set & CONF_COPY)
			printf("\tcopy-batch %u\n", vc->vc_ring.rc_copy_batch);
		if (b->cb_set & CONF_NOTIFY)
			printf("\tnotify %s\n",
			    conf_notify_name(vc->vc_ring.rc_notify));
		if (b->cb_set & CONF_STALL)
			printf("\trx-stall-timeout %u\n",
			    vc->vc_ring.rc_rx_stall_ms);
		if ((b->cb_set & CONF_PORT) && vc->vc_port == PORT_BPF)
			conf_print_str("\tport bpf on ", vc->vc_port_if, "\n");
		else if (b->cb_set & CONF_PORT)
			printf("\tport tap\n");
		if ((b->cb_set & CONF_RATE) && vc->vc_rate_bytes != 0)
			printf("\trate %llu per %llu\n",
			    (unsigned long long)vc->vc_rate_bytes,
			    (unsigned long long)vc->vc_rate_usec);
		else if (b->cb_set & CONF_RATE)
			printf("\trate none\n");
		if (b->cb_set & CONF_MTU)
			printf("\tmtu %u\n", vc->vc_mtu);
		printf("}\n");
	}
}
