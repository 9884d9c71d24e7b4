import { createRequire } from 'node:module';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { assetResponse, escapeHtml, inlineJson, type StaticAsset, staticAsset } from '../../base/static-asset.ts';

const require = createRequire(import.meta.url);
const version: string = require('@graphql-yoga/render-graphiql/package.json').version;

/** Where GraphiQL's files are served; the version in the path lets browsers cache them for good. */
export const graphiqlAssetsPath = `/graphiql-assets/${version}/`;

const JS = 'text/javascript; charset=utf-8';

/**
 * Starts GraphiQL with the options the page carries as JSON. A file rather
 * than an inline script, so the page runs no inline code. Monaco's workers
 * load from this origin too (yoga's own page fetches them from a CDN).
 */
const boot = `'use strict';
(function () {
  var base = ${JSON.stringify(graphiqlAssetsPath)};
  var workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) { return base + (workers[label] || workers.editorWorkerService); },
  };
  var options = JSON.parse(document.getElementById('graphiql-options').textContent);
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('root'), options);
})();
`;

let assets: Promise<Map<string, StaticAsset>> | undefined;

/** GraphiQL's files from the npm package, read on the first request for one (the bundle is 9 MB of strings). */
function loadAssets(): Promise<Map<string, StaticAsset>> {
  assets ??= import('@graphql-yoga/render-graphiql/graphiql').then(
    (m) =>
      new Map([
        ['graphiql.js', staticAsset(JS, m.js)],
        ['graphiql.css', staticAsset('text/css; charset=utf-8', m.css)],
        ['editor.worker.js', staticAsset(JS, m.editorWorkerService)],
        ['json.worker.js', staticAsset(JS, m.jsonWorker)],
        ['graphql.worker.js', staticAsset(JS, m.graphqlWorker)],
        ['favicon.ico', staticAsset('image/x-icon', Buffer.from(m.favicon.slice(m.favicon.indexOf(',') + 1), 'base64'))],
        ['boot.js', staticAsset(JS, boot)],
      ]),
  );
  return assets;
}

/**
 * GraphiQL's page (yoga's `renderGraphiQL`): every file it loads is served
 * by {@link useGraphiQLAssets} from `@graphql-yoga/render-graphiql`, so it
 * works with no network and asks no other host for anything.
 */
export function renderGraphiQLPage(options: GraphiQLOptions = {}): string {
  const title = escapeHtml(options.title || 'GraphiQL');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${title}</title>
    <link rel="icon" href="${graphiqlAssetsPath}favicon.ico" />
    <link rel="stylesheet" href="${graphiqlAssetsPath}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script id="graphiql-options" type="application/json">${inlineJson(options)}</script>
    <script src="${graphiqlAssetsPath}graphiql.js"></script>
    <script src="${graphiqlAssetsPath}boot.js"></script>
  </body>
</html>
`;
}

/**
 * Serves GraphiQL's files under {@link graphiqlAssetsPath}, and sends a
 * browser opening `/` on to GraphiQL at `graphqlPath`; add it only where
 * GraphiQL is on.
 */
export function useGraphiQLAssets(graphqlPath: string): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === '/' && request.method === 'GET' && request.headers.get('accept')?.includes('text/html')) {
        return endResponse(new Response(null, { status: 302, headers: { location: graphqlPath } }));
      }
      if (!url.pathname.startsWith(graphiqlAssetsPath)) return;
      const asset = (await loadAssets()).get(url.pathname.slice(graphiqlAssetsPath.length));
      endResponse(asset ? await assetResponse(request, asset) : new Response('Not found', { status: 404 }));
    },
  };
}
