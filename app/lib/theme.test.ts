import assert from 'node:assert/strict';
import { test } from 'node:test';
import { THEME_SCRIPT, THEME_STORAGE_KEY, parseThemeChoice, resolveColorScheme } from './theme.ts';

test('a stored pick is light or dark; anything else, or nothing, is the system', () => {
  assert.equal(parseThemeChoice('light'), 'light');
  assert.equal(parseThemeChoice('dark'), 'dark');
  assert.equal(parseThemeChoice('system'), 'system');
  assert.equal(parseThemeChoice(null), 'system');
  assert.equal(parseThemeChoice('DARK'), 'system');
});

test('the pick wins over the system; "system" follows it', () => {
  assert.equal(resolveColorScheme('light', true), 'light');
  assert.equal(resolveColorScheme('dark', false), 'dark');
  assert.equal(resolveColorScheme('system', true), 'dark');
  assert.equal(resolveColorScheme('system', false), 'light');
});

/** Runs the head script against a stand-in for the browser; returns what it set on <html>. */
function runHeadScript(stored: string | null | Error, systemDark: boolean) {
  const classes = new Set<string>();
  const attributes: Record<string, string> = {};
  const root = {
    classList: { toggle: (name: string, on: boolean) => void (on ? classes.add(name) : classes.delete(name)) },
    style: { colorScheme: '' },
    setAttribute: (name: string, value: string) => void (attributes[name] = value),
  };
  const localStorage = {
    getItem: (key: string) => {
      if (stored instanceof Error) throw stored;
      return key === THEME_STORAGE_KEY ? stored : null;
    },
  };
  const window = { matchMedia: () => ({ matches: systemDark }) };
  new Function('localStorage', 'window', 'document', THEME_SCRIPT)(localStorage, window, { documentElement: root });
  return { dark: classes.has('dark'), colorScheme: root.style.colorScheme, theme: attributes['data-theme'] };
}

test('the head script makes the same decision as resolveColorScheme, before any bundle loads', () => {
  for (const stored of ['light', 'dark', null, 'junk'])
    for (const systemDark of [true, false]) {
      const scheme = resolveColorScheme(parseThemeChoice(stored), systemDark);
      assert.deepEqual(
        runHeadScript(stored, systemDark),
        { dark: scheme === 'dark', colorScheme: scheme, theme: parseThemeChoice(stored) },
        `stored ${stored}, system ${systemDark ? 'dark' : 'light'}`,
      );
    }
});

test('storage that throws (disabled) leaves the system to decide', () => {
  assert.deepEqual(runHeadScript(new Error('SecurityError'), true), {
    dark: true,
    colorScheme: 'dark',
    theme: 'system',
  });
});
