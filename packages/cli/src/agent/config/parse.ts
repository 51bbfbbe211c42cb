// Reads Vault Agent's configuration file (HCL v1 or JSON) with the server's
// config reader: the same decoder, line finder and value checks, so that a
// mistake is reported the same way ("config file "x" line N: …").
import { readFile } from 'node:fs/promises';
import { decodeConfigText } from '@coffer/server/config/decode.js';
import { configError } from '@coffer/server/config/errors.js';
import { FileContext } from '@coffer/server/config/file-context.js';
import { SourceLocator } from '@coffer/server/config/locate.js';
import { readBool, readDuration, readInteger, readString, type SettingRef } from '@coffer/server/config/values.js';
import type {
  AgentConfig,
  ApiProxyConfig,
  AutoAuthConfig,
  AutoAuthMethodConfig,
  EnvTemplateConfig,
  ExecConfig,
  ListenerConfig,
  SinkConfig,
  TemplateConfig,
  TemplateSettings,
  VaultStanza,
} from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const DEFAULT_STATIC_SECRET_RENDER_INTERVAL = 300;

/** Reads and checks an agent config file. Throws a CofferError naming the file and line. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw configError(path, undefined, `cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseAgentConfig(text, path);
}

/** A stanza being read: how to name its keys and find its line. */
class Stanza {
  constructor(
    readonly ctx: FileContext,
    readonly name: string,
    readonly body: Obj,
    private readonly topKey: string,
  ) {}

  ref(key: string): SettingRef {
    return { file: this.ctx.file, label: `"${key}" in ${this.name}`, line: () => this.line() };
  }

  line(): number | undefined {
    return this.ctx.locator.topLevelKey(this.topKey);
  }

  string(key: string): string | undefined {
    const v = this.body[key];
    return v === undefined ? undefined : readString(v, this.ref(key));
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.body[key];
    return v === undefined ? fallback : readBool(v, this.ref(key));
  }

  duration(key: string): number | undefined {
    const v = this.body[key];
    return v === undefined ? undefined : readDuration(v, this.ref(key));
  }

  /**
   * A file mode. HCL reads `0600` as an octal number already (384), so a
   * number is the mode itself, as in Vault; a string is octal ("0600").
   */
  mode(key: string, fallback: number): number {
    const v = this.body[key];
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0o7777) return v;
    const text = typeof v === 'string' ? v.trim() : '';
    if (!/^0?[0-7]{3,4}$/.test(text)) throw this.error(`"${key}" must be a file mode such as 0600 or "0600"`);
    return Number.parseInt(text, 8);
  }

  /** A command as a list of words, or one string split on spaces as Vault does. */
  command(key: string): string[] | undefined {
    const v = this.body[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((w) => typeof w === 'string')) return v as string[];
    // A string is a shell command line, as Vault runs it.
    if (typeof v === 'string') return v.trim() === '' ? undefined : ['/bin/sh', '-c', v];
    throw this.error(`"${key}" must be a command: a list of words such as ["systemctl", "reload", "app"]`);
  }

  error(message: string): Error {
    return configError(this.ctx.file, this.line(), `${this.name}: ${message}`);
  }

  /** Keys this agent does not act on are reported as warnings, not errors, so Vault configs still load. */
  checkKeys(known: readonly string[]): this {
    for (const key of Object.keys(this.body)) {
      if (!known.includes(key)) this.ctx.warn(this.line(), `"${key}" in ${this.name} is not supported by Coffer's agent; it is ignored`);
    }
    return this;
  }
}

const KNOWN = {
  top: ['vault', 'auto_auth', 'template', 'template_config', 'env_template', 'exec', 'listener', 'api_proxy', 'cache', 'exit_after_auth', 'pid_file', 'log_level'],
  vault: ['address', 'ca_cert', 'ca_path', 'client_cert', 'client_key', 'tls_skip_verify', 'tls_server_name', 'retry'],
  autoAuth: ['method', 'sink'],
  method: ['type', 'mount_path', 'namespace', 'wrap_ttl', 'min_backoff', 'max_backoff', 'exit_on_err', 'config'],
  sink: ['type', 'wrap_ttl', 'dh_type', 'dh_path', 'derive_key', 'aad', 'aad_env_var', 'config'],
  sinkConfig: ['path', 'mode'],
  template: ['source', 'contents', 'destination', 'perms', 'command', 'command_timeout', 'exec', 'error_on_missing_key', 'left_delimiter', 'right_delimiter', 'create_dest_dirs'],
  templateConfig: ['static_secret_render_interval', 'exit_on_retry_failure', 'max_connections_per_host'],
  envTemplate: ['contents', 'error_on_missing_key'],
  exec: ['command', 'restart_on_secret_changes', 'restart_stop_signal'],
  listener: [
    'type',
    'address',
    'tls_disable',
    'tls_cert_file',
    'tls_key_file',
    'tls_client_ca_file',
    'tls_require_and_verify_client_cert',
    'tls_disable_client_certs',
    'tls_min_version',
    'agent_api',
    'socket_mode',
  ],
  apiProxy: ['use_auto_auth_token'],
} as const;

/** `[{…}]` or `{…}`: the body of a block that appears once. */
function single(value: unknown, name: string, ctx: FileContext): Obj {
  const items = Array.isArray(value) ? value : [value];
  if (items.length !== 1 || !isObject(items[0])) {
    throw configError(ctx.file, ctx.locator.topLevelKey(name), `${name} must be one block: ${name} { … }`);
  }
  return items[0];
}

/** Blocks written `name "LABEL" { … }`, or `name { type = "LABEL" … }` as Vault also accepts. */
function typedBlocks(value: unknown, name: string, ctx: FileContext): Array<{ label: string; body: Obj }> {
  const out: Array<{ label: string; body: Obj }> = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    if (!isObject(item)) throw configError(ctx.file, ctx.locator.topLevelKey(name), `${name} must be a block such as ${name} "TYPE" { … }`);
    if (typeof item.type === 'string') {
      out.push({ label: item.type, body: item });
      continue;
    }
    for (const [label, inner] of Object.entries(item)) {
      for (const body of Array.isArray(inner) ? inner : [inner]) {
        if (!isObject(body)) throw configError(ctx.file, ctx.locator.topLevelKey(name), `${name} "${label}" must be a block`);
        out.push({ label, body });
      }
    }
  }
  return out;
}

/** A nested `config = { … }` map (HCL gives a list of one map). */
function innerMap(value: unknown): Obj {
  if (value === undefined) return {};
  const items = Array.isArray(value) ? value : [value];
  return Object.assign({}, ...items.filter(isObject)) as Obj;
}

export function parseAgentConfig(text: string, file: string): AgentConfig {
  const { syntax, root } = decodeConfigText(text, file);
  const ctx = new FileContext(file, new SourceLocator(text.replace(/^\uFEFF/, ''), syntax));
  const top = new Stanza(ctx, 'the file', root, '');
  for (const key of Object.keys(root)) {
    if (!(KNOWN.top as readonly string[]).includes(key)) ctx.warn(ctx.locator.topLevelKey(key), `"${key}" is not supported by Coffer's agent; it is ignored`);
  }
  const config: AgentConfig = {
    file,
    vault: root.vault === undefined ? {} : parseVault(new Stanza(ctx, 'vault', single(root.vault, 'vault', ctx), 'vault').checkKeys(KNOWN.vault)),
    templates: [],
    templateSettings: { staticSecretRenderInterval: DEFAULT_STATIC_SECRET_RENDER_INTERVAL, exitOnRetryFailure: false, maxConnectionsPerHost: 10 },
    envTemplates: [],
    listeners: [],
    apiProxy: { useAutoAuthToken: false },
    cache: root.cache !== undefined,
    exitAfterAuth: root.exit_after_auth === undefined ? false : readBool(root.exit_after_auth, ctx.topLevel('exit_after_auth')),
    warnings: [],
  };
  if (root.pid_file !== undefined) config.pidFile = readString(root.pid_file, ctx.topLevel('pid_file'));
  if (root.log_level !== undefined) config.logLevel = readString(root.log_level, ctx.topLevel('log_level'));
  if (root.auto_auth !== undefined) config.autoAuth = parseAutoAuth(single(root.auto_auth, 'auto_auth', ctx), ctx);
  if (root.template_config !== undefined) {
    config.templateSettings = parseTemplateSettings(
      new Stanza(ctx, 'template_config', single(root.template_config, 'template_config', ctx), 'template_config').checkKeys(KNOWN.templateConfig),
    );
  }
  for (const [i, body] of (root.template === undefined ? [] : Array.isArray(root.template) ? root.template : [root.template]).entries()) {
    if (!isObject(body)) throw configError(file, ctx.locator.block('template', i), 'template must be a block: template { … }');
    config.templates.push(parseTemplate(new Stanza(ctx, `template #${i + 1}`, body, 'template').checkKeys(KNOWN.template), ctx, i));
  }
  if (root.env_template !== undefined) {
    for (const { label, body } of typedBlocks(root.env_template, 'env_template', ctx)) {
      config.envTemplates.push(parseEnvTemplate(label, new Stanza(ctx, `env_template "${label}"`, body, 'env_template').checkKeys(KNOWN.envTemplate)));
    }
  }
  if (root.exec !== undefined) config.exec = parseExec(new Stanza(ctx, 'exec', single(root.exec, 'exec', ctx), 'exec').checkKeys(KNOWN.exec));
  if (root.listener !== undefined) {
    config.listeners = typedBlocks(root.listener, 'listener', ctx).map(({ label, body }) =>
      parseListener(label, new Stanza(ctx, `listener "${label}"`, body, 'listener').checkKeys(KNOWN.listener)),
    );
  }
  config.apiProxy = parseApiProxy(root, ctx);
  if (config.exec !== undefined && config.exitAfterAuth) {
    throw top.error('exit_after_auth cannot be used with an exec stanza: the agent runs as long as the process it supervises');
  }
  if (config.envTemplates.length > 0 && config.exec === undefined) {
    throw top.error('env_template stanzas need an exec stanza: the environment is given to the process it runs');
  }
  config.warnings = ctx.warnings;
  return config;
}

function parseVault(s: Stanza): VaultStanza {
  const v: VaultStanza = {};
  const set = <K extends keyof VaultStanza>(k: K, value: VaultStanza[K] | undefined): void => {
    if (value !== undefined) v[k] = value;
  };
  set('address', s.string('address'));
  set('caCert', s.string('ca_cert'));
  set('caPath', s.string('ca_path'));
  set('clientCert', s.string('client_cert'));
  set('clientKey', s.string('client_key'));
  set('tlsServerName', s.string('tls_server_name'));
  if (s.body.tls_skip_verify !== undefined) v.tlsSkipVerify = s.bool('tls_skip_verify', false);
  if (s.body.retry !== undefined) {
    const retry = new Stanza(s.ctx, 'vault retry', innerMap(s.body.retry), 'vault');
    if (retry.body.num_retries !== undefined) v.numRetries = readInteger(retry.body.num_retries, retry.ref('num_retries'));
  }
  return v;
}

function parseAutoAuth(body: Obj, ctx: FileContext): AutoAuthConfig {
  const aa = new Stanza(ctx, 'auto_auth', body, 'auto_auth').checkKeys(KNOWN.autoAuth);
  const methods = body.method === undefined ? [] : typedBlocks(body.method, 'method', ctx);
  if (methods.length !== 1) throw aa.error(`exactly one method stanza is needed, found ${methods.length}`);
  const { label, body: mBody } = methods[0]!;
  const m = new Stanza(ctx, `method "${label}"`, mBody, 'auto_auth').checkKeys(KNOWN.method);
  const method: AutoAuthMethodConfig = {
    type: label,
    mountPath: (m.string('mount_path') ?? `auth/${label}`).replace(/^\/+|\/+$/g, ''),
    minBackoff: m.duration('min_backoff') ?? 1,
    maxBackoff: m.duration('max_backoff') ?? 300,
    exitOnErr: m.bool('exit_on_err', false),
    config: innerMap(mBody.config),
  };
  const ns = m.string('namespace');
  if (ns) method.namespace = ns;
  const wrap = m.duration('wrap_ttl');
  if (wrap) method.wrapTtl = wrap;
  if (method.minBackoff <= 0) method.minBackoff = 1;
  if (method.maxBackoff < method.minBackoff) throw m.error('max_backoff must not be shorter than min_backoff');
  const sinks = (body.sink === undefined ? [] : typedBlocks(body.sink, 'sink', ctx)).map(({ label: type, body: sBody }) =>
    parseSink(type, new Stanza(ctx, `sink "${type}"`, sBody, 'auto_auth').checkKeys(KNOWN.sink), method),
  );
  return { method, sinks };
}

function parseSink(type: string, s: Stanza, method: AutoAuthMethodConfig): SinkConfig {
  if (type !== 'file') throw s.error(`sink type "${type}" is not supported; use sink "file"`);
  const cfg = new Stanza(s.ctx, `${s.name} config`, innerMap(s.body.config), 'auto_auth').checkKeys(KNOWN.sinkConfig);
  const path = cfg.string('path');
  if (!path) throw cfg.error('"path" is required');
  const sink: SinkConfig = { type, path, mode: cfg.mode('mode', 0o640), deriveKey: s.bool('derive_key', false) };
  const wrap = s.duration('wrap_ttl');
  if (wrap) {
    if (method.wrapTtl) throw s.error('wrap_ttl cannot be set on both the method and a sink');
    sink.wrapTtl = wrap;
  }
  const dhType = s.string('dh_type');
  const dhPath = s.string('dh_path');
  if (dhType !== undefined || dhPath !== undefined) {
    if (dhType !== 'curve25519') throw s.error('dh_type must be "curve25519" when dh_path is set');
    if (!dhPath) throw s.error('dh_path is required with dh_type');
    sink.dhType = dhType;
    sink.dhPath = dhPath;
  }
  const aad = s.string('aad');
  const aadEnv = s.string('aad_env_var');
  if (aad !== undefined) sink.aad = aad;
  if (aadEnv !== undefined) sink.aadEnvVar = aadEnv;
  if ((sink.aad !== undefined || sink.aadEnvVar !== undefined) && sink.dhType === undefined) throw s.error('aad needs dh_type and dh_path');
  return sink;
}

function parseTemplateSettings(s: Stanza): TemplateSettings {
  return {
    staticSecretRenderInterval: s.duration('static_secret_render_interval') ?? DEFAULT_STATIC_SECRET_RENDER_INTERVAL,
    exitOnRetryFailure: s.bool('exit_on_retry_failure', false),
    maxConnectionsPerHost: s.body.max_connections_per_host === undefined ? 10 : readInteger(s.body.max_connections_per_host, s.ref('max_connections_per_host')),
  };
}

function parseTemplate(s: Stanza, ctx: FileContext, index: number): TemplateConfig {
  const line = ctx.locator.block('template', index);
  const origin = `template stanza${line === undefined ? '' : ` at line ${line}`} of ${ctx.file}`;
  const source = s.string('source');
  const contents = s.string('contents');
  const destination = s.string('destination');
  if (source === undefined && contents === undefined) throw s.error('one of "source" or "contents" is required');
  if (source !== undefined && contents !== undefined) throw s.error('"source" and "contents" cannot both be set');
  if (!destination) throw s.error('"destination" is required');
  const exec = s.body.exec === undefined ? undefined : new Stanza(ctx, `${s.name} exec`, innerMap(s.body.exec), 'template');
  const command = exec?.command('command') ?? s.command('command');
  const t: TemplateConfig = {
    destination,
    perms: s.mode('perms', 0o644),
    commandTimeout: exec?.duration('timeout') ?? s.duration('command_timeout') ?? 30,
    errorOnMissingKey: s.bool('error_on_missing_key', false),
    leftDelimiter: s.string('left_delimiter') || '{{',
    rightDelimiter: s.string('right_delimiter') || '}}',
    createDestDirs: s.bool('create_dest_dirs', true),
    origin,
  };
  if (source !== undefined) t.source = source;
  if (contents !== undefined) t.contents = contents;
  if (command !== undefined) t.command = command;
  return t;
}

function parseEnvTemplate(name: string, s: Stanza): EnvTemplateConfig {
  const contents = s.string('contents');
  if (contents === undefined) throw s.error('"contents" is required');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw s.error(`"${name}" is not a valid environment variable name`);
  return { name, contents, errorOnMissingKey: s.bool('error_on_missing_key', false), origin: `env_template "${name}" in ${s.ctx.file}` };
}

const SIGNALS = new Set(['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGKILL', 'SIGUSR1', 'SIGUSR2']);

function parseExec(s: Stanza): ExecConfig {
  const command = s.command('command');
  if (!command || command.length === 0) throw s.error('"command" is required');
  const restart = s.string('restart_on_secret_changes') ?? 'always';
  if (restart !== 'always' && restart !== 'never') throw s.error('"restart_on_secret_changes" must be "always" or "never"');
  const signal = (s.string('restart_stop_signal') ?? 'SIGTERM').toUpperCase();
  const normalized = signal.startsWith('SIG') ? signal : `SIG${signal}`;
  if (!SIGNALS.has(normalized)) throw s.error(`"restart_stop_signal" ${JSON.stringify(signal)} is not a signal this agent can send`);
  return { command, restartOnSecretChanges: restart, restartStopSignal: normalized as NodeJS.Signals };
}

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = { tls10: 'TLSv1', tls11: 'TLSv1.1', tls12: 'TLSv1.2', tls13: 'TLSv1.3' };

function parseListener(type: string, s: Stanza): ListenerConfig {
  if (type !== 'tcp' && type !== 'unix') throw s.error('listener type must be "tcp" or "unix"');
  const address = s.string('address') ?? (type === 'tcp' ? '127.0.0.1:8100' : undefined);
  if (!address) throw s.error('"address" is required');
  const agentApi = new Stanza(s.ctx, `${s.name} agent_api`, innerMap(s.body.agent_api), 'listener');
  const tlsDisable = type === 'unix' || s.bool('tls_disable', false);
  const l: ListenerConfig = { type, address, tlsDisable, enableQuit: agentApi.bool('enable_quit', false) };
  if (!tlsDisable) {
    const certFile = s.string('tls_cert_file');
    const keyFile = s.string('tls_key_file');
    if (!certFile || !keyFile) throw s.error('tls_cert_file and tls_key_file are required unless tls_disable = true');
    const tls: NonNullable<ListenerConfig['tls']> = {
      certFile,
      keyFile,
      requireClientCert: s.bool('tls_require_and_verify_client_cert', false),
      disableClientCerts: s.bool('tls_disable_client_certs', false),
    };
    const ca = s.string('tls_client_ca_file');
    if (ca) tls.clientCaFile = ca;
    const min = s.string('tls_min_version');
    if (min !== undefined) {
      const v = TLS_VERSIONS[min.trim().toLowerCase()];
      if (!v) throw s.error('"tls_min_version" must be one of "tls10", "tls11", "tls12", "tls13"');
      tls.minVersion = v;
    }
    l.tls = tls;
  }
  if (s.body.socket_mode !== undefined) l.socketMode = s.mode('socket_mode', 0o600);
  return l;
}

function parseApiProxy(root: Obj, ctx: FileContext): ApiProxyConfig {
  const proxy: ApiProxyConfig = { useAutoAuthToken: false };
  const read = (s: Stanza): void => {
    const v = s.body.use_auto_auth_token;
    if (v === undefined) return;
    proxy.useAutoAuthToken = v === 'force' ? 'force' : readBool(v, s.ref('use_auto_auth_token'));
  };
  // Vault's older agents set use_auto_auth_token inside cache { }; api_proxy wins.
  if (root.cache !== undefined) read(new Stanza(ctx, 'cache', innerMap(root.cache), 'cache'));
  if (root.api_proxy !== undefined) read(new Stanza(ctx, 'api_proxy', single(root.api_proxy, 'api_proxy', ctx), 'api_proxy').checkKeys(KNOWN.apiProxy));
  return proxy;
}
