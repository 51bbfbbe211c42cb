import { randomInt } from 'node:crypto';
import { CofferError, type SystemView } from '@coffer/sdk';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_LENGTH = 20;
/**
 * Vault's historical database password shape: a fixed "A1a-" prefix, so
 * that every password meets the usual "upper, digit, lower, symbol" rules
 * of databases, followed by 20 random letters and digits.
 */
const PREFIX = 'A1a-';

/** A password of Vault's default shape, from node:crypto's CSPRNG (randomInt is unbiased). */
export function defaultPassword(): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < RANDOM_LENGTH; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
    // The random part alone carries at least one letter and one digit too.
    if (/[A-Za-z]/.test(out) && /[0-9]/.test(out)) return PREFIX + out;
  }
}

/** A password for a new credential or a root rotation: from the connection's password policy when it names one. */
export async function generatePassword(system: SystemView, passwordPolicy: string): Promise<string> {
  if (!passwordPolicy) return defaultPassword();
  if (!system.generatePasswordFromPolicy) {
    throw new CofferError(
      'invalid_request',
      `password_policy "${passwordPolicy}" cannot be used: this server does not support password policies; clear password_policy on the connection to use the default generator`,
    );
  }
  return system.generatePasswordFromPolicy(passwordPolicy);
}
