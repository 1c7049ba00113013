// JSON parsing / serialisation cases (json-smart MODE_PERMISSIVE, LT_COMPRESS output)
// and JSONPath cases (Jayway JsonPath), rendered by tools/vtl-oracle/generate.mjs.

const texts = [
  // numbers
  '0', '1', '-1', '-0', '2147483647', '2147483648', '-2147483648', '-2147483649',
  '9007199254740991', '9007199254740993', '9223372036854775807', '9223372036854775808',
  '-9223372036854775808', '-9223372036854775809', '123456789012345678901234567890',
  '00012', '1.0', '1.5', '-1.5', '0.1', '1e10', '1E10', '1e+2', '1E-5', '1.0e2', '123e-2',
  '0.001', '0.0001', '9999999.0', '1e7', '12345678.9', '1.7976931348623157E308', '4.9E-324',
  '1e400', '1e-400', '-0.0', '1.', '3.14159265358979', '1.2345678901234567', '1.23456789012345678',
  '-1.2345678901234567', '-1.234567890123456', '1.234567890123456e5', '100000000000000000000.0',
  '12345678901234567.5', '0.000000000000000001', '0.00000000000000000000', '1234567890123456789.0',
  '1.5e300', '2.5E-300', '100.0', '0.5', '-', 'NaN',
  // literals
  'true', 'false', 'null', 'TRUE', 'True', 'nul', 'tRue',
  // strings
  '"hello"', '"a/b"', '"\\/"', '"\\u0041\\u00e9\\u20ac"', '"tab\\there"', '"nl\\nx"', '"q\\"q"', '"bs\\\\x"',
  '"\\u0000\\u0001\\u001f"', '"\\u007f\\u0080\\u009f\\u00a0"', '"\\u1fff\\u2000\\u2028\\u2029\\u20ac\\u20ff\\u2100"',
  '"emoji \\ud83d\\ude00"', '"héllo wörld ✓"', '"\\b\\f\\r"', "'single'", "'it''s'", '"it\'s"',
  '"unterminated', '"bad \\x escape"', '"bad \\u12 escape"',
  // objects and arrays
  '{}', '[]', '  [ ]  ', '{"a":1,"b":[1,2.0],"c":null}', '{"z":1,"a":2,"m":3}', '{"a":1,"b":2,"a":3}',
  '{a:1}', "{'a':'b'}", '{a b: 1}', '{"a":abc def}', '[1,2,]', '[1,,2]', '[,1]', '[1 2]', '[-]',
  '[1.5.5]', '[1e]', '[0x10]', '[+1]', '[Infinity]', '[undefined]', '[a b c, d]', '[true,false,null,TRUE]',
  '{"a":[1,{"b":2}]}', '{"a":1}x', '[1]]', '{"a" 1}', '{"a":1', '[1,2', '{"a":}', '{"a":,"b":1}',
  '{"nested":{"deep":{"deeper":[1,[2,[3]]]}}}', '{"k":"v",}', '{,}', '{"":""}', '{"a b":"true","k/":"123"}',
  '[1, "two", 3.0, true, null, {"x": [ ]}]', '{"n":-0,"d":-0.0}', '{"big":12345678901234567890,"dec":1.23456789012345678901}',
  '[1 ]', '[ 1 , 2 ]', '12abc', '12 abc', 'hello world', '', '   ', '.5', '-.5', 'abc"def', '[abc"def]',
  '{"a":"b" "c":1}', '["a" "b"]', '[1,2]   trailing', '"a" "b"', '{"a":1}{"b":2}',
  '{\n  "id": 1,\n  "type": "dog",\n  "Age": 11,\n}',
  '{"ctrl":"raw\ttab"}', '{"u":"\\uD83D\\uDE00"}',
];

export const json = texts.map((text, i) => ({ name: `json-${String(i).padStart(3, '0')}`, text }));

const store = JSON.stringify({
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      { category: 'fiction', author: 'J. R. R. Tolkien', title: 'The Lord of the Rings', isbn: '0-395-19395-8', price: 22.99 },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
});

const misc =
  '{"a":1,"b":"two","c":[1,2,3,4,5],"d":{"e":{"f":"deep"}},"n":null,"t":true,"f":false,"empty":{},"list":[],' +
  '"odd key":"spaced","dot.key":"dotted","quo\'te":"q","num":12345678901234567890,"dbl":1.0,"neg":-7,' +
  '"objs":[{"id":1,"name":"x","tags":["a","b"]},{"id":2,"name":"y","tags":[]},{"id":3,"tags":["c"]}],' +
  '"unicode":"h\\u00e9llo \\u20ac \\ud83d\\ude00","slash":"a/b","ctrl":"l1\\nl2\\t\\"q\\""}';

const arr = '[{"id":1,"v":"a"},{"id":2,"v":"b"},{"id":3,"v":"c"}]';
const scalars = ['"just a string"', '42', '3.5', 'true', 'null', 'plain text', ''];

const storePaths = [
  '$', '$.store', '$.store.book', '$.store.book[0]', '$.store.book[0].author', "$['store']['book'][1]['title']",
  '$.store.book[-1]', '$.store.book[-1:]', '$.store.book[0,1]', '$.store.book[:2]', '$.store.book[1:3]', '$.store.book[2:]',
  '$.store.book[*].author', '$..author', '$.store.*', '$.store..price', '$..book[2]', '$..book[-2]', '$..book[0,1]',
  '$..book[:2]', '$..book[?(@.isbn)]', '$.store.book[?(@.price < 10)]', '$..book[?(@.price <= $.expensive)]',
  "$..book[?(@.author =~ /.*REES/i)]", '$..*', '$.store.book.length()', '$..book.length()', '$.store.book[0].isbn',
  '$.store.missing', '$.store.book[10]', '$.store.book[*].isbn', "$.store.book[?(@.category == 'fiction')].title",
  '$.store.bicycle.color', '$.store.bicycle["color"]', "$.store['bicycle','book']", '$.expensive', '$.store.book[0][\'author\',\'title\']',
  '$.store.book[?(@.price > 10 && @.category == "fiction")].title', '$.store.book[?(@.price > 20 || @.price < 9)].price',
  '$.store.book[?(!@.isbn)].title', '$.store.book[1:2].title', '$.store.book[0:0]', '$.store.book[-2:-1]', '$.store.book[::2]',
  '$.store.book[*]', '$[*]', '$.*', '$.store.bicycle.*', '$.store.bicycle.price.missing', '$..missing',
];

const miscPaths = [
  '$', '$.a', '$.b', '$.c', '$.c[0]', '$.c[4]', '$.c[5]', '$.c[-1]', '$.c[-5]', '$.c[-6]', '$.c[1:3]', '$.c[:-2]', '$.c[-2:]',
  '$.c[0,2,4]', '$.c[*]', '$.c.length()', '$.c.size()', '$.c.min()', '$.c.max()', '$.c.avg()', '$.c.sum()', '$.c.stddev()',
  '$.d', '$.d.e', '$.d.e.f', '$.d.e.f.g', '$.d.x.y', '$.n', '$.n.x', '$.t', '$.f', '$.empty', '$.list', '$.list[0]',
  "$['odd key']", "$['dot.key']", '$.dot.key', "$['quo\\'te']", '$["a"]', "$['a','b']", "$['a','missing']", '$.num',
  '$.dbl', '$.neg', '$.objs', '$.objs[*].id', '$.objs[*].name', '$.objs[*].tags', '$.objs[*].tags[*]', '$.objs[?(@.id > 1)]',
  '$.objs[?(@.id == 2)].name', '$.objs[?(@.name)].id', "$.objs[?(@.name == 'x')]", '$.objs[?(@.tags.length() > 0)].id',
  '$.objs[0].tags[1]', '$.objs[1].tags[0]', '$.objs..id', '$..id', '$..tags', '$..f', '$.unicode', '$.slash', '$.ctrl',
  '$.*', '$..*.id', '$.objs.length()', '$.keys()', '$.d.keys()', '$.a.b', '$.b[0]', '$.c.x', '$.objs[*].missing', '$.c[1].x',
  '$.objs[?(@.id in [1,3])].id', '$.objs[?(@.id nin [1,3])].id', '$.objs[?(@.tags empty true)].id', "$.objs[?(@.name =~ /x|y/)].id",
  '$.c[?(@ > 2)]', '$.c[?(@ == 3)]', "$[?(@.a)]", '$[\'d\'][\'e\']', '$.d[\'e\'].f', '$..e', '$.objs[0].*', '$[0]',
  '', 'a', '$.', '$..', '$[', '$.c[', "$['a", '$.c[a]', '$.c[1:2:3:4]', '$.objs[?(@.id >)]', 'a.b', '@.a', '$.a.', '$.[a]',
  '$. a', '$.a b', '$.c[ 1 ]', '$.c[1, 2]', "$[ 'a' ]", '$.d..f', '$.d.*.f', '$.objs[*]..name',
];

const arrPaths = ['$', '$[0]', '$[0].id', '$[*].id', '$[-1].v', '$[1:]', '$[?(@.id >= 2)].v', '$.length()', '$[3]', '$.id', '$..v', '$[0,2].v', '$[*]'];
const scalarPaths = ['$', '$.a', '$[0]', '$.length()', '$..a', '$.*', '$[*]'];

let n = 0;
const mk = (document, path) => ({ name: `jp-${String(n++).padStart(3, '0')}`, document, path });
export const jsonpath = [
  ...storePaths.map((p) => mk(store, p)),
  ...miscPaths.map((p) => mk(misc, p)),
  ...arrPaths.map((p) => mk(arr, p)),
  ...scalars.flatMap((d) => scalarPaths.map((p) => mk(d, p))),
];
