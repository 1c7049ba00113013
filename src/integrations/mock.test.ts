import { describe, expect, it } from 'vitest';
import { makeCtx, makeIntegration, makeIntegrationRequest } from '../../test/http/fixtures.js';
import type { CompiledTemplate } from '../vtl/index.js';
import { GatewayError } from '../pipeline/types.js';
import { mockIntegration, parseMockStatusCode } from './mock.js';
import type { IntegrationDeps } from './types.js';

const deps = {} as IntegrationDeps;
const TEMPLATE = {} as CompiledTemplate; // only its presence matters to the MOCK handler

async function run(body: string, opts: { templates?: boolean; contentType?: string } = {}) {
  const integration = makeIntegration({
    type: 'MOCK',
    requestTemplates: opts.templates === false ? [] : [['application/json', TEMPLATE]],
  });
  const headers: Array<[string, string]> = [['Host', 'h']];
  if (opts.contentType) headers.push(['Content-Type', opts.contentType]);
  const ctx = makeCtx({ integration, headers, method: 'OPTIONS' });
  // The integration request step applied the template when one is keyed by the Content-Type (§2.1).
  const templateApplied = opts.templates !== false && (opts.contentType ?? 'application/json') === 'application/json';
  return mockIntegration(makeIntegrationRequest(integration, { body, templateApplied }), ctx, deps);
}

async function rejection(body: string, opts: { templates?: boolean; contentType?: string } = {}): Promise<GatewayError> {
  try {
    await run(body, opts);
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected rejection');
}

describe('MOCK statusCode parsing (§3.4, §7.7)', () => {
  it('accepts valid JSON {"statusCode": 200} [D-mock]', () => {
    expect(parseMockStatusCode('{"statusCode": 200}')).toBe(200);
    expect(parseMockStatusCode('  {\n  "statusCode" : 404 , "other": {"statusCode": 1}}\n')).toBe(404);
  });
  it('accepts the CDK template {statusCode: 200} and single quotes (OBS [LS-11967])', () => {
    expect(parseMockStatusCode('{statusCode: 200}')).toBe(200);
    expect(parseMockStatusCode("{'statusCode': 201, 'msg': 'a,b}'}")).toBe(201);
  });
  it('accepts negative and non-standard integers (OBS [LS-11148])', () => {
    expect(parseMockStatusCode('{"statusCode": -1}')).toBe(-1);
    expect(parseMockStatusCode('{"statusCode": 999}')).toBe(999);
  });
  it('rejects missing, non-integer, quoted and out-of-range codes, and non-objects', () => {
    for (const text of [
      '{}',
      '{"status": 200}',
      '{"statusCode": "200"}',
      '{"statusCode": 200.5}',
      '{"statusCode": 2e2}',
      '{"statusCode": 99999999999}',
      '[200]',
      '200',
      'statusCode: 200',
      '{"statusCode": 200',
      '{"statusCode": 200} trailing',
      '{"statusCode": }',
    ]) {
      expect(parseMockStatusCode(text), text).toBeUndefined();
    }
  });
});

describe('mockIntegration (§3.4)', () => {
  it('returns an empty endpoint with the template status as selection input [LS-mock]', async () => {
    expect(await run('{"statusCode": 200}')).toEqual({
      kind: 'endpoint',
      statusCode: 200,
      selectionInput: '200',
      headers: [],
      body: Buffer.alloc(0),
      contentType: undefined,
    });
    const neg = await run('{statusCode: -5}');
    expect(neg.kind === 'endpoint' && [neg.statusCode, neg.selectionInput]).toEqual([-5, '-5']);
  });

  it('unparseable statusCode → 500 API_CONFIGURATION_ERROR "Internal server error" [LS-mock]', async () => {
    const err = await rejection('{"message": "hi"}');
    expect([err.type, err.message, err.statusCode]).toEqual(['API_CONFIGURATION_ERROR', 'Internal server error', undefined]);
    expect((await rejection('not json')).type).toBe('API_CONFIGURATION_ERROR');
  });

  it('template that renders empty → 500 (§2.4)', async () => {
    expect((await rejection('   ')).type).toBe('API_CONFIGURATION_ERROR');
  });

  it('no template and empty body → 200 (choice, docs/fidelity.md; DOC [D-mock])', async () => {
    const r = await run('', { templates: false });
    expect(r.kind === 'endpoint' && r.statusCode).toBe(200);
    // templates exist but none for this Content-Type: passthrough of an empty body → 200 too
    const r2 = await run('', { contentType: 'text/plain' });
    expect(r2.kind === 'endpoint' && r2.statusCode).toBe(200);
  });

  it('no template: a passed-through client body drives the status (§3.4)', async () => {
    const r = await run('{"statusCode": 503}', { templates: false });
    expect(r.kind === 'endpoint' && r.selectionInput).toBe('503');
    expect((await rejection('hello', { templates: false })).type).toBe('API_CONFIGURATION_ERROR');
  });
});
