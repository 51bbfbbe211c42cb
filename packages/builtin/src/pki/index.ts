import './reflect-polyfill.js';
export { pkiFactory, createPkiBackend, type PkiOptions } from './backend.js';
