import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { AppError, badInput } from '../../base/errors.ts';
import type { StagedUpload } from '../staged-upload.ts';
import { parseMap, setPath, tooManyFiles } from './operation-paths.ts';

/** What a file part carries besides its bytes. */
export interface FilePart {
  filename: string;
  mimeType: string;
}

/** Streams one file part into storage; the parser never holds a file's bytes itself. */
export type StageFile = (stream: Readable, part: FilePart) => Promise<StagedUpload>;

export interface MultipartLimits {
  /** Most files in one request. */
  maxFiles: number;
  /** Largest `operations` or `map` field, in bytes. */
  maxFieldBytes: number;
}

/**
 * Parses a GraphQL multipart request (github.com/jaydenseric/graphql-multipart-request-spec)
 * as a stream with busboy: `operations`, then `map`, then the files, each
 * handed to `stage` as it arrives and put in place of its `null` variable.
 * Any fault — malformed body, unknown or missing file, too many files, a
 * file refused by `stage` — rejects with an AppError, and only after every
 * `stage` call started has settled, so the caller can delete what was stored.
 */
export function parseMultipart(body: Readable, contentType: string, stage: StageFile, limits: MultipartLimits): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        limits: { fields: 2, fieldSize: limits.maxFieldBytes, files: limits.maxFiles, parts: limits.maxFiles + 2, headerPairs: 100 },
      });
    } catch (error) {
      reject(badInput(`Malformed multipart request: ${(error as Error).message}`));
      return;
    }
    let operations: unknown;
    let map: Map<string, string[][]> | undefined;
    const staging: Promise<unknown>[] = [];
    const received = new Map<string, StagedUpload>();
    const seen = new Set<string>();
    const open = new Set<Readable>();
    let failure: unknown;

    const fail = (error: unknown) => {
      if (failure !== undefined) return;
      failure = error instanceof AppError ? error : badInput(`Malformed multipart request: ${(error as Error)?.message ?? error}`);
      body.unpipe(parser);
      for (const stream of open) stream.destroy(failure as Error);
      void Promise.allSettled(staging).then(() => reject(failure));
    };

    parser.on('field', (name, value, info) => {
      if (failure !== undefined) return;
      try {
        if (info.valueTruncated) throw new AppError('PAYLOAD_TOO_LARGE', `Multipart field "${name}" is larger than ${limits.maxFieldBytes} bytes`);
        if (name === 'operations' && operations === undefined) {
          try {
            operations = JSON.parse(value);
          } catch {
            throw badInput('Multipart field "operations" must be valid JSON');
          }
          if (operations === null || typeof operations !== 'object') throw badInput('Multipart field "operations" must be a JSON object or array');
        } else if (name === 'map' && map === undefined) {
          if (operations === undefined) throw badInput('Multipart field "operations" must come before "map"');
          map = parseMap(value, operations, limits.maxFiles);
        } else {
          throw badInput(`Unexpected multipart field "${name}" (only "operations", "map" and the mapped files are allowed)`);
        }
      } catch (error) {
        fail(error);
      }
    });

    parser.on('file', (name, stream, info) => {
      if (failure !== undefined) return void stream.resume();
      if (!map) return void (stream.resume(), fail(badInput('Multipart fields "operations" and "map" must come before the files')));
      if (!map.has(name)) return void (stream.resume(), fail(badInput(`Multipart file "${name}" is not in "map"`)));
      if (seen.has(name)) return void (stream.resume(), fail(badInput(`Multipart file "${name}" was sent twice`)));
      seen.add(name);
      open.add(stream);
      stream.once('close', () => open.delete(stream));
      const staged = stage(stream, { filename: info.filename ?? '', mimeType: info.mimeType }).then((upload) => void received.set(name, upload), fail);
      staging.push(staged);
    });

    parser.on('filesLimit', () => fail(tooManyFiles(limits.maxFiles)));
    parser.on('fieldsLimit', () => fail(badInput('Too many multipart fields')));
    parser.on('partsLimit', () => fail(badInput('Too many multipart parts')));
    parser.on('error', fail);
    const interrupted = () => fail(badInput('The request body ended before the multipart data was complete'));
    body.on('error', interrupted);
    body.on('aborted', interrupted);
    body.on('close', () => {
      if (!body.readableEnded) interrupted();
    });

    parser.on('close', () => {
      void Promise.allSettled(staging).then(() => {
        if (failure !== undefined) return;
        if (operations === undefined) return fail(badInput('Missing multipart field "operations"'));
        const missing = [...(map?.keys() ?? [])].filter((name) => !received.has(name));
        if (missing.length) return fail(badInput(`Multipart files missing from the request: ${missing.join(', ')}`));
        for (const [name, paths] of map ?? []) for (const path of paths) setPath(operations, path, received.get(name));
        resolve(operations);
      });
    });

    body.pipe(parser);
  });
}
