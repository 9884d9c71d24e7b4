import { defineHttpFunction } from 'strata-graphql';

/** `GET /functions/feed`: the latest published posts as a JSON Feed (https://jsonfeed.org). */
export const feed = defineHttpFunction({
  methods: ['GET'],
  access: 'public',
  handler: async (_request, { prisma, config }) => {
    const posts: { id: number; title: string; body: string | null; createdAt: Date; author: { name: string | null } }[] = await prisma.post.findMany({
      where: { published: true },
      orderBy: { createdAt: 'desc' },
      take: 20,
      select: { id: true, title: true, body: true, createdAt: true, author: { select: { name: true } } },
    });
    return {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Strata example blog',
      home_page_url: config.auth.publicUrl,
      items: posts.map((p) => ({
        id: String(p.id),
        title: p.title,
        content_text: p.body ?? '',
        date_published: p.createdAt.toISOString(),
        authors: p.author.name ? [{ name: p.author.name }] : [],
      })),
    };
  },
});
