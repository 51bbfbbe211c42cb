import { CofferError, genericNameRegex, listResponse, type PathDefinition } from '@coffer/sdk';
import type { CertContext } from './context.js';
import { canonicalCrlName, deleteCrl, listCrlNames, parseCrl, readCrl, writeCrl } from './crl-store.js';

export function pathCrls(ctx: CertContext): PathDefinition[] {
  return [
    {
      pattern: 'crls/?$',
      operations: {
        list: { callback: async (req) => listResponse(await listCrlNames(req.storage)), summary: 'List the stored CRLs.' },
      },
      helpSynopsis: 'List the certificate revocation lists checked at login.',
      helpDescription: 'A LIST on this path returns the names of the stored CRLs.',
    },
    {
      pattern: `crls/${genericNameRegex('name')}`,
      fields: {
        name: { type: 'string', description: 'Name of the CRL (case-insensitive).' },
        crl: { type: 'string', description: 'The CRL, PEM ("X509 CRL") or base64 DER. Its expiry is ignored: delete a CRL that no longer applies.' },
        url: { type: 'string', description: 'A CRL distribution point URL (not supported by Coffer: upload the CRL with "crl").' },
      },
      operations: {
        update: {
          summary: 'Store a CRL: logins whose chain holds a serial it revokes are refused.',
          callback: async (req, d) => {
            const name = canonicalCrlName(d.get<string>('name'));
            const [crl, hasCrl] = d.getOk<string>('crl');
            const [url, hasUrl] = d.getOk<string>('url');
            if (hasCrl && crl) {
              await writeCrl(req.storage, name, parseCrl(crl));
              ctx.revoked.forget();
              return null;
            }
            if (hasUrl && url) throw invalid('CRL distribution point URLs are not supported; fetch the CRL and upload it with "crl"');
            throw invalid("one of 'crl' or 'url' must be provided");
          },
        },
        read: {
          summary: 'Read the serial numbers a CRL revokes.',
          callback: async (req, d) => {
            const name = canonicalCrlName(d.get<string>('name'));
            const crl = await readCrl(req.storage, name);
            if (!crl) throw invalid(`no such CRL ${name}`);
            return { data: { cdp: crl.cdp, serials: crl.serials } };
          },
        },
        delete: {
          summary: 'Delete a CRL.',
          callback: async (req, d) => {
            const name = canonicalCrlName(d.get<string>('name'));
            if (!(await readCrl(req.storage, name))) throw invalid(`no such CRL ${name}`);
            await deleteCrl(req.storage, name);
            ctx.revoked.forget();
            return null;
          },
        },
      },
      helpSynopsis: 'Manage the certificate revocation lists checked at login.',
      helpDescription:
        'Every login checks the serial numbers of each certificate in its chain against all stored CRLs; a chain ' +
        'holding a revoked serial does not count, so the login fails unless another valid chain exists.',
    },
  ];
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}
