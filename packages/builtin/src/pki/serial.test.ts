import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { colonSerial, newSerialHex, parseSerial, storageSerial } from './serial.js';

describe('serial numbers', () => {
  test('new serials are 20 positive bytes', () => {
    for (let i = 0; i < 50; i++) {
      const hex = newSerialHex();
      assert.equal(hex.length, 40);
      assert.ok(parseInt(hex.slice(0, 2), 16) > 0 && parseInt(hex.slice(0, 2), 16) < 0x80);
    }
  });

  test('colon, hyphen and bare forms', () => {
    assert.equal(colonSerial('0a1b2c'), '0a:1b:2c');
    assert.equal(colonSerial('A1B'), '0a:1b');
    assert.equal(storageSerial('0a1b2c'), '0a-1b-2c');
    assert.equal(parseSerial('0A:1B:2C'), '0a1b2c');
    assert.equal(parseSerial('0a-1b-2c'), '0a1b2c');
    assert.equal(parseSerial('00:8f'), '8f');
    assert.throws(() => parseSerial('zz'), /invalid serial number/);
    assert.throws(() => parseSerial(''), /invalid serial number/);
  });
});
