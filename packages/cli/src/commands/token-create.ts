import { CLI_NAME } from '../cli/branding.js';
import { apiFailure, argCountError, type Command } from '../cli/command.js';
import { goDurationString } from '../format/duration.js';
import { outputSecret, printRawField } from '../format/output.js';

export const tokenCreateCommand: Command = {
  name: 'token create',
  synopsis: 'Create a new token',
  help: `
Usage: ${CLI_NAME} token create [options]

  Creates a new token that can be used for authentication. This token will be
  created as a child of the currently authenticated token. The generated token
  will inherit all policies and permissions of the currently authenticated
  token unless you explicitly define a subset list policies to assign to the
  token.

  A ttl can also be associated with the token. If a ttl is not associated with
  the token, then it cannot be renewed. If a ttl is associated with the token,
  it will expire after that amount of time unless it is renewed.

  Create a token attached to specific policies:

      $ ${CLI_NAME} token create -policy=my-policy -policy=other-policy

  Create a periodic token:

      $ ${CLI_NAME} token create -period=30m

  Create a token from a token role:

      $ ${CLI_NAME} token create -role=my-role`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    { name: 'id', kind: 'string', usage: 'Value for the token. By default, this is an auto-generated string. Specifying this value requires sudo permissions.' },
    { name: 'display-name', kind: 'string', usage: 'Name to associate with this token. This is a non-security sensitive value used to help identify created secrets (e.g. prefixes).' },
    { name: 'ttl', kind: 'duration', usage: 'Initial TTL to associate with the token. Token renewals may be able to extend beyond this value, depending on the configured maximum TTLs. This is specified as a numeric string with suffix like "30s" or "5m".' },
    { name: 'explicit-max-ttl', kind: 'duration', usage: 'Explicit maximum lifetime for the token. Unlike normal TTLs, the maximum TTL is a hard limit and cannot be exceeded. This is specified as a numeric string with suffix like "30s" or "5m".' },
    { name: 'period', kind: 'duration', usage: 'If specified, every renewal will use the given period. Periodic tokens do not expire (unless -explicit-max-ttl is also provided). Setting this value requires sudo permissions. This is specified as a numeric string with suffix like "30s" or "5m".' },
    { name: 'renewable', kind: 'bool', default: true, usage: 'Allow the token to be renewed up to it\'s maximum TTL.' },
    { name: 'orphan', kind: 'bool', usage: 'Create the token with no parent. This prevents the token from being revoked when the token which created it expires. Setting this value requires root or sudo permissions.' },
    { name: 'no-default-policy', kind: 'bool', usage: 'Detach the "default" policy from the policy set for this token.' },
    { name: 'use-limit', kind: 'int', default: 0, usage: 'Number of times this token can be used. After the last use, the token is automatically revoked. By default, tokens can be used an unlimited number of times until their expiration.' },
    { name: 'role', kind: 'string', usage: 'Name of the role to create the token against. Specifying -role may override other arguments. The locally authenticated token must have permission for "auth/token/create/<role>".' },
    { name: 'type', kind: 'string', usage: 'The type of token to create. Can be "service" or "batch".' },
    { name: 'policy', kind: 'slice', usage: 'Name of a policy to associate with this token. This can be specified multiple times to attach multiple policies.' },
    { name: 'metadata', kind: 'map', usage: 'Arbitrary key=value metadata to associate with the token. This metadata will show in the audit log when the token is used. This can be specified multiple times to add multiple pieces of metadata.' },
    { name: 'entity-alias', kind: 'string', usage: 'Name of the entity alias to associate with during token creation. Only works in combination with -role argument and used entity alias must be listed in allowed_entity_aliases.' },
  ],
  async run(ctx) {
    const usage = argCountError(ctx, '0', 0, 0);
    if (usage !== undefined) return usage;
    const f = ctx.flags;
    const body: Record<string, unknown> = {};
    const setString = (key: string, value: string | undefined): void => {
      if (value) body[key] = value;
    };
    const setDuration = (key: string, seconds: number | undefined): void => {
      if (seconds) body[key] = goDurationString(seconds);
    };
    setString('id', f.string('id'));
    const policies = f.list('policy');
    if (policies.length > 0) body.policies = policies;
    const metadata = f.map('metadata');
    if (Object.keys(metadata).length > 0) body.metadata = metadata;
    setDuration('ttl', f.duration('ttl'));
    setDuration('explicit_max_ttl', f.duration('explicit-max-ttl'));
    setDuration('period', f.duration('period'));
    if (f.bool('orphan')) body.no_parent = true;
    if (f.bool('no-default-policy')) body.no_default_policy = true;
    setString('display_name', f.string('display-name'));
    const uses = f.int('use-limit') ?? 0;
    if (uses !== 0) body.num_uses = uses;
    body.renewable = f.bool('renewable');
    setString('type', f.string('type'));
    setString('entity_alias', f.string('entity-alias'));

    const role = f.string('role');
    const path = role ? `auth/token/create/${role}` : 'auth/token/create';
    let secret;
    try {
      secret = await ctx.client().secret('POST', path, { body });
    } catch (err) {
      return apiFailure(ctx, 'Error creating token', err);
    }
    if (ctx.field && secret) return printRawField(ctx.ui, { secret }, ctx.field);
    return outputSecret(ctx.ui, secret);
  },
};
