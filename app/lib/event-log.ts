// The Events page's rows: newest first, live events added on top, older pages added below, at
// most `cap` rows kept (a page left open for days must not grow without bound). Pure.
import type { EventEntry } from './event-view.ts';

/** Rows kept in memory and in the DOM. */
export const EVENT_LOG_CAP = 1_000;

export class EventLog {
  private rows: EventEntry[];
  /** ListEvents' before_revision for the next older page; 0 when nothing older is known. */
  private before: number;

  constructor(
    initial: readonly EventEntry[],
    olderBefore: number,
    private readonly cap: number = EVENT_LOG_CAP,
  ) {
    this.rows = initial.slice(0, cap);
    this.before = initial.length > cap ? this.rows[this.rows.length - 1]!.revision : olderBefore;
  }

  entries(): readonly EventEntry[] {
    return this.rows;
  }

  get size(): number {
    return this.rows.length;
  }

  /** Where the next older page starts (ListEvents before_revision), or 0 when there is none. */
  get olderBefore(): number {
    return this.before;
  }

  /** More history can be loaded: the log has older events and there is room to keep them. */
  get canLoadOlder(): boolean {
    return this.before > 0 && this.rows.length < this.cap;
  }

  /**
   * A live event. Snapshot events (revision 0, after a Reset) are no log entries, and an event
   * at or below the newest row is already here. Past the cap the oldest row goes, and the next
   * older page starts from it again. Returns whether the rows changed.
   */
  addLive(entry: EventEntry): boolean {
    if (entry.revision === 0) return false;
    const newest = this.rows[0]?.revision ?? 0;
    if (entry.revision <= newest) return false;
    this.rows = [entry, ...this.rows];
    if (this.rows.length > this.cap) {
      const dropped = this.rows.slice(this.cap);
      this.rows = this.rows.slice(0, this.cap);
      this.before = dropped[0]!.revision + 1;
    }
    return true;
  }

  /** An older page (newest first) and where the page after it starts. Returns whether rows changed. */
  addOlder(entries: readonly EventEntry[], nextBefore: number): boolean {
    const oldest = this.rows[this.rows.length - 1]?.revision ?? Number.MAX_SAFE_INTEGER;
    const older = entries.filter((e) => e.revision > 0 && e.revision < oldest);
    const room = this.cap - this.rows.length;
    const kept = older.slice(0, Math.max(0, room));
    this.rows = [...this.rows, ...kept];
    this.before = kept.length < older.length ? (kept[kept.length - 1]?.revision ?? this.before) : nextBefore;
    return kept.length > 0;
  }
}
