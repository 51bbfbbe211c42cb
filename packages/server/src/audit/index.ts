export { AuditBroker, type AuditTableEntry } from './broker.js';
export { auditSysPaths } from './sys-paths.js';
export { hashStructure, hmacHasher } from './hash.js';
