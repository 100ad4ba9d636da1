// A QMP server on a temporary unix socket for monitor tests (Incus's qmp_test.go), keeping QEMU's
// rules: the greeting first, every command but qmp_capabilities refused with CommandNotFound until
// negotiation, replies carrying the command's id, "\r\n" after every message, one client at a
// time. What it answers after negotiation is up to each test's handler, which may also hold a
// reply back, reply out of order, interleave events, or hang up.
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReceivedCommand {
  execute: string;
  arguments: Record<string, unknown> | undefined;
  id: unknown;
}

/** What a handler may do with one command. */
export interface Reply {
  ok(value?: unknown): void;
  error(errorClass: string, desc: string): void;
}

export type Handler = (command: ReceivedCommand, reply: Reply, peer: FakeQmpPeer) => void;

export interface FakeQmpPeer {
  event(name: string, data?: Record<string, unknown>): void;
  /** Writes raw bytes (for framing tests). */
  raw(text: string): void;
  hangUp(): void;
}

export const GREETING = {
  QMP: {
    version: { qemu: { micro: 22, minor: 2, major: 7 }, package: 'Debian 1:7.2+dfsg-7+deb12u18+b3' },
    capabilities: ['oob'],
  },
};

export class FakeQmpServer {
  /** Every command received, in order, including qmp_capabilities. */
  readonly received: ReceivedCommand[] = [];
  private readonly server: Server;
  private client: Socket | null = null;

  private constructor(
    readonly dir: string,
    readonly path: string,
    private handler: Handler,
    private readonly greet: boolean,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens at once unless `listen: false` (then call listen() later, to test connect retries). */
  static async start(handler: Handler, opts: { listen?: boolean; greet?: boolean } = {}): Promise<FakeQmpServer> {
    const dir = mkdtempSync(join(tmpdir(), 'homeplane-qmp-'));
    const fake = new FakeQmpServer(dir, join(dir, 'qmp.sock'), handler, opts.greet ?? true);
    if (opts.listen ?? true) await fake.listen();
    return fake;
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, resolve));
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: Socket): void {
    if (this.client !== null) return; // QEMU leaves a second client waiting: no greeting, no replies
    this.client = socket;
    socket.on('close', () => (this.client = null));
    socket.on('error', () => undefined);
    const send = (message: unknown): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\r\n`);
    };
    const peer: FakeQmpPeer = {
      event: (name, data) =>
        send({ timestamp: { seconds: 1796154226, microseconds: 286676 }, event: name, ...(data ? { data } : {}) }),
      raw: (text) => socket.write(text),
      hangUp: () => socket.destroy(),
    };
    if (this.greet) send(GREETING);
    let negotiated = false;
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const command = JSON.parse(line) as ReceivedCommand;
        this.received.push(command);
        const reply: Reply = {
          ok: (value = {}) => send({ return: value, id: command.id }),
          error: (errorClass, desc) => send({ id: command.id, error: { class: errorClass, desc } }),
        };
        if (command.execute === 'qmp_capabilities' && !negotiated) {
          negotiated = true;
          reply.ok();
        } else if (!negotiated) {
          reply.error('CommandNotFound', "Expecting capabilities negotiation with 'qmp_capabilities'");
        } else {
          this.handler(command, reply, peer);
        }
      }
    });
  }
}
