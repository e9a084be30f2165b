// Generates medusa_totals_vectors.json: golden vectors computed by Medusa's OWN code
// (@medusajs/utils 2.21.2 decorateCartTotals, and the promotion module's compute-actions),
// so Tilldesk's Decimal implementation can be checked against the server's arithmetic
// without running a server.
//
// Setup (a scratch dir outside the repo; see README.md in this folder):
//   mkdir -p "$SCRATCH" && cd "$SCRATCH" && npm init -y
//   npm install @medusajs/utils@2.21.2
//   npm pack @medusajs/promotion@2.21.2 && mkdir -p promotion && tar xzf medusajs-promotion-2.21.2.tgz -C promotion
// Run (from the repo root):
//   MEDUSA_SCRATCH="$SCRATCH" node tests/golden/gen_totals.mjs
//
// Every amount in the JSON is a decimal string. Inputs are handed to Medusa as raw_* values
// ({value, precision: 20}), which is how the order module reads them back from the database.

import { createRequire } from "node:module";
import Module from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const scratch = path.resolve(process.env.MEDUSA_SCRATCH ?? process.cwd());
const req = createRequire(path.join(scratch, "package.json"));
const utilsPath = req.resolve("@medusajs/utils");
const utils = req("@medusajs/utils");
function packageJsonAbove(file, name) {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, "utf8"));
      if (pkg.name === name) return pkg;
    }
  }
  throw new Error(`no package.json for ${name} above ${file}`);
}
const utilsPkg = packageJsonAbove(utilsPath, "@medusajs/utils");
const promoRoot = path.resolve(process.env.MEDUSA_PROMOTION_DIR ?? path.join(scratch, "promotion", "package"));
const promoPkg = JSON.parse(fs.readFileSync(path.join(promoRoot, "package.json"), "utf8"));
if (utilsPkg.version !== "2.21.2" || promoPkg.version !== "2.21.2") {
  throw new Error(`need 2.21.2, got utils ${utilsPkg.version}, promotion ${promoPkg.version}`);
}

// The promotion package imports "@medusajs/framework/utils", which is a re-export of
// @medusajs/utils; point it there instead of installing the whole framework.
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "@medusajs/framework/utils") return utilsPath;
  return origResolve.call(this, request, ...rest);
};
const promoReq = createRequire(path.join(promoRoot, "package.json"));
const computeActionsDir = path.join(promoRoot, "dist", "utils", "compute-actions");
const { getComputedActionsForItems } = promoReq(path.join(computeActionsDir, "line-items.js"));
const { getComputedActionsForShippingMethods } = promoReq(path.join(computeActionsDir, "shipping-methods.js"));
const { sortByBuyGetType } = promoReq(path.join(computeActionsDir, "buy-get.js"));

const { decorateCartTotals, createRawPropertiesFromBigNumber, transformPropertiesToBigNumber, BigNumber } = utils;

// ---------------------------------------------------------------- helpers

const raw = (v) => ({ value: String(v), precision: 20 });
const full = (bn) => (bn instanceof BigNumber ? bn.bigNumber : bn).toFixed();
// What the database keeps for a bigNumber column: BigNumber(v).raw, i.e. toPrecision(20) trimmed.
const stored = (v) => utils.trimZeros(new BigNumber(v).raw.value);

function toMedusaCart(input) {
  const taxLines = (rates) => (rates ?? []).map((t) => ({ code: t.code, raw_rate: raw(t.rate) }));
  const adjs = (list) =>
    (list ?? []).map((a) => ({ code: a.code, raw_amount: raw(a.amount), is_tax_inclusive: !!a.is_tax_inclusive }));
  return {
    currency_code: "usd",
    items: input.items.map((it) => ({
      id: it.id,
      raw_unit_price: raw(it.unit_price),
      raw_quantity: raw(it.quantity),
      is_tax_inclusive: it.is_tax_inclusive,
      tax_lines: taxLines(it.tax_rates),
      adjustments: adjs(it.adjustments),
    })),
    shipping_methods: input.shipping_methods.map((sm) => ({
      id: sm.id,
      raw_amount: raw(sm.amount),
      is_tax_inclusive: sm.is_tax_inclusive,
      tax_lines: taxLines(sm.tax_rates),
      adjustments: adjs(sm.adjustments),
    })),
  };
}

const ORDER_FIELDS = [
  "subtotal", "tax_total", "total", "discount_subtotal", "discount_total", "discount_tax_total",
  "original_subtotal", "original_tax_total", "original_total",
  "item_subtotal", "item_tax_total", "item_total", "item_discount_total",
  "original_item_subtotal", "original_item_tax_total", "original_item_total",
  "shipping_subtotal", "shipping_tax_total", "shipping_total", "shipping_discount_total",
  "original_shipping_subtotal", "original_shipping_tax_total", "original_shipping_total",
  "credit_line_subtotal", "credit_line_tax_total", "credit_line_total",
];
const LINE_FIELDS = [
  "subtotal", "tax_total", "total", "discount_subtotal", "discount_tax_total", "discount_total",
  "original_subtotal", "original_tax_total", "original_total",
];

// Returns {api, exact}: api = the raw_* strings the Admin API returns (20 significant digits),
// exact = the full-precision values Medusa holds in memory before serialising.
function computeTotals(input) {
  const cart = decorateCartTotals(toMedusaCart(input));
  const pick = (obj, fields, f) => Object.fromEntries(fields.map((k) => [k, f(obj, k)]));
  const exactOf = (o, k) => full(o[k]);
  const lineOut = (l, f) => ({
    id: l.id,
    ...pick(l, LINE_FIELDS, f),
    tax_lines: l.tax_lines.map((t) => ({ code: t.code, subtotal: f(t, "subtotal"), total: f(t, "total") })),
    adjustments: l.adjustments.map((a) => ({ code: a.code, subtotal: f(a, "subtotal"), total: f(a, "total") })),
  });
  const exact = {
    order: pick(cart, ORDER_FIELDS, exactOf),
    items: cart.items.map((l) => lineOut(l, exactOf)),
    shipping_methods: cart.shipping_methods.map((l) => lineOut(l, exactOf)),
  };
  createRawPropertiesFromBigNumber(cart);
  const apiOf = (o, k) => {
    if (!o["raw_" + k]) throw new Error(`no raw_${k}`);
    return o["raw_" + k].value;
  };
  const api = {
    order: pick(cart, ORDER_FIELDS, apiOf),
    items: cart.items.map((l) => lineOut(l, apiOf)),
    shipping_methods: cart.shipping_methods.map((l) => lineOut(l, apiOf)),
  };
  return { api, exact };
}

// Runs the promotion module's compute-actions the way PromotionModuleService.computeActions
// does: promotions by application_method.value descending (buy-get first), one shared
// "already applied (excl. tax)" map across all promotions, items AND shipping methods.
function computePromotions(input, promotions) {
  const bare = {
    items: input.items.map((i) => ({ ...i, adjustments: [] })),
    shipping_methods: input.shipping_methods.map((s) => ({ ...s, adjustments: [] })),
  };
  const cart = decorateCartTotals(toMedusaCart(bare));
  const itemCtx = cart.items.map((i) => ({
    id: i.id, quantity: i.quantity, subtotal: i.subtotal, original_total: i.original_total,
    is_tax_inclusive: i.is_tax_inclusive,
  }));
  const shipCtx = cart.shipping_methods.map((s) => ({ id: s.id, subtotal: s.subtotal, original_total: s.original_total }));
  const promos = promotions.map((p) => ({
    code: p.code,
    type: "standard",
    is_tax_inclusive: !!p.is_tax_inclusive,
    application_method: {
      type: p.type,
      target_type: p.target_type,
      allocation: p.allocation,
      value: Number(p.value),
      max_quantity: p.max_quantity == null ? null : Number(p.max_quantity),
      target_rules: [],
    },
  }));
  promos.sort((a, b) => b.application_method.value - a.application_method.value);
  promos.sort(sortByBuyGetType);
  const applied = new Map();
  const actions = [];
  for (const promo of promos) {
    const t = promo.application_method.target_type;
    if (t === "items" || t === "order") {
      actions.push(...getComputedActionsForItems(promo, itemCtx, applied, t === "order" ? "across" : undefined));
    } else if (t === "shipping_methods") {
      actions.push(...getComputedActionsForShippingMethods(promo, shipCtx, applied));
    }
  }
  transformPropertiesToBigNumber(actions, { include: ["amount"] });
  return {
    order_applied: promos.map((p) => p.code),
    adjustments: actions.map((a) => ({
      action: a.action,
      target_id: a.item_id ?? a.shipping_method_id,
      code: a.code,
      is_tax_inclusive: a.action === "addItemAdjustment" ? !!a.is_tax_inclusive : false,
      amount_exact: full(a.amount),
      amount: stored(a.amount),
      // An order edit keeps computed adjustments in an order-change action's JSON details,
      // where the BigNumber serialises as a JS number: this is that double, read back.
      amount_via_json: new utils.BigNumber(JSON.parse(JSON.stringify(a.amount))).bigNumber.toFixed(),
    })),
  };
}

// ---------------------------------------------------------------- cases

const T = {
  ny: [{ rate: "8.875", code: "NY" }],
  de: [{ rate: "19", code: "DE" }],
  uk: [{ rate: "20", code: "UK" }],
  ten: [{ rate: "10", code: "T10" }],
  zero: [{ rate: "0", code: "ZERO" }],
  ca: [{ rate: "5", code: "GST" }, { rate: "9.975", code: "QST" }],
  us2: [{ rate: "6.25", code: "STATE" }, { rate: "2.625", code: "CITY" }],
  it: [{ rate: "22", code: "IT" }],
  odd: [{ rate: "7.3333", code: "ODD" }],
};
const item = (id, unit_price, quantity, tax_rates = [], is_tax_inclusive = false, adjustments = []) =>
  ({ id, unit_price, quantity, is_tax_inclusive, tax_rates, adjustments });
const ship = (id, amount, tax_rates = [], is_tax_inclusive = false, adjustments = []) =>
  ({ id, amount, is_tax_inclusive, tax_rates, adjustments });
const promo = (code, type, target_type, allocation, value, extra = {}) =>
  ({ code, type, target_type, allocation, value, max_quantity: null, is_tax_inclusive: false, ...extra });

const cases = [];
const add = (name, items, shipping_methods = [], promotions = null) => cases.push({ name, items, shipping_methods, promotions });

// Plain carts, no discounts.
add("single item no tax", [item("i1", "10", 1)]);
add("single item 9.99 x3 no tax lines", [item("i1", "9.99", 3)]);
add("shared README example: 3x9.99 + 7x0.333, 10% tax, ship 4.99", [item("i1", "9.99", 3, T.ten), item("i2", "0.333", 7, T.ten)], [ship("s1", "4.99", T.ten)]);
add("NY 8.875 exclusive", [item("i1", "19.99", 2, T.ny), item("i2", "0.333", 3, T.ny)], [ship("s1", "7.5", T.ny)]);
add("DE 19 inclusive", [item("i1", "9.99", 1, T.de, true), item("i2", "1234.5678", 2, T.de, true)], [ship("s1", "4.9", T.de, true)]);
add("UK 20 inclusive odd prices", [item("i1", "0.333", 7, T.uk, true), item("i2", "12.5", 3, T.uk, true)], [ship("s1", "3.99", T.uk, true)]);
add("zero rate line", [item("i1", "1234.5678", 3, T.zero), item("i2", "5", 1, T.zero, true)], [ship("s1", "0", T.zero)]);
add("two rates exclusive CA", [item("i1", "49.99", 2, T.ca), item("i2", "0.01", 13, T.ca)], [ship("s1", "12.34", T.ca)]);
add("two rates inclusive CA", [item("i1", "49.99", 2, T.ca, true), item("i2", "9.99", 1, T.ca, true)], [ship("s1", "12.34", T.ca, true)]);
add("two rates US state+city", [item("i1", "3.33", 9, T.us2), item("i2", "100", 1, T.us2, true)], [ship("s1", "5", T.us2)]);
add("mixed inclusive and exclusive lines", [item("i1", "9.99", 2, T.de, true), item("i2", "9.99", 2, T.de), item("i3", "0.333", 1, T.ten)], [ship("s1", "4.99", T.de, true), ship("s2", "2.5", T.de)]);
add("odd rate 7.3333", [item("i1", "1234.5678", 1, T.odd), item("i2", "1234.5678", 1, T.odd, true)], [ship("s1", "9.99", T.odd, true)]);
add("large quantity", [item("i1", "0.333", 1000, T.ny), item("i2", "9999.99", 25, T.it, true)]);
add("no shipping methods", [item("i1", "15", 4, T.de)]);
add("shipping only", [], [ship("s1", "9.99", T.uk, true)]);
add("empty cart", [], []);
add("item without tax lines inclusive flag", [item("i1", "9.99", 3, [], true)], [ship("s1", "4.99", [], true)]);
add("many decimals unit price", [item("i1", "0.123456789", 11, T.de), item("i2", "3.14159", 7, T.de, true)]);
add("whole numbers 20% inclusive", [item("i1", "120", 1, T.uk, true), item("i2", "60", 2, T.uk, true)], [ship("s1", "6", T.uk, true)]);
add("Italy 22 inclusive 1/3-ish", [item("i1", "10", 3, T.it, true)], [ship("s1", "10", T.it, true)]);

// Hand-given adjustment amounts (as stored on the lines), exercising the totals math alone.
add("manual adj exclusive", [item("i1", "9.99", 3, T.ten, false, [{ code: "M", amount: "2.997" }])], [ship("s1", "4.99", T.ten, false, [{ code: "M", amount: "1" }])]);
add("manual adj not divisible by quantity", [item("i1", "10", 3, T.ten, false, [{ code: "M", amount: "10" }]), item("i2", "7", 7, T.ny, false, [{ code: "M", amount: "1" }])]);
add("manual adj two per line", [item("i1", "50", 2, T.de, false, [{ code: "A", amount: "10" }, { code: "B", amount: "3.333" }])]);
add("manual tax-inclusive adj on inclusive item", [item("i1", "119", 1, T.de, true, [{ code: "TI", amount: "11.9", is_tax_inclusive: true }])], [ship("s1", "5.95", T.de, true, [{ code: "TI", amount: "1" }])]);
add("manual tax-inclusive adj on exclusive item", [item("i1", "100", 1, T.de, false, [{ code: "TI", amount: "11.9", is_tax_inclusive: true }])]);
add("manual exclusive adj on inclusive item", [item("i1", "119", 1, T.de, true, [{ code: "EX", amount: "10" }])]);
add("manual adj two rates", [item("i1", "49.99", 2, T.ca, false, [{ code: "M", amount: "9.998" }]), item("i2", "49.99", 2, T.ca, true, [{ code: "M", amount: "8.7", is_tax_inclusive: true }])], [ship("s1", "12.34", T.ca, false, [{ code: "M", amount: "12.34" }])]);
add("manual adj larger than line", [item("i1", "5", 1, T.ten, false, [{ code: "BIG", amount: "7.5" }])]);
add("manual adj on zero-tax line", [item("i1", "1234.5678", 3, T.zero, false, [{ code: "Z", amount: "123.45678" }])]);
add("manual adj with 20-digit amount", [item("i1", "9.99", 7, T.ny, true, [{ code: "P", amount: "6.4227681660899653979", is_tax_inclusive: false }])]);

// Promotions, adjustments computed by the promotion module's own code.
const base3 = () => [item("i1", "9.99", 3, T.ten), item("i2", "0.333", 7, T.ten), item("i3", "1234.5678", 1, T.ten)];
add("10% items across", base3(), [ship("s1", "4.99", T.ten)], [promo("P10", "percentage", "items", "across", "10")]);
add("shared README promo example: 10% items", [item("i1", "7.77", 3, T.ten), item("i2", "0.99", 7, T.ten), item("i3", "2.5", 1, T.ten)], [ship("s1", "4.99", T.ten)], [promo("P10", "percentage", "items", "across", "10")]);
add("10% items each max_quantity 2", base3(), [ship("s1", "4.99", T.ten)], [promo("E10", "percentage", "items", "each", "10", { max_quantity: "2" })]);
add("15% items each max_quantity 100", base3(), [], [promo("E15", "percentage", "items", "each", "15", { max_quantity: "100" })]);
add("fixed 10 across 3 items", base3(), [ship("s1", "4.99", T.ten)], [promo("F10", "fixed", "items", "across", "10")]);
add("fixed 10 across non-terminating shares", [item("i1", "10", 3, T.ny), item("i2", "5", 1, T.ny)], [], [promo("F10", "fixed", "items", "across", "10")]);
add("fixed 100 across exceeds subtotal", [item("i1", "9.99", 2, T.de), item("i2", "20", 1, T.de)], [], [promo("F100", "fixed", "items", "across", "100")]);
add("fixed 2 each max_quantity 3", [item("i1", "9.99", 5, T.uk), item("i2", "1.5", 2, T.uk), item("i3", "0.333", 1, T.uk)], [], [promo("F2", "fixed", "items", "each", "2", { max_quantity: "3" })]);
add("fixed 1 each max_quantity 1", [item("i1", "9.99", 5, T.uk), item("i2", "0.5", 4, T.uk)], [], [promo("F1", "fixed", "items", "each", "1", { max_quantity: "1" })]);
add("order target 10% (across override)", base3(), [ship("s1", "4.99", T.ten)], [promo("O10", "percentage", "order", "across", "10")]);
add("order target fixed 15", [item("i1", "19.99", 2, T.ny), item("i2", "0.333", 3, T.ny), item("i3", "7", 1, T.zero)], [ship("s1", "7.5", T.ny)], [promo("O15", "fixed", "order", "across", "15")]);
add("10% on tax-inclusive items (promo excl. tax)", [item("i1", "9.99", 1, T.de, true), item("i2", "1234.5678", 2, T.de, true)], [ship("s1", "4.9", T.de, true)], [promo("P10", "percentage", "items", "across", "10")]);
add("10% tax-inclusive promotion on inclusive items", [item("i1", "9.99", 1, T.de, true), item("i2", "1234.5678", 2, T.de, true)], [], [promo("PTI", "percentage", "items", "across", "10", { is_tax_inclusive: true })]);
add("fixed 10 tax-inclusive promotion across", [item("i1", "119", 1, T.de, true), item("i2", "12.5", 3, T.uk, true)], [], [promo("FTI", "fixed", "items", "across", "10", { is_tax_inclusive: true })]);
add("fixed 5 tax-inclusive promotion each", [item("i1", "119", 2, T.de, true), item("i2", "3", 3, T.de, true)], [], [promo("FTE", "fixed", "items", "each", "5", { max_quantity: "2", is_tax_inclusive: true })]);
add("tax-inclusive promotion on exclusive items", [item("i1", "100", 1, T.de), item("i2", "9.99", 3, T.ny)], [], [promo("PTI", "percentage", "items", "across", "20", { is_tax_inclusive: true })]);
add("two promotions stacked 15% then 10%", base3(), [ship("s1", "4.99", T.ten)], [promo("P10", "percentage", "items", "across", "10"), promo("P15", "percentage", "items", "across", "15")]);
add("fixed 20 then 10% across", [item("i1", "50", 1, T.de), item("i2", "25", 2, T.de)], [], [promo("F20", "fixed", "items", "across", "20"), promo("P10", "percentage", "items", "across", "10")]);
add("shipping 100% free shipping each", base3(), [ship("s1", "4.99", T.ten)], [promo("FREESHIP", "percentage", "shipping_methods", "each", "100")]);
add("shipping fixed 2 across two methods", [item("i1", "9.99", 1, T.ten)], [ship("s1", "4.99", T.ten), ship("s2", "10", T.ten)], [promo("S2", "fixed", "shipping_methods", "across", "2")]);
add("shipping 50% each on inclusive shipping", [item("i1", "9.99", 1, T.de, true)], [ship("s1", "5.95", T.de, true)], [promo("S50", "percentage", "shipping_methods", "each", "50")]);
add("shipping fixed 10 each exceeds amount", [item("i1", "9.99", 1, T.uk)], [ship("s1", "3.99", T.uk)], [promo("S10", "fixed", "shipping_methods", "each", "10")]);
add("items 10% + free shipping", [item("i1", "9.99", 3, T.ny), item("i2", "0.333", 7, T.ny)], [ship("s1", "4.99", T.ny)], [promo("P10", "percentage", "items", "across", "10"), promo("SHIP", "percentage", "shipping_methods", "each", "100")]);
add("two rates with 10% promo", [item("i1", "49.99", 2, T.ca), item("i2", "49.99", 2, T.ca, true)], [ship("s1", "12.34", T.ca)], [promo("P10", "percentage", "items", "across", "10")]);
add("two rates with fixed 7 across", [item("i1", "3.33", 9, T.us2), item("i2", "100", 1, T.us2, true)], [ship("s1", "5", T.us2)], [promo("F7", "fixed", "items", "across", "7")]);
add("percentage across with max_quantity 2", [item("i1", "10", 3, T.ten), item("i2", "4", 5, T.ten)], [], [promo("PM2", "percentage", "items", "across", "25", { max_quantity: "2" })]);
add("fixed across with max_quantity 1", [item("i1", "10", 3, T.ten), item("i2", "4", 5, T.ten)], [], [promo("FM1", "fixed", "items", "across", "6", { max_quantity: "1" })]);
add("once allocation fixed 3 quota 2", [item("i1", "9.99", 3, T.de), item("i2", "1.5", 1, T.de), item("i3", "4", 2, T.de)], [], [promo("ONCE3", "fixed", "items", "once", "3", { max_quantity: "2" })]);
add("once allocation 50% quota 3", [item("i1", "9.99", 3, T.de), item("i2", "1.5", 1, T.de), item("i3", "4", 2, T.de)], [], [promo("ONCE50", "percentage", "items", "once", "50", { max_quantity: "3" })]);
add("33.3333% items across on 1234.5678", [item("i1", "1234.5678", 3, T.odd), item("i2", "0.01", 1, T.odd)], [], [promo("P3", "percentage", "items", "across", "33.3333")]);
add("fixed 0.01 across many lines", [item("i1", "0.333", 3, T.ny), item("i2", "0.333", 5, T.ny), item("i3", "9.99", 1, T.ny)], [], [promo("CENT", "fixed", "items", "across", "0.01")]);
add("100% items across inclusive", [item("i1", "9.99", 3, T.uk, true), item("i2", "0.333", 7, T.uk, true)], [ship("s1", "4.99", T.uk, true)], [promo("ALL", "percentage", "items", "across", "100")]);

// ---------------------------------------------------------------- run

const totals_vectors = [];
const promotion_vectors = [];
for (const c of cases) {
  const input = { items: c.items, shipping_methods: c.shipping_methods };
  if (c.promotions) {
    const res = computePromotions(input, c.promotions);
    promotion_vectors.push({
      name: c.name,
      input: {
        items: c.items.map(({ adjustments, ...rest }) => rest),
        shipping_methods: c.shipping_methods.map(({ adjustments, ...rest }) => rest),
        promotions: c.promotions,
      },
      expected: { application_order: res.order_applied, adjustments: res.adjustments },
    });
    for (const a of res.adjustments) {
      const adj = { code: a.code, amount: a.amount, is_tax_inclusive: a.is_tax_inclusive };
      const target =
        a.action === "addItemAdjustment"
          ? input.items.find((i) => i.id === a.target_id)
          : input.shipping_methods.find((s) => s.id === a.target_id);
      target.adjustments = [...target.adjustments, adj];
    }
  }
  const { api, exact } = computeTotals(input);
  totals_vectors.push({
    name: c.name,
    adjustments_from_promotions: !!c.promotions,
    input,
    expected: api,
    expected_exact: exact,
  });
}

const out = {
  about:
    "Golden vectors for Tilldesk totals, computed by Medusa's own decorateCartTotals (@medusajs/utils) " +
    "and promotion compute-actions (@medusajs/promotion). Amounts are decimal strings. 'expected' holds the " +
    "raw_* strings the Admin API returns (20 significant digits, trailing zeros trimmed); 'expected_exact' " +
    "holds the in-memory full-precision values. See README.md.",
  medusa_versions: { "@medusajs/utils": utilsPkg.version, "@medusajs/promotion": promoPkg.version },
  generator: "tests/golden/gen_totals.mjs",
  totals_vectors,
  promotion_vectors,
};
const target = path.join(here, "medusa_totals_vectors.json");
fs.writeFileSync(target, JSON.stringify(out, null, 1) + "\n");
console.log(`wrote ${totals_vectors.length} totals vectors and ${promotion_vectors.length} promotion vectors`);
