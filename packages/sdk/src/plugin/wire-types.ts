/**
 * TypeScript shapes of the protocol's messages as grpc-js hands them over
 * (see proto.ts: snake_case names, int64 as number, absent message fields as
 * null on receipt). Field meanings are documented in packages/sdk/proto.
 * Outgoing messages may leave any field out.
 */

export interface WireError {
  code: string;
  message: string;
  errors: string[];
}

export interface ErrorReply {
  error?: WireError | null;
}

export interface BackendRef {
  backend_id: string;
}

export interface SetupRequest {
  backend_id: string;
  storage_id: string;
  host_address: string;
  config: Record<string, string>;
  backend_uuid: string;
}

export interface InitializeRequest {
  backend_id: string;
  storage_id: string;
}

export interface InvalidateKeyRequest {
  backend_id: string;
  key: string;
}

export interface HandleRequestArgs {
  backend_id: string;
  storage_id: string;
  request: WireRequest | null;
}

export interface HandleRequestReply {
  response?: WireResponse | null;
  error?: WireError | null;
}

export interface ExistenceCheckReply {
  check_found: boolean;
  exists: boolean;
  error?: WireError | null;
}

export interface WireSpecialPaths {
  root: string[];
  unauthenticated: string[];
  local_storage: string[];
  seal_wrap_storage: string[];
}

export interface SpecialPathsReply {
  paths?: WireSpecialPaths | null;
  error?: WireError | null;
}

export interface TypeReply {
  type: string;
  error?: WireError | null;
}

export interface PluginVersionReply {
  version: string;
  error?: WireError | null;
}

export interface WireRequest {
  id: string;
  operation: string;
  path: string;
  data: string;
  mount_point: string;
  mount_type: string;
  mount_accessor: string;
  client_token: string;
  client_token_accessor: string;
  client_token_remaining_uses: number;
  display_name: string;
  entity_id: string;
  policies: string[];
  connection: WireConnection | null;
  headers: Record<string, { values: string[] }>;
  secret: WireSecret | null;
  auth: WireAuth | null;
  wrap_info: { ttl: number; format: string } | null;
  unauthenticated: boolean;
}

export interface WireConnection {
  remote_address: string;
  remote_port: number;
  peer_certificates: string[];
}

export interface WireLeaseOptions {
  ttl: number;
  max_ttl: number;
  renewable: boolean;
  increment: number;
  issue_time: string;
}

export interface WireSecret {
  lease_options: WireLeaseOptions | null;
  internal_data: string;
  lease_id: string;
}

export interface WireAuth {
  lease_options: WireLeaseOptions | null;
  internal_data: string;
  display_name: string;
  policies: string[];
  metadata: Record<string, string>;
  client_token: string;
  accessor: string;
  period: number;
  num_uses: number;
  entity_id: string;
  alias: { name: string; metadata: Record<string, string> } | null;
  bound_cidrs: string[];
  token_policies: string[];
  identity_policies: string[];
  explicit_max_ttl: number;
  token_type: string;
  no_default_policy: boolean;
  orphan: boolean;
}

export interface WireResponse {
  data: string;
  secret: WireSecret | null;
  auth: WireAuth | null;
  warnings: string[];
  wrap_info: WireWrapInfo | null;
  status_code: number;
  headers: Record<string, string>;
  raw_body: Buffer;
  has_raw_body: boolean;
}

export interface WireWrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor: string;
  format: string;
}

// Storage service

export interface WireStorageEntry {
  key: string;
  value: Buffer;
  seal_wrap: boolean;
}

export interface StorageGetRequest {
  storage_id: string;
  key: string;
}

export interface StorageGetReply {
  entry?: WireStorageEntry | null;
  error?: WireError | null;
}

export interface StoragePutRequest {
  storage_id: string;
  entry: WireStorageEntry | null;
}

export interface StorageDeleteRequest {
  storage_id: string;
  key: string;
}

export interface StorageListRequest {
  storage_id: string;
  prefix: string;
}

export interface StorageListPageRequest {
  storage_id: string;
  prefix: string;
  after: string;
  limit: number;
}

export interface StorageListReply {
  keys: string[];
  error?: WireError | null;
}

// SystemView service

export interface TTLReply {
  ttl: number;
  error?: WireError | null;
}

export interface BoolReply {
  value: boolean;
  error?: WireError | null;
}

export interface PluginEnvReply {
  coffer_version: string;
  vault_version: string;
  error?: WireError | null;
}

export interface ResponseWrapDataRequest {
  backend_id: string;
  data: string;
  ttl: number;
  jwt: boolean;
}

export interface ResponseWrapDataReply {
  wrap_info?: WireWrapInfo | null;
  error?: WireError | null;
}

export interface GeneratePasswordRequest {
  backend_id: string;
  policy_name: string;
}

export interface GeneratePasswordReply {
  password: string;
  error?: WireError | null;
}

// Database service

export interface DatabaseRef {
  instance_id: string;
}

export interface WireStatements {
  commands: string[];
}

export interface DatabaseInitializeRequest {
  instance_id: string;
  config: string;
  verify_connection: boolean;
}

export interface DatabaseInitializeReply {
  config: string;
  error?: WireError | null;
}

export interface WireNewUserRequest {
  instance_id: string;
  username_config: { display_name: string; role_name: string } | null;
  password: string;
  expiration: string;
  statements: WireStatements | null;
  rollback_statements: WireStatements | null;
}

export interface NewUserReply {
  username: string;
  error?: WireError | null;
}

export interface WireUpdateUserRequest {
  instance_id: string;
  username: string;
  password: { new_password: string; statements: WireStatements | null } | null;
  expiration: { new_expiration: string; statements: WireStatements | null } | null;
}

export interface WireDeleteUserRequest {
  instance_id: string;
  username: string;
  statements: WireStatements | null;
}

export interface DatabaseTypeReply {
  type: string;
  version: string;
  error?: WireError | null;
}

// Storage.Session (optional fast path; see storage.proto)

export type StorageOpKind =
  | 'STORAGE_OP_UNSPECIFIED'
  | 'STORAGE_OP_GET'
  | 'STORAGE_OP_PUT'
  | 'STORAGE_OP_DELETE'
  | 'STORAGE_OP_LIST'
  | 'STORAGE_OP_LIST_PAGE'
  | 'STORAGE_OP_WATCH'
  | 'STORAGE_OP_RESET'
  | 'STORAGE_OP_ACK_INVALIDATION';

export interface StorageOp {
  seq: number;
  kind: StorageOpKind;
  storage_id: string;
  key: string;
  entry: WireStorageEntry | null;
  after: string;
  limit: number;
  invalidation: number;
}

export interface StorageEvent {
  seq: number;
  error?: WireError | null;
  entry?: WireStorageEntry | null;
  keys: string[];
  invalidation: number;
  storage_id: string;
  key: string;
}

// Backend.Calls (optional fast path; see backend.proto)

export interface BackendCall {
  id: number;
  method: string;
  args: HandleRequestArgs | null;
}

export interface BackendCallReply {
  id: number;
  handle_request?: HandleRequestReply | null;
  existence_check?: ExistenceCheckReply | null;
  error?: WireError | null;
}

export interface StorageOpBatch {
  ops: StorageOp[];
}

export interface StorageEventBatch {
  events: StorageEvent[];
}

export interface BackendCallBatch {
  calls: BackendCall[];
}

export interface BackendCallReplyBatch {
  replies: BackendCallReply[];
}
