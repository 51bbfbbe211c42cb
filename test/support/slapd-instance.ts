// A throwaway OpenLDAP server (Debian's slapd) for tests: its own temp dir,
// a generated slapd.conf, an mdb database for dc=example,dc=org on a free
// loopback port, seeded with people and groups of every common kind.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { selfSignedCertificate } from './certificates.js';
import { freePort } from './coffer-process.js';
import { skipWithoutTools } from './external-tools.js';

const run = promisify(execFile);

const SLAPD = '/usr/sbin/slapd';
const SLAPPASSWD = '/usr/sbin/slappasswd';

/** The `skip` option for suites that need slapd (fails instead under CI=true). */
export function skipWithoutSlapd(): string | false {
  return skipWithoutTools([SLAPD, SLAPPASSWD], 'slapd');
}

export const SUFFIX = 'dc=example,dc=org';
export const PEOPLE = `ou=people,${SUFFIX}`;
export const GROUPS = `ou=groups,${SUFFIX}`;

/** The seeded accounts: every password is "<name>-pw". */
export const SEED = {
  /** The service account Coffer searches with. */
  reader: { dn: `cn=reader,${SUFFIX}`, password: 'reader-pw' },
  people: [
    { uid: 'alice', cn: 'Alice Liddell', password: 'alice-pw' },
    { uid: 'bob', cn: 'Bob Builder', password: 'bob-pw' },
    { uid: 'carol', cn: 'Carol Danvers', password: 'carol-pw' },
  ],
  /** devs: groupOfNames (member), ops: groupOfUniqueNames (uniqueMember), builders: posixGroup (memberUid). */
  groups: [
    { cn: 'devs', objectClass: 'groupOfNames', attribute: 'member', members: ['alice', 'carol'] },
    { cn: 'ops', objectClass: 'groupOfUniqueNames', attribute: 'uniqueMember', members: ['alice', 'bob'] },
    { cn: 'builders', objectClass: 'posixGroup', attribute: 'memberUid', members: ['bob'] },
  ],
} as const;

export function personDn(uid: string): string {
  return `uid=${uid},${PEOPLE}`;
}

export interface SlapdInstance {
  /** ldap:// (StartTLS offered when started with tls). */
  url: string;
  port: number;
  /** ldaps:// when started with tls. */
  ldapsUrl?: string;
  /** The PEM certificate the server presents (self-signed for 127.0.0.1) when started with tls. */
  certificate?: string;
  rootDn: string;
  rootPassword: string;
  /** Run LDAP operations bound as the root DN (to change the directory during a test). */
  asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Stops slapd: the directory is "down" (the port refuses connections). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export interface SlapdOptions {
  /** Serve ldaps:// too and offer StartTLS, with a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
}

export async function startSlapdInstance(options: SlapdOptions = {}): Promise<SlapdInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-slapd-'));
  const tls = options.tls ? await selfSignedCertificate() : undefined;
  if (tls) {
    writeFileSync(join(dir, 'cert.pem'), tls.cert);
    writeFileSync(join(dir, 'key.pem'), tls.key, { mode: 0o600 });
  }
  const dbDir = join(dir, 'db');
  mkdirSync(dbDir);
  const rootDn = `cn=admin,${SUFFIX}`;
  const rootPassword = 'admin-pw';
  const configPath = join(dir, 'slapd.conf');
  writeFileSync(join(dir, 'upn.schema'), UPN_SCHEMA);
  writeFileSync(configPath, slapdConf(dir, dbDir, rootDn, await hashPassword(rootPassword), tls !== undefined));
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  const listeners = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
  let child: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    // -d 0: stay in the foreground (so the test owns the process) without debug output.
    child = spawn(SLAPD, ['-f', configPath, '-h', listeners, '-d', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 15_000;
    while (!(await accepts(port)) || (ldapsUrl !== undefined && !(await accepts(Number(new URL(ldapsUrl).port))))) {
      if (child.exitCode !== null) throw new Error(`slapd exited with ${child.exitCode}: ${output}`);
      if (Date.now() > deadline) throw new Error(`slapd did not listen on ${url} within 15s: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    await exited;
  };
  const asAdmin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url });
    try {
      await client.bind(rootDn, rootPassword);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  await start();
  try {
    await asAdmin((client) => seed(client));
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port,
    ...(ldapsUrl && tls ? { ldapsUrl, certificate: tls.cert } : {}),
    rootDn,
    rootPassword,
    asAdmin,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function slapdConf(dir: string, dbDir: string, rootDn: string, rootPasswordHash: string, tls: boolean): string {
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include /etc/ldap/schema/${s}.schema`),
    `include ${join(dir, 'upn.schema')}`,
    ...(tls ? [`TLSCertificateFile ${join(dir, 'cert.pem')}`, `TLSCertificateKeyFile ${join(dir, 'key.pem')}`] : []),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    'moduleload memberof',
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    'database mdb',
    `suffix "${SUFFIX}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPasswordHash}`,
    `directory ${dbDir}`,
    'maxsize 16777216',
    // memberOf on people, kept by the server, for the "search the user's memberOf" style of group lookup.
    'overlay memberof',
    // Passwords can only be used to bind; everything else is readable.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by * read',
    '',
  ].join('\n');
}

/** Active Directory's userPrincipalName, on an auxiliary class, so that upndomain logins can be tested. */
const UPN_SCHEMA = [
  "attributetype ( 1.3.6.1.4.1.55555.1.1 NAME 'userPrincipalName' EQUALITY caseIgnoreMatch",
  '  SUBSTR caseIgnoreSubstringsMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )',
  "objectclass ( 1.3.6.1.4.1.55555.2.1 NAME 'cofferUpnUser' SUP top AUXILIARY MAY userPrincipalName )",
  '',
].join('\n');

/** Every seeded person's userPrincipalName is "<uid>@<UPN_DOMAIN>". */
export const UPN_DOMAIN = 'example.org';

async function hashPassword(password: string): Promise<string> {
  const { stdout } = await run(SLAPPASSWD, ['-h', '{SSHA}', '-s', password]);
  return stdout.trim();
}

async function seed(client: Client): Promise<void> {
  await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await client.add(PEOPLE, { objectClass: 'organizationalUnit', ou: 'people' });
  await client.add(GROUPS, { objectClass: 'organizationalUnit', ou: 'groups' });
  await client.add(SEED.reader.dn, {
    objectClass: ['organizationalRole', 'simpleSecurityObject'],
    cn: 'reader',
    userPassword: await hashPassword(SEED.reader.password),
  });
  for (const person of SEED.people) {
    await client.add(personDn(person.uid), {
      objectClass: ['inetOrgPerson', 'cofferUpnUser'],
      uid: person.uid,
      userPrincipalName: `${person.uid}@${UPN_DOMAIN}`,
      cn: person.cn,
      sn: person.cn.split(' ').at(-1)!,
      userPassword: await hashPassword(person.password),
    });
  }
  for (const group of SEED.groups) {
    const gid: Record<string, string> = group.objectClass === 'posixGroup' ? { gidNumber: '5000' } : {};
    const members = group.attribute === 'memberUid' ? [...group.members] : group.members.map(personDn);
    await client.add(`cn=${group.cn},${GROUPS}`, { objectClass: group.objectClass, cn: group.cn, [group.attribute]: members, ...gid });
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
