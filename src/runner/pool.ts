/**
 * Runs `work` over `items` with at most `concurrency` in flight, pulling lazily so that
 * 20,000 items cost no more memory than `concurrency`. `shouldStop()` is checked before each
 * new item (budget reached, interrupted); items already started finish.
 */
export async function runPool<T>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  // Pulled synchronously: no promise (or async generator step) per item.
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    while (!shouldStop()) {
      const item = iterator.next();
      if (item.done) return;
      await work(item.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}

/** The same over an async stream (e.g. a run record's results); reads are serialised. */
export async function runAsyncPool<T>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let reading: Promise<unknown> = Promise.resolve();
  const next = (): Promise<IteratorResult<T>> => {
    const read = reading.then(() => iterator.next());
    reading = read.catch(() => undefined);
    return read;
  };
  const worker = async (): Promise<void> => {
    while (!shouldStop()) {
      const item = await next();
      if (item.done) return;
      await work(item.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
