import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';

export const leaseRevokeCommand: Command = {
  name: 'lease revoke',
  synopsis: 'Revoke leases and secrets',
  help: `
Usage: ${CLI_NAME} lease revoke [options] ID

  Revokes secrets by their lease ID. This command can revoke a single secret
  or multiple secrets based on a path-matched prefix.

  The default behavior when not using -force is to revoke asynchronously;
  the server queues the revocation and keeps retrying it if it fails. Use
  -sync to wait for the revocation and see its error.

  Revoke a single lease:

      $ ${CLI_NAME} lease revoke database/creds/readonly/2f6a614c...

  Revoke all leases for a role:

      $ ${CLI_NAME} lease revoke -prefix database/creds/readonly

  Remove leases whose revocation keeps failing (the secrets may still be
  valid in the engine; use with care):

      $ ${CLI_NAME} lease revoke -force -prefix database/creds/readonly`,
  flagSets: ['http'],
  flags: [
    {
      name: 'force',
      aliases: ['f'],
      kind: 'bool',
      usage:
        'Delete the lease from the server even if the engine that issued it fails to revoke the secret. Requires -prefix. This is a last resort.',
    },
    { name: 'prefix', kind: 'bool', usage: 'Treat the ID as a prefix instead of an exact lease ID. This can revoke multiple leases.' },
    { name: 'sync', kind: 'bool', usage: 'Wait for the revocation to finish and report its error, instead of queueing it.' },
  ],
  async run(ctx) {
    if (ctx.args.length !== 1) {
      ctx.ui.error(ctx.args.length === 0 ? 'Missing ID!' : `Too many arguments (expected 1, got ${ctx.args.length})`);
      return 1;
    }
    const id = ctx.args[0]!.trim();
    const force = ctx.flags.bool('force');
    const prefix = ctx.flags.bool('prefix');
    const sync = ctx.flags.bool('sync');
    if (force && !prefix) {
      ctx.ui.error('Specifying -force requires also specifying -prefix');
      return 1;
    }
    if (force && sync) {
      ctx.ui.error('-sync cannot be used with -force');
      return 1;
    }
    const client = ctx.client();
    try {
      if (force) {
        await client.request('PUT', `sys/leases/revoke-force/${id}`);
        ctx.ui.warn('Warning! Force-removing leases can cause the server to lose track of secrets that are still valid.');
        ctx.ui.output(`Success! Force revoked any leases with prefix: ${id}`);
        return 0;
      }
      if (prefix) await client.request('PUT', `sys/leases/revoke-prefix/${id}`, { body: { sync } });
      else await client.request('PUT', 'sys/leases/revoke', { body: { lease_id: id, sync } });
    } catch (err) {
      return apiFailure(ctx, prefix ? `Error revoking leases with prefix ${id}` : `Error revoking lease ${id}`, err);
    }
    if (!sync) ctx.ui.output('All revocation operations queued successfully!');
    else ctx.ui.output(prefix ? `Success! Revoked any leases with prefix: ${id}` : `Success! Revoked lease: ${id}`);
    return 0;
  },
};
