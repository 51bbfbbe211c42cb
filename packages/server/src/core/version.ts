/** Coffer's own version. */
export const COFFER_VERSION = '0.1.0';
/**
 * The Vault API level Coffer implements. Clients such as Terraform's
 * provider read `version` from sys/seal-status to pick features, so that
 * field reports this (with Coffer's version as build metadata).
 */
export const VAULT_API_VERSION = '1.15.0';
export const REPORTED_VERSION = `${VAULT_API_VERSION}+coffer.${COFFER_VERSION}`;
