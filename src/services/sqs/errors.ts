/** SQS's errors, with the codes and wording AWS answers. */
import { AwsError } from '../../core/errors.js';

/** AWS words it differently for query-protocol clients (`...for this wsdl version.`). */
export const queueDoesNotExist = (ctx?: { protocol?: string }): AwsError =>
  new AwsError('QueueDoesNotExist', ctx?.protocol === 'awsQuery' ? 'The specified queue does not exist for this wsdl version.' : 'The specified queue does not exist.');

export const invalidParameterValue = (message: string): AwsError => new AwsError('InvalidParameterValue', message);

/** `Value <v> for parameter <p> is invalid. Reason: <r>` (InvalidParameterValue). */
export const invalidParameter = (parameter: string, value: unknown, reason: string): AwsError =>
  invalidParameterValue(`Value ${String(value)} for parameter ${parameter} is invalid. Reason: ${reason}`);

export const missingParameter = (parameter: string): AwsError =>
  new AwsError('MissingParameter', `The request must contain the parameter ${parameter}.`);

export const invalidAttributeValue = (attribute: string, reason?: string): AwsError =>
  new AwsError('InvalidAttributeValue', `Invalid value for the parameter ${attribute}.${reason ? ` Reason: ${reason}` : ''}`);

export const unknownAttribute = (attribute: string): AwsError => new AwsError('InvalidAttributeName', `Unknown Attribute ${attribute}.`);

export const receiptHandleIsInvalid = (handle: string): AwsError =>
  new AwsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);

export const receiptHandleOfOtherQueue = (handle: string): AwsError =>
  new AwsError('ReceiptHandleIsInvalid', `The receipt handle "${handle}" is not valid for this queue.`);

export const receiptHandleExpired = (handle: string): AwsError => invalidParameter('ReceiptHandle', handle, 'The receipt handle has expired.');

/** Checks an optional integer request parameter against an inclusive range. */
export function checkRange(parameter: string, value: number | undefined, min: number, max: number, reason: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) throw invalidParameter(parameter, value, reason);
}
