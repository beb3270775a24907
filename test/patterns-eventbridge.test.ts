import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, PatternError } from '../src/core/patterns/index.js';

type Case = [name: string, pattern: object, event: unknown, expected: boolean];

function runCases(cases: Case[]): void {
  for (const [name, pattern, event, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${name}`, () => {
      assert.equal(compilePattern(pattern, 'eventbridge').match(event), expected);
    });
  }
}

/** The AWS message for an invalid pattern, as returned by PutRule / TestEventPattern. */
function errorOf(pattern: string): PatternError {
  try {
    compilePattern(pattern, 'eventbridge');
  } catch (e) {
    assert.ok(e instanceof PatternError, `expected PatternError, got ${String(e)}`);
    return e;
  }
  assert.fail(`pattern was accepted: ${pattern}`);
}

const loc = (src: string, column: number, line = 1) => `\n at [Source: (String)"${src}"; line: ${line}, column: ${column}]`;

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

describe('eventbridge: exact values, nesting, arrays', () => {
  runCases([
    ['documented EC2 pattern', { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2Event, true],
    ['EC2 pattern with other state', { source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event, false],
    ['value array is an OR', { detail: { state: ['initializing', 'terminated'] } }, ec2Event, true],
    ['missing field', { detail: { 'c-count': ['5'] } }, ec2Event, false],
    ['case-sensitive values', { source: ['AWS.EC2'] }, ec2Event, false],
    ['case-sensitive keys', { Source: ['aws.ec2'] }, ec2Event, false],
    ['event array intersects pattern array', { resources: ['x', 'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'] }, ec2Event, true],
    ['event array without common element', { resources: ['x'] }, ec2Event, false],
    ['number equals number', { detail: { n: [5] } }, { detail: { n: 5.0 } }, true],
    ['number in exponent form', { detail: { n: [301.8] } }, { detail: { n: 3.018e2 } }, true],
    ['number does not equal its string', { detail: { n: [5] } }, { detail: { n: '5' } }, false],
    ['string does not equal a number', { detail: { n: ['5'] } }, { detail: { n: 5 } }, false],
    ['large integer (account id)', { account: [123456789012] }, { account: 123456789012 }, true],
    ['boolean true', { detail: { b: [true] } }, { detail: { b: true } }, true],
    ['boolean false vs true', { detail: { b: [false] } }, { detail: { b: true } }, false],
    ['boolean does not equal string', { detail: { b: [true] } }, { detail: { b: 'true' } }, false],
    ['null matches null', { detail: { responseElements: [null] } }, { detail: { responseElements: null } }, true],
    ['null does not match a missing field', { detail: { responseElements: [null] } }, { detail: {} }, false],
    ['null does not match an empty array', { resources: [null] }, { resources: [] }, false],
    ['empty string matches empty string', { detail: { eventVersion: [''] } }, { detail: { eventVersion: '' } }, true],
    ['empty string does not match null', { detail: { eventVersion: [''] } }, { detail: { eventVersion: null } }, false],
    ['objects in arrays are crushed', { employees: { firstName: ['Anna'] } }, { employees: [{ firstName: 'John' }, { firstName: 'Anna' }] }, true],
    ['multi-level arrays', { employees: { firstName: ['Peter'] } }, { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] }, true],
    ['pattern leaf that is an object in the event', { detail: { state: ['x'] } }, { detail: { state: { x: 1 } } }, false],
    ['event that is not an object', { source: ['aws.ec2'] }, 'aws.ec2', false],
    ['event that is an array', { source: ['aws.ec2'] }, [ec2Event], false],
  ]);
});

describe('eventbridge: array consistency', () => {
  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };
  runCases([
    ['both fields from one element', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, employees, true],
    ['fields from different elements of one array', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, employees, false],
    ['consistency found after backtracking', { employees: { firstName: ['John', 'Peter'], lastName: ['Jones'] } }, employees, true],
    ['field outside the array with one inside', { team: ['blue'], employees: { lastName: ['Jones'] } }, { team: 'blue', ...employees }, true],
    [
      'nested arrays must agree on the outer element',
      { a: { b: { c: [1] }, d: [2] } },
      { a: [{ b: [{ c: 1 }], d: 3 }, { b: [{ c: 0 }], d: 2 }] },
      false,
    ],
    ['primitive arrays do not constrain each other', { tags: ['x'], ids: [2] }, { tags: ['y', 'x'], ids: [1, 2] }, true],
  ]);
});

describe('eventbridge: field names with dots', () => {
  runCases([
    ['dotted pattern key, nested event', { detail: { 'state.status': ['running'] } }, { detail: { state: { status: 'running' } } }, true],
    ['nested pattern, dotted event key', { detail: { state: { status: ['running'] } } }, { detail: { 'state.status': 'running' } }, true],
    ['dotted at several levels', { 'object.nested.test': ['v'] }, { object: { 'nested.test': 'v' } }, true],
    ['different path', { detail: { 'state.status': { status: ['running'] } } }, { detail: { state: { status: 'running' } } }, false],
    ['prototype member names are ordinary keys', { constructor: ['x'] }, {}, false],
    ['own key named like a prototype member', { constructor: ['x'] }, { constructor: 'x' }, true],
  ]);
});

describe('eventbridge: prefix and suffix', () => {
  runCases([
    ['prefix', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' }, true],
    ['prefix miss', { time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' }, false],
    ['prefix only on strings', { n: [{ prefix: '12' }] }, { n: 123 }, false],
    ['empty prefix matches any string', { s: [{ prefix: '' }] }, { s: 'anything' }, true],
    ['prefix equals-ignore-case', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'eventbridge' } }, true],
    ['prefix equals-ignore-case miss', { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, { detail: { service: 'sns' } }, false],
    ['suffix', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' }, true],
    ['suffix is case-sensitive', { FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' }, false],
    ['suffix equals-ignore-case', { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { FileName: 'image.PNG' } }, true],
  ]);
});

describe('eventbridge: equals-ignore-case and wildcard', () => {
  runCases([
    ['equals-ignore-case', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'ALICE' }, true],
    ['equals-ignore-case needs equal length', { Name: [{ 'equals-ignore-case': 'alice' }] }, { Name: 'alice2' }, false],
    ['wildcard in the middle', { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/myEventBus' }, true],
    ['wildcard file in folder', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/a.png' }, true],
    ['wildcard star matches an empty run', { FileName: [{ wildcard: 'dir/*.png' }] }, { FileName: 'dir/.png' }, true],
    ['wildcard miss', { FileName: [{ wildcard: '/Users/*/doc.txt' }] }, { FileName: '/Users/u/dir/notmatchingdoc.txt' }, false],
    ['wildcard repeating segments', { FileName: [{ wildcard: '/Users/*/dir/dir/dir/dir/dir/doc.txt' }] }, { FileName: '/Users/ls_user/dir/dir/dir/dir/dir/doc.txt' }, true],
    ['escaped star is literal', { s: [{ wildcard: 'a\\*b' }] }, { s: 'a*b' }, true],
    ['escaped star does not wildcard', { s: [{ wildcard: 'a\\*b' }] }, { s: 'axb' }, false],
    ['escaped backslash', { s: [{ wildcard: 'a\\\\*' }] }, { s: 'a\\bc' }, true],
    ['wildcard only on strings', { s: [{ wildcard: '1*' }] }, { s: 123 }, false],
  ]);
});

describe('eventbridge: anything-but', () => {
  runCases([
    ['single string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'running' } }, true],
    ['single string excluded', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'initializing' } }, false],
    ['null is not excluded', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: null } }, true],
    ['missing field does not match', { detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} }, false],
    ['single number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 124 } }, true],
    ['single number excluded', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, { detail: { 'x-limit': 123.0 } }, false],
    ['zero', { detail: { 'x-limit': [{ 'anything-but': 0 }] } }, { detail: { 'x-limit': 789 } }, true],
    ['string list', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, { detail: { state: 'overloaded' } }, false],
    ['number list', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, { detail: { 'x-limit': 250 } }, true],
    ['number list on a string value', { detail: { 'x-limit': [{ 'anything-but': [100] }] } }, { detail: { 'x-limit': '100' } }, true],
    ['array with one value not excluded', { s: [{ 'anything-but': ['a'] }] }, { s: ['a', 'b'] }, true],
    ['array of only excluded values', { s: [{ 'anything-but': ['a'] }] }, { s: ['a', 'a'] }, false],
    ['prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'initializing' } }, false],
    ['prefix on a number', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 12 } }, true],
    ['prefix list', { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { Region: 'ap-south-1' }, true],
    ['prefix list excluded', { Region: [{ 'anything-but': { prefix: ['us-', 'eu-'] } }] }, { Region: 'eu-west-1' }, false],
    ['suffix', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.jpg' }, true],
    ['suffix excluded', { FileName: [{ 'anything-but': { suffix: '.png' } }] }, { FileName: 'a.png' }, false],
    ['equals-ignore-case', { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, { state: 'INITIALIZING' }, false],
    ['equals-ignore-case list', { state: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'overloaded'] } }] }, { state: 'Running' }, true],
    ['wildcard', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/lib/x' }, false],
    ['wildcard not matching', { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { FilePath: '/usr/bin/x' }, true],
    ['wildcard on a number', { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] }, { FilePath: 123 }, true],
  ]);
});

describe('eventbridge: numeric', () => {
  const pattern = { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } };
  runCases([
    ['documented example', pattern, { detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 } }, true],
    ['open lower bound excludes the bound', pattern, { detail: { 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 } }, false],
    ['upper bound excluded by <', pattern, { detail: { 'c-count': 1, 'd-count': 10, 'x-limit': 301.8 } }, false],
    ['>= includes the bound', { n: [{ numeric: ['>=', 200, '<=', 500] }] }, { n: 200 }, true],
    ['float above an integer bound', { n: [{ numeric: ['>', 100] }] }, { n: 101.0 }, true],
    ['negative numbers', { n: [{ numeric: ['<', 0] }] }, { n: -3.5 }, true],
    ['numeric does not match strings', { n: [{ numeric: ['>', 0] }] }, { n: '5' }, false],
    ['numeric does not match null', { n: [{ numeric: ['>', 0] }] }, { n: null }, false],
    ['values beyond 5e9 take no part in numeric matching', { n: [{ numeric: ['>', 0] }] }, { n: 6e9 }, false],
    ['5e9 itself is in range', { n: [{ numeric: ['>', 0] }] }, { n: 5e9 }, true],
    ['comparison to six decimal places', { n: [{ numeric: ['=', 1.0000001] }] }, { n: 1.0000004 }, true],
    ['a difference in the sixth decimal place', { n: [{ numeric: ['=', 1.000001] }] }, { n: 1.000002 }, false],
    ['any array element in range', { n: [{ numeric: ['>', 10] }] }, { n: [1, 20] }, true],
  ]);
});

describe('eventbridge: exists', () => {
  runCases([
    ['exists true', { detail: { key: [{ exists: true }] } }, { detail: { key: 'value' } }, true],
    ['exists true on null', { detail: { key: [{ exists: true }] } }, { detail: { key: null } }, true],
    ['exists true, field absent', { detail: { key: [{ exists: true }] } }, { detail: { other: 1 } }, false],
    ['exists true on an empty array', { resources: [{ exists: true }] }, { resources: [] }, false],
    ['exists true on an intermediate node', { detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } }, false],
    ['exists false', { detail: { 'c-count': [{ exists: false }] } }, { detail: { state: 'x' } }, true],
    ['exists false on an intermediate node (only leaves exist)', { detail: { 'c-count': [{ exists: false }] } }, { detail: { 'c-count': { c1: 100 } } }, true],
    ['exists false, field present', { detail: { key: [{ exists: false }] } }, { detail: { key: 'value' } }, false],
    ['exists true inside an array of objects', { detail: { automations: { id: [{ exists: true }] } } }, { detail: { automations: [{ key1: 'v' }, { id: 'x' }] } }, true],
    [
      'exists false OR anything-but',
      { dynamodb: { NewImage: { homemade: { S: [{ 'anything-but': ['roses'] }, { exists: false }] } } } },
      { dynamodb: { NewImage: { purchased: { N: '789' } } } },
      true,
    ],
  ]);
});

describe('eventbridge: IP addresses', () => {
  runCases([
    ['IPv4 CIDR', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.0.255' } }, true],
    ['IPv4 CIDR outside', { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, { detail: { sourceIPAddress: '10.0.1.0' } }, false],
    ['IPv6 CIDR', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, { detail: { sourceIPAddress: '2001:db8:1234:1a00::1' } }, true],
    ['IPv6 CIDR outside', { detail: { sourceIPAddress: [{ cidr: '2001:db8::/32' }] } }, { detail: { sourceIPAddress: '2001:db9::1' } }, false],
    ['CIDR on a non-address string', { ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 'hello' }, false],
    ['CIDR on a number', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: 123 }, false],
    ['IPv4 CIDR does not match IPv6 addresses', { ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' }, false],
    ['exact IP value matches another spelling', { ip: ['2001:db8::1'] }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }, true],
  ]);
});

describe('eventbridge: $or', () => {
  const standard = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
  const parallel = {
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
  };
  const nested = {
    source: ['aws.cloudwatch'],
    $or: [
      { metricName: ['CPUUtilization', 'ReadLatency'] },
      { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
      { scope: ['Service'] },
    ],
  };
  runCases([
    ['standard, first branch', standard, { source: 'aws.cloudwatch', metricName: 'ReadLatency' }, true],
    ['standard, second branch', standard, { source: 'aws.cloudwatch', namespace: 'AWS/ES' }, true],
    ['standard, no branch', standard, { source: 'aws.cloudwatch', namespace: 'AWS/S3' }, false],
    ['standard, common field fails', standard, { source: 'aws.ec2', metricName: 'ReadLatency' }, false],
    ['parallel', parallel, { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }, true],
    ['parallel, second $or unmet', parallel, { namespace: 'AWS/EC2', detail: { source: 'other' } }, false],
    ['nested or inside and', nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }, true],
    ['nested or inside and, unmet', nested, { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1 }, false],
    ['$or with exists and anything-but', { $or: [{ a: [{ exists: false }] }, { a: [{ 'anything-but': 'x' }] }] }, { a: 'y' }, true],
    ['$or as an ordinary field when not followed by an array', { source: ['s'], $or: { metricType: ['MetricType'] } }, { source: 's', $or: { metricType: 'MetricType' } }, true],
  ]);
});

describe('eventbridge: compile input forms', () => {
  it('accepts a pattern object or its JSON text alike', () => {
    const pattern = { detail: { state: ['running'] } };
    assert.equal(compilePattern(pattern, 'eventbridge').match({ detail: { state: 'running' } }), true);
    assert.equal(compilePattern(JSON.stringify(pattern), 'eventbridge').match({ detail: { state: 'running' } }), true);
  });

  it('lets the last of a duplicated key win', () => {
    const compiled = compilePattern('{"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}}', 'eventbridge');
    assert.equal(compiled.match({ detail: { location: 'eu-central-1' } }), true);
    assert.equal(compiled.match({ detail: { location: 'us-east' } }), false);
  });

  it('ignores content after the pattern object, as AWS does', () => {
    assert.equal(compilePattern('{"a": ["b"]} trailing', 'eventbridge').match({ a: 'b' }), true);
  });

  it('reports the error on the right line of a multi-line pattern', () => {
    const src = '{\n  "detail": {\n    "slug": "some-pipeline"\n  }\n}';
    const e = errorOf(src);
    assert.equal(e.message, `Event pattern is not valid. Reason: "slug" must be an object or an array${loc(src, 14, 3)}`);
  });
});

describe('eventbridge: invalid patterns', () => {
  // Messages as AWS returns them (recorded from PutRule/TestEventPattern responses).
  const cases: [string, string][] = [
    ['{"int": 42}', `"int" must be an object or an array${loc('{"int": 42}', 11)}`],
    ['{"string": "my-value"}', `"string" must be an object or an array${loc('{"string": "my-value"}', 13)}`],
    ['{"resources": []}', `Empty arrays are not allowed${loc('{"resources": []}', 17)}`],
    ['{"source": ["aws.health"], "detail": {}}', `Empty objects are not allowed${loc('{"source": ["aws.health"], "detail": {}}', 40)}`],
    ['["not", "a", "dict", "but valid json"]', `Filter is not an object${loc('["not", "a", "dict", "but valid json"]', 2)}`],
    ['{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}', `Unrecognized match type NUMERIC${loc('{"detail": {"equal": [{"NUMERIC": ["=", 5]}]}}', 36)}`],
    ['{"my_key": [{"EXISTS": true}]}', `Unrecognized match type EXISTS${loc('{"my_key": [{"EXISTS": true}]}', 28)}`],
    ['{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}', `Bad numeric range operator: >${loc('{"detail": {"c-count": [{"numeric": [">", 0, ">", 0]}]}}', 49)}`],
    ['{"detail": {"c-count": [{"numeric": [">", 0, "<"]}]}}', `Value of < must be numeric${loc('{"detail": {"c-count": [{"numeric": [">", 0, "<"]}]}}', 50)}`],
    ['{"detail": {"c-count": [{"numeric": 10}]}}', `Value of numeric must be an array.${loc('{"detail": {"c-count": [{"numeric": 10}]}}', 39)}`],
    ['{"n": [{"numeric": [">", 6e9]}]}', `Value must be between -5.0E9 and 5.0E9, inclusive${loc('{"n": [{"numeric": [">", 6e9]}]}', 30)}`],
    ['{"time": [{"prefix": ["2022-07-13"]}]}', `prefix match pattern must be a string${loc('{"time": [{"prefix": ["2022-07-13"]}]}', 23)}`],
    ['{"time": [{"prefix": 123}]}', `prefix match pattern must be a string${loc('{"time": [{"prefix": 123}]}', 25)}`],
    ['{"FileName": [{"suffix": [".png"]}]}', `suffix match pattern must be a string${loc('{"FileName": [{"suffix": [".png"]}]}', 27)}`],
    ['{"s": [{"prefix": {"exists": true}}]}', `Unsupported prefix pattern: exists${loc('{"s": [{"prefix": {"exists": true}}]}', 34)}`],
    [
      '{"detail-type": [{"equals-ignore-case": ["ec2 instance state-change notification"]}]}',
      `equals-ignore-case match pattern must be a string${loc('{"detail-type": [{"equals-ignore-case": ["ec2 instance state-change notification"]}]}', 42)}`,
    ],
    ['{"EventBusArn": [{"wildcard": 123}]}', `wildcard match pattern must be a string${loc('{"EventBusArn": [{"wildcard": 123}]}', 34)}`],
    [
      '{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}',
      `Consecutive wildcard characters at pos 26${loc('{"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:**:event-bus/*"}]}', 72)}`,
    ],
    ['{"s": [{"wildcard": "a\\\\b"}]}', `Invalid escape character at pos 2${loc('{"s": [{"wildcard": "a\\\\b"}]}', 27)}`],
    ['{"s": [{"anything-but": {"exists": false}}]}', `Unsupported anything-but pattern: exists${loc('{"s": [{"anything-but": {"exists": false}}]}', 41)}`],
    [
      '{"detail": {"state": [{"anything-but": {"equals-ignore-case": 123}}]}}',
      `Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.${loc('{"detail": {"state": [{"anything-but": {"equals-ignore-case": 123}}]}}', 66)}`,
    ],
    [
      // AWS reports errors inside anything-but lists with the location twice.
      '{"detail": {"state": [{"anything-but": {"equals-ignore-case": [123, 456]}}]}}',
      `Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.${loc('{"detail": {"state": [{"anything-but": {"equals-ignore-case": [123, 456]}}]}}', 67).repeat(2)}`,
    ],
    [
      '{"detail": {"state": [{"anything-but": {"prefix": [123, "test"]}}]}}',
      `prefix/suffix match pattern must be a string${loc('{"detail": {"state": [{"anything-but": {"prefix": [123, "test"]}}]}}', 55).repeat(2)}`,
    ],
    ['{"detail": {"state": [{"anything-but": {"prefix": 123}}]}}', `prefix/suffix match pattern must be a string${loc('{"detail": {"state": [{"anything-but": {"prefix": 123}}]}}', 54)}`],
    ['{"s": [{"anything-but": {"prefix": ""}}]}', `Null prefix/suffix not allowed${loc('{"s": [{"anything-but": {"prefix": ""}}]}', 38)}`],
    [
      '{"detail": {"state": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]}}',
      `wildcard match pattern must be a string${loc('{"detail": {"state": [{"anything-but": {"wildcard": [123, "*/dir/*"]}}]}}', 57).repeat(2)}`,
    ],
    [
      '{"detail": {"FileName": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}}',
      `Value of anything-but must be an array or single string/number value.${loc('{"detail": {"FileName": [{"anything-but": {"prefix": {"equals-ignore-case": "file"}}}]}}', 55)}`,
    ],
    ['{"s": [{"anything-but": ["a", 1]}]}', `Inside anything but list, either all values are number or string, mixed type is not supported${loc('{"s": [{"anything-but": ["a", 1]}]}', 33)}`],
    ['{"s": [{"anything-but": [null]}]}', `Inside anything but list, start|null|boolean is not supported.${loc('{"s": [{"anything-but": [null]}]}', 30).repeat(2)}`],
    ['{"s": [{"anything-but": null}]}', `Value of anything-but must be an array or single string/number value.${loc('{"s": [{"anything-but": null}]}', 29)}`],
    ['{"s": [{"exists": "yes"}]}', `exists match pattern must be either true or false.${loc('{"s": [{"exists": "yes"}]}', 20)}`],
    ['{"s": [{}]}', `Match expression name not found${loc('{"s": [{}]}', 10)}`],
    ['{"s": [{"prefix": "a", "suffix": "b"}]}', `Only one key allowed in match expression${loc('{"s": [{"prefix": "a", "suffix": "b"}]}', 35)}`],
    ['{"s": [["a"]]}', `Match value must be String, number, true, false, or null${loc('{"s": [["a"]]}', 9)}`],
    ['{"$or": [{"a": ["b"]}, {"prefix": ["c"]}]}', `Unrecognized match type a${loc('{"$or": [{"a": ["b"]}, {"prefix": ["c"]}]}', 17)}`],
    ['{"detail": {"sourceIPAddress": [{"cidr": ["bad-type"]}]}}', `prefix match pattern must be a string${loc('{"detail": {"sourceIPAddress": [{"cidr": ["bad-type"]}]}}', 43)}`],
    // CIDR problems are reported without a location.
    ['{"ip": [{"cidr": "bad"}]}', "Malformed CIDR, one '/' required"],
    ['{"ip": [{"cidr": "10.0.0.0/xx"}]}', 'Malformed CIDR, mask bits must be an integer'],
    ['{"ip": [{"cidr": "10.0.0.0/-1"}]}', 'Malformed CIDR, mask bits must not be negative'],
    ['{"ip": [{"cidr": "10.0.0.0/32"}]}', 'IPv4 mask bits must be < 32'],
    ['{"ip": [{"cidr": "xx.11.xx/24"}]}', 'Nonstandard IP address: xx.11.xx'],
    ['{"ip": [{"cidr": "xxxx:db8:1234:1a00::/64"}]}', 'Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['{"n": [{"anything-but": 6e9}]}', 'Value must be between -5.0E9 and 5.0E9, inclusive'],
    ['{"EventBusArn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}', 'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character'],
    // Malformed JSON is reported with the JSON parser's own wording.
    ['this is valid json but not a dict', `Unrecognized token 'this': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${loc('this is valid json but not a dict', 5)}`],
    ["{'bad': 'quotation'}", `Unexpected character (''' (code 39)): was expecting double-quote to start field name${loc("{'bad': 'quotation'}", 2)}`],
    ['{"not": closed mark"', `Unrecognized token 'closed': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')${loc('{"not": closed mark"', 15)}`],
    ['{"a": ["b"] "c": ["d"]}', `Unexpected character ('"' (code 34)): was expecting comma to separate Object entries${loc('{"a": ["b"] "c": ["d"]}', 13)}`],
  ];
  for (const [pattern, detail] of cases) {
    it(pattern, () => {
      const e = errorOf(pattern);
      assert.equal(e.code, 'InvalidEventPatternException');
      assert.equal(e.message, `Event pattern is not valid. Reason: ${detail}`);
      assert.equal(e.detail, detail);
      assert.equal(e.reason, detail.split('\n')[0]);
    });
  }

  it('accepts wildcards of moderate complexity', () => {
    const arns = ['a', 'b', 'c'].map((name) => ({ wildcard: `*:stack/${name}/*` }));
    assert.equal(compilePattern({ detail: { 'stack-id': arns } }, 'eventbridge').match({ detail: { 'stack-id': 'arn:aws:cloudformation:us-east-1:1:stack/b/123' } }), true);
  });

  it('truncates long patterns in the location like AWS', () => {
    const long = `{"a": "${'x'.repeat(600)}"}`;
    const e = errorOf(long);
    assert.equal(e.detail, `"a" must be an object or an array\n at [Source: (String)"${long.slice(0, 500)}"[truncated ${long.length - 500} chars]; line: 1, column: 8]`);
  });
});
