export { ACL, comparePriority, type AclCheckInput, type AclResult } from './acl.js';
export { policyAclPort } from './acl-port.js';
export { DEFAULT_POLICY_TEXT, RESPONSE_WRAPPING_POLICY_TEXT } from './builtin-policies.js';
export { CAPABILITIES, capabilityForOperation, type Capability } from './capability.js';
export { parsePolicy } from './parse.js';
export {
  DEFAULT_POLICY_NAME,
  RESPONSE_WRAPPING_POLICY_NAME,
  ROOT_POLICY_NAME,
  sanitizePolicyName,
  type PathRules,
  type Permissions,
  type Policy,
} from './policy.js';
export { createPolicyStore, type PolicyStore, type PolicyStoreOptions } from './store.js';
export { policySysPaths } from './sys-paths.js';
export { isTemplatedPath, resolveTemplatedPath, type IdentityTemplateContext } from './templating.js';
