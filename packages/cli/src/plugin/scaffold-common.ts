// The files every scaffolded plugin project has, whatever its type (see
// `coffer plugin new` and the tutorial in docs/plugins.md, which shows them).

export type ScaffoldType = 'secret' | 'auth';

export interface ScaffoldOptions {
  type: ScaffoldType;
  /** The plugin's name: the package name, the built file's name, the catalog name. */
  name: string;
  /** The @coffer/sdk dependency as package.json writes it ("file:vendor/coffer-sdk-0.1.0.tgz", "^0.1.0"). */
  sdkSpec: string;
}

/** Versions of the build tools the project pins (the ones Coffer itself is built and tested with). */
const DEV_DEPENDENCIES = {
  '@types/node': '^20.19.0',
  esbuild: '^0.28.2',
  tsx: '^4.23.0',
  typescript: '^5.9.0',
};

export function packageJson(o: ScaffoldOptions): string {
  const pkg = {
    name: o.name,
    version: '1.0.0',
    private: true,
    description: `A Coffer ${o.type === 'auth' ? 'auth method' : 'secrets engine'} plugin`,
    type: 'module',
    scripts: {
      build: 'node build.mjs',
      test: 'node --import tsx --test test/*.test.ts',
      typecheck: 'tsc --noEmit',
    },
    dependencies: { '@coffer/sdk': o.sdkSpec },
    devDependencies: DEV_DEPENDENCIES,
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["src", "test"]
}
`;

export function buildScript(o: ScaffoldOptions): string {
  return `#!/usr/bin/env node
// Bundles src/main.ts and everything it imports (the SDK, gRPC, your own
// dependencies) into ONE executable file, dist/${o.name}: a node shebang on
// top, mode 755. Coffer checks that file's sha256 before every launch, so
// the sha256 covers all the code the plugin runs.
//
//   npm run build        (prints the sha256 to register)
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import { build } from 'esbuild';

const outfile = 'dist/${o.name}';

await build({
  entryPoints: ['src/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // CommonJS runs whatever the file is called (it has no extension).
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  legalComments: 'eof',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
const sha256 = createHash('sha256').update(readFileSync(outfile)).digest('hex');
console.log(\`built \${outfile}\\nsha256 \${sha256}\`);
`;
}

export function mainFile(): string {
  return `// The plugin's entry point: serve() answers the Coffer server's handshake and
// serves every mount with a backend from the factory. Do not await it (the
// build is CommonJS, which has no top-level await).
import { serve } from '@coffer/sdk/plugin';
import { factory } from './backend.js';

serve(factory);
`;
}

export const GITIGNORE = `node_modules/
dist/
`;

export function readme(o: ScaffoldOptions): string {
  const kind = o.type === 'auth' ? 'auth method' : 'secrets engine';
  const enable = o.type === 'auth' ? `coffer auth enable -path=${o.name} ${o.name}` : `coffer secrets enable -path=${o.name} ${o.name}`;
  return `# ${o.name}

A Coffer ${kind} plugin, built with \`@coffer/sdk\`.

\`\`\`sh
npm install
npm test               # the backend, driven by the SDK's test harness
npm run build          # dist/${o.name}, one executable file; prints its sha256
\`\`\`

Install it on a Coffer server (see Coffer's docs/plugins.md):

\`\`\`sh
cp dist/${o.name} <plugin_directory>/${o.name}-1.0.0
coffer plugin register -sha256=<sha256> -command=${o.name}-1.0.0 -version=v1.0.0 ${o.type} ${o.name}
${enable}
\`\`\`

Bump \`VERSION\` in src/backend.ts (and package.json) for every release:
Coffer refuses a registration whose version differs from what the binary reports.
`;
}
