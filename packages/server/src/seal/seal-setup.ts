import { CofferError, type Logger } from '@coffer/sdk';
import type { SealConfig as SealStanza } from '../config/types.js';
import type { AutoSeal, SealSetup } from './auto-seal.js';
import { TransitSeal, transitSealSettings } from './transit-seal.js';

/**
 * The seal stanzas of a configuration, turned into what the seal manager
 * acts on: no stanza (or `seal "shamir"`) is Shamir; one enabled auto seal
 * protects the root key; a stanza marked `disabled = "true"` is the seal a
 * migration leaves.
 */
export function sealSetupFromConfig(stanzas: readonly SealStanza[], logger: Logger): SealSetup {
  const enabled = stanzas.filter((s) => !s.disabled);
  const disabled = stanzas.filter((s) => s.disabled);
  if (enabled.length > 1) throw new CofferError('invalid_request', `only one seal can be enabled; found ${enabled.map((s) => `"${s.type}"`).join(' and ')} (mark the seal being migrated from with disabled = "true")`);
  if (disabled.length > 1) throw new CofferError('invalid_request', 'only one seal can be disabled (the seal being migrated from)');
  const current = enabled[0];
  const old = disabled[0];
  const setup: SealSetup = {};
  if (current && current.type !== 'shamir') setup.autoSeal = openAutoSeal(current, logger);
  if (old) setup.migrateFrom = old.type === 'shamir' ? 'shamir' : openAutoSeal(old, logger);
  return setup;
}

function openAutoSeal(stanza: SealStanza, logger: Logger): AutoSeal {
  if (stanza.type === 'transit') return new TransitSeal(transitSealSettings(stanza.config), logger.child({ seal: 'transit' }));
  throw new CofferError('invalid_request', `unsupported seal type "${stanza.type}": Coffer supports "shamir" and "transit"`);
}

/** Stops the seals' background work (token renewal). */
export function closeSealSetup(setup: SealSetup): void {
  setup.autoSeal?.close();
  if (setup.migrateFrom && setup.migrateFrom !== 'shamir') setup.migrateFrom.close();
}
