import { AwsError } from '../core/errors.js';
import type { ServiceModel, StructureShape } from './model.js';
import type { WireError } from './types.js';

/** Resolves an AwsError against the service model: wire code (awsQuery codes) and HTTP status. */
export function toWireError(model: ServiceModel, err: AwsError, useQueryCodes: boolean): WireError {
  const shape = model.shapes[err.code] as StructureShape | undefined;
  const modelled = shape && shape.t === 'structure' && shape.e ? shape : undefined;
  let status = err.status;
  let wireCode = err.code;
  if (modelled) {
    if (useQueryCodes && modelled.q) {
      wireCode = modelled.q[0];
      status = modelled.q[1] ?? status;
    } else if (modelled.c) status = modelled.c;
  }
  return {
    code: err.code,
    wireCode,
    queryCode: modelled?.q?.[0],
    message: err.message,
    status,
    sender: status < 500,
    fields: err.fields,
    shape: modelled ? err.code : undefined,
  };
}

/** Name of the message member of an error shape (`message` or `Message`), as the SDKs read it. */
export function messageMember(model: ServiceModel, shape: string | undefined): string {
  const s = shape ? (model.shapes[shape] as StructureShape | undefined) : undefined;
  if (s && s.t === 'structure') {
    if ('Message' in s.m) return 'Message';
    if ('message' in s.m) return 'message';
  }
  return 'message';
}
