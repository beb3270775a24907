import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateChoiceRule, selectChoice } from '../src/services/stepfunctions/asl/choice.js';
import { isStatesError } from '../src/services/stepfunctions/asl/errors.js';
import { compareTimestamps, parseTimestamp, timestampToEpochMs } from '../src/services/stepfunctions/asl/timestamp.js';

const rule = (op: string, expected: unknown, variable = '$.v'): Record<string, unknown> => ({ Variable: variable, [op]: expected });
const check = (op: string, value: unknown, expected: unknown): boolean => evaluateChoiceRule(rule(op, expected), { v: value });

function throwsStates(fn: () => unknown, error: string, cause?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isStatesError(e), `expected a StatesError, got ${String(e)}`);
    assert.equal(e.error, error);
    if (typeof cause === 'string') assert.equal(e.cause, cause);
    else if (cause) assert.match(e.cause, cause);
    return true;
  });
}

describe('string comparisons', () => {
  it('StringEquals', () => {
    assert.equal(check('StringEquals', 'MyString', 'MyString'), true);
    assert.equal(check('StringEquals', 'MyString', 'mystring'), false);
  });
  it('StringLessThan / GreaterThan / LessThanEquals / GreaterThanEquals compare like Java compareTo', () => {
    assert.equal(check('StringLessThan', 'abc', 'abd'), true);
    assert.equal(check('StringLessThan', 'abc', 'abc'), false);
    assert.equal(check('StringGreaterThan', 'MyStringABD', 'MyStringABC'), true);
    assert.equal(check('StringGreaterThan', 'B', 'a'), false); // 'B' (66) < 'a' (97)
    assert.equal(check('StringLessThanEquals', 'abc', 'abc'), true);
    assert.equal(check('StringLessThanEquals', 'abd', 'abc'), false);
    assert.equal(check('StringGreaterThanEquals', 'abc', 'abc'), true);
    assert.equal(check('StringGreaterThanEquals', 'ab', 'abc'), false);
  });
  it('a number is never equal to a string', () => {
    assert.equal(check('StringEquals', 1, '1'), false);
    assert.equal(check('StringLessThan', 1, '2'), false);
  });
  it('timestamps are strings too', () => {
    assert.equal(check('StringEquals', '2001-01-01T12:00:00Z', '2001-01-01T12:00:00Z'), true);
  });
});

describe('StringMatches', () => {
  it('matches the * wildcard (docs example log-*.txt)', () => {
    assert.equal(check('StringMatches', 'log-2020.txt', 'log-*.txt'), true);
    assert.equal(check('StringMatches', 'log-.txt', 'log-*.txt'), true);
    assert.equal(check('StringMatches', 'log-2020.txt.bak', 'log-*.txt'), false);
    assert.equal(check('StringMatches', 'a@example.com', '*@example.com'), true);
    assert.equal(check('StringMatches', 'multi\nline', 'multi*'), true);
    assert.equal(check('StringMatches', 'a.b', 'a?b'), false);
  });
  it('treats \\* as a literal star and \\\\ as a literal backslash', () => {
    assert.equal(check('StringMatches', 'star*', 'star\\*'), true);
    assert.equal(check('StringMatches', 'starry', 'star\\*'), false);
    assert.equal(check('StringMatches', 'a\\b', 'a\\\\b'), true);
    assert.equal(check('StringMatches', 'a\\xyz', 'a\\\\*'), true);
  });
  it('is false for non-strings', () => {
    assert.equal(check('StringMatches', 5, '*'), false);
  });
});

describe('numeric comparisons', () => {
  it('every operator', () => {
    assert.equal(check('NumericEquals', 1, 1), true);
    assert.equal(check('NumericEquals', 1.5, 1), false);
    assert.equal(check('NumericLessThan', 1, 2), true);
    assert.equal(check('NumericLessThan', 2, 2), false);
    assert.equal(check('NumericGreaterThan', 3, 2), true);
    assert.equal(check('NumericGreaterThan', 2, 2), false);
    assert.equal(check('NumericLessThanEquals', 2, 2), true);
    assert.equal(check('NumericLessThanEquals', 2.01, 2), false);
    assert.equal(check('NumericGreaterThanEquals', 2, 2), true);
    assert.equal(check('NumericGreaterThanEquals', -1, 0), false);
  });
  it('a string or boolean is not a number', () => {
    assert.equal(check('NumericEquals', '1', 1), false);
    assert.equal(check('NumericGreaterThan', true, 0), false);
    assert.equal(check('NumericEquals', null, 0), false);
  });
});

describe('BooleanEquals', () => {
  it('compares booleans only', () => {
    assert.equal(check('BooleanEquals', true, true), true);
    assert.equal(check('BooleanEquals', false, true), false);
    assert.equal(check('BooleanEquals', 'true', true), false);
    assert.equal(check('BooleanEquals', 1, true), false);
  });
});

describe('timestamp comparisons', () => {
  it('every operator', () => {
    assert.equal(check('TimestampEquals', '2001-01-01T12:00:00Z', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampEquals', '2001-01-01T13:00:00+01:00', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampEquals', '2001-01-01T12:00:00.000Z', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampLessThan', '2001-01-01T11:59:59Z', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampLessThan', '2001-01-01T12:00:00Z', '2001-01-01T12:00:00Z'), false);
    assert.equal(check('TimestampGreaterThan', '2001-01-01T12:00:00.000000001Z', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampLessThanEquals', '2001-01-01T12:00:00Z', '2001-01-01T12:00:00Z'), true);
    assert.equal(check('TimestampGreaterThanEquals', '2000-12-31T23:59:59Z', '2001-01-01T00:00:00Z'), false);
  });
  it('a value that is not an RFC 3339 timestamp as AWS accepts it makes the comparison false', () => {
    assert.equal(check('TimestampEquals', '2001-01-01t12:00:00z', '2001-01-01T12:00:00Z'), false);
    assert.equal(check('TimestampEquals', '2001-01-01 12:00:00Z', '2001-01-01T12:00:00Z'), false);
    assert.equal(check('TimestampEquals', '2001-01-01T12:00:00', '2001-01-01T12:00:00Z'), false);
    assert.equal(check('TimestampEquals', 978350400, '2001-01-01T12:00:00Z'), false);
    assert.equal(check('TimestampLessThan', '2001-02-30T00:00:00Z', '2002-01-01T00:00:00Z'), false);
  });
});

describe('parseTimestamp', () => {
  it('parses offsets and fractions, rejects impossible dates', () => {
    const t = parseTimestamp('2016-03-14T01:59:00Z');
    assert.ok(t);
    assert.equal(timestampToEpochMs(t), Date.parse('2016-03-14T01:59:00Z'));
    assert.equal(timestampToEpochMs(parseTimestamp('2016-03-14T01:59:00.123-05:30')!), Date.parse('2016-03-14T07:29:00.123Z'));
    assert.equal(parseTimestamp('2020-02-29T00:00:00Z') !== undefined, true);
    assert.equal(parseTimestamp('2019-02-29T00:00:00Z'), undefined);
    assert.equal(parseTimestamp('2019-13-01T00:00:00Z'), undefined);
    assert.equal(parseTimestamp('2019-01-01T24:00:00Z'), undefined);
    assert.equal(parseTimestamp('2019-01-01T00:00:00+24:00'), undefined);
    assert.equal(compareTimestamps(parseTimestamp('0099-01-01T00:00:00Z')!, parseTimestamp('1999-01-01T00:00:00Z')!) < 0, true);
  });
});

describe('type tests', () => {
  it('IsNull', () => {
    assert.equal(check('IsNull', null, true), true);
    assert.equal(check('IsNull', 0, true), false);
    assert.equal(check('IsNull', 'x', false), true);
  });
  it('IsNumeric', () => {
    assert.equal(check('IsNumeric', 1.5, true), true);
    assert.equal(check('IsNumeric', '1', true), false);
    assert.equal(check('IsNumeric', '1', false), true);
  });
  it('IsString', () => {
    assert.equal(check('IsString', '', true), true);
    assert.equal(check('IsString', null, true), false);
  });
  it('IsBoolean', () => {
    assert.equal(check('IsBoolean', false, true), true);
    assert.equal(check('IsBoolean', 'false', true), false);
  });
  it('IsTimestamp', () => {
    assert.equal(check('IsTimestamp', '2016-03-14T01:59:00Z', true), true);
    assert.equal(check('IsTimestamp', '2016-03-14', true), false);
    assert.equal(check('IsTimestamp', 5, false), true);
  });
  it('IsPresent does not fail on a missing field', () => {
    assert.equal(evaluateChoiceRule(rule('IsPresent', true, '$.missing'), {}), false);
    assert.equal(evaluateChoiceRule(rule('IsPresent', false, '$.missing'), {}), true);
    assert.equal(evaluateChoiceRule(rule('IsPresent', true, '$.v'), { v: null }), true);
  });
});

describe('...Path operators compare against another value in the input', () => {
  const input = { a: 5, b: 5, c: 6, s: 'x', t: 'x', ts1: '2001-01-01T12:00:00Z', ts2: '2002-01-01T12:00:00Z', yes: true, also: true };
  const cases: Array<[string, string, string, boolean]> = [
    ['StringEqualsPath', '$.s', '$.t', true],
    ['StringLessThanPath', '$.s', '$.t', false],
    ['StringGreaterThanPath', '$.s', '$.t', false],
    ['StringLessThanEqualsPath', '$.s', '$.t', true],
    ['StringGreaterThanEqualsPath', '$.s', '$.t', true],
    ['NumericEqualsPath', '$.a', '$.b', true],
    ['NumericLessThanPath', '$.a', '$.c', true],
    ['NumericGreaterThanPath', '$.a', '$.c', false],
    ['NumericLessThanEqualsPath', '$.a', '$.b', true],
    ['NumericGreaterThanEqualsPath', '$.c', '$.a', true],
    ['BooleanEqualsPath', '$.yes', '$.also', true],
    ['TimestampEqualsPath', '$.ts1', '$.ts1', true],
    ['TimestampLessThanPath', '$.ts1', '$.ts2', true],
    ['TimestampGreaterThanPath', '$.ts1', '$.ts2', false],
    ['TimestampLessThanEqualsPath', '$.ts2', '$.ts2', true],
    ['TimestampGreaterThanEqualsPath', '$.ts2', '$.ts1', true],
    ['NumericEqualsPath', '$.a', '$.s', false],
  ];
  for (const [op, variable, path, expected] of cases) {
    it(`${op} ${variable} vs ${path}`, () => {
      assert.equal(evaluateChoiceRule({ Variable: variable, [op]: path }, input), expected);
    });
  }

  it('a ...Path operand that does not resolve is a States.Runtime error', () => {
    throwsStates(
      () => evaluateChoiceRule({ Variable: '$.a', NumericEqualsPath: '$.nope' }, input),
      'States.Runtime',
      "Invalid path '$.nope': The choice state's condition path references an invalid value.",
    );
  });
});

describe('Variable resolution', () => {
  it('reads the Context object and workflow variables', () => {
    assert.equal(evaluateChoiceRule({ Variable: '$$.Execution.Name', StringEquals: 'run-1' }, {}, { Execution: { Name: 'run-1' } }), true);
    assert.equal(evaluateChoiceRule({ Variable: '$count', NumericGreaterThan: 2 }, {}, {}, { count: 3 }), true);
    assert.equal(evaluateChoiceRule({ Variable: '$cfg.limit', NumericEqualsPath: '$.n' }, { n: 4 }, {}, { cfg: { limit: 4 } }), true);
    assert.equal(evaluateChoiceRule({ Variable: '$', StringEquals: 'No messages' }, 'No messages'), true);
  });

  it('a Variable that does not resolve is a States.Runtime error (outside IsPresent)', () => {
    throwsStates(
      () => evaluateChoiceRule({ Variable: '$.sample_mode', StringEquals: 'x' }, {}),
      'States.Runtime',
      "Invalid path '$.sample_mode': The choice state's condition path references an invalid value.",
    );
    throwsStates(() => evaluateChoiceRule({ Variable: '$.v', IsNull: true }, {}), 'States.Runtime');
    throwsStates(() => evaluateChoiceRule({ Variable: '$undefinedVar', IsString: true }, {}, {}, {}), 'States.Runtime');
  });

  it('a rule without a Variable or operator is a States.Runtime error', () => {
    throwsStates(() => evaluateChoiceRule({ StringEquals: 'x' }, {}), 'States.Runtime');
    throwsStates(() => evaluateChoiceRule({ Variable: '$.v', Unknown: 1 }, { v: 1 }), 'States.Runtime');
  });
});

describe('And / Or / Not', () => {
  it('combine rules, including nesting', () => {
    const input = { type: 'Private', value: 22 };
    assert.equal(evaluateChoiceRule({ Not: { Variable: '$.type', StringEquals: 'Private' } }, input), false);
    assert.equal(
      evaluateChoiceRule({ And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }] }, input),
      true,
    );
    assert.equal(evaluateChoiceRule({ Or: [{ Variable: '$.value', NumericEquals: 0 }, { Variable: '$.type', StringEquals: 'Public' }] }, input), false);
    assert.equal(
      evaluateChoiceRule({ Or: [{ Not: { Variable: '$.value', NumericEquals: 0 } }, { And: [{ Variable: '$.x', IsPresent: true }] }] }, input),
      true,
    );
  });

  it('And short-circuits so IsPresent guards a comparison (docs example)', () => {
    const guarded = { And: [{ Variable: '$.keyThatMightNotExist', IsPresent: true }, { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' }] };
    assert.equal(evaluateChoiceRule(guarded, {}), false);
    assert.equal(evaluateChoiceRule(guarded, { keyThatMightNotExist: 'foo' }), true);
  });
});

describe('selectChoice', () => {
  const state = {
    Choices: [
      { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
      { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
      { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
    ],
    Default: 'DefaultState',
  };

  it('runs the docs example', () => {
    assert.equal(selectChoice(state, { type: 'Private', value: 22 }), 'ValueInTwenties');
    assert.equal(selectChoice(state, { type: 'Public', value: 22 }), 'Public');
    assert.equal(selectChoice(state, { type: 'Private', value: 0 }), 'ValueIsZero');
    assert.equal(selectChoice(state, { type: 'Private', value: 50 }), 'DefaultState');
  });

  it('fails the docs example when $.type is missing', () => {
    throwsStates(() => selectChoice(state, { value: 22 }), 'States.Runtime', /Invalid path '\$\.type'/);
  });

  it('throws States.NoChoiceMatched without a Default', () => {
    throwsStates(() => selectChoice({ Choices: state.Choices }, { type: 'Private', value: 50 }), 'States.NoChoiceMatched', /no Default/);
  });
});
