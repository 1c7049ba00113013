// JSON pointers (RFC 6901) for error and warning locations.

/** Escape one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Append tokens to a pointer: `ptr('/paths', '/lambda', 'get')` → `/paths/~1lambda/get`. */
export function ptr(base: string, ...tokens: Array<string | number>): string {
  return base + tokens.map((t) => `/${escapeToken(t)}`).join('');
}

/** Split a pointer into unescaped tokens. */
export function tokens(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const fragment = pointer.startsWith('#');
  const p = fragment ? pointer.slice(1) : pointer;
  return p
    .slice(1)
    .split('/')
    .map((t) => (fragment ? safeDecode(t) : t).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function safeDecode(t: string): string {
  try {
    return decodeURIComponent(t);
  } catch {
    return t;
  }
}
