// A Vault response as templates see it: consul-template's Secret, with Go's
// field names ({{ .Data.data.password }}, {{ .Auth.ClientToken }}, {{ .LeaseID }}).
import type { Secret } from '../../api/secret.js';

export function templateSecret(secret: Secret): Record<string, unknown> {
  const auth = secret.auth;
  const wrap = secret.wrap_info;
  return {
    RequestID: secret.request_id ?? '',
    LeaseID: secret.lease_id ?? '',
    LeaseDuration: secret.lease_duration ?? 0,
    Renewable: secret.renewable ?? false,
    Data: secret.data ?? null,
    Warnings: secret.warnings ?? null,
    Auth: auth
      ? {
          ClientToken: auth.client_token ?? '',
          Accessor: auth.accessor ?? '',
          Policies: auth.policies ?? null,
          TokenPolicies: auth.token_policies ?? null,
          IdentityPolicies: auth.identity_policies ?? null,
          Metadata: auth.metadata ?? null,
          Orphan: auth.orphan ?? false,
          EntityID: auth.entity_id ?? '',
          LeaseDuration: auth.lease_duration ?? 0,
          Renewable: auth.renewable ?? false,
        }
      : null,
    WrapInfo: wrap
      ? {
          Token: wrap.token ?? '',
          Accessor: wrap.accessor ?? '',
          TTL: wrap.ttl ?? 0,
          CreationTime: wrap.creation_time ?? '',
          CreationPath: wrap.creation_path ?? '',
          WrappedAccessor: wrap.wrapped_accessor ?? '',
        }
      : null,
  };
}
