// The kv v2 suite (test/http/kv-v2-suite.ts), test for test, against the
// built-in K/V engine run as an external plugin: the built-in "kv" is
// overridden by `serve(kvFactory)` bundled into one executable, so secret/
// and every mount the suite makes are served by the plugin process.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { describeKvV2 } from '../http/kv-v2-suite.js';
import { processesRunning } from './support.js';
import { assertEveryKvMountExternal, EXTERNAL_KV_COMMAND, startExternalKvServer, type PluginTestServer } from './support/external-kv.js';

let server: PluginTestServer;

describeKvV2('kv v2 (built-in engine as an external plugin)', async () => (server = await startExternalKvServer()), {
  extra: () => {
    test('every kv mount the suite used ran in the one external plugin process', async () => {
      const paths = await assertEveryKvMountExternal(server);
      assert.ok(paths.includes('secret/') && paths.includes('data2/') && paths.includes('alias2/'), paths.join(', '));
      assert.equal(processesRunning(join(server.pluginDir, EXTERNAL_KV_COMMAND)).length, 1);
    });
  },
});
