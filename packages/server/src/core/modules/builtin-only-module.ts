import type { CoreModule } from './module.js';

/** Mounts come from the built-ins alone (a server without the plugin catalog). */
export const builtinOnlyModule: CoreModule = {
  name: 'builtin-only',
  needs: ['builtinSource'],
  provides: ['plugins'],
  build(ctx) {
    return { services: { plugins: { source: ctx.get('builtinSource'), knownType: async () => false } } };
  },
};
