// Test-only count of the bytes a call copies between Uint8Arrays. Every copy the codec makes goes
// through TypedArray.prototype.set (copyBytes, joining, the writer), so shadowing `set` on
// Uint8Array.prototype (Buffer inherits it) for the length of one call sees all of them.

export interface Copies<T> {
  result: T;
  /** Bytes written by `set`. */
  bytes: number;
  /** Calls to `set`. */
  calls: number;
}

export function countCopies<T>(run: () => T): Copies<T> {
  const set = Uint8Array.prototype.set;
  const own = Object.getOwnPropertyDescriptor(Uint8Array.prototype, 'set');
  const counted = { bytes: 0, calls: 0 };
  Object.defineProperty(Uint8Array.prototype, 'set', {
    configurable: true,
    writable: true,
    value: function countedSet(this: Uint8Array, source: ArrayLike<number>, offset?: number): void {
      counted.bytes += source.length;
      counted.calls++;
      set.call(this, source, offset);
    },
  });
  try {
    return { result: run(), ...counted };
  } finally {
    // Removes the shadow, so %TypedArray%.prototype.set shows through again.
    if (own) Object.defineProperty(Uint8Array.prototype, 'set', own);
    else delete (Uint8Array.prototype as { set?: unknown }).set;
  }
}
