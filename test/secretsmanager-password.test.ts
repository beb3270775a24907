/** GetRandomPassword: character classes, exclusions and "each included type" over many draws, and AWS's refusals. */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { GetRandomPasswordCommand, type GetRandomPasswordCommandInput, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { useNimbus } from './helpers.js';

const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT = /[0-9]/;
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/;
const ALLOWED = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~ ]*$/;
const DRAWS = 200;

const nimbus = useNimbus();
let sm: SecretsManagerClient;

beforeEach(() => {
  sm = new SecretsManagerClient(nimbus.config);
});

async function draw(input: GetRandomPasswordCommandInput, times = DRAWS): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < times; i++) out.push((await sm.send(new GetRandomPasswordCommand(input))).RandomPassword!);
  return out;
}

describe('GetRandomPassword', () => {
  test('by default: 32 characters with an uppercase letter, a lowercase letter, a digit and punctuation, never a space', async () => {
    const all = await draw({});
    for (const p of all) {
      assert.equal(p.length, 32);
      assert.match(p, ALLOWED);
      assert.doesNotMatch(p, / /);
      for (const cls of [UPPER, LOWER, DIGIT, PUNCT]) assert.match(p, cls);
    }
    assert.equal(new Set(all).size, all.length);
    // Over 6,400 characters every one of the 94 printable characters should show up.
    assert.equal(new Set(all.join('')).size, 94);
  });

  test('each required class is present even in the shortest password', async () => {
    for (const p of await draw({ PasswordLength: 4 })) for (const cls of [UPPER, LOWER, DIGIT, PUNCT]) assert.match(p, cls);
  });

  test('exclusion switches and ExcludeCharacters', async () => {
    for (const p of await draw({ PasswordLength: 20, ExcludePunctuation: true, ExcludeUppercase: true })) {
      assert.match(p, /^[a-z0-9]{20}$/);
      assert.match(p, LOWER);
      assert.match(p, DIGIT);
    }
    for (const p of await draw({ ExcludeNumbers: true, ExcludeLowercase: true, ExcludePunctuation: true })) assert.match(p, /^[A-Z]{32}$/);
    for (const p of await draw({ ExcludeCharacters: 'aeiouAEIOU01234567/@"\'\\' })) {
      assert.doesNotMatch(p, /[aeiouAEIOU0-7/@"'\\]/);
      for (const cls of [UPPER, LOWER, PUNCT]) assert.match(p, cls);
      assert.match(p, /[89]/);
    }
  });

  test('IncludeSpace admits the space without requiring it', async () => {
    const all = await draw({ IncludeSpace: true, ExcludePunctuation: true, ExcludeNumbers: true, PasswordLength: 64 }, 50);
    for (const p of all) assert.match(p, /^[A-Za-z ]{64}$/);
    assert.ok(all.some((p) => p.includes(' ')));
    for (const p of await draw({ IncludeSpace: true, ExcludeCharacters: ' ' }, 50)) assert.doesNotMatch(p, / /);
  });

  test('RequireEachIncludedType false may leave a class out', async () => {
    const all = await draw({ PasswordLength: 1, RequireEachIncludedType: false });
    for (const p of all) assert.equal(p.length, 1);
    assert.ok(all.some((p) => !UPPER.test(p)));
  });

  test('PasswordLength up to 4096', async () => {
    const [p] = await draw({ PasswordLength: 4096 }, 1);
    assert.equal(p.length, 4096);
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 4097 })), { name: 'ValidationException' });
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 0 })), { name: 'ValidationException' });
  });

  test('impossible requests answer InvalidParameterException', async () => {
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ PasswordLength: 3 })), {
      name: 'InvalidParameterException',
      message: 'Password length is too short based on the required types.',
    });
    await assert.rejects(sm.send(new GetRandomPasswordCommand({ ExcludeCharacters: '0123456789' })), {
      name: 'InvalidParameterException',
      message: 'All characters of the desired type have been excluded.',
    });
    await assert.rejects(
      sm.send(new GetRandomPasswordCommand({ ExcludeUppercase: true, ExcludeLowercase: true, ExcludeNumbers: true, ExcludePunctuation: true })),
      { name: 'InvalidParameterException', message: 'All characters have been excluded from selection.' },
    );
    // Without the "each type" rule an emptied class is just absent.
    const [p] = await draw({ ExcludeCharacters: '0123456789', RequireEachIncludedType: false }, 1);
    assert.doesNotMatch(p, DIGIT);
  });
});
