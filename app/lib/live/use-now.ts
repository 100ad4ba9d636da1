'use client';
import { useEffect, useState } from 'react';

/**
 * The current time, re-read every `everyMs`. It starts at `initial` (the server's render time)
 * so the first browser render matches the server's HTML exactly.
 */
export function useNow(initial: number, everyMs: number): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
