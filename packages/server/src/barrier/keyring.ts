import { KEY_LENGTH } from './aead.js';

/** One encryption key of the keyring; `term` is stored in every value it encrypts. */
export interface KeyTerm {
  readonly term: number;
  readonly key: Buffer;
  readonly installTime: Date;
}

const FORMAT_VERSION = 1;
const PREFIX_LENGTH = 1 + 4 + 4;
const ENTRY_LENGTH = 4 + 8 + KEY_LENGTH;

/**
 * The barrier's keys, one per term. Rotation adds a term and makes it the
 * active one; old terms stay so that values written under them still decrypt
 * (rotation never re-encrypts data). Serialized in a small binary layout
 * rather than JSON so the decrypted plaintext is one Buffer that can be
 * zeroed, instead of strings the garbage collector keeps around.
 *
 *   [format: 1][active term: u32][count: u32] then per term:
 *   [term: u32][install time, ms since epoch: float64][key: 32 bytes]
 */
export class Keyring {
  private constructor(
    private readonly terms: ReadonlyMap<number, KeyTerm>,
    readonly activeTerm: number,
  ) {}

  static create(firstKey: Buffer, installTime: Date): Keyring {
    return new Keyring(new Map([[1, { term: 1, key: copyKey(firstKey), installTime }]]), 1);
  }

  active(): KeyTerm {
    const current = this.terms.get(this.activeTerm);
    if (!current) throw new Error('keyring has no active term');
    return current;
  }

  keyFor(term: number): Buffer | undefined {
    return this.terms.get(term)?.key;
  }

  get size(): number {
    return this.terms.size;
  }

  /** A new keyring with one more term, active. This keyring is left unchanged (and shares its key buffers). */
  withNewTerm(key: Buffer, installTime: Date): Keyring {
    const term = Math.max(...this.terms.keys()) + 1;
    if (term > 0xffffffff) throw new Error('keyring term space exhausted');
    const terms = new Map(this.terms);
    terms.set(term, { term, key: copyKey(key), installTime });
    return new Keyring(terms, term);
  }

  serialize(): Buffer {
    const out = Buffer.alloc(PREFIX_LENGTH + this.terms.size * ENTRY_LENGTH);
    out.writeUInt8(FORMAT_VERSION, 0);
    out.writeUInt32BE(this.activeTerm, 1);
    out.writeUInt32BE(this.terms.size, 5);
    let offset = PREFIX_LENGTH;
    for (const entry of [...this.terms.values()].sort((a, b) => a.term - b.term)) {
      out.writeUInt32BE(entry.term, offset);
      out.writeDoubleBE(entry.installTime.getTime(), offset + 4);
      entry.key.copy(out, offset + 12);
      offset += ENTRY_LENGTH;
    }
    return out;
  }

  static parse(data: Buffer): Keyring {
    if (data.length < PREFIX_LENGTH || data.readUInt8(0) !== FORMAT_VERSION) throw new Error('unrecognized keyring format');
    const active = data.readUInt32BE(1);
    const count = data.readUInt32BE(5);
    if (data.length !== PREFIX_LENGTH + count * ENTRY_LENGTH) throw new Error('truncated keyring');
    const terms = new Map<number, KeyTerm>();
    for (let i = 0, offset = PREFIX_LENGTH; i < count; i++, offset += ENTRY_LENGTH) {
      const term = data.readUInt32BE(offset);
      const installTime = new Date(data.readDoubleBE(offset + 4));
      terms.set(term, { term, installTime, key: copyKey(data.subarray(offset + 12, offset + 12 + KEY_LENGTH)) });
    }
    if (!terms.has(active)) throw new Error('keyring active term is missing');
    return new Keyring(terms, active);
  }

  /** Overwrite every key with zeros; the keyring is unusable afterwards. */
  wipe(): void {
    for (const entry of this.terms.values()) entry.key.fill(0);
  }
}

function copyKey(key: Buffer): Buffer {
  if (key.length !== KEY_LENGTH) throw new RangeError(`keyring keys must be ${KEY_LENGTH} bytes`);
  // Buffer.alloc (not allocUnsafe) so the key never lives in the shared pool, where fill(0) could not reach every copy
  const out = Buffer.alloc(KEY_LENGTH);
  key.copy(out);
  return out;
}
