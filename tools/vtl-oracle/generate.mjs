#!/usr/bin/env node
// Regenerates the differential fixtures from the real Java libraries.
//   node tools/vtl-oracle/generate.mjs
// Needs a JDK (javac, java) and the Debian packages `velocity`, `libjsonpath-java`,
// `libcommons-lang-java` (jars in /usr/share/java). CI does not run this: the fixtures it
// writes are committed.
//
// Case sources: test/vtl-corpus/cases/*.mjs, each exporting any of
//   json:     [{ name, text }]                      → test/vtl-corpus/json-fixtures.json
//   jsonpath: [{ name, document, path }]            → test/vtl-corpus/jsonpath-fixtures.json ({documents, cases})
//   vtl:      [{ name, template, input? }]          → test/vtl-corpus/fixtures/<source>.json
//   doubles:  [{ name, bits }] (IEEE bits as a decimal string) → test/vtl-corpus/double-fixtures.json
// Set ORACLE_JAVA_LIB to use another jar directory.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const corpusDir = join(root, 'test/vtl-corpus');
const casesDir = join(corpusDir, 'cases');
const lib = process.env.ORACLE_JAVA_LIB ?? '/usr/share/java';

// JSONPath reference: Jayway JsonPath 2.10.0 + json-smart 2.6.0 (Maven Central artifacts,
// fetched with `mvn dependency:get -Dartifact=com.jayway.jsonpath:json-path:2.10.0`).
// Debian's libjsonpath-java is 2.0.0 (2015): no functions, negative indexes fail, no double-quoted
// keys; set ORACLE_JSONPATH=debian to use it instead (see docs/fidelity.md).
const m2 = process.env.ORACLE_M2 ?? join(process.env.HOME ?? '/root', '.m2/repository');
const jsonPathJars =
  process.env.ORACLE_JSONPATH === 'debian'
    ? ['json-path.jar', 'json-smart.jar', 'accessors-smart.jar'].map((j) => join(lib, j))
    : [
        'com/jayway/jsonpath/json-path/2.10.0/json-path-2.10.0.jar',
        'net/minidev/json-smart/2.6.0/json-smart-2.6.0.jar',
        'net/minidev/accessors-smart/2.5.2/accessors-smart-2.5.2.jar',
      ].map((j) => join(m2, j));
const jars = [
  ...['velocity.jar', 'commons-collections3.jar', 'commons-lang.jar'].map((j) => join(lib, j)),
  ...jsonPathJars,
  ...['asm.jar', 'slf4j-api.jar', 'slf4j-nop.jar'].map((j) => join(lib, j)),
];
for (const j of jars) {
  if (!existsSync(j)) {
    console.error(`missing ${j}: apt-get install -y velocity libjsonpath-java libcommons-lang-java;`);
    console.error('mvn dependency:get -Dartifact=com.jayway.jsonpath:json-path:2.10.0 (or ORACLE_JSONPATH=debian)');
    process.exit(1);
  }
}

const DEFAULT_INPUT = {
  body: '',
  params: { path: {}, querystring: {}, header: {} },
  context: {},
  stageVariables: {},
};

function fullInput(input = {}) {
  return {
    body: input.body ?? DEFAULT_INPUT.body,
    params: {
      path: input.params?.path ?? {},
      querystring: input.params?.querystring ?? {},
      header: input.params?.header ?? {},
    },
    context: input.context ?? {},
    stageVariables: input.stageVariables ?? {},
  };
}

const sources = readdirSync(casesDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort();
const all = { json: [], jsonpath: [], vtl: [], doubles: [] };
const vtlGroups = new Map();
const names = new Set();
for (const file of sources) {
  const mod = await import(pathToFileURL(join(casesDir, file)).href);
  const group = basename(file, '.mjs');
  for (const kind of ['json', 'jsonpath', 'vtl', 'doubles']) {
    for (const c of mod[kind] ?? []) {
      const key = `${kind}:${c.name}`;
      if (names.has(key)) throw new Error(`duplicate case name ${key} in ${file}`);
      names.add(key);
      if (kind === 'vtl') {
        const full = { name: c.name, template: c.template, input: fullInput(c.input) };
        all.vtl.push(full);
        if (!vtlGroups.has(group)) vtlGroups.set(group, []);
        vtlGroups.get(group).push(full);
      } else {
        all[kind].push({ ...c });
      }
    }
  }
}

/** One case per line: diffs stay readable. */
const dump = (list) => '[\n' + list.map((x) => JSON.stringify(x)).join(',\n') + '\n]\n';

const work = mkdtempSync(join(tmpdir(), 'vtl-oracle-'));
try {
  const cp = jars.join(':');
  execFileSync('javac', ['-nowarn', '-d', work, '-cp', cp, join(here, 'Oracle.java')], { stdio: 'inherit' });
  const inFile = join(work, 'cases.json');
  const outFile = join(work, 'results.json');
  writeFileSync(inFile, JSON.stringify(all));
  execFileSync('java', ['-Xss8m', '-cp', `${work}:${cp}`, 'Oracle', inFile, outFile], { stdio: 'inherit' });
  const results = JSON.parse(readFileSync(outFile, 'utf8'));

  const jsonFixtures = all.json.map((c, i) => ({ ...c, expected: results.json[i] }));
  writeFileSync(join(corpusDir, 'json-fixtures.json'), dump(jsonFixtures));
  // Documents are shared by many cases: stored once, referenced by index.
  const documents = [...new Set(all.jsonpath.map((c) => c.document))];
  const docIndex = new Map(documents.map((d, i) => [d, i]));
  const pathFixtures = all.jsonpath.map((c, i) => ({ name: c.name, doc: docIndex.get(c.document), path: c.path, expected: results.jsonpath[i] }));
  writeFileSync(
    join(corpusDir, 'jsonpath-fixtures.json'),
    `{"documents":${JSON.stringify(documents)},\n"cases":${dump(pathFixtures)}}\n`,
  );

  const doubleFixtures = all.doubles.map((c, i) => ({ ...c, expected: results.doubles[i].string }));
  writeFileSync(join(corpusDir, 'double-fixtures.json'), dump(doubleFixtures));

  const byName = new Map(all.vtl.map((c, i) => [c.name, results.vtl[i]]));
  const fixturesDir = join(corpusDir, 'fixtures');
  mkdirSync(fixturesDir, { recursive: true });
  for (const f of readdirSync(fixturesDir)) if (f.endsWith('.json')) rmSync(join(fixturesDir, f));
  let count = 0;
  let errors = 0;
  for (const [group, cases] of vtlGroups) {
    const fixtures = cases.map((c) => {
      const r = byName.get(c.name);
      const expected = 'output' in r ? r.output : { error: true };
      if (typeof expected !== 'string') errors++;
      count++;
      return { name: c.name, template: c.template, input: c.input, expected, ...(r.error ? { javaError: `${r.error}: ${r.message}`.slice(0, 300) } : {}) };
    });
    writeFileSync(join(fixturesDir, `${group}.json`), dump(fixtures));
  }
  console.log(
    `json ${jsonFixtures.length}, jsonpath ${pathFixtures.length}, doubles ${doubleFixtures.length}, vtl ${count} (${errors} expected errors) in ${vtlGroups.size} files`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
