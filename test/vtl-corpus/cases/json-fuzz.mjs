// Deterministic mutations of JSON documents: checks parseJson/toJson against json-smart's
// permissive parser on inputs nobody would write by hand (but clients do send).

let seed = 12345;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const bases = [
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '[1,-2.5,3e2,"x y",{"k":[]}]',
  '{"name":"Ann","tags":["a","b"],"n":12345678901234567890,"f":0.1}',
  "{'single':'quotes',unquoted:word}",
  '{"esc":"a\\"b\\\\c\\/d\\u00e9\\n"}',
];
const alphabet = ['{', '}', '[', ']', ',', ':', '"', "'", ' ', '\n', '-', '.', 'e', '0', '7', 'a', 't', 'n', '\\', 'x'];
const texts = new Set();
while (texts.size < 300) {
  const base = bases[rand(bases.length)];
  let t = base;
  const edits = 1 + rand(3);
  for (let i = 0; i < edits; i++) {
    const pos = rand(t.length + 1);
    const op = rand(3);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1);
    else if (op === 1) t = t.slice(0, pos) + alphabet[rand(alphabet.length)] + t.slice(pos);
    else t = t.slice(0, pos) + alphabet[rand(alphabet.length)] + t.slice(pos + 1);
  }
  texts.add(t);
}
export const json = [...texts].map((text, i) => ({ name: `jfuzz-${String(i).padStart(3, '0')}`, text }));

const edge = [
  '{[:1}', '{]:1}', '{:1}', '{"a":1,:2}', '["\\x41"]', '["\\x4"]', "['\\'']", '["\\q"]', '{a}', '{a:}', '{a:1 b:2}', '[{]', '{"a":[}',
  '{"a":1]', '[1}', '{"a" : "b" , }', '{a b c:1}', '{1:2}', '{-1:2}', '{true:1}', '{"a":-}', '{"a":- 1}', '{"a":1-2}', '[1-2]',
  '[1e5x]', '["a"x]', '{"a":"b"x}', '[{"a":1}x]', '[[1]x]', '["a" "b" , "c"]', '[null x]', '[true false]', '["\\', '["a\\"]',
];
json.push(...edge.map((text, i) => ({ name: `jedge-${String(i).padStart(2, '0')}`, text })));

// a second batch around numbers and literals
seed = 987654;
const numBases = ['[0,-0,1.5e3,-2E-2,007,1.,123456789012345678901,0.1234567890123456789]', '{"t":true,"f":false,"n":null,"x":NaN}'];
const numAlphabet = ['-', '+', '.', 'e', 'E', '0', '9', ' ', ',', 'N', 'a', 'l', 'u', '"', '[', ']'];
const more = new Set();
while (more.size < 150) {
  let t = numBases[rand(numBases.length)];
  const edits = 1 + rand(3);
  for (let i = 0; i < edits; i++) {
    const pos = rand(t.length + 1);
    const op = rand(3);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1);
    else if (op === 1) t = t.slice(0, pos) + numAlphabet[rand(numAlphabet.length)] + t.slice(pos);
    else t = t.slice(0, pos) + numAlphabet[rand(numAlphabet.length)] + t.slice(pos + 1);
  }
  more.add(t);
}
json.push(...[...more].map((text, i) => ({ name: `jnum-${String(i).padStart(3, '0')}`, text })));

const numEdge = ['[-.]', '[-.,1]', '[1.5e-]', '[1.5e]', '[1.5e,2]', '[-E-2]', '[-E]', '[-x,1]', '[-.5]', '[1e+]', '[1.e5]', '[.e5]',
  '[00-,1]', '[0-]', '[-2-2]', '[1a,2]', '-a', '-.', '1.5e-', '[1é]', '[1 é]', '{"a":1é}', '12é', '[1\u00a0]', '[-0.0e0]', '[1E400]'];
json.push(...numEdge.map((text, i) => ({ name: `jnumedge-${String(i).padStart(2, '0')}`, text })));

const whitespace = ['\ufeff{"a":1}', '\u00a0{"a":1}', '\t{"a":\t1}\r\n', '{"a":1}\u0000', '\u0000{"a":1}', '{"a"\u00a0:1}', '[1,\u00a02]',
  '{"a":\u2028"x"}', '{ "a" : [ 1 , { "b" : null } ] }', '\u000b[1]', '{"a":"line1\nline2"}', '["tab\there"]'];
json.push(...whitespace.map((text, i) => ({ name: `jws-${String(i).padStart(2, '0')}`, text })));

// whitespace-like characters in every position (json-smart: structural space is only
// space/tab/CR/LF, skipSpace() takes any char <= U+0020, trimming uses Character.isWhitespace)
const wsChars = ['\u0000', '\u0001', '\u000b', '\u000c', '\u001f', '\u00a0', '\u2028', '\u3000', '\u0085', '\u2007', '\u1680'];
const wsTemplates = ['%s[1]', '[%s1]', '[1%s]', '[1%s,2]', '{%s"a":1}', '{"a"%s:1}', '{"a":%s1}', '{"a":%s"x"}', '{"a":1%s}', '["x"%s]',
  '[a%s]', '[%sa]', '%sabc%s', '{"a":"x"%s}', '[1.5%s]', '[-%s]', '[12345678901234567890%s]', '{"a":%s%s}'];
let wsi = 0;
for (const w of wsChars) for (const tpl of wsTemplates) json.push({ name: `jwsc-${String(wsi++).padStart(3, '0')}`, text: tpl.replaceAll('%s', w) });
