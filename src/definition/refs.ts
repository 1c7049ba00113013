// $ref resolution with @apidevtools/json-schema-ref-parser. Local refs (`#/...`) and
// relative file refs beside the definition are resolved; remote (http/https) refs are
// refused. Problems are reported at the JSON pointer of the offending `$ref` in the
// original document: each ref is checked here first, so the library's own errors are
// only a fallback.

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { DefinitionError } from './model.js';
import { ptr, tokens } from './pointer.js';

interface RefSite {
  readonly pointer: string;
  readonly ref: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collectRefs(node: unknown, pointer: string, out: RefSite[], file: string | undefined): void {
  if (Array.isArray(node)) {
    node.forEach((v, i) => collectRefs(v, ptr(pointer, i), out, file));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref') {
      if (typeof value !== 'string') {
        throw new DefinitionError(ptr(pointer, '$ref'), '$ref must be a string', file);
      }
      out.push({ pointer: ptr(pointer, '$ref'), ref: value });
    } else {
      collectRefs(value, ptr(pointer, key), out, file);
    }
  }
}

/** Follow a local pointer in the unresolved document; `undefined` when it leads nowhere,
 * `null` when it passes through another $ref (left to the library). */
function follow(document: unknown, fragment: string): unknown {
  let node: unknown = document;
  for (const t of tokens(fragment)) {
    if (isObject(node) && typeof node.$ref === 'string' && !(t in node)) return null;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(t) || Number(t) >= node.length) return undefined;
      node = node[Number(t)];
    } else if (isObject(node)) {
      if (!Object.prototype.hasOwnProperty.call(node, t)) return undefined;
      node = node[t];
    } else {
      return undefined;
    }
  }
  return node;
}

function checkRef(site: RefSite, document: unknown, baseDir: string, file: string | undefined): void {
  const { ref, pointer } = site;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) && !/^file:/i.test(ref)) {
    throw new DefinitionError(pointer, `remote $ref '${ref}' is not supported (use local '#/...' refs or files beside the definition)`, file);
  }
  const hash = ref.indexOf('#');
  const filePart = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : ref.slice(hash);
  if (fragment !== '' && fragment !== '#' && !fragment.startsWith('#/')) {
    throw new DefinitionError(pointer, `$ref '${ref}': only JSON pointer fragments ('#/...') are supported`, file);
  }
  if (filePart === '') {
    if (follow(document, fragment) === undefined) {
      throw new DefinitionError(pointer, `$ref '${ref}' points to nothing in this document`, file);
    }
    return;
  }
  let target: string;
  try {
    target = /^file:/i.test(filePart) ? new URL(filePart).pathname : resolvePath(baseDir, decodeURIComponent(filePart));
  } catch {
    throw new DefinitionError(pointer, `$ref '${ref}' is not a valid file reference`, file);
  }
  if (!existsSync(target) || !statSync(target).isFile()) {
    throw new DefinitionError(pointer, `$ref '${ref}': file not found (${target})`, file);
  }
}

/**
 * Resolve every `$ref` of `document` (never mutated). Circular refs are left in place
 * as `{ $ref }` objects (they only occur inside schemas).
 */
export async function resolveRefs(document: unknown, sourcePath: string | undefined): Promise<unknown> {
  const sites: RefSite[] = [];
  collectRefs(document, '', sites, sourcePath);
  if (sites.length === 0) return document;
  const baseDir = sourcePath ? dirname(sourcePath) : process.cwd();
  for (const site of sites) checkRef(site, document, baseDir, sourcePath);
  const basePath = sourcePath ?? resolvePath(process.cwd(), 'definition.json');
  // Loaded only for a definition with refs (the library and its YAML parser are ~60 modules).
  const { $RefParser } = await import('@apidevtools/json-schema-ref-parser');
  try {
    return await $RefParser.dereference(basePath, document as object, {
      resolve: { http: false },
      dereference: { circular: 'ignore' },
      mutateInputSchema: false,
    });
  } catch (e) {
    const err = e as Error & { source?: string; targetRef?: string };
    // Blame the first $ref that names the failing file, else the document root.
    const failing = err.source ? err.source.split('#')[0] : undefined;
    const site = failing
      ? sites.find((s) => {
          const f = s.ref.split('#')[0]!;
          return f !== '' && resolvePath(baseDir, decodeURIComponent(f)) === failing;
        })
      : undefined;
    const message = err.message.split('\n')[0]!;
    throw new DefinitionError(site?.pointer ?? '', `cannot resolve $ref${site ? ` '${site.ref}'` : ''}: ${message}`, sourcePath);
  }
}
