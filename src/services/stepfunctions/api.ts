import type { ServiceFactory } from '../registry.js';
import type { ListStateMachinesInput, ListStateMachinesOutput, StateMachineListItem } from '../../generated/states.types.js';
import { paginate } from '../../core/paging.js';

export const createService: ServiceFactory = () => {
  const stateMachines: StateMachineListItem[] = [];
  return {
    handlers: {
      ListStateMachines(_ctx, input: ListStateMachinesInput): ListStateMachinesOutput {
        const { page, nextToken } = paginate(stateMachines, { maxResults: input.maxResults, nextToken: input.nextToken, scope: 'states', defaultMax: 100 });
        return { stateMachines: page, nextToken };
      },
    },
  };
};
