// Non-proxy (AWS) handler used by the benchmark's custom-integration route.
// Receives the event built by the request template and returns an object the
// response template reshapes.
export const handler = async (event) => {
  const lines = Array.isArray(event.items)
    ? event.items.map((item) => ({ sku: String(item.sku), amount: Number(item.qty) * 3 }))
    : [];
  let total = 0;
  for (const line of lines) total += line.amount;
  return { id: event.id, name: event.name, total, lines };
};
