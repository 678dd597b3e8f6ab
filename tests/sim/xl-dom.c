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
 * xl-sim: domains, in xenstore and in the simulated hypervisor
 * (libxl_create.c, libxl_domain.c).
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "num.h"
#include "simdom.h"
#include "xl.h"

static int	 xl_dom_devices_destroy(uint32_t);

const char	*xl_simdir;

/*
 * xl_dom_find: DOM is a domid (taken as is, as xl does) or a
 * name looked up under /local/domain.  Returns 0, or -1 after xl's
 * message.
 */
int
xl_dom_find(const char *dom, uint32_t *domid)
{
	int ids[1024], n, i;
	char path[XL_PATHLEN], *name;
	unsigned long long v;

	if (num_parse(dom, XL_MAX_DOMID, &v) == 0) {
		*domid = (uint32_t)v;
		return (0);
	}
	n = xl_xs_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xl_xs_read(XBT_NULL, path);
		if (name != NULL && strcmp(name, dom) == 0) {
			free(name);
			*domid = (uint32_t)ids[i];
			return (0);
		}
		free(name);
	}
	fprintf(stderr, "%s is an invalid domain identifier (rc=%d)\n", dom,
	    XL_ERROR_INVAL);
	return (-1);
}

/*
 * xl_dom_exists: the domain is known to xenstore or to the
 * simulated hypervisor (<simdir>/dom<domid>).
 */
int
xl_dom_exists(uint32_t domid)
{
	char path[XL_PATHLEN], *v;
	struct stat st;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	v = xl_xs_read(XBT_NULL, path);
	if (v != NULL) {
		free(v);
		return (1);
	}
	if (xl_fmt(path, sizeof(path), "%s/dom%u", xl_simdir,
	    domid) == 0 && stat(path, &st) == 0)
		return (1);
	return (0);
}

/*
 * xl_dom_alloc: want >= 1 if the user asked for that domid (an
 * existing one is an error), else the lowest free domid from 1.
 * Returns the domid or -1 with errno.
 */
int
xl_dom_alloc(int want)
{
	char path[XL_PATHLEN], *v;
	int d;

	if (want > 0) {
		if (xl_dom_exists((uint32_t)want)) {
			errno = EEXIST;
			return (-1);
		}
		return (want);
	}
	for (d = 1; d <= XL_MAX_DOMID; d++) {
		if (xl_dom_exists((uint32_t)d))
			continue;
		snprintf(path, sizeof(path), "/libxl/%d", d);
		v = xl_xs_read(XBT_NULL, path);
		if (v == NULL)
			return (d);
		free(v);
	}
	errno = ENOSPC;
	return (-1);
}

/*
 * xl_dom_make_txn: the xenstore part of libxl__domain_make for a
 * PV guest: /local/domain/<d> (dom0's, readable by the guest) with its
 * standard subdirectories, /vm/<uuid>, /libxl/<d> (dom0 only), the name
 * (unique: libxl__domain_rename).
 */
int
xl_dom_make_txn(xs_transaction_t t, void *arg)
{
	static const char *ro[] = { "cpu", "memory", "device", "control" };
	static const char *rw[] = { "device/suspend/event-channel",
	    "control/shutdown", "control/feature-poweroff",
	    "control/feature-reboot", "control/feature-suspend",
	    "control/sysrq", "data", "drivers", "feature", "attr", "error" };
	struct xl_mkarg *ma = arg;
	struct xs_permissions roperm[2], rwperm[1], noperm[1];
	char dom[XL_DEVPATH], vm[XL_DEVPATH], lx[XL_DEVPATH];
	char path[XL_PATHLEN], *name;
	int ids[1024], n, i;
	size_t k;

	noperm[0].id = 0;
	noperm[0].perms = XS_PERM_NONE;
	roperm[0].id = 0;
	roperm[0].perms = XS_PERM_NONE;
	roperm[1].id = ma->ma_domid;
	roperm[1].perms = XS_PERM_READ;
	rwperm[0].id = ma->ma_domid;
	rwperm[0].perms = XS_PERM_NONE;
	snprintf(dom, sizeof(dom), "/local/domain/%u", ma->ma_domid);
	snprintf(vm, sizeof(vm), "/vm/%s", ma->ma_uuid);
	snprintf(lx, sizeof(lx), "/libxl/%u", ma->ma_domid);

	/* nonempty names must be unique */
	ma->ma_name_taken = 0;
	n = xl_xs_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		if ((uint32_t)ids[i] == ma->ma_domid)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xl_xs_read(t, path);
		if (name != NULL && strcmp(name, ma->ma_cfg->dc_name) == 0)
			ma->ma_name_taken = 1;
		free(name);
	}
	if (ma->ma_name_taken)
		return (XL_ERROR_FAIL);

	if (xl_xs_rm(t, dom) == -1 || xl_xs_mknod(t, dom, roperm, 2) == -1 ||
	    xl_xs_rm(t, vm) == -1 || xl_xs_mknod(t, vm, roperm, 2) == -1 ||
	    xl_xs_rm(t, lx) == -1 || xl_xs_mknod(t, lx, noperm, 1) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/device", lx);
	if (xl_xs_mknod(t, path, noperm, 1) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/vm", dom);
	if (xl_xs_write(t, path, vm) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/name", dom);
	if (xl_xs_write(t, path, ma->ma_cfg->dc_name) == -1)
		goto fail;
	for (k = 0; k < sizeof(ro) / sizeof(ro[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dom, ro[k]);
		if (xl_xs_mknod(t, path, roperm, 2) == -1)
			goto fail;
	}
	for (k = 0; k < sizeof(rw) / sizeof(rw[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dom, rw[k]);
		if (xl_xs_mknod(t, path, rwperm, 1) == -1)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/uuid", vm);
	if (xl_xs_write(t, path, ma->ma_uuid) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/name", vm);
	if (xl_xs_write(t, path, ma->ma_cfg->dc_name) == -1)
		goto fail;
	snprintf(path, sizeof(path),
	    "%s/control/platform-feature-multiprocessor-suspend", dom);
	if (xl_xs_write(t, path, "1") == -1)
		goto fail;
	snprintf(path, sizeof(path),
	    "%s/control/platform-feature-xs_reset_watches", dom);
	if (xl_xs_write(t, path, "1") == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/type", lx);
	if (xl_xs_write(t, path, "pv") == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/dm-version", lx);
	if (xl_xs_write(t, path, "qemu_xen") == -1)
		goto fail;
	return (0);
fail:
	xl_log(XL_ERROR, S_XLSIM, (int)ma->ma_domid, errno,
	    "domain creation: writing %s failed", path);
	return (XL_ERROR_FAIL);
}

/*
 * xl_dom_post_txn: libxl__build_post's nodes: memory, domid, the
 * xenstore ring (the sim has none: port and ref are nominal), vcpu 0.
 */
int
xl_dom_post_txn(xs_transaction_t t, void *arg)
{
	struct xl_mkarg *ma = arg;
	struct xl_kvs kvs;
	char dom[XL_PATHLEN];
	unsigned long kb = ma->ma_cfg->dc_mem * 1024;

	memset(&kvs, 0, sizeof(kvs));
	xl_xs_kv_add(&kvs, "memory/static-max", "%lu", kb);
	xl_xs_kv_add(&kvs, "memory/target", "%lu", kb);
	xl_xs_kv_add(&kvs, "memory/videoram", "0");
	xl_xs_kv_add(&kvs, "domid", "%u", ma->ma_domid);
	xl_xs_kv_add(&kvs, "store/port", "1");
	xl_xs_kv_add(&kvs, "store/ring-ref", "%lu",
	    ma->ma_cfg->dc_mem * 256 - 1);
	xl_xs_kv_add(&kvs, "cpu/0/availability", "online");
	snprintf(dom, sizeof(dom), "/local/domain/%u", ma->ma_domid);
	if (xl_xs_kv_write(t, dom, &kvs, NULL, 0) == -1) {
		xl_log(XL_ERROR, S_XLSIM, (int)ma->ma_domid, errno,
		    "writing %s failed", dom);
		return (XL_ERROR_FAIL);
	}
	return (0);
}

/*
 * xl_dom_devices_destroy: remove every device of domid listed under
 * /libxl/<domid>/device/vif, forced, all at once (libxl__devices_destroy
 * with LIBXL__FORCE_ON).  Returns 0 or the first device error.
 */
static int
xl_dom_devices_destroy(uint32_t domid)
{
	struct xl_dev *devs;
	int ids[XL_MAX_NICS * 4], n, i, rc = 0;
	char dir[XL_PATHLEN];

	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	n = xl_xs_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	if (n <= 0)
		return (0);
	devs = calloc((size_t)n, sizeof(*devs));
	if (devs == NULL)
		return (XL_ERROR_FAIL);
	for (i = 0; i < n; i++) {
		xl_dev_init(&devs[i], domid, ids[i], XL_REMOVE,
		    XL_FORCE_ON);
		xl_dev_remove(&devs[i]);
	}
	xl_dev_run(devs, n);
	for (i = 0; i < n; i++)
		if (devs[i].dv_rc != 0 && rc == 0)
			rc = devs[i].dv_rc;
	free(devs);
	return (rc);
}

/*
 * xl_dom_destroy: libxl_domain_destroy for a domain without a
 * stubdom or device model.  The simulated guest goes first (it can no
 * longer answer: on Xen libxl pauses it), then its devices, its
 * xenstore nodes, and XS_RELEASE makes xenstored fire @releaseDomain.
 * Returns 0 or a libxl error code (messages printed).
 */
int
xl_dom_destroy(uint32_t domid)
{
	char path[XL_PATHLEN], *vm;
	int rc = 0, drc;

	if (!xl_dom_exists(domid)) {
		xl_log(XL_ERROR, S_DOM_NONEXISTENT, (int)domid, -1,
		    "Non-existant domain");
		xl_log(XL_ERROR, S_DOM_UNABLE_GUEST, (int)domid, -1,
		    "Unable to destroy guest");
		xl_log(XL_ERROR, S_DOM_DESTROY_CB, (int)domid, -1,
		    "Destruction of domain failed");
		return (XL_ERROR_DOMAIN_NOTFOUND);
	}
	if (simdom_destroy(xl_simdir, domid) == -1 && errno != ESRCH) {
		xl_log(XL_ERROR, S_DOM_XC_DESTROY, (int)domid, errno,
		    "xc_domain_destroy failed");
		rc = XL_ERROR_FAIL;
	}
	drc = xl_dom_devices_destroy(domid);
	if (drc != 0)
		xl_log(XL_ERROR, S_DOM_DEVS_FAILED, (int)domid, -1,
		    "libxl__devices_destroy failed");

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xl_xs_read(XBT_NULL, path);
	if (vm != NULL && strncmp(vm, "/vm/", 4) == 0 &&
	    xl_xs_rm(XBT_NULL, vm) == -1)
		xl_log(XL_ERROR, S_DOM_XS_RM, (int)domid, errno,
		    "xs_rm failed for %s", vm);
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if (xl_xs_rm(XBT_NULL, path) == -1)
		xl_log(XL_ERROR, S_DOM_XS_RM, (int)domid, errno,
		    "xs_rm failed for %s", path);
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	(void)xl_xs_rm(XBT_NULL, path);
	if (!xs_release_domain(xl_xs, domid))
		xl_log(XL_WARN, S_XLSIM, (int)domid, errno,
		    "xs_release_domain failed");
	if (rc != 0) {
		xl_log(XL_ERROR, S_DOM_UNABLE_GUEST, (int)domid, -1,
		    "Unable to destroy guest");
		xl_log(XL_ERROR, S_DOM_DESTROY_CB, (int)domid, -1,
		    "Destruction of domain failed");
	}
	return (rc);
}
