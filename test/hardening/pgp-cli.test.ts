// Issue 7, item 12 through the CLI, as Vault's: `operator init -pgp-keys
// -root-token-pgp-key`, `operator rekey -init -verify -pgp-keys -backup`,
// `operator rekey -verify`, `-backup-retrieve` / `-backup-delete`, against a
// real server process, shares decrypted with gpg.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, runCli, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { gpgUnavailable, ThrowawayGnupg } from '../support/gnupg.js';

const unavailable = gpgUnavailable();
const skip = unavailable !== undefined && process.env['CI'] !== 'true' ? `${unavailable}; skipping` : false;

describe('issue 7 item 12: coffer operator init -pgp-keys and operator rekey -verify', { skip }, () => {
  let gpg: ThrowawayGnupg;
  let server: CofferProcess;
  let env: NodeJS.ProcessEnv;
  const files: string[] = [];

  const cli = async (args: string[]): Promise<string> => {
    const res = await runCli(args, env);
    assert.equal(res.code, 0, `coffer ${args.join(' ')}\n${res.stdout}\n${res.stderr}`);
    return res.stdout;
  };

  before(async () => {
    gpg = new ThrowawayGnupg();
    for (const [i, name] of ['dana', 'erin'].entries()) {
      const { email } = await gpg.newKey(name);
      const file = join(gpg.home, `${name}.${i === 0 ? 'asc' : 'gpg'}`);
      await gpg.exportToFile(email, file, i === 0);
      files.push(file);
    }
    const port = await freePort();
    const cfg = sqliteServerConfig(port);
    server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
    env = { VAULT_ADDR: server.address, VAULT_TOKEN: '', HOME: cfg.dir };
  });
  after(async () => {
    await server?.stop();
    await gpg?.close();
  });

  it('init with -pgp-keys (armored and binary files) and -root-token-pgp-key; rekey with -verify', async () => {
    const init = JSON.parse(await cli(['operator', 'init', '-key-shares=2', '-key-threshold=2', `-pgp-keys=${files.join(',')}`, `-root-token-pgp-key=${files[1]}`, '-format=json']));
    const shares = await Promise.all((init.unseal_keys_b64 as string[]).map((k) => gpg.decryptBase64(k)));
    env = { ...env, VAULT_TOKEN: await gpg.decryptBase64(init.root_token) };
    for (const share of shares) await cli(['operator', 'unseal', share]);
    assert.match(await cli(['token', 'lookup']), /root/);

    const started = JSON.parse(await cli(['operator', 'rekey', '-init', '-key-shares=1', '-key-threshold=1', '-verify', '-backup', `-pgp-keys=${files[0]}`, '-format=json']));
    assert.equal(started.verification_required, true);
    await cli(['operator', 'rekey', `-nonce=${started.nonce}`, shares[0]!]);
    const done = JSON.parse(await cli(['operator', 'rekey', `-nonce=${started.nonce}`, '-format=json', shares[1]!]));
    assert.equal(done.verification_required, true);
    const newShare = await gpg.decryptBase64(done.keys_base64[0]);

    const backup = JSON.parse(await cli(['operator', 'rekey', '-backup-retrieve', '-format=json']));
    assert.equal(Object.values(backup.data.keys_base64 as Record<string, string[]>)[0]![0], done.keys_base64[0]);

    const status = await cli(['operator', 'rekey', '-status', '-verify']);
    assert.match(status, /Verification Nonce\s+\S+/);
    const verified = await cli(['operator', 'rekey', '-verify', `-nonce=${done.verification_nonce}`, newShare]);
    assert.match(verified, /verification successful/i);

    await cli(['operator', 'rekey', '-backup-delete']);
    const gone = await runCli(['operator', 'rekey', '-backup-retrieve'], env);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /no backed-up keys found/);

    await cli(['operator', 'seal']);
    await cli(['operator', 'unseal', newShare]);
    assert.match(await cli(['token', 'lookup']), /root/);
  });

  it('a keybase: name or a missing file is a clear CLI error', async () => {
    const res = await runCli(['operator', 'rekey', '-init', '-key-shares=1', '-key-threshold=1', '-pgp-keys=keybase:someone'], env);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /keybase/);
  });
});
