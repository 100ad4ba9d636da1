// Test-only builders of hostile datagrams for the codec's tests and benchmark: the largest UDP
// payload filled with the smallest option instances, which RFC 3396 makes the decoder join.

import { isReservedCode, optionSpec } from '../options.ts';
import { requestHeader } from './wire.ts';

/** 65,535 bytes of IPv4 datagram minus the 20-byte IP and 8-byte UDP headers. */
export const MAX_UDP_PAYLOAD = 65_507;

/** Codes the codec keeps raw (DhcpOptions.other): joining them is all the decoding they get. */
export const RAW_CODES: readonly number[] = Array.from({ length: 254 }, (_, i) => i + 1).filter(
  (code) => optionSpec(code) === undefined && !isReservedCode(code),
);

/**
 * A DISCOVER (53 first) then 1-byte instances (code, length 1, one data byte) up to END, padded
 * to `size` bytes; instance i has code `codeOf(i)` and data byte `i & 0xff`.
 */
export function oneByteInstances(codeOf: (i: number) => number, size = MAX_UDP_PAYLOAD): Uint8Array {
  const wire = requestHeader().option(53, [1]); // message type: DISCOVER
  for (let i = 0; wire.length + 3 + 1 <= size; i++) wire.option(codeOf(i), [i & 0xff]);
  return wire.u8(255).padTo(size).build(); // END, then zero padding
}
