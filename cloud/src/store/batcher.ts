/**
 * Collects single writes into batch requests (DynamoDB BatchWriteItem takes
 * 25, SQS DeleteMessageBatch 10): under load one request carries many items;
 * alone, an item waits at most `maxWaitMs`. Each caller's promise settles when
 * the request that carried its item does.
 */

export class Batcher<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (e: unknown) => void }> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly size: number,
    private readonly maxWaitMs: number,
    private readonly flushBatch: (items: T[]) => Promise<void>,
  ) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.size) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.size);
      this.flushBatch(batch.map((b) => b.item)).then(
        () => batch.forEach((b) => b.resolve()),
        (err) => batch.forEach((b) => b.reject(err)),
      );
    }
  }
}
