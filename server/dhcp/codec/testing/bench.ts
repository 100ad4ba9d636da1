// Micro-benchmark of the codec's hot path: `node --import tsx server/dhcp/codec/testing/bench.ts`.
// Prints microseconds (ms for the hostile datagrams) per operation; numbers drift on this machine,
// so compare within one run.

import { readFileSync } from 'node:fs';
import { decode, encode, MessageType, PacketError, type Packet } from '../index.ts';
import { MAX_UDP_PAYLOAD, oneByteInstances, RAW_CODES } from './hostile.ts';
import { fixtureHex } from './wire.ts';

function measure(name: string, operation: () => unknown): void {
  const warmup = 50_000;
  const runs = 500_000;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) sink = operation();
  const nanoseconds = Number(process.hrtime.bigint() - start) / runs;
  console.log(
    `${name.padEnd(40)} ${(nanoseconds / 1000).toFixed(2).padStart(6)} us/op${sink === undefined ? '!' : ''}`,
  );
}

/** For operations of 100 us or more: fewer runs, milliseconds per operation. */
function measureSlow(name: string, operation: () => unknown, runs: number): void {
  const warmup = Math.ceil(runs / 10);
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = operation();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) sink = operation();
  const milliseconds = Number(process.hrtime.bigint() - start) / runs / 1e6;
  console.log(`${name.padEnd(40)} ${milliseconds.toFixed(3).padStart(7)} ms/op${sink === undefined ? '!' : ''}`);
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
  // Worst case for RFC 3396 joining: datagrams filled with 1-byte instances (3 bytes each), of one
  // code or of every raw code in turn; 1,472 bytes is an unfragmented datagram on Ethernet, for
  // comparison (the cost should grow with the size, not its square).
  const roundRobin = (i: number) => RAW_CODES[i % RAW_CODES.length]!;
  for (const [size, runs] of [
    [1472, 2000],
    [MAX_UDP_PAYLOAD, 50],
  ] as const) {
    const oneCode = Buffer.from(oneByteInstances(() => 224, size));
    const manyCodes = Buffer.from(oneByteInstances(roundRobin, size));
    measureSlow(`decode ${size} B: 1-byte 224s`, () => decode(oneCode), runs);
    measureSlow(`decode ${size} B: 1-byte, ${RAW_CODES.length} codes`, () => decode(manyCodes), runs);
  }
}

main();
