// kv v2 over real HTTP against the built-in engine (the suite: kv-v2-suite.ts).
import { startInProcessServer } from '@coffer/server/testing/in-process-server.js';
import { describeKvV2 } from './kv-v2-suite.js';

describeKvV2('kv v2 (built-in engine)', () => startInProcessServer());
