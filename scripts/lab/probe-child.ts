// The probe's process inside a lab namespace:
//   ip netns exec NS node --import tsx scripts/lab/probe-child.ts --iface IF --port 68 [--address A]
// It holds one UDP socket (bound to IF with SO_BINDTODEVICE; without --iface a plain socket)
// and speaks JSON lines. stdin:  {"send": "<hex>", "to": "255.255.255.255", "port": 67}
// stdout: {"ready": {"address": A, "port": N}} once, then in any order
//         {"recv": "<hex>", "from": "a.b.c.d", "port": N} for each datagram received, and
//         {"sent": true} or {"sendError": "..."} for each send, in the order of the sends;
//         {"error": "..."} before exiting 1 when the socket cannot be opened.
// It exits when stdin closes.
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openDeviceSocket } from '../../server/dhcp/transport/bound-socket.ts';

interface SendCommand {
  send: string;
  to?: string;
  port?: number;
}

function emit(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function openSocket(iface: string | undefined, port: number, address: string): Promise<dgram.Socket> {
  if (iface !== undefined) return openDeviceSocket({ device: iface, port, address });
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address }, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.setBroadcast(true);
  return socket;
}

function sendOne(socket: dgram.Socket, line: string): void {
  let command: SendCommand;
  try {
    command = JSON.parse(line) as SendCommand;
  } catch {
    emit({ sendError: `not JSON: ${line}` });
    return;
  }
  const data = Buffer.from(command.send, 'hex');
  socket.send(data, command.port ?? 67, command.to ?? '255.255.255.255', (err) => {
    emit(err ? { sendError: err.message } : { sent: true });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iface: { type: 'string' },
      port: { type: 'string', default: '68' },
      address: { type: 'string', default: '0.0.0.0' },
    },
  });
  const port = Number(values.port);
  let socket: dgram.Socket;
  try {
    socket = await openSocket(values.iface, port, values.address);
  } catch (err) {
    emit({ error: (err as Error).message });
    process.exitCode = 1;
    return;
  }
  socket.on('message', (data, from) => {
    emit({ recv: data.toString('hex'), from: from.address, port: from.port });
  });
  socket.on('error', (err) => emit({ sendError: err.message }));
  emit({ ready: socket.address() });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== '') sendOne(socket, line);
  });
  lines.on('close', () => socket.close());
}

await main();
