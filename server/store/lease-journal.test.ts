import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LeaseJournal } from './lease-journal.ts';
import { makeScratchDir, type ScratchDir } from './testing/fixtures.ts';

describe('LeaseJournal', () => {
  let scratch: ScratchDir;
  let file: string;
  beforeEach(() => {
    scratch = makeScratchDir();
    file = join(scratch.path, 'lease-journal');
  });
  afterEach(() => scratch.remove());

  test('records come back whole and in order, also after a reopen; the file is private', () => {
    const journal = LeaseJournal.open(file);
    const bodies = ['{"seq":1}', '', 'ünïcode ✓', 'x'.repeat(70_000)].map((text) => Buffer.from(text));
    for (const body of bodies) journal.append(body);
    assert.equal(journal.size, statSync(file).size);
    journal.close();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const again = LeaseJournal.open(file);
    assert.deepEqual(again.read(), { records: bodies, ignoredBytes: 0 });
    again.append(Buffer.from('after'));
    assert.deepEqual(again.read().records, [...bodies, Buffer.from('after')]);
    again.close();
  });

  test('reading stops at a torn tail or a record whose CRC fails, and says how much it ignored', () => {
    const journal = LeaseJournal.open(file);
    journal.append(Buffer.from('one'));
    journal.append(Buffer.from('two'));
    const whole = journal.size;
    journal.close();
    appendFileSync(file, Buffer.from([10, 0, 0, 0, 1, 2])); // a header cut short
    let reopened = LeaseJournal.open(file);
    assert.deepEqual(reopened.read(), { records: [Buffer.from('one'), Buffer.from('two')], ignoredBytes: 6 });
    reopened.close();

    const bytes = readFileSync(file).subarray(0, whole);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff; // the second body changed: its CRC no longer matches
    writeFileSync(file, bytes);
    reopened = LeaseJournal.open(file);
    assert.deepEqual(reopened.read(), { records: [Buffer.from('one')], ignoredBytes: whole - (8 + 3) });
    reopened.close();
  });

  test('reset() empties it; appends then start at the beginning', () => {
    const journal = LeaseJournal.open(file);
    journal.append(Buffer.from('old'));
    journal.reset();
    assert.equal(journal.size, 0);
    assert.equal(statSync(file).size, 0);
    journal.append(Buffer.from('new'));
    assert.deepEqual(journal.read(), { records: [Buffer.from('new')], ignoredBytes: 0 });
    assert.equal(journal.size, 8 + 3);
    journal.close();
  });
});
