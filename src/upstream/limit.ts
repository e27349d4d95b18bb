/**
 * Runs `fn` over `items` with at most `concurrency` in flight, results in input order.
 * Failures are returned in place (as the Error), so one bad key fails only itself.
 */
export async function mapBounded<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<(R | Error)[]> {
  const settle = async (item: T, index: number): Promise<R | Error> => {
    try {
      return await fn(item, index);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  // Not contended (one key per provider is the common batch of ticket(id)): every item may
  // start at once, so there is no queue to keep, only the calls themselves.
  if (items.length <= Math.max(1, concurrency)) return Promise.all(items.map(settle));
  const results = new Array<R | Error>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await settle(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}
