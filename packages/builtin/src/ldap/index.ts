export { ldapFactory, createLdapBackend } from './backend.js';
export { escapeDnValue, escapeFilterValue } from './escape.js';
