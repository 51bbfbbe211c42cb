// Commands that only group subcommands, with their help text.
import { CLI_NAME, PRODUCT_NAME } from './branding.js';
import type { CommandGroup } from './command.js';

export const COMMAND_GROUPS: CommandGroup[] = [
  {
    name: 'lease',
    synopsis: 'Interact with leases',
    help: `
Usage: ${CLI_NAME} lease <subcommand> [options] [args]

  This command groups subcommands for interacting with leases. Users can look
  up, renew and revoke leases.

  Renew a lease:

      $ ${CLI_NAME} lease renew database/creds/readonly/2f6a614c...

  Revoke a lease:

      $ ${CLI_NAME} lease revoke database/creds/readonly/2f6a614c...

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'operator',
    synopsis: 'Perform operator-specific tasks',
    help: `
Usage: ${CLI_NAME} operator <subcommand> [options] [args]

  This command groups subcommands for operators interacting with ${PRODUCT_NAME}. Most
  users will not need to interact with these commands.

  Initialize a new server:

      $ ${CLI_NAME} operator init

  Force a server to seal:

      $ ${CLI_NAME} operator seal

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'operator backup',
    synopsis: 'Save and restore backups of the storage',
    help: `
Usage: ${CLI_NAME} operator backup <subcommand> [options] [args]

  Backups are consistent snapshots of the whole storage, still encrypted,
  taken from a running server and restored into an empty storage of any type.

      $ ${CLI_NAME} operator backup save coffer.backup
      $ ${CLI_NAME} operator backup restore -config=server.hcl coffer.backup

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'token',
    synopsis: 'Interact with tokens',
    help: `
Usage: ${CLI_NAME} token <subcommand> [options] [args]

  This command groups subcommands for interacting with tokens. Users can
  create, lookup, renew, and revoke tokens.

  Create a new token:

      $ ${CLI_NAME} token create

  Revoke a token:

      $ ${CLI_NAME} token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'policy',
    synopsis: 'Interact with policies',
    help: `
Usage: ${CLI_NAME} policy <subcommand> [options] [args]

  This command groups subcommands for interacting with policies. Users can
  write, read, and list policies.

  List all enabled policies:

      $ ${CLI_NAME} policy list

  Create a policy named "my-policy" from contents on local disk:

      $ ${CLI_NAME} policy write my-policy ./my-policy.hcl

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'secrets',
    synopsis: 'Interact with secrets engines',
    help: `
Usage: ${CLI_NAME} secrets <subcommand> [options] [args]

  This command groups subcommands for interacting with secrets engines. Each
  secrets engine behaves differently. Please see the documentation for more
  information.

  List all enabled secrets engines:

      $ ${CLI_NAME} secrets list

  Enable a new secrets engine:

      $ ${CLI_NAME} secrets enable database

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'auth',
    synopsis: 'Interact with auth methods',
    help: `
Usage: ${CLI_NAME} auth <subcommand> [options] [args]

  This command groups subcommands for interacting with auth methods. Users can
  list, enable, disable, tune and move auth methods.

  To authenticate, use "${CLI_NAME} login".

  List all enabled auth methods:

      $ ${CLI_NAME} auth list

  Enable a new auth method "userpass":

      $ ${CLI_NAME} auth enable userpass

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'kv',
    synopsis: 'Interact with the key-value store',
    help: `
Usage: ${CLI_NAME} kv <subcommand> [options] [args]

  This command has subcommands for interacting with the key-value store. Here
  are some simple examples, and more detailed examples are available in the
  subcommands or the documentation.

  Create or update the key named "foo" in the "secret" mount with the value
  "bar=baz":

      $ ${CLI_NAME} kv put -mount=secret foo bar=baz

  Read this value back:

      $ ${CLI_NAME} kv get -mount=secret foo

  Get metadata for the key:

      $ ${CLI_NAME} kv metadata get -mount=secret foo

  Get a specific version of the key:

      $ ${CLI_NAME} kv get -mount=secret -version=1 foo

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'kv metadata',
    synopsis: 'Interact with key metadata',
    help: `
Usage: ${CLI_NAME} kv metadata <subcommand> [options] [args]

  This command has subcommands for interacting with the metadata endpoint in
  the key-value store (KV v2 only).

  Create or update a metadata entry for a key:

      $ ${CLI_NAME} kv metadata put -mount=secret -max-versions=5 -delete-version-after=3h25m19s foo

  Get the metadata for a key, this provides information about each existing
  version:

      $ ${CLI_NAME} kv metadata get -mount=secret foo

  Delete a key and all existing versions:

      $ ${CLI_NAME} kv metadata delete -mount=secret foo

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'audit',
    synopsis: 'Interact with audit devices',
    help: `
Usage: ${CLI_NAME} audit <subcommand> [options] [args]

  This command groups subcommands for interacting with audit devices. Users
  can list, enable, and disable audit devices.

  List all enabled audit devices:

      $ ${CLI_NAME} audit list

  Enable a new audit device "file";

       $ ${CLI_NAME} audit enable file file_path=/var/log/audit.log

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'plugin',
    synopsis: 'Interact with plugins and catalog',
    help: `
Usage: ${CLI_NAME} plugin <subcommand> [options] [args]

  This command groups subcommands for interacting with plugins and the
  plugin catalog. The plugin catalog is divided into three types: "auth",
  "database", and "secret" plugins. A type must be specified on each call.

  List all available plugins in the catalog of a particular type:

      $ ${CLI_NAME} plugin list database

  Register a new plugin to the catalog as a particular type:

      $ ${CLI_NAME} plugin register -sha256=d3f0a8b... auth my-custom-plugin

  Get information about a plugin in the catalog listed under a particular type:

      $ ${CLI_NAME} plugin info auth my-custom-plugin

  Pin every mount of a plugin to one version, then reload it:

      $ ${CLI_NAME} plugin pin -version=v1.2.0 auth my-custom-plugin
      $ ${CLI_NAME} plugin reload -plugin=my-custom-plugin

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'plugin runtime',
    synopsis: 'Interact with plugin runtimes catalog',
    help: `
Usage: ${CLI_NAME} plugin runtime <subcommand> [options] [args]

  This command groups subcommands for the plugin runtime catalog: the limits
  external plugins run in. A "process" runtime limits memory, CPU and the
  number of processes (cgroups, or setrlimit where cgroups are not writable),
  cuts the plugin off the network unless allowed, and can run it as another
  user. Register a plugin with -runtime=NAME to run it in one.

  Register a runtime:

      $ ${CLI_NAME} plugin runtime register -type=process -memory_bytes=67108864 sandboxed

  List, inspect (with how this server enforces it) and deregister:

      $ ${CLI_NAME} plugin runtime list
      $ ${CLI_NAME} plugin runtime info -type=process sandboxed
      $ ${CLI_NAME} plugin runtime deregister -type=process sandboxed

  Please see the individual subcommand help for detailed usage information.`,
  },
  {
    name: 'print',
    synopsis: 'Prints runtime configurations',
    help: `
Usage: ${CLI_NAME} print <subcommand>

  This command groups subcommands for interacting with the CLI's runtime
  values.`,
  },
];
