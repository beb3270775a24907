/** Step Functions through the AWS CLI: create a machine, run it, read its history, and an AWS error. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useNimbus } from './helpers.js';
import { ROLE } from './sfn-api-helpers.js';

const run = promisify(execFile);
const n = useNimbus({ sfnWaitScale: 0 });

test('aws stepfunctions: create-state-machine, start-execution, get-execution-history, an AWS error', async () => {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const aws = async (...args: string[]) => JSON.parse((await run('aws', ['--endpoint-url', n.endpoint, 'stepfunctions', ...args], { env })).stdout || '{}');
  const definition = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: 'world', End: true } } });
  const created = await aws('create-state-machine', '--name', 'cli-machine', '--definition', definition, '--role-arn', ROLE);
  assert.equal(created.stateMachineArn, 'arn:aws:states:us-east-1:000000000000:stateMachine:cli-machine');
  const started = await aws('start-execution', '--state-machine-arn', created.stateMachineArn, '--name', 'cli-run', '--input', '{"from":"cli"}');
  assert.equal(started.executionArn, 'arn:aws:states:us-east-1:000000000000:execution:cli-machine:cli-run');
  let hist = await aws('get-execution-history', '--execution-arn', started.executionArn);
  for (let i = 0; hist.events.at(-1).type !== 'ExecutionSucceeded' && i < 20; i++) hist = await aws('get-execution-history', '--execution-arn', started.executionArn);
  assert.deepEqual(
    hist.events.map((e: { type: string }) => e.type),
    ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
  );
  assert.equal(hist.events[3].executionSucceededEventDetails.output, '"world"');
  await assert.rejects(
    run('aws', ['--endpoint-url', n.endpoint, 'stepfunctions', 'describe-state-machine', '--state-machine-arn', 'not_a_valid_arn'], { env }),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 255);
      assert.match(err.stderr, /An error occurred \(InvalidArn\) when calling the DescribeStateMachine operation: Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'/);
      return true;
    },
  );
});
