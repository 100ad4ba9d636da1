// A lease: the binding of one address to one client (RFC 2131 1: "lease").
// Keyed by address in the store (one row per address: an address belongs to at most one client).

export type LeaseState = 'active' | 'released' | 'expired' | 'declined';

/** What a lease event says happened (event.proto Event.kind). */
export type LeaseEventKind =
  | 'lease.granted'
  | 'lease.renewed'
  | 'lease.released'
  | 'lease.expired'
  | 'lease.declined'
  /** The row for the address is gone (its client moved to another address, or a declined
   * address finished probation). The event carries the lease as it was. */
  | 'lease.deleted';

export interface Lease {
  address: number;
  /** Subnet id (its CIDR text) the address belongs to. */
  subnetId: string;
  /**
   * The client's identity for lease lookups: "id:<hex>" from option 61 when sent (RFC 2131 4.2:
   * the client identifier takes precedence), else "hw:<mac>".
   */
  clientKey: string;
  /** "aa:bb:cc:dd:ee:ff". */
  hwAddress: string;
  /** Option 61 as lower-case hex, or null. */
  clientId: string | null;
  /** Option 12, or the name part of option 81. */
  hostname: string | null;
  /** Option 81 name as sent, or null. */
  fqdn: string | null;
  state: LeaseState;
  /** Epoch milliseconds. */
  startsAt: number;
  /** Epoch milliseconds. For 'declined' this is when the probation ends. */
  expiresAt: number;
}

/** Port: durable lease storage. Implementations group-commit (one transaction per batch). */
export interface LeaseStore {
  /** Every stored lease; called once at start-up, before the server answers. */
  loadAll(): Promise<Lease[]>;
  /**
   * Queues an insert-or-replace (by address) and resolves once the transaction holding it has
   * committed. Writes queued in one event-loop turn share one transaction. With `kind`, the event
   * recording the change is appended in that same transaction.
   */
  put(lease: Lease, kind?: LeaseEventKind): Promise<void>;
  /**
   * Queues a delete of the row for that address, committed like put(). With `was` (the lease as
   * it was), a 'lease.deleted' event goes into the same transaction.
   */
  remove(address: number, was?: Lease): Promise<void>;
  /** Commits what is queued and closes the database. */
  close(): Promise<void>;
}
