// coffer agent exec: the child gets its secrets as environment variables, is
// restarted exactly once when a secret changes, receives the agent's signals,
// and its exit code becomes the agent's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../support/coffer-process.js';
import { devServerForFile, exitCode, rootTokenAgentConfig, startAgent, vaultApi, waitFor } from '../../support/agent-process.js';

const ROOT = 'root';

const sharedServer = devServerForFile(ROOT);

test('exec: env_template values in the environment, one restart per change, signals and exit code forwarded', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-exec-'));
  await vaultApi(server.address, 'POST', 'secret/data/db', ROOT, { data: { password: 'pw-1' } });
  const log = join(dir, 'starts.log');
  const child = join(dir, 'child.mjs');
  writeFileSync(
    child,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(log)}, process.env.DB_PASSWORD + ' ' + process.env.APP_NAME + '\\n');
process.on('SIGTERM', () => process.exit(0));
process.on('SIGUSR2', () => process.exit(7));
setInterval(() => {}, 1000);
`,
  );
  const config = rootTokenAgentConfig(
    dir,
    server.address,
    ROOT,
    `template_config { static_secret_render_interval = "300ms" }
env_template "DB_PASSWORD" {
  contents = "{{ with secret \\"secret/data/db\\" }}{{ .Data.data.password }}{{ end }}"
  error_on_missing_key = true
}
env_template "APP_NAME" { contents = "app-{{ env \\"SUFFIX\\" }}" }
exec {
  command = ["${process.execPath}", "${child}"]
  restart_on_secret_changes = "always"
  restart_stop_signal = "SIGTERM"
}`,
  );
  const agent = startAgent([`-config=${config}`], { SUFFIX: 'x' });
  const lines = (): string[] => {
    try {
      return readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  };
  await waitFor('the child', () => (lines().length >= 1 ? true : undefined), 10_000, agent);
  assert.deepEqual(lines(), ['pw-1 app-x']);

  await vaultApi(server.address, 'POST', 'secret/data/db', ROOT, { data: { password: 'pw-2' } });
  await waitFor('the restart', () => (lines().length >= 2 ? true : undefined), 5_000, agent);
  // Several more render intervals pass without another restart.
  await new Promise((r) => setTimeout(r, 1_500));
  assert.deepEqual(lines(), ['pw-1 app-x', 'pw-2 app-x']);

  // A signal to the agent goes to the child; its exit code is the agent's.
  agent.child.kill('SIGUSR2');
  assert.equal(await exitCode(agent), 7, agent.output());
});

test('agent generate-config -type=env-template writes a config the agent runs as is', async () => {
  const server = sharedServer();
  const home = mkdtempSync(join(tmpdir(), 'coffer-agent-gen-'));
  await vaultApi(server.address, 'POST', 'secret/data/app/db', ROOT, { data: { password: 'gen-pw', 'user-name': 'svc' } });
  await vaultApi(server.address, 'POST', 'secret/data/app/api', ROOT, { data: { key: 'k1' } });
  writeFileSync(join(home, '.vault-token'), ROOT);
  const out = join(home, 'env.out');
  const child = join(home, 'print-env.mjs');
  writeFileSync(
    child,
    `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(out)}, [process.env.APP_DB_PASSWORD, process.env.APP_DB_USER_NAME, process.env.APP_API_KEY].join(' '));\n`,
  );
  const configPath = join(home, 'generated.hcl');
  const env = { VAULT_ADDR: server.address, VAULT_TOKEN: ROOT, HOME: home };
  const generated = await runCli(['agent', 'generate-config', '-type=env-template', `-exec=${process.execPath} ${child}`, '-path=secret/app/*', configPath], env);
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(readFileSync(configPath, 'utf8'), /env_template "APP_DB_PASSWORD"/);
  const again = await runCli(['agent', 'generate-config', '-type=env-template', '-path=secret/app/db', configPath], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);

  // The child prints its environment and exits 0; so does the agent.
  const agent = startAgent([`-config=${configPath}`], { HOME: home });
  assert.equal(await exitCode(agent), 0, agent.output());
  assert.equal(readFileSync(out, 'utf8'), 'gen-pw svc k1');
});
