import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSseFrame, resumeRevision } from './sse.ts';

describe('encodeSseFrame', () => {
  const cases: { name: string; frame: Parameters<typeof encodeSseFrame>[0]; wire: string }[] = [
    {
      name: 'event with id and data',
      frame: { id: 42, event: 'event', data: '{"a":1}' },
      wire: 'id: 42\nevent: event\ndata: {"a":1}\n\n',
    },
    {
      name: 'multi-line data becomes several data lines',
      frame: { data: 'one\ntwo\r\nthree' },
      wire: 'data: one\ndata: two\ndata: three\n\n',
    },
    { name: 'comment and retry', frame: { comment: 'hello', retry: 2000 }, wire: ': hello\nretry: 2000\n\n' },
    {
      name: 'a line break in id or event cannot split the frame',
      frame: { id: '1\n2', event: 'a\rb' },
      wire: 'id: 1 2\nevent: a b\n\n',
    },
    { name: 'retry is a whole number', frame: { retry: 1500.7 }, wire: 'retry: 1500\n\n' },
  ];
  for (const c of cases) test(c.name, () => assert.equal(encodeSseFrame(c.frame), c.wire));
});

describe('resumeRevision', () => {
  test('Last-Event-ID wins over ?since=', () => assert.equal(resumeRevision('17', '3'), 17));
  test('?since= when there is no Last-Event-ID', () => assert.equal(resumeRevision(null, '3'), 3));
  test('an empty Last-Event-ID (no event with an id yet) falls back to ?since=', () =>
    assert.equal(resumeRevision('', '5'), 5));
  test('neither means from the start of the log', () => assert.equal(resumeRevision(null, null), 0));
  for (const bad of ['-1', 'abc', '1.5', '99999999999999999']) {
    test(`"${bad}" is refused`, () =>
      assert.match((resumeRevision(bad, null) as { error: string }).error, /not a non-negative integer/));
  }
});
