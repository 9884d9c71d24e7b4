import { EventStream } from './event-stream.ts';

/**
 * A GraphQL over SSE client (distinct connections mode, as yoga serves it):
 * POST with `Accept: text/event-stream`, reading `next` / `complete` events.
 */
export function sseSubscribe(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const stream = new EventStream() as EventStream & { abort(): void; opened: Promise<Response> };
  const controller = new AbortController();
  stream.abort = () => controller.abort();
  stream.opened = fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  void stream.opened
    .then(async (response) => {
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (event === 'next' || (!event && data)) stream.push(JSON.parse(data));
          else if (event === 'complete') stream.finish();
        }
      }
      stream.finish();
    })
    .catch((error) => stream.finish(error));
  return stream;
}
