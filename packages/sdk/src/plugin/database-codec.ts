import { CofferError } from '../errors.js';
import type { DeleteUserRequest, NewUserRequest, Statements, UpdateUserRequest } from './database.js';
import type { WireDeleteUserRequest, WireNewUserRequest, WireStatements, WireUpdateUserRequest } from './wire-types.js';

const statementsToWire = (s: Statements | undefined): WireStatements => ({ commands: s?.commands ?? [] });
const statementsFromWire = (s: WireStatements | null): Statements => ({ commands: s?.commands ?? [] });

function timeFromWire(text: string, what: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CofferError('invalid_request', `${what} "${text}" is not an RFC 3339 time`);
  return date;
}

export function newUserToWire(instanceId: string, req: NewUserRequest): WireNewUserRequest {
  return {
    instance_id: instanceId,
    username_config: { display_name: req.usernameConfig.displayName, role_name: req.usernameConfig.roleName },
    password: req.password,
    expiration: req.expiration ? req.expiration.toISOString() : '',
    statements: statementsToWire(req.statements),
    rollback_statements: statementsToWire(req.rollbackStatements),
  };
}

export function newUserFromWire(wire: WireNewUserRequest): NewUserRequest {
  const req: NewUserRequest = {
    usernameConfig: { displayName: wire.username_config?.display_name ?? '', roleName: wire.username_config?.role_name ?? '' },
    password: wire.password,
    statements: statementsFromWire(wire.statements),
    rollbackStatements: statementsFromWire(wire.rollback_statements),
  };
  if (wire.expiration) req.expiration = timeFromWire(wire.expiration, 'expiration');
  return req;
}

export function updateUserToWire(instanceId: string, req: UpdateUserRequest): WireUpdateUserRequest {
  return {
    instance_id: instanceId,
    username: req.username,
    password: req.password ? { new_password: req.password.newPassword, statements: statementsToWire(req.password.statements) } : null,
    expiration: req.expiration
      ? { new_expiration: req.expiration.newExpiration.toISOString(), statements: statementsToWire(req.expiration.statements) }
      : null,
  };
}

export function updateUserFromWire(wire: WireUpdateUserRequest): UpdateUserRequest {
  const req: UpdateUserRequest = { username: wire.username };
  if (wire.password) req.password = { newPassword: wire.password.new_password, statements: statementsFromWire(wire.password.statements) };
  if (wire.expiration) {
    req.expiration = {
      newExpiration: timeFromWire(wire.expiration.new_expiration, 'new_expiration'),
      statements: statementsFromWire(wire.expiration.statements),
    };
  }
  return req;
}

export function deleteUserToWire(instanceId: string, req: DeleteUserRequest): WireDeleteUserRequest {
  return { instance_id: instanceId, username: req.username, statements: statementsToWire(req.statements) };
}

export function deleteUserFromWire(wire: WireDeleteUserRequest): DeleteUserRequest {
  return { username: wire.username, statements: statementsFromWire(wire.statements) };
}
