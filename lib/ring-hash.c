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
 * Hashing of frames to the guest, as the frontend set it up on the
 * control ring (ring-ctrl.c): which fields of a frame are hashed
 * (netif.h "Hash types"), the Toeplitz hash over them, and the queue
 * the mapping table picks.
 */

#include <sys/types.h>

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pkt.h"
#include "ring.h"
#include "toeplitz.h"
#include "xenring.h"

/* netif.h "Hash types": where the addresses lie in the IP header. */
#define HASH_IP4_ADDRS		12	/* source, destination: 8 octets */
#define HASH_IP6_ADDRS		8	/* source, destination: 32 octets */
#define HASH_IN_MAX		36	/* IPV6_TCP: addresses and ports */

int
ring_hash_active(const struct ring_hash *rh)
{
	return (rh->rh_alg == XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ &&
	    rh->rh_flags != 0);
}

int
ring_hash_frame(const struct ring_hash *rh, const uint8_t *f, size_t len,
    uint32_t *val, uint8_t *type)
{
	uint8_t in[HASH_IN_MAX];
	struct pkt_l4 pl;
	unsigned int l3off;
	size_t alen, n;
	int v6, tcp;
	uint32_t want, want_tcp;

	if (!ring_hash_active(rh) || pkt_l3(f, len, &l3off, &v6) == -1)
		return (-1);
	/* The "maximal" type the frontend enabled (netif.h SET_HASH_FLAGS). */
	tcp = pkt_l4(f, len, &pl) == 0 && pl.pl_proto == IPPROTO_TCP;
	want = v6 ? XEN_NETIF_CTRL_HASH_TYPE_IPV6 :
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4;
	want_tcp = v6 ? XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP :
	    XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	if (tcp && (rh->rh_flags & want_tcp))
		*type = v6 ? _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP :
		    _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	else if (rh->rh_flags & want) {
		*type = v6 ? _XEN_NETIF_CTRL_HASH_TYPE_IPV6 :
		    _XEN_NETIF_CTRL_HASH_TYPE_IPV4;
		tcp = 0;
	} else
		return (-1);
	/* pkt_l3 checked that the fixed IP header is in the frame. */
	alen = v6 ? 32 : 8;
	memcpy(in, f + l3off + (v6 ? HASH_IP6_ADDRS : HASH_IP4_ADDRS), alen);
	n = alen;
	if (tcp) {
		/* pkt_l4 checked that the TCP header is in the frame. */
		memcpy(in + n, f + pl.pl_l4off, 4);
		n += 4;
	}
	*val = toeplitz_hash(rh->rh_key, rh->rh_keylen, in, n);
	return (0);
}

unsigned int
ring_hash_queue(const struct ring_hash *rh, uint32_t val, unsigned int nq)
{
	unsigned int q;

	if (nq == 0)
		return (0);
	/* netif.h SET_HASH_MAPPING_SIZE: size 0 is modular arithmetic. */
	if (rh->rh_mapsize == 0)
		return (val % nq);
	q = rh->rh_map[val % rh->rh_mapsize];
	return (q < nq ? q : 0);	/* ring-ctrl.c checked; belt */
}
