export { createTestBackend, type TestBackend, type TestBackendOptions } from './test-backend.js';
export { assertEveryPathDocumented, assertRejectsWithCode } from './assertions.js';
