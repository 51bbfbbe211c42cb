export { userpassFactory, createUserpassBackend, type UserpassOptions } from './backend.js';
export { DEFAULT_SCRYPT_PARAMS, type ScryptParams } from './password-hash.js';
