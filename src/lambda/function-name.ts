// How Lambda names a function: the Invoke API's FunctionName and the target of an
// integration uri take the same forms.

/** `name`, `name:qualifier`, `123456789012:function:name[:q]` or a full function ARN (which also names a region). */
export function parseFunctionName(value: string): { functionName: string; qualifier: string | undefined; region?: string } {
  const arn = /^arn:[^:]+:lambda:([^:]*):[^:]*:function:([^:]+)(?::([^:]+))?$/.exec(value);
  if (arn) return { functionName: arn[2]!, qualifier: arn[3], region: arn[1] || undefined };
  const partial = /^\d{12}:function:([^:]+)(?::([^:]+))?$/.exec(value);
  if (partial) return { functionName: partial[1]!, qualifier: partial[2] };
  const colon = value.indexOf(':');
  if (colon > 0) return { functionName: value.slice(0, colon), qualifier: value.slice(colon + 1) };
  return { functionName: value, qualifier: undefined };
}
