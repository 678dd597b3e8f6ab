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
 * The e2e domU's XDP program (build.sh: clang -target bpf): it passes
 * every frame.  Attaching it in driver mode makes Linux xen-netfront
 * ask the backend for xdp-headroom (Reconfiguring), which is what the
 * jumbo phase of lab/test.sh checks.
 */

#include <linux/bpf.h>

__attribute__((section("xdp"), used)) int
xdp_pass(struct xdp_md *ctx)
{
	return (XDP_PASS);
}

char xdp_license[] __attribute__((section("license"), used)) = "GPL";
