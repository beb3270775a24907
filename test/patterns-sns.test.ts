import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePattern, PatternError, snsAttributesToMatchInput, type SnsMessageAttribute } from '../src/core/patterns/index.js';

type Attrs = Record<string, SnsMessageAttribute>;

const str = (StringValue: string): SnsMessageAttribute => ({ DataType: 'String', StringValue });
const num = (StringValue: string): SnsMessageAttribute => ({ DataType: 'Number', StringValue });
const arr = (StringValue: string): SnsMessageAttribute => ({ DataType: 'String.Array', StringValue });

function attributesMatch(policy: object, attrs: Attrs): boolean {
  return compilePattern(policy, 'sns', { snsScope: 'MessageAttributes' }).match(snsAttributesToMatchInput(attrs));
}

function bodyMatches(policy: object, body: unknown): boolean {
  return compilePattern(policy, 'sns', { snsScope: 'MessageBody' }).match(body);
}

function errorOf(policy: string, scope: 'MessageAttributes' | 'MessageBody' = 'MessageAttributes'): PatternError {
  try {
    compilePattern(policy, 'sns', { snsScope: scope });
  } catch (e) {
    assert.ok(e instanceof PatternError, `expected PatternError, got ${String(e)}`);
    return e;
  }
  assert.fail(`policy was accepted: ${policy}`);
}

const loc = (src: string, column: number) => `\n at [Source: (String)"${src}"; line: 1, column: ${column}]`;

describe('sns: snsAttributesToMatchInput', () => {
  it('parses String.Array, converts Number and drops Binary', () => {
    const input = snsAttributesToMatchInput({
      s: str('rugby'),
      a: arr('["rugby", 1, true, null]'),
      n: num('3.015e2'),
      b: { DataType: 'Binary', BinaryValue: new Uint8Array([1]) },
      c: { DataType: 'String.custom', StringValue: 'x' },
      d: { DataType: 'Number.float', StringValue: '1.5' },
    });
    assert.deepEqual({ ...input }, { s: 'rugby', a: ['rugby', 1, true, null], n: 301.5, c: 'x', d: 1.5 });
  });

  it('keeps an attribute called __proto__ as an ordinary name', () => {
    const attrs = JSON.parse('{"__proto__": {"DataType": "String", "StringValue": "x"}}') as Attrs;
    const input = snsAttributesToMatchInput(attrs);
    assert.equal(Object.getPrototypeOf(input), null);
    assert.equal(compilePattern('{"__proto__": ["x"]}', 'sns').match(input), true);
  });
});

describe('sns: attribute-scope matching (documented examples)', () => {
  const cases: [string, object, Attrs, boolean][] = [
    ['exact string', { customer_interests: ['rugby', 'tennis'] }, { customer_interests: str('rugby') }, true],
    ['exact string miss', { customer_interests: ['rugby', 'tennis'] }, { customer_interests: str('baseball') }, false],
    ['String.Array element', { customer_interests: ['rugby', 'tennis'] }, { customer_interests: arr('["rugby", "tennis"]') }, true],
    ['String.Array without a listed element', { customer_interests: ['rugby', 'tennis'] }, { customer_interests: arr('["baseball"]') }, false],
    ['missing attribute', { customer_interests: ['rugby'] }, { other: str('rugby') }, false],
    ['AND across attributes', { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] }, { customer_interests: str('rugby'), price_usd: num('150') }, true],
    ['AND across attributes, one fails', { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] }, { customer_interests: str('rugby'), price_usd: num('50') }, false],
    ['anything-but', { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] }, { customer_interests: str('baseball') }, true],
    ['anything-but excluded', { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] }, { customer_interests: str('rugby') }, false],
    ['anything-but on String.Array with another element', { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] }, { customer_interests: arr('["rugby", "baseball"]') }, true],
    ['anything-but needs the attribute', { customer_interests: [{ 'anything-but': ['rugby'] }] }, {}, false],
    ['anything-but or exists false', { customer_interests: [{ 'anything-but': ['rugby'] }, { exists: false }] }, {}, true],
    ['anything-but prefix', { event: [{ 'anything-but': { prefix: 'order-' } }] }, { event: str('data-entry') }, true],
    ['anything-but prefix excluded', { event: [{ 'anything-but': { prefix: 'order-' } }] }, { event: str('order-cancelled') }, false],
    ['prefix', { customer_interests: [{ prefix: 'bas' }] }, { customer_interests: str('basketball') }, true],
    ['prefix miss', { customer_interests: [{ prefix: 'bas' }] }, { customer_interests: str('rugby') }, false],
    ['suffix', { customer_interests: [{ suffix: 'ball' }] }, { customer_interests: str('baseball') }, true],
    ['equals-ignore-case', { customer_interests: [{ 'equals-ignore-case': 'tennis' }] }, { customer_interests: str('TENNIS') }, true],
    ['numeric equals, exponent spelling', { price_usd: [{ numeric: ['=', 301.5] }] }, { price_usd: num('3.015e2') }, true],
    ['numeric range', { price_usd: [{ numeric: ['>', 0, '<=', 150] }] }, { price_usd: num('150') }, true],
    ['numeric range outside', { price_usd: [{ numeric: ['>', 0, '<=', 150] }] }, { price_usd: num('150.5') }, false],
    ['numeric on a String attribute', { price_usd: [{ numeric: ['>', 0] }] }, { price_usd: str('10') }, false],
    ['number attribute against an exact number', { price: [100] }, { price: num('100.0') }, true],
    ['number anything-but', { price: [{ 'anything-but': [100, 500] }] }, { price: num('100.1') }, true],
    ['number anything-but excluded', { price: [{ 'anything-but': [100, 500] }] }, { price: num('100') }, false],
    ['exists true', { store: [{ exists: true }] }, { store: num('99'), def: num('99') }, true],
    ['exists true, absent', { store: [{ exists: true }] }, { attr1: num('111') }, false],
    ['exists false', { store: [{ exists: false }] }, { def: num('99') }, true],
    ['exists false, present', { store: [{ exists: false }] }, { store: str('x') }, false],
    ['binary attributes are ignored', { file: [{ exists: true }] }, { file: { DataType: 'Binary', BinaryValue: 'AA==' } }, false],
    ['IP address', { source_ip: [{ cidr: '10.0.0.0/24' }] }, { source_ip: str('10.0.0.255') }, true],
    ['IP address outside', { source_ip: [{ cidr: '10.0.0.0/24' }] }, { source_ip: str('10.1.1.0') }, false],
    ['null policy value with no attributes', { attr1: [null, { 'anything-but': 'whatever' }] }, {}, false],
    ['attribute names may contain dots', { 'a.b': ['x'] }, { 'a.b': str('x') }, true],
  ];
  for (const [name, policy, attrs, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${name}`, () => {
      assert.equal(attributesMatch(policy, attrs), expected);
    });
  }
});

describe('sns: $or', () => {
  const standard = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] };
  it('matches either branch with the common key', () => {
    assert.equal(attributesMatch(standard, { source: str('aws.cloudwatch'), metricName: str('CPUUtilization') }), true);
    assert.equal(attributesMatch(standard, { source: str('aws.cloudwatch'), namespace: str('AWS/EC2') }), true);
    assert.equal(attributesMatch(standard, { source: str('aws.cloudwatch') }), false);
    assert.equal(attributesMatch(standard, { source: str('other'), namespace: str('AWS/EC2') }), false);
  });

  const body = {
    $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    detail: { scope: ['Service'], $or: [{ source: ['aws.cloudwatch'] }, { type: ['CloudWatch Alarm State Change'] }] },
  };
  const cases: [unknown, boolean][] = [
    [{ metricName: 'CPUUtilization', detail: { scope: 'aws.cloudwatch', type: 'CloudWatch Alarm State Change' } }, false],
    [{ metricName: 'CPUUtilization', detail: { scope: 'Service', type: 'CPUUtilization' } }, false],
    [{ metricName: 'CPUUtilization', detail: { type: 'CloudWatch Alarm State Change' } }, false],
    [{ metricName: 'CPUUtilization', detail: { scope: 'Service' } }, false],
    [{ metricName: 'CPUUtilization', scope: 'Service' }, false],
    [{ metricName: 'CPUUtilization', detail: { scope: 'Service', source: 'aws.cloudwatch' } }, true],
    [{ namespace: 'AWS/ES', detail: { scope: 'Service', source: 'aws.cloudwatch' } }, true],
    [{ metricName: 'AWS/EC2', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } }, false],
    [{ namespace: 'CPUUtilization', detail: { scope: 'Service', type: 'CloudWatch Alarm State Change' } }, false],
  ];
  for (const [message, expected] of cases) {
    it(`body ${JSON.stringify(message)} ${expected ? 'matches' : 'does not match'}`, () => {
      assert.equal(bodyMatches(body, message), expected);
    });
  }
});

describe('sns: message-body scope', () => {
  const s3Policy = { Records: { s3: { object: { key: [{ prefix: 'auto-' }] } }, eventName: [{ prefix: 'ObjectCreated:' }] } };
  const record = (eventName: string, key: string) => ({ eventSource: 'aws:s3', eventName, s3: { object: { key, size: 17 } } });
  const cases: [string, object, unknown, boolean][] = [
    ['nested property', { object: { key: [{ prefix: 'auto-' }] } }, { object: { key: 'auto-test' } }, true],
    ['nested property miss', { object: { key: [{ prefix: 'auto-' }] } }, { object: { key: 'test-auto' } }, false],
    ['dotted key in the message', { object: { nested: ['string.value'] } }, { 'object.nested': 'string.value' }, true],
    ['dotted key in the policy', { 'object.nested.test': ['string.value'] }, { object: { 'nested.test': 'string.value' } }, true],
    ['array property', { headers: { 'route-to': ['queue1'] } }, { headers: { 'route-to': ['queue1', 'queue2'] } }, true],
    ['array property miss', { headers: { 'route-to': ['queue1'] } }, { headers: { 'route-to': ['queue3'] } }, false],
    ['array of records', s3Policy, { Records: [record('ObjectCreated:Put', 'auto-insurance-2314.xml')] }, true],
    ['array of records, wrong event', s3Policy, { Records: [record('ObjectRemoved:Delete', 'auto-insurance-2314.xml')] }, false],
    ['array of records, wrong key', s3Policy, { Records: [record('ObjectCreated:Put', 'home-insurance-2314.xml')] }, false],
    [
      'conditions met by different records do not combine',
      s3Policy,
      { Records: [record('ObjectCreated:Put', 'home-insurance.xml'), record('ObjectRemoved:Delete', 'auto-insurance.xml')] },
      false,
    ],
    [
      'list of lists of objects',
      s3Policy,
      { Records: [{ eventName: 'ObjectCreated:Put', s3: { object: [[{ key: 'auto-insurance-2314.xml' }]] } }, record('ObjectRemoved:Delete', 'home.xml')] },
      true,
    ],
    ['body that is not an object', { a: ['b'] }, 'plain text', false],
  ];
  for (const [name, policy, message, expected] of cases) {
    it(`${expected ? 'matches' : 'does not match'}: ${name}`, () => {
      assert.equal(bodyMatches(policy, message), expected);
    });
  }
});

describe('sns: invalid filter policies', () => {
  // Messages as SNS returns them from SetSubscriptionAttributes (recorded AWS responses).
  const cases: [string, string][] = [
    ['{"key":[["value"]]}', `Match value must be String, number, true, false, or null${loc('{"key":[["value"]]}', 10)}`],
    ['{"key":[{"wrong-operator":true}]}', `Unrecognized match type wrong-operator${loc('{"key":[{"wrong-operator":true}]}', 31)}`],
    ['{"key":[{"suffix":"value","prefix":"value2"}]}', `Only one key allowed in match expression${loc('{"key":[{"suffix":"value","prefix":"value2"}]}', 37)}`],
    ['{"key":[{"suffix":100}]}', `suffix match pattern must be a string${loc('{"key":[{"suffix":100}]}', 22)}`],
    ['{"key":[{"suffix":null}]}', `suffix match pattern must be a string${loc('{"key":[{"suffix":null}]}', 23)}`],
    ['{"key":[{"suffix":[]}]}', `suffix match pattern must be a string${loc('{"key":[{"suffix":[]}]}', 20)}`],
    ['{"key":{"suffix":"value"}}', `"suffix" must be an object or an array${loc('{"key":{"suffix":"value"}}', 19)}`],
    ['{"key":{"not-an-operator":"value"}}', `"not-an-operator" must be an object or an array${loc('{"key":{"not-an-operator":"value"}}', 28)}`],
    ['{"key_a":"value_one"}', `"key_a" must be an object or an array${loc('{"key_a":"value_one"}', 11)}`],
    ['{"key":[{"numeric":[]}]}', `Invalid member in numeric match: ]${loc('{"key":[{"numeric":[]}]}', 22)}`],
    ['{"key":[{"numeric":["operator"]}]}', `Unrecognized numeric range operator: operator${loc('{"key":[{"numeric":["operator"]}]}', 32)}`],
    ['{"key":[{"numeric":[1,"<="]}]}', `Invalid member in numeric match: 1${loc('{"key":[{"numeric":[1,"<="]}]}', 22)}`],
    ['{"key":[{"numeric":["=","000"]}]}', `Value of equals must be numeric${loc('{"key":[{"numeric":["=","000"]}]}', 26)}`],
    ['{"key":[{"numeric":[">="]}]}', `Value of >= must be numeric${loc('{"key":[{"numeric":[">="]}]}', 26)}`],
    ['{"key":[{"numeric":["<",100,">",10]}]}', `Too many elements in numeric expression${loc('{"key":[{"numeric":["<",100,">",10]}]}', 30)}`],
    ['{"key":[{"numeric":[">=",1,">",2]}]}', `Bad numeric range operator: >${loc('{"key":[{"numeric":[">=",1,">",2]}]}', 31)}`],
    ['{"key":[{"numeric":[">",3,"<",1]}]}', `Bottom must be less than top${loc('{"key":[{"numeric":[">",3,"<",1]}]}', 33)}`],
    ['{"key":[{"numeric":[">",20,"<="]}]}', `Value of <= must be numeric${loc('{"key":[{"numeric":[">",20,"<="]}]}', 33)}`],
    ['{"key":[{"numeric":[">",20,30]}]}', `Bad value in numeric range: 30${loc('{"key":[{"numeric":[">",20,30]}]}', 30)}`],
    ['{"key":[{"numeric":[">",20,"test"]}]}', `Bad numeric range operator: test${loc('{"key":[{"numeric":[">",20,"test"]}]}', 34)}`],
    ['{"key":[{"numeric":[">","20","<","30"]}]}', `Value of > must be numeric${loc('{"key":[{"numeric":[">","20","<","30"]}]}', 26)}`],
    ['{"key":[{"numeric":[">",20,"<","30"]}]}', `Value of < must be numeric${loc('{"key":[{"numeric":[">",20,"<","30"]}]}', 33)}`],
    ['{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', `Too many terms in numeric range expression${loc('{"key":[{"numeric":[">",20,"<",30,"<",50]}]}', 36)}`],
    ['{"key":[{"exists":null}]}', `exists match pattern must be either true or false.${loc('{"key":[{"exists":null}]}', 23)}`],
    ['{"key":[{"exists":"no"}]}', `exists match pattern must be either true or false.${loc('{"key":[{"exists":"no"}]}', 20)}`],
    ['{"key":[{"anything-but":{"wrong-operator":null}}]}', `Unsupported anything-but pattern: wrong-operator${loc('{"key":[{"anything-but":{"wrong-operator":null}}]}', 47)}`],
    ['{"key":[{"anything-but":{"suffix":"test"}}]}', `Unsupported anything-but pattern: suffix${loc('{"key":[{"anything-but":{"suffix":"test"}}]}', 36)}`],
    ['{"key":[{"anything-but":{"exists":false}}]}', `Unsupported anything-but pattern: exists${loc('{"key":[{"anything-but":{"exists":false}}]}', 40)}`],
    ['{"key":[{"anything-but":{"prefix":false}}]}', `prefix match pattern must be a string${loc('{"key":[{"anything-but":{"prefix":false}}]}', 40)}`],
    ['{"key":[{"wildcard":"a*"}]}', `Unrecognized match type wildcard${loc('{"key":[{"wildcard":"a*"}]}', 22)}`],
    ['{"key":[{"cidr":"10.0.0.0"}]}', "Malformed CIDR, one '/' required"],
  ];
  for (const [policy, reason] of cases) {
    it(policy, () => {
      const e = errorOf(policy);
      assert.equal(e.code, 'InvalidParameter');
      assert.equal(e.message, `Invalid parameter: FilterPolicy: ${reason}`);
      assert.equal(e.detail, `FilterPolicy: ${reason}`);
      assert.equal(e.reason, reason.split('\n')[0]);
    });
  }

  it('reports malformed JSON as a parse failure', () => {
    const e = errorOf('{invalidjson}');
    assert.equal(
      e.message,
      `Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected character ('i' (code 105)): was expecting double-quote to start field name${loc('{invalidjson}', 2)}`,
    );
  });

  it('refuses nested policies in MessageAttributes scope only', () => {
    const policy = '{"object": {"key": [{"prefix": "auto-"}]}}';
    const e = errorOf(policy);
    assert.equal(e.message, 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy');
    assert.equal(e.detail, 'Filter policy scope MessageAttributes does not support nested filter policy');
    assert.equal(bodyMatches(JSON.parse(policy), { object: { key: 'auto-1' } }), true);
  });

  it('limits a policy to five keys', () => {
    const policy = JSON.stringify({ key_a: ['1'], key_b: ['2'], key_c: ['3'], key_d: ['4'], key_e: ['5'], key_f: ['6'] });
    assert.equal(errorOf(policy, 'MessageBody').message, 'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys');
    assert.equal(errorOf(policy, 'MessageAttributes').message, 'Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys');
    const five = { key_a: ['1'], key_b: ['2'], key_c: ['3'], key_d: ['4'], key_e: ['5'] };
    assert.equal(attributesMatch(five, { key_a: str('1'), key_b: str('2'), key_c: str('3'), key_d: str('4'), key_e: str('5') }), true);
  });

  it('counts value combinations (nesting depth multiplies) against the limit of 150', () => {
    const nested = {
      key_a: { key_b: { key_c: ['value_one', 'value_two', 'value_three', 'value_four'] } },
      key_d: { key_e: ['value_one', 'value_two', 'value_three'] },
      key_f: ['value_one', 'value_two', 'value_three'],
    };
    assert.equal(errorOf(JSON.stringify(nested), 'MessageBody').message, 'Invalid parameter: FilterPolicy: Filter policy is too complex');
    const values = Array.from({ length: 151 }, (_, i) => String(i));
    assert.equal(errorOf(JSON.stringify({ store: values })).message, 'Invalid parameter: FilterPolicy: Filter policy is too complex');
    assert.equal(attributesMatch({ store: values.slice(0, 150) }, { store: str('149') }), true);
    const split = { $or: [{ a: values.slice(0, 80) }, { b: values.slice(0, 80) }] };
    assert.equal(errorOf(JSON.stringify(split)).message, 'Invalid parameter: FilterPolicy: Filter policy is too complex');
  });

  it('exposes the detail Subscribe prefixes with "Attributes Reason:"', () => {
    const e = errorOf('{"key":[{"exists":"no"}]}');
    assert.equal(
      `Invalid parameter: Attributes Reason: ${e.detail}`,
      `Invalid parameter: Attributes Reason: FilterPolicy: exists match pattern must be either true or false.${loc('{"key":[{"exists":"no"}]}', 20)}`,
    );
  });
});
