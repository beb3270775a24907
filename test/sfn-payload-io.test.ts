import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExecutionContextObject } from '../src/services/stepfunctions/asl/context.js';
import { isStatesError } from '../src/services/stepfunctions/asl/errors.js';
import { applyInputPath, applyOutputPath, applyResultPath } from '../src/services/stepfunctions/asl/io.js';
import { applyPayloadTemplate } from '../src/services/stepfunctions/asl/payload.js';

const context: ExecutionContextObject = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName',
    Input: { key: 'value' },
    Name: 'executionName',
    RoleArn: 'arn:aws:iam::123456789012:role...',
    StartTime: '2019-03-26T20:14:13.192Z',
    RedriveCount: 0,
  },
  State: { EnteredTime: '2019-03-26T20:14:13.192Z', Name: 'Test', RetryCount: 3 },
  StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:stateMachineName', Name: 'stateMachineName' },
  Task: { Token: 'h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W' },
  Map: { Item: { Index: 2, Value: { who: 'bob' } } },
};

function throwsStates(fn: () => unknown, error: string, cause?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isStatesError(e), `expected a StatesError, got ${String(e)}`);
    assert.equal(e.error, error);
    if (typeof cause === 'string') assert.equal(e.cause, cause);
    else if (cause) assert.match(e.cause, cause);
    return true;
  });
}

describe('applyPayloadTemplate', () => {
  it('runs the Parameters example from the docs', () => {
    const input = {
      comment: 'Example for Parameters.',
      product: {
        details: { color: 'blue', size: 'small', material: 'cotton' },
        availability: 'in stock',
        sku: '2317',
        cost: '$23',
      },
    };
    const template = {
      comment: 'Selecting what I care about.',
      MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', StaticValue: 'foo' },
    };
    assert.deepEqual(applyPayloadTemplate(template, input, context), {
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  it('runs the Parameters example from the ASL spec (index and slice)', () => {
    const template = { flagged: true, parts: { 'first.$': '$.vals[0]', 'last3.$': '$.vals[3:]' } };
    assert.deepEqual(applyPayloadTemplate(template, { flagged: 7, vals: [0, 10, 20, 30, 40, 50] }, context), {
      flagged: true,
      parts: { first: 0, last3: [30, 40, 50] },
    });
  });

  it('runs the ResultSelector example from the docs', () => {
    const result = {
      resourceType: 'elasticmapreduce',
      resource: 'createCluster.sync',
      output: {
        SdkHttpMetadata: { HttpHeaders: { 'Content-Length': '1112' }, HttpStatusCode: 200 },
        SdkResponseMetadata: { RequestId: 'b92d1793-6fd0-4a17-9e73-a2b01be7f7a6' },
        ClusterId: 'AKIAIOSFODNN7EXAMPLE',
      },
    };
    const selector = { 'ClusterId.$': '$.output.ClusterId', 'ResourceType.$': '$.resourceType' };
    assert.deepEqual(applyPayloadTemplate(selector, result, context), {
      ClusterId: 'AKIAIOSFODNN7EXAMPLE',
      ResourceType: 'elasticmapreduce',
    });
  });

  it('reads the Context object with $$ (including Map item fields)', () => {
    const template = {
      'execution.$': '$$.Execution.Id',
      'name.$': '$$.State.Name',
      'token.$': '$$.Task.Token',
      'index.$': '$$.Map.Item.Index',
      'value.$': '$$.Map.Item.Value',
      'whole.$': '$$.StateMachine',
    };
    assert.deepEqual(applyPayloadTemplate(template, {}, context), {
      execution: context.Execution.Id,
      name: 'Test',
      token: context.Task!.Token,
      index: 2,
      value: { who: 'bob' },
      whole: context.StateMachine,
    });
  });

  it('reads workflow variables with $name', () => {
    const template = { 'a.$': '$myVar', 'b.$': '$myVar.inner[1]', 'c.$': '$other' };
    assert.deepEqual(applyPayloadTemplate(template, {}, context, { myVar: { inner: [1, 2] }, other: 'x' }), {
      a: { inner: [1, 2] },
      b: 2,
      c: 'x',
    });
  });

  it('evaluates intrinsic functions with input, context and variable arguments', () => {
    const template = {
      'msg.$': "States.Format('{} ran {} for {}', $$.Execution.Name, $.job, $who)",
      'ids.$': 'States.Array($.job, States.MathAdd($.n, 1))',
    };
    assert.deepEqual(applyPayloadTemplate(template, { job: 'build', n: 1 }, context, { who: 'ana' }), {
      msg: 'executionName ran build for ana',
      ids: ['build', 2],
    });
  });

  it('recurses into arrays and nested objects and copies static parts', () => {
    const template = { list: [{ 'v.$': '$.a' }, 'static', [1, { 'w.$': '$.b' }]], fixed: { deep: { x: [1, 2] } } };
    const out = applyPayloadTemplate(template, { a: 1, b: 2 }, context) as { fixed: unknown; list: unknown };
    assert.deepEqual(out, { list: [{ v: 1 }, 'static', [1, { w: 2 }]], fixed: { deep: { x: [1, 2] } } });
    assert.notEqual(out.fixed, template.fixed);
    const again = applyPayloadTemplate(template, { a: 'x', b: 'y' }, context);
    assert.deepEqual(again, { list: [{ v: 'x' }, 'static', [1, { w: 'y' }]], fixed: { deep: { x: [1, 2] } } });
    assert.deepEqual(template.list[0], { 'v.$': '$.a' });
  });

  it('returns primitives unchanged and selects the whole input with $', () => {
    assert.equal(applyPayloadTemplate('plain', { a: 1 }, context), 'plain');
    assert.deepEqual(applyPayloadTemplate({ 'all.$': '$' }, { a: 1 }, context), { all: { a: 1 } });
    assert.deepEqual(applyPayloadTemplate({ '.$': 'literal key' }, {}, context), { '.$': 'literal key' });
  });

  it('fails with States.Runtime and AWS wording when a path is not found', () => {
    throwsStates(
      () => applyPayloadTemplate({ 'missing.$': '$.nope.deep' }, { other: 1 }, context),
      'States.Runtime',
      `The JSONPath '$.nope.deep' specified for the field 'missing.$' could not be found in the input '{"other":1}'`,
    );
    throwsStates(
      () => applyPayloadTemplate({ 'x.$': '$$.Execution.Nope' }, {}, context),
      'States.Runtime',
      /The JSONPath '\$\$\.Execution\.Nope' specified for the field 'x\.\$' could not be found/,
    );
    throwsStates(() => applyPayloadTemplate({ 'x.$': '$undefinedVar' }, {}, context, {}), 'States.Runtime', /'\$undefinedVar'/);
    throwsStates(
      () => applyPayloadTemplate({ 'x.$': 'States.Array($.nope)' }, {}, context),
      'States.Runtime',
      /The JSONPath '\$\.nope' specified for the field 'x\.\$'/,
    );
  });

  it('fails with States.Runtime for .$ values that are not paths or intrinsics', () => {
    throwsStates(() => applyPayloadTemplate({ 'x.$': 5 }, {}, context), 'States.Runtime', /field 'x\.\$' must be a STRING/);
    throwsStates(() => applyPayloadTemplate({ 'x.$': 'hello' }, {}, context), 'States.Runtime', /valid JSONPath or a valid intrinsic/);
    throwsStates(() => applyPayloadTemplate({ 'x.$': '$.a[' }, {}, context), 'States.Runtime', /Invalid path/);
  });

  it('refuses to apply paths to a null input', () => {
    throwsStates(
      () => applyPayloadTemplate({ 'Input.$': '$' }, null, context),
      'States.Runtime',
      'Unable to apply Path transformation to null or empty input.',
    );
    assert.deepEqual(applyPayloadTemplate({ 'id.$': '$$.Execution.Name' }, null, context), { id: 'executionName' });
  });

  it('propagates intrinsic failures', () => {
    throwsStates(() => applyPayloadTemplate({ 'x.$': 'States.ArrayRange(1, 9, 0)' }, {}, context), 'States.IntrinsicFailure');
  });

  it('keeps __proto__ keys as data', () => {
    const template = JSON.parse('{"__proto__.$": "$.a", "plain": {"__proto__": 1}}');
    const out = applyPayloadTemplate(template, { a: 'x' }, context) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['__proto__', 'plain']);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
});

describe('InputPath / ResultPath / OutputPath', () => {
  it('InputPath example from the docs', () => {
    const input = {
      comment: 'Example for InputPath.',
      dataset1: { val1: 1, val2: 2, val3: 3 },
      dataset2: { val1: 'a', val2: 'b', val3: 'c' },
    };
    assert.deepEqual(applyInputPath('$.dataset2', input, context), { val1: 'a', val2: 'b', val3: 'c' });
  });

  it('InputPath defaults and null', () => {
    const input = { a: 1 };
    assert.equal(applyInputPath(undefined, input, context), input);
    assert.equal(applyInputPath('$', input, context), input);
    assert.deepEqual(applyInputPath(null, input, context), {});
    assert.deepEqual(applyInputPath('$.a[0:2]', { a: [1, 2, 3, 4] }, context), [1, 2]);
  });

  it('InputPath can read the Context object and variables', () => {
    assert.equal(applyInputPath('$$.Execution.Id', {}, context), context.Execution.Id);
    assert.deepEqual(applyInputPath('$$.Execution.Input', {}, context), { key: 'value' });
    assert.equal(applyInputPath('$v.x', {}, context, { v: { x: 3 } }), 3);
  });

  it('InputPath that matches nothing fails with States.Runtime', () => {
    throwsStates(() => applyInputPath('$.foo', { bar: 1 }, context), 'States.Runtime', "Invalid path '$.foo' : No results for path: $['foo']");
    throwsStates(() => applyInputPath('$undefinedVar', {}, context, {}), 'States.Runtime', /not defined/);
    throwsStates(() => applyInputPath('$.a', null, context), 'States.Runtime', 'Unable to apply Path transformation to null or empty input.');
  });

  it('ResultPath defaults, null, and the docs examples', () => {
    const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
    assert.equal(applyResultPath(undefined, input, 'Hello, Step Functions!'), 'Hello, Step Functions!');
    assert.equal(applyResultPath('$', input, 'Hello, Step Functions!'), 'Hello, Step Functions!');
    assert.equal(applyResultPath(null, input, 'Hello, Step Functions!'), input);
    assert.deepEqual(applyResultPath('$.taskresult', input, 'Hello, Step Functions!'), { ...input, taskresult: 'Hello, Step Functions!' });
    assert.deepEqual(applyResultPath('$.error', { foo: 'bar' }, { Error: 'Error here' }), { foo: 'bar', error: { Error: 'Error here' } });
  });

  it('ResultPath example from the ASL spec', () => {
    assert.deepEqual(applyResultPath('$.master.detail', { master: { detail: [1, 2, 3] } }, 6), { master: { detail: 6 } });
  });

  it('ResultPath into a non-object fails with States.ResultPathMatchFailure', () => {
    throwsStates(() => applyResultPath('$.x', 'a string', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => applyResultPath('$.list.x', { list: [1, 2] }, 1), 'States.ResultPathMatchFailure');
  });

  it('OutputPath defaults, null and selection', () => {
    const data = { a: { b: 1 } };
    assert.equal(applyOutputPath(undefined, data, context), data);
    assert.deepEqual(applyOutputPath(null, data, context), {});
    assert.deepEqual(applyOutputPath('$.a', data, context), { b: 1 });
    assert.equal(applyOutputPath('$$.State.Name', data, context), 'Test');
    throwsStates(() => applyOutputPath('$.z', data, context), 'States.Runtime', "Invalid path '$.z' : No results for path: $['z']");
  });

  it('runs the InputPath, ResultPath and OutputPath example from the docs end to end', () => {
    const raw = {
      comment: 'An input comment.',
      data: { val1: 23, val2: 17 },
      extra: 'foo',
      lambda: { who: 'AWS Step Functions' },
    };
    const effective = applyInputPath('$.lambda', raw, context) as { who: string };
    assert.deepEqual(effective, { who: 'AWS Step Functions' });
    const result = `Hello, ${effective.who}!`;
    const combined = applyResultPath('$.data.lambdaresult', raw, result);
    assert.deepEqual(combined, {
      comment: 'An input comment.',
      data: { val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' },
      extra: 'foo',
      lambda: { who: 'AWS Step Functions' },
    });
    assert.deepEqual(applyOutputPath('$.data', combined, context), { val1: 23, val2: 17, lambdaresult: 'Hello, AWS Step Functions!' });
    assert.deepEqual(raw.data, { val1: 23, val2: 17 });
  });

  it('runs the spec example that adds two numbers', () => {
    const raw = { title: 'Numbers to add', numbers: { val1: 3, val2: 4 } };
    const effective = applyInputPath('$.numbers', raw, context) as { val1: number; val2: number };
    const output = applyOutputPath('$', applyResultPath('$.sum', raw, effective.val1 + effective.val2), context);
    assert.deepEqual(output, { title: 'Numbers to add', numbers: { val1: 3, val2: 4 }, sum: 7 });
  });
});
