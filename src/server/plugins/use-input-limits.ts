import { type DocumentNode, type ExecutionArgs, getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { LimitsConfig } from '../../base/config.ts';
import { AppError, badInput } from '../../base/errors.ts';
import { checkInputLimits, documentNesting } from '../input-limits.ts';

/**
 * Refuses operations whose arguments (literals and variables alike) exceed
 * the input limits (see {@link checkInputLimits}) with BAD_USER_INPUT, before
 * variables are coerced and before any resolver or SQL runs. Applies to HTTP,
 * SSE, websockets and REST: all execute through yoga's envelop. Documents
 * nested deeper than any allowed selection and input are refused before
 * parsing, oversized literals before validation.
 */
export function useInputLimits(limits: LimitsConfig): Plugin {
  // Room for inline fragments and argument parentheses around the deepest selection and input;
  // never so deep that graphql-js's recursive parser could overflow the stack (it did below 2,000 levels).
  const maxNesting = Math.min(2 * (limits.maxDepth + limits.maxInputDepth), 400);
  // Documents whose literals passed the limits; variables are checked on every execution below.
  const passed = new WeakSet<DocumentNode>();
  const check = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: any) => void }) => {
    const operation = getOperationAST(args.document, args.operationName);
    // No operation to run: execution reports that itself.
    if (!operation) return;
    try {
      checkInputLimits(args.document, limits, { operation, variables: (args.variableValues ?? {}) as Record<string, unknown> });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      setResultAndStopExecution({ errors: [error] });
    }
  };
  return {
    onParse({ params }) {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      if (documentNesting(source, maxNesting) > maxNesting) {
        throw badInput(`Document nested deeper than ${maxNesting} levels (2 × (STRATA_MAX_DEPTH + STRATA_MAX_INPUT_DEPTH), at most 400)`, { limit: 'STRATA_MAX_INPUT_DEPTH' });
      }
    },
    onValidate({ params, setResult }) {
      // The literals of a document do not change: yoga's parse cache hands back the same object for the same text.
      if (passed.has(params.documentAST)) return;
      try {
        checkInputLimits(params.documentAST, limits);
        passed.add(params.documentAST);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        setResult([error]);
      }
    },
    onExecute: check,
    onSubscribe: check,
  };
}
