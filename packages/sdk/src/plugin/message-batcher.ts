/**
 * Collects the messages one turn of the event loop produces and hands them
 * over as one batch: on a busy stream, many calls then share one gRPC
 * message, one HTTP/2 frame and one TLS record instead of one each.
 * Order is kept. The delay is one event-loop turn (setImmediate).
 */
export class MessageBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const items = this.queue;
      this.queue = [];
      if (items.length > 0) this.flush(items);
    });
  }
}
