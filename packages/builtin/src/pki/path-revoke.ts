import { CofferError, type PathDefinition, type Request, type Response, type SecretType } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { SECRET_CERT_TYPE } from './issuance.js';
import { keyMatchesSpki, parsePrivateKey } from './key-material.js';
import { certificateToRevoke, revokeCertificate } from './revocation.js';

const TARGET_FIELDS = {
  serial_number: { type: 'string', description: 'Serial number of the certificate (hex pairs separated by ":" or "-").', default: '' },
  certificate: { type: 'string', description: 'PEM of the certificate (instead of serial_number; needed for no_store certificates).', default: '' },
} as const;

/** revoke and revoke-with-key. */
export function pathRevoke(ctx: PkiContext): PathDefinition[] {
  return [
    {
      pattern: 'revoke',
      fields: TARGET_FIELDS,
      operations: {
        update: {
          callback: async (req, d) => {
            const target = await certificateToRevoke(ctx, req.storage, d.get<string>('serial_number'), d.get<string>('certificate'));
            return asResponse(await revokeCertificate(ctx, req.storage, target));
          },
          summary: 'Revoke a certificate.',
        },
      },
      helpSynopsis: 'Revoke a certificate by serial number or by its PEM.',
      helpDescription: 'The certificate is added to its issuer\'s CRL (rebuilt at once unless config/crl auto_rebuild is on) and OCSP answers "revoked".',
    },
    {
      pattern: 'revoke-with-key',
      fields: { ...TARGET_FIELDS, private_key: { type: 'string', description: 'PEM private key of the certificate.', default: '', displayAttrs: { sensitive: true } } },
      operations: {
        update: {
          callback: async (req, d) => {
            const target = await certificateToRevoke(ctx, req.storage, d.get<string>('serial_number'), d.get<string>('certificate'));
            const key = parsePrivateKey(d.get<string>('private_key'));
            if (!keyMatchesSpki(key, Buffer.from(target.cert.publicKey.rawData))) {
              throw new CofferError('invalid_request', 'failed to validate private key match with certificate: the key does not belong to the certificate');
            }
            return asResponse(await revokeCertificate(ctx, req.storage, target));
          },
          summary: 'Revoke a certificate, proving possession of its key.',
        },
      },
      helpSynopsis: 'Revoke a certificate given its private key.',
      helpDescription: 'Lets the holder of a certificate\'s key revoke it without the revoke capability on the mount.',
    },
  ];
}

function asResponse(result: { data: Record<string, unknown>; warnings: string[] }): Response {
  return { data: result.data, ...(result.warnings.length ? { warnings: result.warnings } : {}) };
}

/** The lease of a certificate issued by a role with generate_lease: revoking the lease revokes the certificate. */
export function secretCertificate(ctx: PkiContext): SecretType {
  return {
    type: SECRET_CERT_TYPE,
    fields: { serial_number: { type: 'string', description: 'Serial number of the certificate.' } },
    renew: async () => {
      throw new CofferError('invalid_request', 'certificate leases cannot be renewed: issue a new certificate');
    },
    revoke: async (req: Request) => {
      const serial = req.secret?.internalData?.['serial_number'];
      if (typeof serial !== 'string' || serial === '') throw new CofferError('internal', 'the lease has no serial_number in its internal data');
      try {
        const target = await certificateToRevoke(ctx, req.storage, serial, '');
        await revokeCertificate(ctx, req.storage, target);
      } catch (err) {
        // A certificate removed by tidy after it expired needs no revocation.
        if (!(err instanceof CofferError && err.code === 'invalid_request')) throw err;
      }
      return null;
    },
  };
}
