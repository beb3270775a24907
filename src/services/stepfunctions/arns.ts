/**
 * Step Functions ARNs: building them, and reading the ARN a caller sent with AWS's InvalidArn
 * answers ("Invalid ARN prefix: ..." for something that is not an ARN, "Resource type not valid in
 * this context: <type>" for a Step Functions ARN of the wrong kind, such as an express execution
 * given to DescribeExecution).
 */
import { AwsError } from '../../core/errors.js';
import { arn, uuid } from '../../core/ids.js';

export type StatesResourceType = 'stateMachine' | 'execution' | 'express' | 'activity';

export interface StatesArn {
  region: string;
  account: string;
  type: string;
  /** The parts after the resource type (`[name]`, `[machine, execution]`, ...). */
  rest: string[];
}

export const stateMachineArn = (region: string, account: string, name: string): string => arn('states', region, account, `stateMachine:${name}`);

export const executionArn = (region: string, account: string, machineName: string, name: string): string =>
  arn('states', region, account, `execution:${machineName}:${name}`);

/** EXPRESS executions carry a unique suffix: `...:express:<machine>:<name>:<uuid>`. */
export const expressExecutionArn = (region: string, account: string, machineName: string, name: string): string =>
  arn('states', region, account, `express:${machineName}:${name}:${uuid()}`);

export const activityArn = (region: string, account: string, name: string): string => arn('states', region, account, `activity:${name}`);

export const invalidArn = (detail: string): AwsError => new AwsError('InvalidArn', `Invalid Arn: '${detail}'`);

/**
 * Parses a Step Functions ARN and checks its resource type is one of `allowed`; throws AWS's
 * InvalidArn otherwise.
 */
export function parseStatesArn(value: string, allowed: readonly StatesResourceType[]): StatesArn {
  const parts = value.split(':');
  if (parts.length < 7 || parts[0] !== 'arn' || parts[2] !== 'states' || parts.some((p, i) => i > 5 && p === '')) {
    throw invalidArn(`Invalid ARN prefix: ${value}`);
  }
  const type = parts[5];
  if (!(allowed as readonly string[]).includes(type)) throw invalidArn(`Resource type not valid in this context: ${type}`);
  return { region: parts[3], account: parts[4], type, rest: parts.slice(6) };
}

/** The state machine name inside a state machine or execution ARN. */
export const machineNameOf = (stateMachineOrExecutionArn: string): string => stateMachineOrExecutionArn.split(':')[6] ?? '';

/** A state machine ARN split into the machine's own ARN and its qualifier (a version number or an alias name). */
export interface MachineArnParts {
  machineArn: string;
  qualifier?: string;
}

/** Splits `...:stateMachine:<name>[:<version or alias>]`; throws InvalidArn for anything else. */
export function splitMachineArn(value: string): MachineArnParts {
  const { rest } = parseStatesArn(value, ['stateMachine']);
  if (rest.length === 1) return { machineArn: value };
  if (rest.length === 2) return { machineArn: value.slice(0, value.length - rest[1].length - 1), qualifier: rest[1] };
  throw invalidArn(`Invalid ARN prefix: ${value}`);
}

/** Version qualifiers are positive integers; alias names must contain a non-digit (the model's pattern). */
export const isVersionQualifier = (qualifier: string): boolean => /^[1-9][0-9]*$/.test(qualifier);

/** APIs that only take a state machine's own ARN answer a version or alias ARN with this. */
export const labeledArnNotSupported = (): AwsError =>
  new AwsError('ValidationException', 'This API does not support labeled ARNs.', 400, { reason: 'API_DOES_NOT_SUPPORT_LABELED_ARNS' });
