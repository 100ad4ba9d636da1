// The DHCPv4 codec's public face: decode/encode, the one error type, the model and helpers.

export { decode } from './decode.ts';
export { encode } from './encode.ts';
export { PacketError } from './errors.ts';
export { bytesToHex, hexToBytes, macToString } from './hex.ts';
export { emptyOptions } from './options.ts';
export { DEFAULT_MAX_MESSAGE_SIZE } from './format.ts';
export { FQDN_FLAG_ENCODED } from './fqdn.ts';
export * from './types.ts';
export * from './ipv4.ts';
