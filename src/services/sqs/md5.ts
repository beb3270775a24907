/**
 * The MD5 digests SQS returns with sends and receives, computed as AWS does so the SDKs' checks pass:
 * the body's digest is plain MD5 of its UTF-8 bytes; attribute digests cover AWS's binary encoding.
 */
import { createHash, hash, type Hash } from 'node:crypto';

/** A message (or message system) attribute as stored: exactly one value member is set. */
export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

const STRING_TRANSPORT = Buffer.from([1]);
const BINARY_TRANSPORT = Buffer.from([2]);

export function md5Hex(data: string | Uint8Array): string {
  return hash('md5', data, 'hex');
}

function updateWithLength(hash: Hash, bytes: Uint8Array): void {
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(bytes.length, 0);
  hash.update(length);
  hash.update(bytes);
}

/**
 * MD5OfMessageAttributes / MD5OfMessageSystemAttributes: attributes sorted by name; for each, the
 * name, the data type, one transport byte (1 for string values, 2 for binary ones) and the value,
 * every string and value preceded by its length as a 4-byte big-endian integer.
 */
export function md5OfAttributes(attributes: Record<string, AttributeValue>): string {
  const hash = createHash('md5');
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    updateWithLength(hash, Buffer.from(name, 'utf8'));
    updateWithLength(hash, Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined) {
      hash.update(BINARY_TRANSPORT);
      updateWithLength(hash, value.BinaryValue);
    } else {
      hash.update(STRING_TRANSPORT);
      updateWithLength(hash, Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
