/** Shared set-up for Lambda tests: a client, and functions created from files zipped in the test. */
import { CreateFunctionCommand, LambdaClient, waitUntilFunctionActiveV2, type CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { zip } from './lambda-zip.js';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export function lambdaClient(config: object): LambdaClient {
  return new LambdaClient(config);
}

export async function createFunction(
  client: LambdaClient,
  name: string,
  files: Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
  modes: Record<string, number> = {},
) {
  const out = await client.send(
    new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip(files, modes) }, ...extra }),
  );
  await waitUntilFunctionActiveV2({ client, maxWaitTime: 10, minDelay: 0.1 as number, maxDelay: 0.2 as number }, { FunctionName: name });
  return out;
}

export const text = (b: Uint8Array | undefined) => Buffer.from(b ?? []).toString('utf8');
export const json = (b: Uint8Array | undefined) => JSON.parse(text(b));
