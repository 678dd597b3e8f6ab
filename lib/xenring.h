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
 * The one place that includes Xen's public ring headers.  ring.h leaves
 * the memory barriers to its includer (xen_mb() -> mb() for the default
 * interface version); userspace has no mb(), so define them here with
 * compiler builtins.  Both ends of a ring (the daemon, netfront-sim, the
 * tests) include this file rather than xen/io/netif.h directly.
 */

#ifndef XENNET_XENRING_H
#define XENNET_XENRING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#ifndef mb
#define mb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef rmb
#define rmb()	__atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef wmb
#define wmb()	__atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <xen/io/ring.h>
#include <xen/io/netif.h>

/* netif.h: one 4 KiB page per ring; 256 entries each. */
#define XN_RING_PAGE		4096
#define XN_TX_RING_SIZE		__CONST_RING_SIZE(netif_tx, XN_RING_PAGE)
#define XN_RX_RING_SIZE		__CONST_RING_SIZE(netif_rx, XN_RING_PAGE)

#endif /* XENNET_XENRING_H */
