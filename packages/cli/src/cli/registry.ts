// Every command the CLI knows, in one list.
import type { Command } from './command.js';
import { COMMAND_GROUPS } from './groups.js';
import type { Registry } from './run.js';
import { agentCommand } from '../commands/agent.js';
import { agentGenerateConfigCommand } from '../commands/agent-generate-config.js';
import { auditDisableCommand } from '../commands/audit-disable.js';
import { auditEnableCommand } from '../commands/audit-enable.js';
import { auditListCommand } from '../commands/audit-list.js';
import { authDisableCommand } from '../commands/auth-disable.js';
import { authEnableCommand } from '../commands/auth-enable.js';
import { authListCommand } from '../commands/auth-list.js';
import { authMoveCommand } from '../commands/auth-move.js';
import { authTuneCommand } from '../commands/auth-tune.js';
import { deleteCommand } from '../commands/delete.js';
import { kvDeleteCommand } from '../commands/kv-delete.js';
import { kvDestroyCommand } from '../commands/kv-destroy.js';
import { kvEnableVersioningCommand } from '../commands/kv-enable-versioning.js';
import { kvGetCommand } from '../commands/kv-get.js';
import { kvListCommand } from '../commands/kv-list.js';
import { kvMetadataDeleteCommand } from '../commands/kv-metadata-delete.js';
import { kvMetadataGetCommand } from '../commands/kv-metadata-get.js';
import { kvMetadataPatchCommand } from '../commands/kv-metadata-patch.js';
import { kvMetadataPutCommand } from '../commands/kv-metadata-put.js';
import { kvPatchCommand } from '../commands/kv-patch.js';
import { kvPutCommand } from '../commands/kv-put.js';
import { kvRollbackCommand } from '../commands/kv-rollback.js';
import { kvUndeleteCommand } from '../commands/kv-undelete.js';
import { listCommand } from '../commands/list.js';
import { loginCommand } from '../commands/login.js';
import { operatorGenerateRootCommand } from '../commands/operator-generate-root.js';
import { operatorInitCommand } from '../commands/operator-init.js';
import { operatorKeyStatusCommand } from '../commands/operator-key-status.js';
import { operatorRekeyCommand } from '../commands/operator-rekey.js';
import { operatorRotateCommand } from '../commands/operator-rotate.js';
import { operatorSealCommand } from '../commands/operator-seal.js';
import { operatorStepDownCommand } from '../commands/operator-step-down.js';
import { operatorMembersCommand } from '../commands/operator-members.js';
import { operatorMigrateCommand } from '../commands/operator-migrate.js';
import { operatorBackupRestoreCommand, operatorBackupSaveCommand } from '../commands/operator-backup.js';
import { operatorUnsealCommand } from '../commands/operator-unseal.js';
import { patchCommand } from '../commands/patch.js';
import { pathHelpCommand } from '../commands/path-help.js';
import { pluginDeregisterCommand } from '../commands/plugin-deregister.js';
import { pluginInfoCommand } from '../commands/plugin-info.js';
import { pluginInitCommand } from '../commands/plugin-init.js';
import { pluginListCommand } from '../commands/plugin-list.js';
import { pluginNewCommand } from '../commands/plugin-new.js';
import { pluginPinCommand, pluginPinsCommand, pluginUnpinCommand } from '../commands/plugin-pin.js';
import { pluginRegisterCommand } from '../commands/plugin-register.js';
import { pluginReloadStatusCommand } from '../commands/plugin-reload-status.js';
import { pluginReloadCommand } from '../commands/plugin-reload.js';
import { pluginRuntimeDeregisterCommand } from '../commands/plugin-runtime-deregister.js';
import { pluginRuntimeInfoCommand } from '../commands/plugin-runtime-info.js';
import { pluginRuntimeListCommand } from '../commands/plugin-runtime-list.js';
import { pluginRuntimeRegisterCommand } from '../commands/plugin-runtime-register.js';
import { policyDeleteCommand } from '../commands/policy-delete.js';
import { policyFmtCommand } from '../commands/policy-fmt.js';
import { policyListCommand } from '../commands/policy-list.js';
import { policyReadCommand } from '../commands/policy-read.js';
import { policyWriteCommand } from '../commands/policy-write.js';
import { printTokenCommand } from '../commands/print-token.js';
import { proxyCommand } from '../commands/proxy.js';
import { readCommand } from '../commands/read.js';
import { secretsDisableCommand } from '../commands/secrets-disable.js';
import { secretsEnableCommand } from '../commands/secrets-enable.js';
import { secretsListCommand } from '../commands/secrets-list.js';
import { secretsMoveCommand } from '../commands/secrets-move.js';
import { secretsTuneCommand } from '../commands/secrets-tune.js';
import { serverCommand } from '../commands/server.js';
import { statusCommand } from '../commands/status.js';
import { tokenCapabilitiesCommand } from '../commands/token-capabilities.js';
import { tokenCreateCommand } from '../commands/token-create.js';
import { tokenLookupCommand } from '../commands/token-lookup.js';
import { tokenRenewCommand } from '../commands/token-renew.js';
import { leaseLookupCommand } from '../commands/lease-lookup.js';
import { leaseRenewCommand } from '../commands/lease-renew.js';
import { leaseRevokeCommand } from '../commands/lease-revoke.js';
import { tokenRevokeCommand } from '../commands/token-revoke.js';
import { unwrapCommand } from '../commands/unwrap.js';
import { versionCommand } from '../commands/version.js';
import { writeCommand } from '../commands/write.js';

export const ALL_COMMANDS: Command[] = [
  agentCommand,
  agentGenerateConfigCommand,
  auditDisableCommand,
  auditEnableCommand,
  auditListCommand,
  authDisableCommand,
  authEnableCommand,
  authListCommand,
  authMoveCommand,
  authTuneCommand,
  deleteCommand,
  kvDeleteCommand,
  kvDestroyCommand,
  kvEnableVersioningCommand,
  kvGetCommand,
  kvListCommand,
  kvMetadataDeleteCommand,
  kvMetadataGetCommand,
  kvMetadataPatchCommand,
  kvMetadataPutCommand,
  kvPatchCommand,
  kvPutCommand,
  kvRollbackCommand,
  kvUndeleteCommand,
  listCommand,
  loginCommand,
  operatorGenerateRootCommand,
  operatorInitCommand,
  operatorKeyStatusCommand,
  operatorRekeyCommand,
  operatorRotateCommand,
  operatorSealCommand,
  operatorStepDownCommand,
  operatorMembersCommand,
  operatorMigrateCommand,
  operatorBackupSaveCommand,
  operatorBackupRestoreCommand,
  operatorUnsealCommand,
  patchCommand,
  pathHelpCommand,
  pluginDeregisterCommand,
  pluginInfoCommand,
  pluginInitCommand,
  pluginListCommand,
  pluginNewCommand,
  pluginPinCommand,
  pluginPinsCommand,
  pluginRegisterCommand,
  pluginReloadCommand,
  pluginReloadStatusCommand,
  pluginRuntimeDeregisterCommand,
  pluginRuntimeInfoCommand,
  pluginRuntimeListCommand,
  pluginRuntimeRegisterCommand,
  pluginUnpinCommand,
  policyDeleteCommand,
  policyFmtCommand,
  policyListCommand,
  policyReadCommand,
  policyWriteCommand,
  printTokenCommand,
  proxyCommand,
  readCommand,
  secretsDisableCommand,
  secretsEnableCommand,
  secretsListCommand,
  secretsMoveCommand,
  secretsTuneCommand,
  serverCommand,
  statusCommand,
  tokenCapabilitiesCommand,
  tokenCreateCommand,
  tokenLookupCommand,
  tokenRenewCommand,
  leaseLookupCommand,
  leaseRenewCommand,
  leaseRevokeCommand,
  tokenRevokeCommand,
  unwrapCommand,
  versionCommand,
  writeCommand,
];

export function defaultRegistry(): Registry {
  return { commands: ALL_COMMANDS, groups: COMMAND_GROUPS };
}
