// Velocity 1.7 language semantics. Every expected string below was produced by Apache
// Velocity 1.7 (Debian package `velocity`) rendering the same template with the same
// variables; null references render '' as in API Gateway unless a test says otherwise.
import { describe, expect, it } from 'vitest';
import { sampleVariables } from '../../test/support/vtl-vars.js';
import { compileTemplate, renderTemplate, VtlRenderError, VtlSyntaxError } from './index.js';
import { JavaBigDecimal, JavaDouble } from './values.js';

const vars = sampleVariables;

/** Render like API Gateway (null → ''). */
const r = (t: string, v: Record<string, unknown> = vars()) => renderTemplate(compileTemplate(t), v);
/** Render like plain Velocity 1.7 (null references print literally). */
const lit = (t: string, v: Record<string, unknown> = vars()) => renderTemplate(compileTemplate(t), v, { nullAsLiteral: true });

describe('references', () => {
  it('plain, formal, silent and property / method / index forms', () => {
    expect(r('$str ${str}x $!str $!{str} $map.a $map.get("b") $list[0] $map["b"] $list $map')).toBe(
      'hello hellox hello hello 1 x 1 x [1, 2, 3] {a=1, b=x}',
    );
    expect(r('${str.length()} $!{str.toUpperCase()} ${map.a} $map.get("a").toString() ${list[2]}')).toBe('5 HELLO 1 1 3');
  });

  it('undefined references: literal in Velocity 1.7, empty in API Gateway, always empty with $!', () => {
    expect(lit('$x $x.y ${x} $!x $!{x} $str.foo() $str.substring("a")')).toBe('$x $x.y ${x}   $str.foo() $str.substring("a")');
    expect(r('[$x] [$x.y] [${x}] [$str.foo()] [$map.empty]')).toBe('[] [] [] [] []');
  });

  it('hyphens belong to identifiers ($a-b is one name), as in 1.7', () => {
    expect(lit('#set($a = 1)$a-$a $a-b ${a}- $map.a-')).toBe('$a-1 $a-b 1- $map.a-');
  });

  it('negative index notation counts from the end; out of range is an error', () => {
    expect(r('$list[-1] $list[0]')).toBe('3 1');
    expect(() => r('$list[5]')).toThrow(VtlRenderError);
  });

  it('property lookup: getX()/isX() on objects, get("x") on maps', () => {
    expect(r('$str.empty $list.empty $str.class $map.size() [$map.empty] [$list.size]')).toBe(
      'false false class java.lang.String 2 [] []',
    );
    expect(r('#foreach($e in $map.entrySet())$e.key=$e.value,$e.getKey();#end')).toBe('a=1,a;b=x,b;');
  });

  it('backslashes after a lone # or $ are text; a lone # before an escaped directive disappears', () => {
    expect(r('#set($s = "#\\$str")$s|#set($s = "\\#\\$str")$s|#set($s = "#\\#if")$s')).toBe('#\\hello|\\#\\hello|#if');
  });

  it('escaping depends on whether the reference is defined', () => {
    expect(lit('\\$a \\\\$a \\\\\\$a #set($a = 1)\\$a \\\\$a \\\\\\$a')).toBe('\\$a \\\\$a \\\\$a$a \\1 \\$a');
    expect(lit('\\#if(true) \\#end \\\\#if(true)x#end')).toBe('#if(true) #end \\x');
  });
});

describe('directives', () => {
  it('#set, #if/#elseif/#else, #foreach with $foreach and $velocityCount', () => {
    expect(r('#set($x = 1)#if($x == 1)one#elseif($x == 2)two#{else}other#end')).toBe('one');
    expect(
      r('#foreach($i in $list)$velocityCount:$foreach.index:$foreach.count:$foreach.hasNext:$foreach.first:$foreach.last:$velocityHasNext #end'),
    ).toBe('1:0:1:true:true:false:true 2:1:2:true:false:false:true 3:2:3:false:false:true:false ');
    expect(r('#foreach($a in [1..3])#foreach($b in [1..2])$foreach.parent.count$foreach.count,#end#end')).toBe('11,12,21,22,31,32,');
  });

  it('#set to null keeps the old value; the loop variable is restored after #foreach', () => {
    expect(r('#set($a = 1)#set($a = $undef)$a|#set($i = "old")#foreach($i in [1,2])#end$i')).toBe('1|old');
  });

  it('#set on map properties and list indexes', () => {
    expect(r('#set($map.c = 3)$map|#set($list[0] = 9)$list')).toBe('{a=1, b=x, c=3}|[9, 2, 3]');
  });

  it('#foreach over maps iterates values; strings and nulls are skipped', () => {
    expect(r('#foreach($k in $map)$k #end|#foreach($c in "abc")$c#end|#foreach($c in $undef)$c#end')).toBe('1 x ||');
  });

  it('#break, #stop', () => {
    expect(r('#foreach($i in [1..5])#if($i == 3)#break#end$i#end')).toBe('12');
    expect(r('a#if(true)#stop#end after')).toBe('a');
  });

  it('modifying a list while iterating it fails like ArrayList (ConcurrentModificationException)', () => {
    expect(() => r('#set($l = [1,2,3])#foreach($i in $l)#set($d = $l.add(4))#end')).toThrow(/ConcurrentModification/);
  });

  it('#macro with arguments (spaces or commas), recursion; undefined macros print literally', () => {
    expect(r('#macro(two $a, $b)[$a|$b]#end#two(1, "x")#two(1 2)#two($n $str)#two([1,2] {"a":1})')).toBe(
      '[1|x][1|2][5|hello][[1, 2]|{a=1}]',
    );
    expect(r('#macro(rec $n)#if($n > 0)$n #set($m = $n - 1)#rec($m)#end#end#rec(3)')).toBe('321');
    expect(r('a#foo()b #foo b #{foo}')).toBe('a#foo()b #foo b #{foo}');
  });

  it('macro arguments are passed by name (re-evaluated at each use), as in 1.7', () => {
    expect(r('#macro(m1 $a)$a $a#end#set($l = [])#m1($l.add(1))$l')).toBe('true true[1, 1]');
    expect(r('#macro(m2 $a)#set($a = "changed")$a#end#set($v = "orig")#m2($v) $v')).toBe('changed orig');
    expect(r('#macro(m5 $a)#set($inner = "set-in-macro")#end#m5(1)$inner')).toBe('set-in-macro');
  });

  it('#set inside a macro writes through to the global context (1.7 ProxyVMContext)', () => {
    expect(r('#macro(q1 $a)#set($a = "s")[$a]#end#set($v = "orig")#q1($v)|$v|$a')).toBe('[s]|orig|s');
    expect(r('#macro(q5 $a)[$a]#end#set($a = "g")#q5()|$a')).toBe('[g]|g');
    expect(r('#macro(q7 $a)#set($a = $a + 1)[$a]#end#set($z = 1)#q7($z)#q7($z)|$z|$a')).toBe('[2][2]|1|2');
    expect(r('#macro(o1 $a)#i1()[$a]#end#macro(i1)#set($a = "in")#end#o1("x")|$a')).toBe('[in]|in');
  });

  it('block macro calls (#@name) expose their body as $bodyContent', () => {
    expect(r('#macro(m3)[$bodyContent]#end#@m3()body $str#end')).toBe('[body hello]');
  });

  it('ranges take Integer bounds: a String bound gives null, a decimal literal is a syntax error', () => {
    expect(r('#set($q = "3")#set($r2 = [1..$q])[$r2]')).toBe('[]');
    expect(() => compileTemplate('#set($r3 = [1..2.5])')).toThrow(VtlSyntaxError);
  });

  it('#define renders its block lazily', () => {
    expect(r('#define($d)D$str#end$d #set($str = "x")$d')).toBe('DhelloDx'); // the space before #set is eaten
  });

  it('comments and unparsed content', () => {
    expect(r('## comment\na ## c2\nb #* block *# c\n#* multi\nline *#\nd\n#[[ $raw #if ]]#\ne')).toBe('a b  c\n\nd\n $raw #if \ne');
  });

  it('#include, #parse, #evaluate are clear render errors', () => {
    expect(() => r('a#include("x")b')).toThrow(/#include is not supported/);
    expect(() => r('#parse("x.vm")')).toThrow(VtlRenderError);
    expect(() => r('#evaluate("$x")')).toThrow(VtlRenderError);
  });
});

describe('whitespace (Velocity 1.7 rules)', () => {
  it('block directives eat trailing spaces + one newline, keep indentation', () => {
    expect(r('a\n  #if(true)  \nb\n  #else\nc\n  #end  \nd')).toBe('a\n  b\n  d');
    expect(r('#if(false)\na\n#elseif(true)\nb\n#else\nc\n#end\nq')).toBe('b\nq');
    expect(r('#foreach($i in [1..2])$i#end\n#foreach($i in [1..2])\n$i\n#end  tail')).toBe('121\n2\n  tail');
    expect(r('#if(true)\r\nA\r\n#end\r\nB\r\n#set($a=1)\r\nC')).toBe('A\r\nB\r\nC');
  });

  it('#set eats its newline and the whitespace before it when that starts a token', () => {
    expect(r('x #set($a=1)   \ny #set($a=1) z\n#set($a=1)#set($b=2)\nw')).toBe('x y  z\nw');
    expect(r('$str  #set($b=1)x\n#if(true)  #set($b=1)y#end')).toBe('hellox\ny');
    expect(r('  #set($b=1)z')).toBe('z');
    expect(r('b\n  #set($b=2)\n  c')).toBe('b\n    c');
    expect(r('#foreach($i in [1])\n#set($z = 1)\n  #set($z = 2)\nk\n#end\n')).toBe('k\n');
  });

  it('macro calls eat the newline after them', () => {
    expect(r('#macro(m $x)[$x]#end\n#m(1)\n#m(2) x')).toBe('[1][2] x');
  });
});

describe('literals and operators', () => {
  it('strings: interpolation in double quotes only, doubled quotes, no backslash escapes', () => {
    expect(r(`#set($s = 'a$str')$s|#set($s = "a$str")$s|#set($s = "say ""hi""")$s|#set($s = 'it''s')$s|#set($s = "t\\n\\'x")$s`)).toBe(
      `a$str|ahello|say "hi"|it's|t\\n\\'x`,
    );
    expect(r('#set($s = "#if(true)yes#end")$s|#set($s = "a" + $undef)$s')).toBe('yes|a$undef');
  });

  it('lists, ranges, maps', () => {
    expect(r('#set($m = {"k": 1, "j": [1, "two", 3.0]})$m #set($r = [3..1])$r $r.size() #set($r = [$n..7])$r')).toBe(
      '{k=1, j=[1, two, 3.0]}[3, 2, 1] 3[5, 6, 7]',
    );
  });

  it('integer arithmetic truncates, widens on overflow; division by zero gives null', () => {
    expect(r('#set($x = 7/2)$x #set($x = -7/2)$x #set($x = 7%-3)$x #set($x=-7%3)$x #set($x = 7.0/2)$x #set($x = 1/0)$x')).toBe(
      '3-31-13.53.5', // whitespace before #set is eaten after a reference
    );
    expect(r('#set($x = 2147483647 + 1)$x #set($x = 9223372036854775807 + 1)$x #set($x = 2147483647 * 2)$x')).toBe(
      '214748364892233720368547758084294967294',
    );
  });

  it('MathUtils edge cases: long overflow it misses, BigInteger.mod, null operands printed by their source', () => {
    expect(r('#set($r = -9223372036854775808 / -1)$r|#set($r = -9223372036854775808 * -1)$r|#set($r = -1 * -9223372036854775808)$r')).toBe(
      '-9223372036854775808|-9223372036854775808|9223372036854775808',
    );
    expect(() => r('#set($r = -9223372036854775808 * 7 % -1)')).toThrow(/modulus not positive/);
    expect(r('#set($r = 9223372036854775807 * 7 % 10)$r')).toBe('9');
    expect(r('#set($r = $str % 2147483647 + $str)[$r]|#set($r = "5" + $str % 1e300)[$r]|#set($r = $undef - 7 + $str)[$r]')).toBe(
      '[ 2147483647 hello]|[5 1e300]|[ 7 hello]',
    );
  });

  it('doubles print like Double.toString', () => {
    expect(r('#set($x = 1.0)$x #set($x = 1e10)$x #set($x=10000000.0)$x #set($x=0.001)$x #set($x=0.0001)$x #set($x = 0.1 + 0.2)$x')).toBe(
      '1.01.0E101.0E70.0011.0E-40.30000000000000004',
    );
    expect(r('#set($x = 3 * 1.5)$x #set($x = 1 / 0.5)$x #set($x = 10/3.0)$x #set($x = 1.5e3)$x')).toBe('4.52.03.33333333333333351500.0');
    expect(r('$d $b', { d: new JavaDouble(2), b: new JavaBigDecimal('1.50') })).toBe('2.0 1.50');
  });

  it('+ concatenates when a side is a String; other non-numbers give null', () => {
    expect(r('#set($x = "a" + 1)$x|#set($x = 1 + "a")$x|#set($x = $map + 1)$x')).toBe('a1|1a|1a');
  });

  it('a negative literal right after a value is a syntax error (1.7 lexes "-1" as a number)', () => {
    expect(() => compileTemplate('#set($x = 5 -1)')).toThrow(VtlSyntaxError);
    expect(r('#set($x = 5 - 1)$x|#set($y = $x * -1)$y')).toBe('4|-4');
  });

  it('conditions: literals other than true are false, references by null/Boolean', () => {
    expect(r('#if("")t#else f#end #if($list)t#end #if(0)t#end #if(!$nope)n#end #if(!0)z#end')).toBe(' f t  n z');
    expect(r('#set($e = "")#if($e)empty-is-true#end')).toBe('empty-is-true');
    // arithmetic as a condition is always false in 1.7 (math nodes have no evaluate())
    expect(r('#if($n + 1)a#else b#end #if($n % 2)c#else d#end')).toBe(' b  d');
  });

  it('== compares numbers numerically, other kinds by toString; < only numbers', () => {
    expect(r('#if($nope == $nope2)eqnull#end #if(1 == 1.0)numeq#end #if("1" == 1)streq#end #if($n == "5")n5#end #if("b" > "a")sgt#end')).toBe(
      'eqnull numeq streq n5 ',
    );
    expect(r('#if($n < 10 && $n > 1)range#end #if($n == 5 || $undef)or#end #if($n gt 4 and $n le 5)words#end')).toBe('range or words');
  });
});

describe('syntax errors', () => {
  it('report line and column', () => {
    try {
      compileTemplate('line1\n  #if($a == )x#end');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VtlSyntaxError);
      const err = e as VtlSyntaxError;
      expect(err.line).toBe(2);
      expect(err.column).toBe(13);
      expect(err.message).toContain('line 2, column 13');
    }
  });

  it('unclosed blocks, stray #end, unterminated strings and comments', () => {
    expect(() => compileTemplate('#if(true) x')).toThrow(/#if without #end at line 1, column 1/);
    expect(() => compileTemplate('x\n#end')).toThrow(/line 2, column 1/);
    expect(() => compileTemplate('#set($a = "abc)')).toThrow(VtlSyntaxError);
    expect(() => compileTemplate('#* never closed')).toThrow(VtlSyntaxError);
    expect(() => compileTemplate('x$')).toThrow(VtlSyntaxError);
    expect(() => compileTemplate('#foreach($i $list)#end')).toThrow(VtlSyntaxError);
  });

  it('a template larger than 300 KB is rejected at compile time', () => {
    expect(() => compileTemplate('x'.repeat(300 * 1024 + 1))).toThrow(/300 KB/);
    expect(compileTemplate('x'.repeat(300 * 1024)).source.length).toBe(307200);
  });
});
