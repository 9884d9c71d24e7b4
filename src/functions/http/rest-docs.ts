import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'graphql-yoga';
import { assetResponse, escapeHtml, inlineJson, type StaticAsset, staticAsset } from '../../base/static-asset.ts';

const require = createRequire(import.meta.url);
const distDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const version: string = require('swagger-ui-dist/package.json').version;

/** The files of `swagger-ui-dist` the page loads, by the name they are served under. */
const distFiles: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * Starts Swagger UI with the options the page carries. Every request it makes
 * (the spec, "Try it out") carries yoga's preflight header: a signed-in
 * browser sends its session cookie, and REST refuses cookie requests that
 * could have come from another site.
 */
const boot = `'use strict';
(function () {
  var options = JSON.parse(document.getElementById('swagger-options').textContent);
  options.dom_id = '#swagger-ui';
  options.requestInterceptor = function (request) {
    request.headers['x-graphql-yoga-csrf'] = 'swagger-ui';
    return request;
  };
  window.ui = SwaggerUIBundle(options);
})();
`;

const assets = new Map<string, Promise<StaticAsset>>();

function loadAsset(name: string): Promise<StaticAsset> | undefined {
  if (name === 'boot.js') return Promise.resolve(staticAsset('text/javascript; charset=utf-8', boot));
  const type = distFiles[name];
  if (!type) return undefined;
  let asset = assets.get(name);
  if (!asset) assets.set(name, (asset = readFile(path.join(distDir, name)).then((body) => staticAsset(type, body))));
  return asset;
}

function page(title: string, assetsPath: string, specUrl: string): string {
  // Swagger UI's own defaults as fets set them; no validator badge (it would ask validator.swagger.io).
  const options = {
    url: specUrl,
    validatorUrl: null,
    displayOperationId: true,
    tryItOutEnabled: true,
    requestSnippetsEnabled: true,
    displayRequestDuration: true,
    defaultModelRendering: 'model',
    defaultModelExpandDepth: 3,
    defaultModelsExpandDepth: 3,
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" type="image/png" href="${assetsPath}favicon-32x32.png" />
    <link rel="stylesheet" href="${assetsPath}swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script id="swagger-options" type="application/json">${inlineJson(options)}</script>
    <script src="${assetsPath}swagger-ui-bundle.js"></script>
    <script src="${assetsPath}boot.js"></script>
  </body>
</html>
`;
}

/**
 * Swagger UI for the REST API at `<basePath>/docs`, its files served from
 * the `swagger-ui-dist` npm package under `<basePath>/docs/<version>/`: it
 * works with no network and asks no other host for anything. The page and
 * its files hold no data, so they are served to anyone, before REST's CSRF
 * guard; the spec itself is read from `<basePath>/openapi.json`.
 */
export function useRestDocs(basePath: string, title: string): Plugin {
  const docsPath = `${basePath}/docs`;
  const assetsPath = `${docsPath}/${version}/`;
  return {
    async onRequest({ request, url, endResponse }) {
      if (url.pathname === docsPath || url.pathname === `${docsPath}/`) {
        if (request.method !== 'GET' && request.method !== 'HEAD') return;
        return endResponse(new Response(page(title, assetsPath, `${basePath}/openapi.json`), { headers: { 'content-type': 'text/html; charset=utf-8' } }));
      }
      if (!url.pathname.startsWith(assetsPath)) return;
      const asset = await loadAsset(url.pathname.slice(assetsPath.length));
      endResponse(asset ? await assetResponse(request, asset) : new Response('Not found', { status: 404 }));
    },
  };
}
