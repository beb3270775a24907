/**
 * Task tokens of Wait for Callback tasks and activities, and the SendTaskSuccess /
 * SendTaskFailure / SendTaskHeartbeat side of them.
 *
 * A token is random bytes plus a MAC under this table's secret, so a token we issued can be told
 * from a forged or mangled one without remembering finished tasks: malformed -> InvalidToken,
 * not ours -> TaskDoesNotExist, ours but no longer waiting (done, timed out, execution stopped)
 * -> TaskTimedOut, as AWS answers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { AwsError } from '../../../core/errors.js';

export interface TokenListener {
  /** `output` is the caller's JSON text, `value` its parsed value. */
  succeed(value: unknown, output: string): void;
  fail(error: string | undefined, cause: string | undefined): void;
  heartbeat(): void;
}

const RANDOM_BYTES = 48;
const MAC_BYTES = 16;
const TOKEN_BYTES = RANDOM_BYTES + MAC_BYTES;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export class TaskTokenTable {
  private readonly secret = randomBytes(32);
  private readonly live = new Map<string, TokenListener>();

  /** A fresh token (not yet listening: see `listen`). */
  issue(): string {
    const random = randomBytes(RANDOM_BYTES);
    return Buffer.concat([random, this.mac(random)]).toString('base64');
  }

  listen(token: string, listener: TokenListener): void {
    this.live.set(token, listener);
  }

  /** Stops listening (task finished, timed out or aborted): later calls get TaskTimedOut. */
  forget(token: string): void {
    this.live.delete(token);
  }

  get size(): number {
    return this.live.size;
  }

  sendTaskSuccess(token: string, output: string): void {
    const listener = this.find(token);
    let value: unknown;
    try {
      value = JSON.parse(output);
    } catch {
      throw new AwsError('InvalidOutput', 'Invalid Output: the output must be valid JSON');
    }
    this.live.delete(token);
    listener.succeed(value, output);
  }

  sendTaskFailure(token: string, error?: string, cause?: string): void {
    this.take(token).fail(error, cause);
  }

  sendTaskHeartbeat(token: string): void {
    this.find(token).heartbeat();
  }

  private take(token: string): TokenListener {
    const listener = this.find(token);
    this.live.delete(token);
    return listener;
  }

  private find(token: string): TokenListener {
    const listener = this.live.get(token);
    if (listener) return listener;
    if (typeof token !== 'string' || !BASE64.test(token)) throw invalidToken();
    const raw = Buffer.from(token, 'base64');
    if (raw.length !== TOKEN_BYTES) throw invalidToken();
    if (!this.mac(raw.subarray(0, RANDOM_BYTES)).equals(raw.subarray(RANDOM_BYTES))) {
      throw new AwsError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");
    }
    throw new AwsError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(data).digest().subarray(0, MAC_BYTES);
  }
}

const invalidToken = () => new AwsError('InvalidToken', "Invalid Token: 'Invalid token'");

/** The process-wide table executions use unless given their own. */
export const defaultTokenTable = new TaskTokenTable();

export const sendTaskSuccess = (token: string, output: string): void => defaultTokenTable.sendTaskSuccess(token, output);
export const sendTaskFailure = (token: string, error?: string, cause?: string): void =>
  defaultTokenTable.sendTaskFailure(token, error, cause);
export const sendTaskHeartbeat = (token: string): void => defaultTokenTable.sendTaskHeartbeat(token);
