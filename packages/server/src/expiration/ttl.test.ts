import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTime, goDuration } from './time-format.js';
import { calculateTtl } from './ttl.js';

const mount = { defaultTtl: 3600, maxTtl: 86400 };
const now = Date.UTC(2024, 0, 1, 12);

describe('TTL arithmetic', () => {
  it('picks increment, then backend TTL, then the mount default', () => {
    const base = { now, period: 0, backendMaxTtl: 0, explicitMaxTtl: 0, mount };
    assert.equal(calculateTtl({ ...base, increment: 60, backendTtl: 120 }).ttl, 60);
    assert.equal(calculateTtl({ ...base, increment: 0, backendTtl: 120 }).ttl, 120);
    assert.equal(calculateTtl({ ...base, increment: 0, backendTtl: 0 }).ttl, 3600);
  });

  it('caps at the tightest max counted from the start time', () => {
    const started = now - 80_000 * 1000;
    const r = calculateTtl({ now, increment: 36_000, backendTtl: 0, period: 0, backendMaxTtl: 0, explicitMaxTtl: 0, startTime: started, mount });
    assert.equal(r.ttl, 6400);
    assert.deepEqual(r.warnings, ['TTL of "10h0m0s" exceeded the effective max_ttl of "1h46m40s"; TTL value is capped accordingly']);
    const tighter = calculateTtl({ now, increment: 500, backendTtl: 0, period: 0, backendMaxTtl: 300, explicitMaxTtl: 0, startTime: now, mount });
    assert.equal(tighter.ttl, 300);
  });

  it('resets periodic leases to the period, capped by the max', () => {
    const r = calculateTtl({ now, increment: 9999, backendTtl: 0, period: 600, backendMaxTtl: 0, explicitMaxTtl: 0, startTime: now - 10 * 86400_000, mount });
    assert.equal(r.ttl, 600, 'a period ignores how long ago the token was issued');
    const capped = calculateTtl({ now, increment: 0, backendTtl: 0, period: 100_000, backendMaxTtl: 0, explicitMaxTtl: 0, mount });
    assert.equal(capped.ttl, 86400);
    assert.deepEqual(capped.warnings, ['period of "27h46m40s" exceeded the effective max_ttl of "24h0m0s"; period value is capped accordingly']);
  });

  it('refuses to renew past the max TTL', () => {
    assert.throws(
      () => calculateTtl({ now, increment: 10, backendTtl: 0, period: 0, backendMaxTtl: 0, explicitMaxTtl: 100, startTime: now - 200_000, mount }),
      /past the max TTL, cannot renew/,
    );
  });

  it("formats durations and times as Go does", () => {
    assert.equal(goDuration(0), '0s');
    assert.equal(goDuration(45), '45s');
    assert.equal(goDuration(300), '5m0s');
    assert.equal(goDuration(768 * 3600), '768h0m0s');
    assert.equal(formatTime(Date.UTC(2024, 1, 3, 4, 5, 6)), '2024-02-03T04:05:06Z');
    assert.equal(formatTime(Date.UTC(2024, 1, 3, 4, 5, 6, 120)), '2024-02-03T04:05:06.12Z');
  });
});
