import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeSseFrame, type SseFrame } from '../sse.ts';
import { SseParser, type SseMessage } from './sse-reader.ts';

function parse(chunks: string[]): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  for (const chunk of chunks) parser.push(chunk);
  return out;
}

test('fields, comments, multi-line data and frames without data', () => {
  const text =
    ': homeplane watch\nretry: 2000\n\n' +
    'id: 7\nevent: event\ndata: {"a":1}\n\n' +
    'event: reset\ndata: {}\n\n' +
    'data: line one\ndata: line two\n\n' +
    'event: nothing\n\n' +
    'data:no space\nunknown: x\n\n';
  assert.deepEqual(parse([text]), [
    { type: 'event', data: '{"a":1}', id: '7' },
    { type: 'reset', data: '{}', id: null },
    { type: 'message', data: 'line one\nline two', id: null },
    { type: 'message', data: 'no space', id: null },
  ]);
});

test('CR and CRLF line ends, also when a CRLF is split between chunks', () => {
  assert.deepEqual(parse(['event: a\r\ndata: 1\r', '\n\r', '\nevent: b\rdata: 2\r\r']), [
    { type: 'a', data: '1', id: null },
    { type: 'b', data: '2', id: null },
  ]);
  // The LF after a chunk's last CR ends that line, it is no blank line of its own.
  assert.deepEqual(parse(['data: 1\r', '\ndata: 2\r\n\r\n']), [{ type: 'message', data: '1\n2', id: null }]);
});

test('a partial frame at the end of a chunk waits for the rest; the last frame needs its blank line', () => {
  assert.deepEqual(parse(['event: a\nda', 'ta: 1', '\n', '\nevent: b\ndata: 2\n']), [
    { type: 'a', data: '1', id: null },
  ]);
});

test('whatever the chunking, the relay frames (sse.ts) come back as they were sent', () => {
  const frame = fc.record(
    {
      id: fc.nat(),
      event: fc.constantFrom('event', 'reset', 'synced', 'bookmark', 'feed'),
      data: fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ' ')),
    },
    { requiredKeys: ['event', 'data'] },
  );
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
      const text = [{ comment: 'hello', retry: 2000 } as SseFrame, ...frames].map(encodeSseFrame).join('');
      const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const chunks = [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
      assert.deepEqual(
        parse(chunks),
        frames.map((f) => ({ type: f.event, data: f.data, id: f.id === undefined ? null : String(f.id) })),
      );
    }),
  );
});
