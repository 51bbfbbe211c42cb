import { CofferError, definePath, type FieldSchema, getJson, type PathDefinition, putJson, type Storage, type TypedFieldData } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { initialTidyStatus } from './tidy-status.js';
import { runTidy, type TidyOptions } from './tidy.js';

const TIDY_FIELDS = {
  tidy_cert_store: { type: 'bool', description: 'Remove expired certificates from the store.', default: false },
  tidy_revoked_certs: { type: 'bool', description: 'Remove revocations (and certificates) of expired certificates.', default: false },
  tidy_revoked_cert_issuer_associations: { type: 'bool', description: 'Check that revocations name their issuer.', default: false },
  tidy_expired_issuers: { type: 'bool', description: 'Remove expired issuers (not supported by Coffer yet; must be false).', default: false },
  safety_buffer: { type: 'duration', description: 'How long after expiry a certificate is kept.', default: 259200 },
  pause_duration: { type: 'string', description: 'Pause between certificates, e.g. "10ms".', default: '0s' },
} satisfies Record<string, FieldSchema>;

export interface AutoTidyConfig {
  enabled: boolean;
  interval_duration: number;
  tidy_cert_store: boolean;
  tidy_revoked_certs: boolean;
  tidy_revoked_cert_issuer_associations: boolean;
  tidy_expired_issuers: boolean;
  safety_buffer: number;
  pause_duration: string;
}

const AUTO_TIDY_KEY = 'config/auto-tidy';
const AUTO_TIDY_LAST_KEY = 'config/auto-tidy-last-run';

async function readAutoTidy(s: Storage): Promise<AutoTidyConfig> {
  return {
    enabled: false,
    interval_duration: 43200,
    tidy_cert_store: false,
    tidy_revoked_certs: false,
    tidy_revoked_cert_issuer_associations: false,
    tidy_expired_issuers: false,
    safety_buffer: 259200,
    pause_duration: '0s',
    ...((await getJson<Partial<AutoTidyConfig>>(s, AUTO_TIDY_KEY)) ?? {}),
  };
}

function pauseMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new CofferError('invalid_request', `invalid pause_duration "${text}": use a duration such as "10ms" or "1s"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

function refuseExpiredIssuers(asked: boolean): void {
  if (asked) throw new CofferError('invalid_request', 'tidy_expired_issuers is not supported by Coffer yet: remove expired issuers with DELETE issuer/:ref');
}

/** Starts a tidy in the background unless one is running; the request returns at once, as in Vault. */
function startTidy(ctx: PkiContext, s: Storage, opts: TidyOptions): void {
  if (ctx.tidy.state === 'Running' || ctx.tidy.state === 'Cancelling') throw new CofferError('invalid_request', 'Tidy operation already in progress.');
  ctx.tidy = {
    ...initialTidyStatus(),
    state: 'Running',
    time_started: ctx.now().toISOString(),
    safety_buffer: opts.safety_buffer,
    tidy_cert_store: opts.tidy_cert_store,
    tidy_revoked_certs: opts.tidy_revoked_certs,
    tidy_revoked_cert_issuer_associations: opts.tidy_revoked_cert_issuer_associations,
    tidy_expired_issuers: opts.tidy_expired_issuers,
  };
  void runTidy(ctx, s, opts);
}

function optionsOf(d: TypedFieldData<typeof TIDY_FIELDS>): TidyOptions {
  const opts: TidyOptions = {
    tidy_cert_store: d.values.tidy_cert_store,
    tidy_revoked_certs: d.values.tidy_revoked_certs,
    tidy_revoked_cert_issuer_associations: d.values.tidy_revoked_cert_issuer_associations,
    tidy_expired_issuers: d.values.tidy_expired_issuers,
    safety_buffer: d.values.safety_buffer,
    pause_ms: pauseMs(d.values.pause_duration),
  };
  if (opts.safety_buffer < 1) throw new CofferError('invalid_request', 'safety_buffer must be greater than zero');
  refuseExpiredIssuers(opts.tidy_expired_issuers);
  return opts;
}

/** tidy, tidy-status and config/auto-tidy. */
export function pathTidy(ctx: PkiContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'tidy',
      fields: TIDY_FIELDS,
      operations: {
        update: {
          callback: async (req, d) => {
            const opts = optionsOf(d);
            if (!opts.tidy_cert_store && !opts.tidy_revoked_certs && !opts.tidy_revoked_cert_issuer_associations && !opts.tidy_expired_issuers) {
              throw new CofferError('invalid_request', 'tidy: at least one of tidy_cert_store, tidy_revoked_certs, tidy_revoked_cert_issuer_associations must be true');
            }
            startTidy(ctx, req.storage, opts);
            return { statusCode: 202, warnings: ['Tidy operation successfully started. Any information from the operation will be printed to the server logs.'] };
          },
          summary: 'Start a tidy.',
        },
      },
      helpSynopsis: 'Remove expired certificates and revocations.',
      helpDescription: 'Runs in the background; follow it with tidy-status.',
    }),
    {
      pattern: 'tidy-cancel',
      operations: {
        update: {
          callback: async () => {
            if (ctx.tidy.state !== 'Running') throw new CofferError('invalid_request', 'Tidy operation cannot be cancelled as none is currently running.');
            ctx.tidy.state = 'Cancelling';
            return { data: { ...ctx.tidy } };
          },
          summary: 'Cancel the running tidy.',
        },
      },
      helpSynopsis: 'Cancel a running tidy.',
      helpDescription: 'The tidy stops before its next certificate; tidy-status then reports Cancelled.',
    },
    {
      pattern: 'tidy-status',
      operations: { read: { callback: async () => ({ data: { ...ctx.tidy } }), summary: 'Read the state of the last tidy.' } },
      helpSynopsis: 'The state of the running or last tidy.',
      helpDescription: 'state is Inactive, Running, Finished or Error, with counts of what was removed.',
    },
    {
      pattern: 'config/auto-tidy',
      fields: {
        ...TIDY_FIELDS,
        enabled: { type: 'bool', description: 'Run tidy periodically.', default: false },
        interval_duration: { type: 'duration', description: 'Time between automatic tidies.', default: 43200 },
      },
      operations: {
        read: { callback: async (req) => ({ data: { ...(await readAutoTidy(req.storage)) } }), summary: 'Read the automatic tidy configuration.' },
        update: {
          callback: async (req, d) => {
            const config = await readAutoTidy(req.storage);
            for (const field of Object.keys(config) as (keyof AutoTidyConfig)[]) {
              // Dynamic: every stored setting is a field of the same name, and only the sent ones change.
              const [value, sent] = d.getOk(field);
              if (sent) (config as unknown as Record<string, unknown>)[field] = value;
            }
            pauseMs(config.pause_duration);
            refuseExpiredIssuers(config.tidy_expired_issuers);
            if (config.interval_duration < 1) throw new CofferError('invalid_request', 'interval_duration must be greater than zero');
            if (config.enabled && !config.tidy_cert_store && !config.tidy_revoked_certs && !config.tidy_revoked_cert_issuer_associations) {
              throw new CofferError('invalid_request', 'auto-tidy enabled but no tidy operations were requested: enable at least one tidy_* field');
            }
            await putJson(req.storage, AUTO_TIDY_KEY, config);
            return { data: { ...config } };
          },
          summary: 'Configure automatic tidy.',
        },
      },
      helpSynopsis: 'Periodic tidy.',
      helpDescription: 'With enabled=true the mount runs a tidy with these options every interval_duration, from its periodic function.',
    },
  ];
}

/** Called by the periodic function: starts a tidy when auto-tidy is due. */
export async function periodicAutoTidy(ctx: PkiContext, s: Storage): Promise<void> {
  const config = await readAutoTidy(s);
  if (!config.enabled || ctx.tidy.state === 'Running' || ctx.tidy.state === 'Cancelling') return;
  const last = (await getJson<{ time: number }>(s, AUTO_TIDY_LAST_KEY))?.time ?? 0;
  const now = ctx.now().getTime();
  if (now - last < config.interval_duration * 1000) return;
  await putJson(s, AUTO_TIDY_LAST_KEY, { time: now });
  startTidy(ctx, s, { ...config, pause_ms: pauseMs(config.pause_duration) });
}
