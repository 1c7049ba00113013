// Arithmetic and comparisons, generated as tables of operands × operators.
// Velocity 1.7 widens Integer → Long → BigInteger on overflow, divides integers as integers,
// returns null for division by zero, and compares numbers of different classes numerically.

const operands = [
  '7', '2', '-7', '0', '1', '2.5', '1.0', '0.1', '-0.5', '2147483647', '-2147483648', '9223372036854775807',
  '$input.path(\'$.i\')', '$input.path(\'$.l\')', '$input.path(\'$.d\')', '$input.path(\'$.bd\')', '$input.path(\'$.bi\')',
  '"3"', '$nothing',
];
const body = '{"i":10,"l":3000000000,"d":0.25,"bd":1.00000000000000000001,"bi":123456789012345678901234,"s":"3"}';
const ops = ['+', '-', '*', '/', '%'];

const cases = [];
let n = 0;
// a sampled cross product keeps the table large but bounded
for (const [ai, a] of operands.entries()) {
  for (const [bi, b] of operands.entries()) {
    for (const [oi, op] of ops.entries()) {
      if ((ai * 7 + bi * 3 + oi) % 7 !== 0) continue;
      cases.push({
        name: `arith-${String(n++).padStart(3, '0')}`,
        template: `#set($r = ${a} ${op} ${b})[$r]`,
        input: { body },
      });
    }
  }
}

// hand-picked arithmetic facts
const facts = [
  '#set($r = 7 / 2)$r', '#set($r = -7 / 2)$r', '#set($r = 7 % -3)$r', '#set($r = -7 % 3)$r', '#set($r = 7.0 / 2)$r',
  '#set($r = 1 / 3.0)$r', '#set($r = 2.0 / 3)$r', '#set($r = 10 / 4 * 4)$r', '#set($r = 1 / 0)[$r]', '#set($r = 1.0 / 0)[$r]',
  '#set($r = 1 % 0)[$r]', '#set($r = 0.1 + 0.2)$r', '#set($r = 2147483647 + 1)$r', '#set($r = -2147483648 - 1)$r',
  '#set($r = 2147483647 * 2147483647)$r', '#set($r = 9223372036854775807 + 1)$r', '#set($r = 9223372036854775807 * 2)$r',
  '#set($r = 100000 * 100000)$r', '#set($r = 3 * 1.5)$r', '#set($r = 1.5 * 2)$r', '#set($r = 1e3)$r', '#set($r = 10 - 10.0)$r',
  '#set($r = 5 - -3)$r', '#set($r = -(3))$r', '#set($r = - 3)$r', '#set($r = 1 + 2 * 3 - 4 / 2)$r', '#set($r = (1 + 2) * (3 - 4))$r',
  '#set($r = 2.50)$r', '#set($r = 0.000001)$r', '#set($r = 123456789.123)$r', '#set($r = 1.0 * 10000000)$r', '#set($r = 0.001 * 1)$r',
  '#set($r = 12345678901)$r', '#set($r = 12345678901 + 1)$r', '#set($r = 12345678901234567890)$r',
  '#set($i = 1)#set($i = $i + 1)#set($i = $i + 1)$i', '#set($r = $input.path(\'$.i\') / 3)$r', '#set($r = $input.path(\'$.d\') * 4)$r',
  '#set($r = $input.path(\'$.l\') * 4)$r', '#set($r = $input.path(\'$.bd\') + 1)$r', '#set($r = $input.path(\'$.bi\') * 2)$r',
  '#set($r = $input.path(\'$.s\') + 1)$r', '#set($r = "2" * 3)[$r]', '#set($r = true + 1)[$r]', '#set($r = [1] + 1)[$r]',
  '$math', '#set($r = 5)$r.doubleValue() $r.intValue() $r.toString() $r.getClass().getSimpleName()',
  '#set($r = 5.5)$r.intValue() $r.longValue() $r.floatValue()', '#set($r = 7)#set($q = $r / 2.0)$q',
  '#set($x = 2147483647)#set($x = $x + 1)$x #set($y = $x - 1)$y', '#set($r = 1.0E20)$r', '#set($r = 1.0E-5)$r',
  '#set($r = 100.0)$r #set($s = 1000000.0)$s #set($t = 10000000.0)$t', '#set($r = 3.14159265358979)$r',
];
facts.forEach((template, i) => cases.push({ name: `arith-fact-${String(i).padStart(2, '0')}`, template, input: { body } }));

// comparisons
const cmpOperands = ['1', '2', '1.0', '"1"', '"a"', '"b"', 'true', '$nothing', '$input.path(\'$.i\')', '$input.path(\'$.s\')', '[1]', '"10"'];
const cmpOps = ['==', '!=', '<', '>', '<=', '>='];
let c = 0;
for (const [ai, a] of cmpOperands.entries()) {
  for (const [bi, b] of cmpOperands.entries()) {
    for (const [oi, op] of cmpOps.entries()) {
      if ((ai * 5 + bi * 2 + oi) % 6 !== 0) continue;
      cases.push({
        name: `cmp-${String(c++).padStart(3, '0')}`,
        template: `#if(${a} ${op} ${b})T#{else}F#end`,
        input: { body },
      });
    }
  }
}

export const vtl = cases;
