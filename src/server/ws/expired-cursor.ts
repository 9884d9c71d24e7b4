import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode } from 'graphql';
import { AppError } from '../../base/errors.ts';
import { decodeCursor } from '../../realtime/change-cursor.ts';
import { CURSOR_EXPIRED_MESSAGE, cursorExpiredExtensions } from '../../realtime/change-feed.ts';
import type { ChangeHub } from '../../realtime/change-hub.ts';

/**
 * The CURSOR_EXPIRED refusal of a subscription whose `after` cursor can no
 * longer be resumed, found before execution: returned from graphql-ws's
 * `onSubscribe` it becomes an `error` message, which every graphql-ws client
 * (and Apollo's GraphQLWsLink, urql's subscriptionExchange) hands to the
 * sink's `error` handler, rather than a `next` result without `data`. Any
 * other problem with the cursor is left to execution to report.
 */
export function expiredCursorErrors(
  /** The hub to ask, called only when an operation carries an `after` cursor. */
  hub: () => Pick<ChangeHub, 'since'>,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): GraphQLError[] | null {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (operation?.operation !== 'subscription') return null;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const argument = selection.arguments?.find((a) => a.name.value === 'after');
    const value =
      argument?.value.kind === Kind.STRING ? argument.value.value : argument?.value.kind === Kind.VARIABLE ? variables?.[argument.value.name.value] : undefined;
    if (typeof value !== 'string') continue;
    try {
      if (hub().since(decodeCursor(value)) === null) {
        return [new GraphQLError(CURSOR_EXPIRED_MESSAGE, { path: [selection.alias?.value ?? selection.name.value], extensions: cursorExpiredExtensions })];
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return null;
}
