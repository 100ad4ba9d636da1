// fast-check arbitraries for valid Packets: every typed option, raw options of any free code, and
// values long enough (over 255 bytes) to need RFC 3396 splitting.

import fc from 'fast-check';
import { optionSpec } from '../options.ts';
import type { ClientFqdn, DhcpOptions, MessageType, Packet } from '../types.ts';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Text that survives UTF-8 and has no trailing NUL (decode drops those, RFC 2132 2). */
const optionText = fc
  .string({ unit: 'binary', maxLength: 300 })
  .filter((s) => !s.endsWith('\0') && Buffer.from(s, 'utf8').toString('utf8') === s);

/** sname/file: Latin-1 without NUL (the field is a C string). */
function fieldText(maxLength: number): fc.Arbitrary<string> {
  return fc
    .string({ unit: fc.integer({ min: 1, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength })
    .filter((s) => s.length <= maxLength);
}

const addresses = fc.array(u32, { minLength: 1, maxLength: 70 });
const bytes = fc.uint8Array({ maxLength: 400 });

const label = fc.stringMatching(/^[a-z0-9-]{1,63}$/);
const clientFqdn: fc.Arbitrary<ClientFqdn> = fc.record({
  flags: u8,
  rcode1: u8,
  rcode2: u8,
  name: fc.array(label, { maxLength: 5 }).map((labels) => labels.join('.')),
}, { noNullPrototype: true });

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
    parameterRequestList: fc.array(u8, { maxLength: 300 }),
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
