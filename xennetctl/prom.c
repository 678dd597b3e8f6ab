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
 * prom: replies in the Prometheus text exposition format (version
 * 0.0.4), for node_exporter's textfile collector: each metric family
 * once, its HELP and TYPE lines first, then one sample per vif (and per
 * direction, reason or batch size).  tx and rx are the guest's.
 */

#include <stdio.h>
#include <string.h>

#include "xennetctl.h"

/* A counter of a vif's "total" object. */
struct prom_counter {
	const char	*pc_name;	/* metric, after xennetd_vif_ */
	const char	*pc_help;
	const char	*pc_label;	/* an extra label, or NULL */
	const char	*pc_keys[2];	/* its values: key in "total" */
	const char	*pc_vals[2];	/* the label's values */
};

static const struct prom_counter prom_counters[] = {
	{ "packets_total", "Packets moved, by the guest's direction.",
	    "direction", { "tx_packets", "rx_packets" }, { "tx", "rx" } },
	{ "bytes_total", "Bytes moved, by the guest's direction.",
	    "direction", { "tx_bytes", "rx_bytes" }, { "tx", "rx" } },
	{ "gso_packets_total", "GSO packets, by the guest's direction.",
	    "direction", { "tx_gso", "rx_gso" }, { "tx", "rx" } },
	{ "copy_hypercalls_total", "Grant copy hypercalls.",
	    NULL, { "copy_calls", NULL }, { NULL, NULL } },
	{ "copy_segments_total", "Grant copy segments.",
	    NULL, { "copy_segs", NULL }, { NULL, NULL } },
	{ "notifications_sent_total", "Event notifications sent to the "
	    "guest, by ring.", "ring", { "notify_tx", "notify_rx" },
	    { "tx", "rx" } },
	{ "notifications_received_total", "Event notifications received "
	    "from the guest, by ring.", "ring", { "events_tx", "events_rx" },
	    { "tx", "rx" } },
	{ "passes_total", "Ring passes, by the guest's direction.",
	    "direction", { "tx_passes", "rx_passes" }, { "tx", "rx" } }
};

static void	prom_head(const char *, const char *, const char *);
static void	prom_labels(struct json_object *);
static void	prom_esc(const char *);
static void	prom_each(struct json_object *, struct json_object *,
		    const char *, const char *, const char *);

/* prom_head: a family's HELP and TYPE lines. */
static void
prom_head(const char *name, const char *type, const char *help)
{
	printf("# HELP xennetd_vif_%s %s\n", name, help);
	printf("# TYPE xennetd_vif_%s %s\n", name, type);
}

/* prom_esc: a label value, escaped as the format wants. */
static void
prom_esc(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
}

/* prom_labels: the labels that name vif e, without the closing brace. */
static void
prom_labels(struct json_object *e)
{
	printf("{vif=\"");
	prom_esc(js_str(e, "name"));
	printf("\",domid=\"%llu\",handle=\"%llu\"",
	    (unsigned long long)js_u64(e, "domid"),
	    (unsigned long long)js_u64(e, "handle"));
}

/*
 * prom_each: a sample of metric for each member of object h (of vif e),
 * the member's name as label key, after direction="dir" unless NULL.
 */
static void
prom_each(struct json_object *e, struct json_object *h, const char *metric,
    const char *dir, const char *key)
{
	struct json_object_iterator it, end;

	if (h == NULL)
		return;
	it = json_object_iter_begin(h);
	end = json_object_iter_end(h);
	while (!json_object_iter_equal(&it, &end)) {
		printf("xennetd_vif_%s", metric);
		prom_labels(e);
		if (dir != NULL)
			printf(",direction=\"%s\"", dir);
		printf(",%s=\"%s\"} %llu\n", key,
		    json_object_iter_peek_name(&it), (unsigned long long)
		    json_object_get_uint64(json_object_iter_peek_value(&it)));
		json_object_iter_next(&it);
	}
}

/* show vifs: an info metric and the queue count of each vif. */
void
prom_vifs(struct json_object *reply)
{
	struct json_object *a = js_get(reply, "vifs"), *e;
	size_t i, n = a != NULL ? json_object_array_length(a) : 0;

	prom_head("info", "gauge", "A vif: its state, MAC and port (value 1).");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		printf("xennetd_vif_info");
		prom_labels(e);
		printf(",state=\"");
		prom_esc(js_str(e, "state"));
		printf("\",mac=\"");
		prom_esc(js_str(e, "mac"));
		printf("\",port=\"");
		prom_esc(js_str(js_get(e, "port"), "type"));
		printf("\",interface=\"");
		prom_esc(js_str(js_get(e, "port"), "interface"));
		printf("\"} 1\n");
	}
	prom_head("queues", "gauge", "Queues connected.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		printf("xennetd_vif_queues");
		prom_labels(e);
		printf("} %llu\n", (unsigned long long)js_u64(e, "queues"));
	}
}

/* show stats: every counter of every vif, its settings. */
void
prom_stats(struct json_object *reply)
{
	static const char *const kinds[] = { "tx", "rx", "copy" };
	static const char *const hists[][2] = {
		{ "tx_hist", "tx" }, { "rx_hist", "rx" }
	};
	struct json_object *a = js_get(reply, "vifs"), *e, *t;
	const struct prom_counter *pc;
	size_t i, n = a != NULL ? json_object_array_length(a) : 0;
	size_t k, j;

	prom_head("up", "gauge", "1 if the vif is connected to its guest.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		printf("xennetd_vif_up");
		prom_labels(e);
		printf("} %d\n", strcmp(js_str(e, "state"), "Connected") ==
		    0);
	}
	prom_head("stale", "gauge", "1 if a worker did not answer and the "
	    "counters are from before.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		printf("xennetd_vif_stale");
		prom_labels(e);
		printf("} %d\n", !js_bool(e, "answered"));
	}
	for (k = 0; k < sizeof(prom_counters) / sizeof(prom_counters[0]);
	    k++) {
		pc = &prom_counters[k];
		prom_head(pc->pc_name, "counter", pc->pc_help);
		for (i = 0; i < n; i++) {
			e = json_object_array_get_idx(a, i);
			t = js_get(e, "total");
			for (j = 0; j < 2 && pc->pc_keys[j] != NULL; j++) {
				printf("xennetd_vif_%s", pc->pc_name);
				prom_labels(e);
				if (pc->pc_label != NULL)
					printf(",%s=\"%s\"", pc->pc_label,
					    pc->pc_vals[j]);
				printf("} %llu\n", (unsigned long long)
				    js_u64(t, pc->pc_keys[j]));
			}
		}
	}
	prom_head("drops_total", "counter", "Packets dropped, by reason.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		prom_each(e, js_get(js_get(e, "total"), "drops"),
		    "drops_total", NULL, "reason");
	}
	prom_head("batches_total", "counter", "Ring passes by the number of "
	    "packets they moved, rounded down to a power of two.");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		for (j = 0; j < 2; j++)
			prom_each(e, js_get(js_get(e, "total"), hists[j][0]),
			    "batches_total", hists[j][1], "size");
	}
	prom_head("batch_limit", "gauge", "Batch size settings: packets per "
	    "pass (tx, rx), copy segments per hypercall (copy).");
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(a, i);
		for (k = 0; k < 3; k++) {
			printf("xennetd_vif_batch_limit");
			prom_labels(e);
			printf(",kind=\"%s\"} %llu\n", kinds[k],
			    (unsigned long long)js_u64(js_get(e, "batch"),
			    kinds[k]));
		}
	}
}
