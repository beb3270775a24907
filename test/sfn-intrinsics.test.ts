import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStatesError } from '../src/services/stepfunctions/asl/errors.js';
import { evaluateIntrinsic, isIntrinsic } from '../src/services/stepfunctions/asl/intrinsics.js';
import { evaluatePath } from '../src/services/stepfunctions/asl/jsonpath.js';

/** Runs an intrinsic with `$...` paths resolved against `input`. */
const run = (expr: string, input: unknown = {}): unknown => evaluateIntrinsic(expr, (p) => evaluatePath(p, input));

function fails(expr: string, input: unknown = {}, cause?: RegExp, error = 'States.IntrinsicFailure'): void {
  assert.throws(
    () => run(expr, input),
    (e: unknown) => {
      assert.ok(isStatesError(e), `expected a StatesError from ${expr}, got ${String(e)}`);
      assert.equal(e.error, error, `${expr}: ${e.cause}`);
      if (cause) assert.match(e.cause, cause);
      return true;
    },
  );
}

describe('isIntrinsic', () => {
  it('recognises invocations', () => {
    assert.equal(isIntrinsic('States.Format()'), true);
    assert.equal(isIntrinsic("States.Array($.Id, 'x')"), true);
    assert.equal(isIntrinsic('States.UUID()'), true);
  });
  it('rejects paths and other strings', () => {
    assert.equal(isIntrinsic('$.a'), false);
    assert.equal(isIntrinsic('States.Format'), false);
    assert.equal(isIntrinsic('Format($.a)'), false);
    assert.equal(isIntrinsic('States.Array($.a'), false);
  });
});

describe('States.Format', () => {
  it('runs the documented examples', () => {
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    assert.equal(run("States.Format('Hello, my name is {}.', $.name)", input), 'Hello, my name is Arnav.');
    assert.equal(run('States.Format($.template, $.name)', input), 'Hello, my name is Arnav.');
    assert.equal(
      run("States.Format('Your name is {}, we are in the year {}', $.name, 2020)", { name: 'Foo', zebra: 'stripe' }),
      'Your name is Foo, we are in the year 2020',
    );
  });

  it('renders values as AWS does (strings bare, Java-style objects and arrays)', () => {
    assert.equal(run("States.Format('Formatting argument {}.', $.v)", { v: '' }), 'Formatting argument .');
    assert.equal(run("States.Format('Formatting argument {}.', $.v)", { v: null }), 'Formatting argument null.');
    assert.equal(run("States.Format('Formatting argument {}.', $.v)", { v: 1.1 }), 'Formatting argument 1.1.');
    assert.equal(run("States.Format('{} {}', true, false)"), 'true false');
    assert.equal(
      run("States.Format('fst={} and snd={}.', $.v, $.v)", { v: { Arg1: 1, Arg2: [] } }),
      'fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.',
    );
    assert.equal(run("States.Format('{}', $.v)", { v: ['a', 1, { b: 'c' }] }), '[a, 1, {b=c}]');
  });

  it('honours the reserved-character escapes', () => {
    assert.equal(run("States.Format('\\{\\} {} \\' \\\\', $.a)", { a: 'x' }), "{} x ' \\");
    assert.equal(run("States.Format('it\\'s {}', 'ok')"), "it's ok");
  });

  it('requires as many values as placeholders and a string template', () => {
    fails("States.Format('{} {}', 1)", {}, /placeholder/);
    fails("States.Format('{}', 1, 2)");
    fails("States.Format('no placeholders', 1)");
    fails('States.Format()');
    fails('States.Format($.t)', { t: 5 }, /must be a string/);
  });
});

describe('States.StringToJson / States.JsonToString', () => {
  it('runs the documented examples', () => {
    assert.deepEqual(run('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' }), { foo: 'bar' });
    assert.deepEqual(run('States.StringToJson($.someString)', { someString: '{"number": 20}', zebra: 'stripe' }), { number: 20 });
    assert.equal(run('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } }), '{"foo":"bar"}');
    assert.equal(
      run('States.JsonToString($.someJson)', { someJson: { name: 'Foo', year: 2020 }, zebra: 'stripe' }),
      '{"name":"Foo","year":2020}',
    );
  });

  it('parses scalars, and blank strings to null (as recorded against AWS)', () => {
    assert.equal(run('States.StringToJson($.s)', { s: '' }), null);
    assert.equal(run('States.StringToJson($.s)', { s: ' ' }), null);
    assert.equal(run('States.StringToJson($.s)', { s: 'null' }), null);
    assert.equal(run('States.StringToJson($.s)', { s: '-0' }), -0);
    assert.equal(run('States.StringToJson($.s)', { s: '1.1' }), 1.1);
    assert.equal(run('States.StringToJson($.s)', { s: 'true' }), true);
    assert.equal(run('States.StringToJson($.s)', { s: '"HelloWorld"' }), 'HelloWorld');
    assert.deepEqual(run('States.StringToJson($.s)', { s: '[1, 2, "HelloWorld"]' }), [1, 2, 'HelloWorld']);
    assert.equal(run('States.JsonToString($.v)', { v: [1, 2, 'HelloWorld'] }), '[1,2,"HelloWorld"]');
    assert.equal(run('States.JsonToString($.v)', { v: null }), 'null');
  });

  it('rejects bad arguments', () => {
    fails('States.StringToJson($.s)', { s: '{oops' }, /not valid JSON/);
    fails('States.StringToJson($.s)', { s: 5 }, /must be a string/);
    fails('States.StringToJson()');
    fails("States.JsonToString('literal')", {}, /must be a path/);
    fails('States.JsonToString($.a, $.b)', { a: 1, b: 2 });
  });
});

describe('States.Array', () => {
  it('runs the documented examples', () => {
    assert.deepEqual(run('States.Array($.Id)', { Id: 123456 }), [123456]);
    assert.deepEqual(run("States.Array('Foo', 2020, $.someJson, null)", { someJson: { random: 'abcdefg' }, zebra: 'stripe' }), [
      'Foo',
      2020,
      { random: 'abcdefg' },
      null,
    ]);
    assert.deepEqual(run('States.Array()'), []);
    assert.deepEqual(run('States.Array(true, -1.5, 1e3)'), [true, -1.5, 1000]);
  });
});

describe('array intrinsics', () => {
  const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5, index: 5 };

  it('States.ArrayPartition', () => {
    assert.deepEqual(run('States.ArrayPartition($.inputArray,4)', input), [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    assert.deepEqual(run('States.ArrayPartition($.a, 5)', { a: [] }), []);
    assert.deepEqual(run('States.ArrayPartition($.a, 5)', { a: [1, 2] }), [[1, 2]]);
    fails('States.ArrayPartition($.inputArray, 0)', input, /positive/);
    fails('States.ArrayPartition($.inputArray, -1)', input);
    // A non-integer chunk size is rounded to the nearest integer (docs).
    assert.deepEqual(run('States.ArrayPartition($.inputArray, 4.4)', input), [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
    fails('States.ArrayPartition($.inputArray, 0.4)', input, /positive/);
    fails('States.ArrayPartition($.lookingFor, 2)', input, /must be an array/);
    fails('States.ArrayPartition($.inputArray)', input, /expected 2 arguments/);
    fails('States.ArrayPartition($.big, 2)', { big: ['x'.repeat(300 * 1024)] }, /payload size/);
  });

  it('States.ArrayContains', () => {
    assert.equal(run('States.ArrayContains($.inputArray, $.lookingFor)', input), true);
    assert.equal(run('States.ArrayContains($.inputArray, 42)', input), false);
    assert.equal(run('States.ArrayContains($.a, $.v)', { a: [{ 1: 2, 2: [] }], v: { 2: [], 1: 2 } }), true);
    assert.equal(run('States.ArrayContains($.a, $.v)', { a: [[1, 2, 3], 2], v: [1, 2, 3] }), true);
    assert.equal(run('States.ArrayContains($.a, null)', { a: [] }), false);
    assert.equal(run('States.ArrayContains($.a, false)', { a: [true, false] }), true);
    fails('States.ArrayContains($.lookingFor, 1)', input, /must be an array/);
    fails('States.ArrayContains($.inputArray)', input);
  });

  it('States.ArrayRange', () => {
    assert.deepEqual(run('States.ArrayRange(1, 9, 2)'), [1, 3, 5, 7, 9]);
    assert.deepEqual(run('States.ArrayRange(0, 10, 3)'), [0, 3, 6, 9]);
    assert.deepEqual(run('States.ArrayRange(1, 9, 9)'), [1]);
    assert.deepEqual(run('States.ArrayRange(5, 1, -2)'), [5, 3, 1]);
    assert.deepEqual(run('States.ArrayRange(5, 1, 1)'), []);
    assert.equal((run('States.ArrayRange(1, 1000, 1)') as number[]).length, 1000);
    fails('States.ArrayRange(0, 1000, 1)', {}, /1001 items; at most 1000/);
    fails('States.ArrayRange(1, 9, 0)', {}, /must not be zero/);
    fails("States.ArrayRange('1', 9, 1)", {}, /must be a number/);
    fails('States.ArrayRange(1, 9)', {}, /expected 3 arguments/);
  });

  it('States.ArrayGetItem', () => {
    assert.equal(run('States.ArrayGetItem($.inputArray, $.index)', input), 6);
    assert.equal(run('States.ArrayGetItem($.inputArray, 0)', input), 1);
    fails('States.ArrayGetItem($.inputArray, 9)', input, /out of bounds/);
    fails('States.ArrayGetItem($.inputArray, -1)', input, /out of bounds/);
    fails('States.ArrayGetItem($.inputArray, 1.5)', input, /integer/);
    fails("States.ArrayGetItem('abc', 0)", input, /must be an array/);
  });

  it('States.ArrayLength', () => {
    assert.equal(run('States.ArrayLength($.inputArray)', input), 9);
    assert.equal(run('States.ArrayLength($.a)', { a: [] }), 0);
    fails('States.ArrayLength($.lookingFor)', input, /must be an array/);
    fails('States.ArrayLength()', input);
  });

  it('States.ArrayUnique', () => {
    assert.deepEqual(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }), [1, 2, 3, 4]);
    const mixed = [null, null, true, true, false, 1, 1, 1.1, 0, -0, 'HelloWorld', 'HelloWorld', [], [], [null], [null], { a: 1, b: 2 }, { b: 2, a: 1 }, { a: 1, b: 1 }, '1'];
    assert.deepEqual(run('States.ArrayUnique($.a)', { a: mixed }), [null, true, false, 1, 1.1, 0, 'HelloWorld', [], [null], { a: 1, b: 2 }, { a: 1, b: 1 }, '1']);
    fails('States.ArrayUnique($.s)', { s: 'x' }, /must be an array/);
  });
});

describe('encoding intrinsics', () => {
  it('States.Base64Encode / States.Base64Decode (documented example)', () => {
    assert.equal(run('States.Base64Encode($.input)', { input: 'Data to encode' }), 'RGF0YSB0byBlbmNvZGU=');
    // The docs print "Decoded data" as the output, but the example input decodes to its original text.
    assert.equal(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' }), 'Data to encode');
    assert.equal(run("States.Base64Encode('héllo ✓')"), Buffer.from('héllo ✓').toString('base64'));
    assert.equal(run("States.Base64Decode('aGVsbG8=')"), 'hello');
    assert.equal(run("States.Base64Decode('aGVsbG8')"), 'hello');
  });

  it('enforce the 10,000 character limit and valid input', () => {
    assert.equal((run('States.Base64Encode($.s)', { s: 'a'.repeat(10_000) }) as string).length > 0, true);
    fails('States.Base64Encode($.s)', { s: 'a'.repeat(10_001) }, /at most 10000 characters/);
    fails('States.Base64Decode($.s)', { s: 'QUFB'.repeat(2501) }, /at most 10000 characters/);
    fails("States.Base64Decode('!!!')", {}, /not valid Base64/);
    fails("States.Base64Decode('a')", {}, /not valid Base64/);
    fails('States.Base64Encode($.n)', { n: 5 }, /must be a string/);
    fails('States.Base64Encode()');
  });
});

describe('States.Hash', () => {
  it('runs the documented example (the docs drop one digit of the SHA-1)', () => {
    assert.equal(run('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' }), 'aaff4a450a104cd177d28d18d74485e8cae074b7');
  });

  it('supports every documented algorithm', () => {
    assert.equal(run("States.Hash('hello', 'MD5')"), '5d41402abc4b2a76b9719d911017c592');
    assert.equal(run("States.Hash('hello', 'SHA-256')"), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
    assert.equal((run("States.Hash('hello', 'SHA-384')") as string).length, 96);
    assert.equal((run("States.Hash('hello', 'SHA-512')") as string).length, 128);
  });

  it('rejects unknown algorithms, non-strings and oversized data', () => {
    fails("States.Hash('x', 'SHA-3')", {}, /unsupported hash algorithm 'SHA-3'/);
    fails("States.Hash('x', 'sha-1')", {}, /unsupported hash algorithm/);
    fails("States.Hash(null, 'SHA-1')", {}, /must be a string/);
    fails('States.Hash($.d, "MD5")', { d: 'x' });
    fails("States.Hash($.d, 'MD5')", { d: 'x'.repeat(10_001) }, /10000/);
    fails("States.Hash('x')", {}, /expected 2 arguments/);
  });
});

describe('States.JsonMerge', () => {
  it('runs the documented example (shallow merge)', () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    assert.deepEqual(run('States.JsonMerge($.json1, $.json2, false)', input), { a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });

  it('requires two objects and false for the deep flag', () => {
    const input = { a: { x: 1 }, b: { y: 2 } };
    fails('States.JsonMerge($.a, $.b, true)', input, /must be false/);
    fails("States.JsonMerge($.a, $.b, 'false')", input, /must be a boolean/);
    fails('States.JsonMerge($.a, $.b)', input, /expected 3 arguments/);
    fails('States.JsonMerge($.a, 1, false)', input, /argument 2 must be a JSON object/);
    fails("States.JsonMerge('x', $.b, false)", input, /argument 1 must be a JSON object/);
  });
});

describe('math intrinsics', () => {
  it('States.MathRandom stays in [start, end) and is repeatable with a seed', () => {
    for (let i = 0; i < 200; i++) {
      const r = run('States.MathRandom($.start, $.end)', { start: 1, end: 999 }) as number;
      assert.ok(Number.isInteger(r) && r >= 1 && r < 999, String(r));
    }
    const a = run('States.MathRandom(0, 999, 3)');
    assert.equal(run('States.MathRandom(0, 999, 3)'), a);
    assert.equal(run('States.MathRandom(7, 8)'), 7);
    const neg = run('States.MathRandom(-99999, -9999)') as number;
    assert.ok(neg >= -99999 && neg < -9999);
    const rounded = run('States.MathRandom(12.5, 44.51)') as number;
    assert.ok(rounded >= 13 && rounded < 45);
  });

  it('States.MathRandom rejects bad arguments', () => {
    fails('States.MathRandom(10, 1)', {}, /must be greater than the start/);
    fails('States.MathRandom(7, 7)', {}, /must be greater than the start/);
    fails("States.MathRandom('1', 2)", {}, /must be a number/);
    fails('States.MathRandom(1)', {}, /expected 2 to 3 arguments/);
    fails('States.MathRandom(1, 2, 3, 4)');
  });

  it('States.MathAdd runs the documented example and rounds like AWS', () => {
    assert.equal(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 }), 110);
    assert.equal(run('States.MathAdd(-9, 3)'), -6);
    // Results recorded against AWS: each argument is rounded half up before adding.
    const cases: Array<[number, number, number]> = [
      [1.49, 1.5, 3],
      [1.5, 1.51, 4],
      [-1.49, -1.5, -2],
      [-1.5, -1.51, -3],
    ];
    for (const [a, b, sum] of cases) assert.equal(run('States.MathAdd($.a, $.b)', { a, b }), sum, `${a} + ${b}`);
    assert.equal(run('States.MathAdd(2147483647, -2147483648)'), -1);
    fails('States.MathAdd(2147483648, 1)', {}, /between -2147483648 and 2147483647/);
    fails("States.MathAdd('1', 2)", {}, /must be a number/);
    fails('States.MathAdd(1)', {}, /expected 2 arguments/);
  });
});

describe('States.StringSplit', () => {
  it('runs the documented example', () => {
    assert.deepEqual(run('States.StringSplit($.inputString, $.splitter)', { inputString: '1,2,3,4,5', splitter: ',' }), ['1', '2', '3', '4', '5']);
  });

  it('splits on each delimiter character and drops empty pieces (as recorded against AWS)', () => {
    assert.deepEqual(run("States.StringSplit($.s, '.+,=')", { s: 'This.is+a,test=string' }), ['This', 'is', 'a', 'test', 'string']);
    assert.deepEqual(run("States.StringSplit($.s, ',')", { s: ',,,,' }), []);
    assert.deepEqual(run("States.StringSplit($.s, ',')", { s: ', , ,' }), [' ', ' ']);
    assert.deepEqual(run("States.StringSplit($.s, ',')", { s: ' ' }), [' ']);
    assert.deepEqual(run('States.StringSplit($.s, $.d)', { s: 'split on T and \nnew line', d: 'T\n' }), ['split on ', ' and ', 'new line']);
  });

  it('rejects non-strings', () => {
    fails("States.StringSplit(1, ',')", {}, /must be a string/);
    fails("States.StringSplit('a')", {}, /expected 2 arguments/);
  });
});

describe('States.UUID', () => {
  it('returns a version 4 UUID', () => {
    const u = run('States.UUID()') as string;
    assert.match(u, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(run('States.UUID()'), u);
    fails('States.UUID(1)', {}, /expected 0 arguments/);
  });
});

describe('parsing and nesting', () => {
  it('evaluates nested calls (docs myArn example shape)', () => {
    const input = { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.0.3' } };
    const expr =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    assert.equal(run(expr, input), '1.0');
    assert.equal(run("States.MathAdd(States.ArrayLength(States.StringSplit('a-b-c', '-')), -1)"), 2);
  });

  it('passes complex path arguments through intact', () => {
    const input = { items: [{ id: 1, on: true }, { id: 2, on: false }, { id: 3, on: true }] };
    assert.deepEqual(run('States.Array($.items[?(@.on == true)].id, $.items[0,1].id)', input), [[1, 3], [1, 2]]);
    assert.equal(run("States.Format('{}', $['items'][2]['id'])", input), '3');
  });

  it('hands $$ and $var paths to the resolver', () => {
    const seen: string[] = [];
    const out = evaluateIntrinsic("States.Array($$.Execution.Id, $myVar.x, 'lit')", (p) => {
      seen.push(p);
      return p.length;
    });
    assert.deepEqual(seen, ['$$.Execution.Id', '$myVar.x']);
    assert.deepEqual(out, [15, 8, 'lit']);
  });

  it('propagates resolver errors (missing paths)', () => {
    fails('States.Array($.missing)', {}, /No results for path/, 'States.Runtime');
  });

  it('rejects malformed invocations and unknown functions', () => {
    fails("States.Format('unterminated)");
    fails("States.Format('bad \\n escape')", {}, /open escape/);
    fails('States.Array(1 2)');
    fails('States.Array(1) trailing');
    fails('States.Array(nope)');
    fails('States.Nope(1)', {}, /not supported/);
  });
});
