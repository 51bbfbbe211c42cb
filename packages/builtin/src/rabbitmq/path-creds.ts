import { CofferError, definePath, genericNameRegex, type PathDefinition, type Request, type Response, type SecretType, UsernameTemplate } from '@coffer/sdk';
import { generatePassword } from '../database/password.js';
import { managementClient, type RabbitContext } from './context.js';
import { readConnection, readLeaseConfig, readRabbitRole } from './entries.js';

export const RABBIT_CREDS_TYPE = 'creds';
const DEFAULT_USERNAME_TEMPLATE = '{{ printf "%s-%s" (.DisplayName) (uuid) }}';

/** creds/:name: a new RabbitMQ user with the role's tags and permissions, with a lease. */
export function pathCreds(ctx: RabbitContext): PathDefinition {
  return definePath({
    pattern: `creds/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the role.' } },
    operations: {
      read: {
        callback: async (req, d) => {
          const name = d.values.name;
          const role = await readRabbitRole(req.storage, name);
          if (!role) throw new CofferError('invalid_request', `unknown role: ${name}`);
          const conn = await readConnection(req.storage);
          if (!conn) throw new CofferError('invalid_request', 'configure the connection first: write rabbitmq/config/connection');
          const username = UsernameTemplate.parse(conn.username_template || DEFAULT_USERNAME_TEMPLATE).render({ DisplayName: req.displayName || 'token', RoleName: name });
          const password = await generatePassword(ctx.system, conn.password_policy);
          const client = await managementClient(req.storage);
          await client.putUser(username, password, role.tags);
          try {
            for (const [vhost, perms] of Object.entries(role.vhosts)) {
              await client.putPermissions(vhost, username, { configure: perms.configure ?? '', write: perms.write ?? '', read: perms.read ?? '' });
            }
            for (const [vhost, exchanges] of Object.entries(role.vhost_topics)) {
              for (const [exchange, perms] of Object.entries(exchanges)) {
                await client.putTopicPermissions(vhost, username, { exchange, write: perms.write ?? '', read: perms.read ?? '' });
              }
            }
          } catch (err) {
            // Half-made users are not left behind.
            await client.deleteUser(username).catch(() => undefined);
            throw err;
          }
          const lease = await readLeaseConfig(req.storage);
          return {
            data: { username, password },
            secret: { ttl: lease.ttl, maxTtl: lease.max_ttl, renewable: true, internalData: { secret_type: RABBIT_CREDS_TYPE, username } },
          };
        },
        summary: 'Create a RabbitMQ user for a role.',
      },
    },
    helpSynopsis: 'Request a new RabbitMQ user for a role.',
    helpDescription: 'The user is deleted (and its connections closed) when the lease is revoked or expires.',
  });
}

/** The lease of an issued user: renewal extends it within config/lease; revocation deletes the user. */
export function secretCreds(): SecretType {
  return {
    type: RABBIT_CREDS_TYPE,
    fields: {
      username: { type: 'string', description: 'The RabbitMQ user.' },
      password: { type: 'string', description: 'Its password.' },
    },
    renew: async (req: Request): Promise<Response | null> => {
      const lease = await readLeaseConfig(req.storage);
      const ttl = req.secret?.increment && req.secret.increment > 0 ? req.secret.increment : lease.ttl;
      return { secret: { ...req.secret!, ttl, maxTtl: lease.max_ttl, renewable: true } };
    },
    revoke: async (req: Request): Promise<Response | null> => {
      const username = req.secret?.internalData?.['username'];
      if (typeof username !== 'string' || username === '') throw new CofferError('internal', 'the lease has no "username" in its internal data');
      const client = await managementClient(req.storage);
      await client.deleteUser(username);
      await client.closeConnectionsOf(username);
      return null;
    },
  };
}
