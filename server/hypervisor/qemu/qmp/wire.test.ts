import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, MAX_LINE_BYTES, encodeCommand, parseMessage } from './wire.ts';
import { QmpProtocolError } from './errors.ts';

// Three messages as QEMU 7.2 sent them (captured), one with a multi-byte character in a desc.
const STREAM = [
  '{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18+b3"}, "capabilities": ["oob"]}}',
  '{"timestamp": {"seconds": 1796154226, "microseconds": 286676}, "event": "RESUME"}',
  '{"id": 7, "error": {"class": "GenericError", "desc": "Gerät \\"x\\" nicht gefunden – ü"}}',
];
const BYTES = Buffer.from(STREAM.map((l) => `${l}\r\n`).join(''), 'utf8');

describe('LineSplitter', () => {
  test('every split point of the stream yields the same lines', () => {
    for (let cut = 0; cut <= BYTES.length; cut++) {
      const splitter = new LineSplitter();
      const lines = [...splitter.push(BYTES.subarray(0, cut)), ...splitter.push(BYTES.subarray(cut))];
      assert.deepEqual(lines, STREAM, `split at byte ${cut}`);
    }
  });

  test('one byte at a time', () => {
    const splitter = new LineSplitter();
    const lines: string[] = [];
    for (let i = 0; i < BYTES.length; i++) lines.push(...splitter.push(BYTES.subarray(i, i + 1)));
    assert.deepEqual(lines, STREAM);
  });

  test('a line past the limit is a protocol error', () => {
    const splitter = new LineSplitter();
    assert.throws(() => splitter.push(Buffer.alloc(MAX_LINE_BYTES + 1, 0x20)), QmpProtocolError);
  });
});

describe('parseMessage', () => {
  test('the four kinds of server message', () => {
    assert.deepEqual(parseMessage(STREAM[0] as string), {
      kind: 'greeting',
      version: { major: 7, minor: 2, micro: 22 },
      package: 'Debian 1:7.2+dfsg-7+deb12u18+b3',
      capabilities: ['oob'],
    });
    assert.deepEqual(parseMessage(STREAM[1] as string), {
      kind: 'event',
      event: 'RESUME',
      data: {},
      timestampMicros: 1796154226286676,
    });
    assert.deepEqual(parseMessage(STREAM[2] as string), {
      kind: 'error',
      id: 7,
      errorClass: 'GenericError',
      desc: 'Gerät "x" nicht gefunden – ü',
    });
    assert.deepEqual(parseMessage('{"return": {}, "id": 1}'), { kind: 'return', id: 1, value: {} });
    assert.deepEqual(parseMessage('{"return": null, "id": 2}'), { kind: 'return', id: 2, value: null });
  });

  test('what is not a QMP message', () => {
    for (const line of ['not json', '[1,2]', '{"something": 1}', '{"QMP": {}}']) {
      assert.ok(parseMessage(line) instanceof QmpProtocolError, line);
    }
  });
});

test('encodeCommand: one JSON line, arguments only when given', () => {
  assert.equal(encodeCommand(1, 'qmp_capabilities').toString(), '{"execute":"qmp_capabilities","id":1}\n');
  assert.equal(
    encodeCommand(2, 'set-action', { reboot: 'reset' }).toString(),
    '{"execute":"set-action","arguments":{"reboot":"reset"},"id":2}\n',
  );
});
