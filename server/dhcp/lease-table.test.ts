import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientIndex } from './lease-table.ts';

test('ClientIndex keeps the same client key apart in different subnets', () => {
  const index = new ClientIndex<string>();
  index.set('lab', 'mac:aa', 'in lab');
  index.set('guests', 'mac:aa', 'in guests');
  assert.equal(index.get('lab', 'mac:aa'), 'in lab');
  assert.equal(index.get('guests', 'mac:aa'), 'in guests');
  assert.equal(index.get('lab', 'mac:bb'), undefined);
  assert.equal(index.get('iot', 'mac:aa'), undefined);
});

test('ClientIndex.delete with a value removes the entry only while it holds that value', () => {
  const index = new ClientIndex<string>();
  index.set('lab', 'mac:aa', 'new lease');
  index.delete('lab', 'mac:aa', 'old lease'); // a displaced lease no longer indexed
  assert.equal(index.get('lab', 'mac:aa'), 'new lease');
  index.delete('lab', 'mac:aa', 'new lease');
  assert.equal(index.get('lab', 'mac:aa'), undefined);
  index.set('lab', 'mac:aa', 'again');
  index.delete('lab', 'mac:aa');
  assert.equal(index.get('lab', 'mac:aa'), undefined);
  index.delete('unknown', 'mac:aa'); // nothing there: no error
});
