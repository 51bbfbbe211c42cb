import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { printKeyStatus } from './operator-key-status.js';

export const operatorRotateCommand: Command = {
  name: 'operator rotate',
  synopsis: 'Rotates the underlying encryption key',
  help: `
Usage: ${CLI_NAME} operator rotate [options]

  Rotates the underlying encryption key which is used to secure data written
  to the storage backend. This installs a new key in the key ring. This new
  key is used to encrypt new data, while older keys in the ring are used to
  decrypt older data.

  This is an online operation and does not cause downtime.

      $ ${CLI_NAME} operator rotate`,
  flagSets: ['http', 'format'],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const client = ctx.client();
    try {
      await client.request('PUT', 'sys/rotate');
    } catch (err) {
      return apiFailure(ctx, 'Error rotating key', err);
    }
    return printKeyStatus(ctx, client, ['Success! Rotated key', '']);
  },
};
