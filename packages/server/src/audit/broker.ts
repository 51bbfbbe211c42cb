import { randomBytes, randomUUID } from 'node:crypto';
import { CofferError, getJson, ownValue, parseBool, putJson, type Logger, type Storage } from '@coffer/sdk';
import type { AuditEntryInput, AuditPort } from '../core/ports.js';
import type { AuditDevice } from './device.js';
import { formatEntry, type FormatOptions } from './entry.js';
import { createFileDevice } from './file-device.js';
import { hmacHasher, type Hasher } from './hash.js';
import { silentMetrics, type MetricsSink } from '../metrics/sink.js';

const TABLE_KEY = 'core/audit';
const SALT_PREFIX = 'core/audit-salt/';

export interface AuditTableEntry {
  path: string;
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
  uuid: string;
}

interface EnabledDevice {
  entry: AuditTableEntry;
  device: AuditDevice;
  hash: Hasher;
  format: FormatOptions;
}

type DeviceFactory = (options: Record<string, string>) => Promise<AuditDevice>;

const DEVICE_TYPES: Record<string, DeviceFactory> = { file: createFileDevice };

/**
 * Sends every request and response to every enabled audit device. Fails
 * closed: when devices are enabled and none of them recorded an entry, the
 * request fails and nothing is returned to the client.
 */
export class AuditBroker implements AuditPort {
  private devices = new Map<string, EnabledDevice>();

  constructor(
    private readonly barrier: Storage,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    private readonly metrics: MetricsSink = silentMetrics,
  ) {}

  async load(): Promise<void> {
    const table = (await getJson<{ entries: AuditTableEntry[] }>(this.barrier, TABLE_KEY))?.entries ?? [];
    for (const entry of table) {
      try {
        this.devices.set(entry.path, await this.open(entry));
      } catch (err) {
        // A device that cannot open is logged; if it was the only one, requests fail closed until it is fixed.
        this.logger.error({ path: entry.path, err: err instanceof Error ? err.message : String(err) }, 'failed to open audit device');
        this.devices.set(entry.path, { entry, device: brokenDevice(err), hash: () => '', format: formatOptions(entry.options) });
      }
    }
  }

  /** The stored device table changed below us: reopen the devices if it differs from what is open. */
  async reload(): Promise<void> {
    const stored = (await getJson<{ entries: AuditTableEntry[] }>(this.barrier, TABLE_KEY))?.entries ?? [];
    const open = [...this.devices.values()].map((d) => d.entry);
    const key = (entries: AuditTableEntry[]) => JSON.stringify([...entries].sort((a, b) => a.path.localeCompare(b.path)));
    if (key(stored) === key(open)) return;
    await this.unload();
    await this.load();
  }

  async unload(): Promise<void> {
    for (const d of this.devices.values()) await d.device.close().catch(() => undefined);
    this.devices.clear();
  }

  list(): AuditTableEntry[] {
    return [...this.devices.values()].map((d) => d.entry).sort((a, b) => a.path.localeCompare(b.path));
  }

  async enable(path: string, type: string, description: string, options: Record<string, string>, local: boolean): Promise<void> {
    const devicePath = path.replace(/^\/+/, '').replace(/\/?$/, '/');
    if (devicePath === '/') throw new CofferError('invalid_request', 'missing audit device path');
    if (this.devices.has(devicePath)) throw new CofferError('invalid_request', `path already in use: an audit device is enabled at "${devicePath}"`);
    if (!ownValue(DEVICE_TYPES, type)) throw new CofferError('invalid_request', `unknown audit device type "${type}": supported types are ${Object.keys(DEVICE_TYPES).join(', ')}`);
    const entry: AuditTableEntry = { path: devicePath, type, description, options, local, uuid: randomUUID() };
    const enabled = await this.open(entry);
    // Vault tests a new device with a write before accepting it; a device that cannot write is bad input, not a server fault.
    try {
      await enabled.device.write('');
    } catch (err) {
      await enabled.device.close().catch(() => undefined);
      await this.barrier.delete(SALT_PREFIX + entry.uuid).catch(() => undefined);
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new CofferError('invalid_request', `audit device "${devicePath}" failed its test write (${reason}); check that its destination is writable`);
    }
    this.devices.set(devicePath, enabled);
    try {
      await this.persist();
    } catch (err) {
      this.devices.delete(devicePath);
      await enabled.device.close();
      throw err;
    }
  }

  async disable(path: string): Promise<void> {
    const devicePath = path.replace(/^\/+/, '').replace(/\/?$/, '/');
    const enabled = this.devices.get(devicePath);
    if (!enabled) return;
    this.devices.delete(devicePath);
    await this.persist();
    await enabled.device.close().catch(() => undefined);
    await this.barrier.delete(SALT_PREFIX + enabled.entry.uuid);
  }

  /** sys/audit-hash: what a value looks like in this device's log. */
  hashFor(path: string, input: string): string {
    const devicePath = path.replace(/^\/+/, '').replace(/\/?$/, '/');
    const enabled = this.devices.get(devicePath);
    if (!enabled) throw new CofferError('invalid_request', `unknown audit backend "${devicePath}"`);
    return enabled.hash(input);
  }

  logRequest(entry: AuditEntryInput): Promise<void> {
    return this.log('request', entry);
  }

  logResponse(entry: AuditEntryInput): Promise<void> {
    return this.log('response', entry);
  }

  private async log(kind: 'request' | 'response', input: AuditEntryInput): Promise<void> {
    if (this.devices.size === 0) return;
    const started = performance.now();
    try {
      await this.logToDevices(kind, input);
    } catch (err) {
      this.metrics.incrCounter(`vault.audit.log_${kind}_failure`);
      throw err;
    } finally {
      this.metrics.measure(`vault.audit.log_${kind}`, performance.now() - started);
    }
  }

  private async logToDevices(kind: 'request' | 'response', input: AuditEntryInput): Promise<void> {
    const now = this.now();
    const results = await Promise.allSettled(
      [...this.devices.values()].map(async (d) => {
        const line = JSON.stringify(formatEntry(kind, input, d.hash, d.format, now)) + '\n';
        await d.device.write(line);
      }),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const f of failures) this.logger.error({ err: f.reason instanceof Error ? f.reason.message : String(f.reason) }, `audit device failed to log the ${kind}`);
    if (failures.length === results.length) {
      throw new CofferError('internal', 'internal error: no audit device could record the request; fix the audit devices (see the server log)');
    }
  }

  private async open(entry: AuditTableEntry): Promise<EnabledDevice> {
    const factory = ownValue(DEVICE_TYPES, entry.type);
    if (!factory) throw new Error(`unknown audit device type ${entry.type}`);
    const device = await factory(entry.options);
    const salt = await this.salt(entry.uuid);
    return { entry, device, hash: hmacHasher(salt), format: formatOptions(entry.options) };
  }

  private async salt(uuid: string): Promise<Buffer> {
    const key = SALT_PREFIX + uuid;
    const existing = await this.barrier.get(key);
    if (existing) return existing.value;
    const salt = randomBytes(32);
    await this.barrier.put({ key, value: salt });
    return salt;
  }

  private async persist(): Promise<void> {
    await putJson(this.barrier, TABLE_KEY, { entries: [...this.devices.values()].map((d) => d.entry) });
  }
}

function formatOptions(options: Record<string, string>): FormatOptions {
  return {
    raw: parseBool(options['log_raw'] ?? '') === true,
    hmacAccessor: parseBool(options['hmac_accessor'] ?? '') !== false,
    nonHmacRequestKeys: new Set(),
    nonHmacResponseKeys: new Set(),
  };
}

function brokenDevice(err: unknown): AuditDevice {
  const message = err instanceof Error ? err.message : String(err);
  return {
    write: async () => {
      throw new Error(`audit device is not available: ${message}`);
    },
    reopen: async () => undefined,
    close: async () => undefined,
  };
}
