import type { Plugin } from 'graphql-yoga';
import type { PrismaLike } from '../../base/context.ts';

/**
 * `/healthz` answers while the process runs; `/readyz` only while the
 * database answers too, so a load balancer stops routing to a broken instance.
 */
export function useHealth(prisma: PrismaLike): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(new fetchAPI.Response('ok', { status: 200 }));
      } else if (url.pathname === '/readyz') {
        const ready = await prisma.$queryRawUnsafe('SELECT 1').then(
          () => true,
          () => false,
        );
        endResponse(new fetchAPI.Response(ready ? 'ready' : 'database unavailable', { status: ready ? 200 : 503 }));
      }
    },
  };
}
