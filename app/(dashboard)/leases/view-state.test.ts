import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SORT, parseViewState, toggleSort, viewSearch } from './view-state.ts';

test('a URL with every part round-trips', () => {
  const search = 'q=aa%3Abb&state=active&subnet=10.123.0.0%2F24&sort=-expires';
  const view = parseViewState(new URLSearchParams(search));
  assert.deepEqual(view, {
    filter: { query: 'aa:bb', state: 'active', subnet: '10.123.0.0/24' },
    sort: { column: 'expires', descending: true },
  });
  assert.equal(viewSearch(view), search);
});

test('the default view is a bare /leases', () => {
  const view = parseViewState(new URLSearchParams(''));
  assert.deepEqual(view, { filter: { query: '', state: null, subnet: null }, sort: DEFAULT_SORT });
  assert.equal(viewSearch(view), '');
});

test("Next's searchParams record is read the same way, first value of a repeated key", () => {
  const view = parseViewState({ q: ['nas', 'other'], state: 'released', sort: 'hostname' });
  assert.equal(view.filter.query, 'nas');
  assert.equal(view.filter.state, 'released');
  assert.deepEqual(view.sort, { column: 'hostname', descending: false });
});

test('unknown or malformed values fall back to the default', () => {
  const view = parseViewState(new URLSearchParams('state=sleeping&subnet=lab&sort=-colour&q=' + 'x'.repeat(500)));
  assert.equal(view.filter.state, null);
  assert.equal(view.filter.subnet, null);
  assert.deepEqual(view.sort, DEFAULT_SORT);
  assert.equal(view.filter.query.length, 200);
});

test('a header click sorts ascending, a second click descending', () => {
  const once = toggleSort(DEFAULT_SORT, 'hostname');
  assert.deepEqual(once, { column: 'hostname', descending: false });
  assert.deepEqual(toggleSort(once, 'hostname'), { column: 'hostname', descending: true });
  assert.deepEqual(toggleSort(DEFAULT_SORT, 'address'), { column: 'address', descending: true });
});
