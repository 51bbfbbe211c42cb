// Login MFA in the CLI, as Vault's: a login answered with an
// mfa_requirement prompts for the passcode when exactly one method that
// uses a passcode is required, and completes the login at sys/mfa/validate.
import type { ApiClient } from '../api/client.js';
import type { Secret } from '../api/secret.js';
import type { Context } from '../cli/context.js';
import { promptHidden } from '../cli/prompt.js';

interface MfaMethodRef {
  type?: string;
  id?: string;
  uses_passcode?: boolean;
}

interface MfaRequirement {
  mfa_request_id?: string;
  mfa_constraints?: Record<string, { any?: MfaMethodRef[] }>;
}

/** The login answer's mfa_requirement, when the login waits for MFA (no token yet). */
export function mfaRequirementOf(secret: Secret | null): MfaRequirement | undefined {
  const requirement = secret?.auth?.mfa_requirement as MfaRequirement | null | undefined;
  return requirement && typeof requirement === 'object' && requirement.mfa_request_id ? requirement : undefined;
}

/** The single method to prompt for: exactly one constraint with exactly one method that takes a passcode. */
export function singlePasscodeMethod(requirement: MfaRequirement): MfaMethodRef | undefined {
  const constraints = Object.values(requirement.mfa_constraints ?? {});
  if (constraints.length !== 1) return undefined;
  const methods = constraints[0]!.any ?? [];
  return methods.length === 1 && methods[0]!.uses_passcode && methods[0]!.id ? methods[0] : undefined;
}

/** Prompts for the method's passcode and validates the login; answers the completed login. */
export async function validateLoginMfa(ctx: Context, client: ApiClient, requirement: MfaRequirement, method: MfaMethodRef): Promise<Secret | null> {
  const passcode = (await promptHidden(ctx, `Enter the passphrase for methodID "${method.id}" of type "${method.type ?? 'totp'}": `)).trim();
  return client.write('sys/mfa/validate', { mfa_request_id: requirement.mfa_request_id, mfa_payload: { [method.id!]: [passcode] } }, 'PUT', { token: null });
}

/** -mfa values ("<method id or name>:<passcode>") go in the X-Vault-MFA header of the login request. */
export function addMfaHeader(client: ApiClient, values: string[]): void {
  if (values.length > 0) client.options.headers = { ...client.options.headers, 'X-Vault-MFA': values.join(',') };
}
