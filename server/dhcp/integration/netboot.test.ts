// Network boot for real: a diskless QEMU guest with `-boot n` runs QEMU's own iPXE ROM (Debian's
// ipxe-qemu) under TCG, its NIC on a tap on the lab's served bridge, against the real daemon,
// configured with client classes by architecture (option 93) and a next-server that is not the
// DHCP server. A capture on the bridge (tshark, decoded with the project's codec) shows what iPXE
// sent and what Homeplane answered; a TFTP listener on the next-server address (a lab Probe on
// port 69) sees iPXE go on to fetch its boot file. One boot for the file, ended as soon as the
// fetch is seen: the first test boots and waits, the others read what that boot did. Needs root
// (namespaces, taps).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLab, type Lab } from '../../../scripts/lab/lab.ts';
import { LabDaemon, labConfig } from '../../../scripts/lab/daemon.ts';
import { advertiseNoRouter, bootFromNetwork, type NetbootVm } from '../../../scripts/lab/netboot.ts';
import { Capture, type UdpFrame } from '../../../scripts/lab/netboot-capture.ts';
import { parseTftpRequest, type TftpRequest } from '../../../scripts/lab/netboot-tftp.ts';
import { Probe, type ProbeDatagram } from '../../../scripts/lab/probe.ts';
import { addAddress } from '../../../scripts/lab/topology.ts';
import { decode, formatIPv4, macToString, MessageType, PacketError, type Packet } from '../codec/index.ts';
import { committedLeases, waitForLeases } from './clients-daemon-view.ts';

const MAC = '52:54:00:0b:00:01';
/**
 * QEMU start to the TFTP request is about 6 s under TCG (19 s if iPXE had to wait for IPv6
 * router discovery to time out: see advertiseNoRouter). A loaded 2-core machine can be much slower.
 */
const BOOT_WAIT_MS = 120_000;
/** iPXE's own client architecture (RFC 4578: 0 = x86 BIOS) and the vendor class it builds from it. */
const IPXE_ARCH = 0;
/** How long tshark may take to hand over a frame it captured. */
const CAPTURE_LAG_MS = 10_000;
/** The TFTP server: another host on the subnet, not the DHCP server (so siaddr is what iPXE follows). */
const NEXT_SERVER = '10.123.0.5';
/** The boot file of the class iPXE belongs to; the other class and the subnet name other files. */
const BIOS_FILE = 'undionly.kpxe';
const CLASSES = [
  { name: 'uefi-x64', match: { clientArch: 7 }, bootFile: 'ipxe.efi' },
  { name: 'bios', match: { clientArch: IPXE_ARCH }, bootFile: BIOS_FILE },
];
const SUBNET_BOOT = { nextServer: NEXT_SERVER, bootFile: 'pxelinux.0' };

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

/** The boot file a reply names: the file field, or option 67 when the field carries options (overload). */
function bootFileOf(reply: Packet): string {
  return reply.file !== '' ? reply.file : (text(reply.options.other.get(67)) ?? '');
}

describe('network boot: QEMU iPXE against the real daemon', { concurrency: 1, timeout: 300_000 }, () => {
  let lab: Lab;
  let daemon: LabDaemon;
  let capture: Capture;
  let tftp: Probe;
  let vm: NetbootVm;
  let messages: DhcpFrame[] = [];
  let fetch: { datagram: ProbeDatagram; request: TftpRequest } | null = null;

  before(async () => {
    lab = await createLab({ name: 'netboot', subnets: [{ clients: 0 }] });
    const bridge = lab.subnets[0]!.serverInterface;
    await addAddress(lab.serverNamespace, bridge, `${NEXT_SERVER}/24`);
    daemon = await LabDaemon.start(lab, (dataDir) => labConfig(lab, dataDir, { classes: CLASSES }, SUBNET_BOOT));
    tftp = await Probe.open(lab, { namespace: lab.serverNamespace, port: 69, address: NEXT_SERVER });
    capture = await Capture.start(lab, {
      namespace: lab.serverNamespace,
      iface: bridge,
      filter: 'udp port 67 or udp port 68',
    });
  });

  after(async () => {
    await vm?.kill();
    await capture?.stop().catch(() => {});
    await tftp?.close();
    await daemon?.dispose();
    await lab?.destroy();
  });

  test("iPXE leases and asks the next-server over TFTP for its class's boot file", async (t) => {
    const started = Date.now();
    const bridge = lab.subnets[0]!.serverInterface;
    vm = await bootFromNetwork(lab, { namespace: lab.serverNamespace, bridge, mac: MAC });
    const exited = vm.exited.then((how) => `QEMU exited (${how}): ${vm.stderr.trim()}`);
    const fetched = tftp.next(BOOT_WAIT_MS);
    // iPXE is running once it has sent DHCP: tell it there is no IPv6 router, so it need not wait for one.
    const advertised = capture
      .waitFor((f) => f.dstPort === 67, BOOT_WAIT_MS)
      .then((first) => (first === null ? undefined : advertiseNoRouter(lab, lab.serverNamespace, bridge)));
    const outcome = await Promise.race([fetched, exited]);
    await advertised;
    // Nothing after the fetch matters: QEMU goes at once.
    await vm.kill();
    // The ACK went out before iPXE could fetch, but tshark may not have passed it on yet.
    if (outcome !== null && typeof outcome !== 'string') await capture.waitFor((f) => isAckTo(f, MAC), CAPTURE_LAG_MS);
    messages = dhcpMessages(await capture.stop());
    if (typeof outcome === 'string') assert.fail(`${outcome}\nDHCP seen:\n${summary(messages)}`);
    assert.ok(
      outcome,
      `no TFTP request reached ${NEXT_SERVER}:69 within ${BOOT_WAIT_MS} ms; DHCP seen:\n${summary(messages)}`,
    );
    const parsed = parseTftpRequest(outcome.data);
    if (!parsed.ok) assert.fail(`the datagram to ${NEXT_SERVER}:69 is not a TFTP request: ${parsed.error}`);
    fetch = { datagram: outcome, request: parsed.request };
    const seconds = (us: number) => ((us / 1000 - started) / 1000).toFixed(1);
    const timeline = messages.map(
      (m) => `${MessageType[m.packet.options.messageType ?? 0]} ${seconds(m.frame.timeUs)} s`,
    );
    t.diagnostic(
      `QEMU start to TFTP request: ${((Date.now() - started) / 1000).toFixed(1)} s (${timeline.join(', ')})`,
    );
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

  test("the OFFER and the ACK name the next-server and the boot file of iPXE's class", async () => {
    const offers = ofType(messages, MessageType.Offer);
    const acks = ofType(messages, MessageType.Ack);
    assert.ok(offers.length >= 1 && acks.length >= 1, `an OFFER and an ACK were captured:\n${summary(messages)}`);
    for (const reply of [...offers, ...acks]) {
      assert.equal(macToString(reply.chaddr), MAC);
      assert.equal(formatIPv4(reply.siaddr), NEXT_SERVER, 'siaddr is the next-server, not the DHCP server');
      assert.equal(bootFileOf(reply), BIOS_FILE, "the class's file, not the subnet's or the other class's");
    }
    const active = (l: { hwAddress: string; state: string }) => l.hwAddress === MAC && l.state === 'active';
    const lease = (await waitForLeases(daemon.dataDir, (all) => all.some(active))).find(active);
    assert.ok(lease, `the daemon holds an active lease for ${MAC}`);
    assert.equal(formatIPv4(acks[0]!.yiaddr), lease.address);
  });

  test('the TFTP request reached the next-server from the leased address, for exactly that file', () => {
    assert.ok(fetch, 'iPXE fetched');
    assert.equal(fetch.request.kind, 'read');
    assert.equal(fetch.request.filename, BIOS_FILE);
    assert.equal(fetch.request.mode, 'octet');
    const lease = committedLeases(daemon.dataDir).find((l) => l.hwAddress === MAC && l.state === 'active');
    assert.equal(fetch.datagram.from, lease?.address, 'sent from the address the daemon leased');
  });
});
