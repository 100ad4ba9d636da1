import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkReservationForm,
  EMPTY_FORM,
  formValuesOf,
  inSubnet,
  parseIPv4,
  readReservationForm,
  type ReservationFormValues,
} from './reservation-form.ts';

const good: ReservationFormValues = {
  ...EMPTY_FORM,
  address: '10.123.0.10',
  mac: '52:54:00:AA:bb:cc',
  hostname: 'nas',
};

describe('checkReservationForm', () => {
  const cases: [string, Partial<ReservationFormValues>, string[]][] = [
    ['a complete reservation by MAC', {}, []],
    ['dashes in the MAC', { mac: '52-54-00-aa-bb-cc' }, []],
    ['no address', { address: '' }, ['address']],
    ['not a dotted quad', { address: '10.123.0' }, ['address']],
    ['an octet over 255', { address: '10.123.0.256' }, ['address']],
    ['a leading zero (ambiguous: octal to some tools)', { address: '10.123.0.010' }, ['address']],
    ['no MAC', { mac: '' }, ['mac']],
    ['five pairs', { mac: '52:54:00:aa:bb' }, ['mac']],
    ['mixed separators', { mac: '52:54-00:aa:bb:cc' }, ['mac']],
    ['by client id, written with colons', { match: 'client-id', mac: '', clientId: '01:52:54:00:aa:bb:cc' }, []],
    ['by client id, plain hex', { match: 'client-id', clientId: '01525400aabbcc' }, []],
    ['a client id of one octet', { match: 'client-id', clientId: '01' }, ['clientId']],
    ['a client id with odd digits', { match: 'client-id', clientId: '0152a' }, ['clientId']],
    ['the MAC field is ignored when matching by client id', { match: 'client-id', mac: 'junk', clientId: '0102' }, []],
    ['no host name is fine', { hostname: '' }, []],
    ['a dotted host name', { hostname: 'nas.lab.home' }, []],
    ['an underscore in the host name', { hostname: 'my_nas' }, ['hostname']],
    ['two dots in a row', { hostname: 'nas..home' }, ['hostname']],
    ['the address in the chosen subnet', { subnet: '10.123.0.0/24' }, []],
    ['the address outside the chosen subnet', { subnet: '10.124.0.0/24' }, ['subnet']],
  ];
  for (const [name, change, fields] of cases)
    test(name, () => assert.deepEqual(Object.keys(checkReservationForm({ ...good, ...change })).sort(), fields.sort()));

  test('messages say what to write', () => {
    assert.equal(
      checkReservationForm({ ...good, mac: 'zz' }).mac,
      '"zz" is not a MAC address; write six pairs of hex digits, e.g. 52:54:00:aa:bb:cc.',
    );
  });
});

test('readReservationForm trims and defaults', () => {
  const form = new FormData();
  form.set('address', ' 10.123.0.10 ');
  form.set('match', 'client-id');
  form.set('clientId', '0102');
  assert.deepEqual(readReservationForm(form), {
    ...EMPTY_FORM,
    address: '10.123.0.10',
    match: 'client-id',
    clientId: '0102',
  });
  form.set('match', 'anything else');
  assert.equal(readReservationForm(form).match, 'mac');
});

test('formValuesOf picks the way the reservation matches its client', () => {
  const base = {
    id: '7',
    subnet: '10.123.0.0/24',
    address: '10.123.0.10',
    hostname: '',
    source: 'api' as const,
    options: [],
    nextServer: '',
    bootFile: '',
    serverHostname: '',
  };
  assert.equal(formValuesOf({ ...base, mac: '52:54:00:aa:bb:cc', clientId: '' }).match, 'mac');
  assert.equal(formValuesOf({ ...base, mac: '', clientId: '0102' }).match, 'client-id');
});

test('parseIPv4 and inSubnet', () => {
  assert.equal(parseIPv4('10.123.0.1'), 0x0a7b0001);
  assert.equal(parseIPv4('1.2.3'), null);
  assert.equal(inSubnet(parseIPv4('10.123.0.255')!, '10.123.0.0/24'), true);
  assert.equal(inSubnet(parseIPv4('10.123.1.0')!, '10.123.0.0/24'), false);
  assert.equal(inSubnet(parseIPv4('10.123.1.0')!, '10.123.0.0/16'), true);
  assert.equal(inSubnet(1, 'nonsense'), null);
});

test('options and boot settings: stored ones become rows and fields; the browser checks what it can', () => {
  const values = formValuesOf({
    id: '7',
    subnet: '10.123.0.0/24',
    mac: '52:54:00:aa:bb:cc',
    clientId: '',
    address: '10.123.0.10',
    hostname: 'nas',
    source: 'api',
    options: [
      { name: 'domain-name-servers', code: 6, type: 'ips', data: '10.123.0.53', always: false },
      { name: '', code: 252, type: 'string', data: 'http://wpad/wpad.dat', always: true },
    ],
    nextServer: '10.123.0.5',
    bootFile: 'undionly.kpxe',
    serverHostname: '',
  });
  assert.deepEqual(values.options, [
    { option: 'domain-name-servers', type: '', data: '10.123.0.53', always: false },
    { option: '252', type: 'string', data: 'http://wpad/wpad.dat', always: true },
  ]);
  assert.equal(values.nextServer, '10.123.0.5');
  assert.equal(values.bootFile, 'undionly.kpxe');
  assert.deepEqual(checkReservationForm(values), {});
  assert.deepEqual(
    checkReservationForm({
      ...values,
      nextServer: '10.123.0',
      bootFile: 'boot file',
      options: [{ option: 'interface-mtu', type: '', data: '', always: false }],
    }),
    {
      nextServer: `"10.123.0" is not an IPv4 address; write the TFTP server's address like 10.123.0.5.`,
      bootFile: 'A boot file name has no spaces; write it like pxelinux.0 or http://10.123.0.5/boot.ipxe.',
      'option-0-data': 'Give the value to hand out, e.g. 10.0.0.53.',
    },
  );
});
