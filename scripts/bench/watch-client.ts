// A watcher process of the watch benchmark (forked by watch-pool.ts with an IPC channel): it
// holds a share of the watchers, so that receiving and timing events is spread over processes
// and the benchmark's own process stays idle. It answers requests (watch-protocol.ts) and ends
// when the channel to its parent closes, however the parent ended.
import { WatcherSet } from './watch-watchers.ts';
import { READY_MESSAGE, type PoolEnvelope, type PoolReply } from './watch-protocol.ts';

async function answer(set: WatcherSet, request: PoolEnvelope): Promise<unknown> {
  switch (request.op) {
    case 'open':
      return set.open(request);
    case 'mark':
      return set.mark();
    case 'progress':
      return set.progress(request.revision);
    case 'report':
      return set.report();
    case 'close':
      return set.close();
  }
}

function serve(): void {
  if (process.send === undefined)
    throw new Error('watch-client.ts runs as a child of the watch benchmark (with an IPC channel)');
  const set = new WatcherSet();
  const reply = (message: PoolReply): void => void process.send!(message);
  process.on('message', (request: PoolEnvelope) => {
    answer(set, request).then(
      (result) => reply({ id: request.id, ok: true, result: result ?? null }),
      (err: unknown) => reply({ id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  });
  process.on('disconnect', () => {
    set.close();
    process.exit(0);
  });
  process.send(READY_MESSAGE);
}

serve();
