import type { Response } from '../logical/response.js';
import {
  authFromWire,
  authToWire,
  decodeJsonObject,
  secretFromWire,
  secretToWire,
  wrapInfoFromWire,
  wrapInfoToWire,
} from './lease-codec.js';
import type { WireResponse } from './wire-types.js';

/** The data key of a raw HTTP body (Vault's convention). */
const RAW_BODY_KEY = 'http_raw_body';

/**
 * A backend's response as it crosses back to the server. `data` travels as
 * JSON, except a binary `http_raw_body`, which JSON cannot carry faithfully
 * and so travels in the `raw_body` bytes field.
 */
export function responseToWire(res: Response): WireResponse {
  let data = res.data;
  let rawBody: Buffer | undefined;
  const raw = data?.[RAW_BODY_KEY];
  if (raw instanceof Uint8Array) {
    rawBody = Buffer.from(raw);
    data = { ...data };
    delete data[RAW_BODY_KEY];
  }
  return {
    data: data === undefined ? '' : JSON.stringify(data),
    secret: res.secret ? secretToWire(res.secret) : null,
    auth: res.auth ? authToWire(res.auth) : null,
    warnings: res.warnings ?? [],
    wrap_info: res.wrapInfo ? wrapInfoToWire(res.wrapInfo) : null,
    status_code: res.statusCode ?? 0,
    headers: res.headers ?? {},
    raw_body: rawBody ?? Buffer.alloc(0),
    has_raw_body: rawBody !== undefined,
  };
}

export function responseFromWire(wire: WireResponse): Response {
  const res: Response = {};
  if (wire.data !== '') res.data = decodeJsonObject(wire.data, 'response.data');
  if (wire.has_raw_body) res.data = { ...(res.data ?? {}), [RAW_BODY_KEY]: Buffer.from(wire.raw_body ?? []) };
  if (wire.secret) res.secret = secretFromWire(wire.secret);
  if (wire.auth) res.auth = authFromWire(wire.auth);
  if (wire.warnings?.length) res.warnings = wire.warnings;
  if (wire.wrap_info) res.wrapInfo = wrapInfoFromWire(wire.wrap_info);
  if (wire.status_code) res.statusCode = wire.status_code;
  if (wire.headers && Object.keys(wire.headers).length > 0) res.headers = wire.headers;
  return res;
}
