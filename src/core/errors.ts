/**
 * An error a handler throws to answer the caller with AWS's error shape. The protocol codec
 * serialises it (JSON `__type`, query `<Error><Code>`, rest-XML `<Error>`), so handlers never
 * build error bodies by hand.
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members of the modelled error shape (for example `Reason` or `resourceName`). */
  readonly fields?: Record<string, unknown>;

  constructor(code: string, message: string, status = 400, fields?: Record<string, unknown>) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.fields = fields;
  }

  get senderFault(): boolean {
    return this.status < 500;
  }
}

export const isAwsError = (e: unknown): e is AwsError => e instanceof AwsError;

/** AWS's wording for input validation failures (`1 validation error detected: ...`). */
export function validationMessage(problems: string[]): string {
  const n = problems.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

export function notImplemented(service: string, operation: string): AwsError {
  return new AwsError('NotImplemented', `Nimbus does not implement ${service}:${operation} yet`, 501);
}
