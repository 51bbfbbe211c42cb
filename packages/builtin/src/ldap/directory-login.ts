import { CofferError, type Logger } from '@coffer/sdk';
import { ResultCodeError, type Entry } from 'ldapts';
import { hasServiceAccount, type LdapConfig } from './config-entry.js';
import { connectToDirectory, reasonOf, type DirectoryConnection } from './connect.js';
import { commonNameOf } from './dn.js';
import { escapeDnValue, escapeFilterValue } from './escape.js';
import { renderFilterTemplate } from './filter-template.js';

/** Vault's one answer for an unknown user, a wrong password and a failed service bind: it tells an attacker nothing. */
export const USER_BIND_FAILED = 'ldap operation failed: failed to bind as user';

/** What the directory says about a user whose password it accepted. */
export interface DirectoryUser {
  /** The DN the user is known by (their entry's DN; for a UPN bind, the entry found by userPrincipalName). */
  userDn: string;
  /** The user's groups in the directory, by common name, without repeats. */
  groups: string[];
  /** The entity alias name (see aliasName). */
  aliasName: string;
}

/**
 * Check a user's password against the directory and read their groups, the
 * way Vault's LDAP method does: find the DN to bind as (a search with the
 * service account or an anonymous one, else a DN built from the name), bind
 * as the user with the password, bind back as the service account, then
 * search the groups. The password is used for that one bind and nowhere else.
 */
export async function authenticateUser(config: LdapConfig, username: string, password: string, logger: Logger): Promise<DirectoryUser> {
  if (config.deny_null_bind && password === '') {
    throw invalid('password cannot be of zero length when passwordless binds are being denied');
  }
  const conn = await connectToDirectory(config);
  try {
    const found = await findUserBindDn(config, conn, username, logger);
    try {
      await conn.client.bind(found.bindDn, password);
    } catch (err) {
      rethrowIfUnreachable(err, conn);
      logger.debug({ err: reasonOf(err) }, 'ldap: bind as the user failed');
      throw invalid(USER_BIND_FAILED);
    }
    if (hasServiceAccount(config)) {
      // Searches run as the service account, not as the user who logged in.
      try {
        await conn.client.bind(config.binddn, config.bindpass);
      } catch (err) {
        rethrowIfUnreachable(err, conn);
        throw invalid('ldap operation failed: failed to re-bind with the BindDN user');
      }
    }
    const userDn = config.upndomain !== '' ? await userDnByUpn(config, conn, username, found.bindDn) : found.bindDn;
    const groups = await groupsOf(config, conn, userDn, username);
    return { userDn, groups, aliasName: aliasName(config, username, found.entry) };
  } finally {
    await conn.close();
  }
}

interface UserBindDn {
  bindDn: string;
  /** The user's entry when it was found by a search (with userattr), for the alias. */
  entry?: Entry;
}

async function findUserBindDn(config: LdapConfig, conn: DirectoryConnection, username: string, logger: Logger): Promise<UserBindDn> {
  if (!config.discoverdn && !hasServiceAccount(config)) {
    const bindDn = config.upndomain !== '' ? `${escapeDnValue(username)}@${config.upndomain}` : `${config.userattr}=${escapeDnValue(username)},${config.userdn}`;
    return { bindDn };
  }
  try {
    // discoverdn without a password: an anonymous (or unauthenticated) bind.
    await conn.client.bind(config.binddn, config.bindpass);
  } catch (err) {
    rethrowIfUnreachable(err, conn);
    logger.warn({ binddn: config.binddn, err: reasonOf(err) }, 'ldap: the service bind (binddn/bindpass) failed');
    throw invalid(USER_BIND_FAILED);
  }
  const entries = await searchUser(config, conn, username);
  if (entries.length !== 1) {
    logger.debug({ found: entries.length }, 'ldap: the user search found no entry, or several');
    throw invalid(USER_BIND_FAILED);
  }
  return { bindDn: entries[0]!.dn, entry: entries[0]! };
}

async function searchUser(config: LdapConfig, conn: DirectoryConnection, username: string): Promise<Entry[]> {
  const upn = config.upndomain !== '';
  const filter = renderFilterTemplate(config.userfilter, {
    UserAttr: upn ? 'userPrincipalName' : escapeFilterValue(config.userattr),
    Username: escapeFilterValue(upn ? `${username}@${config.upndomain}` : username),
  });
  try {
    const result = await conn.client.search(config.userdn, { scope: 'sub', filter, attributes: [config.userattr] });
    return result.searchEntries;
  } catch (err) {
    rethrowIfUnreachable(err, conn);
    throw invalid(USER_BIND_FAILED);
  }
}

/** With upndomain, the user's own entry is the one whose userPrincipalName matches. */
async function userDnByUpn(config: LdapConfig, conn: DirectoryConnection, username: string, fallback: string): Promise<string> {
  const filter = `(userPrincipalName=${escapeFilterValue(`${username}@${config.upndomain}`)})`;
  try {
    const result = await conn.client.search(config.userdn, { scope: 'sub', filter, attributes: ['1.1'] });
    return result.searchEntries.at(-1)?.dn ?? fallback;
  } catch (err) {
    rethrowIfUnreachable(err, conn);
    throw invalid(`LDAP search failed for detecting user: ${reasonOf(err)}`);
  }
}

async function groupsOf(config: LdapConfig, conn: DirectoryConnection, userDn: string, username: string): Promise<string[]> {
  if (config.groupfilter === '' || config.groupdn === '') return [];
  const filter = renderFilterTemplate(config.groupfilter, { UserDN: escapeFilterValue(userDn), Username: escapeFilterValue(username) });
  let searchConn = conn;
  if (config.anonymous_group_search) searchConn = await connectToDirectory(config);
  try {
    const result = await searchConn.client.search(config.groupdn, { scope: 'sub', filter, attributes: [config.groupattr] });
    const names = new Set<string>();
    for (const entry of result.searchEntries) {
      const values = attributeValues(entry, config.groupattr);
      if (values.length === 0) names.add(commonNameOf(entry.dn));
      for (const value of values) names.add(commonNameOf(value));
    }
    return [...names];
  } catch (err) {
    rethrowIfUnreachable(err, searchConn);
    throw invalid(`LDAP search failed: ${reasonOf(err)}`);
  } finally {
    if (searchConn !== conn) await searchConn.close();
  }
}

/**
 * The alias: the login name with username_as_alias; otherwise the user's
 * userattr value as the directory spells it (so "Alice" and "alice" are one
 * entity), or "<name>@<upndomain>" / the name when no search was made.
 */
function aliasName(config: LdapConfig, username: string, entry: Entry | undefined): string {
  if (config.username_as_alias) return username;
  if (!entry) return config.upndomain !== '' ? `${username}@${config.upndomain}` : username;
  const values = attributeValues(entry, config.userattr);
  if (values.length !== 1 || values[0] === '') {
    throw invalid(`LDAP entity alias attribute ${config.userattr} empty or not unique for entity alias mapping`);
  }
  return values[0]!;
}

/** An attribute's string values; attribute names compare without regard to case. */
function attributeValues(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k !== 'dn' && k.toLowerCase() === attribute.toLowerCase());
  if (key === undefined) return [];
  const raw = entry[key];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
}

/**
 * A failure that is not the directory's answer (the connection dropped,
 * request_timeout passed) is reported as such, not as a wrong password.
 */
function rethrowIfUnreachable(err: unknown, conn?: DirectoryConnection): void {
  if (err instanceof ResultCodeError) return;
  const where = conn ? ` at ${conn.url}` : '';
  throw invalid(`ldap operation failed: the LDAP server${where} stopped answering (${reasonOf(err)})`);
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}
