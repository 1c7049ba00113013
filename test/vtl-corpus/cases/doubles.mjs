// java.lang.Double.toString over doubles of the kinds templates produce (prices, ratios,
// big integral values, random bit patterns); IEEE bits as decimal strings.

let seed = 2024;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const buf = new DataView(new ArrayBuffer(8));
const bitsOf = (d) => {
  buf.setFloat64(0, d);
  return buf.getBigInt64(0).toString();
};
const values = [0, -0, 1, -1, 0.1, 0.2 + 0.1, 1e7, 9999999, 1e-3, 9.99e-4, 1e21, 1e22, 1e23, 2 ** 53, 2 ** 53 + 2, 2 ** 62, 2 ** 63 - 1024,
  2 ** 63, 1.7976931348623157e308, Number.MIN_VALUE, 2.2250738585072014e-308, Infinity, -Infinity, NaN, 123456789012345680000, 0.30000000000000004];
for (let i = 0; i < 300; i++) {
  switch (i % 4) {
    case 0: values.push((rand(100000) / 100) * (rand(1000) / 10)); break;
    case 1: values.push(rand(100000) / 100 / (1 + rand(97))); break;
    case 2: values.push(Math.round(rand(1 << 30) * rand(1 << 30) * (1 + rand(64)))); break;
    default: values.push((rand(1 << 30) / (1 << 30)) * 10 ** (rand(40) - 20));
  }
}
for (let i = 0; i < 100; i++) {
  buf.setUint32(0, rand(0x7fefffff));
  buf.setUint32(4, rand(0x7fffffff) * 2 + rand(2));
  values.push(buf.getFloat64(0));
}
export const doubles = values.map((d, i) => ({ name: `dbl-${String(i).padStart(3, '0')}`, bits: bitsOf(d) }));
