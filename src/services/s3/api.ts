import type { ServiceFactory } from '../registry.js';
import type { Bucket, ListBucketsOutput, ListBucketsRequest } from '../../generated/s3.types.js';
import { paginate } from '../../core/paging.js';

export const createService: ServiceFactory = () => {
  const buckets: Bucket[] = [];
  return {
    handlers: {
      ListBuckets(ctx, input: ListBucketsRequest): ListBucketsOutput {
        const { page, nextToken } = paginate(buckets, { maxResults: input.MaxBuckets, nextToken: input.ContinuationToken, scope: 'buckets', defaultMax: 10000, invalidTokenCode: 'InvalidArgument' });
        return { Buckets: page, Owner: { ID: ctx.account, DisplayName: 'nimbus' }, ContinuationToken: nextToken, Prefix: input.Prefix };
      },
    },
  };
};
