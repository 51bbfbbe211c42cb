import type { PathDefinition } from '@coffer/sdk';
import type { SysDeps } from './deps.js';

/** The authenticated lifecycle endpoints: seal, rotate, key-status (step-down is the HA module's, ha/sys-paths.ts). */
export function sealPaths(deps: SysDeps): PathDefinition[] {
  return [
    {
      pattern: 'seal',
      operations: {
        update: async () => {
          await deps.seal();
          return null;
        },
      },
      helpSynopsis: 'Seal the server: the keys leave memory and every request fails until it is unsealed.',
    },
    {
      pattern: 'rotate',
      operations: {
        update: async () => {
          await deps.rotate();
          return null;
        },
      },
      helpSynopsis: 'Rotate the barrier encryption key: new writes use a new key term; old terms still decrypt.',
    },
    {
      pattern: 'key-status',
      operations: { read: async () => ({ data: { ...deps.keyStatus() } }) },
      helpSynopsis: 'The current barrier key term and when it was installed.',
    },
  ];
}
