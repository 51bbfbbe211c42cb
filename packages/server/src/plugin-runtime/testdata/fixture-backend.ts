// A secrets engine written with the SDK's path framework and turned into an
// external plugin with one serve() call. The plugin-runtime tests bundle it
// with scripts/build-plugin.mjs and run it as a real process.
import { CofferError, createBackend, getJson, putJson, type BackendFactory, type ErrorCode } from '@coffer/sdk';
import { serve } from '@coffer/sdk/plugin/index.js';

const factory: BackendFactory = async (conf) => {
  const backend = createBackend({
    type: 'logical',
    help: 'A fixture secrets engine for the plugin protocol tests.',
    runningVersion: 'v1.2.3',
    pathsSpecial: { unauthenticated: ['login'], root: ['admin/*'] },
    initialize: async ({ storage }) => {
      await putJson(storage, 'meta/initialized', { at: 'initialize' });
    },
    secrets: [
      {
        type: 'token',
        defaultDuration: 60,
        renew: async (req) => ({ secret: { ...req.secret!, ttl: 120 } }),
        revoke: async () => null,
      },
    ],
    paths: [
      {
        pattern: 'kv/?',
        operations: {
          list: async (req) => ({ data: { keys: await req.storage.list('kv/') } }),
        },
      },
      {
        pattern: 'kv/(?<name>.+)',
        fields: { name: { type: 'string' } },
        takesArbitraryInput: true,
        existenceCheck: async (req, data) => (await req.storage.get(`kv/${data.get<string>('name')}`)) !== null,
        operations: {
          read: async (req, data) => {
            const value = await getJson<Record<string, unknown>>(req.storage, `kv/${data.get<string>('name')}`);
            return value ? { data: value } : null;
          },
          create: async (req, data) => {
            const { name: _name, ...body } = data.raw;
            await putJson(req.storage, `kv/${data.get<string>('name')}`, body);
            return null;
          },
          update: async (req, data) => {
            const { name: _name, ...body } = data.raw;
            await putJson(req.storage, `kv/${data.get<string>('name')}`, body);
            return { data: { updated: true }, warnings: ['overwrote an existing value'] };
          },
          delete: async (req, data) => {
            await req.storage.delete(`kv/${data.get<string>('name')}`);
            return null;
          },
        },
      },
      {
        pattern: 'page',
        fields: { after: { type: 'string' }, limit: { type: 'int' } },
        operations: {
          list: async (req, data) => ({
            data: { keys: await req.storage.listPage('kv/', data.get<string>('after'), data.get<number>('limit')) },
          }),
        },
      },
      {
        pattern: 'fail/(?<code>\\w+)',
        operations: {
          read: async (_req, data) => {
            const code = data.get<string>('code');
            if (code === 'plain') throw new Error('a plain error from the plugin');
            throw new CofferError(code as ErrorCode, `the plugin refused: ${code}`);
          },
        },
      },
      {
        pattern: 'sys-info',
        operations: {
          read: async () => ({
            data: {
              default_lease_ttl: await conf.system.defaultLeaseTtl(),
              max_lease_ttl: await conf.system.maxLeaseTtl(),
              tainted: await conf.system.tainted(),
              caching_disabled: await conf.system.cachingDisabled(),
              local_mount: await conf.system.localMount(),
              plugin_env: await conf.system.pluginEnv(),
            },
          }),
          update: async (_req, data) => {
            const info = await conf.system.responseWrapData({ wrapped: data.raw['value'] }, 300, false);
            return { data: { token: info.token, ttl: info.ttl } };
          },
        },
        takesArbitraryInput: true,
      },
      {
        pattern: 'password',
        operations: {
          read: async () => ({ data: { password: await conf.system.generatePasswordFromPolicy!('fixture') } }),
        },
      },
      {
        pattern: 'config',
        operations: {
          read: async (req) => ({
            data: {
              config: conf.config,
              backend_uuid: conf.backendUuid,
              initialized: await getJson(conf.storage, 'meta/initialized'),
              echo: req.data,
              headers: req.headers,
              policies: req.policies,
              client_token_remaining_uses: req.clientTokenRemainingUses,
              connection: req.connection ?? null,
              wrap_info: req.wrapInfo ?? null,
              mount_point: req.mountPoint,
            },
          }),
        },
        takesArbitraryInput: true,
      },
      {
        pattern: 'creds',
        operations: {
          read: async () => backend.secretResponse('token', { token: 'fixture-token' }, { issued: 'fixture' }),
        },
      },
      {
        pattern: 'raw',
        operations: {
          read: async () => ({
            data: { http_status_code: 200, http_content_type: 'application/octet-stream', http_raw_body: Buffer.from([0, 1, 2, 255]) },
          }),
        },
      },
      {
        pattern: 'log',
        operations: {
          update: async (_req, data) => {
            conf.logger.warn({ marker: data.raw['marker'] }, 'fixture structured log line');
            process.stderr.write(`plain stderr line ${String(data.raw['marker'])}\n`);
            return null;
          },
        },
        takesArbitraryInput: true,
      },
      {
        pattern: 'crash',
        operations: {
          read: async () => {
            // Die in the middle of a request, as a buggy plugin would.
            setImmediate(() => process.exit(3));
            return new Promise(() => undefined);
          },
        },
      },
    ],
  });
  return backend;
};

serve(factory);
