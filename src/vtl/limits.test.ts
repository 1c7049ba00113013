// Limits (§14, §2.4) and hostile templates: every one must end with an error, never hang or
// exhaust memory. The assertions are on the error, not on timing.
import { describe, expect, it } from 'vitest';
import { compileTemplate, LIMITS, renderMapping, renderTemplate, VtlRenderError, VtlSyntaxError } from './index.js';

const r = (t: string, v: Record<string, unknown> = {}) => renderTemplate(compileTemplate(t), v);

describe('#foreach iteration limit (AWS: 1000, §14 / D-limits)', () => {
  it('1000 iterations are fine, 1001 fail', () => {
    expect(r('#foreach($i in [1..1000])x#end').length).toBe(1000);
    expect(() => r('#foreach($i in [1..1001])x#end')).toThrow(VtlRenderError);
    expect(() => r('#foreach($i in [1..1001])x#end')).toThrow(/limit of 1000 iterations/);
  });

  it('a #break before the limit keeps the loop legal', () => {
    expect(r('#foreach($i in [1..5000])#if($i > 3)#break#end$i#end')).toBe('123');
  });
});

describe('large templates', () => {
  it('a 300 KB template with thousands of directives compiles and renders', () => {
    const unit = '#set($x = $a + 1)"$x": "$m.x",\n#if($x > 3)big#end\n';
    const t = compileTemplate(unit.repeat(Math.floor((300 * 1024) / unit.length)));
    const out = renderTemplate(t, { a: 5, m: { x: 'y' } });
    expect(out.startsWith('"6": "y",\nbig"6"')).toBe(true);
  });
});

describe('hostile templates end with VtlRenderError', () => {
  it('nested loops run out of the evaluation budget', () => {
    const t = '#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])#set($x = 1)#end#end#end';
    expect(() => r(t)).toThrow(/evaluation budget/);
  });

  it('unbounded macro recursion stops at the Velocity depth limit', () => {
    expect(() => r('#macro(rec $n)x#rec($n)#end#rec(0)')).toThrow(new RegExp(`depth of ${LIMITS.macroDepth}`));
  });

  it('strings doubling to many megabytes hit the size cap', () => {
    const t = '#set($s = "0123456789")#foreach($i in [1..40])#set($s = "$s$s")#end$s.length()';
    expect(() => r(t)).toThrow(/exceeded|too large/);
    const concat = '#set($s = "0123456789")#foreach($i in [1..40])#set($s = $s + $s)#end';
    expect(() => r(concat)).toThrow(VtlRenderError);
  });

  it('output larger than the cap fails', () => {
    const t = '#set($s = "0123456789012345678901234567890123456789")#foreach($i in [1..1000])#foreach($j in [1..1000])$s#end#end';
    expect(() => r(t)).toThrow(VtlRenderError);
  });

  it('lists doubling themselves and strings growing through methods hit the caps', () => {
    expect(() => r('#set($l = [1])#foreach($i in [1..40])#set($d = $l.addAll($l))#end')).toThrow(/beyond 1000000 elements/);
    expect(() => r('#set($s = "ab")#foreach($i in [1..40])#set($s = $s.replaceAll(".", "$0$0"))#end')).toThrow(VtlRenderError);
    expect(() => r('#set($s = "ab")#foreach($i in [1..40])#set($s = $s.concat($s))#end')).toThrow(/exceeds/);
  });

  it('huge ranges and String.repeat are refused', () => {
    expect(() => r('#set($r = [1..100000000])$r.size()')).toThrow(VtlRenderError);
    expect(() => r('#set($s = "abc")$s.repeat(100000000)')).toThrow(VtlRenderError);
  });

  it('self-containing collections print like Java and deeper cycles fail cleanly', () => {
    expect(r('#set($l = [1])#set($d = $l.add($l))$l')).toBe('[1, (this Collection)]');
    expect(() => r('#set($a = [])#set($b = [$a])#set($d = $a.add($b))$a')).toThrow(VtlRenderError);
  });

  it('deeply nested directives fail at compile time with a syntax error, not a crash', () => {
    const deep = '#if(true)'.repeat(20000) + 'x' + '#end'.repeat(20000);
    expect(() => compileTemplate(deep)).toThrow(VtlSyntaxError);
  });

  it('Java exceptions from methods become render errors', () => {
    expect(() => r('$s.substring(9)', { s: 'hello' })).toThrow(/StringIndexOutOfBoundsException/);
    expect(() => r('$s.replaceAll("(", "x")', { s: 'hello' })).toThrow(/PatternSyntaxException/);
    expect(() => r('$s.replaceAll("l", "$2")', { s: 'hello' })).toThrow(/No group 2/);
  });

  it('renderMapping wraps failures in VtlRenderError too', () => {
    const t = compileTemplate('#foreach($i in [1..2000])#end');
    expect(() => renderMapping(t, { body: '', params: { path: {}, querystring: {}, header: {} }, context: {}, stageVariables: {} })).toThrow(
      VtlRenderError,
    );
  });
});
