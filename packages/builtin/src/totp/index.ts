export { totpFactory, createTotpBackend, type TotpOptions } from './backend.js';
