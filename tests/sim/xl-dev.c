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
 * xl-sim: a vif's life in xenstore, as libxl's device code lives it
 * (libxl_device.c, libxl_nic.c, libxl_event.c).
 */

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xenstore.h>

#include "xl.h"

struct xl_addarg {
	struct xl_dev	*aa_dev;
	struct xl_kvs	 aa_back;
	struct xl_kvs	 aa_front;
	struct xl_kvs	 aa_ro;
};

struct xl_rmarg {
	struct xl_dev	*ra_dev;
	int		 ra_gone;	/* backend state absent */
};

static void	 xl_dev_kvs(const struct xl_nic *, uint32_t, struct xl_kvs *,
		    struct xl_kvs *, struct xl_kvs *);
static int	 xl_dev_add_txn(xs_transaction_t, void *);
static void	 xl_dev_unwatch(struct xl_dev *);
static void	 xl_dev_check(struct xl_dev *);
static void	 xl_dev_backend_cb(struct xl_dev *, int);
static void	 xl_dev_timeout(struct xl_dev *);
static int	 xl_dev_destroy_txn(xs_transaction_t, void *);
static int	 xl_dev_remove_txn(xs_transaction_t, void *);
static void	 xl_dev_guest_close(struct xl_dev *);
static void	 xl_dev_run_fail(struct xl_dev *, int);

int		 xl_tmo_init = XL_INIT_TIMEOUT;
int		 xl_tmo_destroy = XL_DESTROY_TIMEOUT;
int		 xl_tmo_hotplug = XL_HOTPLUG_TIMEOUT;

/*
 * xl_dev_kvs: the keys libxl writes for a vif, in libxl's order
 * (libxl__device_add_async + libxl__set_xenstore_nic): back = backend
 * dir (and the /libxl copy), front = frontend dir owned by the guest,
 * ro = frontend keys read-only to the guest.
 */
static void
xl_dev_kvs(const struct xl_nic *nic, uint32_t domid,
    struct xl_kvs *back, struct xl_kvs *front, struct xl_kvs *ro)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    nic->n_mac[0], nic->n_mac[1], nic->n_mac[2], nic->n_mac[3],
	    nic->n_mac[4], nic->n_mac[5]);
	memset(back, 0, sizeof(*back));
	memset(front, 0, sizeof(*front));
	memset(ro, 0, sizeof(*ro));
	xl_xs_kv_add(back, "frontend-id", "%u", domid);
	xl_xs_kv_add(back, "online", "1");
	xl_xs_kv_add(back, "state", "%d", XenbusStateInitialising);
	xl_xs_kv_add(front, "backend-id", "0");
	xl_xs_kv_add(front, "state", "%d", XenbusStateInitialising);
	xl_xs_kv_add(back, "script", "%s", nic->n_script);
	if (nic->n_ifname != NULL)
		xl_xs_kv_add(back, "vifname", "%s", nic->n_ifname);
	xl_xs_kv_add(back, "mac", "%s", mac);
	if (nic->n_ip != NULL)
		xl_xs_kv_add(back, "ip", "%s", nic->n_ip);
	if (nic->n_gatewaydev != NULL)
		xl_xs_kv_add(back, "gatewaydev", "%s", nic->n_gatewaydev);
	if (nic->n_rate_usecs > 0)
		xl_xs_kv_add(back, "rate", "%" PRIu64 ",%" PRIu32,
		    nic->n_rate_bytes, nic->n_rate_usecs);
	if (nic->n_mtu != XL_MTU_DEFAULT)
		xl_xs_kv_add(back, "mtu", "%lu", nic->n_mtu);
	xl_xs_kv_add(back, "bridge", "%s", nic->n_bridge);
	xl_xs_kv_add(back, "handle", "%d", nic->n_devid);
	xl_xs_kv_add(back, "type", "vif");
	xl_xs_kv_add(front, "handle", "%d", nic->n_devid);
	xl_xs_kv_add(front, "mac", "%s", mac);
	xl_xs_kv_add(ro, "mtu", "%lu", nic->n_mtu);
	/* libxl: the backend waits for the hotplug script */
	xl_xs_kv_add(back, "hotplug-status", "%s", "");
	xl_xs_kv_add(front, "trusted", "%d", nic->n_trusted);
}

/* xl_dev_nextid: the next free vif devid of domid (libxl__device_nextid). */
int
xl_dev_nextid(uint32_t domid)
{
	int ids[XL_MAX_NICS * 4], n;
	char dir[XL_PATHLEN];

	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	n = xl_xs_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	if (n <= 0)
		return (0);
	return (ids[n - 1] + 1);
}

/*
 * Device operations.  Each struct xl_dev goes through libxl's
 * sequence: [write] -> wait for a backend state (watch + deadline) ->
 * hotplug script (fork/exec + deadline) -> done [-> remove nodes].
 * xl_dev_run() drives any number of them at once, as libxl's multidev.
 */

void
xl_dev_init(struct xl_dev *dv, uint32_t domid, int devid,
    enum xl_action action, enum xl_force force)
{

	memset(dv, 0, sizeof(*dv));
	dv->dv_domid = domid;
	dv->dv_devid = devid;
	dv->dv_action = action;
	dv->dv_force = force;
	dv->dv_phase = XL_PH_DONE;
	dv->dv_deadline = -1;
	dv->dv_pid = -1;
	snprintf(dv->dv_be, sizeof(dv->dv_be),
	    "/local/domain/0/backend/vif/%u/%d", domid, devid);
	snprintf(dv->dv_fe, sizeof(dv->dv_fe),
	    "/local/domain/%u/device/vif/%d", domid, devid);
	snprintf(dv->dv_lx, sizeof(dv->dv_lx),
	    "/libxl/%u/device/vif/%d", domid, devid);
}

/*
 * xl_dev_add_txn: the body of libxl__device_add_async's transaction:
 * refuse an existing device, then libxl__device_generic_add.
 */
static int
xl_dev_add_txn(xs_transaction_t t, void *arg)
{
	struct xl_addarg *aa = arg;
	struct xl_dev *dv = aa->aa_dev;
	struct xs_permissions feperm[2], roperm[2];
	char path[XL_PATHLEN], *v;

	v = xl_xs_read(t, dv->dv_lx);
	if (v != NULL) {
		free(v);
		xl_log(XL_ERROR, S_DEV_EXISTS, (int)dv->dv_domid, -1,
		    "device already exists in xenstore");
		return (XL_ERROR_DEVICE_EXISTS);
	}
	/* frontend: owned by the guest, readable by the backend (dom0) */
	feperm[0].id = dv->dv_domid;
	feperm[0].perms = XS_PERM_NONE;
	feperm[1].id = 0;
	feperm[1].perms = XS_PERM_READ;
	/* backend dir and read-only frontend keys: dom0's, guest reads */
	roperm[0].id = 0;
	roperm[0].perms = XS_PERM_NONE;
	roperm[1].id = dv->dv_domid;
	roperm[1].perms = XS_PERM_READ;

	if (xl_xs_rm(t, dv->dv_lx) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/frontend", dv->dv_lx);
	if (xl_xs_write(t, path, dv->dv_fe) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/backend", dv->dv_lx);
	if (xl_xs_write(t, path, dv->dv_be) == -1)
		goto fail;

	if (xl_xs_rm(t, dv->dv_fe) == -1 ||
	    !xs_mkdir(xl_xs, t, dv->dv_fe) ||
	    !xs_set_permissions(xl_xs, t, dv->dv_fe, feperm, 2))
		goto fail;
	snprintf(path, sizeof(path), "%s/backend", dv->dv_fe);
	if (xl_xs_write(t, path, dv->dv_be) == -1 ||
	    xl_xs_kv_write(t, dv->dv_fe, &aa->aa_front, feperm, 2) == -1 ||
	    xl_xs_kv_write(t, dv->dv_fe, &aa->aa_ro, roperm, 2) == -1)
		goto fail;

	if (xl_xs_rm(t, dv->dv_be) == -1 ||
	    !xs_mkdir(xl_xs, t, dv->dv_be) ||
	    !xs_set_permissions(xl_xs, t, dv->dv_be, roperm, 2))
		goto fail;
	snprintf(path, sizeof(path), "%s/frontend", dv->dv_be);
	if (xl_xs_write(t, path, dv->dv_fe) == -1 ||
	    xl_xs_kv_write(t, dv->dv_be, &aa->aa_back, NULL, 0) == -1 ||
	    xl_xs_kv_write(t, dv->dv_lx, &aa->aa_back, NULL, 0) == -1)
		goto fail;
	return (0);
fail:
	xl_log(XL_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
	    "writing device %s to xenstore failed", dv->dv_be);
	return (XL_ERROR_FAIL);
}

/*
 * xl_dev_write: write nic's nodes for dv in one transaction, retried on
 * EAGAIN (libxl__device_add_async's).  The nic must have its defaults
 * and devid set.  Returns 0, or a libxl error code after a message
 * (XL_ERROR_DEVICE_EXISTS if the device is there already).
 */
int
xl_dev_write(struct xl_dev *dv, const struct xl_nic *nic)
{
	struct xl_addarg *aa;
	int rc;

	aa = calloc(1, sizeof(*aa));
	if (aa == NULL)
		return (XL_ERROR_FAIL);
	aa->aa_dev = dv;
	xl_dev_kvs(nic, dv->dv_domid, &aa->aa_back, &aa->aa_front,
	    &aa->aa_ro);
	rc = xl_xs_txn(xl_dev_add_txn, aa);
	free(aa);
	return (rc);
}

/*
 * xl_dev_add: xl_dev_write, then start waiting for the backend's
 * InitWait.  On failure dv is done with dv_rc.
 */
int
xl_dev_add(struct xl_dev *dv, struct xl_nic *nic)
{
	int rc;

	rc = xl_dev_write(dv, nic);
	if (rc != 0) {
		xl_dev_done(dv, rc);
		return (-1);
	}
	xl_dev_wait(dv, XenbusStateInitWait, xl_tmo_init);
	return (0);
}

/*
 * xl_dev_wait: wait (watch on <backend>/state, deadline timeout_s)
 * for the backend state wanted (libxl__ev_devstate_wait).  The event
 * every new watch fires at once covers a state already reached.
 */
void
xl_dev_wait(struct xl_dev *dv, XenbusState wanted, int timeout_s)
{
	char path[XL_PATHLEN];

	dv->dv_phase = XL_PH_WAIT;
	dv->dv_wanted = wanted;
	dv->dv_deadline = xl_now() + (int64_t)timeout_s * 1000;
	dv->dv_gen++;
	snprintf(dv->dv_token, sizeof(dv->dv_token), "xlsim:%p:%u",
	    (void *)dv, dv->dv_gen);
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	if (!xs_watch(xl_xs, path, dv->dv_token)) {
		xl_log(XL_ERROR, S_DEV_INIT_FAIL, (int)dv->dv_domid,
		    errno, "unable to watch %s", path);
		xl_dev_done(dv, XL_ERROR_FAIL);
		return;
	}
	/* xenstored fires the new watch once: that checks the state now */
	dv->dv_watching = 1;
}

static void
xl_dev_unwatch(struct xl_dev *dv)
{
	char path[XL_PATHLEN];

	if (!dv->dv_watching)
		return;
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	xs_unwatch(xl_xs, path, dv->dv_token);
	dv->dv_watching = 0;
}

/*
 * xl_dev_check: a watch fired (or the wait began): compare the
 * backend state with the one waited for (libxl's devstate_callback,
 * whose messages give states as numbers: so do ours).
 */
static void
xl_dev_check(struct xl_dev *dv)
{
	char path[XL_PATHLEN], *v;
	int got;

	if (dv->dv_phase != XL_PH_WAIT)
		return;
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	v = xl_xs_read(XBT_NULL, path);
	/*
	 * atoi(), not num_parse(): a state is read as leniently as libxl's
	 * devstate_callback and Linux's xenbus_read_driver_state() do.
	 */
	if (dv->dv_action == XL_GUEST_CLOSE) {
		got = v != NULL ? atoi(v) : XenbusStateClosed;
		free(v);
		if (got >= XenbusStateClosing)
			xl_dev_guest_close(dv);
		return;
	}
	if (v == NULL) {
		xl_log(XL_DEBUG, S_EV_REMOVED, -1, -1,
		    "backend %s wanted state %d but it was removed", path,
		    dv->dv_wanted);
		xl_dev_backend_cb(dv, XL_ERROR_INVAL);
		return;
	}
	got = atoi(v);
	free(v);
	if (got == (int)dv->dv_wanted) {
		xl_log(XL_DEBUG, S_EV_OK, -1, -1,
		    "backend %s wanted state %d ok", path, dv->dv_wanted);
		xl_dev_backend_cb(dv, 0);
	} else
		xl_log(XL_DEBUG, S_EV_WAITING, -1, -1,
		    "backend %s wanted state %d still waiting state %d",
		    path, dv->dv_wanted, got);
}

/*
 * xl_dev_backend_cb: the wait ended with rc (libxl's
 * device_backend_callback): a removal that timed out is retried by
 * force once; any other error ends the operation; success runs the
 * hotplug script.
 */
static void
xl_dev_backend_cb(struct xl_dev *dv, int rc)
{

	xl_dev_unwatch(dv);
	dv->dv_deadline = -1;
	if (rc == XL_ERROR_TIMEDOUT && dv->dv_action == XL_REMOVE &&
	    dv->dv_force == XL_FORCE_AUTO) {
		xl_log(XL_DEBUG, S_DEV_FORCED, (int)dv->dv_domid, -1,
		    "Timeout reached, initiating forced remove");
		dv->dv_force = XL_FORCE_ON;
		xl_dev_remove(dv);
		return;
	}
	if (rc != 0) {
		xl_log(XL_ERROR, S_DEV_BACKEND_CB, (int)dv->dv_domid, -1,
		    "unable to %s device with path %s",
		    dv->dv_action == XL_ADD ? "add" : "remove", dv->dv_be);
		xl_dev_done(dv, rc);
		return;
	}
	xl_hotplug_run(dv);
}

/* xl_dev_timeout: dv's deadline passed. */
static void
xl_dev_timeout(struct xl_dev *dv)
{
	char path[XL_PATHLEN];

	dv->dv_deadline = -1;
	if (dv->dv_phase == XL_PH_HOTPLUG) {
		xl_hotplug_timeout(dv);
		return;
	}
	if (dv->dv_phase != XL_PH_WAIT)
		return;
	if (dv->dv_action == XL_GUEST_CLOSE) {
		xl_log(XL_DEBUG, S_XLSIM, -1, -1,
		    "guest: %s timeout closing device", dv->dv_fe);
		xl_dev_unwatch(dv);
		xl_dev_done(dv, 0);
		return;
	}
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	xl_log(XL_DEBUG, S_EV_TIMEDOUT, -1, -1,
	    "backend %s wanted state %d  timed out", path, dv->dv_wanted);
	xl_dev_backend_cb(dv, XL_ERROR_TIMEDOUT);
}

/*
 * xl_dev_done: end dv with rc (device_hotplug_done): a removal that
 * succeeded, or was forced, takes the device's nodes out of xenstore
 * (libxl__device_destroy).
 */
void
xl_dev_done(struct xl_dev *dv, int rc)
{
	int drc;

	xl_dev_unwatch(dv);
	dv->dv_deadline = -1;
	if (dv->dv_rc == 0)
		dv->dv_rc = rc;
	dv->dv_phase = XL_PH_DONE;
	if (dv->dv_action == XL_REMOVE &&
	    (dv->dv_force == XL_FORCE_ON || dv->dv_rc == 0)) {
		drc = xl_dev_destroy(dv);
		if (dv->dv_rc == 0)
			dv->dv_rc = drc;
	}
}

/*
 * xl_dev_destroy: take dv's nodes out of xenstore, frontend, /libxl copy
 * and backend, with the directories they leave empty
 * (libxl__device_destroy as the toolstack dom0).  Returns 0 or a libxl
 * error code.
 */
int
xl_dev_destroy(struct xl_dev *dv)
{

	return (xl_xs_txn(xl_dev_destroy_txn, dv));
}

/* xl_dev_destroy_txn: the transaction of xl_dev_destroy. */
static int
xl_dev_destroy_txn(xs_transaction_t t, void *arg)
{
	struct xl_dev *dv = arg;

	(void)xl_xs_path_cleanup(t, dv->dv_fe);
	(void)xl_xs_path_cleanup(t, dv->dv_lx);
	(void)xl_xs_path_cleanup(t, dv->dv_be);
	return (0);
}

/*
 * xl_dev_remove_txn: the transaction of
 * libxl__initiate_device_generic_remove: forced, the frontend goes at
 * once; online=0; state=5 unless already Closed.
 */
static int
xl_dev_remove_txn(xs_transaction_t t, void *arg)
{
	struct xl_rmarg *ra = arg;
	struct xl_dev *dv = ra->ra_dev;
	char path[XL_PATHLEN], *state;
	int closed;

	ra->ra_gone = 0;
	if (dv->dv_force == XL_FORCE_ON)
		(void)xl_xs_path_cleanup(t, dv->dv_fe);
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	state = xl_xs_read(t, path);
	if (state == NULL) {
		ra->ra_gone = 1;
		return (0);
	}
	closed = atoi(state) == XenbusStateClosed;	/* libxl's leniency */
	free(state);
	snprintf(path, sizeof(path), "%s/online", dv->dv_be);
	if (xl_xs_write(t, path, "0") == -1)
		goto fail;
	if (!closed) {
		snprintf(path, sizeof(path), "%s/state", dv->dv_be);
		if (xl_xs_write_state(t, path, XenbusStateClosing) == -1)
			goto fail;
	}
	return (0);
fail:
	xl_log(XL_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
	    "unable to write to xenstore path %s", path);
	return (XL_ERROR_FAIL);
}

/*
 * xl_dev_remove: start (or, forced, restart) removing dv: the
 * transaction above, then wait up to LIBXL_DESTROY_TIMEOUT for Closed.
 */
void
xl_dev_remove(struct xl_dev *dv)
{
	struct xl_rmarg ra;
	int rc;

	ra.ra_dev = dv;
	rc = xl_xs_txn(xl_dev_remove_txn, &ra);
	if (rc != 0) {
		xl_dev_done(dv, rc);
		return;
	}
	if (ra.ra_gone) {
		xl_log(XL_INFO, S_DEV_REMOVED_ALREADY, -1, -1,
		    "backend %s already removed, cleanup frontend only",
		    dv->dv_be);
		xl_dev_done(dv, 0);
		return;
	}
	xl_dev_wait(dv, XenbusStateClosed, xl_tmo_destroy);
}

/*
 * xl_dev_guest_close: the guest side of a clean shutdown
 * (xenbus_frontend_dev_shutdown + netfront): once the backend is
 * Closing or Closed, the frontend says Closed.
 */
static void
xl_dev_guest_close(struct xl_dev *dv)
{
	char path[XL_PATHLEN];

	snprintf(path, sizeof(path), "%s/state", dv->dv_fe);
	if (xl_xs_write_state(XBT_NULL, path, XenbusStateClosed) == -1)
		xl_log(XL_WARN, S_XLSIM, (int)dv->dv_domid, errno,
		    "guest: cannot write %s", path);
	xl_dev_done(dv, 0);
}

/*
 * xl_dev_run: drive devs[0..n-1] until every one is done: xenstore watch
 * events, hotplug script exits (SIGCHLD self-pipe) and deadlines.
 * Returns 0, or -1 if polling failed (the devices then carry errors).
 */
int
xl_dev_run(struct xl_dev *devs, int n)
{
	struct pollfd pfd[2];
	int64_t now, next;
	unsigned int gen;
	char **vec, buf[64];
	void *key;
	int i, busy, status, tmo;
	pid_t r;

	for (;;) {
		busy = 0;
		next = -1;
		for (i = 0; i < n; i++) {
			struct xl_dev *dv = &devs[i];

			if (dv->dv_phase == XL_PH_HOTPLUG &&
			    dv->dv_pid > 0) {
				r = waitpid(dv->dv_pid, &status, WNOHANG);
				if (r == dv->dv_pid)
					xl_hotplug_exited(dv, status);
				else if (r == -1 && errno == ECHILD)
					xl_hotplug_exited(dv, 0);
			}
			now = xl_now();
			if (dv->dv_phase != XL_PH_DONE &&
			    dv->dv_deadline >= 0 && dv->dv_deadline <= now)
				xl_dev_timeout(dv);
			if (dv->dv_phase == XL_PH_DONE)
				continue;
			busy = 1;
			if (dv->dv_deadline >= 0 &&
			    (next < 0 || dv->dv_deadline < next))
				next = dv->dv_deadline;
		}
		if (!busy)
			return (0);
		now = xl_now();
		tmo = next < 0 ? -1 : (int)(next > now ? next - now : 0);
		pfd[0].fd = xs_fileno(xl_xs);
		pfd[0].events = POLLIN;
		pfd[1].fd = xl_hotplug_sigpipe[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, tmo) == -1) {
			if (errno == EINTR)
				continue;
			xl_log(XL_ERROR, S_XLSIM, -1, errno, "poll");
			xl_dev_run_fail(devs, n);
			return (-1);
		}
		if (pfd[1].revents & POLLIN)
			while (read(xl_hotplug_sigpipe[0], buf,
			    sizeof(buf)) > 0)
				continue;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		while ((vec = xs_check_watch(xl_xs)) != NULL) {
			if (sscanf(vec[XS_WATCH_TOKEN], "xlsim:%p:%u", &key,
			    &gen) == 2)
				for (i = 0; i < n; i++)
					if ((void *)&devs[i] == key &&
					    devs[i].dv_gen == gen &&
					    devs[i].dv_watching)
						xl_dev_check(&devs[i]);
			free(vec);
		}
		if (errno != EAGAIN) {
			xl_log(XL_ERROR, S_XLSIM, -1, errno,
			    "lost the xenstore connection");
			xl_dev_run_fail(devs, n);
			return (-1);
		}
	}
}

/* xl_dev_run_fail: end every device still in progress with a failure. */
static void
xl_dev_run_fail(struct xl_dev *devs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (devs[i].dv_pid > 0) {
			kill(devs[i].dv_pid, SIGKILL);
			(void)waitpid(devs[i].dv_pid, NULL, 0);
			devs[i].dv_pid = -1;
		}
		if (devs[i].dv_phase != XL_PH_DONE)
			xl_dev_done(&devs[i], XL_ERROR_FAIL);
	}
}
