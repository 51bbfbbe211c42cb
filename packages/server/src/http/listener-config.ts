import type tls from 'node:tls';
import type { Logger } from '@coffer/sdk';
import type { ListenerConfig, TlsVersion } from '../config/types.js';
import type { ListenerOptions, RequestHandler } from './listener.js';

const NODE_TLS_VERSION: Record<TlsVersion, tls.SecureVersion> = {
  tls10: 'TLSv1',
  tls11: 'TLSv1.1',
  tls12: 'TLSv1.2',
  tls13: 'TLSv1.3',
};

/** createListener options for a `listener "tcp"` stanza of the server config. */
export function listenerOptionsFromConfig(config: ListenerConfig, handler: RequestHandler, logger?: Logger): ListenerOptions {
  return {
    address: config.address,
    handler,
    requestTimeoutMs: Math.round(config.httpReadTimeoutSeconds * 1000),
    headersTimeoutMs: Math.round(config.httpReadHeaderTimeoutSeconds * 1000),
    keepAliveTimeoutMs: Math.round(config.httpIdleTimeoutSeconds * 1000),
    ...(logger !== undefined ? { logger } : {}),
    ...(config.tlsDisable
      ? {}
      : {
          tls: {
            certFile: config.tlsCertFile!,
            keyFile: config.tlsKeyFile!,
            ...(config.tlsClientCaFile !== undefined ? { clientCaFile: config.tlsClientCaFile } : {}),
            requireClientCert: config.tlsRequireAndVerifyClientCert,
            disableClientCerts: config.tlsDisableClientCerts,
            minVersion: NODE_TLS_VERSION[config.tlsMinVersion],
            ...(config.tlsMaxVersion !== undefined ? { maxVersion: NODE_TLS_VERSION[config.tlsMaxVersion] } : {}),
          },
        }),
  };
}
