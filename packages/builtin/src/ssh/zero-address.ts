import { getJson, putJson, type Storage } from '@coffer/sdk';

/** Vault's config/zeroaddress: OTP roles that accept any host address, whatever their cidr_list. */
const ZERO_ADDRESS_PATH = 'config/zeroaddress';

export async function zeroAddressRoles(storage: Storage): Promise<string[]> {
  return (await getJson<{ roles: string[] }>(storage, ZERO_ADDRESS_PATH))?.roles ?? [];
}

export async function writeZeroAddressRoles(storage: Storage, roles: string[]): Promise<void> {
  await putJson(storage, ZERO_ADDRESS_PATH, { roles });
}

export async function deleteZeroAddressRoles(storage: Storage): Promise<void> {
  await storage.delete(ZERO_ADDRESS_PATH);
}
