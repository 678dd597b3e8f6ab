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
 * Unit test of the control ring (lib/ring-ctrl.c), the Toeplitz hash
 * (lib/toeplitz.c) and the hashing of frames (lib/ring-hash.c).  The
 * hash is checked against Microsoft's published RSS verification
 * vectors and against the reference function in netif.h; every control
 * message against the statuses netif.h "Control messages" gives it; the
 * ring itself with a simulated guest (sim provider) that posts requests
 * on a granted page as a frontend does.
 */

/* netif.h's reference function, before anything includes netif.h */
#define XEN_NETIF_DEFINE_TOEPLITZ

#include <sys/types.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv.h"
#include "ring.h"
#include "ring-private.h"
#include "toeplitz.h"
#include "xenring.h"
#include "../sim/simdom.h"
#include "../tap.h"
#include "rundir.h"

#define GUEST		9
#define NPAGES		16
#define NQ		4		/* the vif's queues */
#define FR_RING		0
#define FR_KEY		1
#define FR_MAP		2

#define ST_OK		XEN_NETIF_CTRL_STATUS_SUCCESS
#define ST_NOTSUP	XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED
#define ST_INVAL	XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER
#define ST_OVERFLOW	XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW

#define ms_key	toeplitz_ms_key	/* Microsoft RSS verification */

/* Its IPv4 table: source, destination, ports; IPv4 and TCP hashes. */
struct v4vec {
	uint8_t		src[4], dst[4];
	uint16_t	sport, dport;
	uint32_t	h_ip, h_tcp;
};
static const struct v4vec v4vecs[] = {
	{ { 66, 9, 149, 187 }, { 161, 142, 100, 80 }, 2794, 1766,
	    0x323e8fc2, 0x51ccc178 },
	{ { 199, 92, 111, 2 }, { 65, 69, 140, 83 }, 14230, 4739,
	    0xd718262a, 0xc626b0ea },
	{ { 24, 19, 198, 95 }, { 12, 22, 207, 184 }, 12898, 38024,
	    0xd2d0a5de, 0x5c2b394a },
	{ { 38, 27, 205, 30 }, { 209, 142, 163, 6 }, 48228, 2217,
	    0x82989176, 0xafc7327f },
	{ { 153, 39, 163, 191 }, { 202, 188, 127, 2 }, 44251, 1303,
	    0x5d1809c5, 0x10e828a2 },
};

/* Its IPv6 table. */
struct v6vec {
	uint8_t		src[16], dst[16];
	uint16_t	sport, dport;
	uint32_t	h_ip, h_tcp;
};
static const struct v6vec v6vecs[] = {
	{ { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x1f, 0xff,
	    0, 0, 0, 0, 0, 0, 0, 0x07 },
	  { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00, 0x00, 0x03,
	    0, 0, 0, 0, 0, 0, 0, 0x01 }, 2794, 1766,
	    0x2cc18cd5, 0x40207d3d },
	{ { 0x3f, 0xfe, 0x05, 0x01, 0x00, 0x08, 0x00, 0x00,
	    0x02, 0x60, 0x97, 0xff, 0xfe, 0x40, 0xef, 0xab },
	  { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 },
	    14230, 4739, 0x0f0c461c, 0xdde51bbf },
	{ { 0x3f, 0xfe, 0x19, 0x00, 0x45, 0x45, 0x00, 0x03,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	  { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	    0x02, 0x00, 0xf8, 0xff, 0xfe, 0x21, 0x67, 0xcf },
	    44251, 38024, 0x4b61e985, 0x02d1feef },
};

static char		 simdir[] = "/tmp/t_ctrl.XXXXXX";
static struct simdom	*gsd;
static struct hv	*bhv, *ghv;
static uint32_t		 ring_ref, key_ref, map_ref, bad_ref;

static int	 setup(void);
static void	 put16(uint8_t *, uint16_t);
static size_t	 mk_v4(uint8_t *, const struct v4vec *, int, int);
static size_t	 mk_v6(uint8_t *, const struct v6vec *, int);
static uint32_t	 req(struct ring_ctrl *, uint16_t, uint32_t, uint32_t,
		    uint32_t, uint32_t *);
static void	 t_toeplitz(void);
static void	 t_reference(void);
static void	 t_frames(void);
static void	 t_queue(void);
static void	 t_algorithm(void);
static void	 t_key(void);
static void	 t_mapping(void);
static void	 t_gref(void);
static void	 t_ring(void);

static int
setup(void)
{
	int ref;

	if (rundir_guest(simdir, GUEST, NPAGES, &gsd, &bhv, &ghv) == -1)
		return (-1);
	if ((ref = simdom_grant(gsd, FR_RING, 0, 0)) == -1)
		return (-1);
	ring_ref = (uint32_t)ref;
	/* netif.h: key and table grants "may be read-only" */
	if ((ref = simdom_grant(gsd, FR_KEY, 0, 1)) == -1)
		return (-1);
	key_ref = (uint32_t)ref;
	if ((ref = simdom_grant(gsd, FR_MAP, 0, 1)) == -1)
		return (-1);
	map_ref = (uint32_t)ref;
	if ((ref = simdom_grant(gsd, FR_MAP + 1, 0, 1)) == -1 ||
	    simdom_ungrant(gsd, (uint32_t)ref) == -1)
		return (-1);
	bad_ref = (uint32_t)ref;
	return (0);
}

static void
put16(uint8_t *p, uint16_t v)
{

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * mk_v4: an Ethernet frame of vector v: IPv4 with TCP (proto 6) or UDP
 * (17), optionally a VLAN tag.  Returns its length.
 */
static size_t
mk_v4(uint8_t *f, const struct v4vec *v, int proto, int vlan)
{
	uint8_t *ip;
	size_t off = vlan ? 18 : 14;

	memset(f, 0, 128);
	memcpy(f, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01", 12);
	if (vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, 5);
	}
	put16(f + off - 2, 0x0800);
	ip = f + off;
	ip[0] = 0x45;
	put16(ip + 2, 20 + 20);
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, v->src, 4);
	memcpy(ip + 16, v->dst, 4);
	put16(ip + 20, v->sport);
	put16(ip + 22, v->dport);
	ip[32] = 0x50;
	return (off + 40);
}

/* mk_v6: the same for IPv6 and TCP (6) or UDP (17). */
static size_t
mk_v6(uint8_t *f, const struct v6vec *v, int proto)
{
	uint8_t *ip = f + 14;

	memset(f, 0, 128);
	memcpy(f, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00\x01\x86\xdd",
	    14);
	ip[0] = 0x60;
	put16(ip + 4, 20);
	ip[6] = (uint8_t)proto;
	ip[7] = 64;
	memcpy(ip + 8, v->src, 16);
	memcpy(ip + 24, v->dst, 16);
	put16(ip + 40, v->sport);
	put16(ip + 42, v->dport);
	ip[52] = 0x50;
	return (14 + 40 + 20);
}

/*
 * req: one control request through ring_ctrl_handle; its status, the
 * response data in *data if not NULL.
 */
static uint32_t
req(struct ring_ctrl *rc, uint16_t type, uint32_t d0, uint32_t d1,
    uint32_t d2, uint32_t *data)
{
	struct xen_netif_ctrl_request r;
	struct xen_netif_ctrl_response rsp;

	memset(&r, 0, sizeof(r));
	memset(&rsp, 0xee, sizeof(rsp));
	r.id = (uint16_t)(0x4000 + type);
	r.type = type;
	r.data[0] = d0;
	r.data[1] = d1;
	r.data[2] = d2;
	ring_ctrl_handle(rc, &r, &rsp);
	if (rsp.id != r.id || rsp.type != type)
		return (0xdead);	/* the callers check for a status */
	if (data != NULL)
		*data = rsp.data;
	return (rsp.status);
}

/* ---- the hash ---- */

static void
t_toeplitz(void)
{
	uint8_t in[36];
	size_t i;
	int good_ip = 0, good_tcp = 0;

	/* Microsoft's input order: source, destination, ports. */
	for (i = 0; i < sizeof(v4vecs) / sizeof(v4vecs[0]); i++) {
		memcpy(in, v4vecs[i].src, 4);
		memcpy(in + 4, v4vecs[i].dst, 4);
		put16(in + 8, v4vecs[i].sport);
		put16(in + 10, v4vecs[i].dport);
		good_ip += toeplitz_hash(ms_key, 40, in, 8) == v4vecs[i].h_ip;
		good_tcp += toeplitz_hash(ms_key, 40, in, 12) ==
		    v4vecs[i].h_tcp;
	}
	ok(good_ip == 5, "toeplitz: the 5 IPv4 vectors without ports");
	ok(good_tcp == 5, "toeplitz: the 5 IPv4 vectors with TCP ports");
	good_ip = good_tcp = 0;
	for (i = 0; i < sizeof(v6vecs) / sizeof(v6vecs[0]); i++) {
		memcpy(in, v6vecs[i].src, 16);
		memcpy(in + 16, v6vecs[i].dst, 16);
		put16(in + 32, v6vecs[i].sport);
		put16(in + 34, v6vecs[i].dport);
		good_ip += toeplitz_hash(ms_key, 40, in, 32) == v6vecs[i].h_ip;
		good_tcp += toeplitz_hash(ms_key, 40, in, 36) ==
		    v6vecs[i].h_tcp;
	}
	ok(good_ip == 3, "toeplitz: the 3 IPv6 vectors without ports");
	ok(good_tcp == 3, "toeplitz: the 3 IPv6 vectors with TCP ports");
	ok(toeplitz_hash(ms_key, 0, in, 36) == 0,
	    "toeplitz: an empty key hashes everything to 0 (netif.h)");
	ok(toeplitz_hash(ms_key, 40, in, 0) == 0,
	    "toeplitz: empty input hashes to 0");
}

/* Random inputs and key lengths against netif.h's own function. */
static void
t_reference(void)
{
	uint8_t key[40], in[64];
	unsigned int n, i, klen, len, bad = 0;

	srandom(1234);
	for (n = 0; n < 2000; n++) {
		klen = (unsigned int)random() % 41;
		len = (unsigned int)random() % 65;
		for (i = 0; i < klen; i++)
			key[i] = (uint8_t)random();
		for (i = 0; i < len; i++)
			in[i] = (uint8_t)random();
		if (toeplitz_hash(key, klen, in, len) !=
		    xen_netif_toeplitz_hash(key, klen, in, len))
			bad++;
	}
	ok(bad == 0, "toeplitz: 2000 random keys (0..40 octets) and inputs "
	    "(0..64) agree with netif.h's xen_netif_toeplitz_hash (%u differ)",
	    bad);
}

/* netif.h "Hash types" on frames. */
static void
t_frames(void)
{
	struct ring_hash rh;
	uint8_t f[128];
	uint32_t val;
	uint8_t type;
	size_t len;

	memset(&rh, 0, sizeof(rh));
	memcpy(rh.rh_key, ms_key, 40);
	rh.rh_keylen = 40;
	len = mk_v4(f, &v4vecs[0], 6, 0);
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == -1 &&
	    !ring_hash_active(&rh),
	    "frames: algorithm NONE hashes nothing, whatever the flags");
	rh.rh_alg = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v4vecs[0].h_tcp &&
	    type == _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP,
	    "frames: IPv4 TCP with IPV4|IPV4_TCP: the TCP hash, type "
	    "IPV4_TCP (the maximal type)");
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v4vecs[0].h_ip && type == _XEN_NETIF_CTRL_HASH_TYPE_IPV4,
	    "frames: IPv4 TCP with IPV4 only: the address hash");
	len = mk_v4(f, &v4vecs[1], 17, 1);
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v4vecs[1].h_ip && type == _XEN_NETIF_CTRL_HASH_TYPE_IPV4,
	    "frames: IPv4 UDP behind a VLAN tag: the address hash");
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == -1,
	    "frames: IPv4 UDP with IPV4_TCP only: no hash");
	len = mk_v4(f, &v4vecs[2], 6, 0);
	f[14 + 6] = 0x20;	/* more fragments: no ports to read */
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v4vecs[2].h_ip && type == _XEN_NETIF_CTRL_HASH_TYPE_IPV4,
	    "frames: an IPv4 TCP fragment: the address hash");
	len = mk_v6(f, &v6vecs[0], 6);
	ok(ring_hash_frame(&rh, f, len, &val, &type) == -1,
	    "frames: IPv6 with IPv4 flags only: no hash");
	rh.rh_flags = XEN_NETIF_CTRL_HASH_TYPE_IPV6 |
	    XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP;
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v6vecs[0].h_tcp &&
	    type == _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP,
	    "frames: IPv6 TCP: the TCP hash, type IPV6_TCP");
	len = mk_v6(f, &v6vecs[2], 17);
	ok(ring_hash_frame(&rh, f, len, &val, &type) == 0 &&
	    val == v6vecs[2].h_ip && type == _XEN_NETIF_CTRL_HASH_TYPE_IPV6,
	    "frames: IPv6 UDP: the address hash, type IPV6");
	ok(ring_hash_frame(&rh, f, 14 + 39, &val, &type) == -1,
	    "frames: an IPv6 header cut short: no hash");
	len = mk_v4(f, &v4vecs[0], 6, 0);
	put16(f + 12, 0x0806);
	ok(ring_hash_frame(&rh, f, len, &val, &type) == -1,
	    "frames: ARP: no hash");
}

static void
t_queue(void)
{
	struct ring_hash rh;

	memset(&rh, 0, sizeof(rh));
	ok(ring_hash_queue(&rh, 7, 4) == 3 && ring_hash_queue(&rh, 7, 0) == 0,
	    "queue: without a table, the hash modulo the queues");
	rh.rh_mapsize = 3;
	rh.rh_map[0] = 2;
	rh.rh_map[1] = 1;
	rh.rh_map[2] = 9;
	ok(ring_hash_queue(&rh, 3, 4) == 2 && ring_hash_queue(&rh, 4, 4) == 1,
	    "queue: the table's entry at the hash modulo its size");
	ok(ring_hash_queue(&rh, 5, 4) == 0,
	    "queue: an entry past the queues picks queue 0");
}

/* ---- control messages ---- */

static void
t_algorithm(void)
{
	struct ring_ctrl *rc;
	struct ring_ctrl_stats st;
	struct ring_hash rh;
	uint32_t data = 99, st0;
	uint64_t gen;

	ok(ring_ctrl_new(bhv, GUEST, 0) == NULL && errno == EINVAL,
	    "ctrl: a vif of no queues is refused");
	if ((rc = ring_ctrl_new(bhv, GUEST, NQ)) == NULL)
		abort();
	gen = ring_ctrl_hash(rc, &rh);
	ok(!ring_hash_active(&rh) && rh.rh_mapsize == 0 && rh.rh_keylen == 0,
	    "ctrl: a new ring hashes nothing");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_INVALID, 0, 0, 0, NULL) == ST_NOTSUP,
	    "ctrl: type INVALID (0): NOT_SUPPORTED");
	ok(req(rc, 11, 0, 0, 0, NULL) == ST_NOTSUP &&
	    req(rc, 0xffff, 1, 2, 3, NULL) == ST_NOTSUP,
	    "ctrl: unknown types: NOT_SUPPORTED");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0, NULL) ==
	    ST_NOTSUP, "ctrl: GET_HASH_FLAGS before an algorithm: "
	    "NOT_SUPPORTED (netif.h: one must be selected first)");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4, 0, 0, NULL) == ST_INVAL,
	    "ctrl: SET_HASH_FLAGS before an algorithm: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 2, 0, 0, NULL) ==
	    ST_INVAL, "ctrl: SET_HASH_ALGORITHM 2 (unknown): "
	    "INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
	    XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 1, 0, NULL) == ST_INVAL,
	    "ctrl: SET_HASH_ALGORITHM with data[1] not 0: INVALID_PARAMETER");
	ok(ring_ctrl_hash(rc, NULL) == gen,
	    "ctrl: refused requests leave the settings' generation alone");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
	    XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 0, 0, NULL) == ST_OK &&
	    ring_ctrl_hash(rc, NULL) != gen,
	    "ctrl: SET_HASH_ALGORITHM TOEPLITZ: SUCCESS, a new generation");
	st0 = req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0, &data);
	ok(st0 == ST_OK && data == 0xf,
	    "ctrl: GET_HASH_FLAGS: SUCCESS, all four types (0x%x)", data);
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 1, NULL) ==
	    ST_INVAL, "ctrl: GET_HASH_FLAGS with data[2] not 0: "
	    "INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0x10, 0, 0, NULL) ==
	    ST_INVAL, "ctrl: SET_HASH_FLAGS with an unknown type bit: "
	    "INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0xf, 0, 0, NULL) ==
	    ST_OK, "ctrl: SET_HASH_FLAGS all four: SUCCESS");
	ring_ctrl_hash(rc, &rh);
	ok(ring_hash_active(&rh) && rh.rh_flags == 0xf,
	    "ctrl: the settings now hash frames");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0, 0, 0, NULL) ==
	    ST_OK && (ring_ctrl_hash(rc, &rh), !ring_hash_active(&rh)),
	    "ctrl: SET_HASH_FLAGS 0 turns hashing off");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
	    XEN_NETIF_CTRL_HASH_ALGORITHM_NONE, 0, 0, NULL) == ST_OK &&
	    req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0, NULL) ==
	    ST_NOTSUP, "ctrl: algorithm NONE: SUCCESS, flags unavailable "
	    "again");
	ring_ctrl_snapshot(rc, &st);
	ok(st.cs_requests == 15 && st.cs_status[ST_OK] == 5 &&
	    st.cs_status[ST_NOTSUP] == 5 && st.cs_status[ST_INVAL] == 5 &&
	    st.cs_status[ST_OVERFLOW] == 0,
	    "ctrl: counted: %llu requests, %llu/%llu/%llu/%llu by status",
	    (unsigned long long)st.cs_requests,
	    (unsigned long long)st.cs_status[0],
	    (unsigned long long)st.cs_status[1],
	    (unsigned long long)st.cs_status[2],
	    (unsigned long long)st.cs_status[3]);
	ring_ctrl_free(rc);
}

static void
t_key(void)
{
	struct ring_ctrl *rc;
	struct ring_hash rh;
	uint8_t *kp = simdom_page(gsd, FR_KEY);

	if ((rc = ring_ctrl_new(bhv, GUEST, NQ)) == NULL)
		abort();
	memcpy(kp, ms_key, 40);
	memset(kp + 40, 0xab, 64);
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_ref, 41, 0, NULL) ==
	    ST_OVERFLOW, "key: 41 octets: BUFFER_OVERFLOW (we keep 40)");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_ref, 0xffffffff, 0,
	    NULL) == ST_OVERFLOW, "key: 2^32-1 octets: BUFFER_OVERFLOW");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, bad_ref, 16, 0, NULL) ==
	    ST_INVAL, "key: a revoked grant: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_ref, 16, 1, NULL) ==
	    ST_INVAL, "key: data[2] not 0: INVALID_PARAMETER");
	ring_ctrl_hash(rc, &rh);
	ok(rh.rh_keylen == 0, "key: refused keys set nothing");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_ref, 40, 0, NULL) ==
	    ST_OK, "key: 40 octets from a read-only grant: SUCCESS");
	ring_ctrl_hash(rc, &rh);
	ok(rh.rh_keylen == 40 && memcmp(rh.rh_key, ms_key, 40) == 0,
	    "key: it is the guest's key, copied by grant copy");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_ref, 4, 0, NULL) ==
	    ST_OK && (ring_ctrl_hash(rc, &rh), rh.rh_keylen == 4) &&
	    memcmp(rh.rh_key, ms_key, 4) == 0 && rh.rh_key[4] == 0 &&
	    rh.rh_key[39] == 0,
	    "key: a shorter key replaces it, the rest is zero (netif.h)");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, bad_ref, 0, 0, NULL) ==
	    ST_OK && (ring_ctrl_hash(rc, &rh), rh.rh_keylen == 0) &&
	    rh.rh_key[0] == 0,
	    "key: size 0 clears it without reading the grant");
	ring_ctrl_free(rc);
}

static void
t_mapping(void)
{
	struct ring_ctrl *rc;
	struct ring_hash rh;
	uint32_t *mp = simdom_page(gsd, FR_MAP), data = 0, st0;
	unsigned int i;
	int zero;

	if ((rc = ring_ctrl_new(bhv, GUEST, NQ)) == NULL)
		abort();
	st0 = req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, 0, 0, 0,
	    &data);
	ok(st0 == ST_OK && data == RING_HASH_MAP_MAX,
	    "map: GET_HASH_MAPPING_SIZE: SUCCESS, %u entries", data);
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, 1, 0, 0,
	    NULL) == ST_INVAL, "map: GET_HASH_MAPPING_SIZE with data[0] not "
	    "0: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
	    RING_HASH_MAP_MAX + 1, 0, 0, NULL) == ST_INVAL,
	    "map: SET_HASH_MAPPING_SIZE 129: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 1, 0,
	    NULL) == ST_INVAL,
	    "map: SET_HASH_MAPPING before a size: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 8, 0, 0,
	    NULL) == ST_OK, "map: SET_HASH_MAPPING_SIZE 8: SUCCESS");
	for (i = 0; i < 8; i++)
		mp[i] = 3 - i % 4;
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref,
	    RING_HASH_MAP_MAX + 1, 0, NULL) == ST_OVERFLOW,
	    "map: SET_HASH_MAPPING of 129 entries: BUFFER_OVERFLOW");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 4, 5,
	    NULL) == ST_INVAL,
	    "map: entries 5..8 of a table of 8: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 4,
	    0xfffffffe, NULL) == ST_INVAL,
	    "map: an offset that wraps around: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, bad_ref, 4, 0,
	    NULL) == ST_INVAL, "map: a revoked grant: INVALID_PARAMETER");
	mp[2] = NQ;
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 4, 0,
	    NULL) == ST_INVAL,
	    "map: an entry naming queue %u of %u: INVALID_PARAMETER", NQ, NQ);
	ring_ctrl_hash(rc, &rh);
	for (zero = 1, i = 0; i < RING_HASH_MAP_MAX; i++)
		zero &= rh.rh_map[i] == 0;
	ok(rh.rh_mapsize == 8 && zero,
	    "map: nothing of a refused table is applied (all entries 0)");
	mp[0] = 1;
	mp[1] = 2;
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 2, 6,
	    NULL) == ST_OK, "map: entries 6..7: SUCCESS");
	ring_ctrl_hash(rc, &rh);
	ok(rh.rh_map[6] == 1 && rh.rh_map[7] == 2 && rh.rh_map[5] == 0 &&
	    rh.rh_map[0] == 0, "map: the sub-table lands at its offset, the "
	    "rest untouched");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_ref, 0, 8,
	    NULL) == ST_OK, "map: an empty sub-table at the end: SUCCESS");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 4, 0, 0,
	    NULL) == ST_OK && (ring_ctrl_hash(rc, &rh), rh.rh_map[6] == 0) &&
	    rh.rh_mapsize == 4, "map: a new size zero-fills the table");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 4, 1, 0,
	    NULL) == ST_INVAL,
	    "map: SET_HASH_MAPPING_SIZE with data[1] not 0: "
	    "INVALID_PARAMETER");
	ring_ctrl_free(rc);
}

static void
t_gref(void)
{
	struct ring_ctrl *rc;
	uint32_t data = 99;

	if ((rc = ring_ctrl_new(bhv, GUEST, NQ)) == NULL)
		abort();
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, NQ - 1, 0, 0,
	    &data) == ST_OK && data == 0,
	    "gref: GET_GREF_MAPPING_SIZE: SUCCESS, 0 (we keep none mapped)");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, NQ, 0, 0,
	    NULL) == ST_INVAL,
	    "gref: GET_GREF_MAPPING_SIZE of queue %u: INVALID_PARAMETER", NQ);
	ok(req(rc, XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 0, 1, 0,
	    NULL) == ST_INVAL, "gref: GET_GREF_MAPPING_SIZE with data[1] not "
	    "0: INVALID_PARAMETER");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, map_ref, 1,
	    NULL) == ST_NOTSUP, "gref: ADD_GREF_MAPPING: NOT_SUPPORTED");
	ok(req(rc, XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, 0, map_ref, 1,
	    &data) == ST_NOTSUP && data == 0,
	    "gref: DEL_GREF_MAPPING: NOT_SUPPORTED, 0 entries unmapped");
	ring_ctrl_free(rc);
}

/* ---- the ring ---- */

static void
t_ring(void)
{
	xen_netif_ctrl_sring_t *s = simdom_page(gsd, FR_RING);
	xen_netif_ctrl_front_ring_t fr;
	struct xen_netif_ctrl_request *r;
	struct xen_netif_ctrl_response *rsp;
	struct ring_ctrl *rc;
	struct ring_ctrl_stats st;
	struct ring_hash rh;
	unsigned int i, good, events = 0;
	int gport, p, notify, rv;

	memset(s, 0, XN_RING_PAGE);
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&fr, s, XN_RING_PAGE);
	gport = hv_evtchn_alloc_unbound(ghv, 0);
	if ((rc = ring_ctrl_new(bhv, GUEST, NQ)) == NULL || gport == -1)
		abort();
	ok(ring_ctrl_run(rc) == 0 && ring_ctrl_port(rc) == -1,
	    "ring: an unconnected ring has nothing to run");
	ok(ring_ctrl_connect(rc, bad_ref, (uint32_t)gport) == -1 &&
	    ring_ctrl_port(rc) == -1,
	    "ring: a revoked ring grant is refused, nothing bound");
	ok(ring_ctrl_connect(rc, ring_ref, (uint32_t)gport) == 0 &&
	    ring_ctrl_port(rc) != -1, "ring: connect maps and binds");
	ok(ring_ctrl_connect(rc, ring_ref, (uint32_t)gport) == -1 &&
	    errno == EISCONN, "ring: connecting twice: EISCONN");

	/* A frontend's setup: algorithm, flags, then a burst of queries. */
	for (i = 0; i < 40; i++) {
		r = RING_GET_REQUEST(&fr, fr.req_prod_pvt);
		memset(r, 0, sizeof(*r));
		r->id = (uint16_t)(100 + i);
		if (i == 0) {
			r->type = XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM;
			r->data[0] = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
		} else if (i == 1) {
			r->type = XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS;
			r->data[0] = XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
		} else
			r->type = i % 2 ? XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS :
			    XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING;
		fr.req_prod_pvt++;
	}
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
	ok(notify && ring_ctrl_run(rc) == 0,
	    "ring: 40 requests answered in one run");
	while ((p = hv_evtchn_pending(ghv)) != -1) {
		events += p == gport;
		hv_evtchn_unmask(ghv, p);
	}
	ok(events == 1, "ring: the frontend is notified once");
	good = 0;
	for (i = 0; i < 40 && RING_HAS_UNCONSUMED_RESPONSES(&fr); i++) {
		rsp = RING_GET_RESPONSE(&fr, fr.rsp_cons);
		fr.rsp_cons++;
		if (rsp->id != 100 + i)
			continue;
		if (i < 2)
			good += rsp->status == ST_OK;
		else if (i % 2)
			good += rsp->status == ST_OK && rsp->data == 0xf;
		else
			good += rsp->status == ST_NOTSUP;
	}
	ok(good == 40 && !RING_HAS_UNCONSUMED_RESPONSES(&fr),
	    "ring: 40 responses, in order, ids echoed, statuses right (%u)",
	    good);
	ring_ctrl_hash(rc, &rh);
	ok(ring_hash_active(&rh) &&
	    rh.rh_flags == XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP,
	    "ring: the settings it carried are in force");
	ok(ring_ctrl_run(rc) == 0, "ring: a run with nothing posted is 0");

	/* A frontend that claims more requests than the ring holds. */
	s->req_prod = fr.req_prod_pvt + XN_RING_PAGE;
	rv = ring_ctrl_run(rc);
	ok(rv == -1 && ring_ctrl_error(rc) != NULL &&
	    strstr(ring_ctrl_error(rc), "req_prod") != NULL,
	    "ring: req_prod beyond the ring: -1, \"%s\"",
	    ring_ctrl_error(rc) != NULL ? ring_ctrl_error(rc) : "(none)");
	s->req_prod = fr.req_prod_pvt;
	ok(ring_ctrl_run(rc) == -1,
	    "ring: and it stays failed until reconnected");
	ring_ctrl_snapshot(rc, &st);
	ok(st.cs_fatal == 1 && st.cs_requests == 40,
	    "ring: counted: 40 requests, 1 index violation");
	ring_ctrl_disconnect(rc);
	ring_ctrl_hash(rc, &rh);
	ok(ring_ctrl_port(rc) == -1 && !ring_hash_active(&rh),
	    "ring: disconnect unbinds and forgets the hash settings");
	memset(s, 0, XN_RING_PAGE);
	SHARED_RING_INIT(s);
	ok(ring_ctrl_connect(rc, ring_ref, (uint32_t)gport) == 0 &&
	    ring_ctrl_run(rc) == 0 && ring_ctrl_error(rc) == NULL,
	    "ring: a reconnected ring works again");
	ring_ctrl_free(rc);
	hv_evtchn_unbind(ghv, gport);
}

int
main(void)
{

	if (rundir_mkdir(simdir) == -1) {
		skip_all("mkdtemp failed");
		return (0);
	}
	t_toeplitz();
	t_reference();
	t_frames();
	t_queue();
	if (setup() == -1) {
		printf("Bail out! sim setup: %s\n", strerror(errno));
		return (1);
	}
	t_algorithm();
	t_key();
	t_mapping();
	t_gref();
	t_ring();
	hv_close(ghv);
	hv_close(bhv);
	simdom_detach(gsd);
	return (done_testing());
}
