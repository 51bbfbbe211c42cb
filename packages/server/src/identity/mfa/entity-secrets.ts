import { CofferError, type Storage } from '@coffer/sdk';
import { deleteSecret, listMethodIds, readSecret, writeSecret } from './records.js';

/**
 * TOTP secrets follow their entities: merged entities' secrets move to the
 * merged-into entity, a deleted entity's secrets go with it.
 */

/** Refuses a merge where the destination and a merged entity (or two merged ones) have secrets for the same method, unless forced. */
export async function checkTotpSecretsMerge(storage: Storage, fromIds: readonly string[], toId: string, force: boolean): Promise<void> {
  if (force) return;
  const conflicts: string[] = [];
  for (const methodId of await listMethodIds(storage)) {
    let holders = 0;
    for (const id of new Set([toId, ...fromIds])) if (await readSecret(storage, methodId, id)) holders++;
    if (holders > 1) conflicts.push(methodId);
  }
  if (conflicts.length > 0) {
    throw new CofferError('invalid_request', `conflicting MFA secrets for method IDs ${conflicts.join(', ')} in the entities to merge; set force to keep the destination entity's`);
  }
}

/** Moves the merged entities' secrets to the destination where it has none for that method (its own win), and deletes theirs. */
export async function moveTotpSecrets(storage: Storage, fromIds: readonly string[], toId: string): Promise<void> {
  for (const methodId of await listMethodIds(storage)) {
    let destination = await readSecret(storage, methodId, toId);
    for (const id of fromIds) {
      if (id === toId) continue;
      const secret = await readSecret(storage, methodId, id);
      if (!secret) continue;
      if (!destination) {
        await writeSecret(storage, methodId, toId, secret);
        destination = secret;
      }
      await deleteSecret(storage, methodId, id);
    }
  }
}

/** Deletes every TOTP secret of these entities. */
export async function deleteTotpSecretsOf(storage: Storage, entityIds: readonly string[]): Promise<void> {
  for (const methodId of await listMethodIds(storage)) for (const id of entityIds) await deleteSecret(storage, methodId, id);
}
