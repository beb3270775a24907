import { JsonCodec } from './json.js';
import type { Protocol } from './model.js';
import { QueryCodec } from './query.js';
import { RestCodec } from './rest.js';
import type { Codec } from './types.js';

const CODECS: Record<Protocol, Codec> = {
  awsJson1_0: new JsonCodec('1.0'),
  awsJson1_1: new JsonCodec('1.1'),
  awsQuery: new QueryCodec(),
  restJson1: new RestCodec('json'),
  restXml: new RestCodec('xml'),
};

export const codecFor = (protocol: Protocol): Codec => CODECS[protocol];
export type { Codec, HttpRequest, HttpResponse } from './types.js';
