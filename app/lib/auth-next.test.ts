import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNextPath, signInPath } from './auth-next.ts';

test('a same-site path comes through with its query and fragment', () => {
  assert.equal(safeNextPath('/leases'), '/leases');
  assert.equal(safeNextPath('/leases?state=active&q=10.0'), '/leases?state=active&q=10.0');
  assert.equal(safeNextPath('/settings#sessions'), '/settings#sessions');
  assert.equal(safeNextPath('/'), '/');
});

test('anything that could leave the dashboard falls back to /', () => {
  for (const raw of [
    '//evil.example',
    '//evil.example/leases',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    ' //evil.example',
    '/\n/evil.example',
    'https://evil.example/',
    'http:evil.example',
    'javascript:alert(1)',
    'leases',
    '',
  ]) {
    assert.equal(safeNextPath(raw), '/', JSON.stringify(raw));
  }
});

test('a missing or non-string next is /', () => {
  assert.equal(safeNextPath(null), '/');
  assert.equal(safeNextPath(undefined), '/');
  assert.equal(safeNextPath(42), '/');
});

test('the sign-in pages never come back as next (a loop)', () => {
  assert.equal(safeNextPath('/sign-in'), '/');
  assert.equal(safeNextPath('/setup?next=/leases'), '/');
});

test('dot segments are resolved, so they cannot climb out', () => {
  assert.equal(safeNextPath('/a/../leases'), '/leases');
  assert.equal(safeNextPath('/../../etc'), '/etc');
});

test('signInPath carries next only when it is somewhere other than /', () => {
  assert.equal(signInPath('/'), '/sign-in');
  assert.equal(signInPath('//evil.example'), '/sign-in');
  assert.equal(signInPath('/leases?state=active'), '/sign-in?next=%2Fleases%3Fstate%3Dactive');
  assert.equal(signInPath('/leases', '/setup'), '/setup?next=%2Fleases');
});
