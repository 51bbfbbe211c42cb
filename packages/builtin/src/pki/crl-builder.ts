import { AsnConvert } from '@peculiar/asn1-schema';
import { BaseCRLNumber, CRLNumber, id_ce_cRLNumber, id_ce_deltaCRLIndicator } from '@peculiar/asn1-x509';
import { AuthorityKeyIdentifierExtension, Extension, X509CrlGenerator } from '@peculiar/x509';
import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { webcrypto } from 'node:crypto';
import { REVOKED_PREFIX, type RevokedEntry } from './cert-store.js';
import type { PkiContext } from './context.js';
import { readCrlConfig, seconds } from './crl-config.js';
import { listIssuerIds, loadIssuer, resolveIssuerRef, type LoadedIssuer } from './issuer-store.js';
import { signingAlgorithm } from './key-material.js';
import { parseSerial } from './serial.js';

/** A signed CRL as the mount keeps it, with the number the next one continues from. */
export interface StoredCrl {
  der: string;
  number: number;
  this_update: number;
  next_update: number;
  /** Delta CRLs only: the number of the complete CRL they extend. */
  base_number?: number;
}

const crlKey = (issuerId: string, delta: boolean) => `crls/${issuerId}${delta ? '-delta' : ''}`;

async function revokedBy(s: Storage, issuerId: string, since = 0): Promise<RevokedEntry[]> {
  const out: RevokedEntry[] = [];
  for (const key of await s.list(REVOKED_PREFIX)) {
    const entry = await getJson<RevokedEntry>(s, REVOKED_PREFIX + key);
    if (entry && entry.issuer_id === issuerId && entry.revocation_time >= since) out.push(entry);
  }
  return out;
}

async function signCrl(issuer: LoadedIssuer, entries: RevokedEntry[], number: number, now: Date, nextUpdate: Date, baseNumber?: number): Promise<Buffer> {
  const extensions: Extension[] = [
    new AuthorityKeyIdentifierExtension(issuer.keyHash.toString('hex')),
    new Extension(id_ce_cRLNumber, false, AsnConvert.serialize(new CRLNumber(number))),
  ];
  if (baseNumber !== undefined) extensions.push(new Extension(id_ce_deltaCRLIndicator, true, AsnConvert.serialize(new BaseCRLNumber(baseNumber))));
  const crl = await X509CrlGenerator.create({
    issuer: issuer.cert.subjectName,
    thisUpdate: now,
    nextUpdate,
    entries: entries.map((e) => ({ serialNumber: parseSerial(e.serial_number), revocationDate: new Date(e.revocation_time * 1000) })),
    signingAlgorithm: signingAlgorithm(issuer.key!) as webcrypto.AlgorithmIdentifier & { name: string },
    signingKey: issuer.cryptoKey!,
    extensions,
  });
  return Buffer.from(crl.rawData);
}

/**
 * Rebuilds the complete CRL of one issuer (and, with enable_delta, resets its
 * delta CRL). With config/crl disable=true the CRL is signed but empty, as in Vault.
 */
export async function rebuildCrl(ctx: PkiContext, s: Storage, issuerId: string): Promise<void> {
  await ctx.locks.run(`crl/${issuerId}`, async () => {
    const issuer = await loadIssuer(ctx, s, issuerId);
    if (!issuer?.key || !issuer.entry.usage.includes('crl-signing')) return;
    const config = await readCrlConfig(s);
    const now = new Date(Math.floor(ctx.now().getTime() / 1000) * 1000);
    const previous = await getJson<StoredCrl>(s, crlKey(issuerId, false));
    const previousDelta = await getJson<StoredCrl>(s, crlKey(issuerId, true));
    const number = Math.max(previous?.number ?? 0, previousDelta?.number ?? 0) + 1;
    const nextUpdate = new Date(now.getTime() + seconds(config.expiry) * 1000);
    const entries = config.disable ? [] : await revokedBy(s, issuerId);
    const der = await signCrl(issuer, entries, number, now, nextUpdate);
    await putJson(s, crlKey(issuerId, false), { der: der.toString('base64'), number, this_update: now.getTime(), next_update: nextUpdate.getTime() } satisfies StoredCrl);
    if (config.enable_delta) await writeDelta(issuer, s, issuerId, number, now, nextUpdate, number + 1, []);
  });
}

async function writeDelta(issuer: LoadedIssuer, s: Storage, issuerId: string, base: number, now: Date, nextUpdate: Date, number: number, entries: RevokedEntry[]): Promise<void> {
  const der = await signCrl(issuer, entries, number, now, nextUpdate, base);
  await putJson(s, crlKey(issuerId, true), { der: der.toString('base64'), number, this_update: now.getTime(), next_update: nextUpdate.getTime(), base_number: base } satisfies StoredCrl);
}

/** A delta CRL: revocations since the last complete CRL, pointing at its number. */
export async function rebuildDeltaCrl(ctx: PkiContext, s: Storage, issuerId: string): Promise<void> {
  await ctx.locks.run(`crl/${issuerId}`, async () => {
    const issuer = await loadIssuer(ctx, s, issuerId);
    if (!issuer?.key) return;
    const config = await readCrlConfig(s);
    const full = await getJson<StoredCrl>(s, crlKey(issuerId, false));
    if (!full) return;
    const previousDelta = await getJson<StoredCrl>(s, crlKey(issuerId, true));
    const now = new Date(Math.floor(ctx.now().getTime() / 1000) * 1000);
    const entries = config.disable ? [] : await revokedBy(s, issuerId, Math.floor(full.this_update / 1000));
    const number = Math.max(full.number, previousDelta?.number ?? 0) + 1;
    await writeDelta(issuer, s, issuerId, full.number, now, new Date(full.next_update), number, entries);
  });
}

export async function rebuildAllCrls(ctx: PkiContext, s: Storage): Promise<void> {
  for (const id of await listIssuerIds(s)) await rebuildCrl(ctx, s, id);
}

/** The DER CRL of an issuer (built on first use), or null when the issuer cannot sign CRLs. */
export async function currentCrl(ctx: PkiContext, s: Storage, ref: string, delta: boolean): Promise<Buffer | null> {
  const issuerId = await resolveIssuerRef(s, ref);
  let stored = await getJson<StoredCrl>(s, crlKey(issuerId, delta));
  if (!stored) {
    if (delta && !(await readCrlConfig(s)).enable_delta) return null;
    await rebuildCrl(ctx, s, issuerId);
    stored = await getJson<StoredCrl>(s, crlKey(issuerId, delta));
  }
  return stored ? Buffer.from(stored.der, 'base64') : null;
}

/** Periodic work: rebuild CRLs that expire within the grace period (auto_rebuild) and refresh delta CRLs. */
export async function periodicCrlRebuild(ctx: PkiContext, s: Storage): Promise<void> {
  const config = await readCrlConfig(s);
  if (!config.auto_rebuild) return;
  const now = ctx.now().getTime();
  for (const id of await listIssuerIds(s)) {
    const stored = await getJson<StoredCrl>(s, crlKey(id, false));
    if (!stored || stored.next_update - seconds(config.auto_rebuild_grace_period) * 1000 <= now) {
      await rebuildCrl(ctx, s, id);
      continue;
    }
    if (config.enable_delta) {
      const delta = await getJson<StoredCrl>(s, crlKey(id, true));
      if (!delta || delta.this_update + seconds(config.delta_rebuild_interval) * 1000 <= now) await rebuildDeltaCrl(ctx, s, id);
    }
  }
}
