import { CofferError, definePath, type PathDefinition } from '@coffer/sdk';
import { readLeaseConfig, writeConnection, writeLeaseConfig } from './entries.js';
import { ManagementClient } from './management-client.js';
import { UsernameTemplate } from '@coffer/sdk';

/** config/connection and config/lease. */
export function pathConfig(): PathDefinition[] {
  return [
    definePath({
      pattern: 'config/connection',
      fields: {
        connection_uri: { type: 'string', description: 'Address of the RabbitMQ management API, e.g. http://127.0.0.1:15672. Required.' },
        username: { type: 'string', description: 'Management user with the administrator tag. Required.' },
        password: { type: 'string', description: 'Password of that user. Required; never returned.' },
        verify_connection: { type: 'bool', default: true, description: 'Check the credentials against the API before storing them.' },
        password_policy: { type: 'string', description: 'Password policy for generated passwords; empty for the default generator.' },
        username_template: { type: 'string', description: 'Template of generated user names (Vault\'s template language).' },
      },
      operations: {
        update: {
          callback: async (req, d) => {
            const uri = d.values.connection_uri.trim();
            const username = d.values.username;
            const password = d.values.password;
            if (!uri) throw new CofferError('invalid_request', 'missing connection_uri');
            if (!username) throw new CofferError('invalid_request', 'missing username');
            if (!password) throw new CofferError('invalid_request', 'missing password');
            const template = d.values.username_template;
            if (template) UsernameTemplate.parse(template).render({ DisplayName: 'check', RoleName: 'check' });
            const config = { connection_uri: uri, username, password, password_policy: d.values.password_policy, username_template: template };
            if (d.values.verify_connection) await new ManagementClient(config).overview();
            await writeConnection(req.storage, config);
            return null;
          },
          summary: 'Configure the connection to RabbitMQ.',
        },
      },
      helpSynopsis: 'Configure the connection to the RabbitMQ management API.',
      helpDescription: 'The credentials must belong to a user with the "administrator" tag. They are stored behind the barrier and never returned.',
    }),
    definePath({
      pattern: 'config/lease',
      fields: {
        ttl: { type: 'duration', description: 'Default lease TTL of issued users; 0 for the mount\'s default.' },
        max_ttl: { type: 'duration', description: 'Longest lifetime of issued users; 0 for the mount\'s max.' },
      },
      operations: {
        update: {
          callback: async (req, d) => {
            const ttl = d.values.ttl;
            const maxTtl = d.values.max_ttl;
            if (ttl < 0 || maxTtl < 0) throw new CofferError('invalid_request', 'ttl and max_ttl cannot be negative');
            if (maxTtl > 0 && ttl > maxTtl) throw new CofferError('invalid_request', 'ttl cannot be greater than max_ttl');
            await writeLeaseConfig(req.storage, { ttl, max_ttl: maxTtl });
            return null;
          },
          summary: 'Configure the lease of issued users.',
        },
        read: {
          callback: async (req) => {
            const config = await readLeaseConfig(req.storage);
            return { data: { ttl: config.ttl, max_ttl: config.max_ttl } };
          },
          summary: 'Read the lease configuration.',
        },
      },
      helpSynopsis: 'Configure the default and maximum lease of issued RabbitMQ users.',
      helpDescription: 'When the lease ends the user is deleted from RabbitMQ and its connections are closed.',
    }),
  ];
}
