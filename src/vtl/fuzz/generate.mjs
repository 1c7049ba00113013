#!/usr/bin/env node
// Regenerates src/vtl/fuzz-fixtures.json: random templates rendered by Apache Velocity 1.7.
//   node src/vtl/fuzz/generate.mjs
// Needs a JDK and the Debian package `velocity` (jars in /usr/share/java).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const lib = process.env.ORACLE_JAVA_LIB ?? '/usr/share/java';
const cp = ['velocity.jar', 'commons-collections3.jar', 'commons-lang.jar'].map((j) => join(lib, j)).join(':');

function generator(seed, rich) {
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const ws = () => pick(['', ' ', '  ', '\n', ' \n', '\n  ', '\t', '']);
  const refs = [
    ...(rich
      ? ['$str.substring(1)', '$str.replace("l", "L")', '$map.get("a")', '$list.get(1)', '$map.keySet()', '$str.split("l").size()', '$!str.foo()', '$map.entrySet()', '${map.b}', '$str.indexOf("l", 2)', '$list.contains(2)']
      : []),
    '$str', '$n', '$list', '$map', '$map.a', '$map.b', '$list[0]', '$list.size()', '$str.length()', '$undef', '$!undef', '${str}', '$!{n}', '$x', '$y', '$i',
  ];
  const lits = [
    ...(rich ? ['"x$n"', '"$!undef-${str}"', '"#if(true)T#end"', '{"a": $n}', '[$n, $str]', '""""'] : []),
    '1', '-2', '3.5', '"s"', "'q'", '"a$str"', 'true', 'false', '[1, 2]', '{"k": 1}', '[1..3]',
  ];
  const ops = ['+', '-', '*', '/', '%', '==', '!=', '<', '>', '<=', '>=', '&&', '||'];
  const expr = (d = 0) => {
    const r = rnd();
    if (d > 2 || r < 0.4) return pick(refs.filter((x) => !x.startsWith('$!')));
    if (r < 0.7) return pick(lits);
    if (r < 0.8) return '!' + expr(d + 1);
    if (r < 0.9) return '(' + expr(d + 1) + ')';
    return expr(d + 1) + ' ' + pick(ops) + ' ' + expr(d + 1);
  };
  const text = () => pick(['a', 'b c', '{', '}', '"', ':', ',', 'x-y', '#', '$', '\\', '\\\\', '##', '#*c*#', 'text']);
  function block(d = 0) {
    let out = '';
    const n = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      if (d > 2 || r < 0.3) out += ws() + text() + ws();
      else if (r < 0.5) out += ws() + pick(refs) + ws();
      else if (r < 0.62) out += ws() + `#set(${pick(['$x', '$y', '$map.c', '$list[1]'])} = ${expr()})` + ws();
      else if (r < 0.75)
        out += ws() + `#if(${expr()})` + block(d + 1) + (rnd() < 0.3 ? `#elseif(${expr()})` + block(d + 1) : '') + (rnd() < 0.4 ? '#else' + block(d + 1) : '') + '#end' + ws();
      else if (r < 0.85) out += ws() + `#foreach($i in ${pick(['$list', '[1..3]', '$map', '$undef', '[]', '$map.keySet()'])})` + block(d + 1) + '#end' + ws();
      else if (r < 0.9) out += ws() + '\\' + pick(refs) + ws();
      else out += ws() + '## c' + (rnd() < 0.5 ? '\n' : '') + ws();
    }
    return out;
  }
  return block;
}

/** Macro-heavy templates: arguments by name, #set through macros, #@ block calls, #define. */
function macroGenerator(seed) {
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const ws = () => pick(['', ' ', '\n', '  \n', '\t', '']);
  const vals = ['$str', '$n', '"lit"', '"i$n"', '[1, 2]', '$list', '$map', '$undef', '1.5', 'true', '$a', '$b'];
  let i = 0;
  return () => {
    const mname = 'm' + i++;
    const params = pick([[], ['$a'], ['$a', '$b']]);
    let t = `#macro(${mname}${params.map((p) => ' ' + p).join('')})${ws()}${pick(['[$a]', '[$a|$b]', '#set($a = "s")$a', '#if($a)Y#{else}N#end', '#foreach($x in $a)<$x>#end', '$!bodyContent', '$velocityCount'])}${ws()}#end${ws()}`;
    const nargs = Math.floor(rnd() * 3);
    const call = `#${mname}(${Array.from({ length: nargs }, () => pick(vals)).join(pick([' ', ', ']))})`;
    t += pick([call, `#@${mname}()body${pick(['', '$str'])}#end`, `#foreach($i in [1..2])${call}#end`]) + ws();
    t += pick(['#define($d)D[$a]#end$d', '#set($a = 1)$a', '#set($s = "$a-#if($a)t#end")$s', '[$a] [$b]', '#set($r = [$n..2])$r', '#set($m2 = {"x": [1, {"y": $n}]})$m2.x[1].y']) + ws();
    return t;
  };
}

/** Control flow: nested #foreach/#if, $foreach scopes, #break(scope), #stop. */
function controlGenerator(seed) {
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const conds = ['$i == 2', '$i > 1', '$foreach.first', '$foreach.last', '$velocityCount == 2', '$foreach.hasNext', '!$foreach.hasNext', '$j == 1', '$foreach.parent.index == 1', '$undef', '$str == "hello"', '$i % 2 == 0'];
  function body(d) {
    let out = '';
    const n = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < n; k++) {
      const r = rnd();
      if (d > 2 || r < 0.3) out += pick(['$i', '$j', '$velocityCount', '$foreach.index', '$foreach.count', '-', ',', '$foreach.parent.count', '$velocityHasNext']);
      else if (r < 0.5) out += `#if(${pick(conds)})${body(d + 1)}${rnd() < 0.4 ? `#elseif(${pick(conds)})${body(d + 1)}` : ''}${rnd() < 0.4 ? `#else${body(d + 1)}` : ''}#end`;
      else if (r < 0.7) out += `#foreach($${pick(['i', 'j'])} in ${pick(['[1..3]', '$list', '$map', '[]', '$map.keySet()', '["a", "b"]'])})${body(d + 1)}#end`;
      else if (r < 0.8) out += pick(['#break', '#break($foreach)', '#break($foreach.parent)', '#stop']);
      else if (r < 0.9) out += `#set($${pick(['i', 'j', 'k'])} = ${pick(['$i', '$j + 1', '"s"', '$velocityCount', '$foreach.index'])})`;
      else out += pick(['\n', ' ', '\n  ']);
    }
    return out;
  }
  return () => body(0) + '|$i|$j|$k';
}

const work = mkdtempSync(join(tmpdir(), 'vtl-fuzz-'));
try {
  execFileSync('javac', ['-nowarn', '-d', work, '-cp', cp, join(here, 'FuzzOracle.java')], { stdio: 'inherit' });
  const out = [];
  for (const [seed, rich, count, mode] of [[1, false, 300, 'aws'], [31, true, 400, 'aws'], [32, true, 400, 'aws'], [41, true, 400, 'velocity'], [51, 'macro', 300, 'aws'], [61, 'control', 300, 'aws']]) {
    const block = rich === 'macro' ? macroGenerator(seed) : rich === 'control' ? controlGenerator(seed) : generator(seed, rich);
    const templates = Array.from({ length: count }, () => block());
    const file = join(work, `s${seed}.vm`);
    writeFileSync(file, templates.join('\n=====\n'));
    const args = ['-cp', `${work}:${cp}`, 'FuzzOracle', file, ...(mode === 'aws' ? ['aws'] : [])];
    const res = execFileSync('java', args, { encoding: 'utf8' }).split('\n-----\n');
    templates.forEach((template, i) => {
      const r = res[i];
      const m = /\]ERR [A-Za-z.]*(Exception|Error)/.test(r) ? null : /^\[([\s\S]*)\]$/.exec(r);
      out.push(m ? { mode, template, expected: m[1] } : { mode, template, error: true });
    });
  }
  writeFileSync(join(here, '..', 'fuzz-fixtures.json'), '[\n' + out.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n');
  console.log(`${out.length} cases, ${out.filter((x) => x.error).length} expected errors`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
