import type { ServiceFactory } from '../registry.js';
import type { GetCallerIdentityResponse } from '../../generated/sts.types.js';
import { partitionOf } from '../../core/ids.js';

export const createService: ServiceFactory = () => ({
  handlers: {
    GetCallerIdentity(ctx): GetCallerIdentityResponse {
      return { UserId: ctx.accessKeyId, Account: ctx.account, Arn: `arn:${partitionOf(ctx.region)}:iam::${ctx.account}:root` };
    },
  },
});
