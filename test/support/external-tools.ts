// Tests that prove Coffer against a standard tool (ssh-keygen, sshd,
// oathtool) skip with a clear message when the tool is not installed, except
// under CI=true, where a missing tool must fail the run.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Where a program is found (an absolute path, or a name looked up on PATH), or undefined. */
export function findTool(name: string): string | undefined {
  const candidates = isAbsolute(name) ? [name] : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The `skip` option for node:test: a reason naming the missing tools and the
 * Debian package to install, or false when all are present. Under CI=true it
 * is always false, so the test runs and fails on the missing tool.
 */
export function skipWithoutTools(tools: string[], debianPackage: string): string | false {
  const missing = tools.filter((t) => findTool(t) === undefined);
  if (missing.length === 0 || process.env['CI'] === 'true') return false;
  return `${missing.join(', ')} not installed (Debian package ${debianPackage}; scripts/ensure-services.sh installs it); skipping`;
}
