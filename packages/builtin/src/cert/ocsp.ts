import type { CertEntry } from './cert-entry.js';
import { ocspRequestDer } from './ocsp-request.js';
import { readOcspResponse, type OcspStatus } from './ocsp-response.js';
import { parsePemCertificates, type ParsedCertificate } from './parsed-certificate.js';

/** How long one responder may take, and the largest answer read from it. */
const OCSP_TIMEOUT_MS = 5_000;
const MAX_RESPONSE_BYTES = 1 << 20;

/**
 * Whether OCSP lets this login through, for an entry with ocsp_enabled (as
 * Vault's cert method): the client certificate's status is asked of
 * ocsp_servers_override, or else of the responders its AIA extension names.
 * "revoked" always refuses; "good" allows; when no responder gives a usable
 * answer, ocsp_fail_open decides. With ocsp_query_all_servers every responder
 * is asked and all must say "good". Without an issuer in the chain (a pinned
 * certificate) there is nothing to ask, as in Vault.
 */
export async function ocspAllows(entry: CertEntry, client: ParsedCertificate, chain: ParsedCertificate[], now: Date): Promise<boolean> {
  if (!entry.ocsp_enabled || chain.length < 2) return true;
  const issuer = chain[1]!;
  const servers = entry.ocsp_servers_override.length > 0 ? entry.ocsp_servers_override : client.ocspServers;
  if (servers.length === 0) return entry.ocsp_fail_open;
  const responderCas = parsePemCertificates(entry.ocsp_ca_certificates);
  const request = ocspRequestDer(client, issuer);

  if (entry.ocsp_query_all_servers) {
    const answers = await Promise.all(servers.map((url) => askResponder(url, request, client, issuer, responderCas, now)));
    if (answers.some((a) => a.status === 'revoked')) return false;
    return answers.every((a) => a.status === 'good') || entry.ocsp_fail_open;
  }
  for (const url of servers) {
    const answer = await askResponder(url, request, client, issuer, responderCas, now);
    if (answer.status === 'revoked') return false;
    if (answer.status === 'good') return true;
  }
  return entry.ocsp_fail_open;
}

async function askResponder(url: string, request: Buffer, client: ParsedCertificate, issuer: ParsedCertificate, responderCas: ParsedCertificate[], now: Date): Promise<OcspStatus> {
  let body: Buffer;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/ocsp-request', Accept: 'application/ocsp-response' },
      body: request,
      signal: AbortSignal.timeout(OCSP_TIMEOUT_MS),
      redirect: 'error',
    });
    if (Number(res.headers.get('content-length') ?? 0) > MAX_RESPONSE_BYTES) return { status: 'unknown', reason: 'the response is too large' };
    body = Buffer.from(await res.arrayBuffer());
    if (body.length > MAX_RESPONSE_BYTES) return { status: 'unknown', reason: 'the response is too large' };
  } catch (err) {
    return { status: 'unknown', reason: `the responder could not be reached: ${(err as Error).message}` };
  }
  return readOcspResponse(body, client, issuer, responderCas, now);
}
