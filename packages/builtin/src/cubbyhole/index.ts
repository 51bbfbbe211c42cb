export { cubbyholeFactory } from './backend.js';
export { cubbyholePrefix } from './token-prefix.js';
