// Offers held in memory between DHCPOFFER and DHCPREQUEST (never persisted, as in Kea: an offer
// is a promise for offerTimeout seconds, and a lost offer only costs the client a new DISCOVER).
//
// A spoofer can fill a pool with offers, and then every DISCOVER on the exhausted pool asks for
// the lapsed ones (engine.chooseForOffer). So the offers also sit in a binary min-heap by expiry
// time: expire(now) looks only at the offers that lapsed (O(lapsed * log n)), and every other
// operation is O(log n) or O(1). A heap, not insertion order: the wall clock can step back, so a
// later offer may expire sooner.
import { ClientIndex } from './lease-table.ts';

interface Offer {
  address: number;
  subnetId: string;
  clientKey: string;
  expiresAt: number;
  /** Hold order, to break ties between equal expiry times. */
  sequence: number;
  /** Index in the heap's array, kept current so an offer can be removed from the middle. */
  slot: number;
}

export class OfferBook {
  private readonly byAddress = new Map<number, Offer>();
  private readonly byClient = new ClientIndex<Offer>();
  private readonly byExpiry = new ExpiryHeap();
  private holds = 0;

  /**
   * Holds the address for the client, replacing any earlier offer to it. Returns the address of
   * that earlier offer when it differs, so it can go back to the pool.
   */
  hold(address: number, subnetId: string, clientKey: string, expiresAt: number): number | undefined {
    const previous = this.dropClient(subnetId, clientKey);
    this.release(address);
    const offer = { address, subnetId, clientKey, expiresAt, sequence: this.holds++, slot: -1 };
    this.byAddress.set(address, offer);
    this.byClient.set(subnetId, clientKey, offer);
    this.byExpiry.push(offer);
    return previous !== address ? previous : undefined;
  }

  forClient(subnetId: string, clientKey: string, now: number): number | undefined {
    const offer = this.byClient.get(subnetId, clientKey);
    return offer && offer.expiresAt > now ? offer.address : undefined;
  }

  heldByOther(address: number, clientKey: string | undefined, now: number): boolean {
    const offer = this.byAddress.get(address);
    return offer !== undefined && offer.expiresAt > now && offer.clientKey !== clientKey;
  }

  /** Forgets the offer on an address (it was bound, or taken by someone else). */
  release(address: number): void {
    const offer = this.byAddress.get(address);
    if (offer) this.forget(offer);
  }

  /** Forgets the client's offer in the subnet; returns the address it held. */
  dropClient(subnetId: string, clientKey: string): number | undefined {
    const offer = this.byClient.get(subnetId, clientKey);
    if (!offer) return undefined;
    this.forget(offer);
    return offer.address;
  }

  /**
   * Removes lapsed offers (expiresAt <= now), soonest first (equal times in hold order); returns
   * them so their addresses can go back to the allocator.
   */
  expire(now: number): { address: number; subnetId: string }[] {
    const lapsed: { address: number; subnetId: string }[] = [];
    let offer: Offer | undefined;
    while ((offer = this.byExpiry.first()) !== undefined && offer.expiresAt <= now) {
      this.forget(offer);
      lapsed.push({ address: offer.address, subnetId: offer.subnetId });
    }
    return lapsed;
  }

  /** An offer is in both maps and the heap, or in none of them. */
  private forget(offer: Offer): void {
    this.byAddress.delete(offer.address);
    this.byClient.delete(offer.subnetId, offer.clientKey, offer);
    this.byExpiry.remove(offer);
  }
}

/** Binary min-heap of offers by (expiresAt, sequence); each offer knows its slot. */
class ExpiryHeap {
  private readonly offers: Offer[] = [];

  first(): Offer | undefined {
    return this.offers[0];
  }

  push(offer: Offer): void {
    this.offers.push(offer);
    offer.slot = this.offers.length - 1;
    this.up(offer.slot);
  }

  remove(offer: Offer): void {
    const { offers } = this;
    const last = offers.pop()!;
    if (last !== offer) {
      this.place(last, offer.slot);
      this.up(last.slot);
      this.down(last.slot);
    }
    offer.slot = -1;
  }

  private up(slot: number): void {
    const { offers } = this;
    const offer = offers[slot]!;
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!earlier(offer, offers[parent]!)) break;
      this.place(offers[parent]!, slot);
      slot = parent;
    }
    this.place(offer, slot);
  }

  private down(slot: number): void {
    const { offers } = this;
    const offer = offers[slot]!;
    while (true) {
      const left = 2 * slot + 1;
      if (left >= offers.length) break;
      const right = left + 1;
      const child = right < offers.length && earlier(offers[right]!, offers[left]!) ? right : left;
      if (!earlier(offers[child]!, offer)) break;
      this.place(offers[child]!, slot);
      slot = child;
    }
    this.place(offer, slot);
  }

  private place(offer: Offer, slot: number): void {
    this.offers[slot] = offer;
    offer.slot = slot;
  }
}

function earlier(a: Offer, b: Offer): boolean {
  const difference = a.expiresAt - b.expiresAt;
  return difference < 0 || (difference === 0 && a.sequence < b.sequence);
}
