// Golden bytes for every option type, the classless-route and domain-search forms (decoding
// compressed names too), and a table of entries that must be refused with their reasons.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileOptionEntries,
  decodeOptionData,
  parseOptionData,
  type CompiledOption,
  type OptionType,
} from './index.ts';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Compiles one entry, failing the test with the problems if it does not. */
function one(entry: Record<string, unknown>): CompiledOption {
  const result = compileOptionEntries([entry], 'options');
  if (!result.ok) assert.fail(JSON.stringify(result.errors));
  assert.equal(result.options.length, 1);
  return result.options[0]!;
}

describe('option data: golden bytes per type', () => {
  // [type, data as written, wire bytes (hex), canonical text]
  const cases: [OptionType, unknown, string, string][] = [
    ['ip', ' 10.96.0.5 ', '0a600005', '10.96.0.5'],
    ['ips', '10.96.0.53,10.96.0.54 , 1.1.1.1', '0a6000350a60003601010101', '10.96.0.53, 10.96.0.54, 1.1.1.1'],
    ['uint8', '64', '40', '64'],
    ['uint8', 255, 'ff', '255'],
    ['uint16', '9000', '2328', '9000'],
    ['uint32', '4294967295', 'ffffffff', '4294967295'],
    ['int32', '-3600', 'fffff1f0', '-3600'],
    ['int32', 7200, '00001c20', '7200'],
    ['bool', 'true', '01', 'true'],
    ['bool', false, '00', 'false'],
    ['bool', '0', '00', 'false'],
    [
      'string',
      'http://wpad.lab.test/wpad.dat',
      Buffer.from('http://wpad.lab.test/wpad.dat').toString('hex'),
      'http://wpad.lab.test/wpad.dat',
    ],
    ['string', 'Grüße', '4772c3bc c39f65'.replace(' ', ''), 'Grüße'],
    ['fqdn', 'lab.test.', '036c616204746573740' + '0', 'lab.test'],
    ['hex', '01:04:C0:A8:01:0A', '0104c0a8010a', '01:04:c0:a8:01:0a'],
    ['hex', '0x0104c0a8010a', '0104c0a8010a', '01:04:c0:a8:01:0a'],
    ['hex', '1 4 c0', '0104c0', '01:04:c0'],
    ['hex', '', '', ''],
  ];
  for (const [type, data, wire, text] of cases) {
    test(`${type} ${JSON.stringify(data)}`, () => {
      const parsed = parseOptionData(type, data);
      if (!parsed.ok) assert.fail(parsed.reason);
      assert.equal(hex(parsed.bytes), wire);
      assert.equal(parsed.text, text);
      // The canonical text parses back to the same bytes, and the bytes decode to it.
      const again = parseOptionData(type, text);
      assert.ok(again.ok && hex(again.bytes) === wire);
      assert.deepEqual(decodeOptionData(type, parsed.bytes), { ok: true, text });
    });
  }

  test('121 classless static routes, several, each with its own width (RFC 3442)', () => {
    const option = one({
      name: 'classless-static-route',
      data: '10.200.0.0/16 - 10.96.0.254, 0.0.0.0/0 - 10.96.0.1,10.229.0.128/25-10.229.0.1, 192.168.7.9/32 - 10.96.0.2',
    });
    assert.equal(option.code, 121);
    // prettier-ignore
    assert.equal(hex(option.bytes), [
      '10', '0ac8', '0a6000fe', // /16 10.200 via 10.96.0.254
      '00', '0a600001', // /0 (default) via 10.96.0.1
      '19', '0ae50080', '0ae50001', // /25 10.229.0.128 via 10.229.0.1
      '20', 'c0a80709', '0a600002', // /32 192.168.7.9 via 10.96.0.2
    ].join(''));
    assert.equal(
      option.data,
      '10.200.0.0/16 - 10.96.0.254, 0.0.0.0/0 - 10.96.0.1, 10.229.0.128/25 - 10.229.0.1, 192.168.7.9/32 - 10.96.0.2',
    );
    assert.deepEqual(decodeOptionData('routes', option.bytes), { ok: true, text: option.data });
  });

  test('119 domain search, several names, written uncompressed (RFC 3397)', () => {
    const option = one({ name: 'domain-search', data: 'lab.test, home.arpa, eng.lab.test' });
    assert.equal(option.code, 119);
    // prettier-ignore
    assert.equal(hex(option.bytes), [
      '036c6162', '0474657374', '00', // lab.test
      '04686f6d65', '0461727061', '00', // home.arpa
      '03656e67', '036c6162', '0474657374', '00', // eng.lab.test
    ].join(''));
    assert.equal(option.data, 'lab.test, home.arpa, eng.lab.test');
  });

  test('119 decodes compressed names: pointers back into the option (RFC 1035 4.1.4)', () => {
    // prettier-ignore
    const compressed = Uint8Array.from([
      3, 0x6c, 0x61, 0x62, 4, 0x74, 0x65, 0x73, 0x74, 0, // 0: lab.test
      4, 0x68, 0x6f, 0x6d, 0x65, 4, 0x61, 0x72, 0x70, 0x61, 0, // 10: home.arpa
      3, 0x65, 0x6e, 0x67, 0xc0, 0x00, // 21: eng + pointer to 0 (lab.test)
      0xc0, 0x0a, // 27: pointer to 10 (home.arpa) alone
    ]);
    assert.deepEqual(decodeOptionData('fqdns', compressed), {
      ok: true,
      text: 'lab.test, home.arpa, eng.lab.test, home.arpa',
    });
  });

  test('names that are not well formed do not decode', () => {
    const bad: [string, number[], string][] = [
      ['a pointer forwards', [0xc0, 0x02, 3, 0x61, 0x62, 0x63, 0], 'does not point backwards'],
      ['a pointer to itself', [3, 0x61, 0x62, 0x63, 0xc0, 0x04], 'does not point backwards'],
      ['no root label', [3, 0x61, 0x62, 0x63], 'no root label'],
      ['a label past the end', [9, 0x61, 0], 'past the end'],
    ];
    for (const [what, bytes, reason] of bad) {
      const result = decodeOptionData('fqdns', Uint8Array.from(bytes));
      assert.ok(!result.ok && result.reason.includes(reason), `${what}: ${JSON.stringify(result)}`);
    }
  });

  test('code + type for an unnamed option; Kea keys always-send and csv-format: false', () => {
    const wpad = one({ code: 252, type: 'string', data: 'http://wpad.lab.test/wpad.dat', 'always-send': true });
    assert.deepEqual(
      { code: wpad.code, name: wpad.name, type: wpad.type, always: wpad.always },
      { code: 252, name: null, type: 'string', always: true },
    );
    const unifi = one({ name: 'vendor-encapsulated-options', data: '01:04:0a:60:00:05' });
    assert.equal(hex(unifi.bytes), '01040a600005');
    const dns = one({ name: 'domain-name-servers', 'csv-format': false, data: '0a600035' });
    assert.equal(dns.data, '10.96.0.53');
    const byCode = one({ code: 26, data: '1500' });
    assert.equal(byCode.name, 'interface-mtu');
  });

  test('a list is sorted by code', () => {
    const result = compileOptionEntries(
      [
        { code: 252, type: 'string', data: 'x' },
        { name: 'interface-mtu', data: 9000 },
        { name: 'domain-name-servers', data: '10.0.0.1' },
      ],
      'o',
    );
    assert.ok(result.ok);
    assert.deepEqual(
      result.options.map((o) => o.code),
      [6, 26, 252],
    );
  });
});

describe('option entries that are refused', () => {
  // [entries, expected problems as [path, part of the reason]]
  const cases: [string, unknown, [string, string][]][] = [
    ['not a list', { name: 'routers' }, [['o', 'expected a list of options']]],
    ['not a mapping', ['routers'], [['o[0]', 'expected a mapping']]],
    [
      'misspelt name',
      [{ name: 'domain-name-server', data: '10.0.0.1' }],
      [['o[0].name', 'did you mean "domain-name-servers"']],
    ],
    ['dnsmasq name', [{ name: 'mtu', data: '1500' }], [['o[0].name', 'did you mean "interface-mtu"']]],
    ['unknown name', [{ name: 'frobnicate', data: '1' }], [['o[0].name', 'code and type for an unnamed option']]],
    [
      'misspelt key',
      [{ name: 'routers', dta: '10.0.0.1' }],
      [
        ['o[0].dta', 'did you mean "data"'],
        ['o[0]', 'has no data'],
      ],
    ],
    ['neither name nor code', [{ data: '1' }], [['o[0]', 'give name']]],
    ['unnamed code without type', [{ code: 252, data: 'x' }], [['o[0].type', 'its type is needed']]],
    ['unknown type', [{ code: 252, type: 'text', data: 'x' }], [['o[0].type', 'is not one of: ip, ips']]],
    [
      'type against the catalogue',
      [{ name: 'interface-mtu', type: 'string', data: '1500' }],
      [['o[0].type', 'is of type uint16']],
    ],
    [
      'name and code disagree',
      [{ name: 'routers', code: 6, data: '10.0.0.1' }],
      [['o[0].code', 'is not the code of routers (3)']],
    ],
    ['code out of range', [{ code: 300, type: 'uint8', data: '1' }], [['o[0].code', 'option code 1-254']]],
    ['server-managed code', [{ code: 51, type: 'uint32', data: '60' }], [['o[0].code', 'set by leaseTime']]],
    ['subnet mask', [{ code: 1, type: 'ip', data: '255.255.255.0' }], [['o[0].code', 'from the subnet prefix']]],
    [
      'bad address',
      [{ name: 'routers', data: '10.0.0.1, 10.0.0' }],
      [['o[0].data', '"10.0.0" is not an IPv4 address']],
    ],
    ['empty list item', [{ name: 'routers', data: '10.0.0.1,' }], [['o[0].data', 'an empty item']]],
    [
      'number out of range',
      [{ name: 'default-ip-ttl', data: '256' }],
      [['o[0].data', 'outside the uint8 range 0-255']],
    ],
    ['not a number', [{ name: 'interface-mtu', data: 'jumbo' }], [['o[0].data', 'is not a whole number']]],
    ['MTU below 68', [{ name: 'interface-mtu', data: '60' }], [['o[0].data', 'below 68']]],
    ['not a boolean', [{ name: 'ip-forwarding', data: 'yes' }], [['o[0].data', 'write "true" or "false"']]],
    ['empty string', [{ code: 252, type: 'string', data: '' }], [['o[0].data', 'is empty']]],
    ['number for a string', [{ code: 252, type: 'string', data: 42 }], [['o[0].data', 'in quotes']]],
    ['list for data', [{ name: 'routers', data: ['10.0.0.1'] }], [['o[0].data', 'comma-separated in one string']]],
    ['bad domain', [{ name: 'domain-search', data: 'lab.test, bad..name' }], [['o[0].data', 'empty label']]],
    ['bad domain-name', [{ name: 'domain-name', data: 'lab home' }], [['o[0].data', 'not a domain name']]],
    [
      'route syntax',
      [{ name: 'classless-static-route', data: '10.0.0.0/8 via 10.0.0.1' }],
      [['o[0].data', 'DEST/PREFIX - ROUTER']],
    ],
    [
      'route host bits',
      [{ name: 'classless-static-route', data: '10.1.2.3/16 - 10.0.0.1' }],
      [['o[0].data', 'the destination is 10.1.0.0/16']],
    ],
    [
      'route prefix',
      [{ name: 'classless-static-route', data: '10.0.0.0/33 - 10.0.0.1' }],
      [['o[0].data', 'longer than 32']],
    ],
    ['odd hex', [{ name: 'vendor-encapsulated-options', data: '010' }], [['o[0].data', 'odd number of hex digits']]],
    ['not hex', [{ name: 'vendor-encapsulated-options', data: '01:zz' }], [['o[0].data', 'not hex octets']]],
    [
      'csv-format false, bytes not the type',
      [{ name: 'routers', 'csv-format': false, data: '0a00' }],
      [['o[0].data', 'hex bytes are not a valid ips']],
    ],
    ['static routes odd', [{ name: 'static-routes', data: '10.0.0.0' }], [['o[0].data', 'pairs of addresses']]],
    ['too long', [{ code: 252, type: 'string', data: 'x'.repeat(1025) }], [['o[0].data', 'more than the 1024']]],
    [
      'no data',
      [{ name: 'routers' }],
      [['o[0]', 'has no data; add data: with the option\'s value such as "10.0.0.1, 10.0.0.2"']],
    ],
    [
      'always not a boolean',
      [{ name: 'routers', data: '10.0.0.1', always: 'yes' }],
      [['o[0].always', 'expected true or false']],
    ],
    ['never-send', [{ name: 'routers', data: '10.0.0.1', 'never-send': true }], [['o[0].never-send', 'not supported']]],
    [
      'other space',
      [{ name: 'routers', data: '10.0.0.1', space: 'dhcp6' }],
      [['o[0].space', 'only the dhcp4 option space']],
    ],
    [
      'the same code twice',
      [
        { name: 'domain-name-servers', data: '10.0.0.1' },
        { code: 6, data: '10.0.0.2' },
      ],
      [['o[1]', 'option 6 (domain-name-servers) is already set at o[0]']],
    ],
  ];
  for (const [name, entries, expected] of cases) {
    test(name, () => {
      const result = compileOptionEntries(entries, 'o');
      assert.ok(!result.ok, `expected problems, got ${JSON.stringify(result)}`);
      const remaining = [...result.errors];
      for (const [path, part] of expected) {
        const index = remaining.findIndex((e) => e.path === path && e.reason.includes(part));
        assert.ok(index >= 0, `no "${path}: ...${part}..." in ${JSON.stringify(result.errors)}`);
        remaining.splice(index, 1);
      }
      assert.deepEqual(remaining, []);
    });
  }
});
