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
 * The taps' bridges, watched through rtnetlink (RTM_NEWLINK of the link
 * group).  xennetd never uses the bridge: the hotplug script puts a tap
 * on one, and frames reach the guest only while it is there.  When a
 * tap it serves leaves its bridge (the bridge deleted, or `ip link set
 * TAP nomaster`), that is said once, with the bridge's name; when the
 * tap is on a bridge again, that is said too, and traffic flows again
 * by itself.  The vif is not touched either way: the guest's side is
 * fine, and Linux netback does nothing here either (its vif is a plain
 * net_device that nothing watches).  Only the main thread runs this.
 */

#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <event2/event.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xennetd.h"

#define LINKMON_BUF	16384	/* one recv: a batch of link messages */
#define LINKMON_RECVS	64	/* recvs per wakeup: the rest next turn */
#define LINKMON_RCVBUF	(4 << 20)	/* 64 vifs made at once fit */

struct linkmon {
	struct xnd	*lm_xnd;
	int		 lm_fd;
	struct event	*lm_ev;
	int		 lm_overrun;	/* told that events were lost */
};

static int	linkmon_rcvbuf(int);
static void	linkmon_read(evutil_socket_t, short, void *);
static void	linkmon_link(struct linkmon *, const struct nlmsghdr *);
static void	linkmon_vif(struct vif *, unsigned int);

/*
 * linkmon_init: watch link changes.  NULL (after a warning) if netlink
 * cannot be had: the daemon then runs without the reports.
 */
struct linkmon *
linkmon_init(struct xnd *x)
{
	struct sockaddr_nl sa;
	struct linkmon *lm;

	if ((lm = calloc(1, sizeof(*lm))) == NULL) {
		log_warn("link monitor");
		return (NULL);
	}
	lm->lm_xnd = x;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK;
	if ((lm->lm_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, NETLINK_ROUTE)) == -1 ||
	    linkmon_rcvbuf(lm->lm_fd) == -1 ||
	    bind(lm->lm_fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    (lm->lm_ev = event_new(x->x_base, lm->lm_fd, EV_READ | EV_PERSIST,
	    linkmon_read, lm)) == NULL || event_add(lm->lm_ev, NULL) == -1) {
		log_warn("link monitor: rtnetlink; bridges are not watched");
		linkmon_cleanup(lm);
		return (NULL);
	}
	return (lm);
}

/*
 * linkmon_rcvbuf: room for a burst of link messages (every tap of many
 * vifs made at once): beyond the system's limit as root (FORCE).
 */
static int
linkmon_rcvbuf(int fd)
{
	int n = LINKMON_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &n, sizeof(n)) == 0)
		return (0);
	return (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &n, sizeof(n)));
}

void
linkmon_cleanup(struct linkmon *lm)
{
	if (lm == NULL)
		return;
	if (lm->lm_ev != NULL)
		event_free(lm->lm_ev);
	if (lm->lm_fd != -1)
		close(lm->lm_fd);
	free(lm);
}

/*
 * linkmon_read: the messages waiting (LINKMON_RECVS batches at most, so
 * that a storm of link changes cannot hold the main thread); the kernel
 * dropping some (ENOBUFS) is said once.
 */
static void
linkmon_read(evutil_socket_t fd, short ev, void *arg)
{
	struct linkmon *lm = arg;
	uint8_t buf[LINKMON_BUF] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *nh;
	ssize_t n;
	size_t left;
	int i;

	for (i = 0; i < LINKMON_RECVS; i++) {
		if ((n = recv(fd, buf, sizeof(buf), 0)) == -1) {
			if (errno == ENOBUFS && !lm->lm_overrun) {
				lm->lm_overrun = 1;
				/* only reports are lost: not a warning */
				log_info("link monitor: the kernel dropped "
				    "link events (a burst of changes); some "
				    "bridge changes may go unreported");
				continue;
			}
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ENOBUFS)
				log_warn("link monitor: recv");
			return;
		}
		left = (size_t)n;
		/* bounded by n: each step consumes at least a header */
		for (nh = (const struct nlmsghdr *)(void *)buf;
		    NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left))
			if (nh->nlmsg_type == RTM_NEWLINK)
				linkmon_link(lm, nh);
	}
}

/* linkmon_link: one link's state: its name and bridge (master). */
static void
linkmon_link(struct linkmon *lm, const struct nlmsghdr *nh)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const struct rtattr *rta;
	char name[IFNAMSIZ] = "";
	unsigned int master = 0, len;
	struct vif *v;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return;
	len = (unsigned int)IFLA_PAYLOAD(nh);
	for (rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME &&
		    RTA_PAYLOAD(rta) > 0 && RTA_PAYLOAD(rta) <= IFNAMSIZ) {
			memcpy(name, RTA_DATA(rta), RTA_PAYLOAD(rta));
			name[IFNAMSIZ - 1] = '\0';
		} else if (rta->rta_type == IFLA_MASTER &&
		    RTA_PAYLOAD(rta) == sizeof(uint32_t))
			memcpy(&master, RTA_DATA(rta), sizeof(master));
	}
	if (name[0] == '\0')
		return;
	TAILQ_FOREACH(v, &lm->lm_xnd->x_vifs, v_entry)
		if (v->v_tap.tp_nfd > 0 && strcmp(v->v_ifname, name) == 0) {
			linkmon_vif(v, master);
			break;
		}
}

/* linkmon_vif: vif v's tap is now on bridge master (0: on none). */
static void
linkmon_vif(struct vif *v, unsigned int master)
{
	char br[IF_NAMESIZE];

	if (master == v->v_master)
		return;
	/* a vif going away takes its tap off the bridge: nothing to say */
	if (master == 0 && v->v_state == XenbusStateConnected) {
		log_warnx("vif%u.%u: tap %s left bridge %s: its guest is cut "
		    "off until the tap is on a bridge again; the vif stays "
		    "connected", v->v_domid, v->v_handle, v->v_ifname,
		    v->v_bridge[0] != '\0' ? v->v_bridge : "?");
		v->v_bridge_left = 1;
	} else if (master != 0) {
		if (if_indextoname(master, br) == NULL)
			snprintf(br, sizeof(br), "#%u", master);
		if (v->v_bridge_left)
			log_warnx("vif%u.%u: tap %s on bridge %s again",
			    v->v_domid, v->v_handle, v->v_ifname, br);
		else
			log_debug("vif%u.%u: tap %s on bridge %s",
			    v->v_domid, v->v_handle, v->v_ifname, br);
		memcpy(v->v_bridge, br, sizeof(v->v_bridge));
		v->v_bridge_left = 0;
	}
	v->v_master = master;
}
