/**
 * Containers of states (the machine, Parallel branches, Map item processors) and the states in
 * them: which fields each state type takes in each query language, and the checks on those fields.
 */
import {
  type Checker,
  type Obj,
  type Scope,
  type ScopeKind,
  type StateCheck,
  at,
  checkAssignNames,
  checkExclusive,
  checkInteger,
  checkJsonataPayload,
  checkLanguageFields,
  checkNumberOrExpression,
  checkPathOrNull,
  checkQueryLanguageValue,
  checkReferencePath,
  checkRequired,
  checkResultPath,
  checkSupported,
  checkTemplate,
  expectType,
  has,
  isObject,
  item,
  resolvesToJsonata,
} from './validate-check.js';
import { checkChoices } from './validate-choice.js';
import { checkMapFields, notRecognized } from './validate-map.js';
import { isIntrinsicCall, isJsonataExpression, isTimestamp, isValidReferencePath, looksLikePathOrIntrinsic } from './validate-paths.js';
import { checkJsonataExpressions } from './validate-jsonata.js';
import { checkCatch, checkRetry } from './validate-retry-catch.js';

const MAX_SECONDS = 99999999;
const MAX_STATE_NAME_LENGTH = 80;

/** AWS lists the types in this order in its diagnostic. */
const STATE_TYPES = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'] as const;
type Type = (typeof STATE_TYPES)[number];

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const IO = ['InputPath', 'OutputPath'];
const RESULT = ['ResultSelector', 'ResultPath', 'Output'];
const TRANSITION = ['Next', 'End'];
const ERRORS = ['Retry', 'Catch'];

const FIELDS: Record<Type, ReadonlySet<string>> = {
  Pass: new Set([...COMMON, ...IO, ...TRANSITION, 'Parameters', 'Result', 'ResultPath', 'Assign', 'Output']),
  Task: new Set([
    ...COMMON, ...IO, ...TRANSITION, ...RESULT, ...ERRORS, 'Resource', 'Parameters', 'Arguments', 'Assign', 'Credentials',
    'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath',
  ]),
  Choice: new Set([...COMMON, ...IO, 'Choices', 'Default', 'Assign', 'Output']),
  Wait: new Set([...COMMON, ...IO, ...TRANSITION, 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath', 'Assign', 'Output']),
  Succeed: new Set([...COMMON, ...IO, 'Output']),
  Fail: new Set([...COMMON, 'Error', 'ErrorPath', 'Cause', 'CausePath']),
  Parallel: new Set([...COMMON, ...IO, ...TRANSITION, ...RESULT, ...ERRORS, 'Branches', 'Parameters', 'Arguments', 'Assign']),
  Map: new Set([
    ...COMMON, ...IO, ...TRANSITION, ...RESULT, ...ERRORS, 'Assign', 'ItemProcessor', 'Iterator', 'ItemsPath', 'Items',
    'ItemSelector', 'Parameters', 'MaxConcurrency', 'MaxConcurrencyPath', 'ItemReader', 'ItemBatcher', 'ResultWriter',
    'ToleratedFailureCount', 'ToleratedFailureCountPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'Label',
  ]),
};

/** Fields that exist in one query language only; a state of the other language refuses them. */
const JSONPATH_ONLY = [
  'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Result', 'ItemsPath', 'SecondsPath', 'TimestampPath',
  'ErrorPath', 'CausePath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'MaxConcurrencyPath', 'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
];
const JSONATA_ONLY = ['Output', 'Arguments', 'Items'];

const TRANSITIONING: ReadonlySet<string> = new Set(['Task', 'Wait', 'Pass', 'Parallel', 'Map']);
const WAIT_FIELDS = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'];

const SCOPE_FIELDS: Record<ScopeKind | 'top', ReadonlySet<string>> = {
  top: new Set(['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage']),
  branch: new Set(['Comment', 'StartAt', 'States']),
  processor: new Set(['Comment', 'StartAt', 'States', 'ProcessorConfig']),
};

/**
 * Validates a container of states at `prefix` ('' for the machine) and registers it for the
 * graph pass. States inside it recurse back here for their own branches and item processors.
 */
export function validateScope(c: Checker, v: unknown, prefix: string, kind: ScopeKind | 'top', express: boolean): void {
  const objLoc = prefix || '/';
  if (!expectType(c, v, objLoc, 'OBJECT')) return;
  const o = v as Obj;
  checkSupported(c, o, SCOPE_FIELDS[kind], objLoc);
  checkRequired(c, o, ['States', 'StartAt'], objLoc);
  if (has(o, 'StartAt')) expectType(c, o.StartAt, at(prefix, 'StartAt'), 'STRING');
  if (has(o, 'Comment')) expectType(c, o.Comment, at(prefix, 'Comment'), 'STRING');
  if (kind === 'top') {
    if (has(o, 'Version')) expectType(c, o.Version, at(prefix, 'Version'), 'STRING');
    if (has(o, 'TimeoutSeconds')) checkInteger(c, o.TimeoutSeconds, at(prefix, 'TimeoutSeconds'), 1, MAX_SECONDS);
    if (has(o, 'QueryLanguage')) checkQueryLanguageValue(c, o.QueryLanguage, at(prefix, 'QueryLanguage'));
  }
  if (!has(o, 'States')) return;
  const statesLoc = at(prefix, 'States');
  if (!expectType(c, o.States, statesLoc, 'OBJECT')) return;
  const states = o.States as Obj;
  const names = Object.keys(states);
  if (names.length === 0) {
    c.schema('Value cannot be empty', statesLoc);
    return;
  }
  const scope: Scope = { prefix, top: kind === 'top', startAt: o.StartAt, states, edges: new Map(), hasTerminal: false };
  c.scopes.push(scope);
  for (const key of c.duplicateKeys.get(statesLoc) ?? []) c.error('DUPLICATE_STATE_NAME', `Duplicate State name: ${key}`, at(statesLoc, key));
  for (const name of names) {
    const loc = at(statesLoc, name);
    checkStateName(c, name, loc);
    checkState(c, states[name], loc, express, scope, name);
  }
}

function checkStateName(c: Checker, name: string, loc: string): void {
  const length = [...name].length;
  if (length === 0) c.error('INVALID_STATE_NAME', 'State name cannot be empty', loc);
  else if (length > MAX_STATE_NAME_LENGTH) {
    c.error('INVALID_STATE_NAME', `State name exceeds the maximum length of ${MAX_STATE_NAME_LENGTH} characters: ${name}`, loc);
  }
  if (c.stateNames.has(name)) c.error('DUPLICATE_STATE_NAME', `Duplicate State name: ${name}`, loc);
  else c.stateNames.add(name);
}

function checkState(c: Checker, v: unknown, loc: string, express: boolean, scope: Scope, name: string): void {
  if (!expectType(c, v, loc, 'OBJECT')) return;
  const state = v as Obj;
  if (!checkRequired(c, state, ['Type'], loc) || !expectType(c, state.Type, at(loc, 'Type'), 'STRING')) return;
  const type = state.Type as Type;
  if (!STATE_TYPES.includes(type)) {
    c.schema(`The field 'Type' should have one of these values: [${STATE_TYPES.join(', ')}]`, at(loc, 'Type'));
    return;
  }
  const allowed = FIELDS[type];
  const jsonata = resolvesToJsonata(state.QueryLanguage, c.machineJsonata);
  // A JSONata machine cannot switch single states back to JSONPath; the reverse is allowed.
  const downgraded = c.machineJsonata && state.QueryLanguage === 'JSONPath';
  if (downgraded) c.schema(`'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine`, loc);
  checkSupported(c, state, allowed, loc);
  const foreign = downgraded
    ? new Set<string>()
    : checkLanguageFields(c, state, jsonata, JSONPATH_ONLY.filter((f) => allowed.has(f)), JSONATA_ONLY.filter((f) => allowed.has(f)), loc);

  const s: StateCheck = { c, state, loc, jsonata, express, foreign, edges: [] };
  checkCommonFields(s);
  if (jsonata) checkJsonataExpressions(c, state, loc);
  switch (type) {
    case 'Task':
      checkTask(s);
      break;
    case 'Choice':
      checkRequired(c, state, ['Choices'], loc);
      if (has(state, 'Choices')) s.edges.push(...checkChoices(c, state.Choices, at(loc, 'Choices'), jsonata));
      if (has(state, 'Default') && expectType(c, state.Default, at(loc, 'Default'), 'STRING')) {
        s.edges.push({ target: state.Default as string, location: at(loc, 'Default') });
      }
      break;
    case 'Wait':
      checkWait(s);
      break;
    case 'Fail':
      checkFail(s);
      break;
    case 'Parallel':
      checkParallel(s);
      break;
    case 'Map':
      checkMapFields(s, validateScope);
      break;
  }
  if (allowed.has('Retry') && has(state, 'Retry')) checkRetry(c, state.Retry, at(loc, 'Retry'));
  if (allowed.has('Catch') && has(state, 'Catch')) s.edges.push(...checkCatch(c, state.Catch, at(loc, 'Catch'), jsonata));
  if (TRANSITIONING.has(type)) checkTransition(s);
  if (type === 'Succeed' || type === 'Fail' || (TRANSITIONING.has(type) && state.End === true)) scope.hasTerminal = true;
  scope.edges.set(name, s.edges);
}

function checkCommonFields(s: StateCheck): void {
  const { c, state, loc, jsonata } = s;
  const allowed = FIELDS[state.Type as Type];
  // Fields the state type does not take, or that belong to the other language, are already reported.
  const own = (f: string): boolean => has(state, f) && allowed.has(f) && !s.foreign.has(f);
  if (has(state, 'Comment')) expectType(c, state.Comment, at(loc, 'Comment'), 'STRING');
  if (has(state, 'QueryLanguage')) checkQueryLanguageValue(c, state.QueryLanguage, at(loc, 'QueryLanguage'));
  for (const f of IO) if (own(f)) checkPathOrNull(c, state[f], at(loc, f), f);
  if (own('ResultPath')) checkResultPath(c, state.ResultPath, at(loc, 'ResultPath'));
  for (const f of ['Parameters', 'ResultSelector']) {
    if (own(f) && expectType(c, state[f], at(loc, f), 'OBJECT')) checkTemplate(c, state[f], at(loc, f));
  }
  if (own('Arguments')) checkJsonataPayload(c, state.Arguments, at(loc, 'Arguments'));
  if (own('Assign') && expectType(c, state.Assign, at(loc, 'Assign'), 'OBJECT')) {
    checkAssignNames(c, state.Assign as Obj, at(loc, 'Assign'), jsonata);
    if (!jsonata) checkTemplate(c, state.Assign, at(loc, 'Assign'));
  }
  if (own('Result') && hasDynamicLookingValue(state.Result)) {
    c.warn('PASS_RESULT_IS_STATIC', `The field 'Result' is static: the paths and '.$' fields in it are not evaluated`, at(loc, 'Result'));
  }
}

/** A Pass Result holding what looks like a path template (a `.$` key, or a path-like string). */
function hasDynamicLookingValue(v: unknown): boolean {
  if (typeof v === 'string') return looksLikePathOrIntrinsic(v);
  if (Array.isArray(v)) return v.some(hasDynamicLookingValue);
  if (!isObject(v)) return false;
  return Object.entries(v).some(([k, x]) => k.endsWith('.$') || hasDynamicLookingValue(x));
}

function checkTransition(s: StateCheck): void {
  const { c, state, loc } = s;
  const hasNext = has(state, 'Next');
  const endOk = !has(state, 'End') || expectType(c, state.End, at(loc, 'End'), 'BOOLEAN');
  const end = state.End === true;
  if (hasNext && end) c.schema('There should only be one of the following fields: [Next, End]', loc);
  else if (!hasNext && !end && endOk) c.schema('This object should have only one of the following fields: [Next, End]', loc);
  if (hasNext && expectType(c, state.Next, at(loc, 'Next'), 'STRING')) s.edges.push({ target: state.Next as string, location: at(loc, 'Next') });
}

const INTEGRATION = /^(aws-sdk:[a-z0-9-]+:[A-Za-z0-9]+|[a-z0-9-]+:[A-Za-z0-9]+)(\.sync(:2)?|\.waitForTaskToken)?$/;

function checkResource(s: StateCheck): void {
  const { c, state, loc } = s;
  const l = at(loc, 'Resource');
  if (!expectType(c, state.Resource, l, 'STRING')) return;
  const resource = state.Resource as string;
  const parts = resource.split(':');
  if (parts[0] !== 'arn' || parts.length < 6 || !parts[1] || !parts[2]) {
    c.schema('Value is not a valid resource ARN', l);
    return;
  }
  const [, , service, region, account] = parts;
  const rest = parts.slice(5).join(':');
  const integration = service === 'states' && !region && !account;
  const activity = service === 'states' && !!region && /^\d{12}$/.test(account) && /^activity:.+/.test(rest);
  const lambda = service === 'lambda' && !!region && /^\d{12}$/.test(account) && /^function:.+/.test(rest);
  if (integration ? !INTEGRATION.test(rest) : !(activity || lambda)) {
    c.schema(notRecognized(resource), l);
    return;
  }
  if (!s.express) return;
  if (activity) c.schema('Express state machine does not support Activity ARN', l);
  else if (rest.endsWith('.waitForTaskToken')) c.schema(`Express state machine does not support '.waitForTaskToken' service integration `, l);
  else if (/\.sync(:2)?$/.test(rest)) c.schema(`Express state machine does not support '.sync' service integration `, l);
}

function checkTask(s: StateCheck): void {
  const { c, state, loc, jsonata } = s;
  checkRequired(c, state, ['Resource'], loc);
  if (has(state, 'Resource')) checkResource(s);
  const seconds: Record<string, number | undefined> = {};
  for (const f of ['TimeoutSeconds', 'HeartbeatSeconds']) {
    checkExclusive(c, state, [f, `${f}Path`], loc);
    if (has(state, f)) seconds[f] = checkNumberOrExpression(c, state[f], at(loc, f), jsonata, { integer: true, min: 1, max: MAX_SECONDS });
    if (has(state, `${f}Path`) && !s.foreign.has(`${f}Path`)) checkReferencePath(c, state[`${f}Path`], at(loc, `${f}Path`), `${f}Path`);
  }
  const { TimeoutSeconds: timeout, HeartbeatSeconds: heartbeat } = seconds;
  if (heartbeat !== undefined && heartbeat >= (timeout ?? MAX_SECONDS)) {
    c.schema(`The value of the field 'HeartbeatSeconds' must be smaller than the value of the field 'TimeoutSeconds'`, at(loc, 'HeartbeatSeconds'));
  }
  if (has(state, 'Credentials')) checkCredentials(s);
}

function checkCredentials(s: StateCheck): void {
  const { c, state, loc, jsonata } = s;
  const l = at(loc, 'Credentials');
  if (!expectType(c, state.Credentials, l, 'OBJECT')) return;
  const creds = state.Credentials as Obj;
  checkSupported(c, creds, new Set(['RoleArn', 'RoleArn.$']), l);
  checkLanguageFields(c, creds, jsonata, ['RoleArn.$'], [], l, true);
  if (!has(creds, 'RoleArn') && !has(creds, 'RoleArn.$')) checkRequired(c, creds, ['RoleArn'], l);
  checkExclusive(c, creds, ['RoleArn', 'RoleArn.$'], l);
  if (has(creds, 'RoleArn')) expectType(c, creds.RoleArn, at(l, 'RoleArn'), 'STRING');
  if (has(creds, 'RoleArn.$') && !jsonata) checkTemplate(c, { 'RoleArn.$': creds['RoleArn.$'] }, l);
}

function checkWait(s: StateCheck): void {
  const { c, state, loc, jsonata } = s;
  const present = WAIT_FIELDS.filter((f) => has(state, f));
  if (present.length === 0) c.schema(`This object should have only one of the following fields: [${WAIT_FIELDS.join(', ')}]`, loc);
  else if (present.length > 1) c.schema(`There should only be one of the following fields: [${WAIT_FIELDS.join(', ')}]`, loc);
  if (has(state, 'Seconds')) checkNumberOrExpression(c, state.Seconds, at(loc, 'Seconds'), jsonata, { integer: true, min: 0, max: MAX_SECONDS });
  if (has(state, 'Timestamp') && expectType(c, state.Timestamp, at(loc, 'Timestamp'), 'STRING')) {
    const ts = state.Timestamp as string;
    if (!(jsonata && isJsonataExpression(ts)) && !isTimestamp(ts)) {
      c.schema(`The value for the field 'Timestamp' must be a valid timestamp`, at(loc, 'Timestamp'));
    }
  }
  for (const f of ['SecondsPath', 'TimestampPath']) if (has(state, f) && !s.foreign.has(f)) checkReferencePath(c, state[f], at(loc, f), f);
}

function checkFail(s: StateCheck): void {
  const { c, state, loc, jsonata } = s;
  for (const f of ['Error', 'Cause']) {
    checkExclusive(c, state, [f, `${f}Path`], loc);
    if (has(state, f) && expectType(c, state[f], at(loc, f), 'STRING') && !jsonata && looksLikePathOrIntrinsic(state[f] as string)) {
      c.warn('NO_PATH', `The value of the field '${f}' looks like a path, but the field name does not end with 'Path'`, at(loc, f));
    }
    const p = `${f}Path`;
    if (has(state, p) && !s.foreign.has(p) && expectType(c, state[p], at(loc, p), 'STRING')) {
      const v = state[p] as string;
      if (!isValidReferencePath(v, { context: true, variables: true }) && !isIntrinsicCall(v)) {
        c.schema(`The value for the field '${p}' must be a valid reference path or a valid intrinsic function call`, at(loc, p));
      }
    }
  }
}

function checkParallel(s: StateCheck): void {
  const { c, state, loc } = s;
  if (!checkRequired(c, state, ['Branches'], loc)) return;
  const l = at(loc, 'Branches');
  if (!expectType(c, state.Branches, l, 'ARRAY')) return;
  const branches = state.Branches as unknown[];
  if (branches.length === 0) c.schema('Value cannot be empty', l);
  branches.forEach((b, i) => validateScope(c, b, item(l, i), 'branch', s.express));
}
