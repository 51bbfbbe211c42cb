import http from 'node:http';
import type net from 'node:net';
import { takeListRewrite } from './list-method-socket.js';

const rewrittenKey = Symbol('coffer.listRewritten');
const methodKey = Symbol('coffer.method');

/**
 * The request class of Coffer's http.Server. Node's parser creates one per
 * request head, in arrival order, and then assigns `method`; the connection's
 * framer recorded in the same order which request lines it turned from LIST
 * into LINK. So a rewritten request reads `req.method === 'LIST'`, while a
 * client's own LINK request stays 'LINK'.
 */
export class ListAwareIncomingMessage extends http.IncomingMessage {
  declare [rewrittenKey]: boolean;
  declare [methodKey]: string | undefined;

  constructor(socket: net.Socket) {
    super(socket);
    this[rewrittenKey] = takeListRewrite(socket);
  }
}

// An accessor rather than a field: the parser writes `method` after construction.
Object.defineProperty(ListAwareIncomingMessage.prototype, 'method', {
  configurable: true,
  enumerable: true,
  get(this: ListAwareIncomingMessage): string | undefined {
    return this[methodKey];
  },
  set(this: ListAwareIncomingMessage, value: string | undefined) {
    this[methodKey] = value === 'LINK' && this[rewrittenKey] ? 'LIST' : value;
  },
});
