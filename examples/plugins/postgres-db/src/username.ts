import { randomInt } from 'node:crypto';

/** PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1). */
const MAX_NAME = 63;
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * "<prefix>-<role>-<random>": the prefix shows which build of the plugin
 * created the user (v1 or v2 in this example), the role says what it is
 * for. Only lower-case letters, digits and "-", so it is safe inside the
 * double quotes of the statements.
 */
export function makeUsername(prefix: string, roleName: string): string {
  const role = roleName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 24);
  let random = '';
  for (let i = 0; i < 12; i++) random += LOWER_ALNUM[randomInt(LOWER_ALNUM.length)];
  return `${prefix}-${role}-${random}`.slice(0, MAX_NAME);
}
