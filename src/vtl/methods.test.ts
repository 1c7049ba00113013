// Java methods on template values. Expected strings were produced by Velocity 1.7 on Java 17
// with the same variables (map = {a=1, b=x}, list = [1, 2, 3], str = "hello", n = 5).
import { describe, expect, it } from 'vitest';
import { sampleVariables } from '../../test/support/vtl-vars.js';
import { compileTemplate, renderTemplate, VtlRenderError } from './index.js';

const vars = sampleVariables;
const r = (t: string) => renderTemplate(compileTemplate(t), vars());

describe('java.lang.String', () => {
  it('search, compare, transform', () => {
    expect(
      r('$str.indexOf("l") $str.lastIndexOf("l") $str.indexOf("l", 3) $str.startsWith("he") $str.startsWith("l", 2) $str.endsWith("lo") $str.contains("ell") $str.charAt(1) $str.replace("l", "L") $str.concat("!") $str.isEmpty() $str.equalsIgnoreCase("HELLO") $str.compareTo("hellp") $str.compareToIgnoreCase("HELLO") $str.hashCode()'),
    ).toBe('2 3 3 true true true true e heLLo hello! false true -1 0 99162322');
    expect(r('#set($s = "  Trim Me  ")[$s.trim()] $s.toLowerCase() $s.toUpperCase() $s.length() $s.substring(2, 6) $s.indexOf("z") $s.lastIndexOf("e", 5) $s.matches(".*Me.*") $s.matches("Me")')).toBe(
      '[Trim Me]   trim me     TRIM ME   11 Trim -1 -1 true false',
    );
    expect(r('#set($s = "héllo wörld")$s.length() $s.toUpperCase() $s.charAt(1) $s.substring(1) $s.indexOf("w")')).toBe('11 HÉLLO WÖRLD é éllo wörld 6');
  });

  it('regular expressions with Java syntax ($1 groups, whole-string matches)', () => {
    expect(r('#set($s = "a1b22c333")$s.replaceAll("\\d+", "#") $s.replaceAll("(\\d)+", "<$1>") $s.replaceFirst("[a-z]", "X") $s.split("\\d+").size() $s.split("\\d", 3).size() $s.replaceAll("(?i)A", "z")')).toBe(
      'a#b#c# a<1>b<2>c<3> X1b22c333 3 3 z1b22c333',
    );
    expect(r('#set($s = "x.y.z")$s.split("\\.").size() $s.replace(".", "") $s.replaceAll(".", "-") $s.matches("x\\.y\\.z") $s.matches("\\Qx.y.z\\E") $s.replaceAll("[^.]", "")')).toBe(
      '3 xyz ----- true true ..',
    );
  });

  it('static helpers called through an instance: format, join, valueOf', () => {
    expect(r('$str.format("%s-%05d|%-4s|%.2f|%x", "a", 42, "b", 3.14159, 255) $str.join("-", ["a", "b"]) $str.valueOf(5)')).toBe('a-00042|b   |3.14|ff a-b 5');
    expect(() => r('$str.format("%s")')).toThrow(/MissingFormatArgumentException/);
  });

  it('replace with an empty target inserts everywhere', () => {
    expect(r('#set($s="abc")$s.replace("", "-")|#set($e="")|$e.replace("", "-")|')).toBe('-a-b-c-||-|');
  });

  it('out-of-range arguments throw like Java', () => {
    expect(() => r('$str.substring(-1)')).toThrow(/StringIndexOutOfBoundsException/);
    expect(() => r('$str.charAt(10)')).toThrow(VtlRenderError);
  });
});

describe('java.util.List and Map', () => {
  it('List methods mutate the list', () => {
    expect(r('$list.size() $list.get(0) $list.contains(2) $list.indexOf(3) $list.isEmpty() $list.add(4) $list $list.remove(0) $list $list.set(0, 9) $list $list.subList(1, 3) $list.lastIndexOf(9) $list.contains("2") $list.equals([9, 3, 4]) $list.hashCode()')).toBe(
      '3 1 true 2 false true [1, 2, 3, 4] 1 [2, 3, 4] 2 [9, 3, 4] [3, 4] 0 false true 38537',
    );
    expect(r('#set($l = [])$l.add("x")$l.add(0, "y")$l $l.addAll(["a", "b"]) $l $l.addAll(1, ["q"]) $l $l.remove("a") $l')).toBe(
      'true[y, x] true [y, x, a, b] true [y, q, x, a, b] true [y, q, x, b]',
    );
    expect(() => r('$list.get(10)')).toThrow(/IndexOutOfBoundsException/);
    expect(r('#set($l = ["a", "b"])$l.iterator().next()')).toBe('a');
    expect(r('#set($it = $list.iterator())$it.next()#foreach($x in $it)[$x]#end#foreach($x in $it)again#end')).toBe('1[2][3]');
  });

  it('Map methods, entrySet entries with setValue', () => {
    expect(r('$map.size() $map.get("a") $map.containsKey("a") $map.containsValue(1) $map.keySet() $map.values() [$map.put("c", 3)] $map.put("a", 9) $map $map.remove("b") $map $map.isEmpty() $map.getOrDefault("z", "dflt") $map.putIfAbsent("c", 4) $map.hashCode()')).toBe(
      '2 1 true true [a, b] [1, x] [] 1 {a=9, b=x, c=3} x {a=9, c=3} false dflt 3 200',
    );
    expect(r('#set($m = {"x": 1})#set($m2 = {"y": 2})$m.putAll($m2)$m $m.entrySet() #foreach($e in $m.entrySet())$e.setValue(0)#end$m $m.keySet().size()')).toBe(
      '{x=1, y=2} [x=1, y=2] 12{x=0, y=0} 2',
    );
  });
});

describe('Velocity 1.7 method resolution', () => {
  it('a parameterless method called with arguments fails ("wrong number of arguments")', () => {
    expect(() => r('$str.isEmpty("k")')).toThrow(/wrong number of arguments/);
    expect(() => r('$list.size(2)')).toThrow(/wrong number of arguments/);
    expect(() => r('$map.keySet(",")')).toThrow(/wrong number of arguments/);
    expect(() => r('$n.intValue($n)')).toThrow(/wrong number of arguments/);
  });

  it('static overloads reached through an instance, and no method at all', () => {
    expect(r('#set($t = true)$t.hashCode(true) $n.toString(7) [$str.substring("a")] [$str.equalsIgnoreCase([1])]')).toBe('1231 7 [] []');
  });

  it('compareTo with another type throws ClassCastException', () => {
    expect(() => r('#set($t = true)$t.compareTo("H")')).toThrow(/ClassCastException/);
    expect(() => r('$str.compareTo(5)')).toThrow(/ClassCastException/);
  });

  it('Map.remove(key, value) and Map.replace', () => {
    expect(r('$map.remove("a", 2) $map.remove("a", 1) $map|$map.replace("b", "H") $map.replace("zz", 1) $map')).toBe('false true {b=x}|x  {b=H}');
  });
});

describe('numbers and booleans', () => {
  it('Number methods; compareTo across boxed types throws ClassCastException', () => {
    expect(r('$n.intValue() $n.longValue() $n.doubleValue() $n.toString() $n.equals(5) $n.compareTo(7) $n.hashCode() #set($d = 2.5)$d.intValue() $d.hashCode() $d.equals(2.5)')).toBe(
      '5 5 5.0 5 true -1 52 1074003968 true',
    );
    expect(() => r('#set($d = 2.5)$d.compareTo(1)')).toThrow(/ClassCastException/);
    expect(r('#set($x = 5)#set($y = $x.toString() + "!")$y #set($z = "$x" + 1)$z $x.class.name $str.class.simpleName')).toBe('5!51 java.lang.Integer String');
  });
});
