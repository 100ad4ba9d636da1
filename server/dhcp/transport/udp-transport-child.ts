// Helper process for udp-transport.test.ts: a test cannot enter a network namespace itself,
// so it runs this under `ip netns exec NS node --import tsx udp-transport-child.ts --interfaces
// a,b --port 67` and talks JSON lines. stdin: {"iface": "a", "send": "<hex>", "to": "...",
// "port": 68} or {"counters": true}. stdout: {"ready": true}, {"error": "..."} (then exit 1),
// {"recv": "<hex>", "from": "...", "port": N, "iface": "a"}, {"transportError": "...", "context":
// "..."}, {"counters": {...}}. Exits when stdin closes.
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { UdpTransport } from './udp-transport.ts';

interface Command {
  iface?: string;
  send?: string;
  to?: string;
  port?: number;
  counters?: boolean;
}

function emit(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { interfaces: { type: 'string' }, port: { type: 'string', default: '67' } },
  });
  const transport = new UdpTransport({
    interfaces: (values.interfaces ?? '').split(','),
    port: Number(values.port),
    onError: (err, context) => emit({ transportError: err.message, context }),
  });
  try {
    await transport.start(({ data, from, iface }) =>
      emit({ recv: data.toString('hex'), from: from.address, port: from.port, iface }),
    );
  } catch (err) {
    emit({ error: (err as Error).message });
    process.exitCode = 1;
    return;
  }
  emit({ ready: true });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = JSON.parse(line) as Command;
    if (command.counters) emit({ counters: transport.counters });
    else {
      const data = Buffer.from(command.send ?? '', 'hex');
      transport.send(command.iface ?? '', data, command.to ?? '255.255.255.255', command.port ?? 68);
    }
  });
  lines.on('close', () => void transport.close());
}

await main();
