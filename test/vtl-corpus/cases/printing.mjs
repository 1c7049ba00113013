// How values read from JSON print in templates (Java toString of json-smart values):
// maps as {k=v}, JSONArrays as JSON (NO_COMPRESS: '/' escaped), doubles as Double.toString.

const docs = [
  '{"s":"a/b \\"q\\" \\\\ \\u00e9 \\u20ac \\u2028 \\u0001 \\ud83d\\ude00","n":1,"d":1.50,"e":1e21,"small":0.0001,"big":12345678901234567890,"dec":0.1000000000000000000001,"t":true,"z":null}',
  '{"list":["a/b",1,2.0,null,true,{"k":"v/w"},[1,[2]]],"map":{"inner":[1,"x/y"],"m":{"a":null}}}',
  '[{"id":1,"tags":["x/y"]},{"id":2,"tags":[]}]',
  '{"empty":{},"emptyList":[],"nested":{"e":{}},"keys with space":{"a b":"c d"}}',
  '{"unicode":["ключ","日本","\\u007f\\u0080\\u009f\\u00a0"],"ctrl":"\\b\\f\\n\\r\\t"}',
];
const exprs = [
  "$input.path('$')", "$input.path('$.*')", "$input.path('$..*')", '$input.json(\'$\')', "$input.path('$').toString()",
  "#foreach($v in $input.path('$.*'))[$v]#end", "$util.parseJson($input.json('$'))", "$util.parseJson($input.body)",
  "#set($m = $input.path('$'))#foreach($k in $m.keySet())$k=[$m.get($k)];#end",
];
const cases = [];
docs.forEach((body, di) =>
  exprs.forEach((e, ei) => cases.push({ name: `print-${di}-${ei}`, template: `[${e}]`, input: { body } })),
);
// values built in VTL mixed with JSON values
const mixed = [
  "#set($l = [$input.path('$.list'), 'a/b'])$l", "#set($m = {'j': $input.path('$.map')})$m",
  "#set($x = $input.path('$.list'))#set($d = $x.add('new/one'))$x", "#set($x = $input.path('$.map'))#set($d = $x.put('k', [1]))$x",
  "$input.path('$.list').get(5).get('k')", "$input.path('$.list')[6][1]", "$input.path('$.list').size()", "$input.path('$.map.inner').contains('x/y')",
];
mixed.forEach((template, i) =>
  cases.push({ name: `print-mixed-${i}`, template, input: { body: docs[1] } }),
);
export const vtl = cases;
