import type { Plugin } from 'graphql-yoga';
import { AppError } from '../../base/errors.ts';

const tooLarge = (limit: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limit} bytes`, { http: { status: 413 } });

/**
 * Reads a text body of unknown length, keeping at most `limit` bytes. The rest of
 * an oversized body is read and dropped, so the client gets its 413 instead of
 * a reset connection (Node's request timeout bounds how long that may take).
 */
async function readLimited(body: ReadableStream<Uint8Array>, limit: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw tooLarge(limit);
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * Caps the size of a GraphQL request body. A body that declares its
 * Content-Length (every fetch-based client does) is checked by that header
 * alone: Node's HTTP parser never delivers more bytes than it declares. Only
 * a chunked body is counted while read. This replaces yoga's own limit, which
 * pipes every body through a TransformStream and costs about a tenth of the
 * CPU of a small query.
 */
export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get('content-length');
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) throw new AppError('BAD_USER_INPUT', 'Content-Length header is invalid', { http: { status: 400 } });
        if (Number(declared) > limit) throw tooLarge(limit);
        return;
      }
      if (!requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        const body = await readLimited(req.body!, limit);
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body }));
      });
    },
  };
}
