/**
 * OSC 1.0 address patterns: `?` one character, `*` any run, `[abc]` / `[a-z]` / `[!abc]` one of a set,
 * `{foo,bar}` one of the words. None of them matches across '/'. Compiled patterns are cached.
 */
const cache = new Map<string, RegExp | null>();
const CACHE_LIMIT = 512;

export function isPattern(address: string): boolean {
  return /[*?[\]{}]/.test(address);
}

/** The pattern as a RegExp, or null when it is malformed (unclosed bracket or brace). */
export function compilePattern(pattern: string): RegExp | null {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const compiled = compile(pattern);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

function compile(pattern: string): RegExp | null {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    switch (c) {
      case '?':
        out += '[^/]';
        break;
      case '*':
        out += '[^/]*';
        break;
      case '[': {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) return null;
        let body = pattern.slice(i + 1, end);
        const negate = body.startsWith('!');
        if (negate) body = body.slice(1);
        const escaped = body.replace(/[\\\]^]/g, '\\$&');
        out += negate ? `[^/${escaped}]` : `[${escaped}]`;
        i = end;
        break;
      }
      case '{': {
        const end = pattern.indexOf('}', i + 1);
        if (end < 0) return null;
        const words = pattern.slice(i + 1, end).split(',').map(escapeRegExp);
        out += `(?:${words.join('|')})`;
        i = end;
        break;
      }
      case ']':
      case '}':
        return null;
      default:
        out += escapeRegExp(c);
    }
  }
  try {
    return new RegExp(`${out}$`);
  } catch {
    return null;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
