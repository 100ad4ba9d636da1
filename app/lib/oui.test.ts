import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isLocallyAdministered, loadVendors, macDigits, vendorOf } from './oui.ts';

test('the background load indexes the registry before the first lookup', async () => {
  await loadVendors();
  assert.equal(vendorOf('B8:27:EB:00:00:01'), 'Raspberry Pi Foundation');
});

describe('vendorOf', () => {
  const cases: [string, string, string][] = [
    ['an MA-L block, colon notation', 'b8:27:eb:12:34:56', 'Raspberry Pi Foundation'],
    ['upper case, dashes', '00-11-32-AA-BB-CC', 'Synology Incorporated'],
    ['Cisco dotted notation', '0011.32aa.bbcc', 'Synology Incorporated'],
    ['an MA-S block (9 digits) wins over the MA-L block around it', '00:1b:c5:00:10:00', 'OpenRB.com, Direct SIA'],
    ['an MA-M block (7 digits) likewise', '10:06:48:1a:bb:cc', 'KYTRONICS'],
    ['locally administered (QEMU default) has no vendor', '52:54:00:12:34:56', ''],
    ['not a MAC', 'printer', ''],
  ];
  for (const [name, mac, vendor] of cases) test(name, () => assert.equal(vendorOf(mac), vendor));
});

test('macDigits accepts every common notation and refuses the rest', () => {
  assert.equal(macDigits('aa:bb:cc:dd:ee:ff'), 'AABBCCDDEEFF');
  assert.equal(macDigits('AA-BB-CC-DD-EE-FF'), 'AABBCCDDEEFF');
  assert.equal(macDigits('aabb.ccdd.eeff'), 'AABBCCDDEEFF');
  assert.equal(macDigits('aabbccddeeff'), 'AABBCCDDEEFF');
  assert.equal(macDigits('aa:bb:cc'), null);
  assert.equal(macDigits('gg:bb:cc:dd:ee:ff'), null);
});

test('isLocallyAdministered reads bit 1 of the first octet', () => {
  assert.equal(isLocallyAdministered('525400000000'), true);
  assert.equal(isLocallyAdministered('B827EB000000'), false);
  assert.equal(isLocallyAdministered('020000000000'), true);
});
