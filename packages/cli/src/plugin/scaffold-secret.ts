// The source files of a scaffolded secrets engine: one path group
// (greetings/), its backend, and a test driving it with the SDK's harness.
import type { ScaffoldOptions } from './scaffold-common.js';

export function secretFiles(o: ScaffoldOptions): Record<string, string> {
  return {
    'src/backend.ts': `import { createBackend, type BackendFactory } from '@coffer/sdk';
import { pathGreetings } from './path-greetings.js';

/** What this build reports; register it with the same -version. */
export const VERSION = 'v1.0.0';

const HELP = \`
The ${o.name} secrets engine keeps named greetings under greetings/.
\`;

/** Called once per mount, with that mount's storage, system view, logger and options. */
export const factory: BackendFactory = async () =>
  createBackend({
    type: 'logical',
    help: HELP,
    runningVersion: VERSION,
    paths: pathGreetings(),
  });
`,
    'src/path-greetings.ts': `import { definePath, genericNameRegex, getJson, listResponse, notFound, putJson, type PathDefinition } from '@coffer/sdk';

/** One greeting as stored under greetings/<name> (in the mount's own, encrypted storage). */
interface Greeting {
  message: string;
  updated_time: string;
}

const PREFIX = 'greetings/';

/** greetings/ and greetings/<name>: write, read, list and delete greetings. */
export function pathGreetings(): PathDefinition[] {
  return [
    {
      pattern: 'greetings/?$',
      operations: {
        list: async (req) => listResponse(await req.storage.list(PREFIX)),
      },
      helpSynopsis: 'Lists the greetings by name.',
      helpDescription: 'Lists the names of the greetings stored on this mount, in order.',
    },
    definePath({
      pattern: \`greetings/\${genericNameRegex('name')}\`,
      fields: {
        name: { type: 'string', description: 'Name of the greeting.' },
        message: { type: 'string', description: 'The greeting itself.', default: 'hello' },
      },
      existenceCheck: async (req, d) => (await getJson<Greeting>(req.storage, PREFIX + d.values.name)) !== null,
      operations: {
        create: async (req, d) => {
          await putJson(req.storage, PREFIX + d.values.name, { message: d.values.message, updated_time: new Date().toISOString() });
          return null;
        },
        update: async (req, d) => {
          await putJson(req.storage, PREFIX + d.values.name, { message: d.values.message, updated_time: new Date().toISOString() });
          return null;
        },
        read: async (req, d) => {
          const greeting = await getJson<Greeting>(req.storage, PREFIX + d.values.name);
          if (!greeting) throw notFound();
          return { data: { name: d.values.name, ...greeting } };
        },
        delete: async (req, d) => {
          await req.storage.delete(PREFIX + d.values.name);
          return null;
        },
      },
      helpSynopsis: 'Manages one greeting.',
      helpDescription: 'Writing sets the message (default "hello"); reading returns it with the time it was last written.',
    }),
  ];
}
`,
    'test/backend.test.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertEveryPathDocumented, assertRejectsWithCode, createTestBackend } from '@coffer/sdk/testing';
import { factory, VERSION } from '../src/backend.js';

test('greetings are written, read, listed and deleted', async () => {
  const b = await createTestBackend(factory);
  await b.write('greetings/world', { message: 'hello, world' });
  await b.write('greetings/moon');

  const read = await b.read('greetings/world');
  assert.equal(read?.data?.['message'], 'hello, world');
  assert.equal((await b.read('greetings/moon'))?.data?.['message'], 'hello', 'the default message');
  assert.deepEqual((await b.list('greetings/'))?.data?.['keys'], ['moon', 'world']);

  await b.delete('greetings/world');
  await assertRejectsWithCode(b.read('greetings/world'), 'not_found');
});

test('the backend reports its version and documents every path', async () => {
  const b = await createTestBackend(factory);
  assert.equal(b.backend.pluginVersion(), VERSION);
  assertEveryPathDocumented(b.backend);
});
`,
  };
}
