/**
 * What a transport lets a subscription do to its connection. The websocket
 * adapter puts these into the operation's initial context; SSE and in-process
 * operations have none, and overflow then only ends the operation.
 */
export interface TransportHooks {
  /** The client reads too slowly: close its connection so it reconnects and resumes. */
  onOverflow(pending: number): void;
}

export const transportKey = Symbol.for('strata.realtime.transport');

/** The hooks of the transport running `ctx`'s operation, if it gave any. */
export function transportOf(ctx: object): TransportHooks | undefined {
  return (ctx as { [transportKey]?: TransportHooks })[transportKey];
}
