import { auditModule } from './audit-module.js';
import { authorizeModule } from './authorize-module.js';
import { expirationModule } from './expiration-module.js';
import { identityModule } from './identity-module.js';
import { keyringModule } from './keyring-module.js';
import { leasesModule } from './leases-module.js';
import { mfaModule } from './mfa-module.js';
import type { CoreModule } from './module.js';
import { mountsModule } from './mounts-module.js';
import { passwordPolicyModule } from './password-policy-module.js';
import { policiesModule } from './policies-module.js';
import { rekeyBackupModule } from './rekey-backup-module.js';
import { rollbackModule } from './rollback-module.js';
import { sysModule } from './sys-module.js';
import { tokensModule } from './tokens-module.js';
import { wrappingModule } from './wrapping-module.js';

/** The modules every server has. Their order here does not matter: the core orders them by what they need. */
export function coreModules(): CoreModule[] {
  return [keyringModule, policiesModule, passwordPolicyModule, expirationModule, auditModule, mountsModule, tokensModule, leasesModule, authorizeModule, wrappingModule, rekeyBackupModule, sysModule, rollbackModule, identityModule, mfaModule];
}
