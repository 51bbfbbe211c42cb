// PKI issuance under load (ecdsa-p256 and rsa-2048, no_store=true) against a dev server,
// beside the KV read of the same run and a bare node:crypto + @peculiar/x509 loop in one process.
import 'reflect-metadata';
import { createPublicKey, generateKeyPair, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  AuthorityKeyIdentifierExtension,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  Name,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from '@peculiar/x509';
import { signCertificate } from '@coffer/builtin/pki/certificate-builder.js';
import { keyIdentifier } from '@coffer/builtin/pki/key-material.js';
import { newSerialHex } from '@coffer/builtin/pki/serial.js';
import { runLoad, type LoadResult } from './load.js';
import { startDevServer } from './server-process.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
const generate = promisify(generateKeyPair);

/** User+system CPU seconds the process has used so far (Linux /proc). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Row extends LoadResult {
  cpuMicrosPerRequest: number;
}

/** Runs `work` 32 at a time for the bench duration, in this process. */
async function loop(name: string, work: () => Promise<unknown>): Promise<Row> {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  const worker = async () => {
    while (Date.now() < deadline) {
      await work();
      done++;
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  const elapsed = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { name, requestsPerSecond: Math.round(done / elapsed), p50: 0, p99: 0, errors: 0, non2xx: 0, cpuMicrosPerRequest: Math.round((cpu.user + cpu.system) / Math.max(1, done)) };
}

/**
 * The engine's own certificate code (a new P-256 key, the leaf built and
 * signed exactly as issue/:role does) without the server: the stricter
 * comparison, since it isolates what the HTTP path, auth, audit and storage cost.
 */
async function engineLoop(): Promise<Row> {
  const caKey = (await generate('ec', { namedCurve: 'prime256v1' })).privateKey;
  const caSpki = createPublicKey(caKey).export({ type: 'spki', format: 'der' });
  const signer = { subjectName: new Name('CN=Bench CA'), keyId: keyIdentifier(caSpki), key: caKey };
  return loop('bare node:crypto loop (engine certificate code, no server)', async () => {
    const { publicKey } = await generate('ec', { namedCurve: 'prime256v1' });
    const now = new Date();
    await signCertificate(
      {
        subject: [{ CN: ['bench.example.com'] }],
        spki: publicKey.export({ type: 'spki', format: 'der' }),
        serialHex: newSerialHex(),
        notBefore: now,
        notAfter: new Date(now.getTime() + 3600_000),
        dnsNames: ['bench.example.com'],
        isCA: false,
        keyUsage: 1 | 4 | 16,
        extKeyUsageOids: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
      },
      signer,
    );
  });
}

/**
 * The same work written the obvious way without a server: a new P-256 key and
 * a comparable TLS leaf (subject, SAN, key usages, key identifiers) from
 * @peculiar/x509's generator, signed by a P-256 CA, 32 at a time.
 */
async function bareLoop(): Promise<Row> {
  const ca = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const caKeyId = (await SubjectKeyIdentifierExtension.create(ca.publicKey)).keyId;
  return loop('bare node:crypto + @peculiar/x509 generator loop', async () => {
      const { publicKey } = await generate('ec', { namedCurve: 'prime256v1' });
      const spki = publicKey.export({ type: 'spki', format: 'der' });
      await X509CertificateGenerator.create({
        subject: 'CN=bench.example.com',
        issuer: 'CN=Bench CA',
        notAfter: new Date(Date.now() + 3600_000),
        publicKey: spki,
        signingKey: ca.privateKey,
        extensions: [
          new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyAgreement | KeyUsageFlags.keyEncipherment, true),
          new ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']),
          await SubjectKeyIdentifierExtension.create(spki),
          new AuthorityKeyIdentifierExtension(caKeyId),
          new SubjectAlternativeNameExtension([{ type: 'dns', value: 'bench.example.com' }]),
        ],
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as webcrypto.AlgorithmIdentifier & { name: string },
      });
  });
}

export async function pkiBench(): Promise<{ rows: Row[]; baseline: Row }> {
  const server = await startDevServer();
  try {
    const h = { 'X-Vault-Token': server.token };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { ...h, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    };
    await call('POST', 'sys/mounts/pki', { type: 'pki' });
    await call('POST', 'pki/root/generate/internal', { common_name: 'Bench Root', key_type: 'ec' });
    await call('POST', 'pki/roles/ec', { allow_any_name: true, key_type: 'ec', key_bits: 256, no_store: true, ttl: '1h' });
    await call('POST', 'pki/roles/rsa', { allow_any_name: true, key_type: 'rsa', key_bits: 2048, no_store: true, ttl: '1h' });
    await call('POST', 'secret/data/bench', { data: { password: 'correct-horse-battery-staple' } });

    const generic = await bareLoop();
    const engine = await engineLoop();
    // The percentage is against the faster of the two bare loops.
    const baseline = engine.requestsPerSecond >= generic.requestsPerSecond ? engine : generic;
    const pid = server.child.pid!;
    const measured = async (spec: Parameters<typeof runLoad>[0]): Promise<Row> => {
      const before = cpuSecondsOf(pid);
      const result = await runLoad(spec);
      const cpu = cpuSecondsOf(pid) - before;
      const total = result.requestsPerSecond * (spec.duration ?? seconds);
      return { ...result, cpuMicrosPerRequest: total > 0 ? Math.round((cpu * 1e6) / total) : 0 };
    };
    const issue = (role: string) => ({ url: `${server.address}/v1/pki/issue/${role}`, method: 'POST' as const, headers: h, body: JSON.stringify({ common_name: 'bench.example.com' }) });
    const rows = [
      await measured({ name: 'kv v2 read', url: `${server.address}/v1/secret/data/bench`, headers: h }),
      await measured({ name: 'pki issue ecdsa-p256 (no_store)', ...issue('ec') }),
      // RSA key generation takes tens of milliseconds in the thread pool: 4 connections keep latency inside the run.
      await measured({ name: 'pki issue rsa-2048 (no_store)', ...issue('rsa'), connections: 4 }),
    ];
    printRows([generic, engine, ...rows], baseline);
    return { rows, baseline };
  } finally {
    await server.stop();
  }
}

function printRows(rows: Row[], baseline: Row): void {
  const header = ['benchmark', 'req/s', 'server CPU µs/req', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', '% of fastest bare loop'];
  const lines = rows.map((r) => [r.name, String(r.requestsPerSecond), String(r.cpuMicrosPerRequest), r.p50.toFixed(1), r.p99.toFixed(1), String(r.errors), String(r.non2xx), `${((100 * r.requestsPerSecond) / baseline.requestsPerSecond).toFixed(0)}%`]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => '| ' + cols.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log('\nPKI issuance (coffer server -dev, autocannon 32 connections; bare loops: the bench process, 32 in flight, CPU of that process)\n');
  console.log(fmt(header));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const l of lines) console.log(fmt(l));
}
