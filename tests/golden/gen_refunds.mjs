// Generates medusa_refund_vectors.json: each line item's refundable_total and
// refundable_total_per_unit computed by Medusa's OWN code (@medusajs/utils 2.21.2
// getLineItemsTotals, the function decorateCartTotals calls for an order's items), so
// app/domain/refunds.py can be checked against the server's arithmetic without a server.
//
// Setup (a scratch dir outside the repo, the same one gen_totals.mjs uses):
//   mkdir -p "$SCRATCH" && cd "$SCRATCH" && npm init -y && npm install @medusajs/utils@2.21.2
// Run (from the repo root):
//   MEDUSA_SCRATCH="$SCRATCH" node tests/golden/gen_refunds.mjs
//
// Medusa sets the refundable totals only on items that carry `detail` quantities (orders, not
// drafts); the returned quantities (requested + received + dismissed) are taken off first.

import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const scratch = path.resolve(process.env.MEDUSA_SCRATCH ?? process.cwd());
const req = createRequire(path.join(scratch, "package.json"));
const utils = req("@medusajs/utils");
const pkg = JSON.parse(fs.readFileSync(path.join(scratch, "node_modules", "@medusajs", "utils", "package.json"), "utf8"));
if (pkg.version !== "2.21.2") throw new Error(`need @medusajs/utils 2.21.2, got ${pkg.version}`);

const raw = (v) => ({ value: String(v), precision: 20 });
const full = (bn) => utils.MathBN.convert(bn).toFixed();

// A small deterministic generator (mulberry32), so the file is the same on every run.
let seed = 20261103;
function rnd() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const PRICES = ["9.99", "0.333", "7.77", "0.99", "2.5", "19.99", "100", "1499", "12.345", "0.01"];
const RATES = [[], [10], [19], [8.875], [7, 2.5], [20], [0]];
const ADJS = [[], ["1"], ["2.5"], ["0.5", "0.25"], ["10"], ["3.33"]];

const cases = [];
for (let i = 0; i < 80; i++) {
  const quantity = pick([1, 1, 2, 3, 4, 7, 10]);
  const returned = rnd() < 0.3 ? Math.floor(rnd() * (quantity + 1)) : 0;
  cases.push({
    id: `li_${i}`,
    unit_price: pick(PRICES),
    quantity,
    is_tax_inclusive: rnd() < 0.35,
    tax_rates: pick(RATES),
    adjustments: pick(ADJS).map((amount) => ({ amount, is_tax_inclusive: rnd() < 0.2 })),
    return_received_quantity: returned,
  });
}

const vectors = cases.map((c) => {
  const item = {
    id: c.id,
    unit_price: raw(c.unit_price),
    quantity: raw(c.quantity),
    is_tax_inclusive: c.is_tax_inclusive,
    tax_lines: c.tax_rates.map((rate) => ({ rate: raw(rate) })),
    adjustments: c.adjustments.map((a) => ({ amount: raw(a.amount), is_tax_inclusive: a.is_tax_inclusive })),
    detail: {
      return_requested_quantity: 0,
      return_received_quantity: c.return_received_quantity,
      return_dismissed_quantity: 0,
    },
  };
  const t = utils.getLineItemsTotals([item], {})[c.id];
  return {
    input: { ...c, tax_rates: c.tax_rates.map(String) },
    expected_exact: {
      refundable_total: full(t.refundable_total),
      refundable_total_per_unit: full(t.refundable_total_per_unit),
    },
  };
});

const out = path.join(here, "medusa_refund_vectors.json");
// One vector per line keeps the file short and its diffs readable.
const body = vectors.map((v) => "  " + JSON.stringify(v)).join(",\n");
fs.writeFileSync(out, `{"medusa_utils": "${pkg.version}", "vectors": [\n${body}\n]}\n`);
console.log(`wrote ${vectors.length} vectors to ${out}`);
