import { CofferError, definePath, type FieldSchema, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { CERTS_PREFIX, REVOKED_PREFIX, readRevoked, readStoredCert } from './cert-store.js';
import type { PkiContext } from './context.js';
import { currentCrl } from './crl-builder.js';
import { readIssuer, readIssuersConfig } from './issuer-store.js';
import { pemToDer, toPem } from './pem.js';
import { rawResponse } from './path-issuers.js';
import { parseSerial } from './serial.js';

const CERT_FIELDS = { serial: { type: 'string', description: 'Serial number, or ca, crl, delta-crl.' } } satisfies Record<string, FieldSchema>;

/** ca, ca/pem, ca_chain, cert/:serial (and raw forms), certs and certs/revoked. */
export function pathFetch(ctx: PkiContext): PathDefinition[] {
  return [
    {
      pattern: 'ca(?:/pem)?',
      operations: {
        read: {
          callback: async (req) => {
            const entry = await defaultIssuer(req);
            const pem = req.path === 'ca/pem';
            if (!entry) return rawResponse('', pem ? 'application/pem-certificate-chain' : 'application/pkix-cert', 204);
            return pem ? rawResponse(entry.certificate.trim(), 'application/pem-certificate-chain') : rawResponse(pemToDer(entry.certificate), 'application/pkix-cert');
          },
          summary: 'Fetch the default issuer\'s certificate.',
        },
      },
      helpSynopsis: 'The default CA certificate, DER (ca) or PEM (ca/pem); unauthenticated.',
      helpDescription: 'Answers with the raw certificate, not a JSON envelope.',
    },
    {
      pattern: '(?:cert/)?ca_chain',
      operations: {
        read: {
          callback: async (req) => {
            const entry = await defaultIssuer(req);
            const chain = entry ? entry.ca_chain.map((c) => c.trim()).join('\n') : '';
            if (req.path.startsWith('cert/')) return { data: { certificate: chain, revocation_time: 0, revocation_time_rfc3339: '', ca_chain: chain } };
            // Vault labels the PEM chain application/pkix-cert.
            return rawResponse(chain, 'application/pkix-cert', chain ? 200 : 204);
          },
          summary: 'Fetch the default issuer\'s chain.',
        },
      },
      helpSynopsis: 'The default issuer\'s CA chain in PEM; unauthenticated.',
      helpDescription: 'ca_chain answers raw PEM; cert/ca_chain answers JSON.',
    },
    definePath({
      pattern: 'cert/(?<serial>[0-9A-Za-z:-]+)(?:/raw(?:/pem)?)?',
      fields: CERT_FIELDS,
      operations: { read: { callback: (req, d) => readCert(ctx, req, d), summary: 'Fetch a certificate by serial number.' } },
      helpSynopsis: 'Fetch a certificate (or "ca", "crl", "delta-crl") by serial number; unauthenticated.',
      helpDescription: 'JSON gives certificate, revocation_time, revocation_time_rfc3339 and issuer_id; /raw gives DER, /raw/pem gives PEM.',
    }),
    {
      pattern: 'certs/?',
      operations: { list: { callback: async (req) => listResponse((await req.storage.list(CERTS_PREFIX)).map(displaySerial)), summary: 'List stored certificates.' } },
      helpSynopsis: 'List the serial numbers of stored certificates.',
      helpDescription: 'Certificates issued with no_store are not listed.',
    },
    {
      pattern: 'certs/revoked/?',
      operations: { list: { callback: async (req) => listResponse((await req.storage.list(REVOKED_PREFIX)).map(displaySerial)), summary: 'List revoked certificates.' } },
      helpSynopsis: 'List the serial numbers of revoked certificates.',
      helpDescription: 'Revoked certificates stay listed until tidy removes them after they expire.',
    },
  ];
}

/** Storage keys are hyphenated; lists show the colon form, as Vault does. */
const displaySerial = (key: string) => key.replace(/-/g, ':');

async function defaultIssuer(req: Request) {
  const config = await readIssuersConfig(req.storage);
  return config.default ? readIssuer(req.storage, config.default) : null;
}

async function readCert(ctx: PkiContext, req: Request, d: TypedFieldData<typeof CERT_FIELDS>): Promise<Response | null> {
  const serial = d.values.serial;
  const raw = req.path.endsWith('/raw/pem') ? '/raw/pem' : req.path.endsWith('/raw') ? '/raw' : '';
  let pem: string;
  let extra: Record<string, unknown> = {};
  if (serial === 'ca') {
    const entry = await defaultIssuer(req);
    if (!entry) return null;
    pem = entry.certificate.trim();
  } else if (serial === 'crl' || serial === 'delta-crl') {
    const der = await currentCrl(ctx, req.storage, 'default', serial === 'delta-crl').catch((err: unknown) => {
      if (err instanceof CofferError && err.code === 'invalid_request') return null;
      throw err;
    });
    if (!der) return null;
    pem = toPem(der, 'X509 CRL');
    if (raw === '/raw') return rawResponse(der, 'application/pkix-crl');
    if (raw === '/raw/pem') return rawResponse(pem, 'application/x-pem-file');
    return { data: { certificate: pem, revocation_time: 0, revocation_time_rfc3339: '' } };
  } else {
    const serialHex = parseSerial(serial);
    const stored = await readStoredCert(req.storage, serialHex);
    const revoked = await readRevoked(req.storage, serialHex);
    if (!stored && !revoked) return null;
    pem = (stored?.certificate ?? revoked!.certificate).trim();
    // As in Vault, issuer_id is shown for revoked certificates only.
    extra = revoked ? { revocation_time: revoked.revocation_time, revocation_time_rfc3339: revoked.revocation_time_rfc3339, issuer_id: revoked.issuer_id } : {};
  }
  if (raw === '/raw') return rawResponse(pemToDer(pem), 'application/pkix-cert');
  if (raw === '/raw/pem') return rawResponse(pem, 'application/pem-certificate-chain');
  return { data: { certificate: pem, revocation_time: 0, revocation_time_rfc3339: '', ...extra } };
}
