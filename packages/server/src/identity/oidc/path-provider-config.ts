import { randomBytes } from 'node:crypto';
import { CofferError, definePath, putJson, type PathDefinition } from '@coffer/sdk';
import type { IdentityStore } from '../store.js';
import { normaliseTemplate, templateProblem } from './claims-template.js';
import { validIssuer } from './issuer.js';
import { KEY_PREFIX, readKey, rotateKey, type NamedKey } from './named-keys.js';
import { allRecords, listRecords, readRecord, writeRecord, PREFIX, type Assignment, type Client, type Kind, type Provider, type Scope } from './provider-store.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);
const DAY = 24 * 3600;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomText = (length: number): string => [...randomBytes(length)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');

interface FieldsOf<V> {
  readonly values: V;
  has(name: string): boolean;
}

/** A LIST of one kind of record, and a DELETE that refuses while something refers to the record. */
function listPath(kind: Kind, what: string): PathDefinition {
  return definePath({
    pattern: `${PREFIX[kind].slice(0, -1)}/?`,
    fields: {},
    operations: { list: { summary: `List ${what}.`, callback: async (req) => ({ data: { keys: await listRecords(req.storage, kind) } }) } },
    helpSynopsis: `List the ${what}.`,
  });
}

/** identity/oidc/assignment, scope, client and provider: what Coffer as an OIDC provider is configured with. */
export function providerConfigPaths(store: IdentityStore): PathDefinition[] {
  const nameField = { type: 'string', description: 'Name of the record.' } as const;
  return [
    definePath({
      pattern: 'oidc/assignment/(?<name>[^/]+)',
      fields: {
        name: nameField,
        entity_ids: { type: 'comma-string-slice', description: 'Entities allowed to use the clients that list this assignment.' },
        group_ids: { type: 'comma-string-slice', description: 'Groups whose members may use the clients that list this assignment.' },
      },
      existenceCheck: async (req, d) => (await readRecord(req.storage, 'assignment', d.values.name)) !== null,
      operations: {
        read: { callback: async (req, d) => {
          const a = await readRecord<Assignment>(req.storage, 'assignment', d.values.name);
          return a ? { data: { entity_ids: a.entityIds, group_ids: a.groupIds } } : null;
        } },
        create: async (req, d) => writeAssignment(req.storage, d),
        update: async (req, d) => writeAssignment(req.storage, d),
        delete: async (req, d) => {
          const users = (await allRecords<Client>(req.storage, 'client')).filter((c) => c.assignments.includes(d.values.name)).map((c) => c.name);
          if (users.length > 0) throw invalid(`unable to delete assignment "${d.values.name}" because it is currently referenced by these clients: ${users.join(', ')}`);
          await req.storage.delete(PREFIX.assignment + d.values.name);
          return null;
        },
      },
      helpSynopsis: 'Who may use an OIDC client: entities and groups.',
    }),
    listPath('assignment', 'assignments'),
    definePath({
      pattern: 'oidc/scope/(?<name>[^/]+)',
      fields: {
        name: nameField,
        template: { type: 'string', description: 'JSON template of the claims the scope adds (may be base64-encoded).' },
        description: { type: 'string', description: 'What the scope is for.' },
      },
      existenceCheck: async (req, d) => (await readRecord(req.storage, 'scope', d.values.name)) !== null,
      operations: {
        read: { callback: async (req, d) => {
          const s = await readRecord<Scope>(req.storage, 'scope', d.values.name);
          return s ? { data: { template: s.template, description: s.description } } : null;
        } },
        create: async (req, d) => writeScope(req.storage, d),
        update: async (req, d) => writeScope(req.storage, d),
        delete: async (req, d) => {
          const users = (await allRecords<Provider>(req.storage, 'provider')).filter((p) => p.scopesSupported.includes(d.values.name)).map((p) => p.name);
          if (users.length > 0) throw invalid(`unable to delete scope "${d.values.name}" because it is currently referenced by these providers: ${users.join(', ')}`);
          await req.storage.delete(PREFIX.scope + d.values.name);
          return null;
        },
      },
      helpSynopsis: 'A scope: the claims an ID token and userinfo get when a client asks for it.',
    }),
    listPath('scope', 'scopes'),
    definePath({
      pattern: 'oidc/client/(?<name>[^/]+)',
      fields: {
        name: nameField,
        redirect_uris: { type: 'comma-string-slice', description: 'Redirection URIs the client may use (exact match).' },
        assignments: { type: 'comma-string-slice', description: 'Assignments naming who may use the client.' },
        key: { type: 'string', default: 'default', description: 'The named key that signs the client\'s ID tokens.' },
        id_token_ttl: { type: 'duration', default: DAY, description: 'TTL of ID tokens.' },
        access_token_ttl: { type: 'duration', default: DAY, description: 'TTL of access tokens.' },
        client_type: { type: 'string', default: 'confidential', description: '"confidential" (with a client secret) or "public" (PKCE only). Cannot be changed.' },
      },
      existenceCheck: async (req, d) => (await readRecord(req.storage, 'client', d.values.name)) !== null,
      operations: {
        read: { callback: async (req, d) => {
          const c = await readRecord<Client>(req.storage, 'client', d.values.name);
          if (!c) return null;
          return { data: { redirect_uris: c.redirectUris, assignments: c.assignments, key: c.key, id_token_ttl: c.idTokenTtl, access_token_ttl: c.accessTokenTtl, client_id: c.clientId, client_type: c.clientType, ...(c.clientType === 'confidential' ? { client_secret: c.clientSecret } : {}) } };
        } },
        create: async (req, d) => writeClient(req.storage, d),
        update: async (req, d) => writeClient(req.storage, d),
        delete: async (req, d) => {
          await req.storage.delete(PREFIX.client + d.values.name);
          return null;
        },
      },
      helpSynopsis: 'An OIDC client (relying party) of Coffer\'s OIDC providers.',
    }),
    listPath('client', 'clients'),
    definePath({
      pattern: 'oidc/provider/(?<name>[^/]+)',
      fields: {
        name: nameField,
        issuer: { type: 'string', description: 'scheme://host:port of the issuer (default: identity/oidc/config\'s).' },
        allowed_client_ids: { type: 'comma-string-slice', description: 'Client ids that may use the provider ("*": all).' },
        scopes_supported: { type: 'comma-string-slice', description: 'Scopes the provider offers besides openid.' },
      },
      existenceCheck: async (req, d) => (await readRecord(req.storage, 'provider', d.values.name)) !== null,
      operations: {
        read: { callback: async (req, d) => {
          const p = await readRecord<Provider>(req.storage, 'provider', d.values.name);
          return p ? { data: { issuer: p.issuer, allowed_client_ids: p.allowedClientIds, scopes_supported: p.scopesSupported } } : null;
        } },
        create: async (req, d) => writeProvider(req.storage, d),
        update: async (req, d) => writeProvider(req.storage, d),
        delete: async (req, d) => {
          await req.storage.delete(PREFIX.provider + d.values.name);
          return null;
        },
      },
      helpSynopsis: 'An OIDC provider: its issuer, the clients it serves and the scopes it offers.',
    }),
    listPath('provider', 'providers'),
  ];

  async function writeAssignment(storage: Parameters<typeof readRecord>[0], d: FieldsOf<{ name: string; entity_ids: string[]; group_ids: string[] }>): Promise<null> {
    const existing = await readRecord<Assignment>(storage, 'assignment', d.values.name);
    const a: Assignment = existing ?? { name: d.values.name, entityIds: [], groupIds: [] };
    if (d.has('entity_ids')) a.entityIds = d.values.entity_ids.filter((id) => id !== '');
    if (d.has('group_ids')) a.groupIds = d.values.group_ids.filter((id) => id !== '');
    for (const id of a.entityIds) if (!store.entity(id)) throw invalid(`entity "${id}" does not exist`);
    for (const id of a.groupIds) if (!store.group(id)) throw invalid(`group "${id}" does not exist`);
    await writeRecord(storage, 'assignment', a.name, a);
    return null;
  }

  async function writeScope(storage: Parameters<typeof readRecord>[0], d: FieldsOf<{ name: string; template: string; description: string }>): Promise<null> {
    if (d.values.name === 'openid') throw invalid('the "openid" scope name is reserved');
    const existing = await readRecord<Scope>(storage, 'scope', d.values.name);
    const s: Scope = existing ?? { name: d.values.name, template: '', description: '' };
    if (d.has('template')) s.template = normaliseTemplate(d.values.template);
    if (d.has('description')) s.description = d.values.description;
    const problem = templateProblem(s.template);
    if (problem) throw invalid(problem);
    await writeRecord(storage, 'scope', s.name, s);
    return null;
  }

  async function writeClient(storage: Parameters<typeof readRecord>[0], d: FieldsOf<{ name: string; redirect_uris: string[]; assignments: string[]; key: string; id_token_ttl: number; access_token_ttl: number; client_type: string }>): Promise<null> {
    const existing = await readRecord<Client>(storage, 'client', d.values.name);
    const type = d.has('client_type') || !existing ? d.values.client_type : existing.clientType;
    if (type !== 'confidential' && type !== 'public') throw invalid(`invalid client_type "${type}"`);
    if (existing && existing.clientType !== type) throw invalid('client_type cannot be changed');
    const c: Client = existing ?? { name: d.values.name, clientId: randomText(32), clientSecret: type === 'confidential' ? `hvo_secret_${randomText(64)}` : '', clientType: type, redirectUris: [], assignments: [], key: 'default', idTokenTtl: DAY, accessTokenTtl: DAY };
    if (d.has('redirect_uris')) c.redirectUris = d.values.redirect_uris.filter((u) => u !== '');
    if (d.has('assignments')) c.assignments = d.values.assignments.filter((a) => a !== '');
    if (d.has('key') || !existing) c.key = d.values.key;
    if (d.has('id_token_ttl') || !existing) c.idTokenTtl = d.values.id_token_ttl;
    if (d.has('access_token_ttl') || !existing) c.accessTokenTtl = d.values.access_token_ttl;
    for (const name of c.assignments) {
      if (name !== 'allow_all' && !(await readRecord(storage, 'assignment', name))) throw invalid(`assignment "${name}" does not exist`);
    }
    let key = await readKey(storage, c.key);
    if (!key && c.key === 'default') key = await defaultKey(storage);
    if (!key) throw invalid(`key "${c.key}" does not exist`);
    if (c.idTokenTtl > key.verificationTtl) throw invalid("a client's id_token_ttl cannot be greater than the verification_ttl of the key it references");
    await writeRecord(storage, 'client', c.name, c);
    return null;
  }

  async function writeProvider(storage: Parameters<typeof readRecord>[0], d: FieldsOf<{ name: string; issuer: string; allowed_client_ids: string[]; scopes_supported: string[] }>): Promise<null> {
    const existing = await readRecord<Provider>(storage, 'provider', d.values.name);
    const p: Provider = existing ?? { name: d.values.name, issuer: '', allowedClientIds: [], scopesSupported: [] };
    if (d.has('issuer')) p.issuer = d.values.issuer.replace(/\/+$/, '');
    if (!validIssuer(p.issuer)) throw invalid('invalid issuer, which must include only a scheme, host, and optional port (e.g. https://example.com:8200)');
    if (d.has('allowed_client_ids')) p.allowedClientIds = d.values.allowed_client_ids.filter((id) => id !== '');
    if (d.has('scopes_supported')) p.scopesSupported = d.values.scopes_supported.filter((s) => s !== '');
    for (const scope of p.scopesSupported) if (!(await readRecord(storage, 'scope', scope))) throw invalid(`scope "${scope}" does not exist`);
    await writeRecord(storage, 'provider', p.name, p);
    return null;
  }
}

/** Vault's "default" key, made when a client first names it: RS256, open to every client. */
async function defaultKey(storage: Parameters<typeof readRecord>[0]): Promise<NamedKey> {
  const key: NamedKey = { name: 'default', algorithm: 'RS256', rotationPeriod: DAY, verificationTtl: DAY, allowedClientIds: ['*'], signing: null, keyRing: [], nextRotation: 0 };
  await rotateKey(key, Date.now());
  await putJson(storage, KEY_PREFIX + 'default', key);
  return key;
}
