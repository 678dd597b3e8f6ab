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
 * xl-sim: a toolstack simulator for the xennetd tests.  It does to
 * xenstore, and to the simulated hypervisor (simdom.h), what
 * Xen 4.17's xl and libxl do for a PV domain's vifs:
 *
 *   create          domain nodes (/local/domain/<d>, /vm/<uuid>,
 *                   /libxl/<d>), XS_INTRODUCE, then every vif as below
 *   network-attach  one transaction writes the backend, frontend and
 *                   /libxl copies of the device; wait up to 10 s for the
 *                   backend to reach InitWait (2); run the hotplug script
 *                   "online" (40 s limit)
 *   network-detach  online=0 and state=5 in one transaction; wait up to
 *                   10 s for Closed (6), once more with the frontend
 *                   removed if it times out; script "offline"; remove
 *   destroy         the guest goes first (simdom_destroy), then every
 *                   vif is removed as above (frontend removed at once),
 *                   the domain's nodes go, XS_RELEASE fires @releaseDomain
 *   shutdown        the guest closes its connected frontends the way
 *                   Linux does at poweroff, then as destroy
 *
 * The keys, permissions, transaction boundaries, timeouts, hotplug
 * arguments and environment, and the error messages follow libxl
 * (tools/libs/light/libxl_device.c, libxl_nic.c, libxl_create.c,
 * libxl_domain.c, libxl_linux.c in Xen 4.17).  xl-sim keeps no state of
 * its own: everything is in xenstore, so separate invocations work the
 * way separate xl commands do.  Progress waits use xenstore watches and
 * SIGCHLD, never sleep loops.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "num.h"
#include "simdom.h"
#include "slog.h"
#include "xl.h"

struct xl_cmd {
	const char	*c_name;
	int		(*c_fn)(int, char **);
};

static int	 xl_cmd_create(int, char **);
static int	 xl_cmd_attach(int, char **);
static int	 xl_cmd_detach(int, char **);
static int	 xl_cmd_destroy(int, char **);
static int	 xl_cmd_shutdown(int, char **);
static int	 xl_cmd_list(int, char **);
static int	 xl_cmd_netlist(int, char **);

static void	 xl_usage(void) __attribute__((__noreturn__));
static int	 xl_open(void);
static int	 xl_destroy_report(uint32_t, const char *, int64_t);
static int	 xl_timeouts(const char *);

static const struct xl_cmd xl_cmds[] = {
	{ "create",		xl_cmd_create },
	{ "network-attach",	xl_cmd_attach },
	{ "network-detach",	xl_cmd_detach },
	{ "destroy",		xl_cmd_destroy },
	{ "shutdown",		xl_cmd_shutdown },
	{ "list",		xl_cmd_list },
	{ "network-list",	xl_cmd_netlist },
	{ NULL,			NULL }
};

static const char	*xl_cfgsrc = "command line";

static void
xl_usage(void)
{

	fprintf(stderr,
	    "usage: xl-sim [-v] [--simdir DIR] [--scripts DIR] [--xs SOCKET]\n"
	    "              [--timeouts INIT,DESTROY,HOTPLUG] command ...\n"
	    "  create [-n NAME] [-d DOMID] [--mem MIB] [--vif SPEC]... [CFG]\n"
	    "  network-attach DOM SPEC...\n"
	    "  network-detach DOM DEVID|MAC\n"
	    "  destroy DOM\n"
	    "  shutdown DOM\n"
	    "  list\n"
	    "  network-list DOM...\n"
	    "SPEC: mac=,bridge=,script=,vifname=,mtu=,ip=,rate=,type=vif,"
	    "devid=,\n"
	    "      gatewaydev=,model=,backend=0,trusted,untrusted "
	    "(comma separated)\n");
	exit(2);
}

/*
 * xl_open: connect to xenstore and get ready to run hotplug scripts.
 * Returns 0, or -1 after a message.
 */
static int
xl_open(void)
{

	if (xl_xs_open() == -1 || xl_hotplug_init() == -1)
		return (-1);
	return (0);
}

/*
 * Commands.
 */

/*
 * create: libxl_domain_create_new for a PV guest with vifs only, then
 * xl's error path.  Exit 0, 1 (bad arguments) or 3 (creation failed,
 * -ERROR_FAIL as xl).
 */
static int
xl_cmd_create(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "name",	required_argument,	NULL, 'n' },
		{ "domid",	required_argument,	NULL, 'd' },
		{ "mem",	required_argument,	NULL, 'm' },
		{ "vif",	required_argument,	NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct xl_domcfg *cfg;
	struct xl_mkarg ma;
	struct xl_dev *devs = NULL;
	const char *name = NULL;
	char *vifs[XL_MAX_NICS];
	unsigned char u[16];
	unsigned long long v;
	int64_t t0 = xl_now();
	int ch, nvifs = 0, i, rc = 1, domid, failed = 0;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL)
		return (1);
	cfg->dc_domid = -1;
	cfg->dc_mem = XL_MEM_DEFAULT;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:d:m:V:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'd':
			if (num_parse(optarg, XL_MAX_DOMID, &v) == -1 ||
			    v == 0) {
				slog_warnx("bad domid %s", optarg);
				goto out;
			}
			cfg->dc_domid = (int)v;
			break;
		case 'm':
			if (num_parse(optarg, XL_MEM_MAX, &v) == -1 ||
			    v == 0) {
				slog_warnx("bad --mem %s", optarg);
				goto out;
			}
			cfg->dc_mem = v;
			break;
		case 'V':
			if (nvifs >= XL_MAX_NICS) {
				slog_warnx("too many vifs");
				goto out;
			}
			vifs[nvifs++] = optarg;
			break;
		default:
			xl_usage();
		}
	}
	if (argc - optind > 1)
		xl_usage();
	if (argc - optind == 1) {
		fprintf(stderr, "Parsing config from %s\n", argv[optind]);
		xl_cfgsrc = argv[optind];
		if (xl_cfg_parse(argv[optind], cfg) == -1)
			goto out;
	}
	for (i = 0; i < nvifs; i++) {
		if (cfg->dc_nnics >= XL_MAX_NICS) {
			slog_warnx("too many vifs");
			goto out;
		}
		xl_cfg_nic_init(&cfg->dc_nics[cfg->dc_nnics]);
		if (xl_cfg_nic(&cfg->dc_nics[cfg->dc_nnics++],
		    xl_cfgsrc, vifs[i]) == -1)
			goto out;
	}
	if (name != NULL && xl_fmt(cfg->dc_name, sizeof(cfg->dc_name),
	    "%s", name) == -1) {
		slog_warnx("name too long");
		goto out;
	}
	for (i = 0; i < cfg->dc_nnics; i++)
		if (xl_cfg_nic_setdefault(&cfg->dc_nics[i]) == -1)
			goto out;
	/* devids: the ones asked for, the others in order (0, 1, ...) */
	for (i = 0; i < cfg->dc_nnics; i++) {
		int j, id = 0;

		if (cfg->dc_nics[i].n_devid >= 0)
			continue;
		for (j = 0; j < cfg->dc_nnics; j++)
			if (cfg->dc_nics[j].n_devid >= id)
				id = cfg->dc_nics[j].n_devid + 1;
		cfg->dc_nics[i].n_devid = id;
	}
	if (xl_open() == -1)
		goto out;

	rc = 3;
	domid = xl_dom_alloc(cfg->dc_domid);
	if (domid == -1 || simdom_create(xl_simdir, (uint32_t)domid,
	    (unsigned int)(cfg->dc_mem * 256)) == -1) {
		xl_log(XL_ERROR, S_CREATE_MAKE,
		    domid == -1 ? cfg->dc_domid : domid, errno,
		    "domain creation fail");
		xl_log(XL_ERROR, S_CREATE_MAKE_FAIL,
		    domid == -1 ? cfg->dc_domid : domid, -1,
		    "cannot make domain: %d", XL_ERROR_FAIL);
		goto out;
	}
	if (cfg->dc_name[0] == '\0')
		snprintf(cfg->dc_name, sizeof(cfg->dc_name), "domu%d", domid);
	memset(&ma, 0, sizeof(ma));
	ma.ma_domid = (uint32_t)domid;
	ma.ma_cfg = cfg;
	xl_random(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(ma.ma_uuid, sizeof(ma.ma_uuid), "%02x%02x%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
	    u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
	    u[13], u[14], u[15]);
	if (xl_xs_txn(xl_dom_make_txn, &ma) != 0) {
		if (ma.ma_name_taken)
			xl_log(XL_ERROR, S_DOM_RENAME, domid, -1,
			    "Domain with name \"%s\" already exists.",
			    cfg->dc_name);
		xl_log(XL_ERROR, S_CREATE_MAKE_FAIL, domid, -1,
		    "cannot make domain: %d", XL_ERROR_FAIL);
		(void)simdom_destroy(xl_simdir, (uint32_t)domid);
		goto out;
	}
	if (xl_xs_txn(xl_dom_post_txn, &ma) != 0) {
		failed = 1;
		goto fail;
	}
	if (!xs_introduce_domain(xl_xs, (unsigned int)domid,
	    cfg->dc_mem * 256 - 1, 1))
		xl_log(XL_WARN, S_XLSIM, domid, errno,
		    "xs_introduce_domain failed");

	if (cfg->dc_nnics > 0) {
		devs = calloc((size_t)cfg->dc_nnics, sizeof(*devs));
		if (devs == NULL) {
			failed = 1;
			goto fail;
		}
		for (i = 0; i < cfg->dc_nnics; i++) {
			xl_dev_init(&devs[i], (uint32_t)domid,
			    cfg->dc_nics[i].n_devid, XL_ADD,
			    XL_FORCE_AUTO);
			(void)xl_dev_add(&devs[i], &cfg->dc_nics[i]);
		}
		xl_dev_run(devs, cfg->dc_nnics);
		for (i = 0; i < cfg->dc_nnics; i++)
			if (devs[i].dv_rc != 0)
				failed = 1;
		if (failed)
			xl_log(XL_ERROR, S_CREATE_ADD_DEVS, domid, -1,
			    "unable to add vif devices");
	}
fail:
	if (failed) {
		/* domcreate_complete: destroy; then xl destroys once more */
		if (xl_dom_destroy((uint32_t)domid) != 0)
			xl_log(XL_ERROR, S_CREATE_DESTROY_FAIL, domid,
			    -1, "unable to destroy domain following failed "
			    "creation");
		(void)xl_dom_destroy((uint32_t)domid);
		goto out;
	}
	rc = 0;
	slog_debug("domain %d (%s) created in %.2f s", domid, cfg->dc_name,
	    (double)(xl_now() - t0) / 1000);
out:
	for (i = 0; i < cfg->dc_nnics; i++)
		xl_cfg_nic_free(&cfg->dc_nics[i]);
	free(devs);
	free(cfg);
	return (rc);
}

/*
 * network-attach DOM SPEC...: libxl_device_nic_add.  Like libxl, a
 * failed attach leaves the device's nodes in xenstore.  Exit 0 or 1.
 */
static int
xl_cmd_attach(int argc, char **argv)
{
	struct xl_nic nic;
	struct xl_dev dv;
	uint32_t domid;
	int i, rc = 1;

	if (argc < 3)
		xl_usage();
	xl_cfg_nic_init(&nic);
	if (xl_open() == -1 || xl_dom_find(argv[1], &domid) == -1)
		goto out;
	for (i = 2; i < argc; i++)
		if (xl_cfg_nic(&nic, "command line", argv[i]) == -1)
			goto out;
	if (!xl_dom_exists(domid)) {
		xl_log(XL_ERROR, S_XLSIM, (int)domid, -1,
		    "no such domain");
		fprintf(stderr, "libxl_device_nic_add failed.\n");
		goto out;
	}
	if (xl_cfg_nic_setdefault(&nic) == -1)
		goto out;
	if (nic.n_devid < 0)
		nic.n_devid = xl_dev_nextid(domid);
	xl_dev_init(&dv, domid, nic.n_devid, XL_ADD, XL_FORCE_AUTO);
	if (xl_dev_add(&dv, &nic) == 0)
		xl_dev_run(&dv, 1);
	if (dv.dv_rc != 0) {
		xl_log(XL_ERROR, S_DEV_AOCOMPLETE, (int)domid, -1,
		    "Unable to add nic with id %d", nic.n_devid);
		fprintf(stderr, "libxl_device_nic_add failed.\n");
		goto out;
	}
	rc = 0;
out:
	xl_cfg_nic_free(&nic);
	return (rc);
}

/*
 * network-detach DOM DEVID|MAC: libxl_device_nic_remove (forced after
 * a first timeout).  Exit 0 or 1.
 */
static int
xl_cmd_detach(int argc, char **argv)
{
	struct xl_dev dv;
	uint8_t want[6], mac[6];
	uint32_t domid;
	unsigned long long v;
	int ids[XL_MAX_NICS * 4], n, i, devid = -1;
	char path[XL_PATHLEN], *s;

	if (argc != 3)
		xl_usage();
	if (xl_open() == -1 || xl_dom_find(argv[1], &domid) == -1)
		return (1);
	if (strchr(argv[2], ':') == NULL) {
		if (num_parse(argv[2], INT_MAX, &v) == 0) {
			snprintf(path, sizeof(path),
			    "/libxl/%u/device/vif/%llu", domid, v);
			s = xl_xs_read(XBT_NULL, path);
			if (s != NULL)
				devid = (int)v;
			free(s);
		}
	} else if (xl_cfg_mac(argv[2], want) == 0) {
		snprintf(path, sizeof(path), "/libxl/%u/device/vif", domid);
		n = xl_xs_list_ids(path, ids,
		    (int)(sizeof(ids) / sizeof(ids[0])));
		for (i = 0; i < n && devid < 0; i++) {
			snprintf(path, sizeof(path),
			    "/libxl/%u/device/vif/%d/mac", domid, ids[i]);
			s = xl_xs_read(XBT_NULL, path);
			if (s != NULL && xl_cfg_mac(s, mac) == 0 &&
			    memcmp(mac, want, 6) == 0)
				devid = ids[i];
			free(s);
		}
	}
	if (devid < 0) {
		fprintf(stderr, "Unknown device %s.\n", argv[2]);
		return (1);
	}
	xl_dev_init(&dv, domid, devid, XL_REMOVE, XL_FORCE_AUTO);
	xl_dev_remove(&dv);
	xl_dev_run(&dv, 1);
	if (dv.dv_rc != 0) {
		xl_log(XL_ERROR, S_DEV_AOCOMPLETE, (int)domid, -1,
		    "Unable to remove nic with id %d", devid);
		fprintf(stderr, "libxl_device_nic_del failed.\n");
		return (1);
	}
	return (0);
}

/*
 * The common end of destroy and shutdown: destroy domain domid, under -v
 * say how long the command what took since t0 (ms), and print xl's
 * message when the destroy failed.  Returns the exit status, 0 or 1.
 */
static int
xl_destroy_report(uint32_t domid, const char *what, int64_t t0)
{
	int rc;

	rc = xl_dom_destroy(domid);
	slog_debug("%s of domain %u took %.2f s", what, domid,
	    (double)(xl_now() - t0) / 1000);
	if (rc != 0) {
		fprintf(stderr, "destroy failed (rc=%d)\n", rc);
		return (1);
	}
	return (0);
}

/* destroy DOM: xl destroy.  Exit 0 or 1. */
static int
xl_cmd_destroy(int argc, char **argv)
{
	uint32_t domid;

	if (argc != 2)
		xl_usage();
	if (xl_open() == -1 || xl_dom_find(argv[1], &domid) == -1)
		return (1);
	if (domid == 0) {
		fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
		    "This can only be done when using a disaggregated "
		    "hardware domain and toolstack.\n\n");
		return (1);
	}
	return (xl_destroy_report(domid, "destroy", xl_now()));
}

/*
 * shutdown DOM: a clean guest poweroff as seen from dom0.  xl writes
 * control/shutdown; the guest kernel then closes each Connected
 * frontend (Closing, and Closed once the backend is Closing or Closed,
 * 5 s at most each), the domain shuts down, and xl's domain monitor
 * destroys it (on_poweroff = "destroy").  Exit 0 or 1.
 */
static int
xl_cmd_shutdown(int argc, char **argv)
{
	struct xl_dev *devs;
	char path[XL_PATHLEN], dir[XL_DEVPATH];
	int ids[XL_MAX_NICS * 4], n, i, nd = 0;
	uint32_t domid;
	int64_t t0;
	long st;

	if (argc != 2)
		xl_usage();
	if (xl_open() == -1 || xl_dom_find(argv[1], &domid) == -1)
		return (1);
	if (!xl_dom_exists(domid)) {
		fprintf(stderr, "shutdown failed (rc=%d)\n",
		    XL_ERROR_DOMAIN_NOTFOUND);
		return (1);
	}
	t0 = xl_now();
	fprintf(stderr, "Shutting down domain %u\n", domid);
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
	    domid);
	if (xl_xs_write(XBT_NULL, path, "poweroff") == -1) {
		xl_log(XL_ERROR, S_XLSIM, (int)domid, errno,
		    "cannot write %s", path);
		fprintf(stderr, "shutdown failed (rc=%d)\n", XL_ERROR_FAIL);
		return (1);
	}

	/* the guest's side: close the Connected frontends */
	snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
	n = xl_xs_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	devs = calloc(n > 0 ? (size_t)n : 1, sizeof(*devs));
	if (devs == NULL)
		return (1);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%d/state", dir, ids[i]);
		if (xl_xs_readint(XBT_NULL, path, &st) == -1)
			st = -1;
		if (st != XenbusStateConnected) {
			xl_log(XL_DEBUG, S_XLSIM, -1, -1,
			    "guest: device/vif/%d: state %s != Connected, "
			    "skipping", ids[i], st < 0 ? "(none)" :
			    xenbus_state_name((unsigned int)st));
			continue;
		}
		xl_dev_init(&devs[nd], domid, ids[i], XL_GUEST_CLOSE,
		    XL_FORCE_ON);
		if (xl_xs_write_state(XBT_NULL, path,
		    XenbusStateClosing) == -1) {
			xl_log(XL_WARN, S_XLSIM, (int)domid, errno,
			    "guest: cannot write %s", path);
			continue;
		}
		xl_dev_wait(&devs[nd++], XenbusStateClosing,
		    XL_GUEST_CLOSE_TIMEOUT);
	}
	xl_dev_run(devs, nd);
	free(devs);
	if (simdom_set_shutdown(xl_simdir, domid) == -1)
		xl_log(XL_WARN, S_XLSIM, (int)domid, errno,
		    "simdom_set_shutdown failed");
	return (xl_destroy_report(domid, "shutdown", t0));
}

/* list: xl list's columns, from xenstore and the simulated domains. */
static int
xl_cmd_list(int argc, char **argv)
{
	char path[XL_PATHLEN], *name;
	int ids[1024], n, i;
	long kb;
	const char *st;
	struct stat sb;

	(void)argv;
	if (argc != 1)
		xl_usage();
	if (xl_open() == -1)
		return (1);
	printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs",
	    "State", "Time(s)");
	n = xl_xs_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xl_xs_read(XBT_NULL, path);
		snprintf(path, sizeof(path),
		    "/local/domain/%d/memory/static-max", ids[i]);
		if (xl_xs_readint(XBT_NULL, path, &kb) == -1)
			kb = 0;
		st = "r-----";
		if (ids[i] != 0) {
			snprintf(path, sizeof(path), "%s/dom%d",
			    xl_simdir, ids[i]);
			if (stat(path, &sb) == -1)
				st = "------";
		}
		printf("%-40s %5d %5ld %5d     %s %8.1f\n",
		    name != NULL ? name : "(null)", ids[i], kb / 1024, 1, st,
		    0.0);
		free(name);
	}
	return (0);
}

/* network-list DOM...: xl network-list's table. */
static int
xl_cmd_netlist(int argc, char **argv)
{
	char dir[XL_DEVPATH], path[XL_PATHLEN], *be, *mac;
	int ids[XL_MAX_NICS * 4], n, i, a;
	long state, evt, tx, rx;
	uint32_t domid;

	if (argc < 2)
		xl_usage();
	if (xl_open() == -1)
		return (1);
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
	    "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
	    "BE-path");
	for (a = 1; a < argc; a++) {
		if (xl_dom_find(argv[a], &domid) == -1)
			return (1);
		snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
		n = xl_xs_list_ids(dir, ids,
		    (int)(sizeof(ids) / sizeof(ids[0])));
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%d/backend", dir,
			    ids[i]);
			be = xl_xs_read(XBT_NULL, path);
			if (be == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%d/mac", dir, ids[i]);
			mac = xl_xs_read(XBT_NULL, path);
#define XL_FEINT(key, var) do {					\
	snprintf(path, sizeof(path), "/local/domain/%u/device/vif/%d/%s", \
	    domid, ids[i], key);					\
	if (xl_xs_readint(XBT_NULL, path, &var) == -1)			\
		var = -1;						\
} while (/* CONSTCOND */ 0)
			XL_FEINT("state", state);
			XL_FEINT("event-channel", evt);
			XL_FEINT("tx-ring-ref", tx);
			XL_FEINT("rx-ring-ref", rx);
#undef XL_FEINT
			printf("%-3d %-2d %-17s %6d %5ld %6ld %5ld/%-11ld "
			    "%-30s\n", ids[i], 0, mac != NULL ? mac : "-",
			    ids[i], state, evt, tx, rx, be);
			free(mac);
			free(be);
		}
	}
	return (0);
}

/*
 * xl_timeouts: "--timeouts INIT,DESTROY,HOTPLUG" in seconds (tests
 * only: the defaults are libxl's 10, 10 and 40).
 */
static int
xl_timeouts(const char *arg)
{
	unsigned long long v[3];
	char buf[64], *p, *save = NULL;
	int i = 0;

	if (xl_fmt(buf, sizeof(buf), "%s", arg) == -1)
		return (-1);
	for (p = strtok_r(buf, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (i == 3 || num_parse(p, 3600, &v[i]) == -1 ||
		    v[i] == 0)
			return (-1);
		i++;
	}
	if (i != 3)
		return (-1);
	xl_tmo_init = (int)v[0];
	xl_tmo_destroy = (int)v[1];
	xl_tmo_hotplug = (int)v[2];
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "simdir",	required_argument,	NULL, 'S' },
		{ "scripts",	required_argument,	NULL, 's' },
		{ "xs",		required_argument,	NULL, 'x' },
		{ "timeouts",	required_argument,	NULL, 't' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct xl_cmd *c;
	int ch, verbose = 0;

	slog_init("xl-sim", 0);
	xl_simdir = getenv("XENNET_SIM_DIR");
	while ((ch = getopt_long(argc, argv, "+v", lopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			verbose++;
			break;
		case 'S':
			xl_simdir = optarg;
			break;
		case 's':
			xl_scripts = optarg;
			break;
		case 'x':
			/* our hotplug scripts inherit it, as with xl */
			if (setenv("XENSTORED_PATH", optarg, 1) == -1) {
				slog_warn("setenv");
				return (1);
			}
			break;
		case 't':
			if (xl_timeouts(optarg) == -1) {
				slog_warnx("bad --timeouts %s", optarg);
				return (2);
			}
			break;
		default:
			xl_usage();
		}
	}
	slog_init("xl-sim", verbose);
	if (xl_simdir == NULL || xl_simdir[0] == '\0')
		xl_simdir = XL_SIMDIR_DEFAULT;
	argc -= optind;
	argv += optind;
	if (argc < 1)
		xl_usage();
	for (c = xl_cmds; c->c_name != NULL; c++)
		if (strcmp(c->c_name, argv[0]) == 0)
			break;
	if (c->c_name == NULL) {
		slog_warnx("unknown command `%s'", argv[0]);
		xl_usage();
	}
	ch = c->c_fn(argc, argv);
	if (xl_xs != NULL)
		xs_close(xl_xs);
	return (ch);
}
