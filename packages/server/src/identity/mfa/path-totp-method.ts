import { randomUUID } from 'node:crypto';
import { CofferError, definePath, type PathDefinition, type Request, type Response, type Storage, type TypedFieldData } from '@coffer/sdk';
import { listWithInfo } from '../format.js';
import type { IdentityStore } from '../store.js';
import { allEnforcements, deleteMethod, deleteSecret, deleteSecretsOf, listMethodIds, readMethod, readSecret, writeMethod, writeSecret, type TotpMethod } from './records.js';
import { enrollment, newTotpSecret } from './totp.js';

const methodFields = {
  method_id: { type: 'string', description: 'The unique identifier of the method (generated at creation).' },
  method_name: { type: 'string', description: 'A name for the method, unique among MFA methods.' },
  issuer: { type: 'string', description: 'The name of the key issuer (shown by authenticator apps). Required.' },
  period: { type: 'duration', default: 30, description: 'How long each generated code is valid, in seconds.' },
  key_size: { type: 'int', default: 20, description: 'Bytes of a generated secret.' },
  qr_size: { type: 'int', default: 200, description: 'Pixels of a generated QR code; 0 for none.' },
  algorithm: { type: 'string', default: 'SHA1', description: 'Hash algorithm: SHA1, SHA256 or SHA512.' },
  digits: { type: 'int', default: 6, description: 'Digits of a code: 6 or 8.' },
  skew: { type: 'int', default: 1, description: 'Periods before and after the current one a code may come from: 0 or 1.' },
  max_validation_attempts: { type: 'int', default: 5, description: 'Wrong codes an entity may send before its logins with this method are refused.' },
} as const;

/** A method as Vault reads it back. */
export function methodData(m: TotpMethod): Record<string, unknown> {
  return {
    id: m.id,
    name: m.name,
    type: 'totp',
    namespace_id: 'root',
    namespace_path: '',
    mount_accessor: '',
    issuer: m.issuer,
    period: m.period,
    key_size: m.keySize,
    qr_size: m.qrSize,
    algorithm: m.algorithm,
    digits: m.digits,
    skew: m.skew,
    max_validation_attempts: m.maxValidationAttempts,
    creation_time: m.creationTime,
    update_time: m.updateTime,
  };
}

async function nameTaken(storage: Storage, name: string, exceptId: string): Promise<boolean> {
  if (!name) return false;
  for (const id of await listMethodIds(storage)) {
    const other = await readMethod(storage, id);
    if (other && other.id !== exceptId && other.name === name) return true;
  }
  return false;
}

/** Applies the request's fields to a new method or over an existing one; refuses bad values before anything is written. */
async function writeFromRequest(storage: Storage, d: TypedFieldData<typeof methodFields>, existing: TotpMethod | null): Promise<TotpMethod> {
  const v = d.values;
  const pick = <T>(field: keyof typeof methodFields, value: T, current: T | undefined): T => (existing && !d.has(field) ? (current as T) : value);
  const now = new Date().toISOString();
  const method: TotpMethod = {
    id: existing?.id ?? randomUUID(),
    type: 'totp',
    name: pick('method_name', v.method_name, existing?.name),
    issuer: pick('issuer', v.issuer, existing?.issuer),
    period: pick('period', v.period, existing?.period),
    keySize: pick('key_size', v.key_size, existing?.keySize),
    qrSize: pick('qr_size', v.qr_size, existing?.qrSize),
    algorithm: pick('algorithm', v.algorithm.toUpperCase(), existing?.algorithm) as TotpMethod['algorithm'],
    digits: pick('digits', v.digits, existing?.digits) as 6 | 8,
    skew: pick('skew', v.skew, existing?.skew),
    maxValidationAttempts: pick('max_validation_attempts', v.max_validation_attempts, existing?.maxValidationAttempts),
    creationTime: existing?.creationTime ?? now,
    updateTime: now,
  };
  if (!method.issuer) throw new CofferError('invalid_request', 'issuer field is required');
  if (method.period <= 0) throw new CofferError('invalid_request', 'period must be greater than zero');
  if (method.keySize <= 0) throw new CofferError('invalid_request', 'key_size must be greater than zero');
  if (method.qrSize < 0) throw new CofferError('invalid_request', 'qr_size must not be negative');
  if (!['SHA1', 'SHA256', 'SHA512'].includes(method.algorithm)) throw new CofferError('invalid_request', `unrecognized algorithm "${method.algorithm}"`);
  if (method.digits !== 6 && method.digits !== 8) throw new CofferError('invalid_request', `digits can only be 6 or 8, got ${method.digits}`);
  if (method.skew !== 0 && method.skew !== 1) throw new CofferError('invalid_request', 'skew must be 0 or 1');
  if (method.maxValidationAttempts < 0) throw new CofferError('invalid_request', 'max_validation_attempts must be a positive integer');
  if (method.maxValidationAttempts === 0) method.maxValidationAttempts = 5;
  if (await nameTaken(storage, method.name, method.id)) throw new CofferError('invalid_request', `MFA method name "${method.name}" is already in use`);
  await writeMethod(storage, method);
  return method;
}

async function methodOr404(storage: Storage, id: string): Promise<TotpMethod> {
  const method = id ? await readMethod(storage, id) : null;
  if (!method) throw new CofferError('invalid_request', 'invalid method ID');
  return method;
}

/** Creates a secret for the entity (replacing one only when `replace`), and answers with its enrollment URL and barcode. */
async function generateFor(store: IdentityStore, storage: Storage, methodId: string, entityId: string, replace: boolean): Promise<Response> {
  const method = await methodOr404(storage, methodId);
  const entity = entityId ? store.entity(entityId) : undefined;
  if (!entity) throw new CofferError('invalid_request', 'entity ID does not exist');
  if (!replace && (await readSecret(storage, method.id, entity.id))) {
    return { data: {}, warnings: [`Entity already has a secret for MFA method "${method.id}"`] };
  }
  const secret = newTotpSecret(method, entity.name);
  await writeSecret(storage, method.id, entity.id, secret);
  return { data: await enrollment(method, secret) };
}

/** identity/mfa/method/totp…: TOTP methods, and the per-entity secrets they check codes against. */
export function totpMethodPaths(store: IdentityStore): PathDefinition[] {
  const listAll = async (req: Request) => {
    const rows: Array<[string, Record<string, unknown>]> = [];
    for (const id of await listMethodIds(req.storage)) {
      const m = await readMethod(req.storage, id);
      if (m) rows.push([id, methodData(m)]);
    }
    return listWithInfo(rows);
  };
  return [
    definePath({
      pattern: 'mfa/method/totp/?',
      fields: methodFields,
      operations: {
        update: { summary: 'Create a TOTP MFA method.', callback: async (req, d) => ({ data: { method_id: (await writeFromRequest(req.storage, d, null)).id } }) },
        list: { summary: 'List TOTP MFA methods.', callback: listAll },
      },
      helpSynopsis: 'Create or list TOTP login MFA methods.',
      helpDescription: 'A TOTP method holds the parameters of the codes (issuer, period, digits, algorithm, skew); each entity gets its own secret.',
    }),
    definePath({
      pattern: 'mfa/method/?',
      fields: {},
      operations: { list: { summary: 'List every MFA method.', callback: listAll } },
      helpSynopsis: 'List login MFA methods of every type.',
      helpDescription: 'Coffer supports the totp type.',
    }),
    definePath({
      pattern: 'mfa/method/(?:totp/)?(?<method_id>[0-9a-f-]{36})',
      fields: methodFields,
      operations: {
        read: { summary: 'Read a TOTP MFA method.', callback: async (req, d) => {
          const m = await readMethod(req.storage, d.values.method_id);
          return m ? { data: methodData(m) } : null;
        } },
        update: { summary: 'Update a TOTP MFA method.', callback: async (req, d) => {
          await writeFromRequest(req.storage, d, await methodOr404(req.storage, d.values.method_id));
          return null;
        } },
        delete: { summary: 'Delete a TOTP MFA method and the secrets generated for it.', callback: async (req, d) => {
          const id = d.values.method_id;
          for (const e of await allEnforcements(req.storage)) {
            if (e.mfaMethodIds.includes(id)) throw new CofferError('invalid_request', `failed to delete method ID "${id}": it is used by login enforcement "${e.name}"`);
          }
          await deleteSecretsOf(req.storage, id);
          await deleteMethod(req.storage, id);
          return null;
        } },
      },
      helpSynopsis: 'Read, update or delete a TOTP login MFA method.',
      helpDescription: 'A method used by a login enforcement cannot be deleted.',
    }),
    definePath({
      pattern: 'mfa/method/totp/admin-generate',
      fields: { method_id: { type: 'string', description: 'The TOTP method.' }, entity_id: { type: 'string', description: 'The entity to generate a secret for.' } },
      operations: { update: { summary: 'Generate (or replace) an entity\'s TOTP secret.', callback: async (req, d) => generateFor(store, req.storage, d.values.method_id, d.values.entity_id, true) } },
      helpSynopsis: 'Generate a TOTP secret for an entity.',
      helpDescription: 'Answers with the otpauth:// URL and a base64 PNG QR code of it. The secret is never shown again.',
    }),
    definePath({
      pattern: 'mfa/method/totp/admin-destroy',
      fields: { method_id: { type: 'string', description: 'The TOTP method.' }, entity_id: { type: 'string', description: 'The entity whose secret to destroy.' } },
      operations: { update: { summary: 'Destroy an entity\'s TOTP secret.', callback: async (req, d) => {
        const method = await methodOr404(req.storage, d.values.method_id);
        if (!d.values.entity_id || !store.entity(d.values.entity_id)) throw new CofferError('invalid_request', 'entity ID does not exist');
        await deleteSecret(req.storage, method.id, d.values.entity_id);
        return null;
      } } },
      helpSynopsis: 'Destroy a TOTP secret of an entity.',
      helpDescription: 'The entity must be given a new secret before it can pass this method again.',
    }),
    definePath({
      pattern: 'mfa/method/totp/generate',
      fields: { method_id: { type: 'string', description: 'The TOTP method.' } },
      operations: { update: { summary: 'Generate a TOTP secret for the calling token\'s entity.', callback: async (req, d) => {
        if (!req.entityId) throw new CofferError('invalid_request', 'entity ID is empty');
        return generateFor(store, req.storage, d.values.method_id, req.entityId, false);
      } } },
      helpSynopsis: 'Generate a TOTP secret for the caller.',
      helpDescription: 'Only once: when the entity already has a secret for the method, the answer is a warning.',
    }),
  ];
}
