import { getJson, putJson, type Storage } from '@coffer/sdk';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** A login MFA method of type totp, as stored (inside the identity mount, so inside the barrier). */
export interface TotpMethod {
  id: string;
  type: 'totp';
  name: string;
  issuer: string;
  /** Seconds per code. */
  period: number;
  /** Bytes of a generated secret. */
  keySize: number;
  /** Pixels of the QR code; 0 for none. */
  qrSize: number;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  /** Periods before and after the current one that also validate. */
  skew: number;
  /** Wrong codes an entity may send before further attempts for this method are refused. */
  maxValidationAttempts: number;
  creationTime: string;
  updateTime: string;
}

/** The TOTP secret of one entity for one method (never returned once generated). */
export interface TotpSecret {
  /** Base32, no padding. */
  key: string;
  accountName: string;
}

/** Which logins must pass which MFA methods. */
export interface LoginEnforcement {
  id: string;
  name: string;
  mfaMethodIds: string[];
  authMethodAccessors: string[];
  authMethodTypes: string[];
  identityGroupIds: string[];
  identityEntityIds: string[];
}

const METHOD_PREFIX = 'mfa/method/totp/';
const SECRET_PREFIX = 'mfa/secret/';
const ENFORCEMENT_PREFIX = 'mfa/login-enforcement/';

export const readMethod = (s: Storage, id: string): Promise<TotpMethod | null> => getJson<TotpMethod>(s, METHOD_PREFIX + id);
export const writeMethod = (s: Storage, m: TotpMethod): Promise<void> => putJson(s, METHOD_PREFIX + m.id, m);
export const deleteMethod = (s: Storage, id: string): Promise<void> => s.delete(METHOD_PREFIX + id);
export const listMethodIds = async (s: Storage): Promise<string[]> => (await s.list(METHOD_PREFIX)).filter((k) => !k.endsWith('/'));

export const readSecret = (s: Storage, methodId: string, entityId: string): Promise<TotpSecret | null> => getJson<TotpSecret>(s, `${SECRET_PREFIX}${methodId}/${entityId}`);
export const writeSecret = (s: Storage, methodId: string, entityId: string, secret: TotpSecret): Promise<void> => putJson(s, `${SECRET_PREFIX}${methodId}/${entityId}`, secret);
export const deleteSecret = (s: Storage, methodId: string, entityId: string): Promise<void> => s.delete(`${SECRET_PREFIX}${methodId}/${entityId}`);
export async function deleteSecretsOf(s: Storage, methodId: string): Promise<void> {
  for (const entityId of await s.list(`${SECRET_PREFIX}${methodId}/`)) await s.delete(`${SECRET_PREFIX}${methodId}/${entityId}`);
}

export const readEnforcement = (s: Storage, name: string): Promise<LoginEnforcement | null> => getJson<LoginEnforcement>(s, ENFORCEMENT_PREFIX + name);
export const writeEnforcement = (s: Storage, e: LoginEnforcement): Promise<void> => putJson(s, ENFORCEMENT_PREFIX + e.name, e);
export const deleteEnforcement = (s: Storage, name: string): Promise<void> => s.delete(ENFORCEMENT_PREFIX + name);
export const listEnforcementNames = async (s: Storage): Promise<string[]> => (await s.list(ENFORCEMENT_PREFIX)).filter((k) => !k.endsWith('/'));
export async function allEnforcements(s: Storage): Promise<LoginEnforcement[]> {
  const found = await Promise.all((await listEnforcementNames(s)).map((n) => readEnforcement(s, n)));
  return found.filter((e): e is LoginEnforcement => e !== null);
}
