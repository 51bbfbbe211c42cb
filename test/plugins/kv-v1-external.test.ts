// The kv v1 suite (test/http/kv-v1-suite.ts), upgrade to version 2 and seal
// included, test for test, against the built-in K/V engine run as an
// external plugin that overrides the built-in "kv".
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeKvV1 } from '../http/kv-v1-suite.js';
import { processesRunning } from './support.js';
import { assertEveryKvMountExternal, EXTERNAL_KV_COMMAND, startExternalKvServer, type PluginTestServer } from './support/external-kv.js';

let server: PluginTestServer;

describeKvV1('kv v1 (built-in engine as an external plugin)', async () => (server = await startExternalKvServer()), {
  extra: () => {
    test('every kv mount the suite used ran in the one external plugin process', async () => {
      const paths = await assertEveryKvMountExternal(server);
      assert.ok(['kv/', 'kvttl/', 'kvalias1/', 'up/'].every((p) => paths.includes(p)), paths.join(', '));
      assert.equal(processesRunning(join(server.pluginDir, EXTERNAL_KV_COMMAND)).length, 1);
    });
  },
});
