import { CofferError, type PathDefinition } from '@coffer/sdk';
import { isWrappingToken } from '../core/wrapping.js';
import type { SysDeps } from './deps.js';

/** sys/wrapping/*: wrap, unwrap, lookup, rewrap. */
export function wrappingPaths(deps: SysDeps): PathDefinition[] {
  return [
    {
      pattern: 'wrapping/wrap',
      takesArbitraryInput: true,
      operations: {
        update: async (req) => {
          if (!req.wrapInfo?.ttl) throw new CofferError('invalid_request', 'sys/wrapping/wrap needs a wrap TTL: set the X-Vault-Wrap-TTL header (the CLI: -wrap-ttl)');
          return { data: { ...req.data }, wrapInfo: { token: '', accessor: '', ttl: req.wrapInfo.ttl, creation_time: '', creation_path: 'sys/wrapping/wrap' } };
        },
      },
      helpSynopsis: 'Wrap the given data in a single-use wrapping token.',
    },
    {
      pattern: 'wrapping/unwrap',
      fields: { token: { type: 'string', description: 'The wrapping token; defaults to the calling token.' } },
      operations: {
        update: async (req, d) => {
          const token = d.get<string>('token') || req.clientToken;
          if (!token) throw new CofferError('invalid_request', 'no wrapping token given: pass it as "token" or as the request token');
          // The wrapping token as the request's own token was already checked and charged its single use.
          const usedByRequest = token === req.clientToken && isWrappingToken(req);
          const body = await deps.wrapper.unwrap(token, { usedByRequest });
          // The wrapped answer is returned exactly as it was rendered when it was wrapped.
          return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify({ ...body, request_id: req.id }) } };
        },
      },
      helpSynopsis: 'Unwrap a wrapped response; the wrapping token is revoked.',
    },
    {
      pattern: 'wrapping/lookup',
      fields: { token: { type: 'string', description: 'The wrapping token.' } },
      operations: {
        update: async (req, d) => {
          const token = d.get<string>('token') || req.clientToken;
          // lookup is unauthenticated: an invalid request token never became the client token, and is answered as Vault does.
          if (!token) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist (give it as "token" or as the request token)');
          return { data: { ...(await deps.wrapper.lookup(token)) } };
        },
        read: async (req, d) => {
          const token = d.get<string>('token') || req.clientToken;
          // lookup is unauthenticated: an invalid request token never became the client token, and is answered as Vault does.
          if (!token) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist (give it as "token" or as the request token)');
          return { data: { ...(await deps.wrapper.lookup(token)) } };
        },
      },
      helpSynopsis: 'Look up the creation properties of a wrapping token.',
    },
    {
      pattern: 'wrapping/rewrap',
      fields: { token: { type: 'string', description: 'The wrapping token.' } },
      operations: {
        update: async (req, d) => {
          const token = d.get<string>('token') || req.clientToken;
          if (!token) throw new CofferError('invalid_request', 'missing "token"');
          const info = await deps.wrapper.rewrap(token);
          // The new wrap_info is the answer itself: render it raw so the pipeline does not wrap it again.
          const envelope = { request_id: req.id, lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: info, warnings: null, auth: null };
          return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify(envelope) } };
        },
      },
      helpSynopsis: 'Move a wrapped response to a new wrapping token.',
    },
  ];
}
