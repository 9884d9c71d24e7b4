import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { FeedPageDocument, type FeedPageQuery, type FeedPageQueryVariables } from './generated/graphql.ts';

/**
 * A minimal typed client for the example app: the document's result and
 * variables types come from `schema.graphql`, so a breaking schema change
 * fails `npm run typecheck`.
 */
export async function request<R, V>(url: string, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: R; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.map((e) => e.message).join('; ') ?? 'no data');
  return body.data;
}

/** Titles of the first page of the published feed. */
export async function feedTitles(url: string): Promise<string[]> {
  const variables: FeedPageQueryVariables = { first: 10 };
  const page: FeedPageQuery = await request(url, FeedPageDocument, variables);
  return page.postsConnection.edges.map((edge) => edge.node.title);
}
