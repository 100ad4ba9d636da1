// A unix socket file left behind by a daemon that was killed (kill -9 skips grpc-js's cleanup)
// makes the next bind fail with EADDRINUSE. Remove it only when nothing answers on it: a socket
// another running daemon still serves is left alone, and the bind then fails as it should.
import { connect } from 'node:net';
import { lstatSync, unlinkSync } from 'node:fs';

function socketPath(listen: string): string | null {
  if (!listen.startsWith('unix:')) return null;
  return listen.startsWith('unix://') ? listen.slice('unix://'.length) : listen.slice('unix:'.length);
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Returns true when a stale socket file was removed. */
export async function removeStaleSocket(listen: string): Promise<boolean> {
  const path = socketPath(listen);
  if (path === null) return false;
  let isSocket = false;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return false; // nothing there
  }
  if (!isSocket || (await answers(path))) return false;
  unlinkSync(path);
  return true;
}
