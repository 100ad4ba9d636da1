// An IPv4 UDP socket tied to one network device. node:dgram cannot bind to a device, and a
// reply to 255.255.255.255 from an unbound socket leaves by the routing table (the default
// route's network, or ENETUNREACH where there is none). RFC 2131 section 4.1 has the server
// broadcast to clients that have no address yet, so each served interface gets its own socket
// with SO_BINDTODEVICE (socket(7)): it receives only that device's datagrams and sends out of it
// whatever the routes say. The descriptor is made with libc and then handed to dgram.
import dgram from 'node:dgram';
import { endianness } from 'node:os';
import { formatIPv4, parseIPv4 } from '../codec/ipv4.ts';
import {
  AF_INET,
  SOCK_CLOEXEC,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCKADDR_IN_SIZE,
  SO_BINDTODEVICE,
  SO_BROADCAST,
  SO_RCVBUF,
  SO_RCVBUFFORCE,
  SO_REUSEADDR,
  SOL_SOCKET,
  describeErrno,
  errnoName,
  loadLibc,
  type Libc,
} from './libc.ts';

export interface DeviceSocketOptions {
  /** Interface name, as in `ip link` (at most 15 characters: IFNAMSIZ - 1). */
  device: string;
  port: number;
  /** Local address to bind; 0.0.0.0 (every address, and broadcasts) when absent. */
  address?: string;
  /**
   * Receive buffer to ask for, in bytes (the kernel doubles it for bookkeeping, socket(7)).
   * Asked with SO_RCVBUFFORCE so that root gets it beyond net.core.rmem_max (often 208 KiB,
   * a few hundred DHCP packets); otherwise SO_RCVBUF, which the kernel caps at rmem_max.
   */
  receiveBufferBytes?: number;
  /** libc calls to use; loaded on demand when absent. Pass one to share it across sockets. */
  libc?: Libc;
}

/** A socket could not be set up; `code` is the errno name (ENODEV, EADDRINUSE...) when libc failed. */
export class DeviceSocketError extends Error {
  override readonly name = 'DeviceSocketError';
  constructor(
    message: string,
    readonly device: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

const IFNAMSIZ = 16;

export async function openDeviceSocket(opts: DeviceSocketOptions): Promise<dgram.Socket> {
  const address = checkOptions(opts);
  const libc = opts.libc ?? loadLibc();
  const fd = openBoundDescriptor(libc, opts.device, address, opts.port);
  if (opts.receiveBufferBytes !== undefined) setReceiveBuffer(libc, fd, opts.receiveBufferBytes);
  return adoptDescriptor(libc, fd, opts.device);
}

/** Validates what libc would reject with a vague EINVAL; returns the bind address as a number. */
function checkOptions(opts: DeviceSocketOptions): number {
  const { device, port } = opts;
  if (device.length === 0 || device.length >= IFNAMSIZ || /[\s/]/.test(device)) {
    throw new DeviceSocketError(
      `cannot bind DHCP socket to device "${device}": not a valid interface name ` +
        `(1-${IFNAMSIZ - 1} characters, no spaces or slashes)`,
      device,
      null,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DeviceSocketError(
      `cannot bind DHCP socket on device "${device}": port ${port} is not 0-65535`,
      device,
      null,
    );
  }
  const address = parseIPv4(opts.address ?? '0.0.0.0');
  if (address === null) {
    throw new DeviceSocketError(
      `cannot bind DHCP socket on device "${device}": "${opts.address}" is not an IPv4 address`,
      device,
      null,
    );
  }
  return address;
}

/** socket + setsockopt + bind; the descriptor is closed again if any step fails. */
function openBoundDescriptor(libc: Libc, device: string, address: number, port: number): number {
  const fd = libc.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw libcError(libc, device, `cannot create a UDP socket for device "${device}"`);
  try {
    // SO_REUSEADDR: several device-bound sockets share 0.0.0.0:port, one per interface.
    setFlag(libc, fd, device, SO_REUSEADDR, 'SO_REUSEADDR');
    // SO_BROADCAST: without it the kernel refuses to send to 255.255.255.255 (EACCES).
    setFlag(libc, fd, device, SO_BROADCAST, 'SO_BROADCAST');
    bindToDevice(libc, fd, device);
    bindAddress(libc, fd, device, address, port);
    return fd;
  } catch (err) {
    libc.close(fd);
    throw err;
  }
}

function setFlag(libc: Libc, fd: number, device: string, option: number, label: string): void {
  const one = Buffer.from(new Int32Array([1]).buffer); // C int, host byte order
  if (libc.setsockopt(fd, SOL_SOCKET, option, one, one.length) < 0) {
    throw libcError(libc, device, `cannot set ${label} on the DHCP socket for device "${device}"`);
  }
}

/** Best effort: a smaller buffer only means drops under bursts, not a broken socket. */
function setReceiveBuffer(libc: Libc, fd: number, bytes: number): void {
  const size = Buffer.from(new Int32Array([bytes]).buffer);
  if (libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, size.length) < 0) {
    libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, size, size.length);
  }
}

function bindToDevice(libc: Libc, fd: number, device: string): void {
  const name = Buffer.from(`${device}\0`, 'latin1');
  if (libc.setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, name, name.length) < 0) {
    const errno = libc.errno();
    const hint = isPermissionErrno(errno) ? '; this needs root or CAP_NET_RAW' : '';
    throw new DeviceSocketError(
      `cannot bind DHCP socket to device "${device}": ${describeErrno(libc, errno)}${hint}`,
      device,
      errnoName(errno),
    );
  }
}

function bindAddress(libc: Libc, fd: number, device: string, address: number, port: number): void {
  const sockaddr = sockaddrIn(address, port);
  if (libc.bind(fd, sockaddr, sockaddr.length) < 0) {
    const errno = libc.errno();
    const where = `${formatIPv4(address)}:${port}`;
    const hint = isPermissionErrno(errno) && port < 1024 ? `; ports below 1024 need root or CAP_NET_BIND_SERVICE` : '';
    throw new DeviceSocketError(
      `cannot bind DHCP socket on device "${device}" to ${where}: ` + `${describeErrno(libc, errno)}${hint}`,
      device,
      errnoName(errno),
    );
  }
}

/** struct sockaddr_in: family in host order, then port and address in network order (ip(7)). */
function sockaddrIn(address: number, port: number): Buffer {
  const sockaddr = Buffer.alloc(SOCKADDR_IN_SIZE);
  if (endianness() === 'LE') sockaddr.writeUInt16LE(AF_INET, 0);
  else sockaddr.writeUInt16BE(AF_INET, 0);
  sockaddr.writeUInt16BE(port, 2);
  sockaddr.writeUInt32BE(address, 4);
  return sockaddr;
}

/** Hands the bound descriptor to dgram (Node >= 8 accepts `bind({ fd })`), which then owns it. */
function adoptDescriptor(libc: Libc, fd: number, device: string): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4' });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      socket.close();
      reject(new DeviceSocketError(`cannot open DHCP socket on device "${device}": ${err.message}`, device, null));
    };
    socket.once('error', onError);
    socket.once('listening', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    try {
      socket.bind({ fd });
    } catch (err) {
      // bind({ fd }) throws before libuv takes the descriptor, so it is still ours to close.
      libc.close(fd);
      socket.off('error', onError);
      reject(
        new DeviceSocketError(`cannot open DHCP socket on device "${device}": ${(err as Error).message}`, device, null),
      );
    }
  });
}

function libcError(libc: Libc, device: string, what: string): DeviceSocketError {
  const errno = libc.errno();
  return new DeviceSocketError(`${what}: ${describeErrno(libc, errno)}`, device, errnoName(errno));
}

function isPermissionErrno(errno: number): boolean {
  return errno === 1 || errno === 13; // EPERM, EACCES
}
