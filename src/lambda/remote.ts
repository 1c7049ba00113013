// Invokes functions on any Lambda Invoke API endpoint (AWS itself, another
// restgate, LocalStack, SAM local...) with the official SDK client.

import type { InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { LambdaServiceError, type InvokeRequest, type InvokeResult, type LambdaInvoker } from './types.js';

export interface RemoteInvokerOptions {
  endpoint: string;
  region?: string;
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

export function createRemoteInvoker(options: RemoteInvokerOptions): LambdaInvoker {
  // The SDK is loaded on first use: most runs never invoke remotely, and it costs ~100 ms of start-up.
  let sdk: Promise<{ client: LambdaClient; InvokeCommand: typeof import('@aws-sdk/client-lambda').InvokeCommand }> | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-lambda').then(({ LambdaClient, InvokeCommand }) => ({
      InvokeCommand,
      client: new LambdaClient({
        endpoint: options.endpoint,
        region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
        maxAttempts: 1,
        // A local endpoint needs no real credentials; elsewhere the SDK's default chain applies.
        ...(isLoopback(options.endpoint) ? { credentials: { accessKeyId: 'restgate', secretAccessKey: 'restgate' } } : {}),
      }),
    })));

  return {
    has: () => true,
    async invoke(request: InvokeRequest): Promise<InvokeResult> {
      const { client, InvokeCommand } = await load();
      let out: InvokeCommandOutput;
      try {
        out = await client.send(
          new InvokeCommand({
            FunctionName: request.functionName,
            Qualifier: request.qualifier,
            Payload: request.payload,
            InvocationType: request.invocationType ?? 'RequestResponse',
            LogType: request.logType ?? 'None',
            ClientContext: request.clientContext === undefined ? undefined : Buffer.from(request.clientContext, 'utf8').toString('base64'),
          }),
        );
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        if (status !== undefined && e.name) throw new LambdaServiceError(e.name, e.message ?? e.name, status);
        throw new LambdaServiceError('ServiceException', `Could not reach the Lambda endpoint ${options.endpoint}: ${e.message ?? String(err)}`, 502);
      }
      return {
        statusCode: out.StatusCode ?? 200,
        payload: Buffer.from(out.Payload ?? new Uint8Array()),
        functionError: out.FunctionError,
        logResult: out.LogResult,
        executedVersion: out.ExecutedVersion,
      };
    },
    async close() {
      if (sdk) (await sdk).client.destroy();
    },
  };
}
