// Random token soups (deterministic): parseJson must agree with json-smart on anything.
let seed = 555;
const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed % n; };
const pieces = ['{', '}', '[', ']', ',', ':', '"', "'", '\\', 'u', '00', '41', 'x', '0', '9', '-', '+', '.', 'e', 'E', 'true', 'false', 'null', 'NaN',
  ' ', '\n', '\t', '\r', '\u000b', '\u0000', '\u00a0', '\u2028', 'é', 'a', 'b', '/', '#', '{"k":', '[1,', '"s"', "'q'"];
const set = new Set();
while (set.size < 1000) { let t = ''; const len = 1 + rand(16); for (let j = 0; j < len; j++) t += pieces[rand(pieces.length)]; set.add(t); }
export const json = [...set].map((text, i) => ({ name: `jrand-${i}`, text }));
