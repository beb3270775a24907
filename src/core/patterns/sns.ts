/** SNS message attributes in the shape a MessageAttributes-scope filter policy is matched against. */

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: unknown;
}

/**
 * String.Array values become arrays (any element may match), Number values become numbers, and
 * Binary attributes are left out because SNS ignores them when filtering.
 */
export function snsAttributesToMatchInput(attrs: Record<string, SnsMessageAttribute>): Record<string, unknown> {
  // A null prototype keeps attribute names such as "__proto__" ordinary keys.
  const out: Record<string, unknown> = Object.create(null);
  for (const name of Object.keys(attrs)) {
    const { DataType: type, StringValue: value } = attrs[name];
    if (type === 'String.Array') {
      out[name] = parseArray(value ?? '');
    } else if (type === 'Number' || type.startsWith('Number.')) {
      const n = value === undefined || value.trim() === '' ? NaN : Number(value);
      out[name] = Number.isFinite(n) ? n : value;
    } else if (type === 'String' || type.startsWith('String.')) {
      out[name] = value ?? '';
    }
  }
  return out;
}

function parseArray(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : text;
  } catch {
    return text;
  }
}
