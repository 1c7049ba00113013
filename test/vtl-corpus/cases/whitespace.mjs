// Velocity 1.7 whitespace handling around directives, generated as a table of
// directive × placement, plus escaping of directives.

const directives = {
  set: '#set($v = 1)',
  setspace: '#set( $v = "x" )',
  ifend: '#if(true)Y#end',
  ifelse: '#if(false)Y#{else}N#end',
  foreach: '#foreach($i in [1..2])$i#end',
  macrodef: '#macro(mm)M#end',
  comment: '## note',
  blockcomment: '#* note *#',
  stop: '#if(false)#stop#end',
  define: '#define($dd)D#end',
  ifopen: '#if(true)',
  elseline: '#else',
  endline: '#end',
};
const placements = {
  alone: (d) => `A\n${d}\nB`,
  indented: (d) => `A\n    ${d}\nB`,
  tabbed: (d) => `A\n\t${d}\nB`,
  trailing: (d) => `A\n${d}  \nB`,
  midline: (d) => `A ${d} B`,
  startfile: (d) => `${d}\nB`,
  endfile: (d) => `A\n${d}`,
  crlf: (d) => `A\r\n${d}\r\nB`,
  twice: (d) => `A\n${d}\n${d}\nB`,
  afterText: (d) => `A\nx ${d}\nB`,
};
const cases = [];
for (const [dn, d] of Object.entries(directives)) {
  for (const [pn, place] of Object.entries(placements)) {
    let template = place(d);
    if (dn === 'ifopen') template = place(d) + '\nC\n#end\nE';
    if (dn === 'elseline') template = '#if(false)\nX\n' + place(d).replace('A\n', '').replace('A ', '') + '\n#end';
    if (dn === 'endline') template = '#if(true)\nX' + place(d).replace(/^A/, '') + '\nE';
    cases.push({ name: `ws-${dn}-${pn}`, template, input: {} });
  }
}

const escapes = [
  '\\#if(true)x\\#end', '\\\\#if(true)x#end', '\\#set($a = 1)$a', '#set($a = 1)\\#set($a = 2)$a', '\\#foreach', '\\#end',
  '\\#macro(x)', '\\## not a comment', '\\#* not *\\#', 'a\\b', 'a\\\\b', 'path\\to\\$file', '\\$', '\\\\\\$x', '#set($x = 1)\\\\\\$x',
  '$!', '$!{', '#', '##', '#*', '#**#x', '#[[', '#[[x]]#', ']]#', '#{', '#{end}', '\\', '\\\\', '#if(true)\\#end#end',
  '"quotes" and \'apostrophes\'', '{"json": "with $! and #"}', 'price: $9.99', 'tab\there', '#set($s = "\\$x")$s',
  "#set($s = '\\$x')$s", '#set($s = "a\\"b")$s', '#set($x = 5)#set($s = "\\$x is $x")$s', '$map.put("k","v")',
];
escapes.forEach((template, i) => cases.push({ name: `esc-${String(i).padStart(2, '0')}`, template, input: {} }));

export const vtl = cases;
