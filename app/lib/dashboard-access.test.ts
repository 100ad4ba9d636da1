import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccess, hostNameOfHeader, type AccessRequest } from './dashboard-access.ts';

const ALLOWED = ['homeplane.lab.home', '[fd00::10]'];

interface Case {
  name: string;
  request: Partial<AccessRequest>;
  /** 'allowed', or the status and a fragment of the message. */
  expect: 'allowed' | [421 | 403, RegExp];
}

const cases: Case[] = [
  // Host: loopback names and the configured ones, port aside, any case.
  { name: 'localhost with a port', request: { host: 'localhost:3000' }, expect: 'allowed' },
  { name: 'IPv4 loopback without a port', request: { host: '127.0.0.1' }, expect: 'allowed' },
  { name: 'IPv6 loopback', request: { host: '[::1]:3000' }, expect: 'allowed' },
  { name: 'upper-case loopback name', request: { host: 'LocalHost:3000' }, expect: 'allowed' },
  { name: 'a configured name', request: { host: 'homeplane.lab.home' }, expect: 'allowed' },
  {
    name: 'a configured name in upper case with a port',
    request: { host: 'HomePlane.Lab.Home:8443' },
    expect: 'allowed',
  },
  { name: 'a configured IPv6 name', request: { host: '[FD00::10]:3000' }, expect: 'allowed' },
  {
    name: 'a rebound foreign name',
    request: { host: 'evil.example:3000' },
    expect: [421, /refused Host "evil\.example:3000"[\s\S]*dashboard\.allowedHosts/],
  },
  {
    name: 'a name that only starts like localhost',
    request: { host: 'localhost.evil.example' },
    expect: [421, /Host "localhost\.evil\.example"/],
  },
  {
    name: 'a name that ends like an allowed one',
    request: { host: 'evil-homeplane.lab.home' },
    expect: [421, /refused Host/],
  },
  { name: 'loopback in another spelling', request: { host: '2130706433:3000' }, expect: [421, /refused Host/] },
  {
    name: 'userinfo smuggling a loopback name',
    request: { host: 'evil.example@localhost' },
    expect: [421, /refused Host "evil\.example@localhost"/],
  },
  { name: 'a trailing dot', request: { host: 'localhost.:3000' }, expect: [421, /refused Host/] },
  { name: 'no Host header', request: { host: null }, expect: [421, /refused a request without a Host header/] },
  { name: 'an empty Host header', request: { host: '' }, expect: [421, /without a Host header/] },
  { name: 'a port without a name', request: { host: ':3000' }, expect: [421, /refused Host ":3000"/] },
  // The Host check comes first: a foreign Host is 421 even when the request is also cross-site.
  {
    name: 'foreign Host and foreign Origin',
    request: { host: 'evil.example', origin: 'http://evil.example', secFetchSite: 'cross-site' },
    expect: [421, /refused Host/],
  },
  // Origin: present and not an allowed name means another site's page sent it.
  { name: 'own origin', request: { origin: 'http://127.0.0.1:3000' }, expect: 'allowed' },
  { name: 'another loopback name as origin', request: { origin: 'http://localhost:3000' }, expect: 'allowed' },
  {
    name: 'the reverse proxy origin over https',
    request: { host: '127.0.0.1:3000', origin: 'https://homeplane.lab.home' },
    expect: 'allowed',
  },
  {
    name: 'the reverse proxy origin in upper case',
    request: { origin: 'HTTPS://HOMEPLANE.LAB.HOME:8443' },
    expect: 'allowed',
  },
  {
    name: 'a foreign origin',
    request: { origin: 'https://evil.example' },
    expect: [403, /cross-site request: its Origin is "https:\/\/evil\.example"/],
  },
  {
    name: 'a foreign origin on loopback-like name',
    request: { origin: 'http://127.0.0.1.evil.example' },
    expect: [403, /Origin/],
  },
  { name: 'an opaque origin', request: { origin: 'null' }, expect: [403, /its Origin is "null"/] },
  { name: 'an extension origin', request: { origin: 'chrome-extension://localhost' }, expect: [403, /Origin/] },
  { name: 'a malformed origin', request: { origin: 'http://' }, expect: [403, /Origin/] },
  // Sec-Fetch-Site: only cross-site is refused; same-site (another port on localhost) passes.
  { name: 'same-origin fetch', request: { secFetchSite: 'same-origin' }, expect: 'allowed' },
  { name: 'typed address or bookmark', request: { secFetchSite: 'none' }, expect: 'allowed' },
  { name: 'same-site', request: { secFetchSite: 'same-site', origin: 'http://localhost:8080' }, expect: 'allowed' },
  {
    name: 'cross-site without an Origin (a link, an image)',
    request: { secFetchSite: 'cross-site' },
    expect: [403, /Sec-Fetch-Site: cross-site/],
  },
  { name: 'cross-site in upper case', request: { secFetchSite: 'Cross-Site' }, expect: [403, /Sec-Fetch-Site/] },
];

for (const { name, request, expect } of cases) {
  test(`access: ${name}`, () => {
    const decision = checkAccess({ host: '127.0.0.1:3000', origin: null, secFetchSite: null, ...request }, ALLOWED);
    if (expect === 'allowed') {
      assert.deepEqual(decision, { verdict: 'allowed' });
      return;
    }
    assert.equal(decision.verdict, 'refused');
    if (decision.verdict !== 'refused') return;
    assert.equal(decision.status, expect[0]);
    assert.match(decision.message, expect[1]);
  });
}

test('with no configured names only loopback is answered', () => {
  assert.equal(checkAccess({ host: 'homeplane.lab.home', origin: null, secFetchSite: null }, []).verdict, 'refused');
  assert.equal(checkAccess({ host: 'localhost', origin: null, secFetchSite: null }, []).verdict, 'allowed');
});

test('refusals echo only visible characters, bounded', () => {
  const decision = checkAccess({ host: `${'a'.repeat(300)}\u0000.example`, origin: null, secFetchSite: null }, []);
  assert.equal(decision.verdict, 'refused');
  if (decision.verdict !== 'refused') return;
  assert.ok(!decision.message.includes('\u0000'));
  assert.match(decision.message, /"a{100}\.\.\."/);
});

test('hostNameOfHeader keeps the name and drops the port', () => {
  assert.equal(hostNameOfHeader('Example.Lab:3000'), 'example.lab');
  assert.equal(hostNameOfHeader('[::1]'), '[::1]');
  assert.equal(hostNameOfHeader('[::1]:3000'), '[::1]');
  assert.equal(hostNameOfHeader('a b'), null);
  assert.equal(hostNameOfHeader('x:y'), null);
});
