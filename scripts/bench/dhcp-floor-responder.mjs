// The floor under any DHCP server written for Node on this machine: a stateless responder on
// node:dgram that answers DISCOVER with OFFER and REQUEST with ACK, keeping nothing, parsing only
// the message type, and choosing the address from the client's MAC. No codec, no engine, no
// store: what remains of its delay is Node's event loop, dgram and the kernel. The benchmark runs
// it as `--servers node-floor` beside Kea, so a ratio against Kea can be read as "how much of the
// gap is the platform" (Homeplane cannot be faster than this, nor need it be slower by much more
// than its commit). Plain JavaScript, so nothing is transpiled while it serves.
//   node dhcp-floor-responder.mjs <server address> <first pool address> <pool size>
import dgram from 'node:dgram';

const [serverAddress, firstAddress, poolSizeText] = process.argv.slice(2);
const poolSize = Number(poolSizeText);
if (!serverAddress || !firstAddress || !(poolSize > 0)) {
  console.error('usage: dhcp-floor-responder.mjs <server address> <first pool address> <pool size>');
  process.exit(2);
}
const toNumber = (dotted) => dotted.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const serverId = toNumber(serverAddress);
const poolBase = toNumber(firstAddress);

const OPTIONS_OFFSET = 240;
const MAGIC_COOKIE = 0x63825363;
const REPLY_LENGTH = 300; // the BOOTP minimum (RFC 1542 section 2.1)
const DISCOVER = 1;
const REQUEST = 3;
const OFFER = 2;
const ACK = 5;

/** The DHCP message type (option 53), or 0 when the packet has none or is not a BOOTREQUEST. */
function messageType(packet) {
  if (packet.length < OPTIONS_OFFSET || packet[0] !== 1 || packet.readUInt32BE(236) !== MAGIC_COOKIE) return 0;
  for (let i = OPTIONS_OFFSET; i < packet.length;) {
    const code = packet[i];
    if (code === 0) {
      i += 1;
      continue;
    }
    if (code === 255 || i + 1 >= packet.length) return 0;
    const length = packet[i + 1];
    if (code === 53 && length === 1 && i + 2 < packet.length) return packet[i + 2];
    i += 2 + length;
  }
  return 0;
}

function reply(request, type) {
  const out = Buffer.alloc(REPLY_LENGTH);
  request.copy(out, 0, 0, OPTIONS_OFFSET); // xid, flags, giaddr, chaddr and the cookie as sent
  out[0] = 2; // BOOTREPLY
  out[3] = 0; // hops
  out.writeUInt32BE(0, 12); // ciaddr
  const mac = request.readUInt32BE(30); // the last four bytes of a six-byte chaddr
  out.writeUInt32BE((poolBase + (mac % poolSize)) >>> 0, 16); // yiaddr
  out.writeUInt32BE(0, 20); // siaddr
  let i = OPTIONS_OFFSET;
  out[i++] = 53;
  out[i++] = 1;
  out[i++] = type;
  out[i++] = 54;
  out[i++] = 4;
  out.writeUInt32BE(serverId, i);
  i += 4;
  out[i++] = 51;
  out[i++] = 4;
  out.writeUInt32BE(3600, i);
  i += 4;
  out[i++] = 1;
  out[i++] = 4;
  out.writeUInt32BE(0xfff00000, i); // a /12, as the bench's subnet
  i += 4;
  out[i] = 255;
  return out;
}

const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
socket.on('message', (packet, from) => {
  const type = messageType(packet);
  if (type !== DISCOVER && type !== REQUEST) return;
  const giaddr = packet.readUInt32BE(24);
  // Relayed (the bench's perfdhcp is a relay): back to the relay's server port (RFC 2131 4.1).
  const to =
    giaddr === 0 ? from.address : `${giaddr >>> 24}.${(giaddr >>> 16) & 255}.${(giaddr >>> 8) & 255}.${giaddr & 255}`;
  socket.send(reply(packet, type === DISCOVER ? OFFER : ACK), giaddr === 0 ? from.port : 67, to);
});
socket.on('error', (err) => {
  console.error(`floor responder: ${err.message}`);
  process.exit(1);
});
socket.bind(67, serverAddress, () => console.log('ready'));
process.on('SIGTERM', () => socket.close(() => process.exit(0)));
