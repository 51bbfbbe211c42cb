import type { ParsedCertificate } from './parsed-certificate.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';
/** Longer chains are not followed: a real PKI is a few levels deep. */
const MAX_DEPTH = 8;
/**
 * At most this many partial chains are explored. Intermediates a client
 * sends can be made to all issue one another (one key, one name); without a
 * bound the paths through them would grow factorially (Go's verifier bounds
 * its search the same way).
 */
const MAX_PATHS_EXPLORED = 200;

export type ChainResult =
  | { chains: ParsedCertificate[][] }
  /** A path to a trusted root exists but is not valid now or not for client authentication. */
  | { chains: []; invalid: string };

/**
 * Every chain from the client's certificate to one of `roots`, through the
 * intermediates it sent, as Go's x509 Verify builds them for Vault with the
 * client-auth key usage: each link's signature checked with the issuer's key,
 * issuers must be CAs allowed to sign certificates, every certificate must be
 * valid at `now` and allow client authentication.
 */
export function verifiedChains(leaf: ParsedCertificate, intermediates: ParsedCertificate[], roots: ParsedCertificate[], now: Date): ChainResult {
  const paths: ParsedCertificate[][] = [];
  let explored = 0;
  const extend = (chain: ParsedCertificate[]): void => {
    if (++explored > MAX_PATHS_EXPLORED) return;
    const current = chain[chain.length - 1]!;
    if (roots.some((root) => root.der.equals(current.der))) {
      paths.push(chain);
      return;
    }
    if (chain.length >= MAX_DEPTH) return;
    for (const root of roots) if (issued(root, current)) paths.push([...chain, root]);
    for (const next of intermediates) {
      if (chain.some((c) => c.der.equals(next.der))) continue;
      if (issued(next, current)) extend([...chain, next]);
    }
  };
  extend([leaf]);
  if (paths.length === 0) return { chains: [] };

  const expired = (c: ParsedCertificate): boolean => now < c.notBefore || now > c.notAfter;
  const valid = paths.filter((chain) => !chain.some(expired) && chain.every(allowsClientAuth));
  if (valid.length > 0) return { chains: valid };
  const reason = paths.some((chain) => chain.some(expired))
    ? 'certificate has expired or is not yet valid'
    : 'certificate specifies an incompatible key usage';
  return { chains: [], invalid: `failed to verify client's certificate: ${reason}` };
}

/** Signature checks already made, per (subject, issuer): parsed certificates are shared (see parsePemCertificates), so a client on a keep-alive connection is checked once. */
const verdicts = new WeakMap<ParsedCertificate, WeakMap<ParsedCertificate, boolean>>();

/** `issuer` is a CA allowed to sign certificates, named as `subject`'s issuer, and its key verifies `subject`'s signature. */
export function issued(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
  if (!issuer.isCA || !issuer.mayIssue) return false;
  let known = verdicts.get(subject);
  if (!known) verdicts.set(subject, (known = new WeakMap()));
  let verdict = known.get(issuer);
  if (verdict === undefined) {
    // checkIssued compares names (and key identifiers); verify checks the signature.
    verdict = subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.x509.publicKey);
    known.set(issuer, verdict);
  }
  return verdict;
}

function allowsClientAuth(cert: ParsedCertificate): boolean {
  return cert.extKeyUsage === undefined || cert.extKeyUsage.includes(CLIENT_AUTH) || cert.extKeyUsage.includes(ANY_EXTENDED_KEY_USAGE);
}
