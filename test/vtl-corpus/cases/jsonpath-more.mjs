// More JSONPath cases: filters, functions, deep scans, unions, slices, odd syntax.

const doc = JSON.stringify({
  items: [
    { id: 1, name: 'apple', price: 1.5, qty: 10, tags: ['fruit', 'red'], meta: { color: 'red' }, active: true },
    { id: 2, name: 'banana', price: 0.25, qty: 0, tags: ['fruit'], meta: { color: 'yellow' }, active: false },
    { id: 3, name: 'carrot', price: 0.75, tags: [], meta: null, active: true, code: '3' },
    { id: 4, name: 'Durian', price: 12, qty: -2, tags: ['fruit', 'smelly'], meta: { color: 'green', size: 'L' } },
  ],
  nums: [3, -1, 4.5, 0, 10],
  negs: [-3, -1, -7],
  mixed: [1, 'two', null, true, 2.5, [1], { a: 1 }],
  strs: ['b', 'a', 'c'],
  matrix: [[1, 2, 3], [4, 5, 6]],
  limit: 1,
  name: 'root',
  empty: [],
  obj: { x: 1, y: { x: 2, z: { x: 3 } } },
});

const paths = [
  // filters: comparison operators and types
  '$.items[?(@.price > 1)].name', '$.items[?(@.price >= 0.75)].id', '$.items[?(@.price < 1)].id', '$.items[?(@.price <= 0.25)].id',
  '$.items[?(@.id == 2)].name', '$.items[?(@.id != 2)].name', "$.items[?(@.name == 'apple')].id", '$.items[?(@.name == "apple")].id',
  "$.items[?(@.name > 'b')].name", "$.items[?(@.code == 3)].name", "$.items[?(@.id == '3')].name", "$.items[?(@.code == '3')].id",
  '$.items[?(@.active == true)].id', '$.items[?(@.active == false)].id', '$.items[?(@.active)].id', '$.items[?(!@.active)].id',
  '$.items[?(@.meta == null)].id', '$.items[?(@.meta != null)].id', '$.items[?(@.qty)].id', '$.items[?(!@.qty)].id',
  '$.items[?(@.qty > 0)].id', '$.items[?(@.qty < 0 || @.price > 10)].id', '$.items[?(@.qty >= 0 && @.active == true)].id',
  '$.items[?((@.id == 1 || @.id == 2) && @.active)].id', '$.items[?(@.price > $.limit)].name', '$.items[?(@.name == $.name)].id',
  '$.items[?(@.meta.color == "red")].name', "$.items[?(@.meta.size)].name", '$.items[?(@.tags.length() == 2)].id',
  "$.items[?(@.tags contains 'red')].id", "$.items[?('fruit' in @.tags)].id", "$.items[?(@.name in ['apple','carrot'])].id",
  "$.items[?(@.name nin ['apple','carrot'])].id", '$.items[?(@.tags size 1)].id', "$.items[?(@.name size 6)].id",
  '$.items[?(@.tags empty true)].id', '$.items[?(@.tags empty false)].id', "$.items[?(@.tags subsetof ['fruit','red','x'])].id",
  "$.items[?(@.tags anyof ['smelly','x'])].id", "$.items[?(@.tags noneof ['fruit'])].id", '$.items[?(@.name =~ /^[a-c].*/)].name',
  '$.items[?(@.name =~ /durian/i)].id', '$.items[?(@.name =~ /an/)].id', '$.items[?(@.id === 1)].name', '$.items[?(@.code === 3)].name',
  '$.items[?(@.meta)].id', '$.items[?(@.meta.color)].id', '$.nums[?(@ > 0)]', '$.nums[?(@ == 4.5)]', '$.strs[?(@ < "b")]',
  '$.mixed[?(@ == 1)]', '$.mixed[?(@ == null)]', '$.mixed[?(@.a)]', '$.items[?(@.id > 1)][?(@.active)].id', '$.items[?(@.id > 10)]',
  '$[?(@.limit == 1)].name', '$.obj[?(@.x == 1)].x', '$.items[?(@.price*2 > 1)]', '$.items[?(@.id ==)]', '$.items[?()]',
  '$.items[?(@.id == 1)]', '$.items[?(@.id == 1)].tags[0]', '$.items[?(@.id == 1)].meta.color', '$..[?(@.x)].x', '$..[?(@.color)].color',
  // functions
  '$.nums.length()', '$.nums.size()', '$.nums.sum()', '$.nums.avg()', '$.nums.min()', '$.nums.max()', '$.nums.stddev()',
  '$.negs.max()', '$.negs.min()', '$.mixed.sum()', '$.empty.sum()', '$.empty.length()', '$.strs.sum()', '$.obj.length()',
  '$.obj.keys()', '$.items[0].keys()', '$.items.length()', '$.items[*].price.sum()', '$.items[*].tags.length()', '$..price.sum()',
  '$..price.max()', '$..id.length()', '$..tags.length()', '$.name.length()', '$.limit.length()', '$.items[0].name.length()',
  '$.nums.first()', '$.nums.last()', '$.nums.index(1)', '$.nums.nosuch()', '$.matrix[*].sum()', '$.matrix[0].avg()',
  // deep scan
  '$..x', '$.obj..x', '$..y', '$..z.x', '$..color', '$..meta', '$..tags[0]', '$..tags[*]', '$..matrix[1][0]', '$..[0]', '$..[1]',
  '$..*', '$.obj..*', '$..name', "$..['name','id']", '$..items[?(@.id == 2)].name', '$..items[-1:].id', '$..[*].x',
  // unions, slices, indexes
  "$['name','limit']", "$['name','nope']", "$.items[0]['name','price']", "$.items[*]['name','id']", '$.nums[0,2,4]', '$.nums[4,0]',
  '$.nums[-1,-2]', '$.nums[0,9]', '$.nums[1:3]', '$.nums[-3:]', '$.nums[:-3]', '$.nums[3:1]', '$.nums[0:100]', '$.nums[-100:2]',
  '$.nums[:0]', '$.nums[5:]', '$.matrix[*][1]', '$.matrix[1][*]', '$.matrix[*][*]', '$.matrix[0:1][2]', '$.empty[0]', '$.empty[*]',
  '$.empty[:1]', '$.items[1:2].name', '$.items[*].meta.color', '$.items[*].meta.size', '$.items[2].meta.color', '$.items[2].meta',
  // syntax variants
  "$['items'][0]['name']", '$["items"][0]["name"]', "$.items[0]['name']", '$.items.0', '$.items[0].name.x', '$.items[ 0 ]',
  "$[ 'name' ]", '@.name', 'name', 'items[1].name', '$..', '$.items[0]..', '$.items[01]', '$.items[-0]', '$.items[1 : 2]',
  '$.items[*', "$['name]", '$.items[?(@.id == 1]', '$.*.x', '$.*[0]', '$.*.*', '$[*].x', '$.obj.*.x', '$.obj.y.*',
  '$.na-me', '$.na_me', '$.n4me', '$.$name', '$.name$', "$['with space']", '$.items[0].tags[-1]', '$.items[-4].name', '$.items[-5].name',
];

export const jsonpath = paths.map((path, i) => ({ name: `jpx-${String(i).padStart(3, '0')}`, document: doc, path }));

const seqDoc = JSON.stringify({ one: ['only'], two: ['a', 'b'], none: [], obj: { a: 1 } });
const seqPaths = [
  '$.one.first()', '$.one.last()', '$.two.first()', '$.two.last()', '$.two.index(0)', '$.two.index(1)', '$.two.index(-1)',
  '$.two.index(-2)', '$.two.index(5)', '$.none.first()', '$.none.last()', '$.obj.first()', '$.two.index()', '$.two.sum(1)',
  '$.two.length(1)', '$..two.first()', '$.two[-3:1]', '$.two[-1:5]', '$.two[1:-1]', '$.two[:-5]', '$.two[-5:]',
];
jsonpath.push(...seqPaths.map((path, i) => ({ name: `jpseq-${String(i).padStart(2, '0')}`, document: seqDoc, path })));

const oddDoc = JSON.stringify({
  "a'b": 1, 'a"b': 2, 'a.b': 3, 'a]b': 4, 'a,b': 5, 'a b': 6, '': 7, '@': 8, $: 9, '*': 10, '1': 11, 'ünï': 12,
  list: [{ k: 'x', v: 1, sub: [{ w: 1 }, { w: 2 }] }, { k: 'y', v: null, sub: [] }, { k: 'z', sub: [{ w: 3 }] }, 5, 'str', null],
  deep: { list: [{ k: 'q' }] },
});
const oddPaths = [
  "$['a\\'b']", '$["a\\"b"]', "$['a.b']", "$['a]b']", "$['a,b']", "$['a b']", "$['']", "$['@']", "$['$']", "$['*']", "$['1']",
  '$.1', '$.ünï', "$['a.b','a b']", '$.list[?(@.k)].k', '$.list[?(@.v == null)].k', '$.list[?(@.v)].k', '$.list[?(@.sub[0].w == 3)].k',
  '$.list[?(@.sub[*].w)].k', '$.list[?(@.sub.length() > 0)].k', "$.list[?(@['k'] == 'y')].k", '$.list[?(@ == 5)]', "$.list[?(@ == 'str')]",
  '$.list[?(@.k == "x" && @.v == 1)].sub[*].w', '$.list[*].sub[*].w', '$.list..w', '$..list[*].k', '$..k', '$..[?(@.w > 1)].w',
  '$.list[?(@.k =~ /[xy]/)].k', '$.list[?(@.k =~ /X/i)].k', "$.list[?(@.k in ['x', 'z'])].v", '$.list[?(@.v > 0)].k',
  '$.list[?(@.v < 5)].k', '$.list[?(@.k != "x")].k', '$.list[?(@.missing != "x")].k', '$.list[?(@.missing == null)].k',
  '$.list[0].sub[-1].w', '$.list[:2].k', '$.list[1:].k', '$.list[*].k.length()', '$.list.length()', '$.deep..k', '$..sub[1]',
  '$.list[?(@.sub empty true)].k', '$.list[?(@.k size 1)].k', '$.list[3]', '$.list[4]', '$.list[5]', '$.list[5].x', '$.list[*].x',
];
jsonpath.push(...oddPaths.map((path, i) => ({ name: `jpodd-${String(i).padStart(2, '0')}`, document: oddDoc, path })));

// Jayway filter grouping and negation rules
const groupPaths = [
  '$.items[?(@.id == 1 && @.id == 2 || @.id == 3)].id', '$.items[?(@.id == 3 || @.id == 1 && @.id == 2)].id',
  '$.items[?((@.id == 1 && @.id == 2) || @.id == 3)].id', '$.items[?(@.id == 1 || @.id == 2 && @.active)].id',
  '$.items[?(!(@.id == 1))].id', '$.items[?(!@.qty)].id', '$.items[?(! @.qty)].id', '$.items[?(@.id != 1 && !@.qty)].id',
  '$.items[?(@.id IN [1,2])].id', '$.items[?(@.id in[1,2])].id', '$.items[?(@.name =~ /APP.*/i)].id', '$.items[?(@.name =~ /app.*/m)].id',
  "$.items[?(@.tags contains 'fruit' && @.price < 1)].id", '$.items[?(@.meta.color == "red" || @.meta.color == "green" && @.qty < 0)].id',
  '$.items[?(@.price > 1 && @.price < 10 || @.id == 2)].id', '$.items[?(@.id == 1.0)].id', '$.items[?(@.id == 1e0)].id',
  '$.items[?(@.id == -1)].id', "$.items[?(@.name == 'apple' )].id", '$.items[?( @.id == 2 )].id', '$.items[?(@.id==2)].id',
  '$.items[?(@.tags.length() == 2 && @.id > 1)].id', '$.items[?(@.id === "1")].id', '$.items[?(@.id !== 1)].id',
];
jsonpath.push(...groupPaths.map((path, i) => ({ name: `jpgroup-${String(i).padStart(2, '0')}`, document: doc, path })));
