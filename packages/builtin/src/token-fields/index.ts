export {
  type TokenParams,
  TOKEN_FIELD_NAMES,
  emptyTokenParams,
  withTokenDefaults,
  tokenFieldSchemas,
  parseTokenFields,
  tokenParamsData,
  applyTokenParams,
} from './token-params.js';
export { deprecationText, legacyFieldSchema, upgradeLegacyField, upgradeLegacyValue } from './legacy-fields.js';
export { sanitizePolicies, equivalentPolicies, cleanStringList } from './policies.js';
export {
  type CidrBlock,
  tryParseCidr,
  parseCidrList,
  formatCidr,
  normalizeCidrList,
  addressInCidrs,
  cidrsAreSubset,
} from './cidr.js';
