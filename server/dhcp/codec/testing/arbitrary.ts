// fast-check arbitraries for valid Packets: every typed option, raw options of any free code, and
// values long enough (over 255 bytes) to need RFC 3396 splitting.

import fc from 'fast-check';
import { optionSpec } from '../options.ts';
import type { ClientFqdn, DhcpOptions, MessageType, Packet } from '../types.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/**
 * Short or long: fast-check keeps lengths small by default, so values past 255 bytes (which must
 * be split, RFC 3396) are asked for explicitly.
 */
function shortOrLong<T>(short: fc.Arbitrary<T>, long: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: short, weight: 3 }, { arbitrary: long, weight: 1 });
}

/** Text that survives UTF-8 and has no trailing NUL (decode drops those, RFC 2132 2). */
const optionText = shortOrLong(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 100, maxLength: 300, size: 'max' }),
).filter((s) => !s.endsWith('\0') && Buffer.from(s, 'utf8').toString('utf8') === s);

/** sname/file: Latin-1 without NUL (the field is a C string). */
function fieldText(maxLength: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength })
    .filter((s) => s.length <= maxLength);
}

const addresses = shortOrLong(
  fc.array(u32, { minLength: 1, maxLength: 4 }),
  fc.array(u32, { minLength: 60, maxLength: 140, size: 'max' }),
);
const bytes = shortOrLong(
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ minLength: 250, maxLength: 600, size: 'max' }),
);

const label = fc.stringMatching(/^[a-z0-9-]{1,63}$/);
const clientFqdn: fc.Arbitrary<ClientFqdn> = fc.record(
  {
    flags: u8,
    rcode1: u8,
    rcode2: u8,
    name: fc.array(label, { maxLength: 5 }).map((labels) => labels.join('.')),
  },
  { noNullPrototype: true },
);

const typedOptions = fc.record(
  {
    subnetMask: u32,
    routers: addresses,
    dnsServers: addresses,
    hostName: optionText,
    domainName: optionText,
    interfaceMtu: u16,
    broadcastAddress: u32,
    ntpServers: addresses,
    requestedIp: u32,
    leaseTime: u32,
    messageType: u8.map((v) => v as MessageType),
    serverId: u32,
    parameterRequestList: shortOrLong(
      fc.array(u8, { maxLength: 20 }),
      fc.array(u8, { minLength: 250, maxLength: 300, size: 'max' }),
    ),
    message: optionText,
    maxMessageSize: u16,
    renewalTime: u32,
    rebindingTime: u32,
    vendorClassId: bytes,
    clientId: bytes,
    clientFqdn,
    relayAgentInfo: bytes,
  },
  { requiredKeys: [], noNullPrototype: true },
);

/** Codes kept raw: not typed, not PAD, overload or END. */
const rawCode = fc.integer({ min: 1, max: 254 }).filter((code) => code !== 52 && optionSpec(code) === undefined);

const otherOptions = fc
  .uniqueArray(fc.tuple(rawCode, bytes), { selector: ([code]) => code, maxLength: 6 })
  .map((entries) => new Map(entries));

export const arbitraryOptions: fc.Arbitrary<DhcpOptions> = fc
  .tuple(typedOptions, otherOptions)
  .map(([typed, other]) => ({ ...typed, other }));

export const arbitraryPacket: fc.Arbitrary<Packet> = fc
  .record({
    op: fc.constantFrom(1, 2),
    htype: u8,
    hops: u8,
    xid: u32,
    secs: u16,
    flags: u16,
    ciaddr: u32,
    yiaddr: u32,
    siaddr: u32,
    giaddr: u32,
    chaddr: fc.uint8Array({ maxLength: 16 }),
    sname: fieldText(64),
    file: fieldText(128),
    options: arbitraryOptions,
  })
  .map((p) => ({ ...p, hlen: p.chaddr.length }));
