import { AppError } from '../base/errors.ts';

/**
 * A position in the change stream. `space` names the numbering (one per
 * Redis deployment, or one per process without Redis); `seq` counts events
 * in it, without gaps; `tag` names the batch the event came in, so a number
 * reused after a rewind is not mistaken for the event the client saw.
 */
export interface ChangeCursor {
  space: string;
  seq: number;
  tag: string;
}

/** The opaque string clients hold (`PostChange.cursor`). */
export function encodeCursor(cursor: ChangeCursor): string {
  return Buffer.from(`${cursor.space}:${cursor.seq}:${cursor.tag}`).toString('base64url');
}

/** Parses a client's cursor; BAD_USER_INPUT when it is not one of ours. */
export function decodeCursor(text: string): ChangeCursor {
  const decoded = Buffer.from(text, 'base64url').toString();
  const match = /^([\w-]{1,64}):(\d{1,15}):([\w-]{1,64})$/.exec(decoded);
  if (!match) throw new AppError('BAD_USER_INPUT', 'after is not a change cursor', { argument: 'after' });
  return { space: match[1], seq: Number(match[2]), tag: match[3] };
}
