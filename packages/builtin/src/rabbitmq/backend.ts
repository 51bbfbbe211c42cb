import { createBackend, type BackendConfig, type BackendFactory, type FrameworkBackend } from '@coffer/sdk';
import type { RabbitContext } from './context.js';
import { pathConfig } from './path-config.js';
import { pathCreds, secretCreds } from './path-creds.js';
import { pathRoles } from './path-roles.js';

const HELP =
  'The RabbitMQ secrets engine creates RabbitMQ users on demand through the management API. Configure ' +
  '"config/connection" with an administrator\'s credentials, define roles with tags and vhost permissions under ' +
  '"roles/<name>", and read "creds/<role>" for a new user with a lease; when the lease ends the user is deleted.';

export function createRabbitmqBackend(conf: BackendConfig): FrameworkBackend {
  const ctx: RabbitContext = { system: conf.system, logger: conf.logger.child({ engine: 'rabbitmq' }) };
  return createBackend({
    type: 'logical',
    help: HELP,
    pathsSpecial: { sealWrapStorage: ['config/connection'] },
    paths: [...pathConfig(), ...pathRoles(), pathCreds(ctx)],
    secrets: [secretCreds()],
  });
}

export const rabbitmqFactory: BackendFactory = async (conf) => createRabbitmqBackend(conf);
