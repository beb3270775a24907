/** Event source mappings' API: create/get/list/update/delete for SQS queues, states, validation errors. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateEventSourceMappingCommand,
  DeleteEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UpdateEventSourceMappingCommand,
  type CreateEventSourceMappingCommandInput,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { useNimbus } from './helpers.js';
import { createFunction, lambdaClient } from './lambda-helpers.js';

const QUEUE_ARN = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;
const FN_ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const NOOP = { 'index.js': 'exports.handler = async () => null;' };

describe('Lambda event source mappings: API', () => {
  const n = useNimbus();
  const client = () => lambdaClient(n.config);
  const sqs = () => new SQSClient(n.config);

  async function queue(name: string, fifo = false): Promise<string> {
    await sqs().send(new CreateQueueCommand({ QueueName: name, Attributes: fifo ? { FifoQueue: 'true' } : {} }));
    return QUEUE_ARN(name);
  }

  async function rejects(input: Partial<CreateEventSourceMappingCommandInput>, name: string, message: string | RegExp): Promise<void> {
    await assert.rejects(client().send(new CreateEventSourceMappingCommand(input as CreateEventSourceMappingCommandInput)), (err: Error) => {
      assert.equal(err.name, name);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    });
  }

  async function settled(uuid: string, state: string) {
    for (let i = 0; i < 50; i++) {
      const m = await client().send(new GetEventSourceMappingCommand({ UUID: uuid }));
      if (m.State === state) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`mapping ${uuid} did not reach ${state}`);
  }

  test('create reports Creating with the defaults, then Enabled; get, tags and delete follow AWS', async () => {
    const c = client();
    const arn = await queue('esm-api-1');
    await createFunction(c, 'esm-api-fn', NOOP);
    const created = await c.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-api-fn', EventSourceArn: arn, Tags: { team: 'a' } }));
    assert.equal(created.$metadata.httpStatusCode, 202);
    assert.match(created.UUID!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(created.State, 'Creating');
    assert.equal(created.StateTransitionReason, 'USER_INITIATED');
    assert.equal(created.BatchSize, 10);
    assert.equal(created.MaximumBatchingWindowInSeconds, 0);
    assert.equal(created.EventSourceArn, arn);
    assert.equal(created.FunctionArn, FN_ARN('esm-api-fn'));
    assert.deepEqual(created.FunctionResponseTypes, []);
    assert.equal(created.EventSourceMappingArn, `arn:aws:lambda:us-east-1:000000000000:event-source-mapping:${created.UUID}`);
    assert.ok(created.LastModified instanceof Date);
    assert.equal(created.FilterCriteria, undefined);

    const got = await settled(created.UUID!, 'Enabled');
    assert.equal(got.UUID, created.UUID);

    const tags = await c.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn }));
    assert.deepEqual(tags.Tags, { team: 'a' });
    await c.send(new TagResourceCommand({ Resource: created.EventSourceMappingArn, Tags: { env: 'dev' } }));
    assert.deepEqual((await c.send(new ListTagsCommand({ Resource: created.EventSourceMappingArn }))).Tags, { team: 'a', env: 'dev' });

    const deleted = await c.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID }));
    assert.equal(deleted.$metadata.httpStatusCode, 202);
    assert.equal(deleted.State, 'Deleting');
    await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(c.send(new GetEventSourceMappingCommand({ UUID: created.UUID })), (err: Error) => {
      assert.equal(err.name, 'ResourceNotFoundException');
      assert.equal(err.message, 'The resource you requested does not exist.');
      return true;
    });
  });

  test('settings are reported as given; update moves through Updating, Disabling and Enabling', async () => {
    const c = client();
    const arn = await queue('esm-api-2');
    await createFunction(c, 'esm-api-fn2', NOOP);
    const pattern = JSON.stringify({ body: { kind: ['order'] } });
    const created = await c.send(
      new CreateEventSourceMappingCommand({
        FunctionName: 'esm-api-fn2',
        EventSourceArn: arn,
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 5,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: pattern }] },
        ScalingConfig: { MaximumConcurrency: 3 },
        Enabled: false,
      }),
    );
    assert.equal(created.BatchSize, 500);
    assert.equal(created.MaximumBatchingWindowInSeconds, 5);
    assert.deepEqual(created.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.deepEqual(created.FilterCriteria, { Filters: [{ Pattern: pattern }] });
    assert.deepEqual(created.ScalingConfig, { MaximumConcurrency: 3 });
    await settled(created.UUID!, 'Disabled');

    const enabling = await c.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: true }));
    assert.equal(enabling.State, 'Enabling');
    await settled(created.UUID!, 'Enabled');

    const updating = await c.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FilterCriteria: {}, FunctionResponseTypes: [] }));
    assert.equal(updating.State, 'Updating');
    assert.equal(updating.BatchSize, 10);
    assert.equal(updating.MaximumBatchingWindowInSeconds, 0);
    assert.equal(updating.FilterCriteria, undefined);
    assert.deepEqual(updating.FunctionResponseTypes, []);
    assert.ok(updating.LastModified! >= created.LastModified!);
    await settled(created.UUID!, 'Enabled');

    const disabling = await c.send(new UpdateEventSourceMappingCommand({ UUID: created.UUID, Enabled: false }));
    assert.equal(disabling.State, 'Disabling');
    await settled(created.UUID!, 'Disabled');
  });

  test('a mapping may name a version; list filters by queue and by function and pages with Marker', async () => {
    const c = client();
    const a = await queue('esm-list-a');
    const b = await queue('esm-list-b');
    await createFunction(c, 'esm-list-fn', NOOP);
    await createFunction(c, 'esm-list-other', NOOP);
    const v = await c.send(new PublishVersionCommand({ FunctionName: 'esm-list-fn' }));
    const m1 = await c.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-list-fn', EventSourceArn: a }));
    const m2 = await c.send(new CreateEventSourceMappingCommand({ FunctionName: `esm-list-fn:${v.Version}`, EventSourceArn: b }));
    const m3 = await c.send(new CreateEventSourceMappingCommand({ FunctionName: FN_ARN('esm-list-other'), EventSourceArn: a }));
    assert.equal(m2.FunctionArn, `${FN_ARN('esm-list-fn')}:${v.Version}`);

    const byQueue = await c.send(new ListEventSourceMappingsCommand({ EventSourceArn: a }));
    assert.deepEqual(byQueue.EventSourceMappings!.map((m) => m.UUID).sort(), [m1.UUID, m3.UUID].sort());
    const byFunction = await c.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-list-fn' }));
    assert.deepEqual(byFunction.EventSourceMappings!.map((m) => m.UUID).sort(), [m1.UUID, m2.UUID].sort());
    const byVersion = await c.send(new ListEventSourceMappingsCommand({ FunctionName: `esm-list-fn:${v.Version}` }));
    assert.deepEqual(byVersion.EventSourceMappings!.map((m) => m.UUID), [m2.UUID]);
    const both = await c.send(new ListEventSourceMappingsCommand({ FunctionName: 'esm-list-fn', EventSourceArn: b }));
    assert.deepEqual(both.EventSourceMappings!.map((m) => m.UUID), [m2.UUID]);

    const mine = new Set([m1.UUID, m2.UUID, m3.UUID]);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await c.send(new ListEventSourceMappingsCommand({ MaxItems: 1, Marker: marker }));
      assert.ok(page.EventSourceMappings!.length <= 1);
      for (const m of page.EventSourceMappings!) if (mine.has(m.UUID)) seen.push(m.UUID!);
      marker = page.NextMarker;
    } while (marker);
    assert.equal(seen.length, 3);
    await assert.rejects(c.send(new ListEventSourceMappingsCommand({ Marker: 'bogus' })), { name: 'InvalidParameterValueException' });
  });

  test('validation errors answer as AWS does', async () => {
    const c = client();
    const arn = await queue('esm-errors');
    const fifo = await queue('esm-errors.fifo', true);
    await createFunction(c, 'esm-err-fn', NOOP);
    const base = { FunctionName: 'esm-err-fn', EventSourceArn: arn };

    await rejects({ ...base, FunctionName: 'esm-missing-fn' }, 'ResourceNotFoundException', `Function not found: ${FN_ARN('esm-missing-fn')}`);
    await rejects({ ...base, FunctionName: 'esm-err-fn:nope' }, 'ResourceNotFoundException', `Function not found: ${FN_ARN('esm-err-fn')}:nope`);
    await rejects({ ...base, EventSourceArn: QUEUE_ARN('esm-no-such-queue') }, 'InvalidParameterValueException', /^Error occurred while ReceiveMessage\. SQS Error Code: AWS\.SimpleQueueService\.NonExistentQueue/);
    await rejects({ ...base, EventSourceArn: 'arn:aws:s3:::bucket' }, 'InvalidParameterValueException', 'Unrecognized event source.');
    await rejects({ FunctionName: 'esm-err-fn' }, 'InvalidParameterValueException', 'Unrecognized event source.');
    await rejects({ ...base, EventSourceArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s' }, 'InvalidParameterValueException', /SQS queues only; kinesis event sources are not supported/);
    await rejects({ ...base, StartingPosition: 'LATEST' }, 'InvalidParameterValueException', 'StartingPosition is not valid for SQS event sources.');
    await rejects({ ...base, MaximumRetryAttempts: 2 }, 'InvalidParameterValueException', 'Unsupported MaximumRetryAttempts parameter for given event source mapping type.');
    await rejects({ ...base, BatchSize: 11 }, 'InvalidParameterValueException', 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    await rejects({ ...base, BatchSize: 10_001, MaximumBatchingWindowInSeconds: 1 }, 'ValidationException', "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less than or equal to 10000");
    await rejects({ ...base, EventSourceArn: fifo, MaximumBatchingWindowInSeconds: 1 }, 'InvalidParameterValueException', 'Batching window is not supported for FIFO queues');
    await rejects({ ...base, FilterCriteria: { Filters: [{ Pattern: '{"body": "not-a-list"}' }] } }, 'InvalidParameterValueException', 'Invalid filter pattern definition.');
    await rejects({ ...base, FilterCriteria: { Filters: [{ Pattern: 'not json' }] } }, 'InvalidParameterValueException', 'Invalid filter pattern definition.');

    const m = await c.send(new CreateEventSourceMappingCommand(base));
    await rejects(base, 'ResourceConflictException', `An event source mapping with SQS arn (" ${arn} ") and function (" esm-err-fn ") already exists. Please update or delete the existing mapping with UUID ${m.UUID}`);
    await settled(m.UUID!, 'Enabled');
    await assert.rejects(c.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, BatchSize: 50 })), {
      name: 'InvalidParameterValueException',
      message: 'Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10',
    });
    await assert.rejects(c.send(new UpdateEventSourceMappingCommand({ UUID: m.UUID, FunctionName: 'esm-missing-fn' })), { name: 'ResourceNotFoundException' });
    await assert.rejects(c.send(new UpdateEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' })), {
      name: 'ResourceNotFoundException',
      message: 'The resource you requested does not exist.',
    });
    await assert.rejects(c.send(new DeleteEventSourceMappingCommand({ UUID: '00000000-0000-0000-0000-000000000000' })), { name: 'ResourceNotFoundException' });
    await c.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
    await assert.rejects(c.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID })), (err: Error) => ['ResourceInUseException', 'ResourceNotFoundException'].includes(err.name));
  });
});
