/**
 * What writing a large JSON body costs Node, by how it is handed to the
 * socket: the read lane's question of how to write the text PostgreSQL
 * built. One HTTP server per way, each answering a Q7-sized body (145 kB)
 * to wrk at 16 connections; prints rps and the server's CPU per request.
 *
 *   node --import tsx bench/body-write.ts [--seconds 6]
 *
 * - joined: the text (decoded from a Buffer, as pg does) joined to its
 *   envelope, then written: what the lane did before;
 * - parts: envelope and text written one after the other, corked: what it does;
 * - buffer: the bytes never decoded (out of reach: pg decodes every text column).
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs, promisify } from 'node:util';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '6' } } });
const comment = (id: number) => ({ id, body: 'Comment body text that is moderately long, like the bench one.', createdAt: '2023-01-01T00:01:00.000Z', authorId: id % 97 });
const post = (id: number) => ({ id, slug: `post-${id}`, title: `Post number ${id}`, createdAt: '2023-01-01T00:01:00.000Z', comments: Array.from({ length: 10 }, (_, j) => comment(id * 10 + j)) });
const bytes = Buffer.from(JSON.stringify(Array.from({ length: 100 }, (_, i) => post(i))));
const [head, tail] = ['{"data":{"r":', '}}'];

const ways: Record<string, (res: http.ServerResponse) => void> = {
  joined: (res) => {
    const body = head + bytes.toString('utf8') + tail;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  },
  parts: (res) => {
    const text = bytes.toString('utf8');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': head.length + Buffer.byteLength(text) + tail.length });
    res.cork();
    res.write(head);
    res.write(text);
    res.end(tail);
  },
  buffer: (res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': head.length + bytes.length + tail.length });
    res.cork();
    res.write(head);
    res.write(bytes);
    res.end(tail);
  },
};

console.log(`body: ${bytes.length + head.length + tail.length} bytes, Node ${process.version}`);
for (const [name, write] of Object.entries(ways)) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => write(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cpu = process.cpuUsage();
  // wrk runs as a child: its CPU is not this process's. Bounded by --seconds.
  const { stdout: out } = await promisify(execFile)('wrk', ['-t1', '-c16', `-d${values.seconds}s`, `http://127.0.0.1:${port}/`], { encoding: 'utf8' });
  const used = process.cpuUsage(cpu);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  console.log(`${name.padEnd(7)} ${rps.toFixed(0).padStart(6)} rps  ${((used.user + used.system) / 1000 / requests).toFixed(3)} ms CPU/request`);
  await new Promise((resolve) => server.close(resolve));
}
