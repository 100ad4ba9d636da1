// Reservations as the API sees them: those from the YAML config (read-only) and those made
// through the API (stored in the database, surviving restarts). VM reservations join later.
import type { PlainOption } from './options/index.ts';

export type ReservationSource = 'config' | 'api' | 'vm';

export type ReservationEventKind = 'reservation.created' | 'reservation.updated' | 'reservation.deleted';

export interface ReservationRecord {
  /** "cfg-<n>" for config reservations (stable while the config is unchanged), the database id for the others. */
  id: string;
  subnetId: string;
  /** Normalised "aa:bb:cc:dd:ee:ff", or null when by client-id. */
  mac: string | null;
  /** Lower-case hex (type octet included), or null when by MAC. */
  clientId: string | null;
  ip: number;
  hostname: string | null;
  source: ReservationSource;
  /** Options for this client only (reservation > class > subnet > global), by code. */
  options: PlainOption[];
  /** siaddr for the client; null for none. */
  nextServer: number | null;
  bootFile: string | null;
  serverHostname: string | null;
}
