import type { DocumentNode } from 'graphql';

/**
 * The query texts the read lane may answer: each was parsed and passed every
 * document check of the yoga pipeline (validation, depth, aliases, tokens,
 * directives, literal input limits) and was answered by the read compiler
 * once. Those checks depend on the text alone, so a text seen here needs none
 * of them again; the least recently used are forgotten first.
 */
export class LaneDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  /** @param capacity most texts kept. */
  constructor(private readonly capacity = 1000) {}

  get(text: string): DocumentNode | undefined {
    const document = this.documents.get(text);
    if (document !== undefined && this.documents.size > 1) {
      this.documents.delete(text);
      this.documents.set(text, document);
    }
    return document;
  }

  add(text: string, document: DocumentNode): void {
    if (this.documents.has(text)) return;
    this.documents.set(text, document);
    if (this.documents.size > this.capacity) this.documents.delete(this.documents.keys().next().value!);
  }
}
