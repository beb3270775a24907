import type { ServiceFactory } from '../registry.js';
import type { FunctionConfiguration, ListFunctionsRequest, ListFunctionsResponse } from '../../generated/lambda.types.js';
import { paginate } from '../../core/paging.js';

export const createService: ServiceFactory = () => {
  const functions: FunctionConfiguration[] = [];
  return {
    handlers: {
      ListFunctions(_ctx, input: ListFunctionsRequest): ListFunctionsResponse {
        const { page, nextToken } = paginate(functions, { maxResults: input.MaxItems, nextToken: input.Marker, scope: 'functions', defaultMax: 50, invalidTokenCode: 'InvalidParameterValueException' });
        return { Functions: page, NextMarker: nextToken };
      },
    },
  };
};
