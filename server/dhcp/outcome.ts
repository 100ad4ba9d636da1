// What the engine decided for one request: a reply and where it goes, or a reason to stay silent;
// plus the lease writes that must be committed before the reply leaves.
import type { Packet } from './codec/types.ts';
import type { Lease, LeaseEventKind } from './lease.ts';
import type { Change } from './bindings.ts';

/** A lease row change and the event that records it (committed in one transaction). */
export type LeaseWrite =
  | { op: 'put'; lease: Lease; kind: LeaseEventKind }
  /** The row for the address goes; `was` is the lease it held (the lease.deleted event's object). */
  | { op: 'remove'; address: number; was: Lease };

export type DropReason =
  | 'malformed'
  | 'not-request' // op is BOOTREPLY
  | 'no-message-type'
  | 'unsupported-message-type' // a server-to-client type, or unknown
  | 'no-subnet' // no configured subnet for the relay, interface or ciaddr
  | 'other-server' // REQUEST/DECLINE/RELEASE naming another server identifier
  | 'pool-exhausted'
  | 'no-record' // not authoritative and the client is unknown (RFC 2131 4.3.2)
  | 'not-holder' // DECLINE/RELEASE from a client that does not hold that lease
  | 'missing-field' // e.g. REQUEST in SELECTING without option 50
  | 'store-error' // the lease could not be committed: no reply (the client retransmits)
  | 'oversized' // a datagram larger than any DHCP client sends
  | 'engine-error'; // a bug met by this packet: counted, logged, and the server goes on

export interface Destination {
  address: number;
  port: number;
}

/** `change`: what the decision wrote, durable once `change.durable` resolves true. */
export type Outcome =
  | { action: 'reply'; reply: Packet; to: Destination; maxMessageSize: number; change: Change }
  | { action: 'drop'; reason: DropReason }
  /** Handled with no reply by design (RFC 2131 4.3.3, 4.3.4): DECLINE and RELEASE. */
  | { action: 'recorded'; what: 'declined' | 'released'; change: Change };
