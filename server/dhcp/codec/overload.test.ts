// Option overload (RFC 2132 9.3): options carried in the file and sname fields, read in the order
// options, file, sname (RFC 2131 4.1), repeated codes joined across them (RFC 3396).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, emptyOptions, encode, MessageType, PacketError, type DhcpOptions, type Packet } from './index.ts';
import { requestHeader, Wire } from './testing/wire.ts';

function decoded(bytes: Uint8Array): Packet {
  const packet = decode(bytes);
  if (packet instanceof PacketError) assert.fail(packet.message);
  return packet;
}

/** Builds a request whose sname and file fields are given explicitly. */
function request(sname: Wire, file: Wire, options: Wire): Uint8Array {
  const header = requestHeader().build().subarray(0, 44);
  return new Wire()
    .bytes(header) // op .. chaddr
    .bytes(sname.padTo(64).build()) // sname
    .bytes(file.padTo(128).build()) // file
    .cookie()
    .bytes(options.build())
    .build();
}

describe('decoding overloaded messages', () => {
  test('options in file and sname are read after the options field and joined in that order', () => {
    const bytes = request(
      new Wire()
        .option(224, [0x65, 0x66]) // third part of 224: "ef"
        .option(12, Buffer.from('printer')) // host name
        .u8(255), // END of sname
      new Wire()
        .option(224, [0x63, 0x64]) // second part of 224: "cd"
        .option(51, [0, 0, 0x0e, 0x10]) // lease time 3600
        .u8(255) // END of file
        .zeros(3), // zero padding is fine
      new Wire()
        .option(53, [3]) // message type: REQUEST
        .option(52, [3]) // overload: file and sname
        .option(224, [0x61, 0x62]) // first part of 224: "ab"
        .u8(255), // END
    );
    const packet = decoded(bytes);
    assert.equal(packet.sname, '');
    assert.equal(packet.file, '');
    assert.deepEqual(packet.options, {
      messageType: MessageType.Request,
      leaseTime: 3600,
      hostName: 'printer',
      other: new Map([[224, Uint8Array.from(Buffer.from('abcdef'))]]),
    });
  });

  test('overload 1 reads only file; sname keeps its text', () => {
    const bytes = request(
      new Wire().text('tftp.lab'), // sname as text
      new Wire().option(51, [0, 0, 0, 60]).u8(255), // file: lease time 60, END
      new Wire().option(53, [1]).option(52, [1]).u8(255),
    );
    const packet = decoded(bytes);
    assert.equal(packet.sname, 'tftp.lab');
    assert.equal(packet.file, '');
    assert.equal(packet.options.leaseTime, 60);
  });

  test('overload 2 reads only sname; file keeps its text', () => {
    const bytes = request(
      new Wire().option(51, [0, 0, 0, 60]).u8(255), // sname: lease time 60, END
      new Wire().text('pxelinux.0'), // file as text
      new Wire().option(53, [1]).option(52, [2]).u8(255),
    );
    const packet = decoded(bytes);
    assert.equal(packet.sname, '');
    assert.equal(packet.file, 'pxelinux.0');
    assert.equal(packet.options.leaseTime, 60);
  });

  test('without option 52, options-like bytes in file are just text', () => {
    const bytes = request(new Wire(), new Wire().text('boot'), new Wire().option(53, [1]).u8(255));
    assert.equal(decoded(bytes).file, 'boot');
  });
});

function reply(options: Partial<DhcpOptions>, fields: { sname?: string; file?: string } = {}): Packet {
  return {
    op: 2,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 42,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: 0x0a7b0039,
    siaddr: 0,
    giaddr: 0,
    chaddr: Uint8Array.from([0x52, 0x54, 0, 0xaa, 0xbb, 0xcc]),
    sname: fields.sname ?? '',
    file: fields.file ?? '',
    options: { ...emptyOptions(), messageType: MessageType.Ack, serverId: 0x0a7b0001, ...options },
  };
}

/** The raw option 52 value in the options field, or undefined. */
function overloadValue(bytes: Uint8Array): number | undefined {
  for (let at = 240; at < bytes.length && bytes[at] !== 255; at += 2 + bytes[at + 1]!) {
    if (bytes[at] === 52) return bytes[at + 2];
  }
  return undefined;
}

describe('encoding under a small maxMessageSize', () => {
  const hostName = 'h'.repeat(40);
  const domainName = 'd'.repeat(40);

  test('options that fit need no overload', () => {
    const bytes = encode(reply({ hostName }), { maxMessageSize: 300 });
    assert.equal(bytes.length, 300);
    assert.equal(overloadValue(bytes), undefined);
  });

  test('moves options into file (overload 1) and round-trips', () => {
    const packet = reply({ hostName, domainName, leaseTime: 3600 });
    const bytes = encode(packet, { maxMessageSize: 300 });
    assert.ok(bytes.length <= 300, `length ${bytes.length}`);
    assert.equal(overloadValue(bytes), 1);
    // 53 and 54 stay first, 52 follows them.
    assert.deepEqual([...bytes.subarray(240, 252)], [53, 1, 5, 54, 4, 10, 123, 0, 1, 52, 1, 1]);
    assert.deepEqual(decoded(bytes), packet);
  });

  test('moves options into file and sname (overload 3) and round-trips', () => {
    const packet = reply({
      hostName, // options field
      domainName, // file
      leaseTime: 3600, // file
      message: 'm'.repeat(55), // file
      vendorClassId: new Uint8Array(40).fill(7), // sname
      relayAgentInfo: Uint8Array.from([1, 2, 0xab, 0xcd]),
    });
    const bytes = encode(packet, { maxMessageSize: 300 });
    assert.ok(bytes.length <= 300, `length ${bytes.length}`);
    assert.equal(overloadValue(bytes), 3);
    assert.deepEqual(decoded(bytes), packet);
  });

  test('a long option split by RFC 3396 can spread over the fields and still join', () => {
    const packet = reply({ other: new Map([[224, Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)]]) });
    const bytes = encode(packet, { maxMessageSize: 548 });
    assert.ok(bytes.length <= 548);
    assert.deepEqual(decoded(bytes), packet);
  });

  test('uses only sname (overload 2) when file holds a boot file name', () => {
    const packet = reply({ hostName, message: 'm'.repeat(20) }, { file: 'pxelinux.0' });
    const bytes = encode(packet, { maxMessageSize: 300 });
    assert.equal(overloadValue(bytes), 2);
    assert.deepEqual(decoded(bytes), packet);
  });

  test('drops options from the end, never 53, 54 or 82, when even overload cannot fit them', () => {
    const packet = reply(
      {
        hostName: 'h'.repeat(30), // 12
        leaseTime: 3600, // 51
        message: 'm'.repeat(200), // 56: does not fit anywhere
        vendorClassId: new Uint8Array(150), // 60: does not fit anywhere
        relayAgentInfo: Uint8Array.from([1, 2, 0xab, 0xcd]), // 82: kept
      },
      { file: 'boot', sname: 'srv' },
    );
    const result = decoded(encode(packet, { maxMessageSize: 300 }));
    assert.deepEqual(result.options, {
      messageType: MessageType.Ack,
      serverId: 0x0a7b0001,
      hostName: 'h'.repeat(30),
      leaseTime: 3600,
      relayAgentInfo: Uint8Array.from([1, 2, 0xab, 0xcd]),
      other: new Map(),
    });
    assert.equal(result.file, 'boot');
    assert.equal(result.sname, 'srv');
  });

  test('writes 53, 54 and 82 even when they alone exceed the limit', () => {
    const packet = reply({ leaseTime: 60, relayAgentInfo: new Uint8Array(80) }, { file: 'f', sname: 's' });
    const bytes = encode(packet, { maxMessageSize: 260 });
    const result = decoded(bytes);
    assert.equal(result.options.leaseTime, undefined);
    assert.equal(result.options.messageType, MessageType.Ack);
    assert.equal(result.options.serverId, 0x0a7b0001);
    assert.equal(result.options.relayAgentInfo?.length, 80);
    assert.equal(bytes.length, 240 + 3 + 6 + 82 + 1);
  });

  test('the default limit is 548 bytes (576 minus IP and UDP headers)', () => {
    const packet = reply({ vendorClassId: new Uint8Array(250), message: 'x'.repeat(250) }, { file: 'f', sname: 's' });
    const bytes = encode(packet);
    assert.ok(bytes.length <= 548, `length ${bytes.length}`);
    // 56 and 60 do not both fit: 60 comes later in wire order, so it goes.
    assert.equal(decoded(bytes).options.message, 'x'.repeat(250));
    assert.equal(decoded(bytes).options.vendorClassId, undefined);
    assert.deepEqual(decoded(encode(packet, { maxMessageSize: 1472 })), packet);
  });
});
