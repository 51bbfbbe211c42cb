import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import { generateFromPolicy, parsePasswordPolicy } from './policy.js';

/** Password policies, kept behind the barrier (one entry per name, holding the policy text). */
export class PasswordPolicyStore {
  constructor(private readonly storage: Storage) {}

  /** Stores `text` under `name` after checking that it parses and can produce a password. */
  async put(name: string, text: string): Promise<void> {
    const policy = parsePasswordPolicy(text);
    generateFromPolicy(policy);
    await putJson(this.storage, name, { policy: text });
  }

  async get(name: string): Promise<string | null> {
    return (await getJson<{ policy: string }>(this.storage, name))?.policy ?? null;
  }

  delete(name: string): Promise<void> {
    return this.storage.delete(name);
  }

  async list(): Promise<string[]> {
    return (await this.storage.list('')).filter((k) => !k.endsWith('/'));
  }

  /** A password from the policy `name`; a policy that does not exist is an invalid request. */
  async generate(name: string): Promise<string> {
    const text = await this.get(name);
    if (text === null) throw new CofferError('invalid_request', `password policy "${name}" does not exist`);
    return generateFromPolicy(parsePasswordPolicy(text));
  }
}
