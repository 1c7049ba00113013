// java.util.regex translation. The expected column was produced by Java 17 running
// String.matches / replaceAll / replaceFirst / split on the same pattern, input and replacement
// (format: "matches | replaceAll | replaceFirst | split joined by '/' # count"; ERR = exception).
import { describe, expect, it } from 'vitest';
import { compileWholeMatch, javaRegex, JavaRegexError, javaReplace, javaSplit, translateJavaRegex } from './java-regex.js';

const cases: Array<[pattern: string, input: string, replacement: string, java: string]> = [
  ["a+b", "xaabyab", "[$0]", "false | x[aab]y[ab] | x[aab]yab | x/y#2"],
  ["(?i)abc", "xABcabc", "-", "false | x-- | x-abc | x#1"],
  ["[a-z&&[^aeiou]]+", "hello world", "<$0>", "false | <h>e<ll>o <w>o<rld> | <h>ello world | /e/o /o#4"],
  ["a*+b", "aaab aab", "X", "false | X X | X aab | / #2"],
  ["(?>ab|a)c", "abc ac", "Y", "false | Y Y | Y ac | / #2"],
  ["\\Qa.b\\E", "a.b axb", "Q", "false | Q axb | Q axb | / axb#2"],
  ["(a)(b)\\2", "abb ab", "$2$1", "false | ba ab | ba ab | / ab#2"],
  ["[\\w-]+", "foo-bar baz", "w", "false | w w | w baz | / #2"],
  ["\\p{Alpha}+", "abc123", "P", "false | P123 | P123 | /123#2"],
  ["2\\d{2}", "200", "ok", "true | ok | ok | #0"],
  [".*Error.*", "Some Error here", "E", "true | E | E | #0"],
  ["^\\d+$", "123", "N", "true | N | N | #0"],
  ["(?<year>\\d{4})-(?<m>\\d\\d)", "2024-05", "${m}/${year}", "true | 05/2024 | 05/2024 | #0"],
  ["x*", "abc", "-", "false | -a-b-c- | -abc | a/b/c#3"],
  ["", "abc", "-", "false | -a-b-c- | -abc | a/b/c#3"],
  [",", "a,b,,c,,", ";", "false | a;b;;c;; | a;b,,c,, | a/b//c#4"],
  ["\\d", "a1b2c3", "\\\\$", "false | ERR | ERR | a/b/c#3"],
  ["(\\w+)@(\\w+)\\.com", "joe@example.com", "$2 at $1", "true | example at joe | example at joe | #0"],
  ["[^abc]", "abcdef", ".", "false | abc... | abc.ef | abc#1"],
  ["$", "ab", "E", "false | abE | abE | ab#1"],
  ["a|b|", "abc", "[$0]", "false | [a][b][]c[] | [a]bc | ///c#4"],
  ["[a-c[x-z]]+", "abxyq", "U", "false | Uq | Uq | /q#2"],
  ["\\bfoo\\b", "foo food foo", "F", "false | F food F | F food foo | / food #2"],
  ["(?x) a b # comment", "ab", "X", "true | X | X | #0"],
  ["a{2,3}", "aaaa", "R", "false | Ra | Ra | /a#2"],
  ["a{2,}?", "aaaa", "R", "true | RR | Raa | #0"],
  ["[\\[\\]]", "[a]", "B", "false | BaB | Ba] | /a#2"],
  ["\\.", "a.b", "D", "false | aDb | aDb | a/b#2"],
  ["[.]", "a.b", "D", "false | aDb | aDb | a/b#2"],
  ["\\\\", "a\\b", "S", "false | aSb | aSb | a/b#2"],
  ["\\t", "a", "T", "false | a | a | a#1"],
  ["(a|)+", "aaa", "P", "true | PP | P | #0"],
  ["[a-]+", "a-a", "M", "true | M | M | #0"],
  ["\\x41\\u0042", "AB", "H", "true | H | H | #0"],
  ["(?i)[a-c]+", "ABCd", "I", "false | Id | Id | /d#2"],
  ["[^\\s]+", "a b", "N", "false | N N | N b | / #2"],
  ["\\p{Lu}+", "ABc", "U", "false | Uc | Uc | /c#2"],
  ["\\p{IsLatin}+", "abc", "L", "true | L | L | #0"],
  ["(?-i)a", "a", "A", "true | A | A | #0"],
  ["[\\d&&[^5]]+", "12567", "D", "false | D5D | D567 | /5#2"],
  ["\\s+", "a b  c", "_", "false | a_b_c | a_b  c | a/b/c#3"],
];

function run(p: string, s: string, r: string): string {
  const parts: string[] = [];
  const attempt = (f: () => string) => {
    try {
      parts.push(f());
    } catch {
      parts.push('ERR');
    }
  };
  attempt(() => String(javaRegex(p, false, true).test(s)));
  attempt(() => javaReplace(s, p, r, true));
  attempt(() => javaReplace(s, p, r, false));
  attempt(() => {
    const x = javaSplit(s, p, 0);
    return x.join('/') + '#' + x.length;
  });
  return parts.join(' | ');
}

describe('Java regex semantics', () => {
  it.each(cases)('%j on %j (replacement %j)', (p, s, r, java) => {
    expect(run(p, s, r)).toBe(java);
  });

  it('split with a limit and trailing empty strings (Pattern.split)', () => {
    expect(javaSplit('a,b,,c,,', ',', 0)).toEqual(['a', 'b', '', 'c']);
    expect(javaSplit('a,b,,c,,', ',', -1)).toEqual(['a', 'b', '', 'c', '', '']);
    expect(javaSplit('a,b,c', ',', 2)).toEqual(['a', 'b,c']);
    expect(javaSplit('', ',', 0)).toEqual(['']);
    expect(javaSplit('a1b2', '(?=\\d)', 0)).toEqual(['a', '1b', '2']);
  });

  it('whole-string matching for selection patterns (§3.2)', () => {
    expect(compileWholeMatch('2\\d{2}').test('200')).toBe(true);
    expect(compileWholeMatch('2\\d{2}').test('2000')).toBe(false);
    expect(compileWholeMatch('.*Not Found.*').test('Error: Not Found')).toBe(true);
    // '.' does not cross line terminators unless (?s)
    expect(compileWholeMatch('.*Error.*').test('Error\nstack')).toBe(false);
    expect(compileWholeMatch('(?s).*Error.*').test('Error\nstack')).toBe(true);
    // Java's non-multiline '$' also matches before a final line terminator
    expect(javaRegex('b$', false).test('ab\n')).toBe(true);
  });

  it('invalid patterns throw PatternSyntaxException-like errors', () => {
    expect(() => translateJavaRegex('(')).toThrow(JavaRegexError);
    expect(() => translateJavaRegex('a{2')).toThrow(JavaRegexError);
    expect(() => translateJavaRegex('*a')).toThrow(JavaRegexError);
    expect(() => translateJavaRegex('\\p{Nope}')).toThrow(JavaRegexError);
  });
});
