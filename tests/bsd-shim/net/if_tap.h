/*
 * <net/if_tap.h> of the BSDs, as far as daemon/osdep-bsd.c uses it, for
 * tests/t_bsd_compile.sh: the value is a placeholder for a compile check
 * only (see ../bsd-shim.h).
 */

#ifndef XENNET_SHIM_NET_IF_TAP_H
#define XENNET_SHIM_NET_IF_TAP_H

#define TAPGIFNAME		0x7f000010UL	/* the tap's struct ifreq */

#endif
