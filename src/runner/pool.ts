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
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    while (!shouldStop()) {
      const next = iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
}
