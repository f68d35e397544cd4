/**
 * Static screening of `$regex` patterns for catastrophic backtracking.
 *
 * Rules are evaluated with JavaScript's backtracking RegExp engine (GrowthBook semantics), so
 * patterns that can take exponential or high-polynomial time are rejected when a segment is
 * saved. The analysis is deliberately conservative (it rejects some safe patterns):
 *
 * 1. length: at most MAX_REGEX_LENGTH characters;
 * 2. nested quantifiers (star height > 1): inside the body of a quantifier that repeats
 *    (`*`, `+`, `{n,m}` with m > 1), no quantifier with a variable count (`?`, `*`, `+`,
 *    `{n,m}` with n ≠ m) — e.g. `(a+)+`, `(\w+\s?)*`, `(ab?)+`;
 * 3. ambiguous alternation under a repeating quantifier: alternatives whose first characters
 *    can overlap, or an empty alternative — e.g. `(a|ab)*`, `(\w|\d)+`, `(a|)+`;
 * 4. three or more unbounded quantifiers in a row over overlapping characters with nothing
 *    disjoint between them — e.g. `.*a.*a.*b` (cubic or worse); two are allowed (`.*x.*`);
 * 5. backreferences (`\1`, `\k<name>`), which no bound applies to;
 * 6. repetition counts above MAX_REPEAT.
 */
import { MAX_REGEX_LENGTH, Parser, countCaptures, type Alternation, type Node } from './parser';
import { ANY, foldCase, intersect, overlaps, union, type CharSet } from './charsets';

// --- analysis --------------------------------------------------------------------------------

/** Every character a node can consume. */
function consumable(node: Node): CharSet {
  switch (node.type) {
    case 'chars':
      return node.set;
    case 'backref':
      return ANY;
    case 'assert':
      return [];
    case 'group':
      return node.lookaround
        ? []
        : node.body.alternatives.reduce<CharSet>(
            (set, sequence) => sequence.reduce((acc, item) => union(acc, consumable(item)), set),
            []
          );
    case 'repeat':
      return node.max === 0 ? [] : consumable(node.body);
  }
}

/** Characters a sequence can start with, and whether it can match the empty string. */
function firstSet(items: readonly Node[]): { set: CharSet; nullable: boolean } {
  let set: CharSet = [];
  for (const item of items) {
    const head = firstOfNode(item);
    set = union(set, head.set);
    if (!head.nullable) return { set, nullable: false };
  }
  return { set, nullable: true };
}

function firstOfNode(node: Node): { set: CharSet; nullable: boolean } {
  switch (node.type) {
    case 'chars':
      return { set: node.set, nullable: false };
    case 'backref':
      return { set: ANY, nullable: true };
    case 'assert':
      return { set: [], nullable: true };
    case 'group': {
      if (node.lookaround) return { set: [], nullable: true };
      let set: CharSet = [];
      let nullable = false;
      for (const sequence of node.body.alternatives) {
        const head = firstSet(sequence);
        set = union(set, head.set);
        nullable = nullable || head.nullable;
      }
      return { set, nullable };
    }
    case 'repeat': {
      const head = firstOfNode(node.body);
      return { set: head.set, nullable: head.nullable || node.min === 0 };
    }
  }
}

interface Analysis {
  issues: Set<string>;
  fold: (set: CharSet) => CharSet;
}

function analyzeAlternation(body: Alternation, insideRepeat: boolean, analysis: Analysis): void {
  if (insideRepeat && body.alternatives.length > 1) {
    const heads = body.alternatives.map((sequence) => firstSet(sequence));
    if (heads.some((head) => head.nullable)) {
      analysis.issues.add('an alternative that can be empty inside a repeated group');
    } else {
      for (let i = 0; i < heads.length; i++) {
        for (let j = i + 1; j < heads.length; j++) {
          if (overlaps(analysis.fold(heads[i].set), analysis.fold(heads[j].set))) {
            analysis.issues.add(
              'alternatives that can start with the same character inside a repeated group'
            );
          }
        }
      }
    }
  }
  for (const sequence of body.alternatives) analyzeSequence(sequence, insideRepeat, analysis);
}

function analyzeSequence(items: readonly Node[], insideRepeat: boolean, analysis: Analysis): void {
  // Rule 4: chains of unbounded quantifiers over a shared character set.
  let chainLength = 0;
  let chainSet: CharSet = [];
  for (const item of items) {
    if (item.type === 'repeat' && item.max === Infinity) {
      const set = analysis.fold(consumable(item.body));
      if (chainLength > 0 && overlaps(chainSet, set)) {
        chainLength++;
        chainSet = intersect(chainSet, set);
      } else {
        chainLength = 1;
        chainSet = set;
      }
      if (chainLength >= 3) {
        analysis.issues.add(
          'three or more unbounded quantifiers in a row over overlapping characters'
        );
      }
    } else if (
      chainLength > 0 &&
      item.type !== 'assert' &&
      !(item.type === 'repeat' && item.min === 0)
    ) {
      // A mandatory element none of the chain can consume separates the quantifiers.
      const set = item.type === 'repeat' ? consumable(item.body) : consumable(item);
      if (set.length > 0 && !overlaps(chainSet, analysis.fold(set))) chainLength = 0;
    }
    analyzeNode(item, insideRepeat, analysis);
  }
}

function analyzeNode(node: Node, insideRepeat: boolean, analysis: Analysis): void {
  switch (node.type) {
    case 'backref':
      analysis.issues.add('backreferences are not allowed');
      return;
    case 'group':
      analyzeAlternation(node.body, insideRepeat, analysis);
      return;
    case 'repeat': {
      if (insideRepeat && node.min !== node.max) {
        analysis.issues.add('nested quantifiers (a quantifier inside a repeated group)');
      }
      analyzeNode(node.body, insideRepeat || node.max > 1, analysis);
      return;
    }
    default:
      return;
  }
}

/**
 * Reasons a (syntactically valid) pattern is unsafe to run with a backtracking engine;
 * empty when it passes the screening.
 */
export function regexRisks(pattern: string, caseInsensitive = false): string[] {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return [`is longer than ${MAX_REGEX_LENGTH} characters`];
  }
  const { captures, named } = countCaptures(pattern);
  const parser = new Parser(pattern, captures, named);
  const tree = parser.parse();
  const analysis: Analysis = {
    issues: new Set(parser.issues),
    fold: caseInsensitive ? foldCase : (set) => set,
  };
  analyzeAlternation(tree, false, analysis);
  return [...analysis.issues];
}

export { MAX_REGEX_LENGTH, MAX_REPEAT } from './parser';
