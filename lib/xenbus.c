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

#include "xenbus.h"

static const char *const xenbus_states[] = {
	[XenbusStateUnknown] =		"Unknown",
	[XenbusStateInitialising] =	"Initialising",
	[XenbusStateInitWait] =		"InitWait",
	[XenbusStateInitialised] =	"Initialised",
	[XenbusStateConnected] =	"Connected",
	[XenbusStateClosing] =		"Closing",
	[XenbusStateClosed] =		"Closed",
	[XenbusStateReconfiguring] =	"Reconfiguring",
	[XenbusStateReconfigured] =	"Reconfigured",
};

/*
 * xenbus_state_name: the xenbus.h name of state s without its
 * "XenbusState" prefix; "invalid" for a value xenbus.h does not define
 * (a frontend may write anything).
 */
const char *
xenbus_state_name(unsigned int s)
{
	if (s >= sizeof(xenbus_states) / sizeof(xenbus_states[0]))
		return ("invalid");
	return (xenbus_states[s]);
}
