import type { ServiceModel } from './model.js';

/** An HTTP request as the gateway hands it to a codec. Header names are lower-case. */
export interface HttpRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
  host: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface Decoded {
  operation: string;
  input: Record<string, unknown>;
}

/** Encodes outputs and errors, and decodes requests, for one wire protocol. */
export interface Codec {
  decode(req: HttpRequest, model: ServiceModel): Decoded;
  encode(model: ServiceModel, operation: string, output: unknown, requestId: string): HttpResponse;
  encodeError(model: ServiceModel, err: WireError, requestId: string): HttpResponse;
}

/** An error resolved against the model: the wire code, status and fault to send. */
export interface WireError {
  /** Code as the error shape is named in the model (or the generic code). */
  code: string;
  /** Code as sent on the wire (awsQuery codes, e.g. SNS `NotFound`). */
  wireCode: string;
  /** The awsQuery code of a modelled error (awsQueryError trait), if any. */
  queryCode?: string;
  message: string;
  status: number;
  sender: boolean;
  fields?: Record<string, unknown>;
  /** The modelled error shape, when there is one. */
  shape?: string;
}
