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
 * The map+memcpy copy engine behind hv_copy (hv.c, hv_set_engine):
 * private to the library.
 */

#ifndef XENNET_HV_MAPCOPY_H
#define XENNET_HV_MAPCOPY_H

#include "hv.h"

struct hv_mapcopy;

struct hv_mapcopy *hv_mapcopy_new(void);
void		 hv_mapcopy_free(struct hv_mapcopy *);
/*
 * hv_mapcopy: hv_copy's contract (0 with per-segment statuses, -1 with
 * errno if the batch itself is refused) done with hv_map, memcpy and
 * hv_unmap on handle hv.
 */
int		 hv_mapcopy(struct hv *, struct hv_mapcopy *, hv_copy_seg *,
		    unsigned int);

#endif /* XENNET_HV_MAPCOPY_H */
