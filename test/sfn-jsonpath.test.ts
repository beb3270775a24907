import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isStatesError, StatesError } from '../src/services/stepfunctions/asl/errors.js';
import {
  evaluatePath,
  isReferencePath,
  lookupPath,
  MISSING,
  setPath,
} from '../src/services/stepfunctions/asl/jsonpath.js';

const store = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
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

describe('evaluatePath: definite paths', () => {
  it('returns the whole document for $', () => {
    assert.equal(evaluatePath('$', store), store);
    assert.equal(evaluatePath('$', 'plain'), 'plain');
    assert.equal(evaluatePath('$', null), null);
  });

  it('follows dot and bracket notation', () => {
    assert.equal(evaluatePath('$.store.bicycle.color', store), 'red');
    assert.equal(evaluatePath("$['store']['bicycle']['price']", store), 19.95);
    assert.equal(evaluatePath('$["store"].bicycle["color"]', store), 'red');
    assert.equal(evaluatePath('$.store.book[0].author', store), 'Nigel Rees');
    assert.equal(evaluatePath("$['store'].book[2]['isbn']", store), '0-553-21311-3');
  });

  it('supports negative indexes', () => {
    assert.equal(evaluatePath('$.store.book[-1].title', store), 'The Lord of the Rings');
    assert.equal(evaluatePath('$.store.book[-4].title', store), 'Sayings of the Century');
  });

  it('returns null values found at the path (not a miss)', () => {
    assert.equal(evaluatePath('$.a', { a: null }), null);
    assert.equal(lookupPath('$.a', { a: null }), null);
  });

  it('reads the AWS reference-path examples', () => {
    const input = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };
    assert.equal(evaluatePath('$.foo', input), 123);
    assert.deepEqual(evaluatePath('$.bar', input), ['a', 'b', 'c']);
    assert.equal(evaluatePath('$.car.cdr', input), true);
  });

  it('treats backslash as an escape in dot-notation names', () => {
    const doc = { 'store.book': 1, store: { book: 2 }, 'foo@bar': { baz: 3 } };
    assert.equal(evaluatePath('$.store\\.book', doc), 1);
    assert.equal(evaluatePath('$.\\stor\\e.boo\\k', doc), 2);
    assert.equal(evaluatePath('$.foo\\@bar.baz', doc), 3);
  });

  it('handles unicode property names and quoted names with special characters', () => {
    assert.equal(evaluatePath('$.&Ж中', { '&Ж中': 'x' }), 'x');
    assert.equal(evaluatePath("$['a b']['c.d']", { 'a b': { 'c.d': 5 } }), 5);
    assert.equal(evaluatePath("$['it\\'s']", { "it's": 6 }), 6);
    assert.equal(evaluatePath("$.abc.['def ghi']", { abc: { 'def ghi': 7 } }), 7);
  });

  it('does not read inherited properties', () => {
    assert.equal(lookupPath('$.constructor', {}), MISSING);
    assert.equal(lookupPath('$.__proto__', {}), MISSING);
    assert.equal(lookupPath('$.length', [1, 2]), MISSING);
  });

  it('merges a trailing property union into an object, like Jayway', () => {
    assert.deepEqual(evaluatePath("$.store.book[0]['author','title']", store), {
      author: 'Nigel Rees',
      title: 'Sayings of the Century',
    });
    assert.deepEqual(evaluatePath("$['a','missing','b']", { a: 1, b: 2, c: 3 }), { a: 1, b: 2 });
  });

  it('evaluates $$ paths against the given (Context) document', () => {
    const ctx = { Execution: { Id: 'arn:exec', Input: { x: 1 } } };
    assert.equal(evaluatePath('$$.Execution.Id', ctx), 'arn:exec');
    assert.equal(evaluatePath('$$.Execution.Input.x', ctx), 1);
  });
});

describe('evaluatePath: AWS error wording for definite paths that match nothing', () => {
  it('reports a missing leaf as No results for path', () => {
    throwsStates(() => evaluatePath('$.foo', { bar: 1 }), 'States.Runtime', "Invalid path '$.foo' : No results for path: $['foo']");
    throwsStates(
      () => evaluatePath('$.a.b', { a: {} }),
      'States.Runtime',
      "Invalid path '$.a.b' : No results for path: $['a']['b']",
    );
  });

  it('reports a missing intermediate property as Missing property in path', () => {
    throwsStates(() => evaluatePath('$.a.b.c', { x: 1 }), 'States.Runtime', "Invalid path '$.a.b.c' : Missing property in path $['a']");
  });

  it('reports an out-of-range index as No results for path', () => {
    throwsStates(() => evaluatePath('$.a[5]', { a: [1] }), 'States.Runtime', "Invalid path '$.a[5]' : No results for path: $['a'][5]");
    throwsStates(() => evaluatePath('$.a[-2]', { a: [1] }), 'States.Runtime', /No results for path: \$\['a'\]\[-2\]/);
  });

  it('explains a property read on a non-object and an index on a non-array', () => {
    throwsStates(() => evaluatePath('$.a.b', { a: 'text' }), 'States.Runtime', /Expected to find an object with property \['b'\] in path \$\['a'\] but found 'java.lang.String'/);
    throwsStates(() => evaluatePath('$.a.b', { a: null }), 'States.Runtime', /but found 'null'/);
    throwsStates(() => evaluatePath('$.a[0]', { a: null }), 'States.Runtime', "Invalid path '$.a[0]' : The path $['a'] is null");
    throwsStates(() => evaluatePath('$.a[0]', { a: { x: 1 } }), 'States.Runtime', /Filter: \[0\] can only be applied to arrays/);
  });

  it('rejects malformed paths with States.Runtime', () => {
    throwsStates(() => evaluatePath('foo', {}), 'States.Runtime', /Invalid path 'foo'/);
    throwsStates(() => evaluatePath('$.', {}), 'States.Runtime', /Expected a property name/);
    throwsStates(() => evaluatePath('$[', {}), 'States.Runtime');
    throwsStates(() => evaluatePath('$.a b', {}), 'States.Runtime', /bracket notation/);
    throwsStates(() => evaluatePath('$.a.nope()', {}), 'States.Runtime', /Function with name: nope does not exist/);
  });

  it('does not evaluate variable references (they need workflow variables)', () => {
    throwsStates(() => evaluatePath('$myVar.x', {}), 'States.Runtime', /variable/);
  });
});

describe('evaluatePath: indefinite paths return the list of matches', () => {
  it('wildcards over arrays and objects', () => {
    assert.deepEqual(evaluatePath('$.store.book[*].author', store), [
      'Nigel Rees',
      'Evelyn Waugh',
      'Herman Melville',
      'J. R. R. Tolkien',
    ]);
    assert.deepEqual(evaluatePath('$.store.bicycle.*', store), ['red', 19.95]);
    assert.deepEqual(evaluatePath('$.store.*', store), [store.store.book, store.store.bicycle]);
    assert.deepEqual(evaluatePath('$.x[*]', { x: 'scalar' }), []);
  });

  it('deep scans in document order', () => {
    assert.deepEqual(evaluatePath('$..author', store), ['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']);
    assert.deepEqual(evaluatePath('$.store..price', store), [8.95, 12.99, 8.99, 22.99, 19.95]);
    assert.deepEqual(evaluatePath('$..book[2].title', store), ['Moby Dick']);
    assert.deepEqual(evaluatePath('$..nothing', store), []);
    assert.deepEqual(evaluatePath('$..*', { a: { b: 1 }, c: [2] }), [{ b: 1 }, [2], 1, 2]);
  });

  it('slices, including the AWS example $.a[0:2]', () => {
    const input = { a: [1, 2, 3, 4] };
    assert.deepEqual(evaluatePath('$.a[0:2]', input), [1, 2]);
    assert.deepEqual(evaluatePath('$.a[1:]', input), [2, 3, 4]);
    assert.deepEqual(evaluatePath('$.a[:2]', input), [1, 2]);
    assert.deepEqual(evaluatePath('$.a[-2:]', input), [3, 4]);
    assert.deepEqual(evaluatePath('$.a[0:10]', input), [1, 2, 3, 4]);
    assert.deepEqual(evaluatePath('$.a[::2]', input), [1, 3]);
    assert.deepEqual(evaluatePath('$.a[1:4:2]', input), [2, 4]);
    assert.deepEqual(evaluatePath('$.a[::-1]', input), [4, 3, 2, 1]);
    assert.deepEqual(evaluatePath('$.a[3:1]', input), []);
  });

  it('slices the Parameters example from the ASL spec', () => {
    const input = { flagged: 7, vals: [0, 10, 20, 30, 40, 50] };
    assert.deepEqual(evaluatePath('$.vals[3:]', input), [30, 40, 50]);
    assert.equal(evaluatePath('$.vals[0]', input), 0);
  });

  it('supports index unions and property unions before further steps', () => {
    assert.deepEqual(evaluatePath('$.store.book[0,1].title', store), ['Sayings of the Century', 'Sword of Honour']);
    assert.deepEqual(evaluatePath('$.a[0, -1]', { a: [1, 2, 3] }), [1, 3]);
    assert.deepEqual(evaluatePath("$['x','y'].v", { x: { v: 1 }, y: { v: 2 } }), [1, 2]);
  });

  it('filters with comparisons', () => {
    assert.deepEqual(evaluatePath('$.store.book[?(@.price < 10)].title', store), ['Sayings of the Century', 'Moby Dick']);
    assert.deepEqual(evaluatePath('$.store.book[?(@.price > $.expensive)].author', store), ['Evelyn Waugh', 'J. R. R. Tolkien']);
    assert.deepEqual(evaluatePath("$.store.book[?(@.category == 'reference')].price", store), [8.95]);
    assert.deepEqual(evaluatePath('$.store.book[?(@.category != "fiction")].price', store), [8.95]);
    assert.deepEqual(evaluatePath('$.store.book[?(@.price >= 12.99 && @.price <= 22.99)].price', store), [12.99, 22.99]);
    assert.deepEqual(evaluatePath('$.store.book[?(@.price < 9 || @.price > 20)].price', store), [8.95, 8.99, 22.99]);
    assert.deepEqual(evaluatePath('$.store.book[?(!(@.price < 20))].price', store), [22.99]);
    assert.deepEqual(evaluatePath('$.n[?(@ > 2)]', { n: [1, 2, 3, 4] }), [3, 4]);
  });

  it('filters by existence', () => {
    assert.deepEqual(evaluatePath('$.store.book[?(@.isbn)].title', store), ['Moby Dick', 'The Lord of the Rings']);
    assert.deepEqual(evaluatePath('$.store.book[?(!@.isbn)].title', store), ['Sayings of the Century', 'Sword of Honour']);
    assert.deepEqual(evaluatePath('$.items[?(@.x)]', { items: [{ x: null }, { y: 1 }] }), [{ x: null }]);
  });

  it('filters with regex, in, nin, size, empty, contains, subsetof, anyof, noneof', () => {
    assert.deepEqual(evaluatePath('$.store.book[?(@.author =~ /.*REES/i)].title', store), ['Sayings of the Century']);
    assert.deepEqual(evaluatePath('$.store.book[?(@.author =~ /Rees/)].title', store), []);
    assert.deepEqual(evaluatePath("$.store.book[?(@.category in ['reference'])].price", store), [8.95]);
    assert.deepEqual(evaluatePath("$.store.book[?(@.category nin ['fiction'])].price", store), [8.95]);
    const doc = { items: [{ tags: ['a', 'b'] }, { tags: [] }, { tags: ['c'] }] };
    assert.deepEqual(evaluatePath('$.items[?(@.tags size 2)]', doc), [{ tags: ['a', 'b'] }]);
    assert.deepEqual(evaluatePath('$.items[?(@.tags empty true)]', doc), [{ tags: [] }]);
    assert.deepEqual(evaluatePath("$.items[?(@.tags contains 'c')]", doc), [{ tags: ['c'] }]);
    assert.deepEqual(evaluatePath("$.items[?(@.tags subsetof ['a','b','z'])]", doc), [{ tags: ['a', 'b'] }, { tags: [] }]);
    assert.deepEqual(evaluatePath("$.items[?(@.tags anyof ['c','z'])]", doc), [{ tags: ['c'] }]);
    assert.deepEqual(evaluatePath("$.items[?(@.tags noneof ['a'])]", doc), [{ tags: [] }, { tags: ['c'] }]);
  });

  it('applies a filter to an object itself and inside deep scans', () => {
    assert.deepEqual(evaluatePath("$.store.bicycle[?(@.color == 'red')].price", store), [19.95]);
    assert.deepEqual(evaluatePath('$..book[?(@.isbn)].isbn', store), ['0-553-21311-3', '0-395-19395-8']);
    assert.deepEqual(evaluatePath('$..[?(@.price > 20)].title', store), ['The Lord of the Rings']);
  });

  it('returns an empty list when a filter matches nothing (no error)', () => {
    assert.deepEqual(evaluatePath('$.store.book[?(@.price > 1000)]', store), []);
  });
});

describe('evaluatePath: functions', () => {
  it('length() of arrays and objects', () => {
    assert.equal(evaluatePath('$.store.book.length()', store), 4);
    assert.equal(evaluatePath('$.store.bicycle.length()', store), 2);
    assert.equal(evaluatePath('$.store.book[*].length()', store), 4);
    assert.deepEqual(evaluatePath('$.items[?(@.tags.length() > 1)]', { items: [{ tags: [1, 2] }, { tags: [1] }] }), [{ tags: [1, 2] }]);
  });

  it('numeric aggregations and keys()', () => {
    const doc = { n: [1, 2, 3, 4] };
    assert.equal(evaluatePath('$.n.sum()', doc), 10);
    assert.equal(evaluatePath('$.n.min()', doc), 1);
    assert.equal(evaluatePath('$.n.max()', doc), 4);
    assert.equal(evaluatePath('$.n.avg()', doc), 2.5);
    assert.equal(evaluatePath('$.n.stddev()', doc), Math.sqrt(1.25));
    assert.deepEqual(evaluatePath('$.store.bicycle.keys()', store), ['color', 'price']);
    throwsStates(() => evaluatePath('$.e.sum()', { e: [] }), 'States.Runtime', /empty array/);
  });
});

describe('isReferencePath', () => {
  it('accepts paths of single property and index steps', () => {
    for (const p of ['$', '$.a', '$.a.b[0]', "$['store']['book']", "$['store'][0]['book']", '$.ledgers[0][22][315].foo', '$$.Execution.Id', '$myVar', '$myVar.a[1]']) {
      assert.equal(isReferencePath(p), true, p);
    }
  });

  it('rejects indefinite or malformed paths', () => {
    for (const p of ['$.a[*]', '$..a', '$.a[0:1]', '$.a[0,1]', "$['a','b']", '$.a[?(@.x)]', '$.a.length()', 'a', '$.', '']) {
      assert.equal(isReferencePath(p), false, p);
    }
  });
});

describe('setPath (ResultPath)', () => {
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };

  it('replaces everything for $', () => {
    assert.equal(setPath(input, '$', 'Hello, Step Functions!'), 'Hello, Step Functions!');
  });

  it('includes the result with the input (AWS example)', () => {
    assert.deepEqual(setPath(input, '$.taskresult', 'Hello, Step Functions!'), { ...input, taskresult: 'Hello, Step Functions!' });
  });

  it('inserts into a child node (AWS example)', () => {
    const withStrings = { comment: 'An input comment.', strings: { string1: 'foo', string2: 'bar', string3: 'baz' }, who: 'AWS Step Functions' };
    assert.deepEqual(setPath(withStrings, '$.strings.lambdaresult', 'Hello, AWS Step Functions!'), {
      comment: 'An input comment.',
      strings: { string1: 'foo', string2: 'bar', string3: 'baz', lambdaresult: 'Hello, AWS Step Functions!' },
      who: 'AWS Step Functions',
    });
  });

  it('updates an existing node in place of its value (AWS example)', () => {
    assert.deepEqual(setPath(input, '$.comment', 'Hello, AWS Step Functions!'), { ...input, comment: 'Hello, AWS Step Functions!' });
  });

  it('creates missing intermediate objects', () => {
    assert.deepEqual(setPath({}, '$.a.b.c', 1), { a: { b: { c: 1 } } });
    assert.deepEqual(setPath({ a: { x: 1 } }, "$['a']['b']", 2), { a: { x: 1, b: 2 } });
  });

  it('copies only along the path and never mutates the input', () => {
    const original = { keep: { deep: [1, 2] }, path: { inner: { v: 1 } } };
    const snapshot = structuredClone(original);
    const out = setPath(original, '$.path.inner.w', 2) as typeof original & { path: { inner: { w: number } } };
    assert.deepEqual(original, snapshot);
    assert.equal(out.keep, original.keep);
    assert.notEqual(out.path, original.path);
    assert.deepEqual(out.path.inner, { v: 1, w: 2 });
  });

  it('replaces an existing array element', () => {
    assert.deepEqual(setPath({ a: [1, 2, 3] }, '$.a[1]', 'x'), { a: [1, 'x', 3] });
    assert.deepEqual(setPath({ a: [{ v: 1 }] }, '$.a[0].w', 2), { a: [{ v: 1, w: 2 }] });
  });

  it('keeps __proto__ keys as data', () => {
    const out = setPath({}, '$.__proto__', { polluted: true }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('fails with States.ResultPathMatchFailure when the path crosses a non-object', () => {
    throwsStates(() => setPath('a string', '$.x', 1), 'States.ResultPathMatchFailure', /Unable to apply ResultPath '\$\.x'/);
    throwsStates(() => setPath({ a: 'text' }, '$.a.b', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => setPath({ a: [1] }, '$.a.b', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => setPath({ a: null }, '$.a.b', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => setPath(null, '$.a', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => setPath({ a: [1] }, '$.a[3]', 1), 'States.ResultPathMatchFailure');
    throwsStates(() => setPath({}, '$.a[0]', 1), 'States.ResultPathMatchFailure');
  });

  it('rejects paths that are not Reference Paths rooted at $', () => {
    throwsStates(() => setPath({}, '$.a[*]', 1), 'States.Runtime');
    throwsStates(() => setPath({}, '$$.Execution.Id', 1), 'States.Runtime');
  });
});

describe('StatesError', () => {
  it('carries the error name and cause', () => {
    const e = new StatesError('States.Runtime', 'boom');
    assert.equal(e.error, 'States.Runtime');
    assert.equal(e.cause, 'boom');
    assert.equal(e.message, 'boom');
    assert.ok(e instanceof Error);
    assert.equal(isStatesError(e), true);
    assert.equal(isStatesError(new Error('x')), false);
  });
});
