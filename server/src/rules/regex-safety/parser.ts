/**
 * A small parser for JavaScript regex syntax (no `u` flag, Annex B leniency): just enough
 * structure — sequences, alternations, groups, quantifiers, classes — for the backtracking screen.
 */
import { DIGIT, DOT, SPACE, WORD, char, complement, union, type CharSet } from './charsets';

export const MAX_REGEX_LENGTH = 256;

export const MAX_REPEAT = 1000;

export type Node =
  | { type: 'chars'; set: CharSet }
  | { type: 'assert' }
  | { type: 'backref' }
  | { type: 'group'; lookaround: boolean; body: Alternation }
  | { type: 'repeat'; min: number; max: number; body: Node };

export interface Alternation {
  alternatives: Node[][];
}

export class Parser {
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
export function countCaptures(source: string): { captures: number; named: boolean } {
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
