// coffer agent templates against a real server process: a KV v2 secret
// rendered to a 0600 file and re-rendered (command run) within the static
// interval; a leased token renewed and replaced before its lease ends; and
// template mistakes reported with the file and line, nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerForFile, exitCode, fileChanged, rootTokenAgentConfig, startAgent, startDevServer, vaultApi, waitFor } from '../../support/agent-process.js';

const ROOT = 'root';

// One server for the tests that leave it running (each uses its own paths).
const sharedServer = devServerForFile(ROOT);

/** An agent config whose auto-auth reads the root token from a file. */
function agentConfig(dir: string, address: string, body: string): string {
  return rootTokenAgentConfig(dir, address, ROOT, body);
}

test('a KV v2 secret renders to a 0600 file and re-renders within the static interval, running the command once per change', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-tpl-'));
  assert.equal((await vaultApi(server.address, 'POST', 'secret/data/app', ROOT, { data: { password: 'first', user: 'svc' } })).status, 200);
  writeFileSync(join(dir, 'app.ctmpl'), '{{ with secret "secret/data/app" -}}\nuser={{ .Data.data.user }}\npassword={{ .Data.data.password }}\n{{- end }}\n');
  const out = join(dir, 'app.env');
  const runs = join(dir, 'runs');
  const config = agentConfig(
    dir,
    server.address,
    `template_config { static_secret_render_interval = "500ms" }
template {
  source      = "${join(dir, 'app.ctmpl')}"
  destination = "${out}"
  perms       = "0600"
  command     = "echo run >> ${runs}"
}`,
  );
  const agent = startAgent([`-config=${config}`]);
  try {
    assert.equal(await waitFor('the first render', fileChanged(out), 10_000, agent), 'user=svc\npassword=first\n');
    assert.equal(statSync(out).mode & 0o777, 0o600);
    await waitFor('the command', fileChanged(runs), 5_000, agent);

    await vaultApi(server.address, 'POST', 'secret/data/app', ROOT, { data: { password: 'second', user: 'svc' } });
    const started = Date.now();
    assert.equal(await waitFor('the re-render', fileChanged(out, 'user=svc\npassword=first\n'), 5_000, agent), 'user=svc\npassword=second\n');
    assert.ok(Date.now() - started < 3_000, 're-rendered within a few static intervals');
    await waitFor('the second command run', () => (readFileSync(runs, 'utf8') === 'run\nrun\n' ? true : undefined), 5_000, agent);
    // Unchanged secrets re-read at each interval do not run the command again.
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(readFileSync(runs, 'utf8'), 'run\nrun\n');

    // SIGHUP re-reads the template source.
    writeFileSync(join(dir, 'app.ctmpl'), '{{ with secret "secret/data/app" }}PASSWORD={{ .Data.data.password }}{{ end }}\n');
    agent.child.kill('SIGHUP');
    assert.equal(await waitFor('the reloaded template', fileChanged(out, 'user=svc\npassword=second\n'), 5_000, agent), 'PASSWORD=second\n');
  } finally {
    await agent.stop();
  }
});

test('a leased secret (a token from a token role) is renewed, then replaced and re-rendered before its lease ends', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-tpl-'));
  assert.equal((await vaultApi(server.address, 'POST', 'auth/token/roles/app', ROOT, { token_explicit_max_ttl: '5s', renewable: true })).status, 204);
  const out = join(dir, 'token.txt');
  const config = agentConfig(
    dir,
    server.address,
    `template {
  contents    = "{{ with secret \\"auth/token/create/app\\" \\"ttl=3s\\" \\"policies=default\\" }}{{ .Auth.ClientToken }}{{ end }}"
  destination = "${out}"
}`,
  );
  const agent = startAgent([`-config=${config}`, '-log-level=debug']);
  try {
    const first = await waitFor('the first token', fileChanged(out), 10_000, agent);
    const issued = await vaultApi(server.address, 'POST', 'auth/token/lookup', ROOT, { token: first });
    // Renewals move expire_time up to the role's explicit max TTL (5s after issue).
    const expiresAt = Date.parse(issued.body.data.issue_time as string) + 5_000;
    await waitFor(
      'a renewal of the first token',
      async () => ((await vaultApi(server.address, 'POST', 'auth/token/lookup', ROOT, { token: first })).body?.data?.last_renewal_time ? true : undefined),
      5_000,
      agent,
    );
    const second = await waitFor('a new token', fileChanged(out, first), 8_000, agent);
    assert.ok(Date.now() < expiresAt, `the new token was rendered ${Date.now() - expiresAt}ms after the first one ended\n${agent.output()}`);
    assert.equal((await vaultApi(server.address, 'GET', 'auth/token/lookup-self', second)).status, 200);
  } finally {
    await agent.stop();
  }
});

test('template mistakes are reported with the file and line; nothing is written', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-tpl-'));
  await vaultApi(server.address, 'POST', 'secret/data/app', ROOT, { data: { password: 'pw' } });
  const source = join(dir, 'bad.ctmpl');
  writeFileSync(source, 'ok\n{{ nosuchfunc "x" }}\n');
  const out = join(dir, 'bad.out');
  const unknownFn = startAgent([`-config=${agentConfig(dir, server.address, `template {\n source = "${source}"\n destination = "${out}"\n}`)}`]);
  assert.equal(await exitCode(unknownFn), 1);
  assert.match(unknownFn.output(), new RegExp(`template: ${source.replace(/[/.]/g, '\\$&')}:2: function "nosuchfunc" not defined`));
  assert.equal(existsSync(out), false);

  // A missing key under error_on_missing_key: the first template rendered
  // fine, but nothing of the pass is written.
  const good = join(dir, 'good.out');
  writeFileSync(source, '{{ with secret "secret/data/app" }}\n{{ .Data.data.nope }}{{ end }}');
  const missing = startAgent([
    `-config=${agentConfig(
      dir,
      server.address,
      `template {\n contents = "{{ with secret \\"secret/data/app\\" }}{{ .Data.data.password }}{{ end }}"\n destination = "${good}"\n}\ntemplate {\n source = "${source}"\n destination = "${out}"\n error_on_missing_key = true\n}`,
    )}`,
  ]);
  assert.equal(await exitCode(missing), 1);
  assert.match(missing.output(), new RegExp(`${source.replace(/[/.]/g, '\\$&')}:2:\\d+: .*map has no entry for key "nope"`));
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(good), false);
});

test('exit_on_retry_failure: the agent stops after vault { retry { num_retries } } failed fetches, saying why', async () => {
  const server = await startDevServer(ROOT);
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-tpl-'));
  await vaultApi(server.address, 'POST', 'secret/data/app', ROOT, { data: { password: 'pw' } });
  const out = join(dir, 'out');
  const config = agentConfig(
    dir,
    server.address,
    `template_config {
  static_secret_render_interval = "300ms"
  exit_on_retry_failure = true
}
template {
  contents = "{{ with secret \\"secret/data/app\\" }}{{ .Data.data.password }}{{ end }}"
  destination = "${out}"
}`,
  );
  writeFileSync(config, readFileSync(config, 'utf8').replace(`vault { address = "${server.address}" }`, `vault {\n  address = "${server.address}"\n  retry { num_retries = 2 }\n}`));
  const agent = startAgent([`-config=${config}`]);
  try {
    assert.equal(await waitFor('the first render', fileChanged(out), 10_000, agent), 'pw');
  } finally {
    await server.stop();
  }
  assert.equal(await exitCode(agent), 1, agent.output());
  assert.match(agent.output(), /template rendering failed after 3 attempts \(exit_on_retry_failure is set\): .*connection refused/);
  assert.equal(readFileSync(out, 'utf8'), 'pw', 'the last good render stays');
});

test('-exit-after-auth renders the templates once (secrets, KV v2 paths without data/, toJSON, base64Decode, env, file) and exits 0', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-tpl-'));
  await vaultApi(server.address, 'POST', 'secret/data/apps/a', ROOT, { data: { v: 'YWxwaGE=' } });
  await vaultApi(server.address, 'POST', 'secret/data/apps/b', ROOT, { data: { v: 'YnJhdm8=' } });
  writeFileSync(join(dir, 'extra.txt'), 'from-a-file');
  writeFileSync(
    join(dir, 'all.ctmpl'),
    `{{- range secrets "secret/metadata/apps/" }}
{{ . }}={{ with secret (printf "secret/data/apps/%s" .) }}{{ .Data.data.v | base64Decode }}{{ end }}
{{- end }}
{{ with secret "secret/apps/a" }}{{ toJSON .Data.data }}{{ end }}
{{ env "AGENT_TEST_ENV" }} {{ file "${join(dir, 'extra.txt')}" }}
`,
  );
  const out = join(dir, 'all.out');
  const config = agentConfig(dir, server.address, `template {\n source = "${join(dir, 'all.ctmpl')}"\n destination = "${out}"\n}`);
  const agent = startAgent([`-config=${config}`, '-exit-after-auth'], { AGENT_TEST_ENV: 'env-value' });
  assert.equal(await exitCode(agent), 0, agent.output());
  assert.equal(readFileSync(out, 'utf8'), '\na=alpha\nb=bravo\n{"v":"YWxwaGE="}\nenv-value from-a-file\n');
});
