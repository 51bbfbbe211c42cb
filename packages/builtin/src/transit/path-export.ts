import { definePath, type FieldSchema, invalidRequest, notFound, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import { privateKeyOf } from './key-material.js';
import type { KeyPolicy, KeyVersion } from './key-policy.js';
import { isAsymmetric, TRAITS } from './key-types.js';

const EXPORT_TYPES = ['encryption-key', 'signing-key', 'hmac-key', 'public-key'] as const;
type ExportType = (typeof EXPORT_TYPES)[number];

const EXPORT_FIELDS = {
  name: nameField,
  type: { type: 'string', description: `What to export: ${EXPORT_TYPES.join(', ')}.` },
  version: { type: 'string', description: 'A version number or "latest"; absent exports every version.' },
} satisfies Record<string, FieldSchema>;

export function pathExport(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `export/(?<type>[^/]+)/${NAME}(?:/(?<version>[^/]+))?`,
    fields: EXPORT_FIELDS,
    operations: {
      read: { callback: (req, d) => exportHandler(ctx, req, d), summary: 'Export key material of a named key.' },
    },
    helpSynopsis: 'Export the key material (or public keys) of a key.',
    helpDescription: `
encryption-key, signing-key and hmac-key need the key to be exportable.
Symmetric keys and HMAC keys come base64-encoded, ed25519 private keys as
Vault's 64-byte form in base64, ECDSA private keys as SEC 1 PEM and RSA
private keys as PKCS#1 PEM. public-key is allowed for any asymmetric key.
`,
  });
}

async function exportHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof EXPORT_FIELDS>): Promise<Response> {
  const exportType = d.values.type;
  if (!(EXPORT_TYPES as readonly string[]).includes(exportType)) throw invalidRequest(`invalid export type: ${exportType}`);
  const policy = await ctx.keys.get(req.storage, d.values.name);
  if (!policy) throw notFound();
  checkExportable(policy, exportType as ExportType);
  const keys: Record<string, string> = {};
  const versionSent = d.has('version');
  const versionText = d.values.version;
  if (versionSent && versionText !== '') {
    const version = versionText === 'latest' ? policy.latest_version : parseVersion(versionText);
    const entry = policy.keys[String(version)];
    if (!entry) throw invalidRequest('version does not exist or cannot be found');
    keys[String(version)] = exportedValue(policy, entry, exportType as ExportType);
  } else {
    for (const [version, entry] of Object.entries(policy.keys)) keys[version] = exportedValue(policy, entry, exportType as ExportType);
  }
  return { data: { name: policy.name, type: policy.type, keys } };
}

function parseVersion(text: string): number {
  if (!/^\d+$/.test(text)) throw invalidRequest('invalid key version');
  return Number.parseInt(text, 10);
}

function checkExportable(policy: KeyPolicy, exportType: ExportType): void {
  if (exportType !== 'public-key' && !policy.exportable) throw invalidRequest('private key material is not exportable');
  const traits = TRAITS[policy.type];
  switch (exportType) {
    case 'encryption-key':
      if (!traits.encryption) throw invalidRequest('encryption not supported for the key');
      return;
    case 'signing-key':
      if (!traits.signing) throw invalidRequest('signing not supported for the key');
      return;
    case 'public-key':
      if (!isAsymmetric(policy.type)) throw invalidRequest('public key export not supported for the key type');
      return;
    case 'hmac-key':
      return;
  }
}

function exportedValue(policy: KeyPolicy, entry: KeyVersion, exportType: ExportType): string {
  if (exportType === 'hmac-key') return entry.hmac_key;
  if (exportType === 'public-key') return entry.public_key ?? '';
  if (TRAITS[policy.type].aeadKeyBytes > 0 || policy.type === 'ed25519') return entry.key ?? '';
  const key = privateKeyOf(entry);
  if (TRAITS[policy.type].curve) return key.export({ format: 'pem', type: 'sec1' }).toString();
  return key.export({ format: 'pem', type: 'pkcs1' }).toString();
}
