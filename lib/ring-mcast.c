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
 * The multicast filter of a vif (netif.h "feature-multicast-control"):
 * the addresses the frontend added with XEN_NETIF_EXTRA_TYPE_MCAST_ADD
 * extras on its tx rings, and whether it asked for filtering
 * (request-multicast-control).  One filter serves every queue of a vif,
 * whichever threads they run on: a tx pass amends it, rx passes read
 * it, the main thread switches it on and off; a mutex keeps them apart.
 * Only multicast frames look at it, so unicast traffic never takes the
 * lock.
 */

#include <sys/types.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pkt.h"
#include "ring.h"

/* IEEE 802: the group bit is the low bit of the first octet. */
#define MCAST_GROUP(a)	((a)[0] & 0x01)

struct ring_mcast {
	pthread_mutex_t	 rm_lock;
	int		 rm_on;		/* filter: request-multicast-control */
	unsigned int	 rm_n;
	uint8_t		 rm_addr[RING_MCAST_MAX][6];
};

static int	ring_mcast_find(const struct ring_mcast *, const uint8_t *);

struct ring_mcast *
ring_mcast_new(void)
{
	struct ring_mcast *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return (NULL);
	if ((errno = pthread_mutex_init(&m->rm_lock, NULL)) != 0) {
		free(m);
		return (NULL);
	}
	return (m);
}

void
ring_mcast_free(struct ring_mcast *m)
{
	if (m == NULL)
		return;
	pthread_mutex_destroy(&m->rm_lock);
	free(m);
}

void
ring_mcast_reset(struct ring_mcast *m, int on)
{
	pthread_mutex_lock(&m->rm_lock);
	m->rm_on = on;
	m->rm_n = 0;
	pthread_mutex_unlock(&m->rm_lock);
}

void
ring_mcast_enable(struct ring_mcast *m, int on)
{
	pthread_mutex_lock(&m->rm_lock);
	m->rm_on = on;
	pthread_mutex_unlock(&m->rm_lock);
}

/* ring_mcast_find: the index of addr in m's list, -1 if absent. */
static int
ring_mcast_find(const struct ring_mcast *m, const uint8_t *addr)
{
	unsigned int i;

	for (i = 0; i < m->rm_n; i++)
		if (memcmp(m->rm_addr[i], addr, 6) == 0)
			return ((int)i);
	return (-1);
}

int
ring_mcast_add(struct ring_mcast *m, const uint8_t *addr)
{
	int rv = 0;

	if (!MCAST_GROUP(addr)) {
		errno = EINVAL;
		return (-1);
	}
	pthread_mutex_lock(&m->rm_lock);
	if (ring_mcast_find(m, addr) == -1) {
		if (m->rm_n == RING_MCAST_MAX) {
			errno = ENOSPC;
			rv = -1;
		} else
			memcpy(m->rm_addr[m->rm_n++], addr, 6);
	}
	pthread_mutex_unlock(&m->rm_lock);
	return (rv);
}

void
ring_mcast_del(struct ring_mcast *m, const uint8_t *addr)
{
	int i;

	pthread_mutex_lock(&m->rm_lock);
	if ((i = ring_mcast_find(m, addr)) != -1) {
		m->rm_n--;
		memmove(m->rm_addr[i], m->rm_addr[m->rm_n], 6);
	}
	pthread_mutex_unlock(&m->rm_lock);
}

int
ring_mcast_pass(struct ring_mcast *m, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	int pass;

	if (!MCAST_GROUP(dst) || memcmp(dst, bcast, 6) == 0)
		return (1);
	pthread_mutex_lock(&m->rm_lock);
	pass = !m->rm_on || ring_mcast_find(m, dst) != -1;
	pthread_mutex_unlock(&m->rm_lock);
	return (pass);
}

void
ring_mcast_info(struct ring_mcast *m, int *on, unsigned int *n)
{
	pthread_mutex_lock(&m->rm_lock);
	*on = m->rm_on;
	*n = m->rm_n;
	pthread_mutex_unlock(&m->rm_lock);
}
