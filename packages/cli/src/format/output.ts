// How results are printed for -format=table|json|yaml and -field, following
// Vault's CLI: Key/Value tables with lease and token rows, "Keys" lists, the
// response envelope as JSON/YAML, raw single fields.
import { PRODUCT_NAME } from '../cli/branding.js';
import type { Ui } from '../cli/ui.js';
import { secretForOutput, type Secret } from '../api/secret.js';
import { columnOutput, SECRET_DELIMITER, tableOutput } from './columns.js';
import { humanDuration, humanDurationValue, looksLikeDuration } from './duration.js';
import { goJson } from './go-json.js';
import { goQuotedList, goTimeString, goValue } from './go-value.js';
import { goYaml } from './go-yaml.js';
import { wrapAtLength } from './text-wrap.js';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'yml', 'pretty', 'raw'];

const D = SECRET_DELIMITER;

function isYaml(format: string): boolean {
  return format === 'yaml' || format === 'yml';
}

/** Prints a structured value in a machine format; returns false for "table". */
function outputMachine(ui: Ui, value: unknown): boolean {
  if (ui.format === 'json') {
    ui.output(goJson(value));
    return true;
  }
  if (isYaml(ui.format)) {
    ui.output(goYaml(value));
    return true;
  }
  return false;
}

function unsupported(ui: Ui, format: string): number {
  if (format === 'raw') {
    ui.error('Could not parse output: This command does not support the -format=raw option; only `vault read` does.');
  } else {
    ui.error(`Could not parse output: cannot use the ${format} formatter for this type`);
  }
  return 1;
}

/** Vault's printWarnings: warnings go to stderr before a table. */
export function printWarnings(ui: Ui, secret: Secret | null): void {
  const warnings = secret?.warnings ?? [];
  if (warnings.length === 0) return;
  ui.warn(`WARNING! The following warnings were returned from ${PRODUCT_NAME}:\n`);
  for (const warning of warnings) {
    ui.warn(wrapAtLength(`* ${warning}`, 2));
    ui.warn('');
  }
}

/** The Key/Value rows for a secret (without header). */
export function secretRows(secret: Secret): string[] {
  const rows: string[] = [];
  const leaseDuration = secret.lease_duration ?? 0;
  if (leaseDuration > 0) {
    if (secret.lease_id) {
      rows.push(`lease_id ${D} ${secret.lease_id}`);
      rows.push(`lease_duration ${D} ${humanDuration(leaseDuration)}`);
      rows.push(`lease_renewable ${D} ${secret.renewable ?? false}`);
    } else {
      // Secrets without a lease (KV) still advertise a refresh interval.
      rows.push(`refresh_interval ${D} ${humanDuration(leaseDuration)}`);
    }
  }
  const auth = secret.auth;
  if (auth) {
    if (auth.mfa_requirement && typeof auth.mfa_requirement === 'object') {
      const mfa = auth.mfa_requirement as { mfa_request_id?: string };
      rows.push(`mfa_request_id ${D} ${mfa.mfa_request_id ?? ''}`);
    } else {
      rows.push(`token ${D} ${auth.client_token ?? ''}`);
      rows.push(`token_accessor ${D} ${auth.accessor ?? ''}`);
      // A zero duration is a token that never expires (root).
      const duration = auth.lease_duration ?? 0;
      rows.push(`token_duration ${D} ${duration === 0 ? '∞' : humanDuration(duration)}`);
      rows.push(`token_renewable ${D} ${auth.renewable ?? false}`);
      rows.push(`token_policies ${D} ${goQuotedList(auth.token_policies ?? [])}`);
      rows.push(`identity_policies ${D} ${goQuotedList(auth.identity_policies ?? [])}`);
      rows.push(`policies ${D} ${goQuotedList(auth.policies ?? [])}`);
      const meta = auth.metadata ?? {};
      for (const key of Object.keys(meta).sort()) rows.push(`token_meta_${key} ${D} ${goValue(meta[key])}`);
    }
  }
  const wrap = secret.wrap_info;
  if (wrap) {
    rows.push(`wrapping_token: ${D} ${wrap.token ?? ''}`);
    rows.push(`wrapping_accessor: ${D} ${wrap.accessor ?? ''}`);
    rows.push(`wrapping_token_ttl: ${D} ${humanDuration(wrap.ttl ?? 0)}`);
    rows.push(`wrapping_token_creation_time: ${D} ${goTimeString(wrap.creation_time)}`);
    rows.push(`wrapping_token_creation_path: ${D} ${wrap.creation_path ?? ''}`);
    if (wrap.wrapped_accessor) rows.push(`wrapped_accessor: ${D} ${wrap.wrapped_accessor}`);
  }
  rows.push(...mapRows(secret.data ?? {}));
  return rows;
}

function mapRows(data: Record<string, unknown>): string[] {
  return Object.keys(data)
    .sort()
    .map((key) => {
      const value = looksLikeDuration(key) ? humanDurationValue(data[key]) : data[key];
      return `${key} ${D} ${goValue(value)}`;
    });
}

/** Vault's OutputSecret. */
export function outputSecret(ui: Ui, secret: Secret | null): number {
  if (ui.format === 'table') {
    if (!secret) return 0;
    printWarnings(ui, secret);
    const rows = secretRows(secret);
    if (rows.length > 0) ui.output(tableOutput([`Key${D}Value`, ...rows], D));
    return 0;
  }
  if (outputMachine(ui, secret ? secretForOutput(secret) : null)) return 0;
  return unsupported(ui, ui.format);
}

/** Vault's OutputData: maps as Key/Value tables, anything in JSON/YAML. */
export function outputData(ui: Ui, data: unknown): number {
  if (ui.format === 'table') {
    if (Array.isArray(data)) {
      ui.output(tableOutput(['Keys', ...data.map(String)]));
      return 0;
    }
    if (data instanceof Map) data = Object.fromEntries(data);
    if (data && typeof data === 'object') {
      const rows = mapRows(data as Record<string, unknown>);
      if (rows.length > 0) ui.output(tableOutput([`Key${D}Value`, ...rows], D));
      return 0;
    }
    return unsupported(ui, 'table');
  }
  if (outputMachine(ui, data)) return 0;
  return unsupported(ui, ui.format);
}

/** The "keys" of a list response, when it has them. */
export function listKeys(secret: Secret | null): string[] | undefined {
  const keys = secret?.data?.keys;
  return Array.isArray(keys) ? keys.map(String) : undefined;
}

/** Vault's OutputList: "Keys" table, or the keys array as JSON/YAML. */
export function outputList(ui: Ui, secret: Secret, detailed = false): number {
  const keys = listKeys(secret) ?? [];
  if (ui.format === 'table') {
    printWarnings(ui, secret);
    if (keys.length === 0) return 0;
    const sorted = [...keys].sort();
    const info = detailed ? (secret.data?.key_info as Record<string, Record<string, unknown>> | undefined) : undefined;
    if (info && Object.keys(info).length > 0) {
      const headers = [...new Set(sorted.flatMap((k) => Object.keys(info[k] ?? {})))].sort();
      const rows = sorted.map((key) => {
        const values = info[key];
        if (!values) return key;
        const cells = headers.map((h) => {
          if (!(h in values)) return 'n/a';
          return goValue(looksLikeDuration(h) ? humanDurationValue(values[h]) : values[h]);
        });
        return [key, ...cells].join(D);
      });
      ui.output(tableOutput([['Keys', ...headers].join(D), ...rows], D));
      return 0;
    }
    ui.output(tableOutput(['Keys', ...sorted], D));
    return 0;
  }
  if (outputMachine(ui, detailed ? secretForOutput(secret) : keys)) return 0;
  return unsupported(ui, ui.format);
}

/** Vault's RawField: where -field looks in a secret. */
export function rawField(secret: Secret, field: string): unknown {
  const data = secret.data ?? {};
  if (secret.auth) {
    const auth = secret.auth;
    switch (field) {
      case 'token':
        return auth.client_token;
      case 'token_accessor':
        return auth.accessor;
      case 'token_duration':
        return auth.lease_duration;
      case 'token_renewable':
        return auth.renewable;
      case 'token_policies':
        return auth.token_policies;
      case 'identity_policies':
        return auth.identity_policies;
      case 'policies':
        return auth.policies;
      default:
        return data[field];
    }
  }
  if (secret.wrap_info) {
    const wrap = secret.wrap_info;
    switch (field) {
      case 'wrapping_token':
        return wrap.token;
      case 'wrapping_accessor':
        return wrap.accessor;
      case 'wrapping_token_ttl':
        return wrap.ttl;
      case 'wrapping_token_creation_time':
        return wrap.creation_time;
      case 'wrapping_token_creation_path':
        return wrap.creation_path;
      case 'wrapped_accessor':
        return wrap.wrapped_accessor;
      default:
        return data[field];
    }
  }
  switch (field) {
    case 'lease_duration':
    case 'refresh_interval':
      return secret.lease_duration;
    case 'lease_id':
      return secret.lease_id;
    case 'request_id':
      return secret.request_id;
    case 'renewable':
      return secret.renewable;
    case 'data':
      return 'data' in data ? data.data : data;
    default:
      return data[field];
  }
}

/**
 * Vault's PrintRawField: prints one field of a secret (or of a plain map) with
 * no decoration; exit 1 when the field is missing.
 */
export function printRawField(ui: Ui, source: { secret: Secret } | { map: Record<string, unknown> }, field: string): number {
  const value = 'secret' in source ? rawField(source.secret, field) : source.map[field];
  if (value === undefined || value === null) {
    ui.error(`Field ${JSON.stringify(field)} not present in secret`);
    return 1;
  }
  switch (ui.format) {
    case '':
    case 'table':
    case 'raw':
      ui.raw(goValue(value));
      return 0;
    case 'json':
      ui.raw(goJson(value));
      return 0;
    case 'yaml':
    case 'yml':
      ui.raw(goYaml(value) + '\n');
      return 0;
    default:
      ui.error(`Invalid output format: ${ui.format}`);
      return 1;
  }
}

/** Prints rows (no header) as aligned columns, e.g. "Key Term    3". */
export function outputColumns(ui: Ui, rows: string[]): void {
  ui.output(columnOutput(rows));
}
