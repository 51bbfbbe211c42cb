import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, type Command } from '../cli/command.js';

export const tokenRevokeCommand: Command = {
  name: 'token revoke',
  synopsis: 'Revoke a token and its children',
  help: `
Usage: ${CLI_NAME} token revoke [options] [TOKEN | ACCESSOR]

  Revokes authentication tokens and their children. If a TOKEN is not
  provided, the locally authenticated token is used. The "-mode" flag can be
  used to control the behavior of the revocation.

  Revoke a token and all the token's children:

      $ ${CLI_NAME} token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token leaving the token's children:

      $ ${CLI_NAME} token revoke -mode=orphan 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token by accessor:

      $ ${CLI_NAME} token revoke -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da

  Revoke the locally authenticated token:

      $ ${CLI_NAME} token revoke -self`,
  flagSets: ['http'],
  flags: [
    {
      name: 'accessor',
      kind: 'bool',
      usage: 'Treat the argument as an accessor instead of a token.',
    },
    {
      name: 'self',
      kind: 'bool',
      usage: 'Perform the revocation on the currently authenticated token.',
    },
    {
      name: 'mode',
      kind: 'string',
      usage:
        'Type of revocation to perform. If unspecified, the server revokes the token and all of its children. If "orphan", the server only revokes the token, leaving the children as orphans. If "path", tokens created from the given authentication path prefix are deleted along with their children.',
    },
  ],
  async run(ctx) {
    const self = ctx.flags.bool('self');
    const accessor = ctx.flags.bool('accessor');
    const mode = ctx.flags.string('mode') ?? '';
    const n = ctx.args.length;
    const problem =
      self && n > 0
        ? `Too many arguments with -self (expected 0, got ${n})`
        : !self && n > 1
          ? `Too many arguments (expected 1 or -self, got ${n})`
          : !self && n < 1
            ? `Not enough arguments (expected 1 or -self, got ${n})`
            : self && accessor
              ? 'Cannot use -self with -accessor!'
              : self && mode !== ''
                ? 'Cannot use -self with -mode!'
                : accessor && mode === 'orphan'
                  ? 'Cannot use -accessor with -mode=orphan!'
                  : accessor && mode === 'path'
                    ? 'Cannot use -accessor with -mode=path!'
                    : undefined;
    if (problem) {
      ctx.ui.error(problem);
      return 1;
    }
    const token = (ctx.args[0] ?? '').trim();
    const client = ctx.client();
    try {
      if (self) await client.request('PUT', 'auth/token/revoke-self');
      else if (accessor) await client.request('PUT', 'auth/token/revoke-accessor', { body: { accessor: token } });
      else if (mode === 'orphan') await client.request('PUT', 'auth/token/revoke-orphan', { body: { token } });
      else if (mode === 'path') await client.request('PUT', `sys/leases/revoke-prefix/${token}`);
      else await client.request('PUT', 'auth/token/revoke', { body: { token } });
    } catch (err) {
      return apiFailure(ctx, 'Error revoking token', err);
    }
    ctx.ui.output('Success! Revoked token (if it existed)');
    return 0;
  },
};
