import { fileURLToPath } from 'node:url';
import { buildDefinition } from '../../src/definition/load.js';
import type { LoadOptions } from '../../src/definition/load.js';
import { DefinitionError, type ApiDefinition } from '../../src/definition/model.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/definitions/', import.meta.url));

/** A model as plain data: regexes and compiled templates by their source, pointers optionally dropped. */
export function plain(def: unknown, { dropPointers = false } = {}): unknown {
  return JSON.parse(
    JSON.stringify(def, (key, value: unknown) => {
      if (dropPointers && key === 'pointer') return undefined;
      if (key === 'sourcePath') return undefined;
      if (value instanceof RegExp) return `${value.source}/${value.flags}`;
      // Compiled templates by their source text (whatever else the engine keeps in them).
      if ((key === '1' || key === 'template') && value && typeof value === 'object' && typeof (value as { source?: unknown }).source === 'string') {
        return (value as { source: string }).source;
      }
      return value;
    }),
  );
}

/** A minimal valid OAS 3.0 document with one MOCK GET /, to be patched by tests. */
export function oas3(extra: Record<string, unknown> = {}, paths?: Record<string, unknown>): Record<string, unknown> {
  return {
    openapi: '3.0.1',
    info: { title: 't', version: '1' },
    paths: paths ?? {
      '/': {
        get: {
          responses: { '200': { description: 'ok' } },
          'x-amazon-apigateway-integration': {
            type: 'mock',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            responses: { default: { statusCode: '200' } },
          },
        },
      },
    },
    ...extra,
  };
}

/** An OAS 3.0 document whose GET /r uses the given integration. */
export function withIntegration(integration: unknown, op: Record<string, unknown> = {}): Record<string, unknown> {
  return oas3({}, {
    '/r': {
      get: {
        responses: { '200': { description: 'ok' } },
        'x-amazon-apigateway-integration': integration,
        ...op,
      },
    },
  });
}

export const LAMBDA_URI = (fn: string, region = 'us-east-1'): string =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${region}:123456789012:function:${fn}/invocations`;

/** Build and return the DefinitionError it must throw. */
export async function loadError(document: unknown, options?: LoadOptions & { sourcePath?: string }): Promise<DefinitionError> {
  try {
    await buildDefinition(document, options);
  } catch (e) {
    if (e instanceof DefinitionError) return e;
    throw e;
  }
  throw new Error('expected a DefinitionError');
}

export async function build(document: unknown, options?: LoadOptions & { sourcePath?: string }): Promise<ApiDefinition> {
  return buildDefinition(document, options);
}
