import type { SelectorStep } from "./conditionLexer.js";

/**
 * The selectors of one JSON pattern, merged into a deterministic walk over the message's JSON:
 * every state says which selectors end at the current value and where each key or index leads.
 * Wildcard steps are folded in when the walk is built, so the scanner follows one state per value.
 */
export interface PathState {
  /** Property names with a transition of their own; `keyTargets[i]` belongs to `keys[i]`. */
  readonly keys: readonly string[];
  readonly keyTargets: readonly PathState[];
  /** Where any other property name leads (from `.*`), if anywhere. */
  readonly otherKey: PathState | null;
  readonly indexes: readonly number[];
  readonly indexTargets: readonly PathState[];
  readonly otherIndex: PathState | null;
  /** Selector ids whose value is the current value. */
  readonly terminals: readonly number[];
  /**
   * Wildcard-free selector ids at or below this state. JSON parsers keep the last of repeated
   * property names, so when a name repeats the values seen under its first copy are forgotten.
   */
  readonly resets: readonly number[];
}

interface NfaNode {
  readonly id: number;
  readonly keys: Map<string, NfaNode>;
  anyKey: NfaNode | null;
  readonly indexes: Map<number, NfaNode>;
  anyIndex: NfaNode | null;
  readonly terminals: number[];
  readonly exactBelow: Set<number>;
}

function childFor(node: NfaNode, step: SelectorStep): NfaNode | null | undefined {
  switch (step.kind) {
    case "key":
      return node.keys.get(step.key);
    case "index":
      return node.indexes.get(step.index);
    case "anyKey":
      return node.anyKey;
    case "anyIndex":
      return node.anyIndex;
  }
}

export interface PathSelector {
  readonly steps: readonly SelectorStep[];
  readonly wildcard: boolean;
}

/** Builds the walk for selectors numbered by their position in `selectors`. */
export function buildPaths(selectors: readonly PathSelector[]): PathState {
  let nextId = 0;
  const newNode = (): NfaNode => ({
    id: nextId++,
    keys: new Map(),
    anyKey: null,
    indexes: new Map(),
    anyIndex: null,
    terminals: [],
    exactBelow: new Set(),
  });
  const root = newNode();
  selectors.forEach((selector, id) => {
    let node = root;
    for (const step of selector.steps) {
      const child = childFor(node, step) ?? newNode();
      switch (step.kind) {
        case "key":
          node.keys.set(step.key, child);
          break;
        case "index":
          node.indexes.set(step.index, child);
          break;
        case "anyKey":
          node.anyKey = child;
          break;
        case "anyIndex":
          node.anyIndex = child;
          break;
      }
      node = child;
      if (!selector.wildcard) node.exactBelow.add(id);
    }
    node.terminals.push(id);
  });

  const memo = new Map<string, PathState>();
  const determinize = (members: readonly NfaNode[]): PathState => {
    const memoKey = members
      .map((m) => m.id)
      .sort((a, b) => a - b)
      .join(",");
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    const follow = (pick: (m: NfaNode) => (NfaNode | null | undefined)[]): PathState | null => {
      const next = new Set<NfaNode>();
      for (const m of members) for (const n of pick(m)) if (n) next.add(n);
      return next.size === 0 ? null : determinize([...next]);
    };
    const keys = [...new Set(members.flatMap((m) => [...m.keys.keys()]))];
    const indexes = [...new Set(members.flatMap((m) => [...m.indexes.keys()]))];
    const state: PathState = {
      keys,
      keyTargets: keys.map((k) => follow((m) => [m.keys.get(k), m.anyKey]) as PathState),
      otherKey: follow((m) => [m.anyKey]),
      indexes,
      indexTargets: indexes.map((i) => follow((m) => [m.indexes.get(i), m.anyIndex]) as PathState),
      otherIndex: follow((m) => [m.anyIndex]),
      terminals: [...new Set(members.flatMap((m) => m.terminals))],
      resets: [...new Set(members.flatMap((m) => [...m.exactBelow]))],
    };
    memo.set(memoKey, state);
    return state;
  };
  return determinize([root]);
}
