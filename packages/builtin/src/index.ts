import type { BackendFactory } from '@coffer/sdk';
import { cubbyholeFactory } from './cubbyhole/index.js';

export { cubbyholeFactory, cubbyholePrefix } from './cubbyhole/index.js';

/** A built-in engine or auth method as the plugin catalog lists it. */
export interface BuiltinPlugin {
  type: 'secret' | 'auth' | 'database';
  name: string;
  factory: BackendFactory;
  /** Semantic version of the code; the catalog shows it as vX.Y.Z+builtin. */
  version: string;
  deprecationStatus: 'supported' | 'deprecated' | 'pending-removal' | 'removed';
}

/** Every built-in, in one list: the catalog, the mount table and `coffer plugin list` all read it. */
export const builtinPlugins: BuiltinPlugin[] = [
  { type: 'secret', name: 'cubbyhole', factory: cubbyholeFactory, version: '0.1.0', deprecationStatus: 'supported' },
];
