// The few libc socket calls that node:dgram does not expose, reached through koffi.
// Loaded on demand by `loadLibc()`: importing this file loads nothing, and the caller owns the
// result (UdpTransport keeps one for all its sockets).
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

/** Linux constants (x86-64 and arm64 agree on these; see socket(7), ip(7)). */
export const AF_INET = 2;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_BROADCAST = 6;
export const SO_RCVBUF = 8;
export const SO_BINDTODEVICE = 25;
/** SO_RCVBUF that ignores net.core.rmem_max; needs CAP_NET_ADMIN. */
export const SO_RCVBUFFORCE = 33;
/** sizeof(struct sockaddr_in). */
export const SOCKADDR_IN_SIZE = 16;

/** libc entry points; each returns -1 and sets errno on failure, as in C. */
export interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  close(fd: number): number;
  /** errno of the last call made through koffi on this thread. */
  errno(): number;
  strerror(errno: number): string;
}

interface Koffi {
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
  errno(): number;
}

export function loadLibc(): Libc {
  const require = createRequire(import.meta.url);
  const koffi = require('koffi') as Koffi;
  const lib = koffi.load('libc.so.6');
  const socket = lib.func('int socket(int domain, int type, int protocol)');
  const setsockopt = lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t length)');
  const bind = lib.func('int bind(int fd, const void *address, uint32_t length)');
  const close = lib.func('int close(int fd)');
  const strerror = lib.func('const char *strerror(int errnum)');
  return {
    socket: (domain, type, protocol) => socket(domain, type, protocol) as number,
    setsockopt: (fd, level, name, value, length) => setsockopt(fd, level, name, value, length) as number,
    bind: (fd, address, length) => bind(fd, address, length) as number,
    close: (fd) => close(fd) as number,
    errno: () => koffi.errno(),
    strerror: (errno) => strerror(errno) as string,
  };
}

/** "ENODEV" for errno 19. */
export function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `errno ${errno}`;
  }
}

/** "ENODEV (no such device)" for errno 19. */
export function describeErrno(libc: Libc, errno: number): string {
  const text = libc.strerror(errno);
  return `${errnoName(errno)} (${text.charAt(0).toLowerCase()}${text.slice(1)})`;
}
