/**
 * Waiting for several requests that make up one step (the chunks of an SQS
 * send, the writes of a batch of records) when the step fails if any of them
 * does. `Promise.all` rejects at the first failure while the others are still
 * on the wire, so a step the caller was told had failed could still land
 * afterwards, behind its back, while the caller tries the whole step again: a
 * duplicate, or an older write over a newer one. Here the step ends only once
 * every request has settled, and then fails with the first failure.
 */
export async function allSettledOrThrow<T>(work: Iterable<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
