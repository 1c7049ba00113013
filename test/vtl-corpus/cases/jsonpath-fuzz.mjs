// Deterministic mutations of JSONPath expressions (odd syntax users and generators produce).

let seed = 4242;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const doc = JSON.stringify({
  a: { b: [{ c: 1, d: 'x' }, { c: 2, d: 'y' }, { c: 3 }], e: { 'f g': true, h: null } },
  list: [5, 6, 7],
  s: 'str',
});
const bases = [
  '$.a.b[0].c', '$.a.b[*].d', "$['a']['e']['f g']", '$..c', '$.a.b[?(@.c > 1)].d', '$.list[1:3]', '$.list.length()',
  '$.a.e.h', "$.a.b[0]['c','d']", '$.list[-1]', '$.a.*', '$..b[1]', '$.a.b[?(@.d)].c',
];
const alphabet = ['.', '..', '[', ']', "'", '"', '*', '?', '(', ')', '@', '$', ' ', ',', ':', '-', '1', 'c', '=', '<'];
const paths = new Set();
while (paths.size < 300) {
  let t = bases[rand(bases.length)];
  const edits = 1 + rand(2);
  for (let i = 0; i < edits; i++) {
    const pos = rand(t.length + 1);
    const op = rand(3);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1);
    else if (op === 1) t = t.slice(0, pos) + alphabet[rand(alphabet.length)] + t.slice(pos);
    else t = t.slice(0, pos) + alphabet[rand(alphabet.length)] + t.slice(pos + 1);
  }
  paths.add(t);
}
export const jsonpath = [...paths].map((path, i) => ({ name: `jpfuzz-${String(i).padStart(3, '0')}`, document: doc, path }));

// a second batch around filters and brackets
seed = 777;
const filterBases = [
  "$.a.b[?(@.c >= 2 && @.d == 'y')].c", '$.a.b[?(@.d =~ /x|y/)].d', "$.a.b[?(@.c in [1,3])].c", '$.a.b[?(!@.d)]',
  "$['a']['b'][0,1]['c','d']", '$.list[?(@ > 5)]', '$..b[?(@.c)].c', '$.a.b[-2:].c', "$.a['e'].h", '$.a.b[*].length()',
];
const filterAlphabet = ['[', ']', '(', ')', '?', '@', '.', "'", '"', ' ', '!', '&', '|', '=', '>', '<', '/', ',', '1', 'c'];
const more = new Set();
while (more.size < 200) {
  let t = filterBases[rand(filterBases.length)];
  const edits = 1 + rand(2);
  for (let i = 0; i < edits; i++) {
    const pos = rand(t.length + 1);
    const op = rand(3);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1);
    else if (op === 1) t = t.slice(0, pos) + filterAlphabet[rand(filterAlphabet.length)] + t.slice(pos);
    else t = t.slice(0, pos) + filterAlphabet[rand(filterAlphabet.length)] + t.slice(pos + 1);
  }
  more.add(t);
}
jsonpath.push(...[...more].map((path, i) => ({ name: `jpfuzz2-${String(i).padStart(3, '0')}`, document: doc, path })));

// a third batch: filters with grouping, negation, literals
seed = 31337;
const logicBases = [
  '$.a.b[?(@.c == 1 || @.c == 3 && @.d)].c', '$.a.b[?(!(@.c > 1) || @.d == "y")].c', "$.a.b[?(@.d =~ /X/i && !@.e)].c",
  "$.a.b[?(@.c in [1, 2] && @.d nin ['x'])].c", '$.list[?(@ >= 6 || @ == 5)]', "$.a.b[?(@.d == 'x' || (@.c == 3))].c",
  '$.a.b[?(@.c != 2 && @.c != 3)].d', '$..[?(@.c == 2)].d', "$.a.b[?(@['c'] == 3)].c", '$.a.b[?(@.c == $.list[0] - 4)].c',
];
const logicAlphabet = ['(', ')', '!', ' ', '&', '|', '=', '<', '>', '@', '$', '.', "'", '"', '[', ']', ',', '1', '-', 'i'];
const logic = new Set();
while (logic.size < 250) {
  let t = logicBases[rand(logicBases.length)];
  const edits = 1 + rand(2);
  for (let i = 0; i < edits; i++) {
    const pos = rand(t.length + 1);
    const op = rand(3);
    if (op === 0) t = t.slice(0, pos) + t.slice(pos + 1);
    else if (op === 1) t = t.slice(0, pos) + logicAlphabet[rand(logicAlphabet.length)] + t.slice(pos);
    else t = t.slice(0, pos) + logicAlphabet[rand(logicAlphabet.length)] + t.slice(pos + 1);
  }
  logic.add(t);
}
jsonpath.push(...[...logic].map((path, i) => ({ name: `jpfuzz3-${String(i).padStart(3, '0')}`, document: doc, path })));
