import { definePath, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { answerOcsp } from './ocsp-responder.js';
import { rawResponse } from './path-issuers.js';

const CONTENT_TYPE = 'application/ocsp-response';

/** ocsp: the OCSP responder, GET (ocsp/<base64 request>) and POST (DER body, application/ocsp-request). */
export function pathOcsp(ctx: PkiContext): PathDefinition[] {
  return [
    definePath({
      pattern: 'ocsp(?:/(?<req>.+))?',
      fields: {
        req: { type: 'string', description: 'GET: the base64 DER OCSP request, as the last path segment.' },
        http_raw_body: { type: 'string', description: 'POST: the DER request body, base64-encoded by the transport.' },
      },
      operations: {
        read: { callback: (req, d) => respond(ctx, req, Buffer.from(d.values.req ?? '', 'base64')), summary: 'Answer an OCSP request (GET).' },
        update: { callback: (req, d) => respond(ctx, req, Buffer.from(d.values.http_raw_body ?? '', 'base64')), summary: 'Answer an OCSP request (POST).' },
      },
      helpSynopsis: 'OCSP responder (RFC 6960); unauthenticated.',
      helpDescription: 'Answers good or revoked for certificates of this mount\'s issuers, signed by the issuer. config/crl ocsp_disable turns it off and ocsp_expiry sets nextUpdate.',
    }),
  ];
}

async function respond(ctx: PkiContext, req: Request, der: Buffer): Promise<Response> {
  const answer = await answerOcsp(ctx, req.storage, der);
  return rawResponse(answer.body, CONTENT_TYPE, answer.status);
}
