// Invokes functions on any Lambda Invoke API endpoint (AWS itself, another
// restgate, LocalStack, SAM local...) with the official SDK client.

import type { InvokeCommandOutput, InvokeWithResponseStreamCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
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

type Sdk = typeof import('@aws-sdk/client-lambda');

/** An SDK error as the Lambda service error it stands for (or the endpoint being unreachable). */
function serviceError(err: unknown, endpoint: string): LambdaServiceError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && e.name) return new LambdaServiceError(e.name, e.message ?? e.name, status);
  return new LambdaServiceError('ServiceException', `Could not reach the Lambda endpoint ${endpoint}: ${e.message ?? String(err)}`, 502);
}

/** What Invoke and InvokeWithResponseStream share of a request (the caller adds InvocationType). */
function commandInput(request: InvokeRequest): { FunctionName: string; Qualifier?: string; Payload: Uint8Array; LogType: 'None' | 'Tail'; ClientContext?: string } {
  return {
    FunctionName: request.functionName,
    Qualifier: request.qualifier,
    Payload: request.payload,
    LogType: request.logType ?? 'None',
    ClientContext: request.clientContext === undefined ? undefined : Buffer.from(request.clientContext, 'utf8').toString('base64'),
  };
}

export function createRemoteInvoker(options: RemoteInvokerOptions): LambdaInvoker {
  // The SDK is loaded on first use: most runs never invoke remotely, and it costs ~100 ms of start-up.
  let sdk: Promise<{ client: LambdaClient; InvokeCommand: Sdk['InvokeCommand']; InvokeWithResponseStreamCommand: Sdk['InvokeWithResponseStreamCommand'] }> | undefined;
  const load = () =>
    (sdk ??= import('@aws-sdk/client-lambda').then(({ LambdaClient, InvokeCommand, InvokeWithResponseStreamCommand }) => ({
      InvokeCommand,
      InvokeWithResponseStreamCommand,
      client: new LambdaClient({
        endpoint: options.endpoint,
        region: options.region ?? process.env['AWS_REGION'] ?? 'us-east-1',
        maxAttempts: 1,
        // A local endpoint needs no real credentials; elsewhere the SDK's default chain applies.
        ...(isLoopback(options.endpoint) ? { credentials: { accessKeyId: 'restgate', secretAccessKey: 'restgate' } } : {}),
      }),
    })));

  /**
   * InvokeWithResponseStream: each PayloadChunk goes to onChunk as it arrives; InvokeComplete's
   * ErrorCode/ErrorDetails become the function error (ErrorDetails is the runtime's error JSON when
   * another restgate answers; otherwise it is wrapped as {errorType, errorMessage}).
   */
  async function invokeStreaming(request: InvokeRequest, onChunk: NonNullable<InvokeRequest['onChunk']>): Promise<InvokeResult> {
    const { client, InvokeWithResponseStreamCommand } = await load();
    let out: InvokeWithResponseStreamCommandOutput;
    try {
      out = await client.send(
        new InvokeWithResponseStreamCommand({ ...commandInput(request), InvocationType: request.invocationType === 'DryRun' ? 'DryRun' : 'RequestResponse' }),
      );
    } catch (err) {
      throw serviceError(err, options.endpoint);
    }
    const contentType = out.ResponseStreamContentType ?? 'application/octet-stream';
    let functionError: string | undefined;
    let payload = Buffer.alloc(0);
    let logResult: string | undefined;
    try {
      for await (const event of out.EventStream ?? []) {
        // The next event is read once this one's bytes are taken: the remote stream is paced by the reader.
        if (event.PayloadChunk?.Payload) await onChunk(Buffer.from(event.PayloadChunk.Payload), contentType);
        const complete = event.InvokeComplete;
        if (complete) {
          logResult = complete.LogResult || undefined;
          if (complete.ErrorCode) {
            functionError = 'Unhandled';
            const details = complete.ErrorDetails ?? '';
            let json: string;
            try {
              JSON.parse(details);
              json = details;
            } catch {
              json = JSON.stringify({ errorType: complete.ErrorCode, errorMessage: details });
            }
            payload = Buffer.from(json, 'utf8');
          }
        }
      }
    } catch (err) {
      throw serviceError(err, options.endpoint);
    }
    return { statusCode: out.StatusCode ?? 200, payload, functionError, logResult, executedVersion: out.ExecutedVersion, streamContentType: contentType };
  }

  return {
    has: () => true,
    async invoke(request: InvokeRequest): Promise<InvokeResult> {
      if (request.onChunk) return invokeStreaming(request, request.onChunk);
      const { client, InvokeCommand } = await load();
      let out: InvokeCommandOutput;
      try {
        out = await client.send(
          new InvokeCommand({ ...commandInput(request), InvocationType: request.invocationType ?? 'RequestResponse' }),
        );
      } catch (err) {
        throw serviceError(err, options.endpoint);
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
