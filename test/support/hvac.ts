import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

/** The Python that Debian's python3-hvac installs hvac for. */
export const PYTHON = '/usr/bin/python3';

/**
 * A skip reason when hvac cannot be imported; under CI=true never a skip
 * (the test then fails on the missing module, as a missing service must).
 */
export function hvacMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import hvac'], { encoding: 'utf8' });
  if (probe.status === 0 || process.env['CI'] === 'true') return false;
  return 'hvac is not installed for /usr/bin/python3 (Debian package python3-hvac; scripts/ensure-services.sh installs it); skipping';
}

/**
 * Runs a Python script with hvac: `python3 -c script address ...args`, and
 * parses what it printed as JSON. Asynchronous, so that services this
 * process serves (an OpenID provider's JWKS) answer while hvac waits.
 */
export async function runHvacScript(script: string, args: string[]): Promise<Record<string, any>> {
  const run = await promisify(execFile)(PYTHON, ['-c', script, ...args], { timeout: 60_000 });
  return JSON.parse(run.stdout) as Record<string, any>;
}

/**
 * The script of a login check for runHvacScript: logs in with `args[1]` as
 * the credential, sees that the client is authenticated, looks its token up,
 * then tries `args[2]` with a fresh client. `login` is a Python expression of
 * `c` (a client), `secret` (the credential) and `mount` (args[0]), plus
 * `extra` (args[3:]). Prints {login, authenticated, lookup, refused} — or
 * {error} when the good login failed; `refused` is hvac's exception type and
 * Vault's errors, or null when the second login was not refused.
 */
export function hvacLoginCheckScript(login: string): string {
  return `
import json, sys, hvac
addr, mount, good, bad = sys.argv[1:5]
extra = sys.argv[5:]
def login(c, secret):
    return ${login}
client = hvac.Client(url=addr)
out = {}
try:
    out['login'] = login(client, good)['auth']
    out['authenticated'] = client.is_authenticated()
    out['lookup'] = client.auth.token.lookup_self()['data']
except hvac.exceptions.VaultError as err:
    out['error'] = type(err).__name__ + ': ' + str(err)
try:
    login(hvac.Client(url=addr), bad)
    out['refused'] = None
except hvac.exceptions.VaultError as err:
    out['refused'] = {'type': type(err).__name__, 'errors': err.errors}
print(json.dumps(out))
`;
}
