// The sample variables the VTL unit tests and the fuzz fixtures were generated with
// (src/vtl/fuzz/FuzzOracle.java gives Velocity the same values).

export function sampleVariables(): Record<string, unknown> {
  return {
    map: new Map<string, unknown>([
      ['a', 1],
      ['b', 'x'],
    ]),
    list: [1, 2, 3],
    str: 'hello',
    n: 5,
  };
}
