import { readCustomResponseHeaders } from './custom-response-headers.js';
import { ownValue } from '@coffer/sdk';
import { blockBody } from './telemetry-stanza.js';
import { configError } from './errors.js';
import type { FileContext } from './file-context.js';
import { labeledBlocks, type LabeledBlock } from './stanza.js';
import {
  DEFAULT_HTTP_IDLE_TIMEOUT_SECONDS,
  DEFAULT_HTTP_READ_HEADER_TIMEOUT_SECONDS,
  DEFAULT_HTTP_READ_TIMEOUT_SECONDS,
  DEFAULT_LISTENER_ADDRESS,
  DEFAULT_MAX_REQUEST_SIZE,
  type ListenerFragment,
  type TlsVersion,
} from './types.js';
import { readBool, readChoice, readDuration, readInteger, readString, type SettingRef } from './values.js';
import { UNSUPPORTED_LISTENER_KEYS } from './vault-keys.js';

const TLS_VERSIONS: Record<string, TlsVersion> = { tls10: 'tls10', tls11: 'tls11', tls12: 'tls12', tls13: 'tls13' };

type Setter = (listener: ListenerFragment, value: unknown, ref: SettingRef, ctx: FileContext) => void;

/** The listener settings Coffer acts on, by Vault's key. */
const SETTINGS: Record<string, Setter> = {
  address: (l, v, r) => (l.address = readString(v, r)),
  cluster_address: (l, v, r) => (l.clusterAddress = readString(v, r)),
  tls_disable: (l, v, r) => (l.tlsDisable = readBool(v, r)),
  tls_cert_file: (l, v, r) => (l.tlsCertFile = readString(v, r)),
  tls_key_file: (l, v, r) => (l.tlsKeyFile = readString(v, r)),
  tls_client_ca_file: (l, v, r) => (l.tlsClientCaFile = readString(v, r)),
  tls_require_and_verify_client_cert: (l, v, r) => (l.tlsRequireAndVerifyClientCert = readBool(v, r)),
  tls_disable_client_certs: (l, v, r) => (l.tlsDisableClientCerts = readBool(v, r)),
  tls_min_version: (l, v, r) => (l.tlsMinVersion = readChoice(v, TLS_VERSIONS, r)),
  tls_max_version: (l, v, r) => (l.tlsMaxVersion = readChoice(v, TLS_VERSIONS, r)),
  max_request_size: (l, v, r) => {
    // Vault: 0 means the default, a negative number means no limit.
    const size = readInteger(v, r);
    l.maxRequestSize = size === 0 ? DEFAULT_MAX_REQUEST_SIZE : size < 0 ? -1 : size;
  },
  max_request_duration: (l, v, r) => {
    const seconds = readDuration(v, r);
    if (seconds > 0) l.maxRequestDurationSeconds = seconds;
  },
  max_json_depth: (l, v, r) => setJsonLimit(l, 'maxDepth', v, r),
  max_json_string_value_length: (l, v, r) => setJsonLimit(l, 'maxStringValueLength', v, r),
  max_json_object_entry_count: (l, v, r) => setJsonLimit(l, 'maxObjectEntryCount', v, r),
  max_json_array_element_count: (l, v, r) => setJsonLimit(l, 'maxArrayElementCount', v, r),
  http_idle_timeout: (l, v, r) => (l.httpIdleTimeoutSeconds = readDuration(v, r)),
  http_read_header_timeout: (l, v, r) => (l.httpReadHeaderTimeoutSeconds = readDuration(v, r)),
  http_read_timeout: (l, v, r) => (l.httpReadTimeoutSeconds = readDuration(v, r)),
  custom_response_headers: (l, v, r, ctx) => (l.customResponseHeaders = readCustomResponseHeaders(v, r, (message) => ctx.warn(r.line(), message))),
  telemetry: (l, v, r) => {
    for (const body of blockBody(v)) {
      if (body['unauthenticated_metrics_access'] !== undefined) {
        l.unauthenticatedMetricsAccess = readBool(body['unauthenticated_metrics_access'], { ...r, label: `"unauthenticated_metrics_access" in ${r.label}` });
      }
    }
  },
};

/** The max_json_* settings: a positive bound; 0 keeps Vault's default. */
function setJsonLimit(listener: ListenerFragment, key: keyof NonNullable<ListenerFragment['jsonLimits']>, value: unknown, ref: SettingRef): void {
  const limit = readInteger(value, ref);
  if (limit < 0) throw configError(ref.file, ref.line(), `${ref.label} must be a positive number (0 keeps the default)`);
  if (limit > 0) listener.jsonLimits = { ...listener.jsonLimits, [key]: limit };
}

/** Every `listener "tcp" { … }` block of a file, checked and with listener-level defaults. */
export function parseListenerStanzas(value: unknown, ctx: FileContext): ListenerFragment[] {
  return labeledBlocks(value, 'listener', ctx).map((block) => parseListener(block, ctx));
}

function parseListener({ ref, body }: LabeledBlock, ctx: FileContext): ListenerFragment {
  if (ref.label !== 'tcp') {
    throw configError(
      ctx.file,
      ref.line(),
      `listener "${ref.label}" is not supported; Coffer listens on TCP only: listener "tcp" { address = "127.0.0.1:8200" … }`,
    );
  }
  const listener: ListenerFragment = {
    type: 'tcp',
    address: DEFAULT_LISTENER_ADDRESS,
    tlsDisable: false,
    tlsRequireAndVerifyClientCert: false,
    tlsDisableClientCerts: false,
    tlsMinVersion: 'tls12',
    maxRequestSize: DEFAULT_MAX_REQUEST_SIZE,
    httpIdleTimeoutSeconds: DEFAULT_HTTP_IDLE_TIMEOUT_SECONDS,
    httpReadHeaderTimeoutSeconds: DEFAULT_HTTP_READ_HEADER_TIMEOUT_SECONDS,
    httpReadTimeoutSeconds: DEFAULT_HTTP_READ_TIMEOUT_SECONDS,
    unauthenticatedMetricsAccess: false,
    sourceFile: ctx.file,
  };
  for (const [key, value] of Object.entries(body)) {
    const setter = ownValue(SETTINGS, key);
    const setting = ctx.inBlock(ref, key);
    if (setter !== undefined) setter(listener, value, setting, ctx);
    else if (UNSUPPORTED_LISTENER_KEYS.has(key)) {
      ctx.warn(setting.line(), `${setting.label} is a Vault setting Coffer does not support; it is ignored`);
    } else {
      ctx.warn(setting.line(), `unknown key ${setting.label} is ignored`);
    }
  }
  checkTls(listener, ref, ctx);
  return listener;
}

/** Vault refuses a listener that would serve plain HTTP without being told to. */
function checkTls(listener: ListenerFragment, ref: LabeledBlock['ref'], ctx: FileContext): void {
  if (listener.tlsDisable) return;
  const at = `listener "tcp" at ${listener.address}`;
  if (listener.tlsCertFile === undefined || listener.tlsKeyFile === undefined) {
    const missing = [listener.tlsCertFile === undefined ? 'tls_cert_file' : '', listener.tlsKeyFile === undefined ? 'tls_key_file' : '']
      .filter(Boolean)
      .join(' and ');
    throw configError(
      ctx.file,
      ref.line(),
      `${at} has TLS enabled but no ${missing}; set tls_cert_file and tls_key_file, or set tls_disable = true to serve plain HTTP`,
    );
  }
  if (listener.tlsRequireAndVerifyClientCert && listener.tlsDisableClientCerts) {
    throw configError(
      ctx.file,
      ref.line(),
      `${at}: tls_require_and_verify_client_cert and tls_disable_client_certs cannot both be true`,
    );
  }
}
