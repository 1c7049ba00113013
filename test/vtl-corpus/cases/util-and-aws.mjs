// $util functions (documented behaviour, §4.2) and typical AWS documentation templates.

const strings = [
  'plain', "it's", 'say "hi"', 'back\\slash', 'a/b', 'line1\nline2', 'tab\there', 'cr\rx', 'ünïcödé', '€ and 😀',
  '<script>', 'a b&c=d', '100%', '~*._-', '', '  ', '\u0001\u001f', 'a+b', "don't \"stop\" \\ /",
];
const cases = [];
let n = 0;
for (const s of strings) {
  for (const fn of ['escapeJavaScript', 'urlEncode', 'base64Encode']) {
    cases.push({
      name: `util-${String(n++).padStart(3, '0')}`,
      template: `[$util.${fn}($input.path('$.s'))]`,
      input: { body: JSON.stringify({ s }) },
    });
  }
}
const decodes = [
  ['urlDecode', 'a+b%26c%3Dd'], ['urlDecode', '%E2%82%AC%20x'], ['urlDecode', 'plain'], ['urlDecode', '100%'],
  ['urlDecode', '%zz'], ['urlDecode', '%C3%A9t%C3%A9'], ['base64Decode', 'aGVsbG8gd29ybGQ='], ['base64Decode', '4oKs'],
  ['base64Decode', 'not base64!'], ['base64Decode', ''], ['base64Decode', 'aGVsbG8'], ['base64Decode', 'w6k='],
  ['escapeJavaScript', 'x'],
];
decodes.forEach(([fn, s], i) =>
  cases.push({ name: `util-dec-${String(i).padStart(2, '0')}`, template: `[$util.${fn}('${s}')]`, input: {} }),
);
const parse = [
  "#set($o = $util.parseJson('{\"a\":1,\"b\":[1,2]}'))[$o.a] [$o.b] [$o.b[1]] [$o]",
  "#set($o = $util.parseJson($input.path('$.errorMessage')))[$o.code] [$o.message]",
  "#set($o = $util.parseJson('[1, 2.0, \"x\"]'))[$o] [$o.size()]",
  "#set($o = $util.parseJson('\"str\"'))[$o]",
  "#set($o = $util.parseJson('not json'))[$o]",
  "#set($o = $util.parseJson('{bad'))[$o]",
  "#set($o = $util.parseJson(''))[$o]",
  "[$util.parseJson('{\"a\":{\"b\":true}}').a.b]",
  "[$util.escapeJavaScript($nothing)]",
  "[$util.urlEncode($nothing)]",
  "[$util.base64Encode($input.body)]",
  "[$util.escapeJavaScript($input.body).replaceAll(\"\\\\'\",\"'\")]",
  "[$util.nosuch('x')]",
  "[$util.escapeJavaScript(5)]",
  "[$util.urlEncode($input.path('$.errorMessage'))]",
];
const errBody = JSON.stringify({ errorMessage: JSON.stringify({ code: 'E42', message: "it's bad" }), errorType: 'Error' });
parse.forEach((template, i) => cases.push({ name: `util-misc-${String(i).padStart(2, '0')}`, template, input: { body: errBody } }));

// ---- AWS documentation / seed templates
const ctx = {
  accountId: '123456789012', apiId: 'abc123', httpMethod: 'GET', requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  resourceId: 'res1', resourcePath: '/pets/{petId}', stage: 'prod', path: '/prod/pets/1',
  identity: { sourceIp: '192.0.2.1', userAgent: 'curl/7.84.0', apiKey: null, caller: null, user: null, userArn: null, accountId: null },
  authorizer: { principalId: 'user|a1b2', claims: { email: 'a@example.com' }, tenant: '7' },
};
const aws = [
  ['seed-image-key', '{\n "imageKey": "$input.params(\'key\')"\n}', { params: { querystring: { key: 'image.jpg' } } }],
  ['seed-image-body', '{\n "image": "$input.body"\n}', { body: 'W3JhdyBieXRlc10=' }],
  ['seed-image-put', '{\n "imageKey": "$input.params(\'key\')", "image": "$input.body"\n}', { body: 'W3JhdyBieXRlc10=', params: { querystring: { key: 'k.png' } } }],
  ['pets-array-to-json', '#set($inputRoot = $input.path(\'$\'))\n[\n#foreach($elem in $inputRoot)\n  {\n    "description" : "Item $elem.id is a $elem.type.",\n    "askingPrice" : $elem.price\n  }#if($foreach.hasNext),#end\n\n#end\n]',
    { body: '[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]' }],
  ['photos-foreach', '#set($inputRoot = $input.path(\'$\'))\n{\n  "photos": [\n#foreach($elem in $inputRoot.photos.photo)\n    {\n      "id": "$elem.id",\n      "title": "$elem.title"\n    }#if($foreach.hasNext),#end\n#end\n  ]\n}',
    { body: '{"photos":{"page":1,"pages":"1234","perpage":100,"total":"123398","photo":[{"id":"12345678901","owner":"23456789@A12","title":"Example"},{"id":"23456789012","owner":"34567890@B23","title":"Example 2"}]}}' }],
  ['passthrough-general', '##  See https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html\n##  This template will pass through all parameters including path, querystring, header, stage variables, and context through to the integration endpoint via the body/payload\n#set($allParams = $input.params())\n{\n"body-json" : $input.json(\'$\'),\n"params" : {\n#foreach($type in $allParams.keySet())\n    #set($params = $allParams.get($type))\n"$type" : {\n    #foreach($paramName in $params.keySet())\n    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"\n        #if($foreach.hasNext),#end\n    #end\n}\n    #if($foreach.hasNext),#end\n#end\n},\n"stage-variables" : {\n#foreach($key in $stageVariables.keySet())\n"$key" : "$util.escapeJavaScript($stageVariables.get($key))"\n    #if($foreach.hasNext),#end\n#end\n},\n"context" : {\n    "account-id" : "$context.identity.accountId",\n    "api-id" : "$context.apiId",\n    "api-key" : "$context.identity.apiKey",\n    "authorizer-principal-id" : "$context.authorizer.principalId",\n    "caller" : "$context.identity.caller",\n    "http-method" : "$context.httpMethod",\n    "stage" : "$context.stage",\n    "source-ip" : "$context.identity.sourceIp",\n    "user" : "$context.identity.user",\n    "user-agent" : "$context.identity.userAgent",\n    "user-arn" : "$context.identity.userArn",\n    "request-id" : "$context.requestId",\n    "resource-id" : "$context.resourceId",\n    "resource-path" : "$context.resourcePath"\n    }\n}\n',
    { body: '{"k":"v","n":[1,2]}', params: { path: { petId: '1' }, querystring: { q: "it's" }, header: { Accept: 'application/json', 'X-Forwarded-For': '192.0.2.1' } }, stageVariables: { env: 'prod', url: 'https://x/y' } }],
  ['context-vars', '{ "stage" : "$context.stage", "request_id" : "$context.requestId", "api_id" : "$context.apiId", "resource_path" : "$context.resourcePath", "resource_id" : "$context.resourceId", "http_method" : "$context.httpMethod", "source_ip" : "$context.identity.sourceIp", "user-agent" : "$context.identity.userAgent", "account_id" : "$context.identity.accountId", "api_key" : "$context.identity.apiKey", "caller" : "$context.identity.caller", "user" : "$context.identity.user", "user_arn" : "$context.identity.userArn" }', {}],
  ['context-authorizer', '{"principal": "$context.authorizer.principalId", "email": "$context.authorizer.claims.email", "tenant": "$context.authorizer.tenant", "missing": "$context.authorizer.nope"}', {}],
  ['stage-variables-forms', '$stageVariables.env ${stageVariables.env} $stageVariables[\'env\'] ${stageVariables[\'env\']} [$stageVariables.missing]', { stageVariables: { env: 'dev' } }],
  ['error-message-json', '{\n  "message" : $input.json(\'$.errorMessage\')\n}', { body: '{"errorMessage":"Malformed input","errorType":"Error","stackTrace":["a","b"]}' }],
  ['error-parse-message', '#set ($errorMessageObj = $util.parseJson($input.path(\'$.errorMessage\')))\n{\n  "type" : "$errorMessageObj.errorType",\n  "message" : "$errorMessageObj.message",\n  "request-id" : "$errorMessageObj.requestId"\n}',
    { body: JSON.stringify({ errorMessage: JSON.stringify({ errorType: 'InternalServerError', httpStatus: 500, requestId: 'e5849002', message: 'An unknown error has occurred. Please try again.' }) }) }],
  ['greeter-query', '{\n    "greeter": "$input.params(\'greeter\')"\n}', { params: { querystring: { greeter: 'John' } } }],
  ['mock-status', '{"statusCode": 200}', {}],
  ['mock-status-conditional', '#if( $input.params(\'scope\') == "internal" )\n    {"statusCode": 200}\n#else\n    {"statusCode": 500}\n#end', { params: { querystring: { scope: 'internal' } } }],
  ['mock-status-conditional-else', '#if( $input.params(\'scope\') == "internal" )\n    {"statusCode": 200}\n#else\n    {"statusCode": 500}\n#end', {}],
  ['body-to-event', '{\n  "body" : $input.json(\'$\'),\n  "headers": {\n    #foreach($header in $input.params().header.keySet())\n    "$header": "$util.escapeJavaScript($input.params().header.get($header))" #if($foreach.hasNext),#end\n\n    #end\n  },\n  "method": "$context.httpMethod",\n  "params": {\n    #foreach($param in $input.params().path.keySet())\n    "$param": "$util.escapeJavaScript($input.params().path.get($param))" #if($foreach.hasNext),#end\n\n    #end\n  },\n  "query": {\n    #foreach($queryParam in $input.params().querystring.keySet())\n    "$queryParam": "$util.escapeJavaScript($input.params().querystring.get($queryParam))" #if($foreach.hasNext),#end\n\n    #end\n  }  \n}',
    { body: '{"a": 1}', params: { path: { id: '7' }, querystring: { x: '1', y: 'two words' }, header: { Host: 'example.com', 'User-Agent': 'ua "quoted"' } } }],
  ['dynamodb-putitem', '{\n    "TableName": "comments",\n    "Item": {\n        "commentId": {"S": "$context.requestId"},\n        "pageId": {"S": "$input.path(\'$.pageId\')"},\n        "userName": {"S": "$input.path(\'$.userName\')"},\n        "message": {"S": "$util.escapeJavaScript($input.path(\'$.message\'))"}\n    }\n}',
    { body: '{"pageId":"breaking-news-story-01-18-2016","userName":"Just Saying Thank You","message":"I really enjoyed this \\"story\\"!!"}' }],
  ['sqs-form-body', 'Action=SendMessage&MessageBody=$util.urlEncode($input.body)', { body: '{"msg":"hello world & more"}' }],
  ['kinesis-base64', '{\n    "StreamName": "$input.path(\'$.StreamName\')",\n    "Data": "$util.base64Encode($input.json(\'$.Data\'))",\n    "PartitionKey": "$input.path(\'$.PartitionKey\')"\n}', { body: '{"StreamName":"s1","Data":{"x":1},"PartitionKey":"p"}' }],
  ['stepfunctions-input', '#set($data = $util.escapeJavaScript($input.json(\'$\')))\n{\n    "input": "$data",\n    "stateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:HelloWorld"\n}', { body: '{"who":"it\'s me","n":[1,2]}' }],
  ['escape-replace-quote', '{"q": "$util.escapeJavaScript($input.path(\'$.q\')).replaceAll("\\\\\'","\'")"}', { body: '{"q":"it\'s \\"x\\""}' }],
  ['response-override-free', '#set($inputRoot = $input.path(\'$\'))\n{\n  "count": $inputRoot.items.size(),\n  "first": "$inputRoot.items[0].name"\n}', { body: '{"items":[{"name":"a"},{"name":"b"}]}' }],
  ['array-build-json', '[#foreach($x in $input.path(\'$.ids\'))"$x"#if($foreach.hasNext),#end#end]', { body: '{"ids":[1,2,3]}' }],
  ['map-build-json', '{#foreach($k in $input.path(\'$.m\').keySet())"$k": $input.json("$.m[\'$k\']")#if($foreach.hasNext), #end#end}', { body: '{"m":{"a":1,"b":"x","c":[true]}}' }],
  ['lambda-custom-event', '{\n  "operation": "$input.params(\'op\')",\n  "payload": $input.json(\'$.payload\'),\n  "requestId": "$context.requestId",\n  "claims": "$context.authorizer.claims.email"\n}', { body: '{"payload":{"id":1.50}}', params: { querystring: { op: 'read' } } }],
  ['form-urlencoded-to-json', '{\n    #foreach($token in $input.path(\'$\').split(\'&\'))\n        #set($keyVal = $token.split(\'=\'))\n        #set($keyValSize = $keyVal.size())\n        #if($keyValSize == 2)\n            #set($key = $util.escapeJavaScript($util.urlDecode($keyVal[0])))\n            #set($val = $util.escapeJavaScript($util.urlDecode($keyVal[1])))\n            "$key": "$val"#if($foreach.hasNext),#end\n        #end\n    #end\n}',
    { body: 'token=abc123&team_domain=ex&text=hello+world%21&response_url=https%3A%2F%2Fhooks.example.com%2Fx' }],
  ['form-urlencoded-digit-start', '#foreach($t in $input.path(\'$\').split(\'&\'))[$t]#end', { body: '1=a&b=2' }],
  ['form-urlencoded-json-body', '[$input.json(\'$\')]', { body: 'name=John+Doe&age=30' }],
  // api-gateway-mapping-template-reference examples (awsdocs/amazon-api-gateway-developer-guide)
  ['doc-things', '{\n    "id" : "$input.params(\'id\')",\n    "count" : "$input.path(\'$.things\').size()",\n    "things" : $util.escapeJavaScript($input.json(\'$.things\'))\n}',
    { body: '{\n    "things" : {\n        "1" : {},\n        "2" : {},\n        "3" : {}\n    }\n}', params: { path: { id: 'abc' } } }],
  ['doc-pets-count', '"$input.path(\'$.pets\').count()" "$input.path(\'$.pets\').size()"', { body: '{"pets":[{"id":1,"type":"dog","price":249.99},{"id":2,"type":"cat","price":124.99},{"id":3,"type":"fish","price":0.99}]}' }],
  ['doc-parsejson-arr', '#set ($errorMessageObj = $util.parseJson($input.path(\'$.errorMessage\')))\n{\n   "errorMessageObjKey2ArrVal" : $errorMessageObj.key2.arr[0]\n}\n', { body: '{"errorMessage":"{\\"key1\\":\\"var1\\",\\"key2\\":{\\"arr\\":[1,2,3]}}"}' }],
  ['doc-name-body', '{\n    "name" : "$input.params(\'name\')",\n    "body" : $input.json(\'$\') \n}', { body: '{"mykey":{"a":[1,"x/y"]}}', params: { querystring: { name: 'Jane' } } }],
  ['doc-name-mykey-escaped', '{\n    "name" : "$input.params(\'name\')",\n    "body" : $util.escapeJavaScript($input.json(\'$.mykey\')) \n}', { body: '{"mykey":{"a":[1,"x/y"],"q":"it\'s"}}', params: { querystring: { name: 'Jane' } } }],
  ['doc-escape-replace', '$util.escapeJavaScript($input.path(\'$.data\')).replaceAll("\\\\\'","\'")', { body: '{"data":"Don\'t \\"panic\\""}' }],
  ['empty-template', '', {}],
  ['whitespace-template', '   \n  ', {}],
  ['json-passthrough', '$input.json(\'$\')', { body: '{\n  "id": 1,\n  "type": "dog",\n  "Age": 11,\n}' }],
  ['body-passthrough', '$input.body', { body: '{\n  "id": 1,\n  "type": "dog",\n  "Age": 11,\n}' }],
];
for (const [name, template, input] of aws) {
  cases.push({ name: `aws-${name}`, template, input: { context: ctx, ...input } });
}

export const vtl = cases;
