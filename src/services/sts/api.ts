import type { ServiceFactory } from '../registry.js';
import type { GetCallerIdentityResponse } from '../../generated/sts.types.js';
import { rootArn } from '../../core/ids.js';

export const createService: ServiceFactory = () => ({
  handlers: {
    GetCallerIdentity(ctx): GetCallerIdentityResponse {
      return { UserId: ctx.accessKeyId, Account: ctx.account, Arn: rootArn(ctx.account, ctx.region) };
    },
  },
});
