import { UsernameTemplate, type UsernameConfig } from '@coffer/sdk';
import { stringSetting } from './connection-settings.js';

/**
 * The user-name generator of one connection: its `username_template` if
 * set, else the plugin's default (Vault's defaults per database). Parsed
 * at initialize so a bad template is refused when the connection is
 * configured.
 */
export class UsernameGenerator {
  private readonly template: UsernameTemplate;

  constructor(config: Readonly<Record<string, unknown>>, defaultTemplate: string) {
    const custom = stringSetting(config, 'username_template');
    this.template = UsernameTemplate.parse(custom || defaultTemplate);
    // Rendering once catches unknown fields and bad arguments now rather than at the first creds read.
    this.template.render({ DisplayName: 'check', RoleName: 'check' });
  }

  generate(names: UsernameConfig): string {
    return this.template.render({ DisplayName: names.displayName, RoleName: names.roleName });
  }
}
