import type { ServiceFactory } from '../registry.js';
import type { ListTopicsInput, ListTopicsResponse, Topic } from '../../generated/sns.types.js';
import { paginate } from '../../core/paging.js';

export const createService: ServiceFactory = () => {
  const topics: Topic[] = [];
  return {
    handlers: {
      ListTopics(_ctx, input: ListTopicsInput): ListTopicsResponse {
        const { page, nextToken } = paginate(topics, { nextToken: input.NextToken, scope: 'topics', defaultMax: 100, invalidTokenCode: 'InvalidParameter' });
        return { Topics: page, NextToken: nextToken };
      },
    },
  };
};
