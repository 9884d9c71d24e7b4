// Fixed-rate latency run with autocannon: the same request file as wrk
// (`path<TAB>body` lines, __U__ made unique per request). Prints one JSON line.
// Usage: node autocannon-run.mjs <base-url> <file> <connections> <rate/s> <seconds> <unique-prefix> [<Authorization header>]
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [base, file, connections, rate, seconds, prefix, authorization] = process.argv.slice(2);
const headers = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [path, body, extra] = line.split('\t');
  const colon = extra ? extra.indexOf(': ') : -1;
  return { path, body, headers: colon > 0 ? { ...headers, [extra.slice(0, colon)]: extra.slice(colon + 2) } : headers };
});
let next = 0;
let counter = 0;
let graphqlErrors = 0;
let firstError = '';
const result = await autocannon({
  url: base,
  connections: Number(connections),
  overallRate: Number(rate),
  duration: Number(seconds),
  timeout: 10,
  requests: [
    {
      setupRequest(req) {
        const line = lines[next];
        next = (next + 1) % lines.length;
        const body = line.body.includes('__U__') ? line.body.replaceAll('__U__', `${prefix}a${++counter}`) : line.body;
        return { ...req, method: 'POST', path: line.path, headers: line.headers, body };
      },
      onResponse(status, body) {
        if (status === 200 && body.includes('"errors"')) {
          graphqlErrors++;
          if (!firstError) firstError = body.slice(0, 400);
        } else if (status !== 200 && !firstError) firstError = `HTTP ${status} ${String(body).slice(0, 400)}`;
      },
    },
  ],
});
const l = result.latency;
console.log(
  JSON.stringify({
    requests: result.requests.total,
    duration_s: result.duration,
    rps: result.requests.total / result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    graphql_errors: graphqlErrors,
    first_error: firstError || undefined,
    latency_ms: { mean: l.average, p50: l.p50, p90: l.p90, p95: l.p95 ?? l.p97_5, p99: l.p99, max: l.max },
  }),
);
