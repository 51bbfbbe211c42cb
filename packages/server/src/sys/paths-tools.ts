import { createHash, randomBytes } from 'node:crypto';
import { CofferError, type PathDefinition } from '@coffer/sdk';

const HASH_ALGORITHMS: Record<string, string> = {
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

const MAX_RANDOM_BYTES = 128 * 1024;

function encode(buf: Buffer, format: string): string {
  if (format === 'hex') return buf.toString('hex');
  if (format === 'base64') return buf.toString('base64');
  throw new CofferError('invalid_request', `unsupported encoding format "${format}": use "hex" or "base64"`);
}

/** sys/tools/random and sys/tools/hash. */
export function toolsPaths(): PathDefinition[] {
  const random = async (bytesParam: unknown, format: string, source: string) => {
    const count = Number(bytesParam ?? 32);
    if (!Number.isInteger(count) || count < 1 || count > MAX_RANDOM_BYTES) {
      throw new CofferError('invalid_request', `bytes must be an integer between 1 and ${MAX_RANDOM_BYTES}`);
    }
    if (!['platform', 'seal', 'all', ''].includes(source)) throw new CofferError('invalid_request', `unsupported entropy source "${source}": use platform, seal or all`);
    return { data: { random_bytes: encode(randomBytes(count), format) } };
  };
  const hash = async (input: string, algorithm: string, format: string) => {
    const algo = HASH_ALGORITHMS[algorithm];
    if (!algo) throw new CofferError('invalid_request', `unsupported algorithm "${algorithm}": use one of ${Object.keys(HASH_ALGORITHMS).join(', ')}`);
    if (!input) throw new CofferError('invalid_request', 'missing input: pass base64-encoded "input"');
    const bytes = Buffer.from(input, 'base64');
    return { data: { sum: encode(createHash(algo).update(bytes).digest(), format) } };
  };
  return [
    {
      pattern: 'tools/random(/(?<source>platform|seal|all))?(/(?<urlbytes>[0-9]+))?',
      fields: {
        source: { type: 'string', default: 'platform' },
        urlbytes: { type: 'string' },
        bytes: { type: 'int', default: 32, description: 'Number of random bytes.' },
        format: { type: 'string', default: 'base64', description: 'hex or base64.' },
      },
      operations: {
        update: async (_req, d) => random(d.get<string>('urlbytes') || d.get<number>('bytes'), d.get<string>('format'), d.get<string>('source')),
      },
      helpSynopsis: 'Generate random bytes.',
    },
    {
      pattern: 'tools/hash(/(?<urlalgorithm>[a-z0-9-]+))?',
      fields: {
        urlalgorithm: { type: 'string' },
        input: { type: 'string', description: 'Base64-encoded input.' },
        algorithm: { type: 'string', default: 'sha2-256' },
        format: { type: 'string', default: 'hex', description: 'hex or base64.' },
      },
      operations: {
        update: async (_req, d) => hash(d.get<string>('input'), d.get<string>('urlalgorithm') || d.get<string>('algorithm'), d.get<string>('format')),
      },
      helpSynopsis: 'Hash data with a SHA-2 or SHA-3 algorithm.',
    },
  ];
}
