import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createTestBackend } from '../testing/index.js';
import { createBackend } from './backend.js';
import { definePath } from './typed-fields.js';

const here = dirname(fileURLToPath(import.meta.url));

test('a handler reads its declared fields as a typed object: sent values, defaults, zero values', async () => {
  const seen: unknown[] = [];
  const backend = createBackend({
    type: 'logical',
    help: 'typed fields',
    paths: [
      definePath({
        pattern: 'roles/(?<name>\\w+)',
        fields: { name: { type: 'string' }, ttl: { type: 'duration', default: '1h' }, max_uses: { type: 'int' }, tags: { type: 'comma-string-slice' } },
        operations: {
          update: async (_req, d) => {
            const { name, ttl, max_uses: maxUses, tags } = d.values;
            seen.push({ name, ttl, maxUses, tags, sentTtl: d.has('ttl'), sentTags: d.has('tags') });
            return null;
          },
        },
      }),
    ],
  });
  const t = await createTestBackend(backend);
  await t.write('roles/web', { tags: 'a,b' });
  await t.write('roles/db', { ttl: '30s', max_uses: '3' });
  assert.deepEqual(seen, [
    { name: 'web', ttl: 3600, maxUses: 0, tags: ['a', 'b'], sentTtl: false, sentTags: true },
    { name: 'db', ttl: 30, maxUses: 3, tags: [], sentTtl: true, sentTags: false },
  ]);
});

/** Type-checks `source` (placed beside typed-fields.ts) and returns its error messages. */
function compileErrors(source: string): string[] {
  const file = join(here, '__typed_fields_probe.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || exists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

test('a misspelt field name or a wrong type does not compile', () => {
  const path = (body: string) => `
    import { definePath } from './typed-fields.js';
    definePath({
      pattern: 'x',
      fields: { ttl: { type: 'duration' }, name: { type: 'string' } },
      operations: { read: async (_req, d) => { ${body}; return null; } },
    });`;
  assert.deepEqual(compileErrors(path('const ttl: number = d.values.ttl; const name: string = d.values.name; void ttl; void name')), []);
  const misspelt = compileErrors(path('void d.values.tll'));
  assert.equal(misspelt.length, 1);
  assert.match(misspelt[0]!, /Property 'tll' does not exist/);
  const wrongType = compileErrors(path('const name: number = d.values.name; void name'));
  assert.equal(wrongType.length, 1);
  assert.match(wrongType[0]!, /Type 'string' is not assignable to type 'number'/);
  assert.match(compileErrors(path("void d.has('nme')"))[0] ?? '', /not assignable/);
});
