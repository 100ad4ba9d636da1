// Connecting to a unix socket QEMU may still be creating (monitor and console alike).
import { createConnection, type Socket } from 'node:net';

/**
 * ENOENT (not created yet) and ECONNREFUSED (created, not listening yet) are retried until
 * `timeoutMs` has passed; any other error, or the deadline, rejects with the last error.
 */
export async function connectUnix(path: string, timeoutMs: number, retryMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectOnce(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const retriable = code === 'ENOENT' || code === 'ECONNREFUSED';
      if (!retriable) throw err;
      if (Date.now() + retryMs > deadline) {
        throw new Error(`${(err as Error).message} (gave up after ${timeoutMs} ms)`, { cause: err });
      }
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}

function connectOnce(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
