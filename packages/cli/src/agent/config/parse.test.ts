import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '@coffer/sdk';
import { parseAgentConfig } from './parse.js';

const HCL = `
pid_file = "./agent.pid"
vault {
  address = "https://vault.example.com:8200"
  tls_skip_verify = true
}
auto_auth {
  method "approle" {
    mount_path = "auth/my-approle"
    min_backoff = "2s"
    max_backoff = "1m"
    exit_on_err = true
    config = {
      role_id_file_path = "/etc/agent/role-id"
      secret_id_file_path = "/etc/agent/secret-id"
      remove_secret_id_file_after_reading = false
    }
  }
  sink "file" {
    wrap_ttl = "5m"
    config = {
      path = "/run/agent/token"
      mode = 0600
    }
  }
}
template_config {
  static_secret_render_interval = "10m"
  exit_on_retry_failure = true
}
template {
  source      = "/etc/agent/app.ctmpl"
  destination = "/etc/app/config"
  perms       = "0640"
  command     = "systemctl reload app"
  error_on_missing_key = true
  left_delimiter = "[["
  right_delimiter = "]]"
}
template {
  contents    = "{{ with secret \\"secret/data/x\\" }}{{ .Data.data.y }}{{ end }}"
  destination = "/etc/app/y"
  exec {
    command = ["touch", "/tmp/changed"]
    timeout = "5s"
  }
}
env_template "DB_PASSWORD" {
  contents = "{{ with secret \\"secret/data/db\\" }}{{ .Data.data.password }}{{ end }}"
}
exec {
  command = ["./app", "--serve"]
  restart_on_secret_changes = "always"
  restart_stop_signal = "SIGINT"
}
api_proxy { use_auto_auth_token = "force" }
cache {}
listener "tcp" {
  address = "127.0.0.1:8100"
  tls_disable = true
  agent_api { enable_quit = true }
}
listener "unix" {
  address = "/run/agent.sock"
  socket_mode = "0660"
}
`;

function configError(text: string, file = 'agent.hcl'): string {
  try {
    parseAgentConfig(text, file);
  } catch (err) {
    assert.ok(isCofferError(err), String(err));
    return err.message;
  }
  assert.fail('expected a config error');
}

describe('agent config', () => {
  it("reads Vault Agent's HCL stanzas", () => {
    const c = parseAgentConfig(HCL, 'agent.hcl');
    assert.equal(c.pidFile, './agent.pid');
    assert.deepEqual(c.vault, { address: 'https://vault.example.com:8200', tlsSkipVerify: true });
    const m = c.autoAuth!.method;
    assert.equal(m.type, 'approle');
    assert.equal(m.mountPath, 'auth/my-approle');
    assert.deepEqual([m.minBackoff, m.maxBackoff, m.exitOnErr], [2, 60, true]);
    assert.equal(m.config.remove_secret_id_file_after_reading, false);
    assert.deepEqual(c.autoAuth!.sinks, [{ type: 'file', path: '/run/agent/token', mode: 0o600, deriveKey: false, wrapTtl: 300 }]);
    assert.deepEqual(c.templateSettings, { staticSecretRenderInterval: 600, exitOnRetryFailure: true, maxConnectionsPerHost: 10 });
    const [t1, t2] = c.templates;
    assert.equal(t1!.perms, 0o640);
    assert.deepEqual(t1!.command, ['/bin/sh', '-c', 'systemctl reload app']);
    assert.deepEqual([t1!.leftDelimiter, t1!.rightDelimiter, t1!.errorOnMissingKey], ['[[', ']]', true]);
    assert.deepEqual(t2!.command, ['touch', '/tmp/changed']);
    assert.equal(t2!.commandTimeout, 5);
    assert.equal(c.envTemplates[0]!.name, 'DB_PASSWORD');
    assert.deepEqual(c.exec, { command: ['./app', '--serve'], restartOnSecretChanges: 'always', restartStopSignal: 'SIGINT' });
    assert.equal(c.apiProxy.useAutoAuthToken, 'force');
    assert.equal(c.cache, true);
    assert.deepEqual(
      c.listeners.map((l) => [l.type, l.address, l.enableQuit, l.socketMode]),
      [
        ['tcp', '127.0.0.1:8100', true, undefined],
        ['unix', '/run/agent.sock', false, 0o660],
      ],
    );
  });

  it('reads the JSON form, with blocks as objects or lists and method { type = … }', () => {
    const c = parseAgentConfig(
      JSON.stringify({
        vault: { address: 'http://127.0.0.1:8200' },
        auto_auth: {
          method: [{ type: 'token_file', config: { token_file_path: '/t' } }],
          sink: { file: { config: { path: '/s', mode: 384 } } },
        },
        template: { contents: 'x', destination: '/d' },
        exit_after_auth: true,
      }),
      'agent.json',
    );
    assert.equal(c.autoAuth!.method.type, 'token_file');
    assert.equal(c.autoAuth!.method.mountPath, 'auth/token_file');
    assert.equal(c.autoAuth!.sinks[0]!.mode, 0o600);
    assert.equal(c.templates.length, 1);
    assert.equal(c.exitAfterAuth, true);
  });

  it('warns about Vault settings it does not act on, with the line, and still loads', () => {
    const c = parseAgentConfig('telemetry {\n  disable_hostname = true\n}\ntemplate {\n  contents = "x"\n  destination = "/d"\n  wait {\n    min = "2s"\n  }\n}\n', 'agent.hcl');
    assert.deepEqual(c.warnings, [
      'config file "agent.hcl" line 1: "telemetry" is not supported by Coffer\'s agent; it is ignored',
      'config file "agent.hcl" line 4: "wait" in template #1 is not supported by Coffer\'s agent; it is ignored',
    ]);
    assert.equal(parseAgentConfig(HCL, 'agent.hcl').warnings.length, 0);
  });

  it('names the file and line of mistakes', () => {
    assert.match(configError('auto_auth {\n  method "approle" {\n    min_backoff = "soon"\n  }\n}\n'), /config file "agent\.hcl" line 1: "min_backoff" in method "approle" must be a duration/);
    assert.match(configError('template {\n  destination = "/x"\n}\n'), /template #1: one of "source" or "contents" is required/);
    assert.match(configError('auto_auth {\n  sink "file" { config = { path = "/x" } }\n}\n'), /exactly one method stanza is needed, found 0/);
    assert.match(configError('auto_auth {\n method "approle" {}\n sink "file" { config = { mode = "0600" } }\n}\n'), /"path" is required/);
    assert.match(configError('auto_auth {\n method "approle" {}\n sink "file" {\n dh_type = "p256"\n config = { path = "/x" }\n }\n}\n'), /dh_type must be "curve25519"/);
    assert.match(configError('exec { command = ["a"]\n restart_on_secret_changes = "sometimes" }\n'), /"always" or "never"/);
    assert.match(configError('env_template "X" { contents = "x" }\n'), /env_template stanzas need an exec stanza/);
    assert.match(configError('listener "tcp" { address = "127.0.0.1:0" }\n'), /tls_cert_file and tls_key_file are required unless tls_disable = true/);
    assert.match(configError('{ "vault": '), /config file "agent\.hcl" line 1: invalid JSON/);
  });
});
