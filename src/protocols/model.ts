/**
 * The compact service-model tables that `npm run codegen` writes to src/generated/ from AWS's
 * Smithy models. Short keys keep the committed tables small and fast to load.
 */

export type Protocol = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'restJson1' | 'restXml';

export type ScalarKind =
  | 'string'
  | 'boolean'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'bigInteger'
  | 'bigDecimal'
  | 'timestamp'
  | 'blob'
  | 'document';

/** Where a member of an input or output lives on a REST request or response. */
export type Location = 'header' | 'query' | 'label' | 'payload' | 'status' | 'queryParams' | 'prefixHeaders';

export interface MemberRef {
  /** Target shape name. */
  s: string;
  /** Required. */
  r?: 1;
  /** HTTP binding location. */
  l?: Location;
  /** Header / query / label name, when it differs from the member name. */
  n?: string;
  /** XML element name (also the awsQuery parameter name). */
  x?: string;
  /** XML flattened list or map. */
  f?: 1;
  /** XML attribute. */
  a?: 1;
  /** JSON name, when it differs. */
  j?: string;
  /** Timestamp format override. */
  ts?: string;
  /** Idempotency token (the SDK fills it when absent). */
  it?: 1;
}

export interface Constraints {
  /** Length (strings: characters; lists and maps: entries; blobs: bytes). */
  len?: [number | null, number | null];
  /** Numeric range. */
  rng?: [number | null, number | null];
  /** Regular expression (Java syntax in the model). */
  pat?: string;
  /** Enum values. */
  en?: string[];
  /** Timestamp format. */
  ts?: string;
  /** Sensitive: the value never appears in error messages. */
  sen?: 1;
}

export interface StructureShape extends Constraints {
  t: 'structure' | 'union';
  m: Record<string, MemberRef>;
  /** Error shape: 'client' or 'server'. */
  e?: 'client' | 'server';
  /** HTTP status of an error. */
  c?: number;
  /** awsQuery error code and status (awsQueryError trait). */
  q?: [string, number];
  /** XML element name of the structure. */
  x?: string;
  /** XML namespace of the structure. */
  xn?: string;
}

export interface ListShape extends Constraints {
  t: 'list';
  m: MemberRef;
}

export interface MapShape extends Constraints {
  t: 'map';
  k: MemberRef;
  v: MemberRef;
}

export interface ScalarShape extends Constraints {
  t: ScalarKind;
}

export type Shape = StructureShape | ListShape | MapShape | ScalarShape;

export interface OperationModel {
  /** HTTP binding: [method, uri template, success status]. */
  h?: [string, string, number];
  /** Input shape name. */
  i?: string;
  /** Output shape name. */
  o?: string;
  /** Error shape names. */
  e?: string[];
  /** Endpoint host prefix (e.g. `sync-` for StartSyncExecution). */
  hp?: string;
}

export interface ServiceModel {
  /** SigV4 signing name (states, sqs, secretsmanager, ...). */
  name: string;
  sdkId: string;
  endpointPrefix: string;
  protocol: Protocol;
  /** Other protocols the service also answers (SQS: awsQuery for old clients). */
  alsoQuery?: 1;
  /** X-Amz-Target prefix for JSON protocols (the service shape's name). */
  target: string;
  /** Smithy namespace of the service (`com.amazonaws.sfn`), used in JSON error `__type`s. */
  namespace: string;
  version: string;
  xmlNamespace?: string;
  operations: Record<string, OperationModel>;
  shapes: Record<string, Shape>;
}
