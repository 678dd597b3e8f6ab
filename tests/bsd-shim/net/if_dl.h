/*
 * <net/if_dl.h> of the BSDs, as far as daemon/osdep-bsd.c uses it, for
 * tests/t_bsd_compile.sh: member names as there, the layout a
 * placeholder for a compile check only (see ../bsd-shim.h).
 */

#ifndef XENNET_SHIM_NET_IF_DL_H
#define XENNET_SHIM_NET_IF_DL_H

#include <sys/types.h>
#include <sys/socket.h>
#include <stdint.h>

struct sockaddr_dl {
	uint8_t		sdl_len;
	sa_family_t	sdl_family;
	uint16_t	sdl_index;
	uint8_t		sdl_type;
	uint8_t		sdl_nlen;	/* name, then address, in sdl_data */
	uint8_t		sdl_alen;
	uint8_t		sdl_slen;
	char		sdl_data[24];
};
#define LLADDR(s)	((caddr_t)((s)->sdl_data + (s)->sdl_nlen))

#endif
