// The TOTP engine with the `coffer` CLI against a server process, as the
// docs show it: a provider key from a URL whose codes oathtool agrees with,
// and a generated key whose barcode is a PNG and whose code validates once.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, runCli, startCoffer, type CofferProcess } from '../support/coffer-process.js';
import { skipWithoutTools } from '../support/external-tools.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('totp with the coffer CLI', { skip: skipWithoutTools(['oathtool'], 'oathtool') }, () => {
  let coffer: CofferProcess;
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'coffer-totp-cli-'));
    const port = await freePort();
    coffer = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=totp-root'], port, { HOME: home });
    env = { HOME: home, VAULT_ADDR: coffer.address, VAULT_TOKEN: 'totp-root' };
    assert.equal((await runCli(['secrets', 'enable', 'totp'], env)).code, 0);
  });

  after(async () => {
    await coffer?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const oathtool = (atSeconds: number): string =>
    execFileSync('oathtool', ['--totp=SHA256', '-d', '8', '-s', '30', '-N', `@${atSeconds}`, '-b', SECRET]).toString().trim();

  it('a key from a URL makes the codes oathtool makes', async () => {
    const url = `otpauth://totp/ACME:ops@example.com?secret=${SECRET}&algorithm=SHA256&digits=8&issuer=ACME`;
    const write = await runCli(['write', 'totp/keys/acme', `url=${url}`], env);
    assert.equal(write.code, 0, write.stderr);
    const before = Math.floor(Date.now() / 1000);
    const read = await runCli(['read', '-field=code', 'totp/code/acme'], env);
    const after = Math.floor(Date.now() / 1000);
    assert.equal(read.code, 0, read.stderr);
    // The period may turn between the two clock readings: the code is one of theirs.
    assert.ok([oathtool(before), oathtool(after)].includes(read.stdout.trim()), `coffer said ${read.stdout.trim()}`);
    const shown = await runCli(['read', '-format=json', 'totp/keys/acme'], env);
    assert.deepEqual(JSON.parse(shown.stdout).data, { account_name: 'ops@example.com', algorithm: 'SHA256', digits: 8, issuer: 'ACME', period: 30 });
  });

  it('a generated key: the barcode is a PNG, a code validates once', async () => {
    const barcode = await runCli(['write', '-field=barcode', 'totp/keys/alice', 'generate=true', 'issuer=ACME', 'account_name=alice'], env);
    assert.equal(barcode.code, 0, barcode.stderr);
    assert.equal(Buffer.from(barcode.stdout.trim(), 'base64').subarray(1, 4).toString(), 'PNG');
    const code = (await runCli(['read', '-field=code', 'totp/code/alice'], env)).stdout.trim();
    const first = await runCli(['write', '-field=valid', 'totp/code/alice', `code=${code}`], env);
    assert.equal(first.stdout.trim(), 'true');
    const replay = await runCli(['write', 'totp/code/alice', `code=${code}`], env);
    assert.equal(replay.code, 2);
    assert.match(replay.stderr, /code already used; wait until the next time period/);
  });
});
