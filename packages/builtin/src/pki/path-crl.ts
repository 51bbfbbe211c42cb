import { definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { currentCrl, rebuildCrl, rebuildDeltaCrl } from './crl-builder.js';
import { readCrlConfig } from './crl-config.js';
import { listIssuerIds, resolveIssuerRef } from './issuer-store.js';
import { toPem } from './pem.js';
import { rawResponse } from './path-issuers.js';

const CRL_FIELDS = {
  issuer_ref: { type: 'string', description: 'Issuer whose CRL to fetch (default: the default issuer).', default: 'default' },
} satisfies Record<string, FieldSchema>;

/** crl, crl/pem, crl/delta(/pem), issuer/:ref/crl(...), crl/rotate and crl/rotate-delta. */
export function pathCrl(ctx: PkiContext): PathDefinition[] {
  return [
    definePath({
      pattern: '(?:issuer/(?<issuer_ref>[^/]+)/)?crl(?:/delta)?(?:/pem|/der)?',
      fields: CRL_FIELDS,
      operations: { read: { callback: (req, d) => readCrl(ctx, req, d), summary: 'Fetch a CRL.' } },
      helpSynopsis: 'The CRL of an issuer, DER by default or PEM; unauthenticated.',
      helpDescription: 'crl and crl/pem serve the default issuer\'s CRL; crl/delta serves the delta CRL when config/crl enable_delta is on.',
    }),
    {
      pattern: 'crl/rotate(?:-delta)?',
      operations: {
        read: {
          callback: async (req) => {
            const delta = req.path === 'crl/rotate-delta';
            if (delta && !(await readCrlConfig(req.storage)).enable_delta) {
              return { data: { success: true }, warnings: ['requested rebuild of delta CRL when delta CRL is not enabled; this is a no-op'] };
            }
            for (const id of await listIssuerIds(req.storage)) {
              if (delta) await rebuildDeltaCrl(ctx, req.storage, id);
              else await rebuildCrl(ctx, req.storage, id);
            }
            return { data: { success: true } };
          },
          summary: 'Rebuild the CRLs now.',
        },
      },
      helpSynopsis: 'Force a rebuild of every issuer\'s CRL (or delta CRL).',
      helpDescription: 'Useful after changing config/crl or to refresh nextUpdate.',
    },
  ];
}

async function readCrl(ctx: PkiContext, req: Request, d: TypedFieldData<typeof CRL_FIELDS>): Promise<Response | null> {
  // The form asked for is in the path: crl[/delta][/pem|/der].
  const tail = req.path.replace(/^issuer\/[^/]+\//, '');
  const delta = tail.startsWith('crl/delta');
  const encoding = tail.endsWith('/pem') ? '/pem' : tail.endsWith('/der') ? '/der' : '';
  const underIssuer = req.path.startsWith('issuer/');
  await resolveIssuerRef(req.storage, d.values.issuer_ref);
  const der = await currentCrl(ctx, req.storage, d.values.issuer_ref, delta);
  if (!der) return rawResponse('', 'application/pkix-crl', 204);
  if (encoding === '/pem') return rawResponse(toPem(der, 'X509 CRL'), 'application/x-pem-file');
  if (underIssuer && encoding === '') return { data: { crl: toPem(der, 'X509 CRL') } };
  return rawResponse(der, 'application/pkix-crl');
}
