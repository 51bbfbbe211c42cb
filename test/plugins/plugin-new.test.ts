// `coffer plugin new`: scaffold an auth method outside the repository (the
// SDK packed into its vendor/ by the command), then npm install, its own test,
// the build, and the binary registered, mounted and logged in with on a real
// server.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/coffer-process.js';
import { skipWithoutTools } from '../support/external-tools.js';
import { PluginServer } from './support.js';
import { builtSha256, npmInstall, sh } from './support/plugin-project.js';

describe('coffer plugin new (scaffold, build, register, mount, log in)', { skip: skipWithoutTools(['npm'], 'npm') }, () => {
  let base: string;
  let project: string;
  let s: PluginServer | undefined;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'coffer-plugin-new-'));
    project = join(base, 'team-login');
  });
  after(async () => {
    await s?.stop();
    rmSync(base, { recursive: true, force: true });
  });

  it('refuses a bad type or name, and a directory that is not empty', async () => {
    const badType = await runCli(['plugin', 'new', 'database', 'x'], { HOME: base });
    assert.equal(badType.code, 1);
    assert.match(badType.stderr, /Invalid plugin type "database": use "secret" \(a secrets engine\) or "auth"/);
    const badName = await runCli(['plugin', 'new', 'secret', 'My Plugin'], { HOME: base });
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /invalid plugin name "My Plugin"/);
    const notEmpty = await runCli(['plugin', 'new', `-dir=${join(process.cwd(), 'test')}`, 'secret', 'x'], { HOME: base });
    assert.equal(notEmpty.code, 1);
    assert.match(notEmpty.stderr, /already exists and is not empty/);
  });

  it('scaffolds a project that installs, passes its own tests and builds into one executable', async () => {
    const created = await runCli(['plugin', 'new', `-dir=${project}`, 'auth', 'team-login'], { HOME: base });
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Success! Created the auth plugin project team-login in /);
    for (const file of ['package.json', 'build.mjs', 'tsconfig.json', 'src/main.ts', 'src/backend.ts', 'src/path-users.ts', 'test/backend.test.ts', 'vendor/coffer-sdk-0.1.0.tgz']) {
      assert.ok(existsSync(join(project, file)), `${file} was created`);
    }
    const pkg = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies['@coffer/sdk'], 'file:vendor/coffer-sdk-0.1.0.tgz');

    await npmInstall(project);
    const tests = await sh(project, 'npm', ['test']);
    assert.match(tests, /# pass 2\n# fail 0/);
    await sh(project, 'npm', ['run', 'typecheck']);
    const built = await sh(project, 'npm', ['run', 'build']);
    const sha256 = builtSha256(built);
    assert.ok(readFileSync(join(project, 'dist/team-login'), 'utf8').startsWith('#!/usr/bin/env node\n'));

    s = await PluginServer.start();
    assert.equal(s.install(join(project, 'dist/team-login'), 'team-login-1.0.0'), sha256);
    await s.ok(['plugin', 'register', `-sha256=${sha256}`, '-command=team-login-1.0.0', '-version=v1.0.0', 'auth', 'team-login']);
    await s.ok(['auth', 'enable', 'team-login']);
    assert.equal((await s.mount('team-login/', 'auth')).running_plugin_version, 'v1.0.0');

    await s.ok(['write', 'auth/team-login/users/alice', 'passphrase=correct horse battery staple', 'policies=dev']);
    const login = await s.json(['write', 'auth/team-login/login', 'name=alice', 'passphrase=correct horse battery staple'], '');
    assert.deepEqual(login.auth.policies, ['default', 'dev']);
    assert.match(login.auth.client_token, /^hvs\./);
    const wrong = await s.cli(['write', 'auth/team-login/login', 'name=alice', 'passphrase=nope'], '');
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /invalid user name or passphrase/);
  });
});
