// The metrics section: absent means no endpoint, the built-in default serves it on loopback,
// every bad value is one `path: reason`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, defaultConfig, parseConfig } from './load.ts';

const BASE_DIR = '/srv/homeplane';

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml, { source: null, baseDir: BASE_DIR });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.reason}`);
    throw error;
  }
  return [];
}

test('no metrics section: no endpoint', () => {
  assert.equal(parseConfig('dataDir: ./data\n', { source: null, baseDir: BASE_DIR }).metrics, null);
});

test('the built-in default serves the metrics on loopback, without a token', () => {
  assert.deepEqual(defaultConfig('/opt/homeplane').metrics, { listen: '127.0.0.1:9478', tokenFile: null });
});

test('listen and a token file relative to the config folder', () => {
  const config = parseConfig('metrics:\n  listen: 0.0.0.0:9478\n  tokenFile: secrets/metrics.token\n', {
    source: null,
    baseDir: BASE_DIR,
  });
  assert.deepEqual(config.metrics, { listen: '0.0.0.0:9478', tokenFile: '/srv/homeplane/secrets/metrics.token' });
  assert.equal(
    parseConfig('metrics: { listen: "[::1]:9100" }\n', { source: null, baseDir: BASE_DIR }).metrics?.listen,
    '[::1]:9100',
  );
});

test('bad metrics settings are each one clear problem', () => {
  const cases: [string, RegExp][] = [
    ['metrics: {}', /^metrics\.listen: required; add it, e.g\. 127\.0\.0\.1:9478/],
    [
      'metrics: { listen: "unix:/run/m.sock" }',
      /^metrics\.listen: "unix:\/run\/m\.sock" is a unix socket; Prometheus scrapes TCP/,
    ],
    [
      'metrics: { listen: "127.0.0.1" }',
      /^metrics\.listen: "127\.0\.0\.1" has no port; write host:port such as 127\.0\.0\.1:9478/,
    ],
    ['metrics: { listen: "127.0.0.1:99999" }', /^metrics\.listen: port "99999" is not a number 0-65535/],
    ['metrics: { listen: 9478 }', /^metrics\.listen: got the number 9478; write it in quotes as text/],
    ['metrics: { listen: "127.0.0.1:9478", tokenFile: "" }', /^metrics\.tokenFile: is empty; name a file/],
    ['metrics: { listen: "127.0.0.1:9478", token: "secret" }', /^metrics(\.token)?: .*token/],
  ];
  for (const [yaml, expected] of cases) {
    const problems = problemsOf(yaml);
    assert.equal(problems.length, 1, `${yaml}: ${problems.join('; ')}`);
    assert.match(problems[0]!, expected, yaml);
  }
});
