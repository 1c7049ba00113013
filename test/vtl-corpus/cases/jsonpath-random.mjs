// Random JSONPath token soups (deterministic) over a mixed document.
let seed = 9090;
const rand = (n) => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed % n;
};
const doc = JSON.stringify({
  a: { b: [{ c: 1, d: 'x', e: [1, 2] }, { c: 2.5, d: null }, { c: '3' }], 'k y': { z: true } },
  l: [3, -1, 4, [5, 6]],
  s: 'str',
  n: null,
});
const pieces = ['.', '..', '[', ']', '[*]', '*', '[0]', '[-1]', '[1:]', '[:2]', "['a']", "['k y']", '["b"]', 'a', 'b', 'c', 'd', 'e', 'l', 's', 'n',
  '[?(@.c)]', '[?(@.c > 1)]', "[?(@.d == 'x')]", '[?(@ > 0)]', '[0,1]', '.length()', '.sum()', '.keys()', ' ', '(', ')', '?', "'", ',', ':'];
const set = new Set();
while (set.size < 1000) {
  let p = rand(10) === 0 ? '' : '$';
  const len = 1 + rand(7);
  for (let j = 0; j < len; j++) p += pieces[rand(pieces.length)];
  set.add(p);
}
export const jsonpath = [...set].map((path, i) => ({ name: `jprand-${String(i).padStart(4, '0')}`, document: doc, path }));
