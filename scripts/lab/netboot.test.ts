// The pure parts of the network-boot lab: QEMU's arguments, the pcap reader and the TFTP request
// parser. The boot itself runs in server/dhcp/integration/netboot.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { netbootArgs } from './netboot.ts';
import { PcapReader, readPcapUdp } from './netboot-capture.ts';
import { parseTftpRequest } from './netboot-tftp.ts';

function pcapHeader(le = true): Buffer {
  const b = Buffer.alloc(24);
  const w = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w(0xa1b2c3d4, 0);
  (le ? b.writeUInt16LE.bind(b) : b.writeUInt16BE.bind(b))(2, 4);
  (le ? b.writeUInt16LE.bind(b) : b.writeUInt16BE.bind(b))(4, 6);
  w(262144, 16);
  w(1, 20); // Ethernet
  return b;
}

function record(data: Buffer, seconds: number, micros: number, le = true): Buffer {
  const b = Buffer.alloc(16);
  const w = (v: number, at: number) => (le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  w(seconds, 0);
  w(micros, 4);
  w(data.length, 8);
  w(data.length, 12);
  return Buffer.concat([b, data]);
}

/** Ethernet + IPv4 (no options) + UDP around `payload`. */
function udpFrame(src: number[], dst: number[], srcPort: number, dstPort: number, payload: Buffer): Buffer {
  const eth = Buffer.from('ffffffffffff525400000001' + '0800', 'hex');
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(src).copy(ip, 12);
  Buffer.from(dst).copy(ip, 16);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(dstPort, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  // Ethernet pads short frames: the reader must go by the IP and UDP lengths.
  return Buffer.concat([eth, ip, udp, payload, Buffer.alloc(6)]);
}

const arp = Buffer.concat([Buffer.from('ffffffffffff5254000000010806', 'hex'), Buffer.alloc(28)]);

describe('PcapReader', () => {
  const dhcp = udpFrame([0, 0, 0, 0], [255, 255, 255, 255], 68, 67, Buffer.from('discover'));
  const tftp = udpFrame([10, 123, 0, 100], [10, 123, 0, 5], 2070, 69, Buffer.from('rrq'));
  const file = Buffer.concat([pcapHeader(), record(dhcp, 10, 500), record(arp, 11, 0), record(tftp, 12, 999_999)]);

  test('reads the UDP datagrams of a file, skipping other frames and the Ethernet padding', () => {
    assert.deepEqual(readPcapUdp(file), [
      {
        timeUs: 10_000_500,
        src: '0.0.0.0',
        dst: '255.255.255.255',
        srcPort: 68,
        dstPort: 67,
        payload: Buffer.from('discover'),
      },
      {
        timeUs: 12_999_999,
        src: '10.123.0.100',
        dst: '10.123.0.5',
        srcPort: 2070,
        dstPort: 69,
        payload: Buffer.from('rrq'),
      },
    ]);
  });

  test('a stream cut anywhere gives the same frames, each once its record is complete', () => {
    for (const cut of [1, 23, 24, 30, 24 + 16 + dhcp.length - 1, file.length - 1]) {
      const reader = new PcapReader();
      const first = reader.push(file.subarray(0, cut));
      const rest = reader.push(file.subarray(cut));
      assert.deepEqual([...first, ...rest], readPcapUdp(file), `cut at ${cut}`);
      assert.ok(first.length <= (cut >= 24 + 16 + dhcp.length ? 1 : 0), `cut at ${cut}: no frame before its end`);
    }
  });

  test('reads a big-endian file the same', () => {
    const be = Buffer.concat([pcapHeader(false), record(dhcp, 10, 500, false)]);
    assert.equal(readPcapUdp(be)[0]?.timeUs, 10_000_500);
  });

  test('refuses what is not a classic Ethernet pcap', () => {
    assert.throws(
      () => readPcapUdp(Buffer.from('0a0d0d0a' + '00'.repeat(28), 'hex')),
      /not a classic pcap file \(pcapng\?\)/,
    );
    const raw = pcapHeader();
    raw.writeUInt32LE(101, 20);
    assert.throws(() => readPcapUdp(raw), /link type 101, expected Ethernet/);
    assert.throws(() => readPcapUdp(Buffer.alloc(10)), /shorter than the 24-byte file header/);
  });
});

describe('parseTftpRequest', () => {
  const rrq = (...fields: string[]) =>
    Buffer.concat([Buffer.from([0, 1]), Buffer.from(fields.map((f) => `${f}\0`).join(''))]);

  test('a read request with RFC 2347 options, as iPXE sends it', () => {
    assert.deepEqual(parseTftpRequest(rrq('undionly.kpxe', 'octet', 'blksize', '1432', 'tsize', '0')), {
      ok: true,
      request: { kind: 'read', filename: 'undionly.kpxe', mode: 'octet', options: { blksize: '1432', tsize: '0' } },
    });
  });

  test('malformed requests give a reason', () => {
    assert.deepEqual(parseTftpRequest(Buffer.from([0, 3, 0, 1])), {
      ok: false,
      error: 'opcode 3: not a read (1) or write (2) request',
    });
    assert.deepEqual(parseTftpRequest(Buffer.from([0, 1, 0x61])), {
      ok: false,
      error: '3 bytes: too short for a TFTP request',
    });
    assert.deepEqual(parseTftpRequest(Buffer.from('\0\x01file', 'latin1')), {
      ok: false,
      error: 'field 1 is not NUL-terminated',
    });
    assert.deepEqual(parseTftpRequest(rrq('file')), { ok: false, error: 'no transfer mode' });
    assert.deepEqual(parseTftpRequest(rrq('', 'octet')), { ok: false, error: 'no file name' });
    assert.deepEqual(parseTftpRequest(rrq('f', 'octet', 'blksize')), {
      ok: false,
      error: 'option "blksize" has no value',
    });
  });
});

describe('netbootArgs', () => {
  test('a diskless TCG q35 booting from its one virtio NIC, nothing else attached', () => {
    const args = netbootArgs({ mac: '52:54:00:0b:00:01', tap: 'hpn0b0001' });
    assert.deepEqual(args.slice(args.indexOf('-boot'), args.indexOf('-boot') + 2), ['-boot', 'n']);
    assert.deepEqual(args.slice(args.indexOf('-accel'), args.indexOf('-accel') + 2), ['-accel', 'tcg']);
    assert.ok(args.includes('-nodefaults'));
    assert.ok(!args.some((a) => ['-kernel', '-drive', '-hda', '-cdrom'].includes(a)), args.join(' '));
    assert.deepEqual(args.slice(-4), [
      '-netdev',
      'tap,id=net0,ifname=hpn0b0001,script=no,downscript=no',
      '-device',
      'virtio-net-pci,netdev=net0,mac=52:54:00:0b:00:01',
    ]);
  });
});
