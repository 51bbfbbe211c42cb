export { pkiFactory, createPkiBackend, type PkiOptions } from './backend.js';
