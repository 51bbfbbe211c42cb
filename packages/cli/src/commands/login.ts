import type { Secret } from '../api/secret.js';
import { LOGIN_METHODS } from '../auth/login-methods.js';
import { addMfaHeader, mfaRequirementOf, singlePasscodeMethod, validateLoginMfa } from '../auth/login-mfa.js';
import { CLI_NAME, PRODUCT_NAME } from '../cli/branding.js';
import type { Command } from '../cli/command.js';
import type { Context } from '../cli/context.js';
import { parseDataArgsStrings } from '../cli/kv-args.js';
import { outputSecret, printRawField } from '../format/output.js';
import { wrapAtLength } from '../format/text-wrap.js';
import { ensureTrailingSlash, sanitizePath } from '../kv/paths.js';

export const loginCommand: Command = {
  name: 'login',
  synopsis: 'Authenticate locally',
  help: `
Usage: ${CLI_NAME} login [options] [AUTH K=V...]

  Authenticates users or machines using the provided arguments. A successful
  authentication results in a token - conceptually similar to a session token
  on a website. By default, this token is cached on the local machine
  (~/.vault-token) for future requests.

  The default auth method is "token". If not supplied via the CLI, the token
  is prompted for. If the argument is "-", the values are read from stdin.

      $ ${CLI_NAME} login s.abcd1234

  The -method flag allows using other auth methods, such as userpass or
  approle. For these, additional "K=V" pairs may be required:

      $ ${CLI_NAME} login -method=userpass username=my-username
      $ ${CLI_NAME} login -method=approle role_id=... secret_id=...

  If an auth method is enabled at a non-standard path, -method still refers to
  the type and -path to where it is enabled:

      $ ${CLI_NAME} login -method=userpass -path=userpass-prod username=alice

  When the login is subject to login MFA and one TOTP method is required,
  the passcode is prompted for; -mfa sends it with the login instead:

      $ ${CLI_NAME} login -method=userpass -mfa=METHOD_ID:123456 username=alice

  Supported methods: ${Object.keys(LOGIN_METHODS).sort().join(', ')}.`,
  flagSets: ['http', 'field', 'format'],
  flags: [
    {
      name: 'method',
      kind: 'string',
      default: 'token',
      usage:
        'Type of authentication to use such as "userpass" or "ldap". Note this corresponds to the TYPE, not the enabled path. Use -path to specify the path where the authentication is enabled.',
    },
    {
      name: 'path',
      kind: 'string',
      usage: 'Remote path where the auth method is enabled. This defaults to the TYPE of method (e.g. userpass -> userpass/).',
    },
    {
      name: 'no-store',
      kind: 'bool',
      usage:
        'Do not persist the token to the token helper (usually the local filesystem) after authentication for use in future requests. The token will only be displayed in the command output.',
    },
    {
      name: 'no-print',
      kind: 'bool',
      usage: 'Do not display the token. The token will be still be stored to the configured token helper.',
    },
    {
      name: 'mfa',
      kind: 'list',
      usage: 'Supply MFA credentials as part of X-Vault-MFA header ("<method id or name>:<passcode>"). This can be specified multiple times.',
    },
    {
      name: 'token-only',
      kind: 'bool',
      usage:
        'Output only the token with no verification. This flag is a shortcut for "-field=token -no-store". Setting those flags to other values will have no affect.',
    },
  ],
  async run(ctx) {
    let noStore = ctx.flags.bool('no-store');
    let field = ctx.field;
    const tokenOnly = ctx.flags.bool('token-only');
    if (tokenOnly) {
      noStore = true;
      field = 'token';
    }
    const noPrint = ctx.flags.bool('no-print');
    if (noStore && noPrint) {
      ctx.ui.error(wrapAtLength('-no-store and -no-print cannot be used together'));
      return 1;
    }
    const method = sanitizePath(ctx.flags.string('method') ?? '') || 'token';
    const authPath = ctx.flags.string('path') || ensureTrailingSlash(method);
    const handler = LOGIN_METHODS[method];
    if (!handler) {
      ctx.ui.error(
        wrapAtLength(
          `Unknown auth method: ${method}. Use "${CLI_NAME} auth list" to see the complete list of auth methods. Additionally, some auth methods are only available via the HTTP API.`,
        ),
      );
      return 1;
    }

    let args = ctx.args;
    // A bare first argument to the token method is the token itself.
    if (method === 'token' && args.length > 0 && !args[0]!.includes('=')) {
      args = [`token=${args[0]}`, ...args.slice(1)];
    }
    let config: Record<string, string>;
    try {
      config = await parseDataArgsStrings(ctx, args);
    } catch (err) {
      ctx.ui.error(`Error parsing configuration: ${(err as Error).message}`);
      return 1;
    }
    if (!config.mount && authPath) config.mount = authPath;

    const client = ctx.client();
    // Only the token method should present a previously stored token.
    if (method !== 'token') client.token = undefined;

    addMfaHeader(client, ctx.flags.list('mfa'));

    let secret: Secret | null;
    try {
      secret = await handler.login(ctx, client, config);
    } catch (err) {
      ctx.ui.error(`Error authenticating: ${(err as Error).message}`);
      return 2;
    }

    // Login MFA: one passcode method is prompted for; anything else is left to "write sys/mfa/validate", as Vault's CLI does.
    const mfaRequirement = mfaRequirementOf(secret);
    if (mfaRequirement) {
      const method = ctx.flags.bool('non-interactive') ? undefined : singlePasscodeMethod(mfaRequirement);
      if (!method) {
        ctx.ui.warn(wrapAtLength(`A login request was issued that is subject to MFA validation. Please make sure to validate the login by sending another request to sys/mfa/validate endpoint.`) + '\n');
        return outputSecret(ctx.ui, secret!);
      }
      try {
        secret = await validateLoginMfa(ctx, client, mfaRequirement, method);
      } catch (err) {
        ctx.ui.error(`Error authenticating: ${(err as Error).message}`);
        return 2;
      }
    }

    // A wrapped login response: unwrap it unless only the wrapping token is wanted.
    if (secret && !secret.auth && secret.wrap_info) {
      if (!secret.wrap_info.wrapped_accessor) {
        ctx.ui.error('Error extracting token: wrapped response does not contain a token');
        return 2;
      }
      if (tokenOnly) return printRawField(ctx.ui, { secret }, 'wrapping_token');
      if (noStore) return outputSecret(ctx.ui, secret);
      try {
        client.token = secret.wrap_info.token;
        secret = await client.unwrap('');
      } catch (err) {
        ctx.ui.error(`Error extracting token: ${(err as Error).message}`);
        return 2;
      }
    }
    if (!secret) {
      ctx.ui.error(`${PRODUCT_NAME} returned an empty secret`);
      return 2;
    }
    if (!secret.auth) {
      ctx.ui.error(
        wrapAtLength(
          `${PRODUCT_NAME} returned a secret, but the secret has no authentication information attached. This should never happen and is likely a bug.`,
        ),
      );
      return 2;
    }

    const token = secret.auth.client_token ?? '';
    if (!noStore) {
      try {
        ctx.tokenHelper().store(token);
      } catch (err) {
        ctx.ui.error(`Error storing token: ${(err as Error).message}`);
        ctx.ui.error(
          wrapAtLength('Authentication was successful, but the token was not persisted. The resulting token is shown below for your records.') + '\n',
        );
        outputSecret(ctx.ui, secret);
        return 2;
      }
      warnAboutEnvToken(ctx);
    } else if (!tokenOnly) {
      ctx.ui.warn(
        wrapAtLength(
          'The token was not stored in token helper. Set the VAULT_TOKEN environment variable or pass the token below with each request.',
        ) + '\n',
      );
    }

    if (noPrint) return 0;
    if (field) return printRawField(ctx.ui, { secret }, field);
    if (ctx.format === 'table') {
      ctx.ui.output(
        wrapAtLength(
          `Success! You are now authenticated. The token information displayed below is already stored in the token helper. You do NOT need to run "${CLI_NAME} login" again. Future ${PRODUCT_NAME} requests will automatically use this token.`,
        ) + '\n',
      );
    }
    return outputSecret(ctx.ui, secret);
  },
};

function warnAboutEnvToken(ctx: Context): void {
  if (ctx.io.env.VAULT_TOKEN) {
    ctx.ui.warn(
      wrapAtLength(
        'WARNING! The VAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset VAULT_TOKEN or update its value accordingly.',
      ) + '\n',
    );
  }
}

