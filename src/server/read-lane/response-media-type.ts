const regular = ['application/graphql-response+json', 'application/json'];

const matches = (processor: string, asked: string) => {
  const [askedType, askedSub] = asked.split('/');
  const [type, sub] = processor.split('/');
  return (askedType === '*' || askedType === type) && (askedSub === '*' || askedSub === sub);
};

/**
 * The media type yoga answers a single result with for this `Accept` header
 * (its result processors' negotiation: utf-8 only, the first listed type
 * that a JSON processor serves wins, `*\/*` and no header mean
 * `application/json`), or null when yoga would answer another way (event
 * stream, multipart, 406).
 */
export function responseMediaType(accept: string | undefined): string | null {
  const asked = (accept || '*/*').replace(/\s/g, '').toLowerCase().split(',');
  let chosen: string | null = null;
  for (let i = asked.length - 1; i >= 0; i--) {
    const [mediaType, ...params] = asked[i]!.split(';');
    if (mediaType === undefined || (params.find((p) => p.includes('charset=')) ?? 'charset=utf-8') !== 'charset=utf-8') continue;
    for (const type of regular) if (matches(type, mediaType)) chosen = type;
  }
  return chosen;
}
