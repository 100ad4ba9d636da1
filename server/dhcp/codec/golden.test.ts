// Golden packets: exact bytes with a comment per field, decoded to and encoded from exact Packets.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, MessageType, PacketError, type Packet } from './index.ts';
import { parseIPv4 } from './ipv4.ts';
import { Wire } from './testing/wire.ts';

function ip(text: string): number {
  const value = parseIPv4(text);
  assert.ok(value !== null);
  return value;
}

function decoded(bytes: Uint8Array): Packet {
  const packet = decode(bytes);
  if (packet instanceof PacketError) assert.fail(packet.message);
  return packet;
}

// A DHCPREQUEST in INIT-REBOOT shape, written out byte by byte.
// prettier-ignore
const REQUEST = Uint8Array.from([
  0x01, // op: BOOTREQUEST
  0x01, // htype: Ethernet
  0x06, // hlen
  0x01, // hops
  0xde, 0xad, 0xbe, 0xef, // xid
  0x00, 0x03, // secs
  0x80, 0x00, // flags: broadcast
  0x00, 0x00, 0x00, 0x00, // ciaddr
  0x00, 0x00, 0x00, 0x00, // yiaddr
  0x00, 0x00, 0x00, 0x00, // siaddr
  0x0a, 0x7b, 0x01, 0x01, // giaddr 10.123.1.1
  0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, // chaddr
  ...new Array<number>(10).fill(0), // chaddr padding
  ...Buffer.from('boot.example'), ...new Array<number>(64 - 12).fill(0), // sname
  ...Buffer.from('pxelinux.0'), ...new Array<number>(128 - 10).fill(0), // file
  0x63, 0x82, 0x53, 0x63, // magic cookie
  0x35, 0x01, 0x03, // 53 message type: REQUEST
  0x00, // PAD
  0x32, 0x04, 0x0a, 0x7b, 0x01, 0x39, // 50 requested IP 10.123.1.57
  0x3d, 0x07, 0x01, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc, // 61 client id: type 1 + MAC
  0x0c, 0x05, 0x6e, 0x61, 0x73, 0x00, 0x00, // 12 host name "nas" with two trailing NULs
  0x37, 0x04, 0x01, 0x03, 0x06, 0x0f, // 55 parameter request list
  0x39, 0x02, 0x05, 0xdc, // 57 max message size 1500
  0x51, 0x0b, 0x05, 0x00, 0x00, 0x03, 0x6e, 0x61, 0x73, 0x03, 0x6c, 0x61, 0x62, // 81 FQDN (E|S), "nas.lab"...
  0xe0, 0x03, 0x01, 0x02, 0x03, // 224 site-specific, kept raw
  0x52, 0x06, 0x01, 0x04, 0xde, 0xad, 0xbe, 0xef, // 82 relay agent info: circuit id
  0xff, // END
  0x00, 0x00, 0x00, 0x00, // padding
]);

describe('golden DHCPREQUEST', () => {
  test('decodes every header field', () => {
    const packet = decoded(REQUEST);
    assert.equal(packet.op, 1);
    assert.equal(packet.htype, 1);
    assert.equal(packet.hlen, 6);
    assert.equal(packet.hops, 1);
    assert.equal(packet.xid, 0xdeadbeef);
    assert.equal(packet.secs, 3);
    assert.equal(packet.flags, 0x8000);
    assert.equal(packet.ciaddr, 0);
    assert.equal(packet.giaddr, ip('10.123.1.1'));
    assert.deepEqual(packet.chaddr, Uint8Array.from([0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]));
    assert.equal(packet.sname, 'boot.example');
    assert.equal(packet.file, 'pxelinux.0');
  });

  test('decodes every option, typed where known and raw where not', () => {
    const options = decoded(REQUEST).options;
    assert.deepEqual(options, {
      messageType: MessageType.Request,
      requestedIp: ip('10.123.1.57'),
      clientId: Uint8Array.from([1, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]),
      hostName: 'nas',
      parameterRequestList: [1, 3, 6, 15],
      maxMessageSize: 1500,
      // A partial name in wire format: labels with no root label (RFC 4702 2.3.1).
      clientFqdn: { flags: 0x05, rcode1: 0, rcode2: 0, name: 'nas.lab' },
      relayAgentInfo: Uint8Array.from([1, 4, 0xde, 0xad, 0xbe, 0xef]),
      other: new Map([[224, Uint8Array.from([1, 2, 3])]]),
    });
  });

  test('decoded byte fields are copies, not views of the receive buffer', () => {
    const bytes = REQUEST.slice();
    const packet = decoded(bytes);
    bytes.fill(0);
    assert.deepEqual(packet.chaddr, Uint8Array.from([0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]));
    assert.equal(packet.options.clientId?.[0], 1);
    assert.equal(packet.chaddr.constructor, Uint8Array);
  });
});

const OFFER: Packet = {
  op: 2,
  htype: 1,
  hlen: 6,
  hops: 0,
  xid: 0x3903f326,
  secs: 0,
  flags: 0x8000,
  ciaddr: 0,
  yiaddr: ip('10.123.0.57'),
  siaddr: ip('10.123.0.1'),
  giaddr: 0,
  chaddr: Uint8Array.from([0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]),
  sname: '',
  file: '',
  options: {
    // Deliberately listed out of wire order: encode decides the order.
    relayAgentInfo: Uint8Array.from([1, 4, 0xde, 0xad, 0xbe, 0xef]),
    leaseTime: 3600,
    domainName: 'lab.home',
    clientId: Uint8Array.from([1, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]),
    routers: [ip('10.123.0.1')],
    dnsServers: [ip('10.123.0.1'), ip('10.123.0.2')],
    subnetMask: ip('255.255.255.0'),
    serverId: ip('10.123.0.1'),
    renewalTime: 1800,
    rebindingTime: 3150,
    messageType: MessageType.Offer,
    other: new Map([[119, Uint8Array.from([3, 0x6c, 0x61, 0x62, 0])]]),
  },
};

const OFFER_BYTES = new Wire()
  .u8(2) // op: BOOTREPLY
  .u8(1) // htype: Ethernet
  .u8(6) // hlen
  .u8(0) // hops
  .u32(0x3903f326) // xid
  .u16(0) // secs
  .u16(0x8000) // flags: broadcast
  .ip('0.0.0.0') // ciaddr
  .ip('10.123.0.57') // yiaddr
  .ip('10.123.0.1') // siaddr
  .ip('0.0.0.0') // giaddr
  .field([0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc], 16) // chaddr
  .field('', 64) // sname
  .field('', 128) // file
  .cookie()
  .option(53, [2]) // message type: OFFER, always first
  .option(54, [10, 123, 0, 1]) // server identifier, always second
  .option(1, [255, 255, 255, 0]) // subnet mask
  .option(3, [10, 123, 0, 1]) // routers
  .option(6, [10, 123, 0, 1, 10, 123, 0, 2]) // DNS servers
  .option(15, Buffer.from('lab.home')) // domain name
  .option(51, [0, 0, 0x0e, 0x10]) // lease time 3600
  .option(58, [0, 0, 0x07, 0x08]) // T1 1800
  .option(59, [0, 0, 0x0c, 0x4e]) // T2 3150
  .option(61, [1, 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc]) // client id echoed (RFC 6842)
  .option(119, [3, 0x6c, 0x61, 0x62, 0]) // raw option in ascending place
  .option(82, [1, 4, 0xde, 0xad, 0xbe, 0xef]) // relay agent info, last (RFC 3046 2.1)
  .u8(255) // END
  .padTo(300) // BOOTP minimum: already exceeded here, so no padding
  .build();

describe('golden DHCPOFFER', () => {
  test('encodes to the exact bytes: 53, 54, ascending codes, 82, END, zero padding to 300', () => {
    assert.deepEqual(Buffer.from(encode(OFFER)).toString('hex'), Buffer.from(OFFER_BYTES).toString('hex'));
  });

  test('decodes back to the same packet', () => {
    assert.deepEqual(decoded(OFFER_BYTES), OFFER);
  });

  test('a message longer than 300 bytes ends at END, unpadded', () => {
    const bytes = encode(OFFER);
    assert.equal(bytes.length, 324);
    assert.equal(bytes[323], 255);
  });

  test('a short message is padded with zeros after END to 300 bytes', () => {
    const nak: Packet = {
      ...OFFER,
      flags: 0,
      yiaddr: 0,
      siaddr: 0,
      options: { messageType: MessageType.Nak, serverId: ip('10.123.0.1'), message: 'no', other: new Map() },
    };
    const expected = new Wire()
      .u8(2, 1, 6, 0) // op, htype, hlen, hops
      .u32(0x3903f326) // xid
      .u16(0) // secs
      .u16(0) // flags
      .zeros(16) // ciaddr, yiaddr, siaddr, giaddr
      .field([0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc], 16) // chaddr
      .zeros(64 + 128) // sname, file
      .cookie()
      .option(53, [6]) // message type: NAK
      .option(54, [10, 123, 0, 1]) // server identifier
      .option(56, Buffer.from('no')) // message
      .u8(255) // END
      .padTo(300) // zeros to the BOOTP minimum
      .build();
    assert.deepEqual(Uint8Array.from(encode(nak)), expected);
  });
});
