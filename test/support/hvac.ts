import { spawnSync } from 'node:child_process';

/** The Python that Debian's python3-hvac installs hvac for. */
export const PYTHON = '/usr/bin/python3';

/**
 * A skip reason when hvac cannot be imported; under CI=true never a skip
 * (the test then fails on the missing module, as a missing service must).
 */
export function hvacMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import hvac'], { encoding: 'utf8' });
  if (probe.status === 0 || process.env['CI'] === 'true') return false;
  return 'hvac is not installed for /usr/bin/python3 (Debian package python3-hvac; scripts/ensure-services.sh installs it); skipping';
}
