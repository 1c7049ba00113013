// API Gateway's template variables (§4 of aws-semantics.md, D-vtl, D-override).
// Outputs of $input/$util were checked against Velocity 1.7 + Jayway 2.10 + commons-lang 2.6
// (tools/vtl-oracle) except where a test names an API Gateway choice.
import { describe, expect, it } from 'vitest';
import { compileTemplate, renderMapping, VtlRenderError, type MappingInput } from './index.js';
import { escapeJavaScript, urlDecode, urlEncode } from './apigw.js';

const body = JSON.stringify({
  name: "Ann O'Neil",
  n: 1,
  d: 1.5,
  list: [1, 'two', { x: null }],
  obj: { a: { b: [true, false] } },
  s: 'line\nbreak/"q"',
});
const params = {
  path: { id: '42' },
  querystring: { q: 'a b', id: 'qid' },
  header: { 'Content-Type': 'application/json', 'X-Id': 'hid' },
};

function input(over: Partial<MappingInput> = {}): MappingInput {
  return { body, params, context: {}, stageVariables: {}, ...over };
}
const render = (t: string, over: Partial<MappingInput> = {}) => renderMapping(compileTemplate(t), input(over));
const r = (t: string, over: Partial<MappingInput> = {}) => render(t, over).body;

describe('$input (§4.1)', () => {
  it('$input.body and $input.json return text; missing paths give ""', () => {
    expect(r("$input.body")).toBe(body);
    expect(r("$input.json('$.name') $input.json('$.list') $input.json('$.obj.a') [$input.json('$.missing')]")).toBe(
      '"Ann O\'Neil" [1,"two",{"x":null}] {"b":[true,false]} []',
    );
    expect(r("$input.json('$')")).toBe(body);
  });

  it('$input.path returns Java values: objects print as maps, JSON arrays print as JSON', () => {
    expect(r("$input.path('$.obj') | $input.path('$.list') | $input.path('$.d') | $input.path('$.list').size() | $input.path('$.obj.a.b')[0]")).toBe(
      '{a={b=[true,false]}} | [1,"two",{"x":null}] | 1.5 | 3 | true',
    );
    expect(r("#foreach($x in $input.path('$.list'))$x;#end #foreach($k in $input.path('$.obj').keySet())$k#end")).toBe('1;two;{x=null}; a');
    // JSONArray.toString escapes '/' (json-smart NO_COMPRESS); $input.json does not
    expect(r("$input.path('$.l') $input.json('$.l')", { body: '{"l":["a/b"]}' })).toBe('["a\\/b"] ["a/b"]');
    expect(r("[$input.path('$.nope.deeper')] [$input.json('$.list[9]')]")).toBe('[] []');
  });

  it('an empty body reads as {} (LocalStack behaviour, §4.1; choice)', () => {
    expect(r("$input.json('$')|$input.path('$')|$input.body|", { body: '' })).toBe('{}|{}||');
  });

  it('invalid JSON fails the render when the template reads it', () => {
    expect(() => r("$input.json('$')", { body: '{"a": ' })).toThrow(VtlRenderError);
    expect(r('$input.body', { body: '{"a": ' })).toBe('{"a": ');
  });

  it('$input.params(name) searches path → querystring → header; absent is ""', () => {
    expect(r("$input.params('id') $input.params('q') $input.params('X-Id') [$input.params('nope')]")).toBe('42 a b hid []');
    // choice: header names also match case-insensitively when no exact match exists
    expect(r("$input.params('x-id')")).toBe('hid');
  });

  it('$input.params() is a map with path, querystring and header maps', () => {
    expect(r('$input.params()')).toBe('{path={id=42}, querystring={q=a b, id=qid}, header={Content-Type=application/json, X-Id=hid}}');
    expect(r("$input.params().path $input.params().header.get('X-Id') $input.params().keySet()")).toBe('{id=42} hid [path, querystring, header]');
  });
});

describe('$util (§4.2)', () => {
  it("escapeJavaScript turns ' into \\' and escapes like commons-lang 2", () => {
    expect(r("$util.escapeJavaScript($input.path('$.name'))")).toBe("Ann O\\'Neil");
    expect(r("$util.escapeJavaScript($input.path('$.s'))")).toBe('line\\nbreak\\/\\"q\\"');
    expect(escapeJavaScript('é€😀\t\u0001\\')).toBe('\\u00E9\\u20AC\\uD83D\\uDE00\\t\\u0001\\\\');
    // the documented repair: .replaceAll("\\'", "'")
    expect(r(`$util.escapeJavaScript($input.path('$.name')).replaceAll("\\\\'","'")`)).toBe("Ann O'Neil");
  });

  it('urlEncode / urlDecode are form encoding (space ↔ +)', () => {
    expect(r('$util.urlEncode("a b&c=d/é*~.-_") $util.urlDecode("a+b%26c%3Dd%2F%C3%A9")')).toBe('a+b%26c%3Dd%2F%C3%A9*%7E.-_ a b&c=d/é');
    expect(urlEncode('~')).toBe('%7E');
    expect(urlDecode('%E2%82%AC')).toBe('€');
    expect(() => r('$util.urlDecode("%zz")')).toThrow(VtlRenderError);
  });

  it('base64Encode / base64Decode use UTF-8', () => {
    expect(r('$util.base64Encode("héllo") $util.base64Decode("aMOpbGxv")')).toBe('aMOpbGxv héllo');
    expect(() => r('$util.base64Decode("***")')).toThrow(VtlRenderError);
  });

  it('parseJson gives Java values', () => {
    expect(r(`#set($o = $util.parseJson('{"a":[1,2,{"b":"c"}],"d":2.50}'))$o.a[2].b $o.d $o.a.size() $o`)).toBe(
      'c 2.5 3 {a=[1,2,{"b":"c"}], d=2.5}',
    );
  });

  it('takes Strings only: other argument types find no method (renders empty)', () => {
    expect(r('[$util.escapeJavaScript(5)] [$util.escapeJavaScript($undef)]')).toBe('[] []');
  });
});

describe('$context and $stageVariables (§4.3, §4.4)', () => {
  it('plain data becomes Java values; missing members render empty', () => {
    const context = { requestId: 'r1', identity: { sourceIp: '1.2.3.4', apiKey: null }, requestTimeEpoch: 1700000000123, authorizer: { claims: { sub: 'u' } } };
    expect(r('$context.requestId $context.identity.sourceIp [$context.missing] [$context.identity.apiKey] $context.authorizer.claims.sub $context.requestTimeEpoch', { context })).toBe(
      'r1 1.2.3.4 [] [] u 1700000000123',
    );
  });

  it('$stageVariables.x, $stageVariables[\'x\'], ${stageVariables[\'x\']}', () => {
    expect(r("$stageVariables.env $stageVariables['env'] ${stageVariables['env']} [$stageVariables.none]", { stageVariables: { env: 'dev' } })).toBe(
      'dev dev dev []',
    );
  });
});

describe('overrides (§4.5, D-override)', () => {
  it('request overrides of header, path and querystring', () => {
    const out = render(
      '#set($context.requestOverride.header.X-Trace = "t1")#set($context.requestOverride.path.id = 7)#set($context.requestOverride.querystring.q = $input.params(\'q\'))body',
    );
    expect(out.body).toBe('body');
    expect(out.requestOverride).toEqual({ header: { 'X-Trace': 't1' }, path: { id: '7' }, querystring: { q: 'a b' } });
    expect(out.responseOverride).toEqual({ header: {}, status: undefined });
  });

  it('response overrides of status and headers', () => {
    const out = render('#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Err = "teapot")x');
    expect(out.responseOverride).toEqual({ header: { 'X-Err': 'teapot' }, status: 418 });
    expect(render('#set($context.responseOverride.status = "201")').responseOverride.status).toBe(201);
  });

  it('a status outside 100–599 is ignored (LS-ir)', () => {
    expect(render('#set($context.responseOverride.status = 700)').responseOverride.status).toBeUndefined();
    expect(render('#set($context.responseOverride.status = "abc")').responseOverride.status).toBeUndefined();
  });

  it('overriding the same parameter twice is an error (API Gateway answers 5XX)', () => {
    expect(() => render('#set($context.requestOverride.header.A = "1")#set($context.requestOverride.header.A = "2")')).toThrow(
      /overridden more than once/,
    );
    expect(() => render('#set($context.responseOverride.status = 400)#set($context.responseOverride.status = 401)')).toThrow(VtlRenderError);
    // different names are fine
    expect(render('#set($context.requestOverride.header.A = "1")#set($context.requestOverride.header.B = "2")').requestOverride.header).toEqual({
      A: '1',
      B: '2',
    });
  });

  it('values set earlier in the template read back; request overrides given in $context are visible', () => {
    expect(r('#set($context.requestOverride.header.A = "1")$context.requestOverride.header.A')).toBe('1');
    const out = render('[$context.requestOverride.header.A]', { context: { requestOverride: { header: { A: 'from-request' } } } });
    expect(out.body).toBe('[from-request]');
    expect(out.requestOverride.header).toEqual({});
  });
});

describe('$context as a map (built lazily from plain data)', () => {
  const context = { stage: 'v1', identity: { sourceIp: '1.2.3.4', userAgent: null }, requestId: 'r-1' };

  it('a value read before the whole map is needed is the same object afterwards', () => {
    // $id is $context.identity read on its own; after keySet() loads the map, the change made through $id shows.
    const out = render("#set($id = $context.identity)#set($x = $id.put('extra', 'x'))#set($keys = $context.keySet())$context.identity.extra", { context });
    expect(out.body).toBe('x');
  });

  it('iterates the plain object keys in order, then keys put later in the order they were put (LinkedHashMap)', () => {
    const out = render(
      "$context.stage|#set($x = $context.put('zNew', 1))#set($x = $context.put('stage', 'v2'))#foreach($k in $context.keySet())$k=$context.get($k),#end",
      { context },
    );
    // requestOverride/responseOverride are set on $context before the template runs (§4.5).
    expect(out.body).toBe(
      'v1|stage=v2,identity={sourceIp=1.2.3.4, userAgent=null},requestId=r-1,requestOverride={header={}, path={}, querystring={}},responseOverride={header={}},zNew=1,',
    );
  });

  it('has() and get() answer without converting the rest; keys that are not strings are absent', () => {
    const out = render('$context.containsKey("stage")/$context.containsKey("nope")/$context.get(1)/$context.size()', { context });
    expect(out.body).toBe('true/false//5');
  });
});
