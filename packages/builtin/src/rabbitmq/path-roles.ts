import { CofferError, definePath, genericNameRegex, listResponse, type PathDefinition } from '@coffer/sdk';
import { deleteRabbitRole, listRabbitRoles, readRabbitRole, writeRabbitRole, type TopicPermissions, type VhostPermissions } from './entries.js';

/** roles/ and roles/:name: the tags and permissions of issued users. */
export function pathRoles(): PathDefinition[] {
  return [
    {
      pattern: 'roles/?',
      operations: { list: { callback: async (req) => listResponse(await listRabbitRoles(req.storage)), summary: 'List the roles.' } },
      helpSynopsis: 'List the roles.',
      helpDescription: 'A LIST returns the names of every role.',
    },
    definePath({
      pattern: `roles/${genericNameRegex('name')}`,
      fields: {
        name: { type: 'string', description: 'Name of the role.' },
        tags: { type: 'string', description: 'Comma-separated RabbitMQ user tags (e.g. "management").' },
        vhosts: { type: 'string', description: 'JSON: vhost → {"configure": regex, "write": regex, "read": regex}.' },
        vhost_topics: { type: 'string', description: 'JSON: vhost → exchange → {"write": regex, "read": regex}.' },
      },
      operations: {
        update: {
          callback: async (req, d) => {
            const vhosts = parseJsonObject<Record<string, VhostPermissions>>(d.values.vhosts, 'vhosts');
            for (const [vhost, perms] of Object.entries(vhosts)) checkPerms(perms, ['configure', 'write', 'read'], `vhosts["${vhost}"]`);
            const topics = parseJsonObject<Record<string, Record<string, TopicPermissions>>>(d.values.vhost_topics, 'vhost_topics');
            for (const [vhost, exchanges] of Object.entries(topics)) {
              if (!exchanges || typeof exchanges !== 'object') throw new CofferError('invalid_request', `vhost_topics["${vhost}"] must map exchanges to permissions`);
              for (const [exchange, perms] of Object.entries(exchanges)) checkPerms(perms, ['write', 'read'], `vhost_topics["${vhost}"]["${exchange}"]`);
            }
            await writeRabbitRole(req.storage, d.values.name, { tags: d.values.tags, vhosts, vhost_topics: topics });
            return null;
          },
          summary: 'Create or replace a role.',
        },
        read: {
          callback: async (req, d) => {
            const role = await readRabbitRole(req.storage, d.values.name);
            return role ? { data: { tags: role.tags, vhosts: role.vhosts, vhost_topics: role.vhost_topics } } : null;
          },
          summary: 'Read a role.',
        },
        delete: {
          callback: async (req, d) => {
            await deleteRabbitRole(req.storage, d.values.name);
            return null;
          },
          summary: 'Delete a role.',
        },
      },
      helpSynopsis: 'Manage the roles that issue RabbitMQ users.',
      helpDescription: 'Each read of creds/:name creates a user with the role\'s tags and its permissions on each vhost and topic exchange.',
    }),
  ];
}

function parseJsonObject<T>(text: string, field: string): T {
  if (text.trim() === '') return {} as T;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CofferError('invalid_request', `failed to unmarshal ${field} JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CofferError('invalid_request', `${field} must be a JSON object`);
  return parsed as T;
}

function checkPerms(perms: unknown, keys: string[], where: string): void {
  if (!perms || typeof perms !== 'object') throw new CofferError('invalid_request', `${where} must be an object with ${keys.join(', ')}`);
  for (const [key, value] of Object.entries(perms)) {
    if (!keys.includes(key)) throw new CofferError('invalid_request', `${where}: unknown permission "${key}" (use ${keys.join(', ')})`);
    if (typeof value !== 'string') throw new CofferError('invalid_request', `${where}.${key} must be a regular expression string`);
    try {
      new RegExp(value);
    } catch {
      throw new CofferError('invalid_request', `${where}.${key} is not a valid regular expression`);
    }
  }
}
