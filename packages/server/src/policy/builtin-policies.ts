/**
 * The texts of the policies every Coffer server has. `root` has no text: the
 * ACL grants everything to a token holding it.
 */

/**
 * Written at first unseal when missing. Operators may edit it (it is attached
 * to every non-root token unless the token opts out) but not delete it.
 */
export const DEFAULT_POLICY_TEXT = `# Attached to every token unless it was created with no_default_policy.
# Operators may change it; it cannot be deleted.

# A token may inspect, renew and revoke itself.
path "auth/token/lookup-self" {
    capabilities = ["read"]
}
path "auth/token/renew-self" {
    capabilities = ["update"]
}
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# A token may ask what it can do on a path.
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# The web UI reads the token's combined policy to decide what to show.
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Leases the token already holds may be renewed and looked up by id
# (both the old and the new paths, for old and new clients).
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Every token owns a private cubbyhole.
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Response wrapping: wrap any value, inspect and unwrap a wrapping token.
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# General-purpose tools.
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}
path "sys/tools/random" {
    capabilities = ["update"]
}
path "sys/tools/random/*" {
    capabilities = ["update"]
}

# A token may check on a control group request it made.
path "sys/control-group/request" {
    capabilities = ["update"]
}
`;

/**
 * Held by response-wrapping tokens: they can only hand over the wrapped
 * response kept in their own cubbyhole. Rewritten at every unseal, so an
 * upgrade's version wins over anything stored.
 */
export const RESPONSE_WRAPPING_POLICY_TEXT = `# Held by response-wrapping tokens. Managed by Coffer; it cannot be changed.
path "cubbyhole/response" {
    capabilities = ["create", "read"]
}
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}
`;
