// WatchQuota: the per-peer and total caps, the messages that name them, and places given back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchQuota, type Admission } from './watch-quota.ts';

function admitted(admission: Admission): () => void {
  assert.equal(admission.kind, 'admitted', admission.kind === 'refused' ? admission.details : '');
  return (admission as { release: () => void }).release;
}

function refusal(admission: Admission): string {
  assert.equal(admission.kind, 'refused');
  return (admission as { details: string }).details;
}

describe('WatchQuota', () => {
  test('a peer past maxWatchersPerPeer is refused, naming the limit and its config key; other peers are not', () => {
    const quota = new WatchQuota({ maxWatchers: 10, maxWatchersPerPeer: 2 });
    admitted(quota.admit('10.0.0.1'));
    admitted(quota.admit('10.0.0.1'));
    assert.equal(
      refusal(quota.admit('10.0.0.1')),
      'too many Watch streams from this peer (2, grpc.maxWatchersPerPeer); close some or raise the limit',
    );
    admitted(quota.admit('10.0.0.2'));
  });

  test('past maxWatchers everyone is refused, naming that limit', () => {
    const quota = new WatchQuota({ maxWatchers: 3, maxWatchersPerPeer: 2 });
    admitted(quota.admit('a'));
    admitted(quota.admit('b'));
    admitted(quota.admit('c'));
    assert.equal(
      refusal(quota.admit('d')),
      'too many Watch streams open (3, grpc.maxWatchers); close some or raise the limit',
    );
  });

  test('a released place is free again, releasing twice frees one, and a peer with none keeps no entry', () => {
    const quota = new WatchQuota({ maxWatchers: 2, maxWatchersPerPeer: 1 });
    const release = admitted(quota.admit('a'));
    admitted(quota.admit('b'));
    refusal(quota.admit('c'));
    release();
    release();
    assert.equal(quota.countOf('a'), 0);
    admitted(quota.admit('c'));
    refusal(quota.admit('a'));
  });
});
