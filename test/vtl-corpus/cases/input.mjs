// $input.path / $input.json / $input.params / $input.body over many documents and JSONPaths.

const docs = {
  obj: '{"name":"Ann","age":31,"score":9.5,"ok":true,"none":null,"tags":["a","b"],"addr":{"city":"Oslo","zip":"0150"},' +
    '"items":[{"id":1,"price":2.5},{"id":2,"price":10}],"big":12345678901234567890,"dec":1.10,"exp":1e3,' +
    '"esc":"q\\"uote \\\\ slash/ \\n nl \\u00e9 \\u20ac \\ud83d\\ude00","empty":"","zero":0,"neg":-1.5}',
  list: '[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]',
  scalars: '[1, "two", 3.0, true, null]',
  string: '"just a string"',
  number: '42',
  text: 'plain text, not json',
  empty: '',
  permissive: "{name: 'Bob', list: [1,2,], trailing: 1,}",
  nested: '{"a":{"b":{"c":{"d":[[1,2],[3,4]]}}}}',
  unicode: '{"ключ":"значение","日本":"語","emoji":"😀"}',
};

const paths = {
  obj: [
    '$', '$.name', '$.age', '$.score', '$.ok', '$.none', '$.tags', '$.tags[0]', '$.tags[5]', '$.addr', '$.addr.city',
    '$.items', '$.items[*].id', '$.items[?(@.price > 5)]', '$.items[1].price', '$..price', '$.big', '$.dec', '$.exp',
    '$.esc', '$.empty', '$.zero', '$.neg', '$.missing', '$.missing.deeper', '$.addr.missing', "$['addr']['zip']",
    '$.tags.length()', '$.items.length()', '$.*', '$.tags[-1]', '$.items[0:1]', 'name', '$.name.first',
  ],
  list: ['$', '$[0]', '$[0].type', '$[*].price', '$[-1]', '$[?(@.price < 200)].type', '$.length()', '$[5]', '$..id', '$[1:]'],
  scalars: ['$', '$[0]', '$[1]', '$[2]', '$[3]', '$[4]', '$[*]'],
  string: ['$', '$.a', '$[0]'],
  number: ['$', '$.a'],
  text: ['$', '$.a'],
  empty: ['$', '$.a', '$[0]'],
  permissive: ['$', '$.name', '$.list', '$.trailing'],
  nested: ['$.a.b.c.d', '$.a.b.c.d[1][0]', '$..d', '$.a..c', '$.a.b.c.d[*][0]'],
  unicode: ['$', '$.ключ', "$['日本']", '$.emoji'],
};

const cases = [];
let n = 0;
for (const [doc, list] of Object.entries(paths)) {
  for (const p of list) {
    const q = p.replace(/'/g, "\\'");
    for (const form of ['path', 'json']) {
      cases.push({
        name: `input-${form}-${String(n++).padStart(3, '0')}`,
        template: `[$input.${form}('${q}')]`,
        input: { body: docs[doc] },
      });
    }
  }
}
// double-quoted argument and using the result
const more = [
  ['[$input.path("$.name")]', 'obj'],
  ['#set($root = $input.path(\'$\'))[$root.name] [$root.addr.city] [$root.items[0].price] [$root.tags.size()]', 'obj'],
  ['#set($root = $input.path(\'$\'))#foreach($i in $root.items)$i.id=$i.price;#end', 'obj'],
  ['#set($root = $input.path(\'$\'))[$root.missing] [$root.none] [$!root.none]', 'obj'],
  ['{"n": $input.json(\'$.name\'), "a": $input.json(\'$.age\'), "t": $input.json(\'$.tags\')}', 'obj'],
  ['{"body": $input.json(\'$\')}', 'permissive'],
  ['"$input.path(\'$.esc\')"', 'obj'],
  ['$util.escapeJavaScript($input.path(\'$.esc\'))', 'obj'],
  ['$util.escapeJavaScript($input.json(\'$\'))', 'obj'],
  ['[$input.body]', 'obj'],
  ['[$input.body.length()]', 'unicode'],
  ['[$input.path(\'$\').size()]', 'list'],
  ['#foreach($e in $input.path(\'$\'))$e.type#if($foreach.hasNext),#end#end', 'list'],
  ['[$input.path(\'$\').get(0).price]', 'list'],
  ['[$input.path(\'$.age\') + 1] [$input.path(\'$.score\') * 2] [$input.path(\'$.big\') + 1]', 'obj'],
  ['#if($input.path(\'$.ok\'))yes#end #if($input.path(\'$.none\'))no#{else}null#end', 'obj'],
  ['#if($input.path(\'$.age\') > 30)old#{else}young#end', 'obj'],
  ['[$input.json(\'$.missing\')] [$input.path(\'$.missing\')]', 'obj'],
  ['[$input.path(\'\')]', 'obj'],
  ['[$input.path(\'$[\')]', 'obj'],
  ['[$input.json(\'$.name.\')]', 'obj'],
  ['[$input.path(\'$\')]', 'nested'],
  ['[$input.json(\'$.a.b\')]', 'nested'],
  ['[$input.path()]', 'obj'],
  ['[$input.json()]', 'obj'],
  ['[$input.path(\'$.tags\').get(0).toUpperCase()]', 'obj'],
  ['[$input.path(\'$.items\')[1].id]', 'obj'],
];
more.forEach(([template, doc], i) => cases.push({ name: `input-more-${String(i).padStart(2, '0')}`, template, input: { body: docs[doc] } }));

// $input.params
const params = {
  path: { id: '42', proxy: 'a/b/c' },
  querystring: { q: 'search term', id: 'q-id', empty: '' },
  header: { 'Content-Type': 'application/json', 'X-Custom': 'hdr', id: 'h-id', Accept: '*/*' },
};
const paramExprs = [
  "$input.params('id')", "$input.params('q')", "$input.params('X-Custom')", "$input.params('x-custom')",
  "$input.params('missing')", "$input.params('empty')", "$input.params('proxy')", '$input.params()', '$input.params().path',
  '$input.params().querystring', '$input.params().header', "$input.params().header.get('Content-Type')",
  "$input.params().querystring.q", "$input.params().path.get('id')", '$input.params().size()', '$input.params().keySet()',
  "$input.params().header.keySet()", '$input.params("id")', "$input.params('')", '$input.params().querystring.missing',
];
paramExprs.forEach((e, i) =>
  cases.push({ name: `params-${String(i).padStart(2, '0')}`, template: `[${e}]`, input: { body: '{}', params } }),
);
cases.push({
  name: 'params-all-loop',
  template:
    '#set($allParams = $input.params())\n{\n#foreach($type in $allParams.keySet())\n  #set($params = $allParams.get($type))\n  "$type" : {\n  #foreach($paramName in $params.keySet())\n    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"#if($foreach.hasNext),#end\n  #end\n  }#if($foreach.hasNext),#end\n#end\n}',
  input: { body: '{}', params },
});
cases.push({ name: 'params-empty-loop', template: '#foreach($k in $input.params().header.keySet())$k#end.', input: { body: '' } });

export const vtl = cases;
