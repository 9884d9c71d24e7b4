import { type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LimitsConfig } from '../../config.ts';
import { AppError } from '../../errors.ts';
import { checkInputLimits } from '../input-limits.ts';

/**
 * Refuses operations whose arguments (literals and variables alike) exceed
 * the input limits (see {@link checkInputLimits}) with BAD_USER_INPUT, before
 * variables are coerced and before any resolver or SQL runs. Applies to HTTP,
 * SSE, websockets and REST: all execute through yoga's envelop.
 */
export function useInputLimits(limits: LimitsConfig): Plugin {
  const check = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: any) => void }) => {
    const operation = getOperationAST(args.document, args.operationName);
    // No operation to run: execution reports that itself.
    if (!operation) return;
    try {
      checkInputLimits(args.document, operation, (args.variableValues ?? {}) as Record<string, unknown>, limits);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      setResultAndStopExecution({ errors: [error] });
    }
  };
  return { onExecute: check, onSubscribe: check };
}
