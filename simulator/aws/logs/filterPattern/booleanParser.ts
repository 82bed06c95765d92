import type { Token } from "./conditionLexer.js";
import { invalidPattern } from "./errors.js";

/** A condition tree; `&&` binds tighter than `||`, parentheses group. */
export type BoolNode<L> =
  | { readonly kind: "and" | "or"; readonly children: readonly BoolNode<L>[] }
  | { readonly kind: "leaf"; readonly leaf: L };

/** Cursor over tokens, handed to the per-language condition parser. */
export class TokenCursor {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  next(): Token {
    const token = this.tokens[this.index++];
    if (token === undefined) throw invalidPattern();
    return token;
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }
}

/** Parses the whole token list as `or`; anything left over is a syntax error. */
export function parseBoolean<L>(
  tokens: readonly Token[],
  parseCondition: (cursor: TokenCursor) => L,
): BoolNode<L> {
  const cursor = new TokenCursor(tokens);
  if (cursor.atEnd()) throw invalidPattern();
  const tree = parseOr(cursor, parseCondition);
  if (!cursor.atEnd()) throw invalidPattern();
  return tree;
}

function parseOr<L>(cursor: TokenCursor, parseCondition: (c: TokenCursor) => L): BoolNode<L> {
  const children = [parseAnd(cursor, parseCondition)];
  while (cursor.peek()?.kind === "||") {
    cursor.next();
    children.push(parseAnd(cursor, parseCondition));
  }
  return children.length === 1 ? (children[0] as BoolNode<L>) : { kind: "or", children };
}

function parseAnd<L>(cursor: TokenCursor, parseCondition: (c: TokenCursor) => L): BoolNode<L> {
  const children = [parsePrimary(cursor, parseCondition)];
  while (cursor.peek()?.kind === "&&") {
    cursor.next();
    children.push(parsePrimary(cursor, parseCondition));
  }
  return children.length === 1 ? (children[0] as BoolNode<L>) : { kind: "and", children };
}

function parsePrimary<L>(cursor: TokenCursor, parseCondition: (c: TokenCursor) => L): BoolNode<L> {
  if (cursor.peek()?.kind === "(") {
    cursor.next();
    const inner = parseOr(cursor, parseCondition);
    if (cursor.next().kind !== ")") throw invalidPattern();
    return inner;
  }
  return { kind: "leaf", leaf: parseCondition(cursor) };
}

/** Evaluates a tree whose leaves are indexes into `leafValues`. */
export function evaluateTree(node: BoolNode<number>, leafValues: Uint8Array): boolean {
  switch (node.kind) {
    case "leaf":
      return leafValues[node.leaf] === 1;
    case "and":
      for (const child of node.children) if (!evaluateTree(child, leafValues)) return false;
      return true;
    case "or":
      for (const child of node.children) if (evaluateTree(child, leafValues)) return true;
      return false;
  }
}
