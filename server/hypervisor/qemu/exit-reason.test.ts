import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyExit, type ShutdownSeen, type StopIntent } from './exit-reason.ts';

const GUEST_OFF: ShutdownSeen = { guest: true, reason: 'guest-shutdown' };
const QUIT: ShutdownSeen = { guest: false, reason: 'host-qmp-quit' };

const CASES: { why: string; intent: StopIntent; shutdown: ShutdownSeen | null; expected: [string, string] }[] = [
  {
    why: 'the guest powered off on its own',
    intent: { step: 'none' },
    shutdown: GUEST_OFF,
    expected: ['stopped', 'guest-shutdown'],
  },
  {
    why: 'the guest obeyed the power button',
    intent: { step: 'powerdown' },
    shutdown: GUEST_OFF,
    expected: ['stopped', 'guest-shutdown'],
  },
  {
    why: 'the power button timed out, QEMU quit',
    intent: { step: 'quit', via: 'timeout' },
    shutdown: QUIT,
    expected: ['stopped', 'powerdown-timeout-forced'],
  },
  {
    why: 'the guest powered off just as the quit went out',
    intent: { step: 'quit', via: 'timeout' },
    shutdown: GUEST_OFF,
    expected: ['stopped', 'guest-shutdown'],
  },
  {
    why: 'forceStop: QEMU quit',
    intent: { step: 'quit', via: 'force' },
    shutdown: QUIT,
    expected: ['stopped', 'forced'],
  },
  {
    why: 'forceStop with the monitor gone: no SHUTDOWN seen, still our stop',
    intent: { step: 'quit', via: 'force' },
    shutdown: null,
    expected: ['stopped', 'forced'],
  },
  {
    why: 'the power button timed out and QEMU ignored quit: SIGKILL',
    intent: { step: 'kill', via: 'timeout' },
    shutdown: null,
    expected: ['stopped', 'powerdown-timeout-killed'],
  },
  {
    why: 'forceStop ended by SIGKILL',
    intent: { step: 'kill', via: 'force' },
    shutdown: QUIT,
    expected: ['stopped', 'forced-killed'],
  },
  {
    why: 'someone sent QEMU SIGTERM',
    intent: { step: 'none' },
    shutdown: { guest: false, reason: 'host-signal' },
    expected: ['stopped', 'host-signal'],
  },
  {
    why: 'a guest panic with a shutdown action',
    intent: { step: 'none' },
    shutdown: { guest: true, reason: 'guest-panic' },
    expected: ['crashed', 'qemu-shutdown'],
  },
  {
    why: 'another SHUTDOWN cause',
    intent: { step: 'none' },
    shutdown: { guest: false, reason: 'host-error' },
    expected: ['stopped', 'qemu-shutdown'],
  },
  {
    why: 'gone without SHUTDOWN and no stop of ours: kill -9 or a crash',
    intent: { step: 'none' },
    shutdown: null,
    expected: ['crashed', 'exited-unexpectedly'],
  },
  {
    why: 'killed from outside while the power button was pending',
    intent: { step: 'powerdown' },
    shutdown: null,
    expected: ['crashed', 'exited-unexpectedly'],
  },
];

for (const c of CASES) {
  test(c.why, () => {
    const result = classifyExit(c.intent, c.shutdown);
    assert.deepEqual([result.state, result.reason], c.expected);
    assert.ok(result.detail.length > 0);
  });
}
