// What the engine decided for one request: a reply and where it goes, or a reason to stay silent;
// plus the lease writes that must be committed before the reply leaves.
import type { Packet } from './codec/types.ts';
import type { Lease } from './lease.ts';
import type { LeaseEventKind } from '../events/types.ts';

/** A lease change and the event that records it (committed in one transaction). */
export type LeaseWrite = { put: Lease; kind: LeaseEventKind } | { remove: number; was: Lease };

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
  | 'store-error';

export interface Destination {
  address: number;
  port: number;
}

export type Outcome =
  | { action: 'reply'; reply: Packet; to: Destination; maxMessageSize: number; writes: LeaseWrite[] }
  | { action: 'drop'; reason: DropReason; writes: LeaseWrite[] }
  /** Handled with no reply by design (RFC 2131 4.3.3, 4.3.4): DECLINE and RELEASE. */
  | { action: 'recorded'; what: 'declined' | 'released'; writes: LeaseWrite[] };
