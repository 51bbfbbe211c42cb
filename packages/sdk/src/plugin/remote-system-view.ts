import type { WrapInfo } from '../logical/response.js';
import type { SystemView } from '../logical/system-view.js';
import type { HostConnection } from './host-connection.js';
import { wrapInfoFromWire } from './lease-codec.js';
import { CofferError } from '../errors.js';
import type { BoolReply, GeneratePasswordReply, PluginEnvReply, ResponseWrapDataReply, TTLReply } from './wire-types.js';

/** Inside a plugin: the system view of one mount, answered by the Coffer server. */
export class RemoteSystemView implements SystemView {
  constructor(
    private readonly host: HostConnection,
    private readonly address: string,
    private readonly backendId: string,
  ) {}

  private ref() {
    return { backend_id: this.backendId };
  }

  async defaultLeaseTtl(): Promise<number> {
    return (await this.host.systemView<TTLReply>(this.address, 'DefaultLeaseTTL', this.ref())).ttl;
  }

  async maxLeaseTtl(): Promise<number> {
    return (await this.host.systemView<TTLReply>(this.address, 'MaxLeaseTTL', this.ref())).ttl;
  }

  async tainted(): Promise<boolean> {
    return (await this.host.systemView<BoolReply>(this.address, 'Tainted', this.ref())).value;
  }

  async cachingDisabled(): Promise<boolean> {
    return (await this.host.systemView<BoolReply>(this.address, 'CachingDisabled', this.ref())).value;
  }

  async localMount(): Promise<boolean> {
    return (await this.host.systemView<BoolReply>(this.address, 'LocalMount', this.ref())).value;
  }

  async pluginEnv(): Promise<{ coffer_version: string; vault_version: string }> {
    const reply = await this.host.systemView<PluginEnvReply>(this.address, 'PluginEnv', this.ref());
    return { coffer_version: reply.coffer_version, vault_version: reply.vault_version };
  }

  async responseWrapData(data: Record<string, unknown>, ttlSeconds: number, jwt: boolean): Promise<WrapInfo> {
    const reply = await this.host.systemView<ResponseWrapDataReply>(this.address, 'ResponseWrapData', {
      backend_id: this.backendId,
      data: JSON.stringify(data),
      ttl: ttlSeconds,
      jwt,
    });
    if (!reply.wrap_info) throw new CofferError('internal', 'the server wrapped the data but returned no wrapping token');
    return wrapInfoFromWire(reply.wrap_info);
  }

  async generatePasswordFromPolicy(policyName: string): Promise<string> {
    const reply = await this.host.systemView<GeneratePasswordReply>(this.address, 'GeneratePasswordFromPolicy', {
      backend_id: this.backendId,
      policy_name: policyName,
    });
    return reply.password;
  }
}
