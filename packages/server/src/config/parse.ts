import { ownValue } from '@coffer/sdk';
import { decodeConfigText } from './decode.js';
import { FileContext } from './file-context.js';
import { parseListenerStanzas } from './listener-stanza.js';
import { SourceLocator } from './locate.js';
import { finalizeConfig } from './merge.js';
import { parsePluginStanzas } from './plugin-stanza.js';
import { parseSealStanzas, parseStorageStanza } from './stanza.js';
import { parseTelemetryStanza } from './telemetry-stanza.js';
import type { ConfigFragment, LogFormat, LogLevel, ServerConfig } from './types.js';
import { readBool, readChoice, readDuration, readString, type SettingRef } from './values.js';
import { UNSUPPORTED_TOP_LEVEL_KEYS } from './vault-keys.js';

const LOG_LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  notice: 'info',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
};
const LOG_FORMATS: Record<string, LogFormat> = { standard: 'standard', json: 'json' };

type Setter = (fragment: ConfigFragment, value: unknown, ref: SettingRef) => void;

/** Top-level scalar settings by Vault's key. */
const SETTINGS: Record<string, Setter> = {
  api_addr: (c, v, r) => (c.apiAddr = readString(v, r)),
  cluster_addr: (c, v, r) => (c.clusterAddr = readString(v, r)),
  cluster_name: (c, v, r) => (c.clusterName = readString(v, r)),
  disable_clustering: (c, v, r) => (c.disableClustering = readBool(v, r)),
  performance_standby: (c, v, r) => (c.performanceStandby = readBool(v, r)),
  plugin_directory: (c, v, r) => (c.pluginDirectory = readString(v, r)),
  plugin_warm_spares: (c, v, r) => (c.pluginWarmSpares = readBool(v, r)),
  default_lease_ttl: (c, v, r) => (c.defaultLeaseTtl = Math.trunc(readDuration(v, r))),
  max_lease_ttl: (c, v, r) => (c.maxLeaseTtl = Math.trunc(readDuration(v, r))),
  default_max_request_duration: (c, v, r) => (c.defaultMaxRequestDurationSeconds = readDuration(v, r)),
  disable_mlock: (c, v, r) => (c.disableMlock = readBool(v, r)),
  ui: (c, v, r) => (c.ui = readBool(v, r)),
  raw_storage_endpoint: (c, v, r) => (c.rawStorageEndpoint = readBool(v, r)),
  log_level: (c, v, r) => (c.logLevel = readChoice(v, LOG_LEVELS, r)),
  log_format: (c, v, r) => (c.logFormat = readChoice(v, LOG_FORMATS, r)),
};

/** The stanzas (blocks) this parser reads; each gets its own handling below. */
const STANZAS = new Set(['storage', 'backend', 'ha_storage', 'ha_backend', 'seal', 'listener', 'telemetry', 'plugin']);

/**
 * Parses one config file (HCL v1 or JSON) into what it says, without
 * defaults, so that several files can be merged. Mistakes throw a CofferError
 * 'invalid_request' naming the file, the line when it can be found, and the key.
 */
export function parseConfigFragment(text: string, fileName: string): { fragment: ConfigFragment; warnings: string[] } {
  const { syntax, root } = decodeConfigText(text, fileName);
  const ctx = new FileContext(fileName, new SourceLocator(text.replace(/^\uFEFF/, ''), syntax));
  const fragment: ConfigFragment = { seals: [], listeners: [] };

  for (const [key, value] of Object.entries(root)) {
    const setting = ctx.topLevel(key);
    const setter = ownValue(SETTINGS, key);
    if (setter !== undefined) setter(fragment, value, setting);
    else if (STANZAS.has(key)) continue;
    else if (UNSUPPORTED_TOP_LEVEL_KEYS.has(key)) {
      ctx.warn(setting.line(), `${setting.label} is a Vault setting Coffer does not support; it is ignored`);
    } else {
      ctx.warn(setting.line(), `unknown key ${setting.label} is ignored`);
    }
  }

  // Vault reads `backend` only when there is no `storage` stanza.
  const storage = root.storage !== undefined ? parseStorageStanza(root.storage, 'storage', ctx) : undefined;
  const backend = root.backend !== undefined ? parseStorageStanza(root.backend, 'backend', ctx) : undefined;
  if (storage !== undefined && backend !== undefined) {
    ctx.warn(ctx.locator.topLevelKey('backend'), 'both storage and the older backend stanza are set; backend is ignored');
  }
  const chosenStorage = storage ?? backend;
  if (chosenStorage !== undefined) fragment.storage = chosenStorage;

  const haStorage =
    root.ha_storage !== undefined
      ? parseStorageStanza(root.ha_storage, 'ha_storage', ctx)
      : root.ha_backend !== undefined
        ? parseStorageStanza(root.ha_backend, 'ha_backend', ctx)
        : undefined;
  if (haStorage !== undefined) fragment.haStorage = haStorage;

  if (root.seal !== undefined) fragment.seals = parseSealStanzas(root.seal, ctx);
  if (root.listener !== undefined) fragment.listeners = parseListenerStanzas(root.listener, ctx);
  if (root.telemetry !== undefined) fragment.telemetry = parseTelemetryStanza(root.telemetry, ctx);
  if (root.plugin !== undefined) fragment.plugins = parsePluginStanzas(root.plugin, ctx);

  return { fragment, warnings: ctx.warnings };
}

/** Parses one config file and applies Vault's defaults. */
export function parseConfig(text: string, fileName: string): { config: ServerConfig; warnings: string[] } {
  const { fragment, warnings } = parseConfigFragment(text, fileName);
  return { config: finalizeConfig(fragment), warnings };
}
