// Fixed layout of a DHCP message (RFC 2131 section 2, figure 1): a 236-byte BOOTP header, the
// magic cookie (RFC 2131 3, RFC 1497), then the variable options field.

export const CHADDR_OFFSET = 28;
export const CHADDR_LENGTH = 16;
export const SNAME_OFFSET = 44;
export const SNAME_LENGTH = 64;
export const FILE_OFFSET = 108;
export const FILE_LENGTH = 128;
export const COOKIE_OFFSET = 236;
export const OPTIONS_OFFSET = 240;

/** 99.130.83.99 (RFC 2131 3). */
export const MAGIC_COOKIE = 0x63825363;

/** Smallest message this codec accepts: header and cookie. */
export const MIN_MESSAGE_LENGTH = OPTIONS_OFFSET;

/** BOOTP's minimum message (RFC 951 "vend" field of 64 bytes); Kea and ISC pad replies to it. */
export const MIN_PADDED_LENGTH = 300;

/** 576 (minimum IP datagram every host accepts, RFC 2131 2) minus 20 IP and 8 UDP header bytes. */
export const DEFAULT_MAX_MESSAGE_SIZE = 548;

/** Option overload values (RFC 2132 9.3): which of file and sname carry options. */
export const OVERLOAD_FILE = 1;
export const OVERLOAD_SNAME = 2;
