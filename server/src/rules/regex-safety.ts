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

export const MAX_REGEX_LENGTH = 256;
export const MAX_REPEAT = 1000;
const MAX_CODE_UNIT = 0xffff;

// --- character sets as sorted, merged [lo, hi] ranges of UTF-16 code units ---------------------

type CharSet = ReadonlyArray<readonly [number, number]>;

function normalize(ranges: Array<[number, number]>): CharSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [lo, hi] of sorted) {
    const last = merged[merged.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else merged.push([lo, hi]);
  }
  return merged;
}

const union = (a: CharSet, b: CharSet): CharSet =>
  normalize([...a, ...b].map(([lo, hi]) => [lo, hi] as [number, number]));

function complement(set: CharSet): CharSet {
  const result: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) result.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_UNIT) result.push([next, MAX_CODE_UNIT]);
  return result;
}

function intersect(a: CharSet, b: CharSet): CharSet {
  const result: Array<[number, number]> = [];
  for (const [alo, ahi] of a) {
    for (const [blo, bhi] of b) {
      const lo = Math.max(alo, blo);
      const hi = Math.min(ahi, bhi);
      if (lo <= hi) result.push([lo, hi]);
    }
  }
  return normalize(result);
}

const overlaps = (a: CharSet, b: CharSet) => intersect(a, b).length > 0;

/** Adds the other case of ASCII letters (enough for an `i` flag overlap test). */
function foldCase(set: CharSet): CharSet {
  const extra: Array<[number, number]> = [];
  for (const [lo, hi] of set) {
    for (const [from, to, shift] of [
      [65, 90, 32],
      [97, 122, -32],
    ]) {
      const start = Math.max(lo, from);
      const end = Math.min(hi, to);
      if (start <= end) extra.push([start + shift, end + shift]);
    }
  }
  return union(set, extra);
}

const char = (code: number): CharSet => [[code, code]];
const ANY: CharSet = [[0, MAX_CODE_UNIT]];
const DIGIT: CharSet = [[48, 57]];
const WORD: CharSet = normalize([
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122],
]);
const SPACE: CharSet = normalize(
  [9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]
    .map((code) => [code, code] as [number, number])
    .concat([[0x2000, 0x200a]])
);
const DOT: CharSet = complement(
  normalize([
    [10, 10],
    [13, 13],
    [0x2028, 0x2029],
  ])
);

// --- a small parser for JavaScript regex syntax (no `u` flag, Annex B leniency) ---------------

type Node =
  | { type: 'chars'; set: CharSet }
  | { type: 'assert' }
  | { type: 'backref' }
  | { type: 'group'; lookaround: boolean; body: Alternation }
  | { type: 'repeat'; min: number; max: number; body: Node };

interface Alternation {
  alternatives: Node[][];
}

class Parser {
  private pos = 0;
  readonly issues: string[] = [];

  constructor(
    private readonly source: string,
    private readonly captureCount: number,
    private readonly hasNamedGroups: boolean
  ) {}

  parse(): Alternation {
    return this.alternation();
  }

  private peek(offset = 0): string {
    return this.source[this.pos + offset];
  }

  private alternation(): Alternation {
    const alternatives: Node[][] = [this.sequence()];
    while (this.peek() === '|') {
      this.pos++;
      alternatives.push(this.sequence());
    }
    return { alternatives };
  }

  private sequence(): Node[] {
    const items: Node[] = [];
    while (this.pos < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items;
  }

  private quantified(atom: Node): Node {
    let min: number;
    let max: number;
    const c = this.peek();
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.pos));
      if (!match) return atom; // a literal `{`
      min = Number(match[1]);
      max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
      if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
        this.issues.push(`repetition counts above ${MAX_REPEAT} are not allowed`);
      }
      this.pos += match[0].length - 1;
    } else {
      return atom;
    }
    this.pos++;
    if (this.peek() === '?') this.pos++; // lazy: same search space
    return { type: 'repeat', min, max, body: atom };
  }

  private atom(): Node {
    const c = this.source[this.pos++];
    switch (c) {
      case '^':
      case '$':
        return { type: 'assert' };
      case '.':
        return { type: 'chars', set: DOT };
      case '[':
        return { type: 'chars', set: this.characterClass() };
      case '(':
        return this.group();
      case '\\':
        return this.escape(false) as Node;
      default:
        return { type: 'chars', set: char(c.charCodeAt(0)) };
    }
  }

  private group(): Node {
    let lookaround = false;
    if (this.peek() === '?') {
      const rest = this.source.slice(this.pos + 1);
      if (rest.startsWith(':')) this.pos += 2;
      else if (rest.startsWith('=') || rest.startsWith('!'))
        [this.pos, lookaround] = [this.pos + 2, true];
      else if (rest.startsWith('<=') || rest.startsWith('<!'))
        [this.pos, lookaround] = [this.pos + 3, true];
      else if (rest.startsWith('<')) this.pos = this.source.indexOf('>', this.pos) + 1;
    }
    const body = this.alternation();
    this.pos++; // `)`
    return { type: 'group', lookaround, body };
  }

  /** An escape outside (`inClass` false) or inside a class; a class escape yields its set. */
  private escape(inClass: boolean): Node | CharSet {
    const c = this.source[this.pos++];
    const set = (value: CharSet): Node | CharSet =>
      inClass ? value : { type: 'chars', set: value };
    switch (c) {
      case 'd':
        return set(DIGIT);
      case 'D':
        return set(complement(DIGIT));
      case 'w':
        return set(WORD);
      case 'W':
        return set(complement(WORD));
      case 's':
        return set(SPACE);
      case 'S':
        return set(complement(SPACE));
      case 'b':
        return inClass ? char(8) : { type: 'assert' };
      case 'B':
        return inClass ? char(66) : { type: 'assert' };
      case 'n':
        return set(char(10));
      case 'r':
        return set(char(13));
      case 't':
        return set(char(9));
      case 'v':
        return set(char(11));
      case 'f':
        return set(char(12));
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(this.source.slice(this.pos));
        if (!hex) return set(char(120));
        this.pos += 2;
        return set(char(parseInt(hex[0], 16)));
      }
      case 'u': {
        const hex = /^[0-9a-fA-F]{4}/.exec(this.source.slice(this.pos));
        if (!hex) return set(char(117));
        this.pos += 4;
        return set(char(parseInt(hex[0], 16)));
      }
      case 'c': {
        const letter = this.peek();
        if (letter && /[a-zA-Z]/.test(letter)) {
          this.pos++;
          return set(char(letter.charCodeAt(0) % 32));
        }
        return set(char(92)); // a lone `\c` is a literal backslash
      }
      case 'k':
        if (!inClass && this.hasNamedGroups) {
          this.pos = this.source.indexOf('>', this.pos) + 1;
          return { type: 'backref' };
        }
        return set(char(107));
      default:
        if (!inClass && /[1-9]/.test(c)) {
          const digits = /^\d*/.exec(this.source.slice(this.pos))?.[0] ?? '';
          if (Number(c + digits) <= this.captureCount) {
            this.pos += digits.length;
            return { type: 'backref' };
          }
        }
        if (/[0-7]/.test(c)) {
          // Legacy octal escape: up to three octal digits.
          const digits = /^[0-7]{0,2}/.exec(this.source.slice(this.pos))?.[0] ?? '';
          this.pos += digits.length;
          return set(char(parseInt(c + digits, 8) & 0xff));
        }
        return set(char(c.charCodeAt(0)));
    }
  }

  private classAtom(): CharSet {
    const c = this.source[this.pos++];
    if (c === '\\') return this.escape(true) as CharSet;
    return char(c.charCodeAt(0));
  }

  private characterClass(): CharSet {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    let set: CharSet = [];
    while (this.pos < this.source.length && this.peek() !== ']') {
      const from = this.classAtom();
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const to = this.classAtom();
        // A range between single characters; with a class escape, `-` is literal (Annex B).
        if (
          from.length === 1 &&
          from[0][0] === from[0][1] &&
          to.length === 1 &&
          to[0][0] === to[0][1]
        ) {
          set = union(set, [[from[0][0], to[0][0]]]);
        } else {
          set = union(union(union(set, from), to), char(45));
        }
      } else {
        set = union(set, from);
      }
    }
    this.pos++; // `]`
    return negated ? complement(set) : set;
  }
}

/** Counts capture groups, to tell `\2` (a backreference) from a legacy octal escape. */
function countCaptures(source: string): { captures: number; named: boolean } {
  let captures = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      if (source[i + 1] !== '?') captures++;
      else if (source[i + 2] === '<' && source[i + 3] !== '=' && source[i + 3] !== '!') {
        captures++;
        named = true;
      }
    }
  }
  return { captures, named };
}

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
