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
 * netfront-sim: the guest's network stack (--netns NAME).  A tap named
 * eth0 (--ifname) with IFF_VNET_HDR is created inside the namespace (setns there,
 * create, configure, setns back: the fd keeps working), carries the
 * vif's MAC and MTU, and its carrier follows the connection.  Frames the
 * guest kernel sends (with GSO/checksum offload as negotiated) go to the
 * tx rings; frames from the rx rings are written back with their vnet
 * header.  Linux only (tun/tap, network namespaces).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nf.h"

#ifdef __linux__

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "pkt.h"

#define NF_TAP_BURST	64	/* frames read per wakeup */
#define NF_TAP_BUF	(sizeof(struct xn_vnet_hdr) + 65536 + 64)

struct nf_tap {
	int		 t_fd;
	int		 t_sock;	/* AF_INET socket inside the netns */
	char		 t_name[IFNAMSIZ];
	uint8_t		*t_buf;
};

static int	nf_run(const char *const *);
static int	nf_tap_create(struct nf *, struct nf_tap *);
static int	nf_tap_flags(struct nf_tap *, int);

/*
 * nf_run: run a command (argv[0] looked up in PATH) and wait for it.
 * Returns its exit status, or -1 if it could not run.
 */
static int
nf_run(const char *const *argv)
{
	union {
		const char *const	*c;
		char *const		*v;
	} u;
	pid_t pid;
	int st;

	u.c = argv;	/* execvp does not modify them */
	if ((pid = fork()) == -1)
		return (-1);
	if (pid == 0) {
		execvp(argv[0], u.v);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return (-1);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/* nf_tap_flags: set (up) or clear IFF_UP.  Returns 0 or -1. */
static int
nf_tap_flags(struct nf_tap *t, int up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->t_name);
	if (ioctl(t->t_sock, SIOCGIFFLAGS, &ifr) == -1)
		return (-1);
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return (ioctl(t->t_sock, SIOCSIFFLAGS, &ifr));
}

/*
 * nf_tap_create: inside the namespace (we are in it): open the tap eth0,
 * set its vnet header size, MAC, MTU, carrier off, admin up.  Returns 0
 * or -1 (logged).
 */
static int
nf_tap_create(struct nf *nf, struct nf_tap *t)
{
	struct ifreq ifr;
	int hdrsz = (int)sizeof(struct xn_vnet_hdr), off = 0;

	if ((t->t_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) == -1) {
		slog_warn("/dev/net/tun");
		return (-1);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nf->nf_o.o_ifname);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(t->t_fd, TUNSETIFF, &ifr) == -1) {
		slog_warn("TUNSETIFF %s in netns %s", nf->nf_o.o_ifname,
		    nf->nf_o.o_netns);
		return (-1);
	}
	snprintf(t->t_name, sizeof(t->t_name), "%s", ifr.ifr_name);
	if (ioctl(t->t_fd, TUNSETVNETHDRSZ, &hdrsz) == -1 ||
	    ioctl(t->t_fd, TUNSETOFFLOAD, off) == -1) {
		slog_warn("TUNSETVNETHDRSZ/TUNSETOFFLOAD");
		return (-1);
	}
	if ((t->t_sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) ==
	    -1) {
		slog_warn("socket");
		return (-1);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->t_name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, nf->nf_mac, 6);
	if (ioctl(t->t_sock, SIOCSIFHWADDR, &ifr) == -1) {
		slog_warn("SIOCSIFHWADDR");
		return (-1);
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->t_name);
	ifr.ifr_mtu = (int)nf->nf_mtu;
	if (ioctl(t->t_sock, SIOCSIFMTU, &ifr) == -1)
		slog_warn("SIOCSIFMTU %u (keeping the default)", nf->nf_mtu);
	nf_tap_carrier(nf, 0);
	if (nf_tap_flags(t, 1) == -1) {
		slog_warn("bring %s up", t->t_name);
		return (-1);
	}
	return (0);
}

/*
 * nf_tap_open: with --netns, create the namespace if needed and the tap
 * eth0 in it, then add --ip/--ip6.  Idempotent.  Returns 0 or -1.
 */
int
nf_tap_open(struct nf *nf)
{
	const char *ns = nf->nf_o.o_netns;
	struct nf_tap *t;
	const char *argv[12];
	char path[256];
	struct stat sb;
	int self, other, r;

	if (ns == NULL || nf->nf_tap != NULL)
		return (0);
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (stat(path, &sb) == -1) {
		argv[0] = "ip"; argv[1] = "netns"; argv[2] = "add";
		argv[3] = ns; argv[4] = NULL;
		if (nf_run(argv) != 0) {
			slog_warnx("ip netns add %s failed", ns);
			return (-1);
		}
		slog_info("created network namespace %s", ns);
	}
	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->t_buf = malloc(NF_TAP_BUF)) == NULL) {
		free(t);
		return (-1);
	}
	t->t_fd = t->t_sock = -1;
	nf->nf_tap = t;
	if ((self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) == -1) {
		slog_warn("/proc/self/ns/net");
		return (-1);
	}
	if ((other = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		slog_warn("%s", path);
		close(self);
		return (-1);
	}
	if (setns(other, CLONE_NEWNET) == -1) {
		slog_warn("setns %s", ns);
		close(self);
		close(other);
		return (-1);
	}
	r = nf_tap_create(nf, t);
	if (setns(self, CLONE_NEWNET) == -1) {
		slog_warn("setns back to our namespace");
		r = -1;
	}
	close(self);
	close(other);
	if (r == -1 || nf_nonblock(t->t_fd) == -1)
		return (-1);
	slog_info("guest stack: %s in netns %s", t->t_name, ns);
	argv[0] = "ip"; argv[1] = "-n"; argv[2] = ns;
	argv[3] = "addr"; argv[4] = "add"; argv[6] = "dev";
	argv[7] = t->t_name;
	if (nf->nf_o.o_ip != NULL) {
		argv[5] = nf->nf_o.o_ip;
		argv[8] = NULL;
		if (nf_run(argv) != 0)
			slog_warnx("ip addr add %s failed", nf->nf_o.o_ip);
	}
	if (nf->nf_o.o_ip6 != NULL) {
		argv[5] = nf->nf_o.o_ip6;
		argv[8] = "nodad";
		argv[9] = NULL;
		if (nf_run(argv) != 0)
			slog_warnx("ip addr add %s failed", nf->nf_o.o_ip6);
	}
	return (0);
}

/*
 * nf_tap_offload: let the guest kernel send partial checksums and TSO
 * frames only as far as the backend accepts them (Linux netfront's
 * xennet_fix_features()).
 */
void
nf_tap_offload(struct nf *nf)
{
	unsigned int off = 0;

	if (nf->nf_tap == NULL)
		return;
	if (!(nf->nf_o.o_flags & NF_O_NO_CSUM))
		off |= TUN_F_CSUM;
	if (nf->nf_be_gso4)
		off |= TUN_F_TSO4;
	if (nf->nf_be_gso6)
		off |= TUN_F_TSO6;
	if (ioctl(nf->nf_tap->t_fd, TUNSETOFFLOAD, off) == -1)
		slog_warn("TUNSETOFFLOAD 0x%x", off);
	slog_debug("tap offloads:%s%s%s", (off & TUN_F_CSUM) ? " csum" : "",
	    (off & TUN_F_TSO4) ? " tso4" : "", (off & TUN_F_TSO6) ? " tso6" :
	    "");
}

/* nf_tap_carrier: eth0's carrier follows the connection. */
void
nf_tap_carrier(struct nf *nf, int on)
{
	struct nf_tap *t = nf->nf_tap;

	if (t == NULL || t->t_fd < 0)
		return;
	if (ioctl(t->t_fd, TUNSETCARRIER, &on) == -1) {
		/* old kernel: admin up/down instead */
		if (nf_tap_flags(t, on) == -1)
			slog_warn("%s %s", t->t_name, on ? "up" : "down");
	}
	slog_debug("%s carrier %s", t->t_name, on ? "on" : "off");
}

/*
 * nf_tap_fd: the tap fd to poll for input, or -1 while the guest cannot
 * send (not connected, or some tx ring lacks room for a largest packet:
 * the guest's qdisc holds frames meanwhile, as a stopped queue does).
 */
int
nf_tap_fd(struct nf *nf)
{
	unsigned int i;

	if (nf->nf_tap == NULL || !nf->nf_carrier ||
	    nf->nf_phase != NF_CONNECTED)
		return (-1);
	for (i = 0; i < nf->nf_nqueues; i++)
		if (!nf_tx_room(nf->nf_q[i], NF_TX_MAX, 1))
			return (-1);
	return (nf->nf_tap->t_fd);
}

/*
 * nf_tap_input: read up to a burst of frames from eth0 and queue them
 * on the tx rings (queue chosen by flow), then push and reap.
 */
void
nf_tap_input(struct nf *nf)
{
	struct nf_tap *t = nf->nf_tap;
	struct xn_vnet_hdr vh;
	unsigned int i, n, qi;
	struct pkt_l4 pl;
	uint8_t *f;
	ssize_t r;
	size_t len;

	for (n = 0; n < NF_TAP_BURST && nf_tap_fd(nf) >= 0; n++) {
		r = read(t->t_fd, t->t_buf, NF_TAP_BUF);
		if (r == -1) {
			if (errno != EAGAIN && errno != EINTR)
				slog_warn("read %s", t->t_name);
			break;
		}
		if ((size_t)r < sizeof(vh) + PKT_ETH_HLEN)
			continue;
		memcpy(&vh, t->t_buf, sizeof(vh));
		f = t->t_buf + sizeof(vh);
		len = (size_t)r - sizeof(vh);
		/* no IPv6 checksum offload in the backend: finish it here */
		if ((vh.vh_flags & XN_VNET_F_NEEDS_CSUM) && !nf->nf_be_csum6 &&
		    vh.vh_gso_type == XN_VNET_GSO_NONE &&
		    pkt_l4(f, len, &pl) == 0 && pl.pl_v6) {
			pkt_csum_complete(f, len, vh.vh_csum_start,
			    vh.vh_csum_offset);
			vh.vh_flags = XN_VNET_F_DATA_VALID;
		}
		qi = nf_tx_pick(nf, f, len);
		nf_tx_packet(nf->nf_q[qi], &vh, f, len);
	}
	for (i = 0; i < nf->nf_nqueues; i++) {
		nf_tx_push(nf->nf_q[i]);
		nf_tx_gc(nf->nf_q[i]);
	}
}

/*
 * nf_tap_output: write one received frame (with its vnet header) to
 * eth0.  Returns 0, or -1 with errno (the caller counts the drop).
 */
int
nf_tap_output(struct nf *nf, const struct xn_vnet_hdr *vh, const uint8_t *f,
    size_t len)
{
	struct iovec iov[2];

	iov[0].iov_base = (void *)(uintptr_t)vh;
	iov[0].iov_len = sizeof(*vh);
	iov[1].iov_base = (void *)(uintptr_t)f;
	iov[1].iov_len = len;
	if (writev(nf->nf_tap->t_fd, iov, 2) == -1) {
		slog_trace("write eth0: %s", strerror(errno));
		return (-1);
	}
	return (0);
}

/* nf_tap_close: close the tap (the kernel removes eth0). */
void
nf_tap_close(struct nf *nf)
{
	struct nf_tap *t = nf->nf_tap;

	if (t == NULL)
		return;
	if (t->t_sock >= 0)
		close(t->t_sock);
	if (t->t_fd >= 0)
		close(t->t_fd);
	free(t->t_buf);
	free(t);
	nf->nf_tap = NULL;
}

#else /* !__linux__ */

int
nf_tap_open(struct nf *nf)
{

	if (nf->nf_o.o_netns == NULL)
		return (0);
	slog_warnx("--netns needs Linux (tun/tap, network namespaces)");
	return (-1);
}

void
nf_tap_offload(struct nf *nf)
{
}

void
nf_tap_carrier(struct nf *nf, int on)
{
}

int
nf_tap_fd(struct nf *nf)
{

	return (-1);
}

void
nf_tap_input(struct nf *nf)
{
}

int
nf_tap_output(struct nf *nf, const struct xn_vnet_hdr *vh, const uint8_t *f,
    size_t len)
{

	errno = EOPNOTSUPP;
	return (-1);
}

void
nf_tap_close(struct nf *nf)
{
}

#endif /* __linux__ */
