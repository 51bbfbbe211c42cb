import { CofferError, parseBool } from '@coffer/sdk';
import type { HaStatus } from './ha-status.js';
import type { SealManager } from './seal-manager.js';

/** Vault's default sys/health status codes and the query parameters that override them. */
const CODE_PARAMS = {
  activecode: 200,
  standbycode: 429,
  drsecondarycode: 472,
  performancestandbycode: 473,
  uninitcode: 501,
  sealedcode: 503,
} as const;

type CodeParam = keyof typeof CODE_PARAMS;

export interface HealthAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * sys/health: the status code says the node's state (so load balancers need
 * not parse the body), the body says it in detail. Order of precedence as
 * Vault: not initialized, sealed, DR secondary, performance standby, standby,
 * active.
 */
export async function health(manager: SealManager, ha: HaStatus, query: URLSearchParams, now: Date): Promise<HealthAnswer> {
  const codes = {} as Record<CodeParam, number>;
  for (const [name, fallback] of Object.entries(CODE_PARAMS) as [CodeParam, number][]) codes[name] = codeParam(query, name, fallback);
  const standbyOk = boolParam(query, 'standbyok');
  const perfStandbyOk = boolParam(query, 'perfstandbyok');

  const status = await manager.status();
  let code = codes.activecode;
  if (!status.initialized) code = codes.uninitcode;
  else if (status.sealed) code = codes.sealedcode;
  else if (ha.performanceStandby) code = perfStandbyOk ? codes.activecode : codes.performancestandbycode;
  else if (ha.standby) code = standbyOk ? codes.activecode : codes.standbycode;

  const body: Record<string, unknown> = {
    initialized: status.initialized,
    sealed: status.sealed,
    standby: ha.standby,
    performance_standby: ha.performanceStandby,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(now.getTime() / 1000),
    version: status.version,
    enterprise: false,
    echo_duration_ms: 0,
    clock_skew_ms: 0,
    replication_primary_canary_age_ms: 0,
  };
  if (status.cluster_name) body.cluster_name = status.cluster_name;
  if (status.cluster_id) body.cluster_id = status.cluster_id;
  return { status: code, body };
}

function codeParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const code = /^\d+$/.test(raw.trim()) ? Number.parseInt(raw, 10) : Number.NaN;
  // A 1xx is an interim answer (the client keeps waiting for the final one) and 6xx-9xx are not HTTP statuses.
  if (!Number.isInteger(code) || code < 200 || code > 599) {
    throw new CofferError('invalid_request', `bad value for ${name} parameter: "${raw}" is not a final HTTP status code (200-599)`);
  }
  return code;
}

/** Present without a value (`?standbyok`) means true, as older Vault releases treated it. */
function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  if (raw === null) return false;
  if (raw === '') return true;
  const parsed = parseBool(raw);
  if (parsed === undefined) throw new CofferError('invalid_request', `bad value for ${name} parameter: "${raw}" is not a boolean`);
  return parsed;
}
