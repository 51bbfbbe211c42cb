import { randomBytes } from 'node:crypto';
import { CofferError, KeyedMutex, definePath, getJson, putJson, type PathDefinition, type Response, type Storage } from '@coffer/sdk';
import { requestIdentity } from '../request-identity.js';
import type { IdentityStore } from '../store.js';
import { normaliseTemplate, renderClaims, templateProblem } from './claims-template.js';
import { SIGNING_ALGORITHMS, decodeJwt, isSigningAlgorithm, signJwt, verifyJwt } from './jws.js';
import { CONFIG_KEY, issuerBase, validIssuer } from './issuer.js';
import { KEY_PREFIX, currentKey, keyAllowsClient, listKeys, readKey, rotateKey, type NamedKey } from './named-keys.js';

const ROLE_PREFIX = 'oidc/role/';
const DAY = 24 * 3600;
const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

/** The typed field values a write handler reads, and whether each was sent. */
interface FieldsOf<V> {
  readonly values: V;
  has(name: string): boolean;
}

interface Role {
  name: string;
  key: string;
  template: string;
  clientId: string;
  /** Seconds. */
  ttl: number;
}

/** Vault's client ids: 26 letters and digits. */
function newClientId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(26)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Where identity tokens' issuer is: the configured issuer (or the local default) plus /v1/identity/oidc. */
async function issuerOf(storage: Storage, serverAddress: string | undefined): Promise<string> {
  return `${await issuerBase(storage, serverAddress)}/v1/identity/oidc`;
}

/** Vault answers the well-known documents and introspection as bare JSON, not in the data envelope. */
export function rawJson(body: unknown): Response {
  return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify(body) } };
}

/** identity/oidc/*: named keys, roles, signed identity tokens, introspection and the discovery documents. */
export function oidcPaths(store: IdentityStore): PathDefinition[] {
  const locks = new KeyedMutex();
  const now = () => store.now();
  const nameField = { type: 'string', description: 'Name of the key or role.' } as const;
  return [
    definePath({
      pattern: 'oidc/config',
      fields: { issuer: { type: 'string', description: 'Issuer URL of identity tokens (scheme, host and port); /v1/identity/oidc is appended.' } },
      operations: {
        read: { summary: 'Read the OIDC configuration.', callback: async (req) => ({ data: { issuer: (await getJson<{ issuer: string }>(req.storage, CONFIG_KEY))?.issuer ?? '' } }) },
        update: {
          summary: 'Set the issuer of identity tokens.',
          callback: async (req, d) => {
            const issuer = d.values.issuer;
            if (!validIssuer(issuer)) throw invalid('invalid issuer, which must include only a scheme, host, and optional port (e.g. https://example.com:8200)');
            await putJson(req.storage, CONFIG_KEY, { issuer });
            return null;
          },
        },
      },
      helpSynopsis: 'OIDC configuration of the identity store.',
      helpDescription: 'The issuer goes into the iss claim of identity tokens and the discovery document.',
    }),
    definePath({
      pattern: 'oidc/key/(?<name>[^/]+)',
      fields: {
        name: nameField,
        rotation_period: { type: 'duration', default: DAY, description: 'How often to generate a new signing key pair.' },
        verification_ttl: { type: 'duration', default: DAY, description: 'How long a rotated-out public key stays published for verification.' },
        algorithm: { type: 'string', default: 'RS256', description: `Signing algorithm: ${SIGNING_ALGORITHMS.join(', ')}.` },
        allowed_client_ids: { type: 'comma-string-slice', description: 'Client ids of the roles allowed to use this key ("*": all).' },
      },
      existenceCheck: async (req, d) => (await readKey(req.storage, d.values.name)) !== null,
      operations: {
        read: {
          summary: 'Read a named key.',
          callback: async (req, d) => {
            const key = await readKey(req.storage, d.values.name);
            return key ? { data: { algorithm: key.algorithm, allowed_client_ids: key.allowedClientIds, rotation_period: key.rotationPeriod, verification_ttl: key.verificationTtl } } : null;
          },
        },
        create: { summary: 'Create a named key.', callback: async (req, d) => writeKey(req.storage, d) },
        update: { summary: 'Update a named key.', callback: async (req, d) => writeKey(req.storage, d) },
        delete: {
          summary: 'Delete a named key no role uses.',
          callback: async (req, d) => {
            const name = d.values.name;
            return locks.run(`key/${name}`, async () => {
              const users: string[] = [];
              for (const roleName of await req.storage.list(ROLE_PREFIX)) {
                const role = await getJson<Role>(req.storage, ROLE_PREFIX + roleName);
                if (role?.key === name) users.push(roleName);
              }
              if (users.length > 0) throw invalid(`unable to delete key "${name}" because it is currently referenced by these roles: ${users.join(', ')}`);
              await req.storage.delete(KEY_PREFIX + name);
              return null;
            });
          },
        },
      },
      helpSynopsis: 'Create, read, update or delete a named key that signs identity tokens.',
      helpDescription: 'A key rotates every rotation_period; its old public keys stay at .well-known/keys for verification_ttl.',
    }),
    definePath({
      pattern: 'oidc/key/?',
      fields: {},
      operations: { list: { summary: 'List named keys.', callback: async (req) => ({ data: { keys: await listKeys(req.storage) } }) } },
      helpSynopsis: 'List the named keys.',
    }),
    definePath({
      pattern: 'oidc/key/(?<name>[^/]+)/rotate',
      fields: { name: nameField, verification_ttl: { type: 'duration', description: 'How long the rotated-out public key stays published (default: the key\'s).' } },
      operations: {
        update: {
          summary: 'Rotate a named key now.',
          callback: async (req, d) =>
            locks.run(`key/${d.values.name}`, async () => {
              const key = await readKey(req.storage, d.values.name);
              if (!key) throw invalid(`no named key found at "${d.values.name}"`);
              await rotateKey(key, now(), d.has('verification_ttl') ? d.values.verification_ttl : key.verificationTtl);
              await putJson(req.storage, KEY_PREFIX + key.name, key);
              return null;
            }),
        },
      },
      helpSynopsis: 'Rotate a named key.',
    }),
    definePath({
      pattern: 'oidc/role/(?<name>[^/]+)',
      fields: {
        name: nameField,
        key: { type: 'string', description: 'The named key that signs this role\'s tokens.' },
        template: { type: 'string', description: 'JSON template of extra claims (may be base64-encoded).' },
        ttl: { type: 'duration', default: DAY, description: 'TTL of the tokens.' },
        client_id: { type: 'string', description: 'The aud claim (generated when not given).' },
      },
      existenceCheck: async (req, d) => (await getJson<Role>(req.storage, ROLE_PREFIX + d.values.name)) !== null,
      operations: {
        read: {
          summary: 'Read a role.',
          callback: async (req, d) => {
            const role = await getJson<Role>(req.storage, ROLE_PREFIX + d.values.name);
            return role ? { data: { client_id: role.clientId, key: role.key, template: role.template, ttl: role.ttl } } : null;
          },
        },
        create: { summary: 'Create a role.', callback: async (req, d) => writeRole(req.storage, d) },
        update: { summary: 'Update a role.', callback: async (req, d) => writeRole(req.storage, d) },
        delete: {
          summary: 'Delete a role.',
          callback: async (req, d) => {
            await req.storage.delete(ROLE_PREFIX + d.values.name);
            return null;
          },
        },
      },
      helpSynopsis: 'Create, read, update or delete a role that identity tokens are issued for.',
    }),
    definePath({
      pattern: 'oidc/role/?',
      fields: {},
      operations: { list: { summary: 'List roles.', callback: async (req) => ({ data: { keys: (await req.storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/')) } }) } },
      helpSynopsis: 'List the roles.',
    }),
    definePath({
      pattern: 'oidc/token/(?<name>[^/]+)',
      fields: { name: nameField },
      operations: {
        read: {
          summary: 'Generate an identity token for the calling token\'s entity.',
          callback: async (req, d) => {
            const role = await getJson<Role>(req.storage, ROLE_PREFIX + d.values.name);
            if (!role) throw invalid(`role "${d.values.name}" not found`);
            const key = await locks.run(`key/${role.key}`, () => currentKey(req.storage, role.key, now()));
            if (!key || !key.signing) throw invalid(`key "${role.key}" not found`);
            if (!keyAllowsClient(key, role.clientId)) throw invalid(`the key "${role.key}" does not list the client ID of the role "${role.name}" as an allowed client ID`);
            const identity = req.entityId ? requestIdentity(store, req.entityId) : null;
            if (!identity) throw invalid("no entity associated with the request's token");
            const iat = Math.floor(now() / 1000);
            const claims: Record<string, unknown> = { ...(renderClaims(role.template, identity.template, iat) ?? {}) };
            Object.assign(claims, { iss: await issuerOf(req.storage, store.serverAddress), sub: identity.entityId, aud: role.clientId, iat, exp: iat + role.ttl, namespace: 'root' });
            const token = signJwt(claims, { algorithm: key.algorithm, kid: key.signing.kid, privatePem: key.signing.privatePem });
            return { data: { client_id: role.clientId, token, ttl: role.ttl } };
          },
        },
      },
      helpSynopsis: 'Generate a signed identity token (a JWT) for a role.',
    }),
    definePath({
      pattern: 'oidc/introspect/?',
      fields: { token: { type: 'string', description: 'The token to verify.' }, client_id: { type: 'string', description: 'The aud claim the token must carry, if given.' } },
      operations: {
        update: {
          summary: 'Verify an identity token.',
          callback: async (req, d) => {
            const answer = (error?: string) => rawJson(error ? { active: false, error } : { active: true });
            if (!d.values.token) throw invalid('missing token');
            const decoded = decodeJwt(d.values.token);
            if (!decoded) return answer('error parsing token: not a compact JWS');
            const jwk = (await publicKeys(req.storage, now())).find((k) => k.kid === decoded.header.kid);
            if (!jwk || !verifyJwt(decoded, jwk)) return answer('unable to validate the token signature');
            const c = decoded.claims;
            const nowSeconds = Math.floor(now() / 1000);
            if (c['iss'] !== (await issuerOf(req.storage, store.serverAddress))) return answer('error validating claims: validation failed, invalid issuer claim (iss)');
            if (typeof c['exp'] !== 'number' || c['exp'] < nowSeconds) return answer('error validating claims: validation failed, token is expired (exp)');
            if (d.values.client_id && c['aud'] !== d.values.client_id) return answer('error validating claims: validation failed, invalid audience claim (aud)');
            const entity = typeof c['sub'] === 'string' ? store.entity(c['sub']) : undefined;
            if (!entity) return answer('entity was not found');
            if (entity.disabled) return answer('entity is disabled');
            return answer();
          },
        },
      },
      helpSynopsis: 'Verify the authenticity and active state of an identity token.',
    }),
    definePath({
      pattern: 'oidc/\\.well-known/openid-configuration',
      fields: {},
      operations: {
        read: {
          summary: 'The OIDC discovery document.',
          callback: async (req) => {
            const issuer = await issuerOf(req.storage, store.serverAddress);
            return rawJson(
              { issuer, jwks_uri: `${issuer}/.well-known/keys`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS] },
            );
          },
        },
      },
      helpSynopsis: 'Query the OIDC discovery document (no token needed).',
    }),
    definePath({
      pattern: 'oidc/\\.well-known/keys',
      fields: {},
      operations: {
        read: { summary: 'The public keys that verify identity tokens.', callback: async (req) => rawJson({ keys: await publicKeys(req.storage, now()) }) },
      },
      helpSynopsis: 'The public half of every named key still valid for verification (no token needed).',
    }),
  ];

  async function writeKey(storage: Storage, d: FieldsOf<{ name: string; rotation_period: number; verification_ttl: number; algorithm: string; allowed_client_ids: string[] }>): Promise<null> {
    const v = d.values;
    return locks.run(`key/${v.name}`, async () => {
      const existing = await readKey(storage, v.name);
      const rotationPeriod = d.has('rotation_period') || !existing ? v.rotation_period : existing.rotationPeriod;
      const verificationTtl = d.has('verification_ttl') || !existing ? v.verification_ttl : existing.verificationTtl;
      const algorithm = d.has('algorithm') || !existing ? v.algorithm : existing.algorithm;
      if (rotationPeriod < 60) throw invalid('rotation_period must be at least one minute');
      if (verificationTtl > 10 * rotationPeriod) throw invalid('verification_ttl cannot be longer than 10x rotation_period');
      if (!isSigningAlgorithm(algorithm)) throw invalid(`unknown signing algorithm "${algorithm}"`);
      const key: NamedKey = existing ?? { name: v.name, algorithm, rotationPeriod, verificationTtl, allowedClientIds: [], signing: null, keyRing: [], nextRotation: 0 };
      const algorithmChanged = existing !== null && existing.algorithm !== algorithm;
      key.rotationPeriod = rotationPeriod;
      key.verificationTtl = verificationTtl;
      key.algorithm = algorithm;
      if (d.has('allowed_client_ids')) key.allowedClientIds = v.allowed_client_ids.filter((id) => id !== '');
      // A new key, or a new algorithm, needs a key pair of that kind now.
      if (!existing || algorithmChanged) await rotateKey(key, now());
      else key.nextRotation = Math.min(key.nextRotation, now() + rotationPeriod * 1000);
      await putJson(storage, KEY_PREFIX + v.name, key);
      return null;
    });
  }

  async function writeRole(storage: Storage, d: FieldsOf<{ name: string; key: string; template: string; ttl: number; client_id: string }>): Promise<null> {
    const v = d.values;
    const existing = await getJson<Role>(storage, ROLE_PREFIX + v.name);
    const role: Role = existing ?? { name: v.name, key: '', template: '', clientId: '', ttl: DAY };
    if (d.has('key')) role.key = v.key;
    if (!role.key) throw invalid('the key parameter is required');
    if (d.has('template')) role.template = normaliseTemplate(v.template);
    const problem = templateProblem(role.template);
    if (problem) throw invalid(problem);
    if (d.has('ttl') || !existing) role.ttl = v.ttl;
    if (d.has('client_id') && v.client_id) role.clientId = v.client_id;
    if (!role.clientId) role.clientId = newClientId();
    const key = await readKey(storage, role.key);
    if (!key) throw invalid(`cannot find key "${role.key}"`);
    if (role.ttl > key.verificationTtl) throw invalid("a role's token ttl cannot be longer than the verification_ttl of the key it references");
    await putJson(storage, ROLE_PREFIX + v.name, role);
    return null;
  }
}

/** Every named key's published public keys (rotating keys whose period has passed). */
async function publicKeys(storage: Storage, now: number): Promise<Array<Record<string, unknown> & { kid?: string }>> {
  const out: Array<Record<string, unknown> & { kid?: string }> = [];
  for (const name of await listKeys(storage)) {
    const key = await currentKey(storage, name, now);
    for (const entry of key?.keyRing ?? []) out.push({ ...entry.publicJwk });
  }
  return out;
}
