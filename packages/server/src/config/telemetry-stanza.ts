import type { FileContext } from './file-context.js';
import type { TelemetryConfig } from './types.js';
import { readBool, readDuration, type SettingRef } from './values.js';

/** Vault's telemetry keys Coffer acts on. */
const SETTINGS: Record<string, (t: Partial<TelemetryConfig>, value: unknown, ref: SettingRef) => void> = {
  prometheus_retention_time: (t, v, r) => (t.prometheusRetentionSeconds = readDuration(v, r)),
  disable_hostname: (t, v, r) => (t.disableHostname = readBool(v, r)),
  usage_gauge_period: (t, v, r) => (t.usageGaugePeriodSeconds = readDuration(v, r)),
};

/** The body of a block written `name { … }`: HCL gives a list of one object, JSON an object. */
export function blockBody(value: unknown): Record<string, unknown>[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((b): b is Record<string, unknown> => typeof b === 'object' && b !== null && !Array.isArray(b));
}

/** The top-level `telemetry { … }` stanza; statsd, circonus, dogstatsd and stackdriver sinks are warned about and ignored. */
export function parseTelemetryStanza(value: unknown, ctx: FileContext): Partial<TelemetryConfig> {
  const telemetry: Partial<TelemetryConfig> = {};
  const block = { name: 'telemetry', label: '', line: () => ctx.locator.topLevelKey('telemetry') };
  for (const body of blockBody(value)) {
    for (const [key, v] of Object.entries(body)) {
      const ref: SettingRef = { file: ctx.file, label: `"${key}" in telemetry`, line: () => ctx.locator.keyInBlock(block.line(), key) };
      const setter = SETTINGS[key];
      if (setter) setter(telemetry, v, ref);
      else ctx.warn(ref.line(), `${ref.label} is a Vault setting Coffer does not support; it is ignored`);
    }
  }
  return telemetry;
}
