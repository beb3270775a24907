/** Secrets Manager's own error answers, worded as AWS words them. */
import { AwsError } from '../../core/errors.js';

export const secretNotFound = () => new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export const markedForDeletion = () =>
  new AwsError('InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion.");

export const notOnReplica = () =>
  new AwsError('InvalidParameterException', "Operation not permitted on a replica secret. Call must be made in primary secret's region.");

export const valueNotFoundForVersion = (versionId: string) =>
  new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);

export const valueNotFoundForStage = (stage: string) =>
  new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${stage}`);

export const versionExists = () =>
  new AwsError('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");

export const bothValues = () =>
  new AwsError('InvalidParameterException', "You can't specify both a binary secret value and a string secret value in the same secret.");

export const noValue = () => new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
export const invalidRequest = (message: string) => new AwsError('InvalidRequestException', message);
