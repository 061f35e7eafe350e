// Bounded fan-out: run async work over a list with at most `limit` calls in flight, keeping order.
// Tools use it where one call per item is unavoidable (per-issue reads, per-project legacy rules), so a
// long list neither runs one by one nor floods Sentry's concurrent-request limit.

export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
