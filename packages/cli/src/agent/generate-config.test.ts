import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentConfig } from './config/parse.js';
import { envVariableName, renderEnvTemplateConfig } from './generate-config.js';

describe('agent generate-config', () => {
  it('names variables from the path below the mount and the key', () => {
    assert.equal(envVariableName('foo', 'password'), 'FOO_PASSWORD');
    assert.equal(envVariableName('app/db', 'user-name'), 'APP_DB_USER_NAME');
  });

  it('writes a config the agent reads back', () => {
    const text = renderEnvTemplateConfig('http://127.0.0.1:8200', '/home/u/.vault-token', ['./app', 'x'], [
      { name: 'FOO_PASSWORD', apiPath: 'secret/data/foo', key: 'password', v2: true },
      { name: 'FOO_USER_NAME', apiPath: 'secret/data/foo', key: 'user-name', v2: true },
    ]);
    const config = parseAgentConfig(text, 'agent.hcl');
    assert.equal(config.autoAuth!.method.type, 'token_file');
    assert.equal(config.autoAuth!.method.config.token_file_path, '/home/u/.vault-token');
    assert.deepEqual(config.exec!.command, ['./app', 'x']);
    assert.deepEqual(
      config.envTemplates.map((e) => [e.name, e.contents, e.errorOnMissingKey]),
      [
        ['FOO_PASSWORD', '{{ with secret "secret/data/foo" }}{{ .Data.data.password }}{{ end }}', true],
        ['FOO_USER_NAME', '{{ with secret "secret/data/foo" }}{{ index .Data.data "user-name" }}{{ end }}', true],
      ],
    );
  });
});
