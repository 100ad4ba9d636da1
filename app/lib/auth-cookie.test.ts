import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cameOverHttps, clearedCookieOptions, clientAddress, sessionCookieOptions } from './auth-cookie.ts';

test('the session cookie is httpOnly, SameSite=Lax, site-wide and kept 7 days', () => {
  assert.deepEqual(sessionCookieOptions({ forwardedProto: 'http', origin: 'http://127.0.0.1:3000' }), {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: false,
    maxAge: 604_800,
  });
});

test('Secure when the browser came over https, told by the proxy or by the Origin', () => {
  assert.equal(sessionCookieOptions({ forwardedProto: 'https', origin: null }).secure, true);
  assert.equal(sessionCookieOptions({ forwardedProto: 'HTTPS, http', origin: null }).secure, true);
  assert.equal(sessionCookieOptions({ forwardedProto: 'http', origin: 'https://home.example' }).secure, true);
  assert.equal(sessionCookieOptions({ forwardedProto: null, origin: null }).secure, false);
  assert.equal(cameOverHttps({ forwardedProto: 'http, https', origin: 'http://home.example' }), false);
});

test('signing out sends the same cookie, expired', () => {
  const cleared = clearedCookieOptions({ forwardedProto: 'https', origin: null });
  assert.equal(cleared.maxAge, 0);
  assert.equal(cleared.secure, true);
  assert.equal(cleared.path, '/');
});

test('the client address is the last X-Forwarded-For entry, when it is an address', () => {
  assert.equal(clientAddress('127.0.0.1'), '127.0.0.1');
  assert.equal(clientAddress('203.0.113.9, 10.0.0.2'), '10.0.0.2');
  assert.equal(clientAddress('::1'), '::1');
  assert.equal(clientAddress('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(clientAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(clientAddress('<script>'), '');
  assert.equal(clientAddress('unknown'), '');
  assert.equal(clientAddress(''), '');
  assert.equal(clientAddress(null), '');
});
