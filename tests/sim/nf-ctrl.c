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
 * netfront-sim --ctrl FILE / --mcast-control: a frontend that uses the
 * control ring (netif.h "Control ring") and multicast control, which
 * Linux netfront does neither of.  FILE holds commands, one a line, run
 * in order once both ends are Connected and again on SIGHUP (the file
 * is read anew: a test rewrites it to change the table):
 *
 *   alg toeplitz|none|N     SET_HASH_ALGORITHM
 *   flags N                 SET_HASH_FLAGS (XEN_NETIF_CTRL_HASH_TYPE_*)
 *   key ms|HEX              SET_HASH_KEY (ms: Microsoft's RSS key)
 *   mapsize N               SET_HASH_MAPPING_SIZE
 *   map Q,Q,...             SET_HASH_MAPPING of those entries at 0
 *   raw TYPE D0 D1 D2 S     any request; S the status it must get
 *   bad-index               publish req_prod a ring ahead (malicious)
 *   mcast-add MAC, mcast-del MAC   dummy tx requests with MCAST extras
 *   mcast-request 0|1       write request-multicast-control
 *
 * Control requests go one at a time (the key and table pages are
 * reused); a response whose status is not the one expected is counted
 * (ctrl_unexpected) and logged.  Received frames with a hash extra are
 * checked against netif.h's own Toeplitz function (rx_hash_ok/bad).
 */

/* netif.h's reference hash, to check the backend's independently */
#define XEN_NETIF_DEFINE_TOEPLITZ

#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"
#include "toeplitz.h"

#define NF_CTRL_CMDS	256	/* commands in a file, at most */
#define NF_CTRL_MAP	128	/* table entries we send, at most */

enum nf_cmd_kind {
	NC_REQ,			/* a control request */
	NC_BAD_INDEX,
	NC_MCAST_ADD,
	NC_MCAST_DEL,
	NC_MCAST_REQUEST
};

struct nf_cmd {
	enum nf_cmd_kind c_kind;
	uint16_t	 c_type;	/* NC_REQ */
	uint32_t	 c_data[3];
	uint32_t	 c_expect;	/* status */
	uint8_t		 c_mac[6];	/* NC_MCAST_* */
	int		 c_page;	/* 1: key page, 2: map page */
	uint8_t		 c_key[40];
	uint32_t	 c_map[NF_CTRL_MAP];
};

struct nf_ctrl {
	struct nf_buf			 ct_ring;
	struct nf_buf			 ct_key;	/* read-only grants */
	struct nf_buf			 ct_map;
	int				 ct_port;	/* -1: none */
	xen_netif_ctrl_front_ring_t	 ct_fr;
	int				 ct_up;	/* ring set up */
	int				 ct_broken;	/* bad-index sent */
	uint16_t			 ct_id;
	struct nf_cmd			*ct_cmds;
	unsigned int			 ct_ncmds, ct_next;
	int				 ct_busy;	/* a request out */
	/* what the backend now hashes with, for the rx check */
	uint8_t				 ct_keyv[40];
	uint32_t			 ct_keylen, ct_flags, ct_alg;
};


static int	nf_ctrl_parse(struct nf *, const char *, unsigned int,
		    struct nf_cmd *);
static int	nf_ctrl_load(struct nf *);
static void	nf_ctrl_send(struct nf *);
static unsigned long long nf_ctrl_num(const char *, int *);

int
nf_ctrl_init(struct nf *nf)
{
	struct nf_ctrl *c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->ct_cmds = calloc(NF_CTRL_CMDS, sizeof(*c->ct_cmds))) ==
	    NULL) {
		free(c);
		slog_warn("calloc");
		return (-1);
	}
	c->ct_port = -1;
	nf->nf_ctrl = c;
	if (nf->nf_o.o_ctrl != NULL && nf_ctrl_load(nf) == -1)
		return (-1);
	return (0);
}

void
nf_ctrl_free(struct nf *nf)
{
	if (nf->nf_ctrl == NULL)
		return;
	free(nf->nf_ctrl->ct_cmds);
	free(nf->nf_ctrl);
	nf->nf_ctrl = NULL;
}

static unsigned long long
nf_ctrl_num(const char *s, int *bad)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0')
		*bad = 1;
	return (v);
}

/* nf_ctrl_parse: one line of the command file into *cmd: 0, -1. */
static int
nf_ctrl_parse(struct nf *nf, const char *line, unsigned int lineno,
    struct nf_cmd *cmd)
{
	char w[6][128], *tok, *save = NULL, buf[1024];
	unsigned int n = 0, i;
	int bad = 0;
	size_t k;

	(void)nf;
	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " \t\n", &save); tok != NULL && n < 6;
	    tok = strtok_r(NULL, " \t\n", &save))
		snprintf(w[n++], sizeof(w[0]), "%s", tok);
	memset(cmd, 0, sizeof(*cmd));
	cmd->c_kind = NC_REQ;
	cmd->c_expect = XEN_NETIF_CTRL_STATUS_SUCCESS;
	if (n == 2 && strcmp(w[0], "alg") == 0) {
		cmd->c_type = XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM;
		if (strcmp(w[1], "toeplitz") == 0)
			cmd->c_data[0] = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
		else if (strcmp(w[1], "none") == 0)
			cmd->c_data[0] = XEN_NETIF_CTRL_HASH_ALGORITHM_NONE;
		else
			cmd->c_data[0] = (uint32_t)nf_ctrl_num(w[1], &bad);
	} else if (n == 2 && strcmp(w[0], "flags") == 0) {
		cmd->c_type = XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS;
		cmd->c_data[0] = (uint32_t)nf_ctrl_num(w[1], &bad);
	} else if (n == 2 && strcmp(w[0], "key") == 0) {
		cmd->c_type = XEN_NETIF_CTRL_TYPE_SET_HASH_KEY;
		cmd->c_page = 1;
		if (strcmp(w[1], "ms") == 0) {
			memcpy(cmd->c_key, toeplitz_ms_key,
			    TOEPLITZ_MS_KEY_LEN);
			cmd->c_data[1] = TOEPLITZ_MS_KEY_LEN;
		} else {
			k = strlen(w[1]);
			if (k % 2 != 0 || k / 2 > sizeof(cmd->c_key))
				bad = 1;
			for (i = 0; !bad && i < k / 2; i++) {
				if (!isxdigit((unsigned char)w[1][2 * i]) ||
				    !isxdigit((unsigned char)w[1][2 * i + 1]))
					bad = 1;
				else
					sscanf(w[1] + 2 * i, "%2hhx",
					    &cmd->c_key[i]);
			}
			cmd->c_data[1] = (uint32_t)(k / 2);
		}
	} else if (n == 2 && strcmp(w[0], "mapsize") == 0) {
		cmd->c_type = XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE;
		cmd->c_data[0] = (uint32_t)nf_ctrl_num(w[1], &bad);
	} else if (n == 2 && strcmp(w[0], "map") == 0) {
		cmd->c_type = XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING;
		cmd->c_page = 2;
		save = NULL;
		for (tok = strtok_r(w[1], ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (cmd->c_data[1] == NF_CTRL_MAP) {
				bad = 1;
				break;
			}
			cmd->c_map[cmd->c_data[1]++] =
			    (uint32_t)nf_ctrl_num(tok, &bad);
		}
	} else if (n == 6 && strcmp(w[0], "raw") == 0) {
		cmd->c_type = (uint16_t)nf_ctrl_num(w[1], &bad);
		for (i = 0; i < 3; i++)
			cmd->c_data[i] = (uint32_t)nf_ctrl_num(w[2 + i], &bad);
		cmd->c_expect = (uint32_t)nf_ctrl_num(w[5], &bad);
	} else if (n == 1 && strcmp(w[0], "bad-index") == 0)
		cmd->c_kind = NC_BAD_INDEX;
	else if (n == 2 && (strcmp(w[0], "mcast-add") == 0 ||
	    strcmp(w[0], "mcast-del") == 0)) {
		cmd->c_kind = w[0][6] == 'a' ? NC_MCAST_ADD : NC_MCAST_DEL;
		bad = nf_parse_mac(w[1], cmd->c_mac) == -1;
	} else if (n == 2 && strcmp(w[0], "mcast-request") == 0) {
		cmd->c_kind = NC_MCAST_REQUEST;
		cmd->c_data[0] = (uint32_t)nf_ctrl_num(w[1], &bad);
	} else
		bad = 1;
	if (bad) {
		slog_warnx("%s:%u: bad command \"%s\"", nf->nf_o.o_ctrl,
		    lineno, line);
		return (-1);
	}
	return (0);
}

/* nf_ctrl_load: (re)read the command file; 0, or -1 (logged). */
static int
nf_ctrl_load(struct nf *nf)
{
	struct nf_ctrl *c = nf->nf_ctrl;
	char line[1024];
	unsigned int lineno = 0, n = 0;
	FILE *f;
	char *p;

	if ((f = fopen(nf->nf_o.o_ctrl, "r")) == NULL) {
		slog_warn("%s", nf->nf_o.o_ctrl);
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (n == NF_CTRL_CMDS) {
			slog_warnx("%s: more than %d commands",
			    nf->nf_o.o_ctrl, NF_CTRL_CMDS);
			fclose(f);
			return (-1);
		}
		if (nf_ctrl_parse(nf, p, lineno, &c->ct_cmds[n]) == -1) {
			fclose(f);
			return (-1);
		}
		n++;
	}
	fclose(f);
	c->ct_ncmds = n;
	c->ct_next = 0;
	return (0);
}

int
nf_ctrl_keys(struct nf *nf, xs_transaction_t t)
{
	struct nf_ctrl *c = nf->nf_ctrl;
	char path[256], val[32];

	if (c == NULL)
		return (0);
	if (nf->nf_o.o_flags & NF_O_MCAST) {
		snprintf(path, sizeof(path), "%s/request-multicast-control",
		    nf->nf_fe_path);
		if (!xs_write(nf->nf_xs, t, path, "1", 1))
			return (-1);
	}
	if (nf->nf_o.o_ctrl == NULL)
		return (0);
	if (c->ct_ring.b_va == NULL && (nf_buf_alloc(nf, &c->ct_ring, 0) ==
	    -1 || nf_buf_alloc(nf, &c->ct_key, 1) == -1 ||
	    nf_buf_alloc(nf, &c->ct_map, 1) == -1)) {
		slog_warn("control ring pages");
		return (-1);
	}
	if (c->ct_port != -1)
		hv_evtchn_unbind(nf->nf_hv, c->ct_port);
	if ((c->ct_port = hv_evtchn_alloc_unbound(nf->nf_hv,
	    nf->nf_be_id)) < 0) {
		slog_warn("control event channel");
		return (-1);
	}
	memset(c->ct_ring.b_va, 0, NF_PAGE);
	SHARED_RING_INIT((xen_netif_ctrl_sring_t *)c->ct_ring.b_va);
	FRONT_RING_INIT(&c->ct_fr, (xen_netif_ctrl_sring_t *)c->ct_ring.b_va,
	    NF_PAGE);
	c->ct_up = 1;
	c->ct_broken = c->ct_busy = 0;
	c->ct_next = 0;
	c->ct_alg = c->ct_flags = c->ct_keylen = 0;
	snprintf(path, sizeof(path), "%s/ctrl-ring-ref", nf->nf_fe_path);
	snprintf(val, sizeof(val), "%d", c->ct_ring.b_gref);
	if (!xs_write(nf->nf_xs, t, path, val, strlen(val)))
		return (-1);
	snprintf(path, sizeof(path), "%s/event-channel-ctrl", nf->nf_fe_path);
	snprintf(val, sizeof(val), "%d", c->ct_port);
	if (!xs_write(nf->nf_xs, t, path, val, strlen(val)))
		return (-1);
	return (0);
}

int
nf_ctrl_port(struct nf *nf)
{
	return (nf->nf_ctrl != NULL ? nf->nf_ctrl->ct_port : -1);
}

void
nf_ctrl_reload(struct nf *nf)
{
	if (nf->nf_ctrl == NULL || nf->nf_o.o_ctrl == NULL)
		return;
	if (nf->nf_ctrl->ct_next < nf->nf_ctrl->ct_ncmds)
		slog_warnx("SIGHUP: the last commands are still running");
	else if (nf_ctrl_load(nf) == 0)
		slog_info("SIGHUP: %u control commands",
		    nf->nf_ctrl->ct_ncmds);
}

/*
 * nf_ctrl_send: run commands until one waits for the backend (a control
 * request out) or none is left.
 */
static void
nf_ctrl_send(struct nf *nf)
{
	struct nf_ctrl *c = nf->nf_ctrl;
	struct xen_netif_ctrl_request *r;
	struct netif_extra_info ex;
	struct nf_cmd *cmd;
	char path[256];
	int notify;

	while (!c->ct_busy && !c->ct_broken && c->ct_next < c->ct_ncmds) {
		cmd = &c->ct_cmds[c->ct_next];
		switch (cmd->c_kind) {
		case NC_MCAST_ADD:
		case NC_MCAST_DEL:
			memset(&ex, 0, sizeof(ex));
			ex.type = cmd->c_kind == NC_MCAST_ADD ?
			    XEN_NETIF_EXTRA_TYPE_MCAST_ADD :
			    XEN_NETIF_EXTRA_TYPE_MCAST_DEL;
			memcpy(ex.u.mcast.addr, cmd->c_mac, 6);
			if (nf_tx_extra(nf->nf_q[0], &ex) == -1)
				return;		/* no room: next round */
			nf->nf_st[NF_MCAST_SENT]++;
			c->ct_next++;
			continue;
		case NC_MCAST_REQUEST:
			snprintf(path, sizeof(path),
			    "%s/request-multicast-control", nf->nf_fe_path);
			if (!xs_write(nf->nf_xs, XBT_NULL, path,
			    cmd->c_data[0] ? "1" : "0", 1))
				slog_warn("write %s", path);
			c->ct_next++;
			continue;
		case NC_BAD_INDEX:
			if (!c->ct_up)
				return;
			/* ring.h: no more than a ring ahead; go well past */
			c->ct_fr.sring->req_prod = c->ct_fr.req_prod_pvt +
			    RING_SIZE(&c->ct_fr) + 1;
			hv_evtchn_notify(nf->nf_hv, c->ct_port);
			c->ct_broken = 1;
			c->ct_next++;
			slog_info("control ring: published a bad req_prod");
			return;
		case NC_REQ:
			break;
		}
		if (!c->ct_up)
			return;
		if (cmd->c_page == 1) {
			memset(c->ct_key.b_va, 0, NF_PAGE);
			memcpy(c->ct_key.b_va, cmd->c_key, sizeof(cmd->c_key));
			cmd->c_data[0] = (uint32_t)c->ct_key.b_gref;
		} else if (cmd->c_page == 2) {
			memcpy(c->ct_map.b_va, cmd->c_map, sizeof(cmd->c_map));
			cmd->c_data[0] = (uint32_t)c->ct_map.b_gref;
		}
		r = RING_GET_REQUEST(&c->ct_fr, c->ct_fr.req_prod_pvt);
		memset(r, 0, sizeof(*r));
		r->id = ++c->ct_id;
		r->type = cmd->c_type;
		memcpy(r->data, cmd->c_data, sizeof(r->data));
		c->ct_fr.req_prod_pvt++;
		RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->ct_fr, notify);
		if (notify)
			hv_evtchn_notify(nf->nf_hv, c->ct_port);
		nf->nf_st[NF_CTRL_REQ]++;
		c->ct_busy = 1;
	}
	if (nf->nf_q[0] != NULL)
		nf_tx_push(nf->nf_q[0]);
}

void
nf_ctrl_run(struct nf *nf)
{
	struct nf_ctrl *c = nf->nf_ctrl;
	struct xen_netif_ctrl_response rsp;
	struct nf_cmd *cmd;
	RING_IDX prod;

	if (c == NULL || nf->nf_phase != NF_CONNECTED || !nf->nf_carrier)
		return;
	if (c->ct_up && c->ct_busy && !c->ct_broken) {
		prod = c->ct_fr.sring->rsp_prod;
		xen_rmb();
		if (prod != c->ct_fr.rsp_cons) {
			rsp = *RING_GET_RESPONSE(&c->ct_fr, c->ct_fr.rsp_cons);
			c->ct_fr.rsp_cons++;
			cmd = &c->ct_cmds[c->ct_next];
			c->ct_busy = 0;
			c->ct_next++;
			if (rsp.id != c->ct_id || rsp.type != cmd->c_type ||
			    rsp.status != cmd->c_expect) {
				nf->nf_st[NF_CTRL_UNEXPECTED]++;
				slog_warnx("control: type %u (id %u) got "
				    "status %u, want %u (response id %u "
				    "type %u)", cmd->c_type, c->ct_id,
				    rsp.status, cmd->c_expect, rsp.id,
				    rsp.type);
			} else
				slog_debug("control: type %u: status %u "
				    "data %u", cmd->c_type, rsp.status,
				    rsp.data);
			nf->nf_st[rsp.status == XEN_NETIF_CTRL_STATUS_SUCCESS ?
			    NF_CTRL_OK : NF_CTRL_ERR]++;
			if (rsp.status == XEN_NETIF_CTRL_STATUS_SUCCESS) {
				/* what the backend now hashes with */
				if (cmd->c_type ==
				    XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM)
					c->ct_alg = cmd->c_data[0];
				else if (cmd->c_type ==
				    XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS)
					c->ct_flags = cmd->c_data[0];
				else if (cmd->c_type ==
				    XEN_NETIF_CTRL_TYPE_SET_HASH_KEY) {
					memset(c->ct_keyv, 0,
					    sizeof(c->ct_keyv));
					memcpy(c->ct_keyv, cmd->c_key,
					    cmd->c_data[1]);
					c->ct_keylen = cmd->c_data[1];
				}
			}
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&c->ct_fr, prod);
	}
	nf_ctrl_send(nf);
}

void
nf_ctrl_rx_hash(struct nf *nf, const struct netif_extra_info *ex,
    const uint8_t *f, size_t len)
{
	struct nf_ctrl *c = nf->nf_ctrl;
	uint8_t in[36];
	unsigned int l3, n;
	uint32_t want, got;
	int v6, tcp;

	got = (uint32_t)ex->u.hash.value[0] |
	    (uint32_t)ex->u.hash.value[1] << 8 |
	    (uint32_t)ex->u.hash.value[2] << 16 |
	    (uint32_t)ex->u.hash.value[3] << 24;
	if (c == NULL || len < 14 + 40) {
		nf->nf_st[NF_RX_HASH_BAD]++;
		return;
	}
	/* untagged IPv4 (no options) and IPv6 only: what the tests send */
	v6 = f[12] == 0x86 && f[13] == 0xdd;
	if (!v6 && !(f[12] == 0x08 && f[13] == 0x00)) {
		nf->nf_st[NF_RX_HASH_BAD]++;
		return;
	}
	l3 = 14;
	tcp = ex->u.hash.type == (v6 ? _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP :
	    _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	n = v6 ? 32 : 8;
	memcpy(in, f + l3 + (v6 ? 8 : 12), n);
	if (tcp && len >= l3 + (v6 ? 40 : 20) + 4) {
		memcpy(in + n, f + l3 + (v6 ? 40 : 20), 4);
		n += 4;
	}
	want = xen_netif_toeplitz_hash(c->ct_keyv, c->ct_keylen, in, n);
	if (want == got && ex->u.hash.algorithm ==
	    XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
		nf->nf_st[NF_RX_HASH_OK]++;
	else {
		nf->nf_st[NF_RX_HASH_BAD]++;
		slog_debug("rx hash %#x type %u, want %#x", got,
		    ex->u.hash.type, want);
	}
}
