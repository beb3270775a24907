/**
 * The `arn:aws:states:::states:startExecution` integration (Request Response, `.sync`, `.sync:2`,
 * `.waitForTaskToken`). Starting, awaiting and stopping child executions is the API layer's job:
 * it passes a NestedExecutionHook, and `registerNestedExecutions(registry, hook)` plugs it in.
 */
import { isAwsError } from '../../../core/errors.js';
import { StatesError } from '../asl/errors.js';
import { serviceError, type Integration, type IntegrationRegistry, type TaskRequest } from '../integrations/registry.js';

export interface NestedStartRequest {
  stateMachineArn: string;
  name?: string;
  /** JSON text of the child's input. */
  input: string;
  traceHeader?: string;
}

export interface NestedExecutionResult {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  startDate: Date;
  stopDate?: Date;
  /** JSON text. */
  input: string;
  /** JSON text (SUCCEEDED only). */
  output?: string;
  error?: string;
  cause?: string;
}

export interface NestedExecutionHook {
  /** StartExecution on behalf of the parent; throw AwsError as StartExecution would. */
  start(request: NestedStartRequest, parent: TaskRequest['execution']): Promise<{ executionArn: string; startDate: Date }>;
  /** Resolves when the child stops. */
  wait(executionArn: string): Promise<NestedExecutionResult>;
  /** Stops the child when the parent's task is abandoned (timeout, parent stopped). */
  stop?(executionArn: string): void;
}

const STEP_FUNCTIONS = { errorPrefix: 'StepFunctions', serviceName: 'AWSStepFunctions' };

export function nestedExecutionIntegration(hook: NestedExecutionHook): Integration {
  return {
    async call(req) {
      const p = (req.parameters ?? {}) as Record<string, unknown>;
      if (typeof p.StateMachineArn !== 'string') {
        throw new StatesError('States.Runtime', "The field 'StateMachineArn' is required by states:startExecution");
      }
      const request: NestedStartRequest = {
        stateMachineArn: p.StateMachineArn,
        input: p.Input === undefined ? '{}' : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input),
      };
      if (typeof p.Name === 'string') request.name = p.Name;
      if (typeof p.TraceHeader === 'string') request.traceHeader = p.TraceHeader;
      try {
        const started = await hook.start(request, req.execution);
        return { ExecutionArn: started.executionArn, StartDate: started.startDate.getTime() };
      } catch (e) {
        if (isAwsError(e)) throw serviceError(STEP_FUNCTIONS, e.code, e.message, e.status);
        throw e;
      }
    },

    async waitForJob(req, submitted) {
      const arn = (submitted as { ExecutionArn: string }).ExecutionArn;
      const onAbort = () => hook.stop?.(arn);
      req.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const result = await hook.wait(arn);
        const described = describeOutput(result, req.pattern === 'sync:2');
        if (result.status !== 'SUCCEEDED') throw new StatesError('States.TaskFailed', JSON.stringify(described));
        return described;
      } finally {
        req.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** DescribeExecution as `.sync` returns it (Input/Output as JSON text), or `.sync:2` (as JSON). */
function describeOutput(r: NestedExecutionResult, asJson: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ExecutionArn: r.executionArn,
    Input: asJson ? parseOr(r.input) : r.input,
    InputDetails: { Included: true },
    Name: r.name,
  };
  if (r.output !== undefined) {
    out.Output = asJson ? parseOr(r.output) : r.output;
    out.OutputDetails = { Included: true };
  }
  out.StartDate = r.startDate.getTime();
  out.StateMachineArn = r.stateMachineArn;
  out.Status = r.status;
  if (r.stopDate) out.StopDate = r.stopDate.getTime();
  if (r.error !== undefined) out.Error = r.error;
  if (r.cause !== undefined) out.Cause = r.cause;
  return out;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Plugs the nested-execution integration into a registry. */
export function registerNestedExecutions(registry: IntegrationRegistry, hook: NestedExecutionHook): () => void {
  return registry.register('states:startExecution', nestedExecutionIntegration(hook));
}
