import type { ServiceFactory } from '../registry.js';
import type { ListSecretsRequest, ListSecretsResponse, SecretListEntry } from '../../generated/secretsmanager.types.js';
import { paginate } from '../../core/paging.js';

export const createService: ServiceFactory = () => {
  const secrets: SecretListEntry[] = [];
  return {
    handlers: {
      ListSecrets(_ctx, input: ListSecretsRequest): ListSecretsResponse {
        const { page, nextToken } = paginate(secrets, { maxResults: input.MaxResults, nextToken: input.NextToken, scope: 'secrets', defaultMax: 100, invalidTokenCode: 'InvalidNextTokenException' });
        return { SecretList: page, NextToken: nextToken };
      },
    },
  };
};
