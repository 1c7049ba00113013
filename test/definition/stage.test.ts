// Stage derivation (§15.2 [D-basepath]; the OAS3 rule is UNCONFIRMED there and follows
// its recommendation). Choices are recorded in docs/fidelity.md "Definitions and loading".
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGE } from '../../src/definition/load.js';
import { build, loadError, oas3 } from './helpers.js';

const swagger = (extra: Record<string, unknown> = {}) => ({
  swagger: '2.0',
  info: { title: 't', version: '1' },
  paths: {},
  ...extra,
});

describe('stage', () => {
  it('Swagger 2.0: from basePath', async () => {
    expect((await build(swagger({ basePath: '/v1' }))).stage).toBe('v1');
    expect((await build(swagger({ basePath: 'prod_2' }))).stage).toBe('prod_2');
  });

  it('no base path: the default stage is "dev"', async () => {
    expect(DEFAULT_STAGE).toBe('dev');
    expect((await build(swagger())).stage).toBe('dev');
    expect((await build(swagger({ basePath: '/' }))).stage).toBe('dev');
    expect((await build(oas3())).stage).toBe('dev');
    expect((await build(oas3({ servers: [] }))).stage).toBe('dev');
    expect((await build(oas3({ servers: [{ url: 'https://api.example.com' }] }))).stage).toBe('dev');
  });

  it('OAS 3.0: servers[0].variables.basePath.default wins over the url path', async () => {
    const def = await build(
      oas3({
        servers: [
          { url: 'https://abc.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '/beta' } } },
          { url: 'https://other.example.com/ignored' },
        ],
      }),
    );
    expect(def.stage).toBe('beta');
  });

  it('OAS 3.0: else the path of servers[0].url, variables filled with their defaults', async () => {
    expect((await build(oas3({ servers: [{ url: 'https://api.example.com/prod' }] }))).stage).toBe('prod');
    expect((await build(oas3({ servers: [{ url: '/test/' }] }))).stage).toBe('test');
    const withVars = oas3({
      servers: [{ url: 'https://{host}/{stage}', variables: { host: { default: 'h.example.com' }, stage: { default: 'qa' } } }],
    });
    expect((await build(withVars)).stage).toBe('qa');
  });

  it('a multi-segment base path: first segment, with a warning', async () => {
    const def = await build(swagger({ basePath: '/v1/api' }));
    expect(def.stage).toBe('v1');
    expect(def.warnings).toEqual([
      { pointer: '/basePath', message: "base path '/v1/api' has several segments: stage 'v1' is taken from the first, the rest is ignored" },
    ]);
  });

  it('--stage overrides the derived stage', async () => {
    expect((await build(swagger({ basePath: '/v1' }), { stage: 'local' })).stage).toBe('local');
    expect((await build(oas3(), { stage: 'x-1_Y' })).stage).toBe('x-1_Y');
  });

  it('invalid stage names are load errors', async () => {
    let err = await loadError(swagger({ basePath: '/v.1' }));
    expect(err.pointer).toBe('/basePath');
    expect(err.problem).toBe("invalid stage name 'v.1' (from basePath): stage names are 1-128 letters, digits, '-' or '_'");

    err = await loadError(oas3(), { stage: 'a b' });
    expect(err.pointer).toBe('');
    expect(err.problem).toBe("invalid stage name 'a b' (from --stage): stage names are 1-128 letters, digits, '-' or '_'");
    expect(err.message).toBe(`/: ${err.problem}`);

    err = await loadError(oas3(), { stage: 'x'.repeat(129) });
    expect(err.problem).toMatch(/^invalid stage name 'x{129}' \(from --stage\)/);
    expect((await build(oas3(), { stage: 'x'.repeat(128) })).stage).toBe('x'.repeat(128));

    err = await loadError(oas3({ servers: [{ url: '/{basePath}', variables: { basePath: { default: '/st@ge' } } }] }));
    expect(err.pointer).toBe('/servers/0/variables/basePath/default');
    expect(err.problem).toBe(
      "invalid stage name 'st@ge' (from servers[0].variables.basePath.default): stage names are 1-128 letters, digits, '-' or '_'",
    );
  });
});
