/**
 * Fixed values of the external plugin protocol (docs/plugin-protocol.md).
 * Changing any of them breaks every plugin already built.
 */

/**
 * The magic cookie: the server sets this variable to this value when it runs
 * a plugin. It is a usability guard (a plugin run by hand says what it is and
 * exits), not a security feature: TLS pinning is.
 */
export const MAGIC_COOKIE_KEY = 'COFFER_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = '70d4dec7-0e6d-4851-bb71-6a460ab3aec1';

/**
 * Vault's cookie for backend plugins, set as well for familiarity. A plugin
 * built for Vault that sees it starts and prints Vault's handshake, which the
 * server then rejects with a message saying it is a Vault plugin.
 */
export const VAULT_MAGIC_COOKIE_KEY = 'VAULT_BACKEND_PLUGIN';
export const VAULT_MAGIC_COOKIE_VALUE = '6669da05-b1c8-4f49-97d9-c8e5bed98e20';

/** PEM of the one-time certificate the server will present as a TLS client. */
export const CLIENT_CERT_ENV = 'COFFER_PLUGIN_CLIENT_CERT';

/** Comma-separated application protocol versions the server speaks ("1"). */
export const PROTOCOL_VERSIONS_ENV = 'COFFER_PLUGIN_PROTOCOL_VERSIONS';

/** Log level for the SDK's stderr logger (trace, debug, info, warn, error). */
export const LOG_LEVEL_ENV = 'COFFER_PLUGIN_LOG_LEVEL';

/** The first field of the handshake line (the framing, as go-plugin's). */
export const CORE_PROTOCOL_VERSION = 1;

/** The version of the services in packages/sdk/proto (coffer.plugin.v1). */
export const APP_PROTOCOL_VERSION = 1;

/** The name both sides put in, and expect of, each other's certificate. */
export const TLS_SERVER_NAME = 'localhost';

/** Printed to stderr by a plugin run without the cookie. */
export const NOT_A_PLUGIN_MESSAGE = [
  'This binary is a plugin for Coffer. It is not meant to be run directly:',
  'register it in the plugin catalog and mount it, and the Coffer server will run it.',
  '  coffer plugin register -sha256=<sha256 of this file> <type> <name>',
].join('\n');

/**
 * Set to "off" in a plugin's environment (its catalog `env`), serve() offers
 * neither Backend.Calls nor uses Storage.Session: the plugin then speaks only
 * the unary calls, as a plugin written without those optimisations does.
 * For debugging and for testing that fallback.
 */
export const STREAMS_ENV = 'COFFER_PLUGIN_STREAMS';
