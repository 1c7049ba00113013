import { describe, expect, it } from 'vitest';
import type { HttpMethod, Method, Resource } from '../definition/model.js';
import { compileRouter } from './router.js';

function resource(path: string, verbs: HttpMethod[]): Resource {
  const methods: Partial<Record<HttpMethod, Method>> = {};
  for (const verb of verbs) methods[verb] = { httpMethod: verb, resourcePath: path } as Method;
  return { path, pointer: `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}`, methods };
}

function route(router: ReturnType<typeof compileRouter>, path: string, verb: string) {
  const found = router.match(path, verb);
  return found ? { resource: found.resource.path, verb: found.method.httpMethod, params: found.pathParameters } : undefined;
}

describe('routing (§8)', () => {
  const router = compileRouter([
    resource('/', ['GET']),
    resource('/pets', ['GET', 'POST']),
    resource('/pets/{petId}', ['GET']),
    resource('/pets/mine', ['GET']),
    resource('/pets/{petId}/toys/{toyId}', ['GET']),
    resource('/files/{proxy+}', ['GET']),
    resource('/{proxy+}', ['ANY']),
    resource('/only-options', ['OPTIONS']),
  ]);

  it('prefers a literal segment over {param} over {proxy+} (§8, precedence UNCONFIRMED beyond MS-1423)', () => {
    expect(route(router, '/pets/mine', 'GET')).toEqual({ resource: '/pets/mine', verb: 'GET', params: {} });
    expect(route(router, '/pets/42', 'GET')).toEqual({ resource: '/pets/{petId}', verb: 'GET', params: { petId: '42' } });
    expect(route(router, '/files/a/b/c.txt', 'GET')).toEqual({
      resource: '/files/{proxy+}',
      verb: 'GET',
      params: { proxy: 'a/b/c.txt' },
    });
  });

  it('matches on the (resource, method) pair: a greedy ANY serves verbs the specific resource lacks [MS-1423]', () => {
    expect(route(router, '/pets/42', 'DELETE')).toEqual({ resource: '/{proxy+}', verb: 'ANY', params: { proxy: 'pets/42' } });
    expect(route(router, '/only-options', 'GET')).toEqual({ resource: '/{proxy+}', verb: 'ANY', params: { proxy: 'only-options' } });
  });

  it('explicit verbs win over ANY on the same resource [D-ext any-method]', () => {
    const r = compileRouter([resource('/x', ['ANY', 'GET'])]);
    expect(route(r, '/x', 'GET')?.verb).toBe('GET');
    expect(route(r, '/x', 'PATCH')?.verb).toBe('ANY');
  });

  it('{proxy+} does not match its parent; the root needs its own method (§8 [SW-20])', () => {
    const r = compileRouter([resource('/{proxy+}', ['ANY'])]);
    expect(route(r, '/', 'GET')).toBeUndefined();
    expect(route(r, '/a', 'GET')).toEqual({ resource: '/{proxy+}', verb: 'ANY', params: { proxy: 'a' } });
    expect(route(router, '/', 'GET')).toEqual({ resource: '/', verb: 'GET', params: {} });
  });

  it('ignores a trailing slash (§8 [LS-router])', () => {
    expect(route(router, '/pets/', 'POST')).toEqual({ resource: '/pets', verb: 'POST', params: {} });
  });

  it('decodes percent-encoded path parameters (§8 [D-notes])', () => {
    expect(route(router, '/pets/a%20b', 'GET')?.params).toEqual({ petId: 'a b' });
    expect(route(router, '/pets/7/toys/ball', 'GET')?.params).toEqual({ petId: '7', toyId: 'ball' });
  });

  it('does not route HEAD to GET, and paths are case-sensitive (§8, UNCONFIRMED; docs/fidelity.md)', () => {
    const r = compileRouter([resource('/pets', ['GET'])]);
    expect(route(r, '/pets', 'HEAD')).toBeUndefined();
    expect(route(r, '/Pets', 'GET')).toBeUndefined();
  });

  it('lists every route for the start-up banner', () => {
    const r = compileRouter([resource('/', ['GET']), resource('/a', ['GET', 'PUT'])]);
    expect(r.routes).toEqual([
      { httpMethod: 'GET', path: '/' },
      { httpMethod: 'GET', path: '/a' },
      { httpMethod: 'PUT', path: '/a' },
    ]);
  });
});
