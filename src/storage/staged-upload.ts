import type { StoredObject } from './put-stream.ts';

/**
 * A file of a multipart request, already streamed to the bucket and
 * checked, standing in for its variable until a resolver claims it. Only
 * the multipart parser makes these, so a JSON request cannot forge one.
 * Objects of uploads no resolver kept are deleted when the response is sent.
 */
export class StagedUpload {
  /** Set by the first resolver that takes it: a file is stored once. */
  used = false;
  /** Set once a File row refers to `object.key`: the object stays. */
  kept = false;

  constructor(
    readonly object: StoredObject,
    /** The client's file name, cleaned (no path). */
    readonly originalName: string,
  ) {}
}
