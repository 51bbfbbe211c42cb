import { definePath, type FieldSchema, getJson, type PathDefinition, putJson, type Request, type Response, type Storage, type TypedFieldData } from '@coffer/sdk';

const KEYS_CONFIG_PATH = 'config/keys';

interface KeysConfig {
  disable_upsert: boolean;
}

/** The mount-wide key settings (only disable_upsert today), defaults when never written. */
export async function keysConfig(storage: Storage): Promise<KeysConfig> {
  return (await getJson<KeysConfig>(storage, KEYS_CONFIG_PATH)) ?? { disable_upsert: false };
}

const CONFIG_KEYS_FIELDS = {
  disable_upsert: { type: 'bool', description: 'Refuse to create a missing key on encrypt/ (the upsert), so keys exist only when made through keys/.' },
} satisfies Record<string, FieldSchema>;

export function pathConfigKeys(): PathDefinition {
  return definePath({
    pattern: 'config/keys',
    fields: CONFIG_KEYS_FIELDS,
    operations: {
      read: { callback: async (req) => ({ data: { ...(await keysConfig(req.storage)) } }), summary: 'Read the settings common to all keys.' },
      update: { callback: (req, d) => writeKeysConfig(req, d), summary: 'Change the settings common to all keys.' },
    },
    helpSynopsis: 'Configure what is common to every key of the mount.',
    helpDescription: `
disable_upsert stops encrypt/ from creating the key it is asked to use when
that key does not exist; the request then fails with "encryption key not
found", as it does for a caller without the create capability.
`,
  });
}

async function writeKeysConfig(req: Request, d: TypedFieldData<typeof CONFIG_KEYS_FIELDS>): Promise<Response> {
  const config = await keysConfig(req.storage);
  const sent = d.has('disable_upsert');
  const disable = d.values.disable_upsert;
  if (sent && disable !== config.disable_upsert) {
    config.disable_upsert = disable;
    await putJson(req.storage, KEYS_CONFIG_PATH, config);
  }
  return { data: { ...config } };
}
