export { approleFactory, createApproleBackend, type ApproleOptions } from './backend.js';
