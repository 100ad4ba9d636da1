// Offers held in memory between DHCPOFFER and DHCPREQUEST (never persisted, as in Kea: an offer
// is a promise for offerTimeout seconds, and a lost offer only costs the client a new DISCOVER).
import { clientIndexKey } from './lease-table.ts';

interface Offer {
  address: number;
  subnetId: string;
  clientKey: string;
  expiresAt: number;
}

export class OfferBook {
  private readonly byAddress = new Map<number, Offer>();
  private readonly byClient = new Map<string, Offer>();

  /**
   * Holds the address for the client, replacing any earlier offer to it. Returns the address of
   * that earlier offer when it differs, so it can go back to the pool.
   */
  hold(address: number, subnetId: string, clientKey: string, expiresAt: number): number | undefined {
    const previous = this.dropClient(subnetId, clientKey);
    this.release(address);
    const offer = { address, subnetId, clientKey, expiresAt };
    this.byAddress.set(address, offer);
    this.byClient.set(clientIndexKey(subnetId, clientKey), offer);
    return previous !== address ? previous : undefined;
  }

  forClient(subnetId: string, clientKey: string, now: number): number | undefined {
    const offer = this.byClient.get(clientIndexKey(subnetId, clientKey));
    return offer && offer.expiresAt > now ? offer.address : undefined;
  }

  heldByOther(address: number, clientKey: string | undefined, now: number): boolean {
    const offer = this.byAddress.get(address);
    return offer !== undefined && offer.expiresAt > now && offer.clientKey !== clientKey;
  }

  /** Forgets the offer on an address (it was bound, or taken by someone else). */
  release(address: number): void {
    const offer = this.byAddress.get(address);
    if (!offer) return;
    this.byAddress.delete(address);
    const key = clientIndexKey(offer.subnetId, offer.clientKey);
    if (this.byClient.get(key) === offer) this.byClient.delete(key);
  }

  /** Forgets the client's offer in the subnet; returns the address it held. */
  dropClient(subnetId: string, clientKey: string): number | undefined {
    const key = clientIndexKey(subnetId, clientKey);
    const offer = this.byClient.get(key);
    if (!offer) return undefined;
    this.byClient.delete(key);
    if (this.byAddress.get(offer.address) === offer) this.byAddress.delete(offer.address);
    return offer.address;
  }

  /** Removes lapsed offers; returns them so their addresses can go back to the allocator. */
  expire(now: number): { address: number; subnetId: string }[] {
    const lapsed: { address: number; subnetId: string }[] = [];
    for (const offer of this.byAddress.values()) {
      if (offer.expiresAt > now) continue;
      this.release(offer.address);
      lapsed.push({ address: offer.address, subnetId: offer.subnetId });
    }
    return lapsed;
  }
}
