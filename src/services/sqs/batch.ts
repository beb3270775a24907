/** The checks every SQS batch request shares, and the Failed entry for one entry's error. */
import { AwsError, isAwsError } from '../../core/errors.js';
import type { BatchResultErrorEntry } from '../../generated/sqs.types.js';

export const MAX_BATCH_ENTRIES = 10;
const ENTRY_ID = /^[\w-]{1,80}$/;

export function checkBatch(entries: { Id: string }[], entryShape: string): void {
  if (!entries.length) throw new AwsError('EmptyBatchRequest', `There should be at least one ${entryShape} in the request.`);
  if (entries.length > MAX_BATCH_ENTRIES)
    throw new AwsError('TooManyEntriesInBatchRequest', `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`);
  const seen = new Set<string>();
  for (const e of entries) {
    if (!ENTRY_ID.test(e.Id))
      throw new AwsError('InvalidBatchEntryId', 'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.');
    if (seen.has(e.Id)) throw new AwsError('BatchEntryIdsNotDistinct', `Id ${e.Id} repeated.`);
    seen.add(e.Id);
  }
}

/** Runs one entry; an AwsError becomes a Failed entry, anything else propagates. */
export function runEntry<T>(id: string, run: () => T, failed: BatchResultErrorEntry[]): T | undefined {
  try {
    return run();
  } catch (err) {
    if (!isAwsError(err)) throw err;
    failed.push({ Id: id, SenderFault: err.senderFault, Code: err.code, Message: err.message });
    return undefined;
  }
}
