import { CofferError, type PathDefinition } from '@coffer/sdk';
import type { AuditBroker } from './broker.js';

/** sys/audit and sys/audit-hash, with Vault's JSON shapes. */
export function auditSysPaths(broker: AuditBroker): PathDefinition[] {
  const view = () => {
    const data: Record<string, unknown> = {};
    for (const e of broker.list()) data[e.path] = { type: e.type, description: e.description, options: e.options, local: e.local, path: e.path };
    return data;
  };
  return [
    {
      pattern: 'audit-hash/(?<path>.+)',
      fields: { path: { type: 'string' }, input: { type: 'string', description: 'The value to hash.' } },
      operations: {
        update: async (_req, d) => ({ data: { hash: broker.hashFor(d.get<string>('path'), d.get<string>('input')) } }),
      },
      helpSynopsis: 'Hash a value the way an audit device would log it.',
    },
    {
      pattern: 'audit/(?<path>.+)',
      fields: {
        path: { type: 'string' },
        type: { type: 'string', description: 'The device type, e.g. "file".' },
        description: { type: 'string' },
        options: { type: 'kvpairs', description: 'Device options, e.g. file_path.' },
        local: { type: 'bool', default: false },
      },
      operations: {
        update: async (_req, d) => {
          const type = d.get<string>('type');
          if (!type) throw new CofferError('invalid_request', 'missing audit device type: give type=file');
          await broker.enable(d.get<string>('path'), type, d.get<string>('description'), d.get<Record<string, string>>('options') ?? {}, d.get<boolean>('local'));
          return null;
        },
        delete: async (_req, d) => {
          await broker.disable(d.get<string>('path'));
          return null;
        },
      },
      helpSynopsis: 'Enable or disable an audit device.',
    },
    {
      pattern: 'audit/?',
      operations: { read: async () => ({ data: view() }) },
      helpSynopsis: 'List the enabled audit devices.',
    },
  ];
}
