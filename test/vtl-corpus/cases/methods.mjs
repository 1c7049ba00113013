// Java String / List / Map methods called from templates (Velocity 1.7 introspection).

const strMethods = [
  'length()', 'toUpperCase()', 'toLowerCase()', 'trim()', 'isEmpty()', 'toString()', 'hashCode()',
  'substring(1)', 'substring(1, 3)', 'substring(0, 0)', 'substring(20)', 'substring(3, 1)',
  'charAt(0)', 'charAt(99)', 'indexOf("o")', 'indexOf("o", 5)', 'indexOf("zz")', 'lastIndexOf("o")',
  'contains("World")', 'contains("world")', 'startsWith("He")', 'startsWith("World", 6)', 'endsWith("ld")',
  'equals("Hello World")', 'equalsIgnoreCase("hello world")', 'compareTo("Hello")', 'compareToIgnoreCase("HELLO WORLD")',
  'replace("l", "L")', 'replace("World", "There")', "replaceAll(\"l+\", \"L\")", 'replaceAll("[aeiou]", "")',
  'replaceAll("(\\w+) (\\w+)", "$2 $1")', 'replaceFirst("o", "0")', 'replaceAll("\\s", "_")', "replaceAll(\"\\\\'\", \"'\")",
  'matches("H.*d")', 'matches("World")', 'matches("(?i)hello.*")', 'split(" ").get(0)', 'split(" ").size()', 'split("o").get(1)',
  'split("").size()', 'split("l", 2).get(1)', 'concat("!")', 'toCharArray().size()', 'getBytes().size()', 'intern()', 'codePointAt(0)',
  'regionMatches(true, 0, "HELLO", 0, 5)', 'strip()', 'repeat(2)', 'isBlank()',
  'format("%s")', 'valueOf(5)', 'join("-", ["a", "b"])', 'nosuch()', 'length', 'empty', 'split(" ")[1]',
];
const strings = ['Hello World', '', '  padded  ', "it's \"quoted\"", 'ünïcödé €'];

const cases = [];
let n = 0;
for (const [si, s] of strings.entries()) {
  for (const [mi, m] of strMethods.entries()) {
    if (si > 0 && (mi + si) % 3 !== 0) continue;
    cases.push({
      name: `str-${String(n++).padStart(3, '0')}`,
      template: `#set($s = ${JSON.stringify(s).replace(/\\"/g, '""')})[$s.${m}]`,
      input: {},
    });
  }
}

// strings coming from JSON, params and context
const fromInput = [
  "$input.path('$.s').toUpperCase()", "$input.path('$.s').length()", "$input.path('$.s').replaceAll('o', '0')",
  "$input.path('$.s').split(',').size()", "$input.path('$.s').split(',')[1]", "$input.path('$.s').contains('b')",
  "$input.params('q').toLowerCase()", "$input.params('q').length()", "$input.params('missing').length()",
  "$context.stage.toUpperCase()", "$stageVariables.env.substring(1)", "$input.json('$.s').length()",
  "$input.path('$.n').toString().length()", "$input.path('$.list').size()", "$input.path('$.list').get(0)",
  "$input.path('$.list')[1]", "$input.path('$.obj').size()", "$input.path('$.obj').keySet()", "$input.path('$.obj').get('k')",
  "$input.path('$.obj').containsKey('k')", "$input.path('$.obj').values()", "$input.path('$.list').contains(2)",
  "$input.path('$.list').isEmpty()", "$input.path('$.list').indexOf(3)", "$input.path('$.list').subList(0, 2)",
  "$input.path('$.list').toString()", "$input.path('$.obj').toString()", "$input.path('$.s').class.simpleName",
  "$input.path('$.n').class.name", "$input.path('$.f').class.name", "$input.path('$.list').class.name", "$input.path('$.obj').class.name",
];
const input = {
  body: '{"s":"a,b,c,foo","n":42,"f":1.5,"list":[1,2,3],"obj":{"k":"v","k2":[1,"x"]}}',
  params: { querystring: { q: 'MiXeD' } },
  context: { stage: 'beta' },
  stageVariables: { env: 'staging' },
};
fromInput.forEach((e, i) => cases.push({ name: `str-input-${String(i).padStart(2, '0')}`, template: `[${e}]`, input }));

// lists
const listExprs = [
  '$l', '$l.size()', '$l.get(0)', '$l.get(9)', '$l[0]', '$l[-1]', '$l.contains("b")', '$l.contains(2)', '$l.indexOf("c")',
  '$l.isEmpty()', '$l.subList(1, 3)', '$l.toString()', '$l.add("d")', '#set($x = $l.add("d"))$l', '#set($x = $l.remove(0))$x $l',
  '#set($x = $l.set(0, "z"))$x $l', '$l.get("a")', '$l.size', '$l.empty', '$l.first', '#set($x = $l.addAll(["p", "q"]))$l',
  '$l.containsAll(["a", "b"])', '#set($x = $l.clear())$l', '$l.equals(["a", "b", "c"])', '$l.hashCode()', '$l.iterator().next()',
  '#foreach($e in $l)$e$foreach.index#end', '$l.join(",")', '$l.toArray().size()', '$l.lastIndexOf("a")',
  '#set($l2 = $l)#set($x = $l2.add("shared"))$l', '$l.get(0).toUpperCase()', '#set($m = [[1, 2], [3]])$m.get(0).get(1) $m[1][0]',
];
listExprs.forEach((e, i) =>
  cases.push({ name: `list-${String(i).padStart(2, '0')}`, template: `#set($l = ["a", "b", "c"])[${e}]`, input: {} }),
);

// maps
const mapExprs = [
  '$m', '$m.size()', '$m.a', '$m.get("a")', '$m["a"]', '$m.missing', '$m.get("missing")', '$m.keySet()', '$m.values()',
  '$m.entrySet()', '$m.containsKey("b")', '$m.containsValue(2)', '$m.isEmpty()', '$m.put("c", 3)', '#set($x = $m.put("c", 3))$m',
  '#set($x = $m.put("a", 9))$x $m', '#set($x = $m.remove("a"))$x $m', '#set($m.d = 4)$m', '$m.toString()', '$m.empty',
  '#foreach($k in $m.keySet())$k#end', '#foreach($v in $m.values())$v#end', '#foreach($e in $m.entrySet())$e.getKey()=$e.getValue();#end',
  '$m.getOrDefault("zz", "dflt")', '$m.nested.x', '$m.nested', '$m.list[1]', '$m.list.size()', '#set($x = $m.putAll({"p": 1}))$m',
  '$m.keySet().size()', '$m.a.class.simpleName', '$m.get(1)',
];
mapExprs.forEach((e, i) =>
  cases.push({
    name: `map-${String(i).padStart(2, '0')}`,
    template: `#set($m = {"a": 1, "b": 2, "nested": {"x": "y"}, "list": [1, 2]})[${e}]`,
    input: {},
  }),
);

export const vtl = cases;
