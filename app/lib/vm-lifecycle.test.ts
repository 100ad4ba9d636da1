import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actionFailed, actionSettled, actionsFor, confirmText, confirmTitle } from './vm-lifecycle.ts';
import { vmViewFromJson, type VmView } from './vm-view.ts';

const vm = (over: Partial<VmView>): VmView => ({ ...vmViewFromJson({ id: 'a', name: 'web-1' })!, ...over });

describe('actions a state allows', () => {
  test('as the daemon allows them', () => {
    assert.deepEqual(actionsFor('stopped'), ['start', 'delete']);
    assert.deepEqual(actionsFor('crashed'), ['start', 'delete']);
    assert.deepEqual(actionsFor('running'), ['shutdown', 'force-stop', 'reboot', 'pause', 'delete']);
    assert.deepEqual(actionsFor('paused'), ['resume', 'force-stop', 'delete']);
    assert.deepEqual(actionsFor('starting'), []);
  });
});

describe('confirmations', () => {
  test('name the VM', () => {
    assert.equal(confirmTitle('shutdown', 'web-1'), 'Shut down web-1?');
    assert.equal(confirmTitle('delete', 'web-1'), 'Delete web-1?');
  });
  test('delete says what it removes: the disk and the DHCP reservation', () => {
    const text = confirmText('delete', { name: 'web-1', address: '10.0.0.5', mac: '52:54:00:00:00:01', diskGib: 8 });
    assert.match(text, /8 GiB disk/);
    assert.match(text, /DHCP reservation of 10\.0\.0\.5 \(52:54:00:00:00:01\)/);
  });
});

describe('settling through the stream', () => {
  test('each action settles on the state it leads to', () => {
    assert.equal(actionSettled('start', vm({ state: 'starting' })), false);
    assert.equal(actionSettled('start', vm({ state: 'running' })), true);
    assert.equal(actionSettled('shutdown', vm({ state: 'stopping' })), false);
    assert.equal(actionSettled('shutdown', vm({ state: 'stopped' })), true);
    assert.equal(actionSettled('force-stop', vm({ state: 'stopped' })), true);
    assert.equal(actionSettled('pause', vm({ state: 'paused' })), true);
    assert.equal(actionSettled('resume', vm({ state: 'paused' })), false);
    assert.equal(actionSettled('delete', vm({})), false);
    assert.equal(actionSettled('delete', undefined), true);
    assert.equal(actionSettled('reboot', vm({ state: 'running' })), true);
  });
  test('a VM deleted meanwhile cannot settle', () => {
    assert.equal(actionFailed('start', undefined), 'The VM was deleted meanwhile.');
    assert.equal(actionFailed('delete', undefined), null);
    assert.equal(actionFailed('start', vm({})), null);
  });
});
