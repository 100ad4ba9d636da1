// Micro-benchmark of the codec's hot path: `node --import tsx server/dhcp/codec/testing/bench.ts`.
// Prints microseconds per operation; numbers drift on this machine, so compare within one run.

import { readFileSync } from 'node:fs';
import { decode, encode, MessageType, PacketError, type Packet } from '../index.ts';
import { fixtureHex } from './wire.ts';

function measure(name: string, operation: () => unknown): void {
  const warmup = 50_000;
  const runs = 500_000;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) sink = operation();
  const nanoseconds = Number(process.hrtime.bigint() - start) / runs;
  console.log(`${name.padEnd(40)} ${(nanoseconds / 1000).toFixed(2).padStart(6)} us/op${sink === undefined ? '!' : ''}`);
}

function main(): void {
  const fixture = readFileSync(new URL('../testdata/dhcpcd.hex', import.meta.url), 'utf8');
  // dgram delivers Buffers, so measure with one.
  const discover = Buffer.from(fixtureHex(fixture));
  const request = decode(discover);
  if (request instanceof PacketError) throw request;
  const offer: Packet = {
    ...request,
    op: 2,
    yiaddr: 0x0a7b0039,
    siaddr: 0x0a7b0001,
    options: {
      messageType: MessageType.Offer,
      serverId: 0x0a7b0001,
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
      subnetMask: 0xffffff00,
      routers: [0x0a7b0001],
      dnsServers: [0x0a7b0001],
      domainName: 'lab.home',
      clientId: request.options.clientId,
      other: new Map(),
    },
  };
  measure(`decode DISCOVER (dhcpcd, ${discover.length} bytes)`, () => decode(discover));
  measure('encode OFFER', () => encode(offer));
}

main();
