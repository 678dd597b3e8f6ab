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

/* conf: the settings each vif gets. */

#include <string.h>

#include "xennetd.h"

/*
 * conf_vif: the settings of vif domid/handle with MAC mac: the global
 * ones (command line).
 */
void
conf_vif(struct xnd *x, uint32_t domid, uint32_t handle, const uint8_t *mac,
    struct vif_conf *vc)
{
	(void)domid;
	(void)handle;
	(void)mac;
	memset(vc, 0, sizeof(*vc));
	vc->vc_ring = x->x_conf.xc_ring;
	vc->vc_port = x->x_conf.xc_port;
	memcpy(vc->vc_port_if, x->x_conf.xc_port_if, sizeof(vc->vc_port_if));
}
