// The dashboard's reading of sys/metrics JSON: request count, rate between two readings, latency.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestSummary, routeSamples, type MetricsJson } from '../../packages/ui/src/pages/metrics-summary.js';

const timer = (Name: string, Count: number, Mean = 2, Max = 5) => ({ Name, Count, Sum: Count * Mean, Mean, Max });
const json = (...samples: ReturnType<typeof timer>[]): MetricsJson => ({ Samples: samples });

describe('dashboard metrics summary', () => {
  it('has no summary before any request was measured', () => {
    assert.equal(requestSummary({ json: { Samples: null }, takenAtMs: 0 }, undefined), undefined);
    assert.equal(requestSummary({ json: json(timer('vault.route.read.sys-', 3)), takenAtMs: 0 }, undefined), undefined);
  });

  it('gives count and latency at once and the rate from the second reading', () => {
    const first = { json: json(timer('vault.core.handle_request', 10, 1.5, 9)), takenAtMs: 1_000 };
    assert.deepEqual(requestSummary(first, undefined), { requests: 10, ratePerSecond: undefined, meanMs: 1.5, maxMs: 9 });
    const second = { json: json(timer('vault.core.handle_request', 40, 1.5, 9)), takenAtMs: 4_000 };
    assert.equal(requestSummary(second, first)?.ratePerSecond, 10);
  });

  it('reads a count that fell as one 10-second interval', () => {
    const before = { json: json(timer('vault.core.handle_request', 50)), takenAtMs: 0 };
    const after = { json: json(timer('vault.core.handle_request', 20)), takenAtMs: 3_000 };
    assert.equal(requestSummary(after, before)?.ratePerSecond, 2);
  });

  it('lists route timers busiest first', () => {
    const routes = routeSamples(json(timer('vault.route.read.sys-', 2), timer('vault.core.handle_request', 9), timer('vault.route.create.secret-', 7)));
    assert.deepEqual(routes.map((r) => r.Name), ['vault.route.create.secret-', 'vault.route.read.sys-']);
  });
});
