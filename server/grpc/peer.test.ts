// peerOf: the per-peer Watch limit counts addresses, not connections.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_SOCKET_PEER, peerOf } from './peer.ts';

describe('peerOf', () => {
  const cases: [string, string, string][] = [
    ['127.0.0.1:50321', '127.0.0.1', 'IPv4: the port goes'],
    ['10.123.0.5:1', '10.123.0.5', 'any port'],
    ['::1:40000', '::1', 'IPv6, as grpc-js writes it (no brackets): the last group is the port'],
    ['2001:DB8::7:443', '2001:db8::7', 'IPv6 in lower case'],
    ['::ffff:192.0.2.1:6000', '192.0.2.1', 'IPv4-mapped (a dual-stack listener) is the IPv4 peer'],
    ['192.0.2.1', '192.0.2.1', 'an address without a port'],
    ['fe80::', 'fe80::', 'an IPv6 address without a port'],
    ['unknown', LOCAL_SOCKET_PEER, 'a unix socket has no remote address: grpc-js says "unknown"'],
    ['', LOCAL_SOCKET_PEER, 'nothing at all'],
  ];
  for (const [getPeer, peer, why] of cases) {
    test(`${JSON.stringify(getPeer)} -> ${peer} (${why})`, () => assert.equal(peerOf(getPeer), peer));
  }
});
