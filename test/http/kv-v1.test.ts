// kv v1 over real HTTP against the built-in engine (the suite: kv-v1-suite.ts).
import { startInProcessServer } from '@coffer/server/testing/in-process-server.js';
import { describeKvV1 } from './kv-v1-suite.js';

describeKvV1('kv v1 (built-in engine)', () => startInProcessServer());
