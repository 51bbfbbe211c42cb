// auto_auth method "cert": logs in at <mount>/login over a TLS connection that
// presents client_cert/client_key (or the vault stanza's), naming the role `name`.
import { ApiClient } from '../../api/client.js';
import { configString, type AuthMethod, type LoginRequest, type MethodContext } from './method.js';

export function certMethod(ctx: MethodContext): AuthMethod {
  const name = configString(ctx, 'name', false);
  const caCert = configString(ctx, 'ca_cert', false);
  const clientCert = configString(ctx, 'client_cert', false);
  const clientKey = configString(ctx, 'client_key', false);
  const base = ctx.client.options;
  const client =
    clientCert !== undefined || caCert !== undefined
      ? new ApiClient({
          ...base,
          tls: {
            ...base.tls,
            ...(caCert !== undefined ? { caCert } : {}),
            ...(clientCert !== undefined ? { clientCert } : {}),
            ...(clientKey !== undefined ? { clientKey } : {}),
          },
        })
      : ctx.client;
  return {
    type: 'cert',
    async authenticate(): Promise<LoginRequest> {
      return { kind: 'login', path: `${ctx.config.mountPath}/login`, body: name === undefined ? {} : { name }, client };
    },
  };
}
