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
 * bench-limits: what one core of this machine can do at best for each
 * frame size, the ceiling a userspace netback works under:
 *
 *   memcpy SIZE OPS/S GBIT/S     a grant copy at best (page-aligned,
 *                                between two 64 MiB arenas: no cache)
 *   tapwrite SIZE PPS GBIT/S     one write(2) of a frame into a tap
 *   tapread SIZE PPS GBIT/S      one read(2) of a frame out of a tap
 *
 * The tap rates use a tap of our own (run us in a network namespace of
 * your own: the tap is up while we run).  Reads: the tap's queue is first
 * filled through a packet socket bound to it (qdisc bypassed), then read
 * empty, and only the reads are timed.
 *
 * usage: bench-limits [-t SECONDS] SIZE...	(60 <= SIZE <= 65535)
 */

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/ethernet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "num.h"

#define LIM_ARENA	(64UL << 20)	/* memcpy source and destination */
#define LIM_PAGE	4096UL
#define LIM_FILL_BYTES	(64UL << 20)	/* tap read: bytes a fill */
#define LIM_FILL_MAX	65536UL		/* tap read: frames a fill */
#define LIM_ETHERTYPE	0x88b5		/* local experimental */
#define LIM_TAP		"xnblim0"

static double	lim_now(void);
static void	lim_memcpy(size_t, double);
static int	lim_tap_open(unsigned long *);
static void	lim_tap_write(int, size_t, double);
static void	lim_tap_read(int, int, size_t, double);
static int	lim_pkt_open(int);
static void	lim_report(const char *, size_t, double, double);
static void	lim_frame(uint8_t *, size_t);

static double
lim_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* lim_report: one result line: what, frame size, operations in secs. */
static void
lim_report(const char *what, size_t size, double ops, double secs)
{
	if (secs <= 0)
		secs = 1e-9;
	printf("%s %zu %.0f %.3f\n", what, size, ops / secs,
	    ops * (double)size * 8 / secs / 1e9);
	fflush(stdout);
}

/* lim_frame: a broadcast frame of our ethertype, payload a pattern. */
static void
lim_frame(uint8_t *f, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		f[i] = (uint8_t)i;
	memset(f, 0xff, 6);
	f[6] = 0x02;	/* locally administered source */
	f[12] = LIM_ETHERTYPE >> 8;
	f[13] = LIM_ETHERTYPE & 0xff;
}

/*
 * lim_memcpy: copies of size bytes, each to the next page-aligned offset
 * of the arenas (so that none is served from the cache of the last),
 * for secs seconds.
 */
static void
lim_memcpy(size_t size, double secs)
{
	static uint8_t *a, *b;
	size_t off = 0, step, i;
	double t0, t, n = 0;

	if (a == NULL) {
		if ((a = aligned_alloc(LIM_PAGE, LIM_ARENA)) == NULL ||
		    (b = aligned_alloc(LIM_PAGE, LIM_ARENA)) == NULL)
			err(1, "arena");
		memset(a, 0x5a, LIM_ARENA);
		memset(b, 0xa5, LIM_ARENA);
	}
	step = (size + LIM_PAGE - 1) & ~(LIM_PAGE - 1);
	t0 = lim_now();
	do {
		for (i = 0; i < 256; i++) {
			if (off + size > LIM_ARENA)
				off = 0;
			memcpy(b + off, a + off, size);
			off += step;
		}
		n += 256;
		t = lim_now();
	} while (t - t0 < secs);
	/* keep the copies: the compiler may not drop them */
	if (b[off % LIM_ARENA] == 0x42)
		printf("# %u\n", b[0]);
	lim_report("memcpy", size, n, t - t0);
}

/* lim_tap_open: our tap, up; its ifindex in *idx.  Returns the fd. */
static int
lim_tap_open(unsigned long *idx)
{
	struct ifreq ifr;
	int fd, s;

	if ((fd = open("/dev/net/tun", O_RDWR)) == -1)
		err(1, "/dev/net/tun");
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", LIM_TAP);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1)
		err(1, "TUNSETIFF %s", LIM_TAP);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	ifr.ifr_mtu = 65535 - ETH_HLEN;		/* the tap's maximum */
	if (ioctl(s, SIOCSIFMTU, &ifr) == -1)
		err(1, "SIOCSIFMTU");
	/* the tap's queue: room for a whole fill */
	ifr.ifr_qlen = (int)LIM_FILL_MAX;
	if (ioctl(s, SIOCSIFTXQLEN, &ifr) == -1)
		err(1, "SIOCSIFTXQLEN");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		err(1, "SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
		err(1, "SIOCSIFFLAGS");
	if (ioctl(s, SIOCGIFINDEX, &ifr) == -1)
		err(1, "SIOCGIFINDEX");
	*idx = (unsigned long)ifr.ifr_ifindex;
	close(s);
	if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1)
		err(1, "O_NONBLOCK");
	return (fd);
}

/* lim_tap_write: write(2)s of one size-byte frame for secs seconds. */
static void
lim_tap_write(int fd, size_t size, double secs)
{
	uint8_t *f;
	double t0, t, n = 0;
	int i;

	if ((f = malloc(size)) == NULL)
		err(1, "frame");
	lim_frame(f, size);
	t0 = lim_now();
	do {
		for (i = 0; i < 64; i++) {
			if (write(fd, f, size) != (ssize_t)size)
				err(1, "tap write %zu", size);
		}
		n += 64;
		t = lim_now();
	} while (t - t0 < secs);
	free(f);
	lim_report("tapwrite", size, n, t - t0);
}

/* lim_pkt_open: a packet socket sending on our tap, past its qdisc. */
static int
lim_pkt_open(int ifindex)
{
	struct sockaddr_ll sll;
	int s, one = 1;

	if ((s = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		err(1, "AF_PACKET");
	if (setsockopt(s, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one)) == -1)
		err(1, "PACKET_QDISC_BYPASS");
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		err(1, "bind AF_PACKET");
	return (s);
}

/*
 * lim_tap_read: fill the tap's queue with size-byte frames through the
 * packet socket ps, then time the read(2)s that empty it; again until
 * secs seconds of reading are summed.
 */
static void
lim_tap_read(int fd, int ps, size_t size, double secs)
{
	uint8_t *f, *buf;
	unsigned long fill, i;
	double t0, spent = 0, n = 0;
	ssize_t r;

	fill = LIM_FILL_BYTES / size;
	if (fill > LIM_FILL_MAX)
		fill = LIM_FILL_MAX;
	if ((f = malloc(size)) == NULL || (buf = malloc(65536)) == NULL)
		err(1, "frame");
	lim_frame(f, size);
	while (read(fd, buf, 65536) > 0)
		continue;	/* whatever the kernel sent (IPv6 ...) */
	do {
		for (i = 0; i < fill; i++)
			if (send(ps, f, size, 0) == -1 && errno != ENOBUFS)
				err(1, "packet send %zu", size);
		t0 = lim_now();
		while ((r = read(fd, buf, 65536)) > 0)
			n++;
		spent += lim_now() - t0;
		if (r == -1 && errno != EAGAIN)
			err(1, "tap read");
	} while (spent < secs);
	free(f);
	free(buf);
	lim_report("tapread", size, n, spent);
}

int
main(int argc, char *argv[])
{
	unsigned long idx;
	unsigned long long v;
	double secs = 0.3;
	size_t sizes[16];
	int ch, fd, ps, i, n = 0;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		switch (ch) {
		case 't':
			if (num_parse(optarg, 10, &v) == -1 || v == 0)
				errx(1, "-t: 1-10 (tenths of a second)");
			secs = (double)v / 10;
			break;
		default:
			fprintf(stderr, "usage: bench-limits [-t TENTHS] "
			    "SIZE...\n");
			return (2);
		}
	}
	for (i = optind; i < argc; i++) {
		if (n == (int)(sizeof(sizes) / sizeof(sizes[0])))
			errx(1, "at most 16 sizes");
		if (num_parse(argv[i], 65535, &v) == -1 || v < 60)
			errx(1, "%s: a frame size, 60-65535", argv[i]);
		sizes[n++] = (size_t)v;
	}
	if (n == 0)
		errx(1, "no frame size");
	for (i = 0; i < n; i++)
		lim_memcpy(sizes[i], secs);
	fd = lim_tap_open(&idx);
	ps = lim_pkt_open((int)idx);
	for (i = 0; i < n; i++) {
		lim_tap_write(fd, sizes[i], secs);
		lim_tap_read(fd, ps, sizes[i], secs);
	}
	close(ps);
	close(fd);
	return (0);
}
