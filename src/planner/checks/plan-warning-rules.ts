// UndefinedVar and UndefinedArgInFrom: found while planning (expansion knows what was unset),
// so these rules read the planner's warnings instead of walking the file again.
import type { CheckInput, CheckRule } from './types.js';

function fromPlanWarnings(name: string): CheckRule {
  return {
    name,
    run(input: CheckInput) {
      return input.planWarnings
        .filter((w) => w.rule === name && w.location)
        .map((w) => ({ rule: name, message: w.message, location: w.location! }));
    },
  };
}

export const undefinedVar = fromPlanWarnings('UndefinedVar');
export const undefinedArgInFrom = fromPlanWarnings('UndefinedArgInFrom');
