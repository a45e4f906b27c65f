/**
 * OSC 1.0 address patterns: `?` one character, `*` any run, `[abc]` / `[a-z]` / `[!abc]` one of a set,
 * `{foo,bar}` one of the words. None of them matches across '/'.
 *
 * Matching never backtracks: each segment is matched by carrying the set of positions the pattern can
 * have reached so far, token by token, so a pattern costs at most tokens x characters x words per
 * segment whatever it holds (a regex of 40 stars and a miss backtracks for minutes).
 */
type Token =
  | { kind: 'literal'; text: string }
  | { kind: 'one' }
  | { kind: 'star' }
  | { kind: 'set'; negate: boolean; ranges: [number, number][] }
  | { kind: 'words'; words: string[] };

export interface AddressPattern {
  readonly source: string;
  /** How many '/'-separated segments a matching address has. */
  readonly segments: number;
  matches(address: string): boolean;
}

export function isPattern(address: string): boolean {
  return /[*?[\]{}]/.test(address);
}

/** The pattern compiled, or null when it is malformed (an unclosed or stray bracket or brace). */
export function compilePattern(pattern: string): AddressPattern | null {
  const parts = pattern.split('/');
  const compiled: Token[][] = [];
  for (const part of parts) {
    const tokens = tokenize(part);
    if (!tokens) return null;
    compiled.push(tokens);
  }
  return {
    source: pattern,
    segments: parts.length,
    matches(address: string): boolean {
      const segments = address.split('/');
      if (segments.length !== compiled.length) return false;
      for (let i = 0; i < segments.length; i++) if (!matchSegment(compiled[i]!, segments[i]!)) return false;
      return true;
    },
  };
}

function tokenize(part: string): Token[] | null {
  const tokens: Token[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
  };
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else if (c === '*') {
      flush();
      // "**" matches what "*" matches: one star token, however many were sent.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '[') {
      const end = part.indexOf(']', i + 1);
      if (end < 0) return null;
      flush();
      tokens.push(parseSet(part.slice(i + 1, end)));
      i = end;
    } else if (c === '{') {
      const end = part.indexOf('}', i + 1);
      if (end < 0) return null;
      flush();
      tokens.push({ kind: 'words', words: [...new Set(part.slice(i + 1, end).split(','))] });
      i = end;
    } else if (c === ']' || c === '}') {
      return null;
    } else {
      literal += c;
    }
  }
  flush();
  return tokens;
}

function parseSet(body: string): Token {
  const negate = body.startsWith('!');
  const chars = negate ? body.slice(1) : body;
  const ranges: [number, number][] = [];
  for (let i = 0; i < chars.length; i++) {
    const from = chars.charCodeAt(i);
    if (chars[i + 1] === '-' && i + 2 < chars.length) {
      const to = chars.charCodeAt(i + 2);
      ranges.push([Math.min(from, to), Math.max(from, to)]);
      i += 2;
    } else {
      ranges.push([from, from]);
    }
  }
  return { kind: 'set', negate, ranges };
}

function matchSegment(tokens: readonly Token[], text: string): boolean {
  const n = text.length;
  let reached = new Uint8Array(n + 1);
  reached[0] = 1;
  let next = new Uint8Array(n + 1);
  for (const token of tokens) {
    next.fill(0);
    let any = false;
    for (let p = 0; p <= n; p++) {
      if (!reached[p]) continue;
      switch (token.kind) {
        case 'literal':
          if (text.startsWith(token.text, p)) next[p + token.text.length] = 1;
          break;
        case 'one':
          if (p < n) next[p + 1] = 1;
          break;
        case 'star':
          // Every position from here on is reachable: mark them all and stop looking.
          next.fill(1, p);
          p = n;
          break;
        case 'set':
          if (p < n && inSet(token, text.charCodeAt(p))) next[p + 1] = 1;
          break;
        case 'words':
          for (const word of token.words) if (text.startsWith(word, p)) next[p + word.length] = 1;
          break;
      }
    }
    for (let p = 0; p <= n && !any; p++) any = next[p] === 1;
    if (!any) return false;
    [reached, next] = [next, reached];
  }
  return reached[n] === 1;
}

function inSet(token: Extract<Token, { kind: 'set' }>, code: number): boolean {
  let inside = false;
  for (const [from, to] of token.ranges) {
    if (code >= from && code <= to) {
      inside = true;
      break;
    }
  }
  return inside !== token.negate;
}
