// Module resolve hooks for the project's own TypeScript (app/, prisma/seed.ts: files outside
// node_modules and outside Strata itself):
// - they load as ES modules even when the project's package.json is CommonJS (tsx would compile
//   app/rules.ts to CommonJS, whose require() of the ESM strata-graphql package fails in a cycle);
// - `strata dev` reloads app code by importing it with `?strata-gen=<n>`: the query is passed on to
//   every project file it imports, so a changed helper module is re-read too.
// Strata's own sources stay one instance (in this repository its example app/ is project code).
const strataOwn = ['../src/', '../bin/'].map((folder) => new URL(folder, import.meta.url).href);
const GEN = /[?&]strata-gen=(\d+)/;

const isProjectCode = (url) => url.startsWith('file:') && !url.includes('/node_modules/') && !strataOwn.some((own) => url.startsWith(own));

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const url = resolved.url;
  if (!isProjectCode(url) || !/\.(ts|tsx|mts)(\?|$)/.test(url)) return resolved;
  const generation = context.parentURL?.match(GEN)?.[1];
  const stamped = generation && !GEN.test(url) ? `${url}${url.includes('?') ? '&' : '?'}strata-gen=${generation}` : url;
  return { ...resolved, url: stamped, format: 'module' };
}
