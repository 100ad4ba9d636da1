// Network boot for real: a diskless QEMU guest with `-boot n` runs QEMU's own iPXE ROM (Debian's
// ipxe-qemu) under TCG, its NIC on a tap on the lab's served bridge, against the real daemon. A
// capture on the bridge (tshark, decoded with the project's codec) shows what iPXE sent and what
// Homeplane answered. One boot for the file: the first test boots and waits, the others read
// what that boot put on the wire. Needs root (namespaces, taps).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { bootFromNetwork, type NetbootVm } from '../../../scripts/lab/netboot.ts';
import { Capture, type UdpFrame } from '../../../scripts/lab/netboot-capture.ts';
import { decode, formatIPv4, macToString, MessageType, PacketError, type Packet } from '../codec/index.ts';
import { committedLeases, type LeaseRecord } from './clients-daemon-view.ts';

const MAC = '52:54:00:0b:00:01';
/** Boot to DHCP is a few seconds under TCG; a loaded 2-core machine can be much slower. */
const BOOT_WAIT_MS = 120_000;
/** iPXE's own client architecture (RFC 4578: 0 = x86 BIOS) and the vendor class it builds from it. */
const IPXE_ARCH = 0;

interface DhcpFrame {
  frame: UdpFrame;
  packet: Packet;
}

/** The DHCP messages of a capture, in capture order; a frame the codec refuses fails the test. */
function dhcpMessages(frames: UdpFrame[]): DhcpFrame[] {
  return frames
    .filter((f) => [67, 68].includes(f.dstPort))
    .map((frame) => {
      const packet = decode(frame.payload);
      if (packet instanceof PacketError) assert.fail(`captured DHCP frame does not decode: ${packet.message}`);
      return { frame, packet };
    });
}

function ofType(messages: DhcpFrame[], type: MessageType): Packet[] {
  return messages.filter((m) => m.packet.options.messageType === type).map((m) => m.packet);
}

function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');
}

/** What the capture held, one line per DHCP message: for a failure message. */
function summary(messages: DhcpFrame[]): string {
  if (messages.length === 0) return '(no DHCP message captured)';
  return messages
    .map(({ packet: p }) => {
      const type = MessageType[p.options.messageType ?? 0] ?? `type ${p.options.messageType}`;
      return `${type} ${macToString(p.chaddr)} yiaddr ${formatIPv4(p.yiaddr)} siaddr ${formatIPv4(p.siaddr)} file "${p.file}"`;
    })
    .join('\n');
}

function isAckTo(frame: UdpFrame, mac: string): boolean {
  if (frame.dstPort !== 68) return false;
  const packet = decode(frame.payload);
  return (
    !(packet instanceof PacketError) &&
    packet.options.messageType === MessageType.Ack &&
    macToString(packet.chaddr) === mac
  );
}

describe('network boot: QEMU iPXE against the real daemon', { concurrency: 1, timeout: 300_000 }, () => {
  let lab: Lab;
  let daemon: LabDaemon;
  let capture: Capture;
  let vm: NetbootVm;
  let messages: DhcpFrame[] = [];
  let lease: LeaseRecord | null = null;

  before(async () => {
    lab = await createLab({ name: 'netboot', subnets: [{ clients: 0 }] });
    daemon = await LabDaemon.start(lab, (dataDir) => labConfig(lab, dataDir));
    capture = await Capture.start(lab, {
      namespace: lab.serverNamespace,
      iface: lab.subnets[0]!.serverInterface,
      filter: 'udp port 67 or udp port 68 or udp port 69',
    });
  });

  after(async () => {
    await vm?.kill();
    await capture?.stop().catch(() => {});
    await daemon?.dispose();
    await lab?.destroy();
  });

  test('iPXE boots from the network and leases from the daemon', async (t) => {
    const started = Date.now();
    vm = await bootFromNetwork(lab, {
      namespace: lab.serverNamespace,
      bridge: lab.subnets[0]!.serverInterface,
      mac: MAC,
    });
    const exited = vm.exited.then((how) => `QEMU exited (${how}): ${vm.stderr.trim()}`);
    const acked = capture.waitFor((f) => isAckTo(f, MAC), BOOT_WAIT_MS);
    const outcome = await Promise.race([acked, exited]);
    await vm.kill();
    messages = dhcpMessages(await capture.stop());
    if (typeof outcome === 'string') assert.fail(`${outcome}\nDHCP seen:\n${summary(messages)}`);
    assert.ok(outcome, `no ACK to ${MAC} captured within ${BOOT_WAIT_MS} ms; DHCP seen:\n${summary(messages)}`);
    t.diagnostic(`QEMU start to ACK: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    lease = committedLeases(daemon.dataDir).find((l) => l.hwAddress === MAC && l.state === 'active') ?? null;
    assert.ok(lease, `the daemon holds an active lease for ${MAC}: ${JSON.stringify(committedLeases(daemon.dataDir))}`);
  });

  test("iPXE's DISCOVER carries its architecture (93), vendor class (60), user class (77) and asks for the boot file", () => {
    const [discover] = ofType(messages, MessageType.Discover);
    assert.ok(discover, `a DISCOVER was captured:\n${summary(messages)}`);
    assert.equal(macToString(discover.chaddr), MAC);
    const arch = discover.options.other.get(93);
    assert.deepEqual(arch && [...arch], [0, IPXE_ARCH], 'option 93: one architecture, x86 BIOS');
    assert.match(text(discover.options.vendorClassId) ?? '', /^PXEClient:Arch:00000:UNDI:\d{6}$/);
    // iPXE sends its user class as the bare text, not RFC 3004's length-prefixed list.
    assert.equal(text(discover.options.other.get(77)), 'iPXE');
    const prl = discover.options.parameterRequestList ?? [];
    for (const code of [1, 3, 6, 66, 67]) assert.ok(prl.includes(code), `option 55 asks for ${code}: ${prl.join(',')}`);
  });

  test('the daemon answers with an OFFER and ACKs the REQUEST with the leased address', () => {
    assert.ok(lease, 'the guest leased');
    const offers = ofType(messages, MessageType.Offer);
    const [ack] = ofType(messages, MessageType.Ack);
    assert.ok(offers.length >= 1, `an OFFER was captured:\n${summary(messages)}`);
    assert.ok(ack, `an ACK was captured:\n${summary(messages)}`);
    assert.equal(formatIPv4(ack.yiaddr), lease.address);
    assert.equal(macToString(ack.chaddr), MAC);
    const [request] = ofType(messages, MessageType.Request);
    assert.ok(request, 'a REQUEST was captured');
    assert.equal(text(request.options.other.get(77)), 'iPXE', 'the REQUEST carries the user class too');
  });
});
