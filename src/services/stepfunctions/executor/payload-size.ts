/** Step Functions' payload quota: 256 KiB of UTF-8 for any state input, output or task result. */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** JSON text of a state value (undefined, which JSON cannot carry, is written as null). */
export const toJson = (value: unknown): string => JSON.stringify(value) ?? 'null';

export function exceedsPayloadLimit(json: string): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: skip the byte count when the length settles it.
  if (json.length * 3 <= PAYLOAD_LIMIT_BYTES) return false;
  if (json.length > PAYLOAD_LIMIT_BYTES) return true;
  return Buffer.byteLength(json, 'utf8') > PAYLOAD_LIMIT_BYTES;
}

/** AWS's cause for States.DataLimitExceeded; `what` is the task's resource type, ARN or the state name. */
export const dataLimitCause = (what: string): string =>
  `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`;
