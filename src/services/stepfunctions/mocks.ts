/**
 * Mocked service integrations in AWS Step Functions Local's format. The mock configuration file
 * (NIMBUS_SFN_MOCK_CONFIG or SFN_MOCK_CONFIG, or the `sfnMockConfig` option) holds
 *
 *   { "StateMachines": { "<machine name>": { "TestCases": { "<test case>": { "<state name>": "<mocked response>" } } } },
 *     "MockedResponses": { "<mocked response>": { "0": { "Return": <json> }, "1-2": { "Throw": { "Error": "...", "Cause": "..." } } } } }
 *
 * An execution started on `<state machine ARN>#<test case>` runs with that test case: the Task
 * states it lists return or throw the mocked response for their Nth invocation (0-based, counted
 * per state name across retries, Map iterations and Parallel branches) instead of calling the
 * integration; every other Task calls its integration as usual. The history is the normal one
 * (TaskScheduled, TaskStarted, TaskSucceeded / TaskFailed; TaskSubmitted too for `.sync` and
 * `.waitForTaskToken`, whose token is answered with the mocked response). The file is read when the
 * service starts and read again when its modification time changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { AwsError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { StatesError } from './asl/errors.js';
import type { TaskTokenTable } from './executor/tokens.js';
import { IntegrationRegistry, type Integration, type ParsedResource, type ResolvedIntegration, type TaskRequest } from './integrations/registry.js';

/** One entry of a mocked response: invocations `from`..`to` (inclusive) return or throw. */
export interface MockedStep {
  from: number;
  to: number;
  result: { value: unknown } | { error: string; cause: string };
}

/** A test case: state name -> its mocked response (steps in invocation order). */
export type TestCase = ReadonlyMap<string, readonly MockedStep[]>;

interface MockConfig {
  /** machine name -> test case name -> test case */
  machines: Map<string, Map<string, TestCase>>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks a mock configuration; throws an Error saying what is wrong and where. */
export function parseMockConfig(text: string): MockConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(raw)) throw new Error('the configuration must be a JSON object');
  const responses = raw.MockedResponses ?? {};
  const machines = raw.StateMachines ?? {};
  if (!isObject(responses)) throw new Error('MockedResponses must be an object');
  if (!isObject(machines)) throw new Error('StateMachines must be an object');
  const steps = new Map<string, MockedStep[]>();
  for (const [name, response] of Object.entries(responses)) steps.set(name, parseResponse(name, response));
  const out: MockConfig = { machines: new Map() };
  for (const [machine, def] of Object.entries(machines)) {
    if (!isObject(def) || !isObject(def.TestCases)) throw new Error(`StateMachines.${machine} must have a TestCases object`);
    const cases = new Map<string, TestCase>();
    for (const [caseName, mapping] of Object.entries(def.TestCases)) {
      if (!isObject(mapping)) throw new Error(`StateMachines.${machine}.TestCases.${caseName} must map state names to mocked response names`);
      const testCase = new Map<string, MockedStep[]>();
      for (const [state, responseName] of Object.entries(mapping)) {
        const found = typeof responseName === 'string' ? steps.get(responseName) : undefined;
        if (!found) throw new Error(`StateMachines.${machine}.TestCases.${caseName}.${state} names the mocked response ${JSON.stringify(responseName)}, which MockedResponses does not define`);
        testCase.set(state, found);
      }
      cases.set(caseName, testCase);
    }
    out.machines.set(machine, cases);
  }
  return out;
}

function parseResponse(name: string, response: unknown): MockedStep[] {
  if (!isObject(response) || !Object.keys(response).length) throw new Error(`MockedResponses.${name} must be an object of invocation keys ("0", "1-2", ...)`);
  const steps: MockedStep[] = [];
  for (const [key, entry] of Object.entries(response)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!m) throw new Error(`MockedResponses.${name}: "${key}" is not an invocation number or range such as "0" or "1-2"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`MockedResponses.${name}: the range "${key}" ends before it starts`);
    if (!isObject(entry) || ('Return' in entry) === ('Throw' in entry)) throw new Error(`MockedResponses.${name}.${key} must have exactly one of Return or Throw`);
    if ('Return' in entry) {
      steps.push({ from, to, result: { value: entry.Return } });
    } else {
      const t = entry.Throw;
      if (!isObject(t) || typeof t.Error !== 'string' || typeof t.Cause !== 'string') throw new Error(`MockedResponses.${name}.${key}.Throw must have Error and Cause strings`);
      steps.push({ from, to, result: { error: t.Error, cause: t.Cause } });
    }
  }
  steps.sort((a, b) => a.from - b.from);
  for (let i = 1; i < steps.length; i++) {
    if (steps[i].from <= steps[i - 1].to) throw new Error(`MockedResponses.${name}: invocation ${steps[i].from} is defined twice`);
  }
  return steps;
}

/** The mock configuration file, read at start and again whenever it changes. */
export class MockConfigSource {
  private config: MockConfig | undefined;
  private problem: string | undefined;
  private mtimeMs = -1;

  constructor(
    readonly path: string | undefined,
    private readonly logger: Logger,
  ) {
    if (path) {
      this.refresh();
      if (this.problem) logger.error('Step Functions mock configuration not loaded', { path, error: this.problem });
    }
  }

  /** The test case an execution on `<machine>#<caseName>` runs with; throws ValidationException when there is none. */
  testCase(machineName: string, caseName: string): TestCase {
    if (!this.path) throw new AwsError('ValidationException', `No mock configuration is loaded: set NIMBUS_SFN_MOCK_CONFIG (or SFN_MOCK_CONFIG) to run the test case '${caseName}'`);
    this.refresh();
    if (!this.config) throw new AwsError('ValidationException', `The mock configuration ${this.path} is invalid: ${this.problem}`);
    const found = this.config.machines.get(machineName)?.get(caseName);
    if (!found) throw new AwsError('ValidationException', `The mock configuration ${this.path} has no test case '${caseName}' for the state machine '${machineName}'`);
    return found;
  }

  private refresh(): void {
    const path = this.path!;
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch (e) {
      this.config = undefined;
      this.problem = `cannot read it: ${(e as Error).message}`;
      this.mtimeMs = -1;
      return;
    }
    if (mtimeMs === this.mtimeMs) return;
    this.mtimeMs = mtimeMs;
    try {
      this.config = parseMockConfig(readFileSync(path, 'utf8'));
      this.problem = undefined;
    } catch (e) {
      this.config = undefined;
      this.problem = (e as Error).message;
    }
  }
}

/**
 * The integrations of one execution run with a test case: Task states the test case lists get
 * their mocked responses, every other state the integration `base` resolves.
 */
export class MockedIntegrations extends IntegrationRegistry {
  private readonly invocations = new Map<string, number>();

  constructor(
    private readonly base: IntegrationRegistry,
    private readonly testCase: TestCase,
    private readonly tokens: TaskTokenTable,
  ) {
    super();
  }

  override resolve(resource: string | ParsedResource): ResolvedIntegration | undefined {
    const real = this.base.resolve(resource);
    const parsed = real?.parsed ?? (typeof resource === 'string' ? undefined : resource);
    if (!parsed) return undefined;
    // Which state asks is known only at call time, so the wrapper decides there.
    return { parsed, integration: this.wrap(parsed, real?.integration) };
  }

  private wrap(parsed: ParsedResource, real: Integration | undefined): Integration {
    const unresolved = () => new StatesError('States.Runtime', `Nimbus has no integration for the resource '${parsed.arn}'.`);
    return {
      call: async (req) => {
        const steps = this.testCase.get(req.stateName);
        if (!steps) {
          if (!real) throw unresolved();
          if ((req.pattern === 'sync' || req.pattern === 'sync:2') && !real.waitForJob) {
            throw new StatesError('States.Runtime', `Nimbus's integration for '${parsed.key}' does not support the Run a Job (.sync) pattern.`);
          }
          return real.call(req);
        }
        const value = this.respond(req, steps);
        // Step Functions Local answers the task token of a mocked callback task itself.
        if (req.pattern === 'callback' && req.token) {
          const token = req.token;
          const json = JSON.stringify(value ?? null);
          queueMicrotask(() => {
            try {
              this.tokens.sendTaskSuccess(token, json);
            } catch {
              // The task already ended (timed out or the execution stopped).
            }
          });
        }
        return value;
      },
      waitForJob: async (req, submitted) => {
        if (this.testCase.has(req.stateName)) return submitted;
        if (!real?.waitForJob) throw unresolved();
        return real.waitForJob(req, submitted);
      },
    };
  }

  /** The mocked response of this invocation of the state: its value, or a thrown StatesError. */
  private respond(req: TaskRequest, steps: readonly MockedStep[]): unknown {
    const n = this.invocations.get(req.stateName) ?? 0;
    this.invocations.set(req.stateName, n + 1);
    const step = steps.find((s) => n >= s.from && n <= s.to);
    if (!step) throw new StatesError('States.Runtime', `The mocked response for the state '${req.stateName}' defines no response for invocation ${n}.`);
    const r = step.result;
    if ('error' in r) throw new StatesError(r.error, r.cause);
    return r.value;
  }
}
