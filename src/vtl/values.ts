// The Java value model templates operate on (owned by the VTL engine).
// Representation, shared by the engine, JSON parsing and JSONPath:
//   Java null            → null
//   String               → string
//   Boolean              → boolean
//   Integer / Long       → number (always integral, |n| <= 2^53-1)
//   Long / BigInteger beyond 2^53 → bigint
//   Double / Float       → JavaDouble (so that 1.0 prints "1.0", not "1")
//   BigDecimal           → JavaBigDecimal (keeps every digit)
//   List                 → Array
//   Map                  → Map<string, JavaValue> (insertion-ordered, like LinkedHashMap)

export class JavaDouble {
  constructor(readonly value: number) {}
}

export class JavaBigDecimal {
  /** The decimal literal as written, normalised to Java's BigDecimal.toString(). */
  constructor(readonly text: string) {}
}

export type JavaValue =
  | null
  | string
  | boolean
  | number
  | bigint
  | JavaDouble
  | JavaBigDecimal
  | JavaValue[]
  | Map<string, JavaValue>;

// Lists that come from JSON (Jayway/json-smart JSONArray) print as JSON from toString()
// (`[1,"two",{"x":null}]`), unlike java.util lists (`[1, two, {x=null}]`). Objects from JSON
// are plain maps and print as `{k=v}`. The engine marks parsed arrays here.
const jsonArrays = new WeakSet<object>();

/** Is this list a json-smart JSONArray (prints as JSON)? */
export function isJsonArray(v: unknown): boolean {
  return Array.isArray(v) && jsonArrays.has(v);
}

/** Mark one list (not its contents) as a JSONArray. */
export function markJsonArray(v: JavaValue[]): JavaValue[] {
  jsonArrays.add(v);
  return v;
}
