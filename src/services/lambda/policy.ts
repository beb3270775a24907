/** Resource-based policies: AddPermission / RemovePermission / GetPolicy, per function or qualifier. */
import type * as T from '../../generated/lambda.types.js';
import { AwsError } from '../../core/errors.js';
import { partitionOf } from '../../core/ids.js';
import type { RequestContext } from '../types.js';
import { eventConfigHandlers } from './event-config.js';
import { conflict, functionArn, preconditionFailed } from './names.js';
import type { LambdaCore } from './service.js';
import type { PolicyStatement } from './store.js';

function principalOf(principal: string, region: string): unknown {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:${partitionOf(region)}:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

export function policyHandlers(core: LambdaCore) {
  const refOf = (ctx: RequestContext, name: string, qualifier?: string) => core.ref({ account: ctx.account, region: ctx.region }, name, qualifier);

  return {
    AddPermission(ctx: RequestContext, input: T.AddPermissionRequest): T.AddPermissionResponse {
      const ref = refOf(ctx, input.FunctionName, input.Qualifier);
      const fn = core.fn(ref);
      core.checkQualifier(fn, ref);
      if (input.RevisionId !== undefined && input.RevisionId !== core.record(ref).config.RevisionId) throw preconditionFailed('GetPolicy');
      const key = ref.qualifier ?? '';
      const list = fn.policies.get(key) ?? [];
      if (list.some((s) => s.Sid === input.StatementId))
        throw conflict(`The statement id (${input.StatementId}) provided already exists. Please choose a new statement id, or remove the existing statement.`);
      const statement: PolicyStatement = {
        Sid: input.StatementId,
        Effect: 'Allow',
        Principal: principalOf(input.Principal, fn.region),
        Action: input.Action,
        Resource: functionArn(fn.region, fn.account, fn.name, ref.qualifier),
      };
      const condition: Record<string, Record<string, string>> = {};
      if (input.SourceAccount) (condition.StringEquals ??= {})['AWS:SourceAccount'] = input.SourceAccount;
      if (input.PrincipalOrgID) (condition.StringEquals ??= {})['aws:PrincipalOrgID'] = input.PrincipalOrgID;
      if (input.FunctionUrlAuthType) (condition.StringEquals ??= {})['lambda:FunctionUrlAuthType'] = input.FunctionUrlAuthType;
      if (input.EventSourceToken) (condition.StringEquals ??= {})['lambda:EventSourceToken'] = input.EventSourceToken;
      if (input.SourceArn) (condition.ArnLike ??= {})['AWS:SourceArn'] = input.SourceArn;
      if (Object.keys(condition).length) statement.Condition = condition;
      fn.policies.set(key, [...list, statement]);
      return { Statement: JSON.stringify(statement) };
    },

    RemovePermission(ctx: RequestContext, input: T.RemovePermissionRequest): void {
      const ref = refOf(ctx, input.FunctionName, input.Qualifier);
      const fn = core.fn(ref);
      core.checkQualifier(fn, ref);
      if (input.RevisionId !== undefined && input.RevisionId !== core.record(ref).config.RevisionId) throw preconditionFailed('GetPolicy');
      const key = ref.qualifier ?? '';
      const list = fn.policies.get(key) ?? [];
      const rest = list.filter((s) => s.Sid !== input.StatementId);
      if (rest.length === list.length) throw new AwsError('ResourceNotFoundException', `Statement ${input.StatementId} is not found in resource policy.`, 404);
      if (rest.length) fn.policies.set(key, rest);
      else fn.policies.delete(key);
    },

    GetPolicy(ctx: RequestContext, input: T.GetPolicyRequest): T.GetPolicyResponse {
      const ref = refOf(ctx, input.FunctionName, input.Qualifier);
      const fn = core.fn(ref);
      core.checkQualifier(fn, ref);
      const list = fn.policies.get(ref.qualifier ?? '');
      if (!list?.length) throw new AwsError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
      return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: list }), RevisionId: core.record(ref).config.RevisionId };
    },

    ...eventConfigHandlers(core),
  };
}
