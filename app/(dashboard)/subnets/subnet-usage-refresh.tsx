'use client';
// Pool usage changes with every lease and reservation event; ListSubnets has the counts, so the
// page re-reads itself (a server refresh, no reload) at most once a second while events arrive.
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { LiveIndicator } from '../../components/live-indicator.tsx';
import type { StreamMessage } from '../../lib/live/types.ts';
import { useWatchStream } from '../../lib/live/use-watch-stream.ts';

const KINDS = ['lease', 'reservation'];
/** The most often the page asks the daemon again. */
const REFRESH_MS = 1_000;

export function SubnetUsageRefresh({ revision }: { revision: number }) {
  const router = useRouter();
  // The stream starts at the first render's revision and stays: a refreshed page's newer revision
  // must not reopen it (every event after the first revision is still wanted).
  const [since] = useState(revision);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onMessage = useCallback(
    (message: StreamMessage) => {
      if (message.type !== 'event' && message.type !== 'synced') return;
      if (timer.current !== null) return;
      timer.current = setTimeout(() => {
        timer.current = null;
        router.refresh();
      }, REFRESH_MS);
    },
    [router],
  );
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  const status = useWatchStream({ since, kinds: KINDS, onMessage });
  return <LiveIndicator status={status} revision={revision} />;
}
