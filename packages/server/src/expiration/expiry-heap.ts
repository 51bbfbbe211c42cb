/**
 * A binary min-heap of (expiry time, lease id), kept as two parallel arrays
 * so that a million leases cost two flat arrays rather than a million small
 * objects. Entries are never removed from the middle: the manager skips
 * entries that no longer match its record of the lease ("lazy deletion")
 * and rebuilds the heap when too many stale entries pile up.
 */
export class ExpiryHeap {
  private times: number[] = [];
  private ids: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(id: string, at: number): void {
    this.times.push(at);
    this.ids.push(id);
    this.siftUp(this.times.length - 1);
  }

  /** The earliest entry, without removing it. */
  peek(): { id: string; at: number } | undefined {
    if (this.times.length === 0) return undefined;
    return { id: this.ids[0]!, at: this.times[0]! };
  }

  pop(): { id: string; at: number } | undefined {
    const n = this.times.length;
    if (n === 0) return undefined;
    const top = { id: this.ids[0]!, at: this.times[0]! };
    const lastTime = this.times.pop()!;
    const lastId = this.ids.pop()!;
    if (n > 1) {
      this.times[0] = lastTime;
      this.ids[0] = lastId;
      this.siftDown(0);
    }
    return top;
  }

  /** Replace the content with the given entries in O(n). */
  rebuild(entries: Iterable<[string, number]>): void {
    this.times = [];
    this.ids = [];
    for (const [id, at] of entries) {
      this.ids.push(id);
      this.times.push(at);
    }
    for (let i = (this.times.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  clear(): void {
    this.times = [];
    this.ids = [];
  }

  private siftUp(i: number): void {
    const at = this.times[i]!;
    const id = this.ids[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.times[parent]! <= at) break;
      this.times[i] = this.times[parent]!;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.times[i] = at;
    this.ids[i] = id;
  }

  private siftDown(i: number): void {
    const n = this.times.length;
    const at = this.times[i]!;
    const id = this.ids[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.times[right]! < this.times[left]! ? right : left;
      if (this.times[child]! >= at) break;
      this.times[i] = this.times[child]!;
      this.ids[i] = this.ids[child]!;
      i = child;
    }
    this.times[i] = at;
    this.ids[i] = id;
  }
}
