// An external plugin for the plugin-catalog tests, built with the SDK and
// bundled by scripts/build-plugin.mjs. One binary plays several plugins:
// FIXTURE_KIND ("secret" or "auth") and FIXTURE_VERSION (what it reports)
// come from the catalog entry's env.
import { createBackend, getJson, putJson, type BackendFactory } from '@coffer/sdk';
import { serve } from '@coffer/sdk/plugin/index.js';

const version = process.env['FIXTURE_VERSION'] ?? '';
const type = process.env['FIXTURE_KIND'] === 'auth' ? 'credential' : 'logical';

const factory: BackendFactory = async () =>
  createBackend({
    type,
    help: 'A fixture plugin for the plugin catalog tests.',
    runningVersion: version,
    paths: [
      {
        pattern: 'info',
        operations: { read: async () => ({ data: { pid: process.pid, version } }) },
      },
      {
        pattern: 'slow/(?<ms>\\d+)',
        operations: {
          read: async (_req, d) => {
            await new Promise((resolve) => setTimeout(resolve, Number(d.get<string>('ms'))));
            return { data: { pid: process.pid, version } };
          },
        },
      },
      {
        pattern: 'kv/(?<name>\\w+)',
        takesArbitraryInput: true,
        operations: {
          read: async (req, d) => {
            const value = await getJson<Record<string, unknown>>(req.storage, `kv/${d.get<string>('name')}`);
            return value ? { data: { ...value, pid: process.pid } } : null;
          },
          update: async (req, d) => {
            const { name: _name, ...body } = d.raw;
            await putJson(req.storage, `kv/${d.get<string>('name')}`, body);
            return null;
          },
        },
      },
      {
        pattern: 'crash',
        operations: {
          read: async () => {
            setImmediate(() => process.exit(3));
            return new Promise(() => undefined);
          },
        },
      },
    ],
  });

serve(factory);
