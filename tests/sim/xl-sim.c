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
 * xenstore, and to the simulated hypervisor (lib/hv.h simdom_*), what
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
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "hv.h"
#include "num.h"
#include "slog.h"
#include "xenbus.h"

extern char **environ;

/* libxl_internal.h: LIBXL_INIT_TIMEOUT, _DESTROY_TIMEOUT, _HOTPLUG_TIMEOUT */
#define XLSIM_INIT_TIMEOUT	10
#define XLSIM_DESTROY_TIMEOUT	10
#define XLSIM_HOTPLUG_TIMEOUT	40
/* Linux xenbus_frontend_dev_shutdown() waits 5 s for each device. */
#define XLSIM_GUEST_CLOSE_TIMEOUT 5

#define XLSIM_MTU_DEFAULT	1500	/* LIBXL_DEVICE_NIC_MTU_DEFAULT */
#define XLSIM_MEM_DEFAULT	32	/* MiB: libxl's default max_memkb */
#define XLSIM_MEM_MAX		4096	/* MiB: what the sim domains allow */
#define XLSIM_SCRIPT_DIR	"/etc/xen/scripts"
#define XLSIM_SIMDIR_DEFAULT	"/run/xennetd-sim"
#define XLSIM_MAX_DOMID		0x7FEF	/* below DOMID_FIRST_RESERVED */
#define XLSIM_MAX_NICS		64
#define XLSIM_PATHLEN		256
#define XLSIM_DEVPATH		96	/* a device dir, leaves room for keys */
#define XLSIM_VALLEN		256
#define XLSIM_MAXKV		24
#define XLSIM_NAMELEN		64

/* libxl error codes (libxl_types.idl), used for rc= messages */
#define XLSIM_ERROR_FAIL		(-3)
#define XLSIM_ERROR_INVAL		(-6)
#define XLSIM_ERROR_TIMEDOUT		(-9)
#define XLSIM_ERROR_DEVICE_EXISTS	(-17)
#define XLSIM_ERROR_DOMAIN_NOTFOUND	(-21)

enum xlsim_level {
	XLSIM_DEBUG,
	XLSIM_INFO,
	XLSIM_WARN,
	XLSIM_ERROR
};

/*
 * Where libxl 4.17 emits each message we imitate: file, line, function.
 * The line numbers are those of RELEASE-4.17.5; they are informative.
 */
enum xlsim_site {
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

struct xlsim_sitedef {
	const char	*sd_file;
	int		 sd_line;
	const char	*sd_func;
};

static const struct xlsim_sitedef xlsim_sites[] = {
	[S_DEV_INIT_FAIL] = { "libxl_device.c", 990,
	    "libxl__wait_device_connection" },
	[S_DEV_REMOVED_ALREADY] = { "libxl_device.c", 1067,
	    "libxl__initiate_device_generic_remove" },
	[S_DEV_FORCED] = { "libxl_device.c", 1174,
	    "device_backend_callback" },
	[S_DEV_BACKEND_CB] = { "libxl_device.c", 1181,
	    "device_backend_callback" },
	[S_DEV_NO_HOTPLUG] = { "libxl_device.c", 1254, "device_hotplug" },
	[S_DEV_NO_SCRIPT] = { "libxl_linux.c", 120, "libxl__hotplug_nic" },
	[S_DEV_CALL_HOTPLUG] = { "libxl_device.c", 1269, "device_hotplug" },
	[S_DEV_SCRIPT_ERROR] = { "libxl_device.c", 1337,
	    "device_hotplug_child_death_cb" },
	[S_DEV_AOCOMPLETE] = { "libxl_device.c", 1481,
	    "device_addrm_aocomplete" },
	[S_DEV_EXISTS] = { "libxl_device.c", 1998,
	    "libxl__device_add_async" },
	[S_EV_TIMEDOUT] = { "libxl_event.c", 1038, "devstate_callback" },
	[S_EV_REMOVED] = { "libxl_event.c", 1043, "devstate_callback" },
	[S_EV_OK] = { "libxl_event.c", 1051, "devstate_callback" },
	[S_EV_WAITING] = { "libxl_event.c", 1054, "devstate_callback" },
	[S_AO_KILL] = { "libxl_aoutils.c", 539, "async_exec_timeout" },
	[S_AO_FORK] = { "libxl_aoutils.c", 593, "libxl__async_exec_start" },
	[S_EXEC_STATUS] = { "libxl_exec.c", 118,
	    "libxl_report_child_exitstatus" },
	[S_CREATE_MAKE] = { "libxl_create.c", 709, "libxl__domain_make" },
	[S_CREATE_MAKE_FAIL] = { "libxl_create.c", 1294,
	    "initiate_domain_create" },
	[S_CREATE_ADD_DEVS] = { "libxl_create.c", 1919,
	    "domcreate_attach_devices" },
	[S_CREATE_DESTROY_FAIL] = { "libxl_create.c", 2049,
	    "domcreate_destruction_cb" },
	[S_DOM_RENAME] = { "libxl_domain.c", 81, "libxl__domain_rename" },
	[S_DOM_DESTROY_CB] = { "libxl_domain.c", 1064, "domain_destroy_cb" },
	[S_DOM_UNABLE_GUEST] = { "libxl_domain.c", 1137,
	    "domain_destroy_callback" },
	[S_DOM_NONEXISTENT] = { "libxl_domain.c", 1183,
	    "libxl__destroy_domid" },
	[S_DOM_DEVS_FAILED] = { "libxl_domain.c", 1530,
	    "devices_destroy_cb" },
	[S_DOM_XS_RM] = { "libxl_domain.c", 1538, "devices_destroy_cb" },
	[S_DOM_XC_DESTROY] = { "libxl_domain.c", 1617,
	    "domain_destroy_domid_cb" },
	[S_NIC_IOEMU] = { "libxl_nic.c", 108,
	    "libxl__device_nic_setdefault" },
	[S_XLSIM] = { "xl-sim.c", 0, "xl-sim" },
};

/* One vif's configuration: the fields of libxl_device_nic we support. */
struct xlsim_nic {
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
struct xlsim_kvs {
	int		 kv_n;
	const char	*kv_key[XLSIM_MAXKV];
	char		 kv_val[XLSIM_MAXKV][XLSIM_VALLEN];
};

enum xlsim_action {
	XLSIM_ADD,		/* network-attach, create */
	XLSIM_REMOVE,		/* network-detach, destroy */
	XLSIM_GUEST_CLOSE	/* the guest closes its frontend (shutdown) */
};

enum xlsim_force {
	XLSIM_FORCE_AUTO,	/* retry forced after a timeout (detach) */
	XLSIM_FORCE_ON		/* destroy: frontend removed at once */
};

enum xlsim_phase {
	XLSIM_PH_WAIT,		/* waiting for a backend state */
	XLSIM_PH_HOTPLUG,	/* hotplug script running */
	XLSIM_PH_DONE
};

/* One device operation in progress (libxl's libxl__ao_device). */
struct xlsim_dev {
	uint32_t	 dv_domid;
	int		 dv_devid;
	enum xlsim_action dv_action;
	enum xlsim_force dv_force;
	enum xlsim_phase dv_phase;
	XenbusState	 dv_wanted;	/* backend state waited for */
	int		 dv_watching;
	unsigned int	 dv_gen;	/* watch generation (token) */
	int64_t		 dv_deadline;	/* monotonic ms; -1: none */
	pid_t		 dv_pid;
	int		 dv_exec_rc;	/* set by the hotplug timeout */
	int		 dv_nexec;
	int		 dv_rc;
	char		 dv_what[XLSIM_PATHLEN + 16];
	char		 dv_be[XLSIM_DEVPATH];
	char		 dv_fe[XLSIM_DEVPATH];
	char		 dv_lx[XLSIM_DEVPATH];
	char		 dv_token[48];
};

/* A domain to create (libxl_domain_config, what we use of it). */
struct xlsim_domcfg {
	char		 dc_name[XLSIM_NAMELEN];
	int		 dc_domid;	/* -1: next free */
	unsigned long	 dc_mem;	/* MiB */
	int		 dc_nnics;
	struct xlsim_nic dc_nics[XLSIM_MAX_NICS];
};

/* Tokens of the small xl config file parser. */
enum xlsim_tok {
	T_EOF,
	T_EOL,
	T_WORD,
	T_STRING,
	T_CHAR
};

struct xlsim_lex {
	const char	*lx_file;
	const char	*lx_p;
	int		 lx_line;
	enum xlsim_tok	 lx_tok;
	char		 lx_text[1024];
};

struct xlsim_cmd {
	const char	*c_name;
	int		(*c_fn)(int, char **);
};

static int	 xlsim_cmd_create(int, char **);
static int	 xlsim_cmd_attach(int, char **);
static int	 xlsim_cmd_detach(int, char **);
static int	 xlsim_cmd_destroy(int, char **);
static int	 xlsim_cmd_shutdown(int, char **);
static int	 xlsim_cmd_list(int, char **);
static int	 xlsim_cmd_netlist(int, char **);

static void	 xlsim_usage(void) __attribute__((__noreturn__));
static void	 xlsim_log(enum xlsim_level, enum xlsim_site, int, int,
		    const char *, ...)
		    __attribute__((__format__(printf, 5, 6)));
static int64_t	 xlsim_now(void);
static int	 xlsim_fmt(char *, size_t, const char *, ...)
		    __attribute__((__format__(printf, 3, 4)));
static void	 xlsim_random(void *, size_t);
static int	 xlsim_open(void);
static char	*xlsim_read(xs_transaction_t, const char *);
static int	 xlsim_readint(xs_transaction_t, const char *, long *);
static int	 xlsim_write(xs_transaction_t, const char *, const char *);
static int	 xlsim_write_state(xs_transaction_t, const char *, XenbusState);
static int	 xlsim_mknod(xs_transaction_t, const char *,
		    struct xs_permissions *, unsigned int);
static int	 xlsim_rm(xs_transaction_t, const char *);
static int	 xlsim_path_cleanup(xs_transaction_t, const char *);
static int	 xlsim_txn(int (*)(xs_transaction_t, void *), void *);
static void	 xlsim_kv_add(struct xlsim_kvs *, const char *, const char *,
		    ...) __attribute__((__format__(printf, 3, 4)));
static int	 xlsim_kv_write(xs_transaction_t, const char *,
		    const struct xlsim_kvs *, struct xs_permissions *,
		    unsigned int);
static int	 xlsim_parse_mac(const char *, uint8_t *);
static int	 xlsim_parse_rate(const char *, const char *,
		    struct xlsim_nic *);
static int	 xlsim_nic_token(struct xlsim_nic *, const char *,
		    const char *);
static int	 xlsim_nic_parse(struct xlsim_nic *, const char *,
		    const char *);
static void	 xlsim_nic_init(struct xlsim_nic *);
static void	 xlsim_nic_free(struct xlsim_nic *);
static int	 xlsim_nic_setdefault(struct xlsim_nic *);
static void	 xlsim_nic_kvs(const struct xlsim_nic *, uint32_t,
		    struct xlsim_kvs *, struct xlsim_kvs *, struct xlsim_kvs *);
static int	 xlsim_nextid(uint32_t);
static void	 xlsim_dev_init(struct xlsim_dev *, uint32_t, int,
		    enum xlsim_action, enum xlsim_force);
static int	 xlsim_dev_add(struct xlsim_dev *, struct xlsim_nic *);
static int	 xlsim_dev_add_txn(xs_transaction_t, void *);
static void	 xlsim_dev_wait(struct xlsim_dev *, XenbusState, int);
static void	 xlsim_dev_unwatch(struct xlsim_dev *);
static void	 xlsim_dev_check(struct xlsim_dev *);
static void	 xlsim_dev_backend_cb(struct xlsim_dev *, int);
static void	 xlsim_dev_hotplug(struct xlsim_dev *);
static void	 xlsim_dev_exited(struct xlsim_dev *, int);
static void	 xlsim_dev_timeout(struct xlsim_dev *);
static void	 xlsim_dev_done(struct xlsim_dev *, int);
static void	 xlsim_dev_remove(struct xlsim_dev *);
static int	 xlsim_dev_remove_txn(xs_transaction_t, void *);
static int	 xlsim_dev_destroy_txn(xs_transaction_t, void *);
static void	 xlsim_dev_guest_close(struct xlsim_dev *);
static int	 xlsim_run(struct xlsim_dev *, int);
static void	 xlsim_run_fail(struct xlsim_dev *, int);
static char	**xlsim_hotplug_env(const struct xlsim_dev *, const char *);
static void	 xlsim_sigchld(int);
static int	 xlsim_list_ids(const char *, int *, int);
static int	 xlsim_find_domain(const char *, uint32_t *);
static int	 xlsim_domain_exists(uint32_t);
static int	 xlsim_domid_alloc(int);
static int	 xlsim_domain_make_txn(xs_transaction_t, void *);
static int	 xlsim_domain_post_txn(xs_transaction_t, void *);
static int	 xlsim_domain_destroy(uint32_t);
static int	 xlsim_destroy_report(uint32_t, const char *, int64_t);
static int	 xlsim_devices_destroy(uint32_t);
static void	 xlsim_lex_next(struct xlsim_lex *);
static int	 xlsim_cfg_error(struct xlsim_lex *, const char *);
static int	 xlsim_cfg_parse(const char *, struct xlsim_domcfg *);
static int	 xlsim_cfg_value(struct xlsim_lex *, const char *,
		    struct xlsim_domcfg *);
static char	*xlsim_file(const char *);
static void	 xlsim_setstr(char **, const char *);
static void	 xlsim_strv_free(char **);
static int	 xlsim_timeouts(const char *);

static const struct xlsim_cmd xlsim_cmds[] = {
	{ "create",		xlsim_cmd_create },
	{ "network-attach",	xlsim_cmd_attach },
	{ "network-detach",	xlsim_cmd_detach },
	{ "destroy",		xlsim_cmd_destroy },
	{ "shutdown",		xlsim_cmd_shutdown },
	{ "list",		xlsim_cmd_list },
	{ "network-list",	xlsim_cmd_netlist },
	{ NULL,			NULL }
};

static struct xs_handle	*xlsim_xs;
static const char	*xlsim_simdir;
static const char	*xlsim_scripts = XLSIM_SCRIPT_DIR;
static int		 xlsim_sigpipe[2] = { -1, -1 };
static int		 xlsim_tmo_init = XLSIM_INIT_TIMEOUT;
static int		 xlsim_tmo_destroy = XLSIM_DESTROY_TIMEOUT;
static int		 xlsim_tmo_hotplug = XLSIM_HOTPLUG_TIMEOUT;
static const char	*xlsim_cfgsrc = "command line";

static void
xlsim_usage(void)
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
 * xlsim_log: print a message the way xl's stdio logger prints libxl's:
 * "libxl: error: libxl_device.c:1181:device_backend_callback: Domain 1:
 * unable to ...".  domid < 0 leaves out the "Domain N:" part; errnoval
 * >= 0 appends ": strerror".  Debug messages need -v.  S_XLSIM
 * messages are our own: "xl-sim: error: ...".
 */
static void
xlsim_log(enum xlsim_level lvl, enum xlsim_site site, int domid,
    int errnoval, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warning", "error" };
	static const enum slog_level levels[] = { SLOG_DEBUG, SLOG_INFO,
	    SLOG_WARN, SLOG_WARN };
	const struct xlsim_sitedef *sd = &xlsim_sites[site];
	char dom[24] = "", msg[1024];
	va_list ap;

	if (lvl == XLSIM_DEBUG && slog_verbosity() == 0)
		return;
	if (domid >= 0)
		snprintf(dom, sizeof(dom), "Domain %d:", domid);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (site == S_XLSIM)
		slog_log(levels[lvl], NULL, errnoval, "%s: %s%s", names[lvl],
		    dom, msg);
	else
		slog_log(levels[lvl], "libxl", errnoval, "%s: %s:%d:%s: %s%s",
		    names[lvl], sd->sd_file, sd->sd_line, sd->sd_func, dom,
		    msg);
}

/* xlsim_now: monotonic time in milliseconds. */
static int64_t
xlsim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* xlsim_fmt: snprintf that fails (-1, ENAMETOOLONG) on truncation. */
static int
xlsim_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	return (0);
}

/* xlsim_random: len random bytes from /dev/urandom (else a weak PRNG). */
static void
xlsim_random(void *buf, size_t len)
{
	static int seeded;
	unsigned char *p = buf;
	ssize_t n = -1;
	size_t i;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, len);
		close(fd);
	}
	if (n == (ssize_t)len)
		return;
	if (!seeded) {
		srandom((unsigned int)(time(NULL) ^ getpid()));
		seeded = 1;
	}
	for (i = 0; i < len; i++)
		p[i] = (unsigned char)random();
}

/*
 * xlsim_open: connect to xenstore (libxenstore honours XENSTORED_PATH)
 * and set up the SIGCHLD self-pipe.  Returns 0, or -1 after a message.
 */
static int
xlsim_open(void)
{
	struct sigaction sa;
	int i;

	xlsim_xs = xs_open(0);
	if (xlsim_xs == NULL) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno,
		    "cannot connect to xenstore (XENSTORED_PATH=%s)",
		    getenv("XENSTORED_PATH") != NULL ?
		    getenv("XENSTORED_PATH") : "unset");
		return (-1);
	}
	if (pipe(xlsim_sigpipe) == -1) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno, "pipe");
		return (-1);
	}
	for (i = 0; i < 2; i++) {
		fcntl(xlsim_sigpipe[i], F_SETFD, FD_CLOEXEC);
		fcntl(xlsim_sigpipe[i], F_SETFL,
		    fcntl(xlsim_sigpipe[i], F_GETFL) | O_NONBLOCK);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = xlsim_sigchld;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	if (sigaction(SIGCHLD, &sa, NULL) == -1) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno, "sigaction");
		return (-1);
	}
	return (0);
}

/* xlsim_sigchld: wake the event loop; the loop reaps. */
static void
xlsim_sigchld(int sig)
{
	int save = errno;
	char c = 'c';

	(void)sig;
	if (write(xlsim_sigpipe[1], &c, 1) == -1) {
		/* the pipe is full: a wakeup is pending anyway */
	}
	errno = save;
}

/*
 * xenstore helpers.  Values are returned NUL terminated and malloc'ed
 * (free them); NULL means absent (errno ENOENT) or an error.
 */
static char *
xlsim_read(xs_transaction_t t, const char *path)
{
	unsigned int len;
	char *v;

	v = xs_read(xlsim_xs, t, path, &len);
	return (v);
}

/* xlsim_readint: read a decimal node; -1 if absent or not a number. */
static int
xlsim_readint(xs_transaction_t t, const char *path, long *val)
{
	unsigned long long n;
	char *v;
	int rc;

	v = xlsim_read(t, path);
	if (v == NULL)
		return (-1);
	rc = num_parse(v, LONG_MAX, &n);
	if (rc == 0)
		*val = (long)n;
	free(v);
	return (rc);
}

static int
xlsim_write(xs_transaction_t t, const char *path, const char *val)
{

	if (!xs_write(xlsim_xs, t, path, val, strlen(val)))
		return (-1);
	return (0);
}

/* xlsim_write_state: write state s to path, in decimal as libxl does. */
static int
xlsim_write_state(xs_transaction_t t, const char *path, XenbusState s)
{
	char v[12];

	snprintf(v, sizeof(v), "%d", (int)s);
	return (xlsim_write(t, path, v));
}

/* xlsim_mknod: an empty node with the given permissions. */
static int
xlsim_mknod(xs_transaction_t t, const char *path,
    struct xs_permissions *perms, unsigned int nperms)
{

	if (xlsim_write(t, path, "") == -1 ||
	    !xs_set_permissions(xlsim_xs, t, path, perms, nperms))
		return (-1);
	return (0);
}

/* xlsim_rm: remove a subtree; a missing one is not an error. */
static int
xlsim_rm(xs_transaction_t t, const char *path)
{

	if (!xs_rm(xlsim_xs, t, path) && errno != ENOENT)
		return (-1);
	return (0);
}

/*
 * xlsim_path_cleanup: remove path, then each parent that became an
 * empty directory with an empty value (libxl__xs_path_cleanup).  Returns
 * 0, or -1 if path itself could not be removed.
 */
static int
xlsim_path_cleanup(xs_transaction_t t, const char *path)
{
	char buf[XLSIM_PATHLEN], *last, *v, **ents;
	unsigned int n;
	int empty;

	if (xlsim_fmt(buf, sizeof(buf), "%s", path) == -1)
		return (-1);
	if (!xs_rm(xlsim_xs, t, buf))
		return (-1);
	while ((last = strrchr(buf, '/')) != NULL) {
		*last = '\0';
		if (buf[0] == '\0')
			break;
		v = xlsim_read(t, buf);
		empty = v != NULL && v[0] == '\0';
		free(v);
		if (!empty)
			break;
		ents = xs_directory(xlsim_xs, t, buf, &n);
		free(ents);
		if (ents == NULL || n != 0)
			break;
		if (!xs_rm(xlsim_xs, t, buf))
			return (-1);
	}
	return (0);
}

/*
 * xlsim_txn: run fn(t, arg) inside a xenstore transaction and commit,
 * starting over while the commit fails with EAGAIN (libxl's loop).
 * fn returns 0 to commit, or an error (< 0) to abort.  Returns 0, fn's
 * error, or XLSIM_ERROR_FAIL if xenstore failed.
 */
static int
xlsim_txn(int (*fn)(xs_transaction_t, void *), void *arg)
{
	xs_transaction_t t;
	int rc;

	for (;;) {
		t = xs_transaction_start(xlsim_xs);
		if (t == XBT_NULL) {
			xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno,
			    "xs_transaction_start failed");
			return (XLSIM_ERROR_FAIL);
		}
		rc = fn(t, arg);
		if (rc != 0) {
			xs_transaction_end(xlsim_xs, t, true);
			return (rc);
		}
		if (xs_transaction_end(xlsim_xs, t, false))
			return (0);
		if (errno != EAGAIN) {
			xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno,
			    "xs transaction failed");
			return (XLSIM_ERROR_FAIL);
		}
	}
}

/* xlsim_kv_add: append key = printf(fmt, ...) to kvs (bounded). */
static void
xlsim_kv_add(struct xlsim_kvs *kvs, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (kvs->kv_n >= XLSIM_MAXKV)
		abort();	/* a programming error: XLSIM_MAXKV too small */
	kvs->kv_key[kvs->kv_n] = key;
	va_start(ap, fmt);
	vsnprintf(kvs->kv_val[kvs->kv_n], XLSIM_VALLEN, fmt, ap);
	va_end(ap);
	kvs->kv_n++;
}

/*
 * xlsim_kv_write: write every dir/key = value of kvs; with perms, set
 * them on each key (libxl__xs_writev_perms).  Returns 0 or -1.
 */
static int
xlsim_kv_write(xs_transaction_t t, const char *dir,
    const struct xlsim_kvs *kvs, struct xs_permissions *perms,
    unsigned int nperms)
{
	char path[XLSIM_PATHLEN];
	int i;

	for (i = 0; i < kvs->kv_n; i++) {
		if (xlsim_fmt(path, sizeof(path), "%s/%s", dir,
		    kvs->kv_key[i]) == -1 ||
		    xlsim_write(t, path, kvs->kv_val[i]) == -1)
			return (-1);
		if (perms != NULL &&
		    !xs_set_permissions(xlsim_xs, t, path, perms, nperms))
			return (-1);
	}
	return (0);
}

/*
 * vif specifications (xl_parse.c parse_nic_config, libxlu_vif.c).
 */

/* xlsim_parse_mac: six 1-2 digit hex octets separated by ':' or '-'. */
static int
xlsim_parse_mac(const char *s, uint8_t *mac)
{
	unsigned long v;
	char *end;
	int i;

	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]))
			return (-1);
		v = strtoul(s, &end, 16);
		if (v > 255 || end - s > 2)
			return (-1);
		mac[i] = (uint8_t)v;
		if (i < 5 && *end != ':' && *end != '-')
			return (-1);
		s = end + (i < 5 ? 1 : 0);
	}
	return (*s == '\0' ? 0 : -1);
}

/*
 * xlsim_parse_rate: "RATE[@INTERVAL]" with RATE = N[GMK](B|b)/s and
 * INTERVAL = N[m|u][s] (default 50 ms), as xlu_vif_parse_rate.  Fills
 * n_rate_bytes (bytes per interval) and n_rate_usecs.
 */
static int
xlsim_parse_rate(const char *src, const char *rate, struct xlsim_nic *nic)
{
	char buf[128], *iv, *p;
	unsigned long long bps, usecs = 50000;
	size_t n;

	if (xlsim_fmt(buf, sizeof(buf), "%s", rate) == -1)
		goto bad;
	iv = strchr(buf, '@');
	if (iv != NULL)
		*iv++ = '\0';
	if (buf[0] == '\0') {
		fprintf(stderr, "%s: config parsing error in vif: "
		    "no rate specified in `%s'\n", src, rate);
		return (-1);
	}
	n = strspn(buf, "0123456789");
	if (num_parsen(buf, n, UINT32_MAX, &bps) == -1 || bps == 0)
		goto bad;
	p = buf + n;
	if (*p == 'G' || *p == 'M' || *p == 'K') {
		bps *= *p == 'G' ? 1000000000ULL : *p == 'M' ? 1000000ULL :
		    1000ULL;
		p++;
	}
	if (*p == 'b')
		bps /= 8;
	else if (*p != 'B')
		goto bad;
	if (strcmp(p + 1, "/s") != 0)
		goto bad;
	if (iv != NULL) {
		n = strspn(iv, "0123456789");
		if (num_parsen(iv, n, UINT32_MAX, &usecs) == -1 ||
		    usecs == 0)
			goto bad;
		p = iv + n;
		if (*p == 'm')
			usecs *= 1000, p++;
		else if (*p == 'u')
			p++;
		else
			usecs *= 1000000;
		if (*p == 's')
			p++;
		if (*p != '\0' || usecs > UINT32_MAX)
			goto bad;
	}
	nic->n_rate_bytes = bps * usecs / 1000000;
	nic->n_rate_usecs = (uint32_t)usecs;
	return (0);
bad:
	fprintf(stderr, "%s: config parsing error in vif: invalid rate "
	    "in `%s'\n", src, rate);
	return (-1);
}

/* xlsim_setstr: replace *dst by a copy of val. */
static void
xlsim_setstr(char **dst, const char *val)
{

	free(*dst);
	*dst = strdup(val);
	if (*dst == NULL) {
		slog_fatal("strdup");
	}
}

/*
 * xlsim_nic_token: apply one "key=value" (or "trusted"/"untrusted") of
 * a vif spec.  Returns 0, or -1 after xl's message for bad input.
 */
static int
xlsim_nic_token(struct xlsim_nic *nic, const char *src, const char *tok)
{
	const char *eq = strchr(tok, '=');
	const char *val = eq != NULL ? eq + 1 : "";
	size_t klen = eq != NULL ? (size_t)(eq - tok) : strlen(tok);
	unsigned long long ul;
	char key[32];

	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, tok, klen);
	key[klen] = '\0';
	if (eq == NULL) {
		if (strcmp(tok, "trusted") == 0)
			nic->n_trusted = 1;
		else if (strcmp(tok, "untrusted") == 0)
			nic->n_trusted = 0;
		else
			goto unknown;
		return (0);
	}
	if (strcmp(key, "type") == 0) {
		if (strcmp(val, "ioemu") == 0) {
			xlsim_log(XLSIM_ERROR, S_NIC_IOEMU, -1, -1,
			    "trying to create PV or PVH guest with an "
			    "emulated interface");
			return (-1);
		}
		if (strcmp(val, "vif") != 0) {
			fprintf(stderr, "Invalid parameter `type'.\n");
			return (-1);
		}
	} else if (strcmp(key, "mac") == 0) {
		if (xlsim_parse_mac(val, nic->n_mac) == -1) {
			fprintf(stderr, "Invalid parameter `mac'.\n");
			return (-1);
		}
		nic->n_mac_set = 1;
	} else if (strcmp(key, "bridge") == 0) {
		xlsim_setstr(&nic->n_bridge, val);
	} else if (strcmp(key, "netdev") == 0 ||
	    strcmp(key, "gatewaydev") == 0) {
		if (key[0] == 'n')
			fprintf(stderr, "the netdev parameter is deprecated, "
			    "please use gatewaydev instead\n");
		xlsim_setstr(&nic->n_gatewaydev, val);
	} else if (strcmp(key, "ip") == 0) {
		xlsim_setstr(&nic->n_ip, val);
	} else if (strcmp(key, "script") == 0) {
		xlsim_setstr(&nic->n_script, val);
	} else if (strcmp(key, "vifname") == 0) {
		xlsim_setstr(&nic->n_ifname, val);
	} else if (strcmp(key, "model") == 0) {
		/* emulated NIC model: meaningless for a PV guest */
	} else if (strcmp(key, "backend") == 0) {
		if (strcmp(val, "0") != 0 && strcmp(val, "Domain-0") != 0) {
			slog_warnx("backend=%s: driver domains are not "
			    "simulated (only dom0)", val);
			return (-1);
		}
	} else if (strcmp(key, "rate") == 0) {
		if (xlsim_parse_rate(src, val, nic) == -1)
			return (-1);
	} else if (strcmp(key, "accel") == 0) {
		fprintf(stderr, "the accel parameter for vifs is currently "
		    "not supported\n");
	} else if (strcmp(key, "devid") == 0) {
		if (num_parse(val, XLSIM_MAX_DOMID, &ul) == -1) {
			fprintf(stderr, "Invalid parameter `devid'.\n");
			return (-1);
		}
		nic->n_devid = (int)ul;
	} else if (strcmp(key, "mtu") == 0) {
		if (num_parse(val, 65535, &ul) == -1 || ul == 0) {
			fprintf(stderr, "Invalid parameter `mtu'.\n");
			return (-1);
		}
		nic->n_mtu = ul;
	} else if (strcmp(key, "forwarddev") == 0 ||
	    strncmp(key, "colo_", 5) == 0) {
		slog_warnx("`%s': COLO is not simulated", tok);
		return (-1);
	} else
		goto unknown;
	return (0);
unknown:
	fprintf(stderr, "unrecognized argument `%s'\n", tok);
	return (-1);
}

/*
 * xlsim_nic_parse: apply a comma separated vif spec to nic.  Empty
 * items are skipped and leading blanks ignored, as xl does.  Returns 0
 * or -1 (message printed).
 */
static int
xlsim_nic_parse(struct xlsim_nic *nic, const char *src, const char *spec)
{
	char *buf, *p, *save = NULL;
	int rc = 0;

	buf = strdup(spec);
	if (buf == NULL) {
		slog_warn("strdup");
		return (-1);
	}
	for (p = strtok_r(buf, ",", &save); p != NULL && rc == 0;
	    p = strtok_r(NULL, ",", &save)) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '\0')
			rc = xlsim_nic_token(nic, src, p);
	}
	free(buf);
	return (rc);
}

static void
xlsim_nic_init(struct xlsim_nic *nic)
{

	memset(nic, 0, sizeof(*nic));
	nic->n_devid = -1;
	nic->n_trusted = 1;
}

static void
xlsim_nic_free(struct xlsim_nic *nic)
{

	free(nic->n_bridge);
	free(nic->n_script);
	free(nic->n_ifname);
	free(nic->n_ip);
	free(nic->n_gatewaydev);
	xlsim_nic_init(nic);
}

/*
 * xlsim_nic_setdefault: libxl__device_nic_setdefault: a random
 * 00:16:3e MAC, bridge xenbr0, script vif-bridge, and the script made
 * absolute against the scripts directory (libxl__abs_path).
 */
static int
xlsim_nic_setdefault(struct xlsim_nic *nic)
{
	char path[XLSIM_VALLEN];
	uint8_t r[3];

	if (!nic->n_mac_set) {
		xlsim_random(r, sizeof(r));
		nic->n_mac[0] = 0x00;
		nic->n_mac[1] = 0x16;
		nic->n_mac[2] = 0x3e;
		nic->n_mac[3] = r[0] & 0x7f;
		nic->n_mac[4] = r[1];
		nic->n_mac[5] = r[2];
		nic->n_mac_set = 1;
	}
	if (nic->n_bridge == NULL)
		xlsim_setstr(&nic->n_bridge, "xenbr0");
	if (nic->n_script == NULL)
		xlsim_setstr(&nic->n_script, "vif-bridge");
	if (nic->n_script[0] != '/') {
		if (xlsim_fmt(path, sizeof(path), "%s/%s", xlsim_scripts,
		    nic->n_script) == -1) {
			xlsim_log(XLSIM_ERROR, S_XLSIM, -1, -1,
			    "script path too long");
			return (-1);
		}
		xlsim_setstr(&nic->n_script, path);
	}
	if (nic->n_mtu == 0)
		nic->n_mtu = XLSIM_MTU_DEFAULT;
	return (0);
}

/*
 * xlsim_nic_kvs: the keys libxl writes for a vif, in libxl's order
 * (libxl__device_add_async + libxl__set_xenstore_nic): back = backend
 * dir (and the /libxl copy), front = frontend dir owned by the guest,
 * ro = frontend keys read-only to the guest.
 */
static void
xlsim_nic_kvs(const struct xlsim_nic *nic, uint32_t domid,
    struct xlsim_kvs *back, struct xlsim_kvs *front, struct xlsim_kvs *ro)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
	    nic->n_mac[0], nic->n_mac[1], nic->n_mac[2], nic->n_mac[3],
	    nic->n_mac[4], nic->n_mac[5]);
	memset(back, 0, sizeof(*back));
	memset(front, 0, sizeof(*front));
	memset(ro, 0, sizeof(*ro));
	xlsim_kv_add(back, "frontend-id", "%u", domid);
	xlsim_kv_add(back, "online", "1");
	xlsim_kv_add(back, "state", "%d", XenbusStateInitialising);
	xlsim_kv_add(front, "backend-id", "0");
	xlsim_kv_add(front, "state", "%d", XenbusStateInitialising);
	xlsim_kv_add(back, "script", "%s", nic->n_script);
	if (nic->n_ifname != NULL)
		xlsim_kv_add(back, "vifname", "%s", nic->n_ifname);
	xlsim_kv_add(back, "mac", "%s", mac);
	if (nic->n_ip != NULL)
		xlsim_kv_add(back, "ip", "%s", nic->n_ip);
	if (nic->n_gatewaydev != NULL)
		xlsim_kv_add(back, "gatewaydev", "%s", nic->n_gatewaydev);
	if (nic->n_rate_usecs > 0)
		xlsim_kv_add(back, "rate", "%" PRIu64 ",%" PRIu32,
		    nic->n_rate_bytes, nic->n_rate_usecs);
	if (nic->n_mtu != XLSIM_MTU_DEFAULT)
		xlsim_kv_add(back, "mtu", "%lu", nic->n_mtu);
	xlsim_kv_add(back, "bridge", "%s", nic->n_bridge);
	xlsim_kv_add(back, "handle", "%d", nic->n_devid);
	xlsim_kv_add(back, "type", "vif");
	xlsim_kv_add(front, "handle", "%d", nic->n_devid);
	xlsim_kv_add(front, "mac", "%s", mac);
	xlsim_kv_add(ro, "mtu", "%lu", nic->n_mtu);
	/* libxl: the backend waits for the hotplug script */
	xlsim_kv_add(back, "hotplug-status", "%s", "");
	xlsim_kv_add(front, "trusted", "%d", nic->n_trusted);
}

/*
 * xlsim_list_ids: the numeric children of dir, ascending, into ids
 * (at most max).  Returns how many, or -1 with errno (ENOENT: no dir).
 */
static int
xlsim_list_ids(const char *dir, int *ids, int max)
{
	unsigned long long v;
	unsigned int i, n;
	char **ents;
	int cnt = 0, j, k;

	ents = xs_directory(xlsim_xs, XBT_NULL, dir, &n);
	if (ents == NULL)
		return (-1);
	for (i = 0; i < n && cnt < max; i++) {
		if (num_parse(ents[i], INT_MAX, &v) == -1)
			continue;
		/* insertion sort: these lists are short */
		for (j = cnt; j > 0 && (unsigned long long)ids[j - 1] > v; j--)
			ids[j] = ids[j - 1];
		ids[j] = (int)v;
		cnt++;
	}
	free(ents);
	/* drop duplicates (cannot happen in xenstore, but be safe) */
	for (j = 1, k = cnt > 0 ? 1 : 0; j < cnt; j++)
		if (ids[j] != ids[k - 1])
			ids[k++] = ids[j];
	return (k);
}

/* xlsim_nextid: the next free vif devid of domid (libxl__device_nextid). */
static int
xlsim_nextid(uint32_t domid)
{
	int ids[XLSIM_MAX_NICS * 4], n;
	char dir[XLSIM_PATHLEN];

	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	n = xlsim_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	if (n <= 0)
		return (0);
	return (ids[n - 1] + 1);
}

/*
 * Device operations.  Each struct xlsim_dev goes through libxl's
 * sequence: [write] -> wait for a backend state (watch + deadline) ->
 * hotplug script (fork/exec + deadline) -> done [-> remove nodes].
 * xlsim_run() drives any number of them at once, as libxl's multidev.
 */

static void
xlsim_dev_init(struct xlsim_dev *dv, uint32_t domid, int devid,
    enum xlsim_action action, enum xlsim_force force)
{

	memset(dv, 0, sizeof(*dv));
	dv->dv_domid = domid;
	dv->dv_devid = devid;
	dv->dv_action = action;
	dv->dv_force = force;
	dv->dv_phase = XLSIM_PH_DONE;
	dv->dv_deadline = -1;
	dv->dv_pid = -1;
	snprintf(dv->dv_be, sizeof(dv->dv_be),
	    "/local/domain/0/backend/vif/%u/%d", domid, devid);
	snprintf(dv->dv_fe, sizeof(dv->dv_fe),
	    "/local/domain/%u/device/vif/%d", domid, devid);
	snprintf(dv->dv_lx, sizeof(dv->dv_lx),
	    "/libxl/%u/device/vif/%d", domid, devid);
}

struct xlsim_addarg {
	struct xlsim_dev	*aa_dev;
	struct xlsim_kvs	 aa_back;
	struct xlsim_kvs	 aa_front;
	struct xlsim_kvs	 aa_ro;
};

/*
 * xlsim_dev_add_txn: the body of libxl__device_add_async's transaction:
 * refuse an existing device, then libxl__device_generic_add.
 */
static int
xlsim_dev_add_txn(xs_transaction_t t, void *arg)
{
	struct xlsim_addarg *aa = arg;
	struct xlsim_dev *dv = aa->aa_dev;
	struct xs_permissions feperm[2], roperm[2];
	char path[XLSIM_PATHLEN], *v;

	v = xlsim_read(t, dv->dv_lx);
	if (v != NULL) {
		free(v);
		xlsim_log(XLSIM_ERROR, S_DEV_EXISTS, (int)dv->dv_domid, -1,
		    "device already exists in xenstore");
		return (XLSIM_ERROR_DEVICE_EXISTS);
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

	if (xlsim_rm(t, dv->dv_lx) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/frontend", dv->dv_lx);
	if (xlsim_write(t, path, dv->dv_fe) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/backend", dv->dv_lx);
	if (xlsim_write(t, path, dv->dv_be) == -1)
		goto fail;

	if (xlsim_rm(t, dv->dv_fe) == -1 ||
	    !xs_mkdir(xlsim_xs, t, dv->dv_fe) ||
	    !xs_set_permissions(xlsim_xs, t, dv->dv_fe, feperm, 2))
		goto fail;
	snprintf(path, sizeof(path), "%s/backend", dv->dv_fe);
	if (xlsim_write(t, path, dv->dv_be) == -1 ||
	    xlsim_kv_write(t, dv->dv_fe, &aa->aa_front, feperm, 2) == -1 ||
	    xlsim_kv_write(t, dv->dv_fe, &aa->aa_ro, roperm, 2) == -1)
		goto fail;

	if (xlsim_rm(t, dv->dv_be) == -1 ||
	    !xs_mkdir(xlsim_xs, t, dv->dv_be) ||
	    !xs_set_permissions(xlsim_xs, t, dv->dv_be, roperm, 2))
		goto fail;
	snprintf(path, sizeof(path), "%s/frontend", dv->dv_be);
	if (xlsim_write(t, path, dv->dv_fe) == -1 ||
	    xlsim_kv_write(t, dv->dv_be, &aa->aa_back, NULL, 0) == -1 ||
	    xlsim_kv_write(t, dv->dv_lx, &aa->aa_back, NULL, 0) == -1)
		goto fail;
	return (0);
fail:
	xlsim_log(XLSIM_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
	    "writing device %s to xenstore failed", dv->dv_be);
	return (XLSIM_ERROR_FAIL);
}

/*
 * xlsim_dev_add: write nic's nodes for dv (one transaction, retried on
 * EAGAIN) and start waiting for the backend's InitWait.  The nic must
 * have its defaults and devid set.  On failure dv is done with dv_rc.
 */
static int
xlsim_dev_add(struct xlsim_dev *dv, struct xlsim_nic *nic)
{
	struct xlsim_addarg *aa;
	int rc;

	aa = calloc(1, sizeof(*aa));
	if (aa == NULL) {
		xlsim_dev_done(dv, XLSIM_ERROR_FAIL);
		return (-1);
	}
	aa->aa_dev = dv;
	xlsim_nic_kvs(nic, dv->dv_domid, &aa->aa_back, &aa->aa_front,
	    &aa->aa_ro);
	rc = xlsim_txn(xlsim_dev_add_txn, aa);
	free(aa);
	if (rc != 0) {
		xlsim_dev_done(dv, rc);
		return (-1);
	}
	xlsim_dev_wait(dv, XenbusStateInitWait, xlsim_tmo_init);
	return (0);
}

/*
 * xlsim_dev_wait: wait (watch on <backend>/state, deadline timeout_s)
 * for the backend state wanted (libxl__ev_devstate_wait).  The event
 * every new watch fires at once covers a state already reached.
 */
static void
xlsim_dev_wait(struct xlsim_dev *dv, XenbusState wanted, int timeout_s)
{
	char path[XLSIM_PATHLEN];

	dv->dv_phase = XLSIM_PH_WAIT;
	dv->dv_wanted = wanted;
	dv->dv_deadline = xlsim_now() + (int64_t)timeout_s * 1000;
	dv->dv_gen++;
	snprintf(dv->dv_token, sizeof(dv->dv_token), "xlsim:%p:%u",
	    (void *)dv, dv->dv_gen);
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	if (!xs_watch(xlsim_xs, path, dv->dv_token)) {
		xlsim_log(XLSIM_ERROR, S_DEV_INIT_FAIL, (int)dv->dv_domid,
		    errno, "unable to watch %s", path);
		xlsim_dev_done(dv, XLSIM_ERROR_FAIL);
		return;
	}
	/* xenstored fires the new watch once: that checks the state now */
	dv->dv_watching = 1;
}

static void
xlsim_dev_unwatch(struct xlsim_dev *dv)
{
	char path[XLSIM_PATHLEN];

	if (!dv->dv_watching)
		return;
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	xs_unwatch(xlsim_xs, path, dv->dv_token);
	dv->dv_watching = 0;
}

/*
 * xlsim_dev_check: a watch fired (or the wait began): compare the
 * backend state with the one waited for (libxl's devstate_callback,
 * whose messages give states as numbers: so do ours).
 */
static void
xlsim_dev_check(struct xlsim_dev *dv)
{
	char path[XLSIM_PATHLEN], *v;
	int got;

	if (dv->dv_phase != XLSIM_PH_WAIT)
		return;
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	v = xlsim_read(XBT_NULL, path);
	/*
	 * atoi(), not num_parse(): a state is read as leniently as libxl's
	 * devstate_callback and Linux's xenbus_read_driver_state() do.
	 */
	if (dv->dv_action == XLSIM_GUEST_CLOSE) {
		got = v != NULL ? atoi(v) : XenbusStateClosed;
		free(v);
		if (got >= XenbusStateClosing)
			xlsim_dev_guest_close(dv);
		return;
	}
	if (v == NULL) {
		xlsim_log(XLSIM_DEBUG, S_EV_REMOVED, -1, -1,
		    "backend %s wanted state %d but it was removed", path,
		    dv->dv_wanted);
		xlsim_dev_backend_cb(dv, XLSIM_ERROR_INVAL);
		return;
	}
	got = atoi(v);
	free(v);
	if (got == (int)dv->dv_wanted) {
		xlsim_log(XLSIM_DEBUG, S_EV_OK, -1, -1,
		    "backend %s wanted state %d ok", path, dv->dv_wanted);
		xlsim_dev_backend_cb(dv, 0);
	} else
		xlsim_log(XLSIM_DEBUG, S_EV_WAITING, -1, -1,
		    "backend %s wanted state %d still waiting state %d",
		    path, dv->dv_wanted, got);
}

/*
 * xlsim_dev_backend_cb: the wait ended with rc (libxl's
 * device_backend_callback): a removal that timed out is retried by
 * force once; any other error ends the operation; success runs the
 * hotplug script.
 */
static void
xlsim_dev_backend_cb(struct xlsim_dev *dv, int rc)
{

	xlsim_dev_unwatch(dv);
	dv->dv_deadline = -1;
	if (rc == XLSIM_ERROR_TIMEDOUT && dv->dv_action == XLSIM_REMOVE &&
	    dv->dv_force == XLSIM_FORCE_AUTO) {
		xlsim_log(XLSIM_DEBUG, S_DEV_FORCED, (int)dv->dv_domid, -1,
		    "Timeout reached, initiating forced remove");
		dv->dv_force = XLSIM_FORCE_ON;
		xlsim_dev_remove(dv);
		return;
	}
	if (rc != 0) {
		xlsim_log(XLSIM_ERROR, S_DEV_BACKEND_CB, (int)dv->dv_domid, -1,
		    "unable to %s device with path %s",
		    dv->dv_action == XLSIM_ADD ? "add" : "remove", dv->dv_be);
		xlsim_dev_done(dv, rc);
		return;
	}
	xlsim_dev_hotplug(dv);
}

/*
 * xlsim_hotplug_env: the environment of a vif hotplug script: ours with
 * libxl's variables set (get_hotplug_env in libxl_linux.c): script,
 * XENBUS_TYPE, XENBUS_PATH, XENBUS_BASE_PATH, netdev, vif.  Built in the
 * parent so that the child only has to exec.  NULL on failure.
 */
static char **
xlsim_hotplug_env(const struct xlsim_dev *dv, const char *script)
{
	static const char *names[] = { "script", "XENBUS_TYPE",
	    "XENBUS_PATH", "XENBUS_BASE_PATH", "netdev", "vif" };
	const size_t nn = sizeof(names) / sizeof(names[0]);
	char vals[6][XLSIM_VALLEN], path[XLSIM_PATHLEN], *gw;
	char **env;
	size_t i, j, k, n, len;

	snprintf(path, sizeof(path), "%s/gatewaydev", dv->dv_be);
	gw = xlsim_read(XBT_NULL, path);
	snprintf(vals[0], XLSIM_VALLEN, "%s", script);
	snprintf(vals[1], XLSIM_VALLEN, "vif");
	snprintf(vals[2], XLSIM_VALLEN, "backend/vif/%u/%d", dv->dv_domid,
	    dv->dv_devid);
	snprintf(vals[3], XLSIM_VALLEN, "backend");
	snprintf(vals[4], XLSIM_VALLEN, "%s", gw != NULL ? gw : "");
	/* NETBACK_NIC_NAME: libxl always passes vif<domid>.<devid> */
	snprintf(vals[5], XLSIM_VALLEN, "vif%u.%d", dv->dv_domid,
	    dv->dv_devid);
	free(gw);

	for (n = 0; environ[n] != NULL; n++)
		continue;
	env = calloc(n + nn + 1, sizeof(*env));
	if (env == NULL)
		return (NULL);
	for (i = 0, j = 0; i < n; i++) {
		for (k = 0; k < nn; k++) {
			len = strlen(names[k]);
			if (strncmp(environ[i], names[k], len) == 0 &&
			    environ[i][len] == '=')
				break;
		}
		if (k == nn)
			env[j++] = strdup(environ[i]);
	}
	for (i = 0; i < nn; i++) {
		len = strlen(names[i]) + strlen(vals[i]) + 2;
		env[j] = malloc(len);
		if (env[j] != NULL)
			snprintf(env[j], len, "%s=%s", names[i], vals[i]);
		j++;
	}
	env[j] = NULL;
	for (i = 0; i < j; i++)
		if (env[i] == NULL)
			goto fail;
	return (env);
fail:
	for (i = 0; i < j; i++)
		free(env[i]);
	free(env);
	return (NULL);
}

static void
xlsim_strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/*
 * xlsim_dev_hotplug: run the vif hotplug script once per operation
 * (libxl's device_hotplug + libxl__hotplug_nic): argv = script,
 * online|offline, type_if=vif; stdin /dev/null, stdout to our stderr;
 * a deadline of LIBXL_HOTPLUG_TIMEOUT.  The second call finds nothing
 * left to run and ends the operation.
 */
static void
xlsim_dev_hotplug(struct xlsim_dev *dv)
{
	char path[XLSIM_PATHLEN], *script, **env, *argv[4];
	char cannot[XLSIM_VALLEN + 64], cmd[8], typeif[] = "type_if=vif";
	int nullfd;
	pid_t pid;

	if (dv->dv_nexec != 0) {
		xlsim_log(XLSIM_DEBUG, S_DEV_NO_HOTPLUG, (int)dv->dv_domid, -1,
		    "No hotplug script to execute");
		xlsim_dev_done(dv, dv->dv_rc);
		return;
	}
	snprintf(path, sizeof(path), "%s/script", dv->dv_be);
	script = xlsim_read(XBT_NULL, path);
	if (script == NULL) {
		xlsim_log(XLSIM_ERROR, S_DEV_NO_SCRIPT, (int)dv->dv_domid,
		    errno, "unable to read script from %s", dv->dv_be);
		xlsim_dev_done(dv, XLSIM_ERROR_FAIL);
		return;
	}
	snprintf(cmd, sizeof(cmd), "%s",
	    dv->dv_action == XLSIM_ADD ? "online" : "offline");
	env = xlsim_hotplug_env(dv, script);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (env == NULL || nullfd == -1) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
		    "unable to prepare hotplug script %s", script);
		goto fail;
	}
	snprintf(dv->dv_what, sizeof(dv->dv_what), "%s %s", script, cmd);
	snprintf(cannot, sizeof(cannot), "libxl: cannot execute %s: ",
	    script);
	xlsim_log(XLSIM_DEBUG, S_DEV_CALL_HOTPLUG, (int)dv->dv_domid, -1,
	    "calling hotplug script: %s %s", script, cmd);
	xlsim_log(XLSIM_DEBUG, S_AO_FORK, -1, -1, "forking to execute: %s ",
	    dv->dv_what);
	argv[0] = script;
	argv[1] = cmd;
	argv[2] = typeif;
	argv[3] = NULL;
	fflush(stderr);
	pid = fork();
	if (pid == -1) {
		xlsim_log(XLSIM_ERROR, S_AO_FORK, -1, errno, "unable to fork");
		goto fail;
	}
	if (pid == 0) {
		const char *e;

		signal(SIGCHLD, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		dup2(nullfd, STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execve(script, argv, env);
		e = strerror(errno);
		if (write(STDERR_FILENO, cannot, strlen(cannot)) == -1 ||
		    write(STDERR_FILENO, e, strlen(e)) == -1 ||
		    write(STDERR_FILENO, "\n", 1) == -1)
			_exit(255);
		_exit(255);
	}
	close(nullfd);
	xlsim_strv_free(env);
	free(script);
	dv->dv_pid = pid;
	dv->dv_exec_rc = 0;
	dv->dv_phase = XLSIM_PH_HOTPLUG;
	dv->dv_deadline = xlsim_now() + (int64_t)xlsim_tmo_hotplug * 1000;
	return;
fail:
	if (nullfd != -1)
		close(nullfd);
	xlsim_strv_free(env);
	free(script);
	xlsim_dev_done(dv, XLSIM_ERROR_FAIL);
}

/*
 * xlsim_dev_exited: the hotplug script ended with wait status status
 * (libxl's async_exec_done + device_hotplug_child_death_cb).  A failure
 * ends an add; a removal goes on and only remembers the error.
 */
static void
xlsim_dev_exited(struct xlsim_dev *dv, int status)
{
	char path[XLSIM_PATHLEN], *err;
	int rc = dv->dv_exec_rc, sig;
	long pid = (long)dv->dv_pid;

	dv->dv_pid = -1;
	dv->dv_deadline = -1;
	if (status != 0 && rc == 0) {
		if (WIFEXITED(status))
			xlsim_log(XLSIM_ERROR, S_EXEC_STATUS, -1, -1,
			    "%s [%ld] exited with error status %d",
			    dv->dv_what, pid, WEXITSTATUS(status));
		else if (WIFSIGNALED(status)) {
			sig = WTERMSIG(status);
			xlsim_log(XLSIM_ERROR, S_EXEC_STATUS, -1, -1,
			    "%s [%ld] died due to fatal signal %s",
			    dv->dv_what, pid, strsignal(sig));
		}
		snprintf(path, sizeof(path), "%s/hotplug-error", dv->dv_be);
		err = xlsim_read(XBT_NULL, path);
		if (err != NULL)
			xlsim_log(XLSIM_ERROR, S_DEV_SCRIPT_ERROR, -1, -1,
			    "script: %s", err);
		free(err);
		rc = XLSIM_ERROR_FAIL;
	}
	if (rc != 0) {
		if (dv->dv_rc == 0)
			dv->dv_rc = rc;
		if (dv->dv_action == XLSIM_ADD) {
			xlsim_dev_done(dv, dv->dv_rc);
			return;
		}
	}
	dv->dv_nexec++;
	xlsim_dev_hotplug(dv);
}

/* xlsim_dev_timeout: dv's deadline passed. */
static void
xlsim_dev_timeout(struct xlsim_dev *dv)
{
	char path[XLSIM_PATHLEN];

	dv->dv_deadline = -1;
	if (dv->dv_phase == XLSIM_PH_HOTPLUG) {
		/* async_exec_timeout: kill, then wait for the child */
		xlsim_log(XLSIM_ERROR, S_AO_KILL, -1, -1,
		    "killing execution of %s because of timeout", dv->dv_what);
		dv->dv_exec_rc = XLSIM_ERROR_TIMEDOUT;
		if (dv->dv_pid > 0 && kill(dv->dv_pid, SIGKILL) == -1)
			xlsim_log(XLSIM_ERROR, S_AO_KILL, -1, errno,
			    "unable to kill %s [%ld]", dv->dv_what,
			    (long)dv->dv_pid);
		return;
	}
	if (dv->dv_phase != XLSIM_PH_WAIT)
		return;
	if (dv->dv_action == XLSIM_GUEST_CLOSE) {
		xlsim_log(XLSIM_DEBUG, S_XLSIM, -1, -1,
		    "guest: %s timeout closing device", dv->dv_fe);
		xlsim_dev_unwatch(dv);
		xlsim_dev_done(dv, 0);
		return;
	}
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	xlsim_log(XLSIM_DEBUG, S_EV_TIMEDOUT, -1, -1,
	    "backend %s wanted state %d  timed out", path, dv->dv_wanted);
	xlsim_dev_backend_cb(dv, XLSIM_ERROR_TIMEDOUT);
}

/*
 * xlsim_dev_done: end dv with rc (device_hotplug_done): a removal that
 * succeeded, or was forced, takes the device's nodes out of xenstore
 * (libxl__device_destroy).
 */
static void
xlsim_dev_done(struct xlsim_dev *dv, int rc)
{
	int drc;

	xlsim_dev_unwatch(dv);
	dv->dv_deadline = -1;
	if (dv->dv_rc == 0)
		dv->dv_rc = rc;
	dv->dv_phase = XLSIM_PH_DONE;
	if (dv->dv_action == XLSIM_REMOVE &&
	    (dv->dv_force == XLSIM_FORCE_ON || dv->dv_rc == 0)) {
		drc = xlsim_txn(xlsim_dev_destroy_txn, dv);
		if (dv->dv_rc == 0)
			dv->dv_rc = drc;
	}
}

/* xlsim_dev_destroy_txn: libxl__device_destroy as the toolstack dom0. */
static int
xlsim_dev_destroy_txn(xs_transaction_t t, void *arg)
{
	struct xlsim_dev *dv = arg;

	(void)xlsim_path_cleanup(t, dv->dv_fe);
	(void)xlsim_path_cleanup(t, dv->dv_lx);
	(void)xlsim_path_cleanup(t, dv->dv_be);
	return (0);
}

struct xlsim_rmarg {
	struct xlsim_dev	*ra_dev;
	int			 ra_gone;	/* backend state absent */
};

/*
 * xlsim_dev_remove_txn: the transaction of
 * libxl__initiate_device_generic_remove: forced, the frontend goes at
 * once; online=0; state=5 unless already Closed.
 */
static int
xlsim_dev_remove_txn(xs_transaction_t t, void *arg)
{
	struct xlsim_rmarg *ra = arg;
	struct xlsim_dev *dv = ra->ra_dev;
	char path[XLSIM_PATHLEN], *state;
	int closed;

	ra->ra_gone = 0;
	if (dv->dv_force == XLSIM_FORCE_ON)
		(void)xlsim_path_cleanup(t, dv->dv_fe);
	snprintf(path, sizeof(path), "%s/state", dv->dv_be);
	state = xlsim_read(t, path);
	if (state == NULL) {
		ra->ra_gone = 1;
		return (0);
	}
	closed = atoi(state) == XenbusStateClosed;	/* libxl's leniency */
	free(state);
	snprintf(path, sizeof(path), "%s/online", dv->dv_be);
	if (xlsim_write(t, path, "0") == -1)
		goto fail;
	if (!closed) {
		snprintf(path, sizeof(path), "%s/state", dv->dv_be);
		if (xlsim_write_state(t, path, XenbusStateClosing) == -1)
			goto fail;
	}
	return (0);
fail:
	xlsim_log(XLSIM_ERROR, S_XLSIM, (int)dv->dv_domid, errno,
	    "unable to write to xenstore path %s", path);
	return (XLSIM_ERROR_FAIL);
}

/*
 * xlsim_dev_remove: start (or, forced, restart) removing dv: the
 * transaction above, then wait up to LIBXL_DESTROY_TIMEOUT for Closed.
 */
static void
xlsim_dev_remove(struct xlsim_dev *dv)
{
	struct xlsim_rmarg ra;
	int rc;

	ra.ra_dev = dv;
	rc = xlsim_txn(xlsim_dev_remove_txn, &ra);
	if (rc != 0) {
		xlsim_dev_done(dv, rc);
		return;
	}
	if (ra.ra_gone) {
		xlsim_log(XLSIM_INFO, S_DEV_REMOVED_ALREADY, -1, -1,
		    "backend %s already removed, cleanup frontend only",
		    dv->dv_be);
		xlsim_dev_done(dv, 0);
		return;
	}
	xlsim_dev_wait(dv, XenbusStateClosed, xlsim_tmo_destroy);
}

/*
 * xlsim_dev_guest_close: the guest side of a clean shutdown
 * (xenbus_frontend_dev_shutdown + netfront): once the backend is
 * Closing or Closed, the frontend says Closed.
 */
static void
xlsim_dev_guest_close(struct xlsim_dev *dv)
{
	char path[XLSIM_PATHLEN];

	snprintf(path, sizeof(path), "%s/state", dv->dv_fe);
	if (xlsim_write_state(XBT_NULL, path, XenbusStateClosed) == -1)
		xlsim_log(XLSIM_WARN, S_XLSIM, (int)dv->dv_domid, errno,
		    "guest: cannot write %s", path);
	xlsim_dev_done(dv, 0);
}

/*
 * xlsim_run: drive devs[0..n-1] until every one is done: xenstore watch
 * events, hotplug script exits (SIGCHLD self-pipe) and deadlines.
 * Returns 0, or -1 if polling failed (the devices then carry errors).
 */
static int
xlsim_run(struct xlsim_dev *devs, int n)
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
			struct xlsim_dev *dv = &devs[i];

			if (dv->dv_phase == XLSIM_PH_HOTPLUG &&
			    dv->dv_pid > 0) {
				r = waitpid(dv->dv_pid, &status, WNOHANG);
				if (r == dv->dv_pid)
					xlsim_dev_exited(dv, status);
				else if (r == -1 && errno == ECHILD)
					xlsim_dev_exited(dv, 0);
			}
			now = xlsim_now();
			if (dv->dv_phase != XLSIM_PH_DONE &&
			    dv->dv_deadline >= 0 && dv->dv_deadline <= now)
				xlsim_dev_timeout(dv);
			if (dv->dv_phase == XLSIM_PH_DONE)
				continue;
			busy = 1;
			if (dv->dv_deadline >= 0 &&
			    (next < 0 || dv->dv_deadline < next))
				next = dv->dv_deadline;
		}
		if (!busy)
			return (0);
		now = xlsim_now();
		tmo = next < 0 ? -1 : (int)(next > now ? next - now : 0);
		pfd[0].fd = xs_fileno(xlsim_xs);
		pfd[0].events = POLLIN;
		pfd[1].fd = xlsim_sigpipe[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, tmo) == -1) {
			if (errno == EINTR)
				continue;
			xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno, "poll");
			xlsim_run_fail(devs, n);
			return (-1);
		}
		if (pfd[1].revents & POLLIN)
			while (read(xlsim_sigpipe[0], buf, sizeof(buf)) > 0)
				continue;
		if ((pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
			continue;
		while ((vec = xs_check_watch(xlsim_xs)) != NULL) {
			if (sscanf(vec[XS_WATCH_TOKEN], "xlsim:%p:%u", &key,
			    &gen) == 2)
				for (i = 0; i < n; i++)
					if ((void *)&devs[i] == key &&
					    devs[i].dv_gen == gen &&
					    devs[i].dv_watching)
						xlsim_dev_check(&devs[i]);
			free(vec);
		}
		if (errno != EAGAIN) {
			xlsim_log(XLSIM_ERROR, S_XLSIM, -1, errno,
			    "lost the xenstore connection");
			xlsim_run_fail(devs, n);
			return (-1);
		}
	}
}

/* xlsim_run_fail: end every device still in progress with a failure. */
static void
xlsim_run_fail(struct xlsim_dev *devs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (devs[i].dv_pid > 0) {
			kill(devs[i].dv_pid, SIGKILL);
			(void)waitpid(devs[i].dv_pid, NULL, 0);
			devs[i].dv_pid = -1;
		}
		if (devs[i].dv_phase != XLSIM_PH_DONE)
			xlsim_dev_done(&devs[i], XLSIM_ERROR_FAIL);
	}
}

/*
 * Domains.
 */

/*
 * xlsim_find_domain: DOM is a domid (taken as is, as xl does) or a
 * name looked up under /local/domain.  Returns 0, or -1 after xl's
 * message.
 */
static int
xlsim_find_domain(const char *dom, uint32_t *domid)
{
	int ids[1024], n, i;
	char path[XLSIM_PATHLEN], *name;
	unsigned long long v;

	if (num_parse(dom, XLSIM_MAX_DOMID, &v) == 0) {
		*domid = (uint32_t)v;
		return (0);
	}
	n = xlsim_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xlsim_read(XBT_NULL, path);
		if (name != NULL && strcmp(name, dom) == 0) {
			free(name);
			*domid = (uint32_t)ids[i];
			return (0);
		}
		free(name);
	}
	fprintf(stderr, "%s is an invalid domain identifier (rc=%d)\n", dom,
	    XLSIM_ERROR_INVAL);
	return (-1);
}

/*
 * xlsim_domain_exists: the domain is known to xenstore or to the
 * simulated hypervisor (<simdir>/dom<domid>).
 */
static int
xlsim_domain_exists(uint32_t domid)
{
	char path[XLSIM_PATHLEN], *v;
	struct stat st;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	v = xlsim_read(XBT_NULL, path);
	if (v != NULL) {
		free(v);
		return (1);
	}
	if (xlsim_fmt(path, sizeof(path), "%s/dom%u", xlsim_simdir,
	    domid) == 0 && stat(path, &st) == 0)
		return (1);
	return (0);
}

/*
 * xlsim_domid_alloc: want >= 1 if the user asked for that domid (an
 * existing one is an error), else the lowest free domid from 1.
 * Returns the domid or -1 with errno.
 */
static int
xlsim_domid_alloc(int want)
{
	char path[XLSIM_PATHLEN], *v;
	int d;

	if (want > 0) {
		if (xlsim_domain_exists((uint32_t)want)) {
			errno = EEXIST;
			return (-1);
		}
		return (want);
	}
	for (d = 1; d <= XLSIM_MAX_DOMID; d++) {
		if (xlsim_domain_exists((uint32_t)d))
			continue;
		snprintf(path, sizeof(path), "/libxl/%d", d);
		v = xlsim_read(XBT_NULL, path);
		if (v == NULL)
			return (d);
		free(v);
	}
	errno = ENOSPC;
	return (-1);
}

struct xlsim_mkarg {
	uint32_t		 ma_domid;
	const struct xlsim_domcfg *ma_cfg;
	char			 ma_uuid[37];
	int			 ma_name_taken;
};

/*
 * xlsim_domain_make_txn: the xenstore part of libxl__domain_make for a
 * PV guest: /local/domain/<d> (dom0's, readable by the guest) with its
 * standard subdirectories, /vm/<uuid>, /libxl/<d> (dom0 only), the name
 * (unique: libxl__domain_rename).
 */
static int
xlsim_domain_make_txn(xs_transaction_t t, void *arg)
{
	static const char *ro[] = { "cpu", "memory", "device", "control" };
	static const char *rw[] = { "device/suspend/event-channel",
	    "control/shutdown", "control/feature-poweroff",
	    "control/feature-reboot", "control/feature-suspend",
	    "control/sysrq", "data", "drivers", "feature", "attr", "error" };
	struct xlsim_mkarg *ma = arg;
	struct xs_permissions roperm[2], rwperm[1], noperm[1];
	char dom[XLSIM_DEVPATH], vm[XLSIM_DEVPATH], lx[XLSIM_DEVPATH];
	char path[XLSIM_PATHLEN], *name;
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
	n = xlsim_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		if ((uint32_t)ids[i] == ma->ma_domid)
			continue;
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xlsim_read(t, path);
		if (name != NULL && strcmp(name, ma->ma_cfg->dc_name) == 0)
			ma->ma_name_taken = 1;
		free(name);
	}
	if (ma->ma_name_taken)
		return (XLSIM_ERROR_FAIL);

	if (xlsim_rm(t, dom) == -1 || xlsim_mknod(t, dom, roperm, 2) == -1 ||
	    xlsim_rm(t, vm) == -1 || xlsim_mknod(t, vm, roperm, 2) == -1 ||
	    xlsim_rm(t, lx) == -1 || xlsim_mknod(t, lx, noperm, 1) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/device", lx);
	if (xlsim_mknod(t, path, noperm, 1) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/vm", dom);
	if (xlsim_write(t, path, vm) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/name", dom);
	if (xlsim_write(t, path, ma->ma_cfg->dc_name) == -1)
		goto fail;
	for (k = 0; k < sizeof(ro) / sizeof(ro[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dom, ro[k]);
		if (xlsim_mknod(t, path, roperm, 2) == -1)
			goto fail;
	}
	for (k = 0; k < sizeof(rw) / sizeof(rw[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dom, rw[k]);
		if (xlsim_mknod(t, path, rwperm, 1) == -1)
			goto fail;
	}
	snprintf(path, sizeof(path), "%s/uuid", vm);
	if (xlsim_write(t, path, ma->ma_uuid) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/name", vm);
	if (xlsim_write(t, path, ma->ma_cfg->dc_name) == -1)
		goto fail;
	snprintf(path, sizeof(path),
	    "%s/control/platform-feature-multiprocessor-suspend", dom);
	if (xlsim_write(t, path, "1") == -1)
		goto fail;
	snprintf(path, sizeof(path),
	    "%s/control/platform-feature-xs_reset_watches", dom);
	if (xlsim_write(t, path, "1") == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/type", lx);
	if (xlsim_write(t, path, "pv") == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/dm-version", lx);
	if (xlsim_write(t, path, "qemu_xen") == -1)
		goto fail;
	return (0);
fail:
	xlsim_log(XLSIM_ERROR, S_XLSIM, (int)ma->ma_domid, errno,
	    "domain creation: writing %s failed", path);
	return (XLSIM_ERROR_FAIL);
}

/*
 * xlsim_domain_post_txn: libxl__build_post's nodes: memory, domid, the
 * xenstore ring (the sim has none: port and ref are nominal), vcpu 0.
 */
static int
xlsim_domain_post_txn(xs_transaction_t t, void *arg)
{
	struct xlsim_mkarg *ma = arg;
	struct xlsim_kvs kvs;
	char dom[XLSIM_PATHLEN];
	unsigned long kb = ma->ma_cfg->dc_mem * 1024;

	memset(&kvs, 0, sizeof(kvs));
	xlsim_kv_add(&kvs, "memory/static-max", "%lu", kb);
	xlsim_kv_add(&kvs, "memory/target", "%lu", kb);
	xlsim_kv_add(&kvs, "memory/videoram", "0");
	xlsim_kv_add(&kvs, "domid", "%u", ma->ma_domid);
	xlsim_kv_add(&kvs, "store/port", "1");
	xlsim_kv_add(&kvs, "store/ring-ref", "%lu",
	    ma->ma_cfg->dc_mem * 256 - 1);
	xlsim_kv_add(&kvs, "cpu/0/availability", "online");
	snprintf(dom, sizeof(dom), "/local/domain/%u", ma->ma_domid);
	if (xlsim_kv_write(t, dom, &kvs, NULL, 0) == -1) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, (int)ma->ma_domid, errno,
		    "writing %s failed", dom);
		return (XLSIM_ERROR_FAIL);
	}
	return (0);
}

/*
 * xlsim_devices_destroy: remove every device of domid listed under
 * /libxl/<domid>/device/vif, forced, all at once (libxl__devices_destroy
 * with LIBXL__FORCE_ON).  Returns 0 or the first device error.
 */
static int
xlsim_devices_destroy(uint32_t domid)
{
	struct xlsim_dev *devs;
	int ids[XLSIM_MAX_NICS * 4], n, i, rc = 0;
	char dir[XLSIM_PATHLEN];

	snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
	n = xlsim_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	if (n <= 0)
		return (0);
	devs = calloc((size_t)n, sizeof(*devs));
	if (devs == NULL)
		return (XLSIM_ERROR_FAIL);
	for (i = 0; i < n; i++) {
		xlsim_dev_init(&devs[i], domid, ids[i], XLSIM_REMOVE,
		    XLSIM_FORCE_ON);
		xlsim_dev_remove(&devs[i]);
	}
	xlsim_run(devs, n);
	for (i = 0; i < n; i++)
		if (devs[i].dv_rc != 0 && rc == 0)
			rc = devs[i].dv_rc;
	free(devs);
	return (rc);
}

/*
 * xlsim_domain_destroy: libxl_domain_destroy for a domain without a
 * stubdom or device model.  The simulated guest goes first (it can no
 * longer answer: on Xen libxl pauses it), then its devices, its
 * xenstore nodes, and XS_RELEASE makes xenstored fire @releaseDomain.
 * Returns 0 or a libxl error code (messages printed).
 */
static int
xlsim_domain_destroy(uint32_t domid)
{
	char path[XLSIM_PATHLEN], *vm;
	int rc = 0, drc;

	if (!xlsim_domain_exists(domid)) {
		xlsim_log(XLSIM_ERROR, S_DOM_NONEXISTENT, (int)domid, -1,
		    "Non-existant domain");
		xlsim_log(XLSIM_ERROR, S_DOM_UNABLE_GUEST, (int)domid, -1,
		    "Unable to destroy guest");
		xlsim_log(XLSIM_ERROR, S_DOM_DESTROY_CB, (int)domid, -1,
		    "Destruction of domain failed");
		return (XLSIM_ERROR_DOMAIN_NOTFOUND);
	}
	if (simdom_destroy(xlsim_simdir, domid) == -1 && errno != ESRCH) {
		xlsim_log(XLSIM_ERROR, S_DOM_XC_DESTROY, (int)domid, errno,
		    "xc_domain_destroy failed");
		rc = XLSIM_ERROR_FAIL;
	}
	drc = xlsim_devices_destroy(domid);
	if (drc != 0)
		xlsim_log(XLSIM_ERROR, S_DOM_DEVS_FAILED, (int)domid, -1,
		    "libxl__devices_destroy failed");

	snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
	vm = xlsim_read(XBT_NULL, path);
	if (vm != NULL && strncmp(vm, "/vm/", 4) == 0 &&
	    xlsim_rm(XBT_NULL, vm) == -1)
		xlsim_log(XLSIM_ERROR, S_DOM_XS_RM, (int)domid, errno,
		    "xs_rm failed for %s", vm);
	free(vm);
	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if (xlsim_rm(XBT_NULL, path) == -1)
		xlsim_log(XLSIM_ERROR, S_DOM_XS_RM, (int)domid, errno,
		    "xs_rm failed for %s", path);
	snprintf(path, sizeof(path), "/libxl/%u", domid);
	(void)xlsim_rm(XBT_NULL, path);
	if (!xs_release_domain(xlsim_xs, domid))
		xlsim_log(XLSIM_WARN, S_XLSIM, (int)domid, errno,
		    "xs_release_domain failed");
	if (rc != 0) {
		xlsim_log(XLSIM_ERROR, S_DOM_UNABLE_GUEST, (int)domid, -1,
		    "Unable to destroy guest");
		xlsim_log(XLSIM_ERROR, S_DOM_DESTROY_CB, (int)domid, -1,
		    "Destruction of domain failed");
	}
	return (rc);
}

/*
 * The xl config file: "key = value" lines, values "string", 'string',
 * numbers or [ list, ... ] over several lines, # comments.  Only name,
 * memory and vif are used; other keys are accepted and ignored.
 */

/* xlsim_lex_next: read the next token into lx. */
static void
xlsim_lex_next(struct xlsim_lex *lx)
{
	const char *p = lx->lx_p;
	size_t n = 0;
	char q;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (*p == '#')
		while (*p != '\0' && *p != '\n')
			p++;
	lx->lx_text[0] = '\0';
	if (*p == '\0') {
		lx->lx_tok = T_EOF;
	} else if (*p == '\n') {
		lx->lx_tok = T_EOL;
		lx->lx_line++;
		p++;
	} else if (*p == '"' || *p == '\'') {
		q = *p++;
		while (*p != '\0' && *p != q && *p != '\n') {
			if (n + 1 < sizeof(lx->lx_text))
				lx->lx_text[n++] = *p;
			p++;
		}
		lx->lx_text[n] = '\0';
		if (*p == q) {
			lx->lx_tok = T_STRING;
			p++;
		} else
			lx->lx_tok = T_CHAR;	/* unterminated: an error */
	} else if (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
	    *p == '-') {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' ||
		    *p == '-') {
			if (n + 1 < sizeof(lx->lx_text))
				lx->lx_text[n++] = *p;
			p++;
		}
		lx->lx_text[n] = '\0';
		lx->lx_tok = T_WORD;
	} else {
		lx->lx_text[0] = *p++;
		lx->lx_text[1] = '\0';
		lx->lx_tok = T_CHAR;
	}
	lx->lx_p = p;
}

static int
xlsim_cfg_error(struct xlsim_lex *lx, const char *what)
{

	fprintf(stderr, "%s:%d: config parsing error near `%s': %s\n",
	    lx->lx_file, lx->lx_line, lx->lx_text, what);
	return (-1);
}

/* xlsim_file: the whole of a file, NUL terminated (free it), or NULL. */
static char *
xlsim_file(const char *path)
{
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return (NULL);
	for (;;) {
		if (cap - len < 4096) {
			if (cap > (1 << 20)) {
				errno = EFBIG;
				goto fail;
			}
			nb = realloc(buf, cap + 8192);
			if (nb == NULL)
				goto fail;
			buf = nb;
			cap += 8192;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto fail;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	return (buf);
fail:
	close(fd);
	free(buf);
	return (NULL);
}

/*
 * xlsim_cfg_value: parse the value of key (the lexer is on its first
 * token) and store it in cfg if it is one we use.
 */
static int
xlsim_cfg_value(struct xlsim_lex *lx, const char *key,
    struct xlsim_domcfg *cfg)
{
	unsigned long long v;
	int islist = 0, first = 1;

	if (lx->lx_tok == T_CHAR && lx->lx_text[0] == '[') {
		islist = 1;
		xlsim_lex_next(lx);
	}
	for (;;) {
		while (islist && lx->lx_tok == T_EOL)
			xlsim_lex_next(lx);
		if (islist && lx->lx_tok == T_CHAR && lx->lx_text[0] == ']') {
			xlsim_lex_next(lx);
			break;
		}
		if (lx->lx_tok != T_STRING && lx->lx_tok != T_WORD)
			return (xlsim_cfg_error(lx, "syntax error"));
		if (strcmp(key, "name") == 0 && !islist) {
			if (xlsim_fmt(cfg->dc_name, sizeof(cfg->dc_name),
			    "%s", lx->lx_text) == -1)
				return (xlsim_cfg_error(lx, "name too long"));
		} else if (strcmp(key, "memory") == 0 && !islist) {
			if (num_parse(lx->lx_text, XLSIM_MEM_MAX, &v) == -1 ||
			    v == 0)
				return (xlsim_cfg_error(lx, "bad memory"));
			cfg->dc_mem = v;
		} else if (strcmp(key, "vif") == 0 && islist) {
			if (cfg->dc_nnics >= XLSIM_MAX_NICS)
				return (xlsim_cfg_error(lx, "too many vifs"));
			xlsim_nic_init(&cfg->dc_nics[cfg->dc_nnics]);
			if (xlsim_nic_parse(&cfg->dc_nics[cfg->dc_nnics++],
			    lx->lx_file, lx->lx_text) == -1)
				return (-1);
		} else if ((strcmp(key, "vif") == 0 ||
		    strcmp(key, "name") == 0 ||
		    strcmp(key, "memory") == 0) && first)
			return (xlsim_cfg_error(lx, "wrong type of value"));
		first = 0;
		xlsim_lex_next(lx);
		if (!islist)
			break;
		while (lx->lx_tok == T_EOL)
			xlsim_lex_next(lx);
		if (lx->lx_tok == T_CHAR && lx->lx_text[0] == ',')
			xlsim_lex_next(lx);
		else if (!(lx->lx_tok == T_CHAR && lx->lx_text[0] == ']'))
			return (xlsim_cfg_error(lx, "syntax error"));
	}
	return (0);
}

/*
 * xlsim_cfg_parse: read the xl config file path into cfg.  Returns 0,
 * or -1 after a message.
 */
static int
xlsim_cfg_parse(const char *path, struct xlsim_domcfg *cfg)
{
	struct xlsim_lex lx;
	char key[64], *text;
	int rc = 0;

	text = xlsim_file(path);
	if (text == NULL) {
		fprintf(stderr, "Failed to read config file: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	memset(&lx, 0, sizeof(lx));
	lx.lx_file = path;
	lx.lx_p = text;
	lx.lx_line = 1;
	xlsim_lex_next(&lx);
	while (rc == 0 && lx.lx_tok != T_EOF) {
		if (lx.lx_tok == T_EOL ||
		    (lx.lx_tok == T_CHAR && lx.lx_text[0] == ';')) {
			xlsim_lex_next(&lx);
			continue;
		}
		if (lx.lx_tok != T_WORD) {
			rc = xlsim_cfg_error(&lx, "syntax error");
			break;
		}
		if (xlsim_fmt(key, sizeof(key), "%s", lx.lx_text) == -1) {
			rc = xlsim_cfg_error(&lx, "key too long");
			break;
		}
		xlsim_lex_next(&lx);
		if (lx.lx_tok != T_CHAR || lx.lx_text[0] != '=') {
			rc = xlsim_cfg_error(&lx, "syntax error");
			break;
		}
		xlsim_lex_next(&lx);
		rc = xlsim_cfg_value(&lx, key, cfg);
		if (rc == 0 && lx.lx_tok != T_EOL && lx.lx_tok != T_EOF &&
		    !(lx.lx_tok == T_CHAR && lx.lx_text[0] == ';'))
			rc = xlsim_cfg_error(&lx, "syntax error");
	}
	free(text);
	return (rc);
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
xlsim_cmd_create(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "name",	required_argument,	NULL, 'n' },
		{ "domid",	required_argument,	NULL, 'd' },
		{ "mem",	required_argument,	NULL, 'm' },
		{ "vif",	required_argument,	NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct xlsim_domcfg *cfg;
	struct xlsim_mkarg ma;
	struct xlsim_dev *devs = NULL;
	const char *name = NULL;
	char *vifs[XLSIM_MAX_NICS];
	unsigned char u[16];
	unsigned long long v;
	int64_t t0 = xlsim_now();
	int ch, nvifs = 0, i, rc = 1, domid, failed = 0;

	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL)
		return (1);
	cfg->dc_domid = -1;
	cfg->dc_mem = XLSIM_MEM_DEFAULT;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:d:m:V:", lopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			name = optarg;
			break;
		case 'd':
			if (num_parse(optarg, XLSIM_MAX_DOMID, &v) == -1 ||
			    v == 0) {
				slog_warnx("bad domid %s", optarg);
				goto out;
			}
			cfg->dc_domid = (int)v;
			break;
		case 'm':
			if (num_parse(optarg, XLSIM_MEM_MAX, &v) == -1 ||
			    v == 0) {
				slog_warnx("bad --mem %s", optarg);
				goto out;
			}
			cfg->dc_mem = v;
			break;
		case 'V':
			if (nvifs >= XLSIM_MAX_NICS) {
				slog_warnx("too many vifs");
				goto out;
			}
			vifs[nvifs++] = optarg;
			break;
		default:
			xlsim_usage();
		}
	}
	if (argc - optind > 1)
		xlsim_usage();
	if (argc - optind == 1) {
		fprintf(stderr, "Parsing config from %s\n", argv[optind]);
		xlsim_cfgsrc = argv[optind];
		if (xlsim_cfg_parse(argv[optind], cfg) == -1)
			goto out;
	}
	for (i = 0; i < nvifs; i++) {
		if (cfg->dc_nnics >= XLSIM_MAX_NICS) {
			slog_warnx("too many vifs");
			goto out;
		}
		xlsim_nic_init(&cfg->dc_nics[cfg->dc_nnics]);
		if (xlsim_nic_parse(&cfg->dc_nics[cfg->dc_nnics++],
		    xlsim_cfgsrc, vifs[i]) == -1)
			goto out;
	}
	if (name != NULL && xlsim_fmt(cfg->dc_name, sizeof(cfg->dc_name),
	    "%s", name) == -1) {
		slog_warnx("name too long");
		goto out;
	}
	for (i = 0; i < cfg->dc_nnics; i++)
		if (xlsim_nic_setdefault(&cfg->dc_nics[i]) == -1)
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
	if (xlsim_open() == -1)
		goto out;

	rc = 3;
	domid = xlsim_domid_alloc(cfg->dc_domid);
	if (domid == -1 || simdom_create(xlsim_simdir, (uint32_t)domid,
	    (unsigned int)(cfg->dc_mem * 256)) == -1) {
		xlsim_log(XLSIM_ERROR, S_CREATE_MAKE,
		    domid == -1 ? cfg->dc_domid : domid, errno,
		    "domain creation fail");
		xlsim_log(XLSIM_ERROR, S_CREATE_MAKE_FAIL,
		    domid == -1 ? cfg->dc_domid : domid, -1,
		    "cannot make domain: %d", XLSIM_ERROR_FAIL);
		goto out;
	}
	if (cfg->dc_name[0] == '\0')
		snprintf(cfg->dc_name, sizeof(cfg->dc_name), "domu%d", domid);
	memset(&ma, 0, sizeof(ma));
	ma.ma_domid = (uint32_t)domid;
	ma.ma_cfg = cfg;
	xlsim_random(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(ma.ma_uuid, sizeof(ma.ma_uuid), "%02x%02x%02x%02x-%02x%02x-"
	    "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
	    u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
	    u[13], u[14], u[15]);
	if (xlsim_txn(xlsim_domain_make_txn, &ma) != 0) {
		if (ma.ma_name_taken)
			xlsim_log(XLSIM_ERROR, S_DOM_RENAME, domid, -1,
			    "Domain with name \"%s\" already exists.",
			    cfg->dc_name);
		xlsim_log(XLSIM_ERROR, S_CREATE_MAKE_FAIL, domid, -1,
		    "cannot make domain: %d", XLSIM_ERROR_FAIL);
		(void)simdom_destroy(xlsim_simdir, (uint32_t)domid);
		goto out;
	}
	if (xlsim_txn(xlsim_domain_post_txn, &ma) != 0) {
		failed = 1;
		goto fail;
	}
	if (!xs_introduce_domain(xlsim_xs, (unsigned int)domid,
	    cfg->dc_mem * 256 - 1, 1))
		xlsim_log(XLSIM_WARN, S_XLSIM, domid, errno,
		    "xs_introduce_domain failed");

	if (cfg->dc_nnics > 0) {
		devs = calloc((size_t)cfg->dc_nnics, sizeof(*devs));
		if (devs == NULL) {
			failed = 1;
			goto fail;
		}
		for (i = 0; i < cfg->dc_nnics; i++) {
			xlsim_dev_init(&devs[i], (uint32_t)domid,
			    cfg->dc_nics[i].n_devid, XLSIM_ADD,
			    XLSIM_FORCE_AUTO);
			(void)xlsim_dev_add(&devs[i], &cfg->dc_nics[i]);
		}
		xlsim_run(devs, cfg->dc_nnics);
		for (i = 0; i < cfg->dc_nnics; i++)
			if (devs[i].dv_rc != 0)
				failed = 1;
		if (failed)
			xlsim_log(XLSIM_ERROR, S_CREATE_ADD_DEVS, domid, -1,
			    "unable to add vif devices");
	}
fail:
	if (failed) {
		/* domcreate_complete: destroy; then xl destroys once more */
		if (xlsim_domain_destroy((uint32_t)domid) != 0)
			xlsim_log(XLSIM_ERROR, S_CREATE_DESTROY_FAIL, domid,
			    -1, "unable to destroy domain following failed "
			    "creation");
		(void)xlsim_domain_destroy((uint32_t)domid);
		goto out;
	}
	rc = 0;
	slog_debug("domain %d (%s) created in %.2f s", domid, cfg->dc_name,
	    (double)(xlsim_now() - t0) / 1000);
out:
	for (i = 0; i < cfg->dc_nnics; i++)
		xlsim_nic_free(&cfg->dc_nics[i]);
	free(devs);
	free(cfg);
	return (rc);
}

/*
 * network-attach DOM SPEC...: libxl_device_nic_add.  Like libxl, a
 * failed attach leaves the device's nodes in xenstore.  Exit 0 or 1.
 */
static int
xlsim_cmd_attach(int argc, char **argv)
{
	struct xlsim_nic nic;
	struct xlsim_dev dv;
	uint32_t domid;
	int i, rc = 1;

	if (argc < 3)
		xlsim_usage();
	xlsim_nic_init(&nic);
	if (xlsim_open() == -1 || xlsim_find_domain(argv[1], &domid) == -1)
		goto out;
	for (i = 2; i < argc; i++)
		if (xlsim_nic_parse(&nic, "command line", argv[i]) == -1)
			goto out;
	if (!xlsim_domain_exists(domid)) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, (int)domid, -1,
		    "no such domain");
		fprintf(stderr, "libxl_device_nic_add failed.\n");
		goto out;
	}
	if (xlsim_nic_setdefault(&nic) == -1)
		goto out;
	if (nic.n_devid < 0)
		nic.n_devid = xlsim_nextid(domid);
	xlsim_dev_init(&dv, domid, nic.n_devid, XLSIM_ADD, XLSIM_FORCE_AUTO);
	if (xlsim_dev_add(&dv, &nic) == 0)
		xlsim_run(&dv, 1);
	if (dv.dv_rc != 0) {
		xlsim_log(XLSIM_ERROR, S_DEV_AOCOMPLETE, (int)domid, -1,
		    "Unable to add nic with id %d", nic.n_devid);
		fprintf(stderr, "libxl_device_nic_add failed.\n");
		goto out;
	}
	rc = 0;
out:
	xlsim_nic_free(&nic);
	return (rc);
}

/*
 * network-detach DOM DEVID|MAC: libxl_device_nic_remove (forced after
 * a first timeout).  Exit 0 or 1.
 */
static int
xlsim_cmd_detach(int argc, char **argv)
{
	struct xlsim_dev dv;
	uint8_t want[6], mac[6];
	uint32_t domid;
	unsigned long long v;
	int ids[XLSIM_MAX_NICS * 4], n, i, devid = -1;
	char path[XLSIM_PATHLEN], *s;

	if (argc != 3)
		xlsim_usage();
	if (xlsim_open() == -1 || xlsim_find_domain(argv[1], &domid) == -1)
		return (1);
	if (strchr(argv[2], ':') == NULL) {
		if (num_parse(argv[2], INT_MAX, &v) == 0) {
			snprintf(path, sizeof(path),
			    "/libxl/%u/device/vif/%llu", domid, v);
			s = xlsim_read(XBT_NULL, path);
			if (s != NULL)
				devid = (int)v;
			free(s);
		}
	} else if (xlsim_parse_mac(argv[2], want) == 0) {
		snprintf(path, sizeof(path), "/libxl/%u/device/vif", domid);
		n = xlsim_list_ids(path, ids,
		    (int)(sizeof(ids) / sizeof(ids[0])));
		for (i = 0; i < n && devid < 0; i++) {
			snprintf(path, sizeof(path),
			    "/libxl/%u/device/vif/%d/mac", domid, ids[i]);
			s = xlsim_read(XBT_NULL, path);
			if (s != NULL && xlsim_parse_mac(s, mac) == 0 &&
			    memcmp(mac, want, 6) == 0)
				devid = ids[i];
			free(s);
		}
	}
	if (devid < 0) {
		fprintf(stderr, "Unknown device %s.\n", argv[2]);
		return (1);
	}
	xlsim_dev_init(&dv, domid, devid, XLSIM_REMOVE, XLSIM_FORCE_AUTO);
	xlsim_dev_remove(&dv);
	xlsim_run(&dv, 1);
	if (dv.dv_rc != 0) {
		xlsim_log(XLSIM_ERROR, S_DEV_AOCOMPLETE, (int)domid, -1,
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
xlsim_destroy_report(uint32_t domid, const char *what, int64_t t0)
{
	int rc;

	rc = xlsim_domain_destroy(domid);
	slog_debug("%s of domain %u took %.2f s", what, domid,
	    (double)(xlsim_now() - t0) / 1000);
	if (rc != 0) {
		fprintf(stderr, "destroy failed (rc=%d)\n", rc);
		return (1);
	}
	return (0);
}

/* destroy DOM: xl destroy.  Exit 0 or 1. */
static int
xlsim_cmd_destroy(int argc, char **argv)
{
	uint32_t domid;

	if (argc != 2)
		xlsim_usage();
	if (xlsim_open() == -1 || xlsim_find_domain(argv[1], &domid) == -1)
		return (1);
	if (domid == 0) {
		fprintf(stderr, "Not destroying domain 0; use -f to force.\n"
		    "This can only be done when using a disaggregated "
		    "hardware domain and toolstack.\n\n");
		return (1);
	}
	return (xlsim_destroy_report(domid, "destroy", xlsim_now()));
}

/*
 * shutdown DOM: a clean guest poweroff as seen from dom0.  xl writes
 * control/shutdown; the guest kernel then closes each Connected
 * frontend (Closing, and Closed once the backend is Closing or Closed,
 * 5 s at most each), the domain shuts down, and xl's domain monitor
 * destroys it (on_poweroff = "destroy").  Exit 0 or 1.
 */
static int
xlsim_cmd_shutdown(int argc, char **argv)
{
	struct xlsim_dev *devs;
	char path[XLSIM_PATHLEN], dir[XLSIM_DEVPATH];
	int ids[XLSIM_MAX_NICS * 4], n, i, nd = 0;
	uint32_t domid;
	int64_t t0;
	long st;

	if (argc != 2)
		xlsim_usage();
	if (xlsim_open() == -1 || xlsim_find_domain(argv[1], &domid) == -1)
		return (1);
	if (!xlsim_domain_exists(domid)) {
		fprintf(stderr, "shutdown failed (rc=%d)\n",
		    XLSIM_ERROR_DOMAIN_NOTFOUND);
		return (1);
	}
	t0 = xlsim_now();
	fprintf(stderr, "Shutting down domain %u\n", domid);
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
	    domid);
	if (xlsim_write(XBT_NULL, path, "poweroff") == -1) {
		xlsim_log(XLSIM_ERROR, S_XLSIM, (int)domid, errno,
		    "cannot write %s", path);
		fprintf(stderr, "shutdown failed (rc=%d)\n", XLSIM_ERROR_FAIL);
		return (1);
	}

	/* the guest's side: close the Connected frontends */
	snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
	n = xlsim_list_ids(dir, ids, (int)(sizeof(ids) / sizeof(ids[0])));
	devs = calloc(n > 0 ? (size_t)n : 1, sizeof(*devs));
	if (devs == NULL)
		return (1);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%d/state", dir, ids[i]);
		if (xlsim_readint(XBT_NULL, path, &st) == -1)
			st = -1;
		if (st != XenbusStateConnected) {
			xlsim_log(XLSIM_DEBUG, S_XLSIM, -1, -1,
			    "guest: device/vif/%d: state %s != Connected, "
			    "skipping", ids[i], st < 0 ? "(none)" :
			    xenbus_state_name((unsigned int)st));
			continue;
		}
		xlsim_dev_init(&devs[nd], domid, ids[i], XLSIM_GUEST_CLOSE,
		    XLSIM_FORCE_ON);
		if (xlsim_write_state(XBT_NULL, path,
		    XenbusStateClosing) == -1) {
			xlsim_log(XLSIM_WARN, S_XLSIM, (int)domid, errno,
			    "guest: cannot write %s", path);
			continue;
		}
		xlsim_dev_wait(&devs[nd++], XenbusStateClosing,
		    XLSIM_GUEST_CLOSE_TIMEOUT);
	}
	xlsim_run(devs, nd);
	free(devs);
	if (simdom_set_shutdown(xlsim_simdir, domid) == -1)
		xlsim_log(XLSIM_WARN, S_XLSIM, (int)domid, errno,
		    "simdom_set_shutdown failed");
	return (xlsim_destroy_report(domid, "shutdown", t0));
}

/* list: xl list's columns, from xenstore and the simulated domains. */
static int
xlsim_cmd_list(int argc, char **argv)
{
	char path[XLSIM_PATHLEN], *name;
	int ids[1024], n, i;
	long kb;
	const char *st;
	struct stat sb;

	(void)argv;
	if (argc != 1)
		xlsim_usage();
	if (xlsim_open() == -1)
		return (1);
	printf("%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs",
	    "State", "Time(s)");
	n = xlsim_list_ids("/local/domain", ids, 1024);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%d/name", ids[i]);
		name = xlsim_read(XBT_NULL, path);
		snprintf(path, sizeof(path),
		    "/local/domain/%d/memory/static-max", ids[i]);
		if (xlsim_readint(XBT_NULL, path, &kb) == -1)
			kb = 0;
		st = "r-----";
		if (ids[i] != 0) {
			snprintf(path, sizeof(path), "%s/dom%d",
			    xlsim_simdir, ids[i]);
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
xlsim_cmd_netlist(int argc, char **argv)
{
	char dir[XLSIM_DEVPATH], path[XLSIM_PATHLEN], *be, *mac;
	int ids[XLSIM_MAX_NICS * 4], n, i, a;
	long state, evt, tx, rx;
	uint32_t domid;

	if (argc < 2)
		xlsim_usage();
	if (xlsim_open() == -1)
		return (1);
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
	    "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
	    "BE-path");
	for (a = 1; a < argc; a++) {
		if (xlsim_find_domain(argv[a], &domid) == -1)
			return (1);
		snprintf(dir, sizeof(dir), "/libxl/%u/device/vif", domid);
		n = xlsim_list_ids(dir, ids,
		    (int)(sizeof(ids) / sizeof(ids[0])));
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%d/backend", dir,
			    ids[i]);
			be = xlsim_read(XBT_NULL, path);
			if (be == NULL)
				continue;
			snprintf(path, sizeof(path), "%s/%d/mac", dir, ids[i]);
			mac = xlsim_read(XBT_NULL, path);
#define XLSIM_FEINT(key, var) do {					\
	snprintf(path, sizeof(path), "/local/domain/%u/device/vif/%d/%s", \
	    domid, ids[i], key);					\
	if (xlsim_readint(XBT_NULL, path, &var) == -1)			\
		var = -1;						\
} while (/* CONSTCOND */ 0)
			XLSIM_FEINT("state", state);
			XLSIM_FEINT("event-channel", evt);
			XLSIM_FEINT("tx-ring-ref", tx);
			XLSIM_FEINT("rx-ring-ref", rx);
#undef XLSIM_FEINT
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
 * xlsim_timeouts: "--timeouts INIT,DESTROY,HOTPLUG" in seconds (tests
 * only: the defaults are libxl's 10, 10 and 40).
 */
static int
xlsim_timeouts(const char *arg)
{
	unsigned long long v[3];
	char buf[64], *p, *save = NULL;
	int i = 0;

	if (xlsim_fmt(buf, sizeof(buf), "%s", arg) == -1)
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
	xlsim_tmo_init = (int)v[0];
	xlsim_tmo_destroy = (int)v[1];
	xlsim_tmo_hotplug = (int)v[2];
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
	const struct xlsim_cmd *c;
	int ch, verbose = 0;

	slog_init("xl-sim", 0);
	xlsim_simdir = getenv("XENNET_SIM_DIR");
	while ((ch = getopt_long(argc, argv, "+v", lopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			verbose++;
			break;
		case 'S':
			xlsim_simdir = optarg;
			break;
		case 's':
			xlsim_scripts = optarg;
			break;
		case 'x':
			/* our hotplug scripts inherit it, as with xl */
			if (setenv("XENSTORED_PATH", optarg, 1) == -1) {
				slog_warn("setenv");
				return (1);
			}
			break;
		case 't':
			if (xlsim_timeouts(optarg) == -1) {
				slog_warnx("bad --timeouts %s", optarg);
				return (2);
			}
			break;
		default:
			xlsim_usage();
		}
	}
	slog_init("xl-sim", verbose);
	if (xlsim_simdir == NULL || xlsim_simdir[0] == '\0')
		xlsim_simdir = XLSIM_SIMDIR_DEFAULT;
	argc -= optind;
	argv += optind;
	if (argc < 1)
		xlsim_usage();
	for (c = xlsim_cmds; c->c_name != NULL; c++)
		if (strcmp(c->c_name, argv[0]) == 0)
			break;
	if (c->c_name == NULL) {
		slog_warnx("unknown command `%s'", argv[0]);
		xlsim_usage();
	}
	ch = c->c_fn(argc, argv);
	if (xlsim_xs != NULL)
		xs_close(xlsim_xs);
	return (ch);
}
