import { CofferError, genericNameRegex, notFound, type PathDefinition } from '@coffer/sdk';
import type { PasswordPolicyStore } from './store.js';

const nameField = { type: 'string', description: 'The name of the password policy.' } as const;

/** sys/policies/password/...: Vault's password policies, and generating a password from one. */
export function passwordPolicySysPaths(store: PasswordPolicyStore): PathDefinition[] {
  return [
    {
      pattern: 'policies/password/?',
      operations: {
        list: { callback: async () => ({ data: { keys: await store.list() } }), summary: 'List the password policies.' },
      },
      helpSynopsis: 'List the password policies.',
      helpDescription: 'A LIST returns the names of every password policy.',
    },
    {
      pattern: `policies/password/${genericNameRegex('name')}`,
      fields: {
        name: nameField,
        policy: { type: 'string', description: 'The policy in HCL or JSON: length = N and one or more rule "charset" { charset = "...", min-chars = N } blocks; it may be base64-encoded.' },
      },
      operations: {
        update: {
          callback: async (_req, d) => {
            const text = decodePolicyText(d.get<string>('policy'));
            if (text.trim() === '') throw new CofferError('invalid_request', 'missing policy: give the policy text in "policy"');
            await store.put(d.get<string>('name'), text);
            return null;
          },
          summary: 'Create or replace a password policy.',
        },
        read: {
          callback: async (_req, d) => {
            const text = await store.get(d.get<string>('name'));
            if (text === null) throw notFound();
            return { data: { policy: text } };
          },
          summary: 'Read a password policy.',
        },
        delete: {
          callback: async (_req, d) => {
            await store.delete(d.get<string>('name'));
            return null;
          },
          summary: 'Delete a password policy.',
        },
      },
      helpSynopsis: 'Manage a password policy.',
      helpDescription:
        'A password policy says how long generated passwords are and which characters they draw from, with a minimum ' +
        'count per character set. Engines that generate passwords (database, rabbitmq) take its name in password_policy. ' +
        'A policy that cannot produce a password is refused with the reason.',
    },
    {
      pattern: `policies/password/${genericNameRegex('name')}/generate`,
      fields: { name: nameField },
      operations: {
        read: {
          callback: async (_req, d) => ({ data: { password: await store.generate(d.get<string>('name')) } }),
          summary: 'Generate a password from a policy.',
        },
      },
      helpSynopsis: 'Generate a password from a password policy.',
      helpDescription: 'Each read returns a new password drawn with a CSPRNG, meeting every rule of the policy.',
    },
  ];
}

/** The CLI may send the policy base64-encoded, as for ACL policies. */
function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed !== '' && /^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && trimmed.length % 4 === 0) {
    const decoded = Buffer.from(trimmed, 'base64').toString('utf8');
    if (/length\s*=|"length"/.test(decoded)) return decoded;
  }
  return text;
}
