// sys/metrics: Prometheus can scrape it (the text is read back with a real
// parser of the exposition format) and it counts requests by mount and
// operation under Vault's names; the JSON format is Vault's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

interface ParsedFamily {
  name: string;
  type: string;
  metrics: { value?: string; count?: string; sum?: string; quantiles?: Record<string, string>; labels?: Record<string, string> }[];
}

describe('sys/metrics', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    for (let i = 0; i < 3; i++) assert.equal((await s.request('POST', 'secret/data/m', { data: { i } })).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await s.request('GET', 'secret/data/m')).status, 200);
    assert.equal((await s.request('GET', 'cubbyhole/none')).status, 404);
  });
  after(() => s.close());

  test('the Prometheus text parses and counts requests by mount and operation', async () => {
    const res = await fetch(`${s.address}/v1/sys/metrics?format=prometheus`, { headers: { 'X-Vault-Token': s.rootToken } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const families = parsePrometheusTextFormat(await res.text()) as ParsedFamily[];
    const family = (name: string) => families.find((f) => f.name === name);
    assert.equal(family('vault_route_read_secret_')?.type, 'SUMMARY');
    assert.equal(family('vault_route_read_secret_')!.metrics[0]!.count, '5');
    // The first write creates the secret (the existence check says so); the next two update it.
    assert.equal(family('vault_route_create_secret_')!.metrics[0]!.count, '1');
    assert.equal(family('vault_route_update_secret_')!.metrics[0]!.count, '2');
    assert.equal(family('vault_route_read_cubbyhole_')!.metrics[0]!.count, '1', 'failed requests count too');
    assert.ok(Number(family('vault_core_handle_request')!.metrics[0]!.count) >= 9);
    assert.equal(family('vault_core_unsealed')!.metrics[0]!.value, '1');
  });

  test("Vault's JSON format, and a clear error for an unknown format", async () => {
    const res = await s.request('GET', 'sys/metrics');
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body.Gauges) && Array.isArray(res.body.Samples) && Array.isArray(res.body.Counters));
    const reads = res.body.Samples.find((x: { Name: string }) => x.Name === 'vault.route.read.secret-');
    assert.equal(reads.Count, 5);
    assert.ok(reads.Min <= reads.Mean && reads.Mean <= reads.Max);
    assert.deepEqual(res.body.Gauges.find((g: { Name: string }) => g.Name === 'vault.core.unsealed').Value, 1);
    assert.equal((await s.request('GET', 'sys/metrics?format=xml')).status, 400);
  });

  test('the barrier, the token store and audit devices report under Vault\'s names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coffer-metrics-audit-'));
    try {
      assert.equal((await s.request('PUT', 'sys/audit/file', { type: 'file', options: { file_path: join(dir, 'audit.log') } })).status, 204);
      assert.equal((await s.request('POST', 'auth/token/create', { policies: ['default'], ttl: '30m' })).status, 200);
      assert.equal((await s.request('GET', 'secret/data/m')).status, 200);
      const res = await fetch(`${s.address}/v1/sys/metrics?format=prometheus`, { headers: { 'X-Vault-Token': s.rootToken } });
      const families = parsePrometheusTextFormat(await res.text()) as ParsedFamily[];
      const family = (name: string) => families.find((f) => f.name === name);
      for (const timer of ['vault_barrier_get', 'vault_barrier_put', 'vault_barrier_list', 'vault_token_lookup', 'vault_token_create', 'vault_audit_log_request', 'vault_audit_log_response']) {
        assert.equal(family(timer)?.type, 'SUMMARY', timer);
        assert.ok(Number(family(timer)!.metrics[0]!.count) >= 1, timer);
      }
      const creation = family('vault_token_creation');
      assert.equal(creation?.type, 'COUNTER');
      const created = creation!.metrics.find((m) => m.labels?.['mount_point'] === 'auth/token/' && m.labels?.['creation_ttl'] === '1h');
      assert.equal(created?.labels?.['token_type'], 'service');
      assert.equal(created?.value, '1');
      assert.equal((await s.request('DELETE', 'sys/audit/file')).status, 204);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a token without access gets 403', async () => {
    const token = (await s.request('POST', 'auth/token/create', { policies: ['default'] })).body.auth.client_token;
    assert.equal((await s.request('GET', 'sys/metrics', undefined, { token })).status, 403);
  });
});

describe('telemetry settings', () => {
  test("a listener with unauthenticated_metrics_access serves sys/metrics without a token; usage gauges", async () => {
    const s = await startInProcessServer({ unauthenticatedMetrics: true });
    try {
      const res = await s.request('GET', 'sys/metrics?format=prometheus', undefined, { token: null });
      assert.equal(res.status, 200);
      const families = parsePrometheusTextFormat(String(res.body)) as ParsedFamily[];
      assert.equal(families.find((f) => f.name === 'vault_expire_num_leases')?.metrics[0]?.value, '0');
      assert.equal((await s.request('GET', 'sys/mounts', undefined, { token: null })).status, 403, 'only sys/metrics');
    } finally {
      await s.close();
    }
  });

  test('prometheus_retention_time = 0 turns the Prometheus format off, as in Vault', async () => {
    const s = await startInProcessServer({ telemetry: { prometheusRetentionSeconds: 0 } });
    try {
      const res = await s.request('GET', 'sys/metrics?format=prometheus');
      assert.equal(res.status, 400);
      assert.match(res.body.errors[0], /prometheus is not enabled/);
      assert.equal((await s.request('GET', 'sys/metrics')).status, 200);
    } finally {
      await s.close();
    }
  });
});
