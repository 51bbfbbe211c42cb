import { X509Certificate, createPrivateKey } from 'node:crypto';
import { CofferError, definePath, type FieldSchema, type PathDefinition, type Response } from '@coffer/sdk';
import { parseTokenFields, tokenFieldSchemas, tokenParamsData } from '../token-fields/index.js';
import { defaultConfig, readConfig, TLS_VERSIONS, writeConfig, type LdapConfig, type TlsVersion } from './config-entry.js';
import { validateFilterTemplate } from './filter-template.js';
import { parseUrlList } from './urls.js';

const connection = 'Connection';
const users = 'User lookup';
const groups = 'Group membership';

const fields = {
  url: {
    type: 'string',
    default: 'ldap://127.0.0.1',
    description: 'LDAP server URL (ldap:// or ldaps://). Several URLs, comma-separated, are tried in order until one answers.',
    displayAttrs: { name: 'URL', group: connection },
  },
  starttls: { type: 'bool', description: 'Upgrade an ldap:// connection with StartTLS before binding.', displayAttrs: { group: connection } },
  insecure_tls: { type: 'bool', description: "Do not verify the server's certificate. Only for tests.", displayAttrs: { group: connection } },
  certificate: { type: 'string', description: "PEM CA certificate(s) to verify the server's certificate with.", displayAttrs: { group: connection } },
  client_tls_cert: { type: 'string', description: 'PEM client certificate presented to the server (with client_tls_key).', displayAttrs: { group: connection } },
  client_tls_key: {
    type: 'string',
    description: 'PEM private key of client_tls_cert. Never returned by a read.',
    displayAttrs: { group: connection, sensitive: true },
  },
  tls_min_version: { type: 'string', default: 'tls12', allowedValues: [...TLS_VERSIONS], description: 'Lowest TLS version accepted.', displayAttrs: { group: connection } },
  tls_max_version: { type: 'string', default: 'tls12', allowedValues: [...TLS_VERSIONS], description: 'Highest TLS version offered.', displayAttrs: { group: connection } },
  request_timeout: { type: 'duration', default: 90, description: 'How long one LDAP operation may take.', displayAttrs: { group: connection } },
  connection_timeout: { type: 'duration', default: 30, description: 'How long to wait for a server to accept a connection before trying the next URL.', displayAttrs: { group: connection } },
  binddn: { type: 'string', description: 'DN of the service account that searches for users and groups.', displayAttrs: { name: 'Bind DN', group: users } },
  bindpass: { type: 'string', description: 'Password of binddn. Never returned by a read.', displayAttrs: { name: 'Bind password', group: users, sensitive: true } },
  userdn: { type: 'string', description: 'Base DN under which users are searched (e.g. ou=people,dc=example,dc=org).', displayAttrs: { name: 'User DN', group: users } },
  userattr: { type: 'string', default: 'cn', description: 'Attribute holding the login name (e.g. uid, cn, sAMAccountName).', displayAttrs: { name: 'User attribute', group: users } },
  userfilter: {
    type: 'string',
    default: '({{.UserAttr}}={{.Username}})',
    description: 'Filter that finds the user when searching with binddn or discoverdn. Placeholders: {{.UserAttr}}, {{.Username}} (escaped).',
    displayAttrs: { name: 'User search filter', group: users },
  },
  upndomain: { type: 'string', description: 'Bind as "<username>@<upndomain>" (Active Directory userPrincipalName).', displayAttrs: { name: 'UPN domain', group: users } },
  discoverdn: { type: 'bool', description: "Find the user's DN with a search even without a bind DN (anonymous search).", displayAttrs: { name: 'Discover DN', group: users } },
  deny_null_bind: { type: 'bool', default: true, description: 'Refuse logins with an empty password (which LDAP servers treat as an anonymous bind).', displayAttrs: { group: users } },
  case_sensitive_names: { type: 'bool', description: 'Compare user and group names case-sensitively when mapping them to policies.', displayAttrs: { group: users } },
  username_as_alias: { type: 'bool', description: "Name the identity alias after the login name instead of the directory's userattr value.", displayAttrs: { group: users } },
  groupdn: { type: 'string', description: 'Base DN under which groups are searched (e.g. ou=groups,dc=example,dc=org).', displayAttrs: { name: 'Group DN', group: groups } },
  groupfilter: {
    type: 'string',
    default: '(|(memberUid={{.Username}})(member={{.UserDN}})(uniqueMember={{.UserDN}}))',
    description: "Filter that finds the user's groups under groupdn. Placeholders: {{.UserDN}}, {{.Username}} (escaped).",
    displayAttrs: { name: 'Group filter', group: groups },
  },
  groupattr: { type: 'string', default: 'cn', description: 'Attribute of the entries groupfilter finds that names the groups (e.g. cn, or memberOf when searching users).', displayAttrs: { name: 'Group attribute', group: groups } },
  anonymous_group_search: { type: 'bool', description: 'Search groups on a fresh anonymous connection instead of as binddn.', displayAttrs: { group: groups } },
} satisfies Record<string, FieldSchema>;

const STRING_FIELDS = ['binddn', 'bindpass', 'userdn', 'upndomain', 'groupdn', 'groupattr', 'certificate', 'client_tls_cert', 'client_tls_key'] as const;
const BOOL_FIELDS = ['starttls', 'insecure_tls', 'discoverdn', 'deny_null_bind', 'case_sensitive_names', 'username_as_alias', 'anonymous_group_search'] as const;

export function pathConfig(): PathDefinition {
  const path = definePath({
    pattern: 'config',
    fields,
    operations: {
      read: {
        summary: 'Read the LDAP configuration (without bindpass or client_tls_key).',
        callback: async (req) => {
          const config = (await readConfig(req.storage)) ?? defaultConfig();
          return withFilterWarning({ data: configData(config) }, config);
        },
      },
      update: {
        summary: 'Configure the LDAP server and how users and groups are found.',
        callback: async (req, d) => {
          const next: LdapConfig = { ...((await readConfig(req.storage)) ?? defaultConfig()) };
          if (d.has('url')) next.url = parseUrlList(d.values.url).join(',');
          if (d.has('userattr')) next.userattr = d.values.userattr.trim().toLowerCase() || 'cn';
          if (d.has('userfilter')) next.userfilter = d.values.userfilter;
          if (d.has('groupfilter')) next.groupfilter = d.values.groupfilter;
          for (const name of STRING_FIELDS) if (d.has(name)) next[name] = d.values[name].trim();
          for (const name of BOOL_FIELDS) if (d.has(name)) next[name] = d.values[name];
          if (d.has('tls_min_version')) next.tls_min_version = tlsVersion('tls_min_version', d.values.tls_min_version);
          if (d.has('tls_max_version')) next.tls_max_version = tlsVersion('tls_max_version', d.values.tls_max_version);
          if (d.has('request_timeout')) next.request_timeout = d.values.request_timeout;
          if (d.has('connection_timeout')) next.connection_timeout = d.values.connection_timeout;

          validateFilterTemplate('userfilter', next.userfilter, ['UserAttr', 'Username']);
          validateFilterTemplate('groupfilter', next.groupfilter, ['UserDN', 'Username']);
          checkTls(next);
          const config = parseTokenFields(next, d);
          await writeConfig(req.storage, config);
          return withFilterWarning(null, config);
        },
      },
    },
    helpSynopsis: 'Configure the LDAP server, and how users and their groups are found.',
    helpDescription:
      'A login binds to the first reachable URL. With binddn/bindpass (or discoverdn) the user is found by a search under ' +
      'userdn with userfilter; otherwise the bind DN is built as "<userattr>=<username>,<userdn>", or "<username>@<upndomain>". ' +
      'The user then binds with their own password. Groups are the entries groupfilter finds under groupdn, named by ' +
      'groupattr. The login name is escaped (RFC 4515 in filters, RFC 4514 in DNs) everywhere it is used; the DNs and ' +
      'filters configured here are used as written.',
    displayAttrs: { action: 'Configure' },
  });
  // The token fields' schemas are built at run time (and read with get()):
  // added after definePath so that the LDAP fields above stay typed.
  return { ...path, fields: { ...path.fields, ...tokenFieldSchemas() } };
}

/** What a read returns: every setting except the secrets. */
function configData(config: LdapConfig): Record<string, unknown> {
  const { bindpass: _bindpass, client_tls_key: _key, ...visible } = config;
  const data: Record<string, unknown> = { ...visible, ...tokenParamsData(config) };
  return data;
}

const USER_FILTER_WARNING = 'userfilter configured does not consider userattr and may result in colliding entity aliases on logins';

/** As Vault: a userfilter that ignores userattr lets two directory entries log in as the same alias. */
function withFilterWarning(resp: Response | null, config: LdapConfig): Response | null {
  if (config.userfilter.includes('{{.UserAttr}}') || config.userfilter.toLowerCase().includes(config.userattr)) return resp;
  return { ...(resp ?? {}), warnings: [...(resp?.warnings ?? []), USER_FILTER_WARNING] };
}

function tlsVersion(field: string, value: string): TlsVersion {
  const found = TLS_VERSIONS.find((v) => v === value.trim().toLowerCase());
  if (!found) throw invalid(`invalid '${field}' ${JSON.stringify(value)}; use one of ${TLS_VERSIONS.join(', ')}`);
  return found;
}

function checkTls(config: LdapConfig): void {
  if (TLS_VERSIONS.indexOf(config.tls_max_version) < TLS_VERSIONS.indexOf(config.tls_min_version)) {
    throw invalid("'tls_max_version' must be greater than or equal to 'tls_min_version'");
  }
  if (config.certificate !== '') {
    try {
      new X509Certificate(config.certificate);
    } catch {
      throw invalid('failed to parse certificate: it must be a PEM-encoded X.509 certificate');
    }
  }
  if ((config.client_tls_cert === '') !== (config.client_tls_key === '')) throw invalid('both client_tls_cert and client_tls_key must be set');
  if (config.client_tls_cert !== '') {
    try {
      new X509Certificate(config.client_tls_cert);
      createPrivateKey(config.client_tls_key);
    } catch {
      throw invalid('failed to parse client_tls_cert and client_tls_key: they must be a PEM certificate and its PEM private key');
    }
  }
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}
