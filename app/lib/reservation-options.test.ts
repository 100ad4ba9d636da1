import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkOptionRows,
  optionEntry,
  optionErrorKey,
  optionReason,
  optionRowOf,
  readOptionRows,
  withoutBlankRows,
} from './reservation-options.ts';

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

describe('readOptionRows', () => {
  test('reads the rows in order, trimmed, the name lower-cased, blank ones kept in place', () => {
    const rows = readOptionRows(
      form({
        'option-0-option': ' Domain-Name-Servers ',
        'option-0-type': '',
        'option-0-data': ' 10.0.0.53 ',
        'option-1-option': '',
        'option-1-type': '',
        'option-1-data': '',
        'option-2-option': '252',
        'option-2-type': 'string',
        'option-2-data': 'http://wpad/wpad.dat',
        'option-2-always': 'on',
        // not read: no row 3, so row 4 is not part of the form
        'option-4-option': 'interface-mtu',
      }),
    );
    assert.deepEqual(rows, [
      { option: 'domain-name-servers', type: '', data: '10.0.0.53', always: false },
      { option: '', type: '', data: '', always: false },
      { option: '252', type: 'string', data: 'http://wpad/wpad.dat', always: true },
    ]);
    assert.deepEqual(withoutBlankRows(rows), [rows[0], rows[2]]);
  });
});

describe('checkOptionRows', () => {
  test('a row needs its option and its value; a code is 1-254; an option once', () => {
    assert.deepEqual(
      checkOptionRows([
        { option: '', type: '', data: '10.0.0.1', always: false },
        { option: 'interface-mtu', type: '', data: '', always: false },
        { option: '255', type: 'uint8', data: '1', always: false },
        { option: 'interface-mtu', type: '', data: '9000', always: false },
        { option: 'domain-name-servers', type: '', data: '10.0.0.53', always: false },
        { option: '', type: 'string', data: '', always: true },
      ]),
      {
        'option-0-option': 'Name the option (e.g. domain-name-servers) or give its code (1-254).',
        'option-1-data': 'Give the value to hand out, e.g. 10.0.0.53.',
        'option-2-option': '255 is not an option code; codes run from 1 to 254.',
        'option-3-option': 'interface-mtu is already set in row 2; keep one of the two.',
      },
    );
  });
});

describe('option entries', () => {
  test('digits are a code (with the chosen type), anything else a name; and back', () => {
    const byName = { option: 'domain-search', type: '', data: 'lab.test, home.arpa', always: false };
    const byCode = { option: '252', type: 'string', data: 'http://wpad/wpad.dat', always: true };
    assert.deepEqual(optionEntry(byName), {
      name: 'domain-search',
      code: 0,
      type: '',
      data: 'lab.test, home.arpa',
      always: false,
    });
    assert.deepEqual(optionEntry(byCode), {
      name: '',
      code: 252,
      type: 'string',
      data: 'http://wpad/wpad.dat',
      always: true,
    });
    assert.deepEqual(
      optionRowOf({ name: 'domain-search', code: 119, type: 'fqdns', data: 'lab.test, home.arpa', always: false }),
      byName,
    );
    assert.deepEqual(
      optionRowOf({ name: '', code: 252, type: 'string', data: 'http://wpad/wpad.dat', always: true }),
      byCode,
    );
  });
});

describe("the daemon's option problems at their field", () => {
  test('paths map to the row field; other paths are not about options', () => {
    assert.equal(optionErrorKey('reservation.options[2].data'), 'option-2-data');
    assert.equal(optionErrorKey('reservation.options[0].name'), 'option-0-option');
    assert.equal(optionErrorKey('reservation.options[0].code'), 'option-0-option');
    assert.equal(optionErrorKey('options[1].type'), 'option-1-type');
    assert.equal(optionErrorKey('reservation.options[3]'), 'option-3');
    assert.equal(optionErrorKey('reservation.options[3].always-send'), 'option-3');
    assert.equal(optionErrorKey('reservation.mac'), null);
    assert.equal(optionErrorKey('reservation.options'), null);
  });

  test('reasons read as sentences about the field', () => {
    assert.equal(
      optionReason('option-0-data', '"10.0.0" is not an IPv4 address; write e.g. 10.0.0.1'),
      '"10.0.0" is not an IPv4 address; write e.g. 10.0.0.1.',
    );
    assert.equal(
      optionReason('option-0-data', 'is empty; a text option carries at least one character (RFC 2132 2)'),
      'The value is empty; a text option carries at least one character (RFC 2132 2).',
    );
    assert.equal(
      optionReason(
        'option-1-option',
        '"domain-name-server" is not an option name known here (did you mean "domain-name-servers"?)',
      ),
      '"domain-name-server" is not an option name known here (did you mean "domain-name-servers"?).',
    );
    assert.equal(
      optionReason('option-1', "has no data; add data: with the option's value such as 10.0.0.1"),
      "This option has no data; add data: with the option's value such as 10.0.0.1.",
    );
  });
});
