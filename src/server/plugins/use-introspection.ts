import { type DocumentNode, type ExecutionArgs, getOperationAST, Kind, type OperationDefinitionNode, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isAdmin, type Viewer } from '../../base/viewer.ts';
import type { IntrospectionMode } from '../../base/config.ts';
import { AppError } from '../../base/errors.ts';
import { errorResponse } from '../../functions/http/json-response.ts';

export interface UseIntrospectionOptions {
  mode: IntrospectionMode;
  /** The viewer of a plain HTTP request (the auth module's resolution). */
  viewerFor: (request: Request, serverContext: Record<string, unknown>) => Promise<Viewer>;
  /** Paths that describe the schema outside GraphQL (the REST API's OpenAPI document and Swagger UI); a path covers what is under it. */
  documentPaths?: string[];
}

const mayIntrospect = (mode: IntrospectionMode, viewer: Viewer) => mode === 'all' || (mode === 'admin' && isAdmin(viewer));

const refusal = (mode: IntrospectionMode) =>
  new AppError('FORBIDDEN', mode === 'off' ? 'Introspection is off (STRATA_INTROSPECTION=off)' : 'Introspection is for admins only (STRATA_INTROSPECTION=admin)');

// Per parsed document (yoga's parse cache hands back the same object for the same text) and operation:
// the walk below ran on every request otherwise. Keyed by the operation node, not the client's operation
// name, so a document holds at most one entry per operation it defines (plus one for none).
const seen = new WeakMap<DocumentNode, Map<OperationDefinitionNode | null, boolean>>();

/** {@link findIntrospection}, remembered per document and operation. */
function isIntrospection(document: DocumentNode, operationName?: string | null): boolean {
  const operation = getOperationAST(document, operationName) ?? null;
  let byOperation = seen.get(document);
  if (!byOperation) seen.set(document, (byOperation = new Map()));
  let found = byOperation.get(operation);
  if (found === undefined) byOperation.set(operation, (found = findIntrospection(document, operation)));
  return found;
}

/** True when the operation (or a fragment) selects `__schema` or `__type`; `__typename` is not introspection. */
function findIntrospection(document: DocumentNode, operation: OperationDefinitionNode | null): boolean {
  let found = false;
  for (const definition of document.definitions) {
    if (found || (definition !== operation && definition.kind !== Kind.FRAGMENT_DEFINITION)) continue;
    visit(definition, {
      Field(node) {
        if (node.name.value === '__schema' || node.name.value === '__type') found = true;
      },
    });
  }
  return found;
}

/**
 * Introspection per `STRATA_INTROSPECTION`: with `admin`, only the admin
 * secret and signed-in admins may run `__schema`/`__type` queries or read
 * the schema's other descriptions (`documentPaths`); with `off`, nobody.
 * Refusals are FORBIDDEN, before anything executes.
 */
export function useIntrospection({ mode, viewerFor, documentPaths = [] }: UseIntrospectionOptions): Plugin {
  if (mode === 'all') return {};
  const check = ({ args, setResultAndStopExecution }: { args: ExecutionArgs; setResultAndStopExecution: (result: any) => void }) => {
    const viewer = (args.contextValue as { viewer?: Viewer } | undefined)?.viewer ?? { kind: 'anonymous' };
    if (!mayIntrospect(mode, viewer) && isIntrospection(args.document, args.operationName)) setResultAndStopExecution({ errors: [refusal(mode)] });
  };
  return {
    async onRequest({ request, url, serverContext, endResponse }) {
      if (!documentPaths.some((path) => url.pathname === path || url.pathname.startsWith(`${path}/`))) return;
      const context = (serverContext ?? {}) as Record<string, unknown> & { viewer?: Viewer };
      try {
        const viewer = context.viewer ?? (await viewerFor(request, context));
        if (!mayIntrospect(mode, viewer)) endResponse(errorResponse(refusal(mode)));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        endResponse(errorResponse(error));
      }
    },
    onExecute: check,
    onSubscribe: check,
  };
}
