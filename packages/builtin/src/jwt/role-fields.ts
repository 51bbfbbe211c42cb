import type { FieldSchema } from '@coffer/sdk';
import { legacyFieldSchema } from '../token-fields/index.js';

const leewayText = (what: string, fallback: number): string =>
  `Seconds (or a duration) of leeway when checking ${what}, for clock skew. 0 means the default of ${fallback} seconds; -1 disables the leeway. Only used by "jwt" roles.`;

/** The role settings other than the token_* ones. */
export const roleFieldSchemas: Record<string, FieldSchema> = {
  role_type: { type: 'string', description: 'Type of the role: "jwt" (log in with a JWT at "login") or "oidc" (the browser flow). Defaults to "oidc".' },
  bound_audiences: { type: 'comma-string-slice', description: "'aud' claims accepted at login; any match is enough. Required for tokens that carry an 'aud' claim." },
  bound_subject: { type: 'string', description: "When set, the 'sub' claim must equal this value." },
  bound_claims_type: {
    type: 'string',
    default: 'string',
    description: 'How to compare the values of bound_claims: "string" (exact) or "glob" ("*" matches any characters).',
  },
  bound_claims: {
    type: 'map',
    description: 'Claims (by name or JSON pointer) that must be present with one of the given values (a value or a list of values).',
  },
  claim_mappings: { type: 'kvpairs', description: 'Claims (key) copied to the token and alias metadata under another name (value).' },
  user_claim: { type: 'string', default: 'sub', description: 'The claim whose value names the user (the identity alias). Defaults to "sub".' },
  user_claim_json_pointer: { type: 'bool', description: 'Read user_claim as a JSON pointer ("/a/b") into nested claims.' },
  groups_claim: { type: 'string', description: 'The claim (by name or JSON pointer) that lists the groups of the user; each becomes a group alias.' },
  oidc_scopes: { type: 'comma-string-slice', description: 'Scopes to request besides "openid" in the OIDC flow.' },
  allowed_redirect_uris: { type: 'comma-string-slice', description: 'Redirect URIs the OIDC flow may return to (loopback URIs match on any port). Required for "oidc" roles.' },
  clock_skew_leeway: { type: 'string', default: '60', description: leewayText('all time claims', 60) },
  expiration_leeway: { type: 'string', default: '150', description: leewayText('the expiration (exp) claim', 150) },
  not_before_leeway: { type: 'string', default: '150', description: leewayText('the not-before (nbf) claim', 150) },
  verbose_oidc_logging: {
    type: 'bool',
    description: 'Log the claims received in the OIDC flow at debug level. Not for production: claims may be personal data.',
  },
  max_age: { type: 'duration', description: 'When set, the provider must have authenticated the user at most this long ago (OIDC max_age).' },
  policies: legacyFieldSchema('comma-string-slice', 'token_policies'),
  num_uses: legacyFieldSchema('int', 'token_num_uses'),
  ttl: legacyFieldSchema('duration', 'token_ttl'),
  max_ttl: legacyFieldSchema('duration', 'token_max_ttl'),
  period: legacyFieldSchema('duration', 'token_period'),
  bound_cidrs: legacyFieldSchema('comma-string-slice', 'token_bound_cidrs'),
};

/** The role fields a read returns, in addition to the token fields. */
export const ROLE_READ_FIELDS = [
  'role_type',
  'bound_audiences',
  'bound_subject',
  'bound_claims_type',
  'bound_claims',
  'claim_mappings',
  'user_claim',
  'user_claim_json_pointer',
  'groups_claim',
  'oidc_scopes',
  'allowed_redirect_uris',
  'clock_skew_leeway',
  'expiration_leeway',
  'not_before_leeway',
  'verbose_oidc_logging',
  'max_age',
] as const;
