export { PasswordPolicyStore } from './store.js';
export { passwordPolicySysPaths } from './sys-paths.js';
export { generateFromPolicy, parsePasswordPolicy, type PasswordPolicy } from './policy.js';
