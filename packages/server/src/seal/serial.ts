/**
 * Runs async operations one at a time, in call order. The seal's state
 * changes (init, unseal, seal, rekey, generate root) each span several
 * awaits; letting two interleave could, for example, complete an unseal
 * twice or seal halfway through a rekey.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
