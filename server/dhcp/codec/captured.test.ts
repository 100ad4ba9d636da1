// DISCOVERs captured from real clients (testdata/capture.sh): udhcpc (busybox), dhclient
// (isc-dhcp-client) and dhcpcd, with and without the client FQDN option.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesToHex, decode, encode, macToString, MessageType, PacketError, type Packet } from './index.ts';
import { fixtureHex } from './testing/wire.ts';

function fixture(name: string): Uint8Array {
  return fixtureHex(readFileSync(new URL(`./testdata/${name}.hex`, import.meta.url), 'utf8'));
}

function decoded(bytes: Uint8Array): Packet {
  const packet = decode(bytes);
  if (packet instanceof PacketError) assert.fail(packet.message);
  return packet;
}

interface Capture {
  name: string;
  length: number;
  xid: number;
  parameterRequestList: number[];
  clientIdHex?: string;
  hostName?: string;
  fqdn?: { flags: number; name: string };
  maxMessageSize?: number;
  vendorClass?: string;
  rawCodes: number[];
}

const CAPTURES: Capture[] = [
  {
    name: 'udhcpc',
    length: 300,
    xid: 0xbe0fb55a,
    parameterRequestList: [1, 3, 6, 12, 15, 28, 42],
    clientIdHex: '01525400123456', // type 1 (Ethernet) + MAC
    hostName: 'hpcap-udhcpc',
    maxMessageSize: 576,
    vendorClass: 'udhcp 1.35.0',
    rawCodes: [],
  },
  {
    name: 'dhclient',
    length: 300,
    xid: 0xf11a9e1f,
    parameterRequestList: [1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42],
    hostName: 'vm', // the capturing machine's own host name
    rawCodes: [],
  },
  {
    name: 'dhcpcd',
    length: 305,
    xid: 0xc72eedb1,
    parameterRequestList: [1, 121, 3, 6, 12, 15, 26, 28, 33, 51, 54, 58, 59, 119],
    // RFC 4361: type 255, IAID 00123456, DUID-LLT (type 1, hw 1, time, MAC).
    clientIdHex: 'ff00123456000100013299a8ea525400123456',
    hostName: 'hpcap-dhcpcd',
    maxMessageSize: 1472,
    rawCodes: [116, 145], // auto-configure (RFC 2563), FORCERENEW nonce capable (RFC 6704)
  },
  {
    name: 'dhcpcd-fqdn',
    length: 312,
    xid: 0xfe60ec5c,
    parameterRequestList: [1, 121, 3, 6, 12, 15, 26, 28, 33, 51, 54, 58, 59, 119],
    clientIdHex: 'ff00123456000100013299a8ea525400123456',
    fqdn: { flags: 0x05, name: 'hpcap.lab.home' }, // S|E: DNS wire format
    maxMessageSize: 1472,
    rawCodes: [116, 145],
  },
  {
    name: 'dhclient-fqdn',
    length: 300,
    xid: 0x6eb5ef54,
    parameterRequestList: [1, 28, 2, 3, 15, 6, 12],
    fqdn: { flags: 0x01, name: 'hpcap-dhclient.lab.home' }, // S only: ASCII, sent with a trailing dot
    rawCodes: [],
  },
];

describe('DISCOVERs from real clients', () => {
  for (const capture of CAPTURES) {
    describe(capture.name, () => {
      const bytes = fixture(capture.name);

      test('decodes the header', () => {
        assert.equal(bytes.length, capture.length);
        const packet = decoded(bytes);
        assert.equal(packet.op, 1);
        assert.equal(packet.htype, 1);
        assert.equal(packet.xid, capture.xid);
        assert.equal(macToString(packet.chaddr), '52:54:00:12:34:56');
        assert.equal(packet.ciaddr, 0);
        assert.equal(packet.giaddr, 0);
        assert.equal(packet.sname, '');
        assert.equal(packet.file, '');
      });

      test('decodes the options', () => {
        const { options } = decoded(bytes);
        assert.equal(options.messageType, MessageType.Discover);
        assert.deepEqual(options.parameterRequestList, capture.parameterRequestList);
        assert.equal(options.clientId && bytesToHex(options.clientId), capture.clientIdHex);
        assert.equal(options.hostName, capture.hostName);
        assert.equal(options.maxMessageSize, capture.maxMessageSize);
        assert.equal(
          options.vendorClassId && Buffer.from(options.vendorClassId).toString('latin1'),
          capture.vendorClass,
        );
        if (capture.fqdn) {
          assert.deepEqual(options.clientFqdn, { ...capture.fqdn, rcode1: 0, rcode2: 0 });
        } else {
          assert.equal(options.clientFqdn, undefined);
        }
        assert.deepEqual(
          [...options.other.keys()].sort((a, b) => a - b),
          capture.rawCodes,
        );
        assert.equal(options.serverId, undefined);
        assert.equal(options.requestedIp, undefined);
      });

      test('encode(decode(x)) decodes to the same packet', () => {
        const packet = decoded(bytes);
        assert.deepEqual(decoded(encode(packet)), packet);
      });
    });
  }
});
