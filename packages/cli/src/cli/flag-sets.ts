// The flag groups Vault's commands share: HTTP (how to reach the server) and
// output (-format, -field).
import type { HttpFlagValues } from '../api/config.js';
import type { FlagSpec, FlagValues } from './flags.js';

export type FlagSetName = 'http' | 'format' | 'field';

export const HTTP_FLAGS: FlagSpec[] = [
  {
    name: 'address',
    kind: 'string',
    usage: 'Address of the server. The default is https://127.0.0.1:8200. This can also be specified via the VAULT_ADDR environment variable.',
  },
  {
    name: 'ca-cert',
    kind: 'string',
    usage: 'Path on the local disk to a single PEM-encoded CA certificate to verify the server\'s SSL certificate. This takes precedence over -ca-path. This can also be specified via the VAULT_CACERT environment variable.',
  },
  {
    name: 'ca-path',
    kind: 'string',
    usage: 'Path on the local disk to a directory of PEM-encoded CA certificates to verify the server\'s SSL certificate. This can also be specified via the VAULT_CAPATH environment variable.',
  },
  {
    name: 'client-cert',
    kind: 'string',
    usage: 'Path on the local disk to a single PEM-encoded CA certificate to use for TLS authentication to the server. If this flag is specified, -client-key is also required. This can also be specified via the VAULT_CLIENT_CERT environment variable.',
  },
  {
    name: 'client-key',
    kind: 'string',
    usage: 'Path on the local disk to a single PEM-encoded private key matching the client certificate from -client-cert. This can also be specified via the VAULT_CLIENT_KEY environment variable.',
  },
  {
    name: 'disable-redirects',
    kind: 'bool',
    usage: 'Disable the default client behavior, which honors a single redirect response from a request. This can also be specified via the VAULT_DISABLE_REDIRECTS environment variable.',
  },
  {
    name: 'header',
    kind: 'list',
    usage: 'Key-value pair provided as key=value to provide http header added to any request done by the CLI. This can be specified multiple times.',
  },
  {
    name: 'namespace',
    aliases: ['ns'],
    kind: 'string',
    usage: 'Accepted for compatibility and ignored: Coffer has no namespaces. VAULT_NAMESPACE is ignored as well.',
  },
  {
    name: 'non-interactive',
    kind: 'bool',
    usage: 'When set true, prevents asking the user for input via the terminal.',
  },
  {
    name: 'output-curl-string',
    kind: 'bool',
    usage: 'Instead of executing the request, print an equivalent cURL command string and exit.',
  },
  {
    name: 'policy-override',
    kind: 'bool',
    usage: 'Override a Sentinel policy that has a soft-mandatory enforcement_level specified.',
  },
  {
    name: 'tls-server-name',
    kind: 'string',
    usage: 'Name to use as the SNI host when connecting to the server via TLS. This can also be specified via the VAULT_TLS_SERVER_NAME environment variable.',
  },
  {
    name: 'tls-skip-verify',
    kind: 'bool',
    usage: 'Disable verification of TLS certificates. Using this option is highly discouraged as it decreases the security of data transmissions to and from the server. This can also be specified via the VAULT_SKIP_VERIFY environment variable.',
  },
  {
    name: 'wrap-ttl',
    kind: 'duration',
    usage: 'Wraps the response in a cubbyhole token with the requested TTL. The response is available via the "coffer unwrap" command. The TTL is specified as a numeric string with suffix like "30s" or "5m". This can also be specified via the VAULT_WRAP_TTL environment variable.',
  },
];

export const FORMAT_FLAG: FlagSpec = {
  name: 'format',
  kind: 'string',
  usage: 'Print the output in the given format. Valid formats are "table", "json", "yaml", or "pretty". The default is table. This can also be specified via the VAULT_FORMAT environment variable.',
};

export const FIELD_FLAG: FlagSpec = {
  name: 'field',
  kind: 'string',
  usage: 'Print only the field with the given name. Specifying this option will take precedence over other formatting directives. The result will not have a trailing newline making it ideal for piping to other processes.',
};

export const DETAILED_FLAG: FlagSpec = {
  name: 'detailed',
  kind: 'bool',
  usage: 'Print detailed information such as TTLs and replication status about each item.',
};

export function flagsForSets(sets: FlagSetName[]): FlagSpec[] {
  const out: FlagSpec[] = [];
  if (sets.includes('http')) out.push(...HTTP_FLAGS);
  if (sets.includes('field')) out.push(FIELD_FLAG);
  if (sets.includes('format')) out.push(FORMAT_FLAG);
  return out;
}

/** The HTTP flag values a command was given, for building its client. */
export function httpFlagValues(flags: FlagValues): HttpFlagValues {
  const headers: Record<string, string> = {};
  for (const pair of flags.list('header')) {
    const eq = pair.indexOf('=');
    if (eq > 0) headers[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  const out: HttpFlagValues = { headers };
  const str = (name: string): string | undefined => (flags.isSet(name) ? flags.string(name) : undefined);
  const bool = (name: string): boolean | undefined => (flags.isSet(name) ? flags.bool(name) : undefined);
  const address = str('address');
  if (address !== undefined) out.address = address;
  const caCert = str('ca-cert');
  if (caCert !== undefined) out.caCert = caCert;
  const caPath = str('ca-path');
  if (caPath !== undefined) out.caPath = caPath;
  const clientCert = str('client-cert');
  if (clientCert !== undefined) out.clientCert = clientCert;
  const clientKey = str('client-key');
  if (clientKey !== undefined) out.clientKey = clientKey;
  const serverName = str('tls-server-name');
  if (serverName !== undefined) out.tlsServerName = serverName;
  const skip = bool('tls-skip-verify');
  if (skip !== undefined) out.tlsSkipVerify = skip;
  const wrapTTL = str('wrap-ttl');
  if (wrapTTL !== undefined) out.wrapTTL = wrapTTL;
  const redirects = bool('disable-redirects');
  if (redirects !== undefined) out.disableRedirects = redirects;
  out.policyOverride = flags.bool('policy-override');
  out.outputCurlString = flags.bool('output-curl-string');
  return out;
}
