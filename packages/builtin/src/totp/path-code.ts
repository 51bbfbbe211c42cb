import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { codeIsValid, generateCode } from './codes.js';
import type { TotpContext } from './context.js';
import { readKey, type TotpKey } from './key-entry.js';

const CODE_FIELDS = {
  name: { type: 'string', description: 'Name of the key.' },
  code: { type: 'string', description: 'The code to validate (POST).' },
} satisfies Record<string, FieldSchema>;

type CodeFields = TypedFieldData<typeof CODE_FIELDS>;

export function pathCode(ctx: TotpContext): PathDefinition {
  return definePath({
    pattern: `code/${genericNameWithAtRegex('name')}`,
    fields: CODE_FIELDS,
    operations: {
      read: { callback: (req, d) => readCode(ctx, req, d), summary: 'Generate the current code of a key.' },
      update: { callback: (req, d) => validateCode(ctx, req, d), summary: 'Validate a code; each code validates once.' },
    },
    helpSynopsis: 'Generate the current TOTP code of a key, or validate a code.',
    helpDescription: `
A read returns the code of the current period in "code". A write with "code"
answers {"valid": true|false}; codes of the periods within the key's skew
count as valid. A code that was submitted once is refused ("code already
used") until it can no longer be valid, so a stolen code cannot be replayed.
`,
  });
}

async function keyOrError(req: Request, name: string): Promise<TotpKey> {
  const key = await readKey(req.storage, name);
  if (!key) throw new CofferError('invalid_request', `unknown key: ${name}`);
  return key;
}

async function readCode(ctx: TotpContext, req: Request, d: CodeFields): Promise<Response> {
  const key = await keyOrError(req, d.values.name);
  return { data: { code: generateCode(key, ctx.now()) } };
}

async function validateCode(ctx: TotpContext, req: Request, d: CodeFields): Promise<Response> {
  const name = d.values.name;
  const code = d.values.code.trim();
  if (code === '') throw new CofferError('invalid_request', 'the code value is required');
  const key = await keyOrError(req, name);
  // Any submitted code is spent for the whole time it could be valid: skew periods on each side plus the current one and one more.
  if (!ctx.usedCodes.claim(name, code, key.period * (2 + key.skew) * 1000)) {
    throw new CofferError('invalid_request', 'code already used; wait until the next time period');
  }
  return { data: { valid: codeIsValid(key, code, ctx.now()) } };
}
