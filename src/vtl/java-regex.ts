// Java regular expressions (java.util.regex) translated to JavaScript RegExp.
// First version: handles the constructs selection patterns use in practice.
// The VTL engine owns and extends this (String.matches / replaceAll use it too).

const cache = new Map<string, RegExp>();

/** Translate a Java regex to an equivalent JS RegExp source. Throws SyntaxError when invalid. */
export function translateJavaRegex(pattern: string): { source: string; flags: string } {
  let flags = '';
  let source = pattern;
  // Leading embedded flags: (?i) (?s) (?m) (?is) ...
  const lead = /^\(\?([imsux]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
    source = source.slice(lead[0].length);
  }
  source = source
    .replace(/\\A/g, '^')
    .replace(/\\[Zz]/g, '$')
    // possessive quantifiers have no JS equivalent; greedy is the closest match
    .replace(/([*+?}])\+/g, '$1');
  return { source, flags };
}

/** Compile a Java regex that must match the whole input (Matcher.matches()). */
export function compileWholeMatch(pattern: string): RegExp {
  const key = `whole:${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const { source, flags } = translateJavaRegex(pattern);
    re = new RegExp(`^(?:${source})$`, flags);
    cache.set(key, re);
  }
  return re;
}
