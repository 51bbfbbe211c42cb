import { CofferError, definePath, type FieldSchema, listResponse, type PathDefinition, putJson, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import {
  ISSUERS_CONFIG,
  ISSUER_USAGES,
  assertNameFree,
  changeIssuers,
  issuerStorageKey,
  listIssuerIds,
  parseCertificate,
  readIssuer,
  readIssuersConfig,
  rebuildChains,
  resolveIssuerRef,
  type IssuerEntry,
  type LeafNotAfterBehavior,
} from './issuer-store.js';
import { writeRevoked } from './cert-store.js';
import { rebuildCrl } from './crl-builder.js';
import { pemToDer } from './pem.js';
import { colonSerial, parseSerial } from './serial.js';
import { readUrls } from './urls-config.js';

const refField = { issuer_ref: { type: 'string', description: 'Issuer id, name, or "default".' } } satisfies Record<string, FieldSchema>;

type RefFields = TypedFieldData<typeof refField>;

const ISSUER_FIELDS = {
  ...refField,
  issuer_name: { type: 'string', description: 'New name of the issuer.' },
  leaf_not_after_behavior: { type: 'string', description: 'err, truncate or permit: what to do with a leaf outliving the issuer.', allowedValues: ['err', 'truncate', 'permit'] },
  usage: { type: 'comma-string-slice', description: 'read-only, issuing-certificates, crl-signing, ocsp-signing.' },
  manual_chain: { type: 'comma-string-slice', description: 'Issuer refs forming this issuer\'s chain (self first); empty for the automatic chain.' },
} satisfies Record<string, FieldSchema>;

/** issuers (LIST), issuer/:ref (read, update, patch, delete), issuer/:ref/{json,pem,der}, config/issuers. */
export function pathIssuers(ctx: PkiContext): PathDefinition[] {
  return [
    {
      pattern: 'issuers/?',
      operations: { list: { callback: (req) => listIssuers(req), summary: 'List issuers.' } },
      helpSynopsis: 'List the issuers of this mount.',
      helpDescription: 'Returns the issuer ids in "keys" and, in "key_info", each issuer\'s name and whether it is the default.',
    },
    definePath({
      pattern: 'issuer/(?<issuer_ref>[^/]+)',
      fields: ISSUER_FIELDS,
      operations: {
        read: { callback: (req, d) => readIssuerResponse(req, d), summary: 'Read an issuer.' },
        update: { callback: (req, d) => updateIssuer(ctx, req, d), summary: 'Change an issuer.' },
        patch: { callback: (req, d) => updateIssuer(ctx, req, d), summary: 'Change some fields of an issuer.' },
        delete: { callback: (req, d) => deleteIssuer(ctx, req, d), summary: 'Delete an issuer.' },
      },
      helpSynopsis: 'Read, change or delete an issuer.',
      helpDescription: 'An issuer is a CA certificate the mount can sign with (when it holds its key) or serve as part of a chain.',
    }),
    definePath({
      pattern: 'issuer/(?<issuer_ref>[^/]+)/(?:json|pem|der)',
      fields: { ...refField },
      operations: { read: { callback: (req, d) => readIssuerCertificate(req, d), summary: 'Read an issuer\'s certificate.' } },
      helpSynopsis: 'Fetch an issuer\'s certificate (unauthenticated).',
      helpDescription: 'json returns certificate, ca_chain, issuer_id and issuer_name; pem and der return the raw certificate.',
    }),
    definePath({
      pattern: 'issuer/(?<issuer_ref>[^/]+)/revoke',
      fields: { ...refField },
      operations: { update: { callback: (req, d) => revokeIssuer(ctx, req, d), summary: 'Revoke an issuer.' } },
      helpSynopsis: 'Revoke an issuer.',
      helpDescription:
        'A revoked issuer no longer signs certificates (its CRL is still served); when the issuer that signed it is in ' +
        'this mount, its certificate is added to that issuer\'s CRL.',
    }),
    definePath({
      pattern: 'config/issuers',
      fields: {
        default: { type: 'string', description: 'The default issuer (id or name).' },
        default_follows_latest_issuer: { type: 'bool', description: 'Make each newly imported or generated issuer the default.' },
      },
      operations: {
        read: { callback: async (req) => ({ data: await readIssuersConfig(req.storage) }), summary: 'Read the default issuer.' },
        update: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              const config = await readIssuersConfig(req.storage);
              const ref = d.values.default;
              if (d.has('default') && ref) config.default = await resolveIssuerRef(req.storage, ref);
              if (d.has('default_follows_latest_issuer')) config.default_follows_latest_issuer = d.values.default_follows_latest_issuer;
              await putJson(req.storage, ISSUERS_CONFIG, config);
              return { data: config };
            }),
          summary: 'Set the default issuer.',
        },
      },
      helpSynopsis: 'The default issuer.',
      helpDescription: 'The default issuer signs when a request names no issuer and serves ca, ca_chain and crl.',
    }),
  ];
}

async function listIssuers(req: Request): Promise<Response> {
  const ids = await listIssuerIds(req.storage);
  const config = await readIssuersConfig(req.storage);
  const keyInfo: Record<string, unknown> = {};
  for (const id of ids) {
    const entry = await readIssuer(req.storage, id);
    if (entry) keyInfo[id] = { issuer_name: entry.issuer_name, is_default: id === config.default, serial_number: entry.serial_number };
  }
  return listResponse(ids, { key_info: keyInfo });
}

async function issuerByRef(req: Request, d: RefFields): Promise<IssuerEntry> {
  const id = await resolveIssuerRef(req.storage, d.values.issuer_ref);
  const entry = await readIssuer(req.storage, id);
  if (!entry) throw new CofferError('invalid_request', `unable to find PKI issuer for reference: ${d.values.issuer_ref}`);
  return entry;
}

async function issuerData(req: Request, entry: IssuerEntry): Promise<Record<string, unknown>> {
  const urls = await readUrls(req.storage);
  return {
    issuer_id: entry.issuer_id,
    issuer_name: entry.issuer_name,
    key_id: entry.key_id,
    certificate: entry.certificate.trim(),
    ca_chain: entry.ca_chain.map((c) => c.trim()),
    manual_chain: entry.manual_chain.length ? entry.manual_chain : null,
    leaf_not_after_behavior: entry.leaf_not_after_behavior,
    usage: entry.usage.join(','),
    revocation_signature_algorithm: '',
    revoked: entry.revoked,
    ...(entry.revoked ? { revocation_time: entry.revocation_time, revocation_time_rfc3339: new Date(entry.revocation_time * 1000).toISOString() } : {}),
    issuing_certificates: urls.issuing_certificates,
    crl_distribution_points: urls.crl_distribution_points,
    ocsp_servers: urls.ocsp_servers,
    enable_aia_url_templating: false,
  };
}

async function readIssuerResponse(req: Request, d: RefFields): Promise<Response> {
  return { data: await issuerData(req, await issuerByRef(req, d)) };
}

async function updateIssuer(ctx: PkiContext, req: Request, d: TypedFieldData<typeof ISSUER_FIELDS>): Promise<Response> {
  return changeIssuers(ctx, async () => {
    const entry = await issuerByRef(req, d);
    const name = d.values.issuer_name;
    if (d.has('issuer_name') && name !== entry.issuer_name) {
      await assertNameFree(req.storage, 'issuer', name, entry.issuer_id);
      entry.issuer_name = name;
    }
    if (d.has('leaf_not_after_behavior')) entry.leaf_not_after_behavior = d.values.leaf_not_after_behavior as LeafNotAfterBehavior;
    if (d.has('usage')) {
      const usage = d.values.usage;
      const bad = usage.find((u) => !(ISSUER_USAGES as readonly string[]).includes(u));
      if (bad) throw new CofferError('invalid_request', `unknown usage "${bad}": use ${ISSUER_USAGES.join(', ')}`);
      entry.usage = usage;
    }
    if (d.has('manual_chain')) {
      const refs = d.values.manual_chain.filter((c) => c !== '');
      entry.manual_chain = [];
      if (refs.length > 0) {
        const ids = [];
        for (const ref of refs) ids.push(ref === 'self' ? entry.issuer_id : await resolveIssuerRef(req.storage, ref));
        if (ids[0] !== entry.issuer_id) throw new CofferError('invalid_request', 'manual_chain must start with the issuer itself ("self")');
        entry.manual_chain = ids;
        const pems = [];
        for (const id of ids) pems.push((await readIssuer(req.storage, id))!.certificate);
        entry.ca_chain = pems;
      }
    }
    await putJson(req.storage, issuerStorageKey(entry.issuer_id), entry);
    if (d.has('manual_chain') && entry.manual_chain.length === 0) await rebuildChains(req.storage);
    return { data: await issuerData(req, (await readIssuer(req.storage, entry.issuer_id))!) };
  });
}

async function deleteIssuer(ctx: PkiContext, req: Request, d: RefFields): Promise<Response | null> {
  return changeIssuers(ctx, async () => {
    let id: string;
    try {
      id = await resolveIssuerRef(req.storage, d.values.issuer_ref);
    } catch {
      return null; // Deleting what is not there succeeds, as in Vault.
    }
    await req.storage.delete(issuerStorageKey(id));
    await req.storage.delete(`crls/${id}`);
    await req.storage.delete(`crls/${id}-delta`);
    const config = await readIssuersConfig(req.storage);
    const warnings: string[] = [];
    if (config.default === id) {
      await putJson(req.storage, ISSUERS_CONFIG, { ...config, default: '' });
      warnings.push('Deleted issuer was the default issuer; set a new one with config/issuers');
    }
    await rebuildChains(req.storage);
    return warnings.length ? { warnings } : null;
  });
}

async function revokeIssuer(ctx: PkiContext, req: Request, d: RefFields): Promise<Response> {
  const entry = await changeIssuers(ctx, async () => {
    const current = await issuerByRef(req, d);
    if (current.revoked) return current;
    const cert = parseCertificate(current.certificate);
    const now = Math.floor(ctx.now().getTime() / 1000);
    const updated: IssuerEntry = { ...current, revoked: true, revocation_time: now, usage: current.usage.filter((u) => u !== 'issuing-certificates') };
    await putJson(req.storage, issuerStorageKey(current.issuer_id), updated);
    // Its parent, if the mount holds it, lists it on its CRL.
    for (const id of await listIssuerIds(req.storage)) {
      if (id === current.issuer_id) continue;
      const parent = await readIssuer(req.storage, id);
      if (!parent) continue;
      const parentCert = parseCertificate(parent.certificate);
      if (parentCert.subject !== cert.issuer || !(await cert.verify({ publicKey: parentCert.publicKey, signatureOnly: true }).catch(() => false))) continue;
      await writeRevoked(req.storage, parseSerial(cert.serialNumber), {
        serial_number: colonSerial(cert.serialNumber),
        certificate: current.certificate.trim(),
        issuer_id: id,
        revocation_time: now,
        revocation_time_rfc3339: new Date(now * 1000).toISOString().replace('.000Z', 'Z'),
      });
      return { ...updated, parentId: id };
    }
    return updated;
  });
  const parentId = (entry as IssuerEntry & { parentId?: string }).parentId;
  if (parentId) await rebuildCrl(ctx, req.storage, parentId);
  return { data: await issuerData(req, (await readIssuer(req.storage, entry.issuer_id))!) };
}

async function readIssuerCertificate(req: Request, d: RefFields): Promise<Response> {
  const entry = await issuerByRef(req, d);
  const encoding = req.path.slice(req.path.lastIndexOf('/') + 1);
  if (encoding === 'json') {
    return { data: { certificate: entry.certificate.trim(), ca_chain: entry.ca_chain.map((c) => c.trim()), issuer_id: entry.issuer_id, issuer_name: entry.issuer_name } };
  }
  if (encoding === 'pem') return rawResponse(entry.certificate.trim(), 'application/pem-certificate-chain');
  return rawResponse(pemToDer(entry.certificate), 'application/pkix-cert');
}

/** Vault's raw HTTP answer: a body with its own content type instead of the JSON envelope. */
export function rawResponse(body: string | Buffer, contentType: string, status = 200): Response {
  return { data: { http_status_code: status, http_content_type: contentType, http_raw_body: body } };
}
