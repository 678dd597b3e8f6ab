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

/* xennetctl: the program header. */

#ifndef XENNETCTL_H
#define XENNETCTL_H

#include <stdint.h>
#include <stdio.h>

#include <json-c/json.h>

#include "ctlreq.h"

/* output.c: aligned text for people */
void	out_vifs(struct json_object *);
void	out_stats(struct json_object *, struct json_object *, double);
void	out_result(const struct ctlreq *, struct json_object *);

/* prom.c: the Prometheus text exposition format */
void	prom_vifs(struct json_object *);
void	prom_stats(struct json_object *);

/* xennetctl.c: reading replies */
struct json_object *js_get(struct json_object *, const char *);
uint64_t js_u64(struct json_object *, const char *);
double	js_double(struct json_object *, const char *);
const char *js_str(struct json_object *, const char *);
int	js_bool(struct json_object *, const char *);

#endif /* XENNETCTL_H */
