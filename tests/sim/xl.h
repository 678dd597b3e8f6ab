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
 * xl-sim, a toolstack simulator (see xl-sim.c), in files by concern:
 *
 *   xl-sim.c      main and the commands (create, network-attach, ...)
 *   xl-dom.c      domains: find, allocate, make, destroy
 *   xl-cfg.c      the xl config file and vif specifications
 *   xl-dev.c      a vif in xenstore: add, remove, wait for a state
 *   xl-hotplug.c  the vif hotplug script runner
 *   xl-xs.c       xenstore access: reads, writes, transactions
 *   xl-util.c     libxl-style messages, time, randomness
 *
 * All but xl-sim.c and xl-dom.c are in libsimtk.a: t_nf_backend writes
 * its devices with them.
 */

#ifndef SIM_XL_H
#define SIM_XL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <xenstore.h>

#include "xenbus.h"

/* libxl_internal.h: LIBXL_INIT_TIMEOUT, _DESTROY_TIMEOUT, _HOTPLUG_TIMEOUT */
#define XL_INIT_TIMEOUT		10
#define XL_DESTROY_TIMEOUT	10
#define XL_HOTPLUG_TIMEOUT	40
/* Linux xenbus_frontend_dev_shutdown() waits 5 s for each device. */
#define XL_GUEST_CLOSE_TIMEOUT	5

#define XL_MTU_DEFAULT		1500	/* LIBXL_DEVICE_NIC_MTU_DEFAULT */
#define XL_MEM_DEFAULT		32	/* MiB: libxl's default max_memkb */
#define XL_MEM_MAX		4096	/* MiB: what the sim domains allow */
#define XL_SCRIPT_DIR		"/etc/xen/scripts"
#define XL_SIMDIR_DEFAULT	"/run/xennetd-sim"
#define XL_MAX_DOMID		0x7FEF	/* below DOMID_FIRST_RESERVED */
#define XL_MAX_NICS		64
#define XL_PATHLEN		256
#define XL_DEVPATH		96	/* a device dir, leaves room for keys */
#define XL_VALLEN		256
#define XL_MAXKV		24
#define XL_NAMELEN		64

/* libxl error codes (libxl_types.idl), used for rc= messages */
#define XL_ERROR_FAIL			(-3)
#define XL_ERROR_INVAL			(-6)
#define XL_ERROR_TIMEDOUT		(-9)
#define XL_ERROR_DEVICE_EXISTS		(-17)
#define XL_ERROR_DOMAIN_NOTFOUND	(-21)

enum xl_level {
	XL_DEBUG,
	XL_INFO,
	XL_WARN,
	XL_ERROR
};

/*
 * Where libxl 4.17 emits each message we imitate: file, line, function
 * (the table is in xl-util.c).  S_XLSIM is xl-sim speaking for itself.
 */
enum xl_site {
	S_DEV_INIT_FAIL,
	S_DEV_REMOVED_ALREADY,
	S_DEV_FORCED,
	S_DEV_BACKEND_CB,
	S_DEV_NO_HOTPLUG,
	S_DEV_NO_SCRIPT,
	S_DEV_CALL_HOTPLUG,
	S_DEV_SCRIPT_ERROR,
	S_DEV_AOCOMPLETE,
	S_DEV_EXISTS,
	S_EV_TIMEDOUT,
	S_EV_REMOVED,
	S_EV_OK,
	S_EV_WAITING,
	S_AO_KILL,
	S_AO_FORK,
	S_EXEC_STATUS,
	S_CREATE_MAKE,
	S_CREATE_MAKE_FAIL,
	S_CREATE_ADD_DEVS,
	S_CREATE_DESTROY_FAIL,
	S_DOM_RENAME,
	S_DOM_DESTROY_CB,
	S_DOM_UNABLE_GUEST,
	S_DOM_NONEXISTENT,
	S_DOM_DEVS_FAILED,
	S_DOM_XS_RM,
	S_DOM_XC_DESTROY,
	S_NIC_IOEMU,
	S_XLSIM
};

/* One vif's configuration: the fields of libxl_device_nic we support. */
struct xl_nic {
	int		 n_devid;	/* -1: next free */
	uint8_t		 n_mac[6];
	int		 n_mac_set;
	char		*n_bridge;
	char		*n_script;
	char		*n_ifname;	/* vifname= */
	char		*n_ip;
	char		*n_gatewaydev;
	uint64_t	 n_rate_bytes;	/* per interval */
	uint32_t	 n_rate_usecs;	/* 0: no rate */
	unsigned long	 n_mtu;		/* 0: default */
	int		 n_trusted;
};

/* A list of xenstore keys and values (libxl's flexarray of pairs). */
struct xl_kvs {
	int		 kv_n;
	const char	*kv_key[XL_MAXKV];
	char		 kv_val[XL_MAXKV][XL_VALLEN];
};

enum xl_action {
	XL_ADD,			/* network-attach, create */
	XL_REMOVE,		/* network-detach, destroy */
	XL_GUEST_CLOSE		/* the guest closes its frontend (shutdown) */
};

enum xl_force {
	XL_FORCE_AUTO,		/* retry forced after a timeout (detach) */
	XL_FORCE_ON		/* destroy: frontend removed at once */
};

enum xl_phase {
	XL_PH_WAIT,		/* waiting for a backend state */
	XL_PH_HOTPLUG,		/* hotplug script running */
	XL_PH_DONE
};

/* One device operation in progress (libxl's libxl__ao_device). */
struct xl_dev {
	uint32_t	 dv_domid;
	int		 dv_devid;
	enum xl_action	 dv_action;
	enum xl_force	 dv_force;
	enum xl_phase	 dv_phase;
	XenbusState	 dv_wanted;	/* backend state waited for */
	int		 dv_watching;
	unsigned int	 dv_gen;	/* watch generation (token) */
	int64_t		 dv_deadline;	/* monotonic ms; -1: none */
	pid_t		 dv_pid;
	int		 dv_exec_rc;	/* set by the hotplug timeout */
	int		 dv_nexec;
	int		 dv_rc;
	char		 dv_what[XL_PATHLEN + 16];
	char		 dv_be[XL_DEVPATH];
	char		 dv_fe[XL_DEVPATH];
	char		 dv_lx[XL_DEVPATH];
	char		 dv_token[48];
};

/* A domain to create (libxl_domain_config, what we use of it). */
struct xl_domcfg {
	char		 dc_name[XL_NAMELEN];
	int		 dc_domid;	/* -1: next free */
	unsigned long	 dc_mem;	/* MiB */
	int		 dc_nnics;
	struct xl_nic	 dc_nics[XL_MAX_NICS];
};

/* What xl_dom_make_txn and xl_dom_post_txn write for a new domain. */
struct xl_mkarg {
	uint32_t		 ma_domid;
	const struct xl_domcfg	*ma_cfg;
	char			 ma_uuid[37];
	int			 ma_name_taken;
};

/* xl-util.c */
void		 xl_log(enum xl_level, enum xl_site, int, int, const char *,
		    ...) __attribute__((__format__(printf, 5, 6)));
int64_t		 xl_now(void);
int		 xl_fmt(char *, size_t, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
void		 xl_random(void *, size_t);

/* xl-xs.c */
extern struct xs_handle	*xl_xs;
int		 xl_xs_open(void);
char		*xl_xs_read(xs_transaction_t, const char *);
int		 xl_xs_readint(xs_transaction_t, const char *, long *);
int		 xl_xs_write(xs_transaction_t, const char *, const char *);
int		 xl_xs_write_state(xs_transaction_t, const char *,
		    XenbusState);
int		 xl_xs_mknod(xs_transaction_t, const char *,
		    struct xs_permissions *, unsigned int);
int		 xl_xs_rm(xs_transaction_t, const char *);
int		 xl_xs_path_cleanup(xs_transaction_t, const char *);
int		 xl_xs_txn(int (*)(xs_transaction_t, void *), void *);
void		 xl_xs_kv_add(struct xl_kvs *, const char *, const char *,
		    ...) __attribute__((__format__(printf, 3, 4)));
int		 xl_xs_kv_write(xs_transaction_t, const char *,
		    const struct xl_kvs *, struct xs_permissions *,
		    unsigned int);
int		 xl_xs_list_ids(const char *, int *, int);

/* xl-cfg.c */
extern const char	*xl_scripts;
int		 xl_cfg_parse(const char *, struct xl_domcfg *);
int		 xl_cfg_mac(const char *, uint8_t *);
int		 xl_cfg_nic(struct xl_nic *, const char *, const char *);
void		 xl_cfg_nic_init(struct xl_nic *);
void		 xl_cfg_nic_free(struct xl_nic *);
int		 xl_cfg_nic_setdefault(struct xl_nic *);

/* xl-dev.c */
extern int	 xl_tmo_init, xl_tmo_destroy, xl_tmo_hotplug;
int		 xl_dev_nextid(uint32_t);
void		 xl_dev_init(struct xl_dev *, uint32_t, int, enum xl_action,
		    enum xl_force);
int		 xl_dev_write(struct xl_dev *, const struct xl_nic *);
int		 xl_dev_add(struct xl_dev *, struct xl_nic *);
void		 xl_dev_wait(struct xl_dev *, XenbusState, int);
void		 xl_dev_done(struct xl_dev *, int);
void		 xl_dev_remove(struct xl_dev *);
int		 xl_dev_destroy(struct xl_dev *);
int		 xl_dev_run(struct xl_dev *, int);

/* xl-hotplug.c */
extern int	 xl_hotplug_sigpipe[2];
int		 xl_hotplug_init(void);
void		 xl_hotplug_run(struct xl_dev *);
void		 xl_hotplug_exited(struct xl_dev *, int);
void		 xl_hotplug_timeout(struct xl_dev *);

/* xl-dom.c */
extern const char	*xl_simdir;
int		 xl_dom_find(const char *, uint32_t *);
int		 xl_dom_exists(uint32_t);
int		 xl_dom_alloc(int);
int		 xl_dom_make_txn(xs_transaction_t, void *);
int		 xl_dom_post_txn(xs_transaction_t, void *);
int		 xl_dom_destroy(uint32_t);

#endif /* SIM_XL_H */
