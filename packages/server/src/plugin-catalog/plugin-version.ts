import { CofferError } from '@coffer/sdk';
import semver from 'semver';

/**
 * Plugin versions are semantic versions written with a leading "v", as Vault
 * canonicalises them ("1.2" → "v1.2.0"). The "builtin" build metadata is
 * reserved for the plugins compiled into the server.
 */
export function canonicalVersion(input: string): string {
  const raw = input.trim();
  if (raw === '') return '';
  const parsed = semver.parse(raw, { loose: true }) ?? (/^v?\d+(\.\d+)?$/.test(raw) ? semver.parse(semver.coerce(raw)?.version ?? '') : null);
  if (!parsed) throw new CofferError('invalid_request', `version "${input}" is not a valid semantic version: use the form v1.2.3`);
  const build = parsed.build.length > 0 ? `+${parsed.build.join('.')}` : '';
  return `v${parsed.version}${build}`;
}

/** True for versions such as "v0.1.0+builtin" or "v1.15.0+builtin.vault". */
export function isBuiltinVersion(version: string): boolean {
  const plus = version.indexOf('+');
  if (plus === -1) return false;
  const meta = version.slice(plus + 1);
  return meta === 'builtin' || meta.startsWith('builtin.');
}

/** The version the catalog shows for a built-in whose code is at `semverCore` ("0.1.0"). */
export function builtinVersionString(semverCore: string): string {
  return `v${semverCore}+builtin`;
}

/** Ascending semantic order; unparsable or empty versions sort first. */
export function compareVersions(a: string, b: string): number {
  const pa = semver.parse(a, { loose: true });
  const pb = semver.parse(b, { loose: true });
  if (!pa || !pb) return (pa ? 1 : 0) - (pb ? 1 : 0) || a.localeCompare(b);
  return semver.compare(pa, pb);
}
