import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goDurationString, humanDuration, looksLikeDuration, parseDuration, ttlToApi } from './duration.js';

describe('durations', () => {
  it('prints seconds like Vault tables do', () => {
    assert.equal(humanDuration(2764800), '768h');
    assert.equal(humanDuration(0), '0s');
    assert.equal(humanDuration(45), '45s');
    assert.equal(humanDuration(90), '1m30s');
    assert.equal(humanDuration(3600), '1h');
    assert.equal(humanDuration(3660), '1h1m');
    assert.equal(humanDuration(3601), '1h1s');
    assert.equal(humanDuration(3725), '1h2m5s');
  });

  it('prints Go duration strings', () => {
    assert.equal(goDurationString(3600), '1h0m0s');
    assert.equal(goDurationString(90), '1m30s');
    assert.equal(goDurationString(5), '5s');
    assert.equal(goDurationString(-60), '-1m0s');
  });

  it('parses Go durations, bare seconds and days', () => {
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('90'), 90);
    assert.equal(parseDuration('7d'), 604800);
    assert.equal(parseDuration('1.5h'), 5400);
    assert.equal(parseDuration('500ms'), 0.5);
    assert.equal(parseDuration('-1'), -1);
    assert.throws(() => parseDuration('1x'), /invalid duration/);
  });

  it('knows which fields are durations', () => {
    for (const key of ['ttl', 'creation_ttl', 'period', 'token_period', 'lease_duration', 'lease_max', 'ttl_max']) {
      assert.equal(looksLikeDuration(key), true, key);
    }
    for (const key of ['ttl_value', 'expire_time', 'num_uses']) assert.equal(looksLikeDuration(key), false, key);
  });

  it('maps TTL flags to the API form', () => {
    assert.equal(ttlToApi(undefined), undefined);
    assert.equal(ttlToApi(0), undefined);
    assert.equal(ttlToApi(-1), 'system');
    assert.equal(ttlToApi(7200), '2h0m0s');
  });
});
