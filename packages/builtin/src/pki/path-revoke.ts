import { createPublicKey } from 'node:crypto';
import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type SecretType } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { SECRET_CERT_TYPE } from './issuance.js';
import { keyMatchesSpki, parsePrivateKey } from './key-material.js';
import { certificateToRevoke, revokeCertificate } from './revocation.js';

const TARGET_FIELDS = {
  serial_number: { type: 'string', description: 'Serial number of the certificate (hex pairs separated by ":" or "-").', default: '' },
  certificate: { type: 'string', description: 'PEM of the certificate (instead of serial_number; needed for no_store certificates).', default: '' },
} satisfies Record<string, FieldSchema>;

/** revoke and revoke-with-key. */
export function pathRevoke(ctx: PkiContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'revoke',
      fields: TARGET_FIELDS,
      operations: {
        update: {
          callback: async (req, d) => {
            const target = await certificateToRevoke(ctx, req.storage, d.values.serial_number, d.values.certificate);
            return asResponse(await revokeCertificate(ctx, req.storage, target));
          },
          summary: 'Revoke a certificate.',
        },
      },
      helpSynopsis: 'Revoke a certificate by serial number or by its PEM.',
      helpDescription: 'The certificate is added to its issuer\'s CRL (rebuilt at once unless config/crl auto_rebuild is on) and OCSP answers "revoked".',
    }),
    definePath({
      pattern: 'revoke-with-key',
      fields: { ...TARGET_FIELDS, private_key: { type: 'string', description: 'PEM private key of the certificate.', default: '', displayAttrs: { sensitive: true } } },
      operations: {
        update: {
          callback: async (req, d) => {
            const target = await certificateToRevoke(ctx, req.storage, d.values.serial_number, d.values.certificate);
            const pem = d.values.private_key;
            if (!pem) throw new CofferError('invalid_request', 'Must have private key to revoke via the /revoke-with-key path.');
            if (pem.length < 64) throw new CofferError('invalid_request', 'Provided data for private_key was too short; perhaps a path was passed to the API rather than the contents of a PEM file?');
            const key = parsePrivateKey(pem);
            if (key.asymmetricKeyType !== createPublicKey({ key: Buffer.from(target.cert.publicKey.rawData), format: 'der', type: 'spki' }).asymmetricKeyType) {
              throw new CofferError('invalid_request', 'provided private key type does not match certificate\'s public key type');
            }
            if (!keyMatchesSpki(key, Buffer.from(target.cert.publicKey.rawData))) {
              throw new CofferError('invalid_request', 'provided private key does not match certificate\'s public key');
            }
            return asResponse(await revokeCertificate(ctx, req.storage, target));
          },
          summary: 'Revoke a certificate, proving possession of its key.',
        },
      },
      helpSynopsis: 'Revoke a certificate given its private key.',
      helpDescription: 'Lets the holder of a certificate\'s key revoke it without the revoke capability on the mount.',
    }),
  ];
}

function asResponse(result: { data?: Record<string, unknown>; warnings: string[] }): Response {
  return { ...(result.data ? { data: result.data } : {}), ...(result.warnings.length ? { warnings: result.warnings } : {}) };
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
