"""Write Tilldesk's built-in demo shop (resources/demo_shop.json) from a fixed seed.

The file is committed, and so is this script, so anyone can check that the data is what the script
makes: `python resources/tools/make_demo_shop.py --check` exits 1 when the committed file differs.

Only the standard library shapes the output; pycountry and phonenumbers are used to refuse writing
a file with an invalid province code or phone number, never to format anything, so a newer release
of either library cannot change the bytes written.

Usage:
    python resources/tools/make_demo_shop.py            # rewrite resources/demo_shop.json
    python resources/tools/make_demo_shop.py --out F    # write elsewhere (the tests do this)
    python resources/tools/make_demo_shop.py --check    # compare with the committed file
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pycountry

FORMAT = 1
SEED = 20260112
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "demo_shop.json"

# Medusa mints ids as prefix + ULID; the demo ids look the same so that code which checks the
# shape of an id (or sorts by it) treats demo rows exactly like rows that came from the server.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# A fixed "creation" instant: the ULID time part must not depend on when the script runs.
_EPOCH_MS = int(dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC).timestamp() * 1000)

PREFIX = {
    "region": "reg",
    "tax_rate": "txr",
    "sales_channel": "sc",
    "product": "prod",
    "variant": "variant",
    "shipping_option": "so",
    "customer": "cus",
    "address": "cuaddr",
    "promotion": "promo",
}

# 20-29 is GS1's "restricted circulation" range: numbers a shop prints for itself, which no real
# product carries, so a demo barcode scanned at a real till can never ring up someone's goods.
EAN_STEM = "2481700"


class IdMint:
    """Deterministic Medusa-style ids: ULID time part steps forward, random part from the seed."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._ms = _EPOCH_MS

    def __call__(self, kind: str) -> str:
        # Ids minted later sort later, as they would on a server creating the rows in this order.
        self._ms += self._rng.randint(7, 4000)
        return f"{PREFIX[kind]}_{_b32(self._ms, 10)}{_b32(self._rng.getrandbits(80), 16)}"


def _b32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def ean13_check_digit(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return str((10 - total % 10) % 10)


def ean13(seq: int) -> str:
    body = f"{EAN_STEM}{seq:05d}"
    return body + ean13_check_digit(body)


# --------------------------------------------------------------------------------------------
# Shop content. Prices: USD before sales tax (the US region adds tax on top), EUR including VAT
# (the Europe region is tax inclusive), so EUR shelf prices sit a little above the USD ones.
# --------------------------------------------------------------------------------------------

STORE = {
    "name": "Kettle & Crema",
    "address_1": "214 Bedford Avenue",
    "address_2": "Ground floor",
    "city": "Brooklyn",
    "postal_code": "11249",
    "province": "us-ny",
    "country_code": "us",
    "phone": "+17185550100",
    "email": "hello@kettleandcrema.example",
    "tax_id": "84-2917365",
    "locale": "en_US",
    "invoice_prefix": "TD",
    "till_name": "Counter 1",
    "footer": (
        "Thank you for shopping at Kettle & Crema, coffee roasters and kitchenware since 2014. "
        "Unused items can be returned within 30 days with this receipt. "
        "Fresh roasts every Tuesday and Friday."
    ),
}

REGIONS = [
    {"key": "us", "name": "United States", "currency_code": "usd", "countries": ["us"],
     "is_tax_inclusive": False, "automatic_taxes": True},
    {"key": "eu", "name": "Europe", "currency_code": "eur", "countries": ["de", "fr", "at", "nl", "pl"],
     "is_tax_inclusive": True, "automatic_taxes": True},
]

# (name, code, country, province, rate). Each (country, province) pair has one default rate, as a
# Medusa tax region (and each of its province sub-regions) carries exactly one default_tax_rate.
TAX_RATES = [
    ("New York City sales tax", "US-NYC", "us", None, "8.875"),
    ("California sales tax", "US-CA", "us", "us-ca", "7.25"),
    ("Umsatzsteuer", "DE-VAT", "de", None, "19"),
    ("TVA", "FR-VAT", "fr", None, "20"),
    ("Umsatzsteuer", "AT-VAT", "at", None, "20"),
    ("BTW", "NL-VAT", "nl", None, "21"),
    ("VAT", "PL-VAT", "pl", None, "23"),
]

SALES_CHANNELS = [
    ("counter", "Shop counter", "Sales rung up at the till in the shop."),
    ("phone", "Phone orders", "Orders taken by phone, then collected at the counter or delivered."),
]

# Product: (title, subtitle, handle, sku stem, description, option names, variants)
# Variant: (option values, sku suffix, usd, eur); a product with no options has one variant.
PRODUCTS = [
    # Coffee ------------------------------------------------------------------------------
    ("Ethiopia Yirgacheffe Kochere", "Washed · jasmine, bergamot, honey", "ethiopia-yirgacheffe-kochere",
     "COF-ETH-KOC", "A bright, tea-like washed coffee from smallholders around Kochere. Roasted light for filter.",
     ["Weight", "Grind"],
     [(["250 g", "Whole bean"], "250-WB", "18.00", "17.90"),
      (["250 g", "Filter grind"], "250-FG", "18.00", "17.90"),
      (["1 kg", "Whole bean"], "1K-WB", "62.00", "59.50")]),
    ("Colombia Huila Decaf", "Sugarcane process · cocoa, red apple", "colombia-huila-decaf",
     "COF-COL-DEC", "Decaffeinated with ethyl acetate from sugarcane, so it keeps its sweetness. Good any hour.",
     ["Weight"],
     [(["250 g"], "250", "16.50", "16.90"), (["1 kg"], "1K", "54.00", "52.00")]),
    ("Bedford House Espresso", "Blend · chocolate, hazelnut, cherry", "bedford-house-espresso",
     "COF-HSE-ESP", "Our everyday espresso: Brazil and Guatemala with a splash of Ethiopia. Roasted medium.",
     ["Weight"],
     [(["250 g"], "250", "15.00", "15.50"), (["1 kg"], "1K", "48.00", "47.00"),
      (["5 kg"], "5K", "210.00", "205.00")]),
    ("Kenya Nyeri AA", "Washed · blackcurrant, grapefruit", "kenya-nyeri-aa",
     "COF-KEN-NYE", "Big, juicy and structured. SL28 and SL34 from a cooperative on the slopes of Mount Kenya.",
     ["Weight"],
     [(["250 g"], "250", "21.00", "20.90"), (["1 kg"], "1K", "72.00", "69.00")]),
    ("Guatemala Huehuetenango", "Washed · caramel, plum, almond", "guatemala-huehuetenango",
     "COF-GUA-HUE", "Grown at 1,800 m near the Mexican border. Balanced in the cup, easy in any brewer.",
     ["Weight"],
     [(["250 g"], "250", "17.00", "16.90"), (["1 kg"], "1K", "56.00", "54.00")]),
    ("Brazil Cerrado Natural", "Natural · milk chocolate, peanut", "brazil-cerrado-natural",
     "COF-BRA-CER", "A low-acid, full-bodied natural coffee. A favourite for milk drinks and moka pots.",
     ["Weight"],
     [(["250 g"], "250", "14.00", "13.90"), (["1 kg"], "1K", "44.00", "42.00")]),
    ("Cold Brew Coarse Blend", "Pre-ground for cold brew", "cold-brew-coarse-blend",
     "COF-CLD-BRW", "Coarsely ground and ready for an overnight steep. One bag makes about two litres of concentrate.",
     [], [([], "500", "19.99", "19.99")]),
    ("Roaster's Sampler Box", "Three 100 g tins", "roasters-sampler-box",
     "COF-SMP-BOX", "Three of this month's coffees in 100 g tins, with tasting notes and a brew guide.",
     [], [([], "STD", "29.00", "29.00")]),
    # Brewing -----------------------------------------------------------------------------
    ("Ceramic Pour-Over Dripper", "Cone dripper with spiral ribs", "ceramic-pour-over-dripper",
     "BRW-DRP-CER", "Porcelain holds heat well for an even extraction. Size 01 brews one cup, size 02 up to four.",
     ["Size", "Color"],
     [(["01", "White"], "01-WHT", "24.00", "25.00"), (["01", "Black"], "01-BLK", "24.00", "25.00"),
      (["02", "White"], "02-WHT", "28.00", "29.00"), (["02", "Black"], "02-BLK", "28.00", "29.00")]),
    ("Paper Filters, 100 pack", "Unbleached, oxygen-whitened", "paper-filters-100",
     "BRW-FLT-100", "Cone filters that fit our ceramic drippers. Rinse before brewing.",
     ["Size"],
     [(["01"], "01", "6.50", "6.90"), (["02"], "02", "7.50", "7.90")]),
    ("Glass Server 600 ml", "Heat-resistant borosilicate", "glass-server-600",
     "BRW-SRV-600", "A carafe for pour-over with a snug lid and measurement marks.",
     [], [([], "STD", "26.00", "27.00")]),
    ("Electric Gooseneck Kettle", "0.9 l, temperature hold", "electric-gooseneck-kettle",
     "BRW-KTL-ELE", "Set the temperature to the degree and pour slowly and precisely. Holds heat for 30 minutes.",
     ["Color"],
     [(["Matte Black"], "BLK", "149.00", "159.00"), (["Brushed Steel"], "STL", "149.00", "159.00"),
      (["White"], "WHT", "155.00", "165.00")]),
    ("Stovetop Pour-Over Kettle", "1 l, works on induction", "stovetop-pour-over-kettle",
     "BRW-KTL-STV", "A gooseneck kettle for any hob, with a built-in thermometer in the lid.",
     ["Color"],
     [(["Stainless"], "STL", "59.00", "62.00"), (["Copper"], "COP", "79.00", "84.00")]),
    ("French Press", "Double-wall stainless steel", "french-press",
     "BRW-FRP-DBL", "Keeps coffee hot for an hour. The fine mesh filter lets body through and keeps grit out.",
     ["Capacity"],
     [(["350 ml"], "350", "39.00", "42.00"), (["800 ml"], "800", "49.00", "52.00"),
      (["1 l"], "1000", "55.00", "59.00")]),
    ("Hand Press Coffee Maker", "Immersion and pressure in one", "hand-press-coffee-maker",
     "BRW-HPR-STD", "Light, unbreakable and quick. Makes a clean, strong cup in under two minutes.",
     [], [([], "STD", "39.95", "42.95")]),
    ("Manual Burr Grinder", "Steel conical burrs, 40 settings", "manual-burr-grinder",
     "BRW-GRD-MAN", "From espresso fine to French press coarse. Fits in a travel bag.",
     ["Color"],
     [(["Graphite"], "GPH", "129.00", "135.00"), (["Silver"], "SLV", "129.00", "135.00")]),
    ("Electric Burr Grinder", "Flat burrs, single-dose", "electric-burr-grinder",
     "BRW-GRD-ELE", "Low retention, quiet motor and a magnetic catch cup. Our counter grinder at home.",
     [], [([], "STD", "249.00", "269.00")]),
    ("Brewing Scale with Timer", "0.1 g resolution", "brewing-scale-timer",
     "BRW-SCL-TMR", "Weighs and times your brew on one display. USB-C rechargeable.",
     [], [([], "STD", "45.00", "48.00")]),
    ("Moka Pot", "Aluminium, classic octagon", "moka-pot",
     "BRW-MOK-ALU", "Stovetop espresso the Italian way. Cup sizes are espresso cups.",
     ["Size"],
     [(["3 cup"], "3", "32.00", "34.00"), (["6 cup"], "6", "39.00", "41.00"),
      (["9 cup"], "9", "46.00", "49.00")]),
    ("Milk Frothing Pitcher", "Stainless steel with measuring lines", "milk-frothing-pitcher",
     "BRW-PIT-STL", "A sharp spout for latte art. Choose the size to match your steam wand.",
     ["Capacity"],
     [(["350 ml"], "350", "18.00", "19.00"), (["600 ml"], "600", "22.00", "23.00")]),
    ("Descaling Tablets", "For kettles and espresso machines", "descaling-tablets",
     "BRW-DSC-TAB", "Citric acid tablets, 12 per tube. Use monthly in hard water areas.",
     [], [([], "12", "9.99", "10.49")]),
    # Cups --------------------------------------------------------------------------------
    ("Stoneware Mug 350 ml", "Glazed by hand in Upstate New York", "stoneware-mug-350",
     "CUP-MUG-350", "Every mug comes out of the kiln a little different. Dishwasher and microwave safe.",
     ["Glaze"],
     [(["Speckled White"], "SPW", "28.00", "30.00"), (["Ocean Blue"], "OCB", "28.00", "30.00"),
      (["Charcoal"], "CHR", "28.00", "30.00"), (["Sage"], "SAG", "28.00", "30.00")]),
    ("Double-Wall Glass Cup", "Set of two", "double-wall-glass-cup",
     "CUP-GLS-DBL", "Your drink seems to float. The double wall keeps fingers cool and coffee hot.",
     ["Capacity"],
     [(["80 ml"], "80", "19.00", "20.00"), (["250 ml"], "250", "24.00", "25.00")]),
    ("Espresso Cups, Set of 2", "Porcelain with saucers", "espresso-cups-set",
     "CUP-ESP-SET", "Thick-walled 70 ml cups that stay warm, as they should.",
     ["Color"],
     [(["White"], "WHT", "22.00", "24.00"), (["Terracotta"], "TER", "22.00", "24.00")]),
    ("Insulated Travel Tumbler", "470 ml, leak-proof lid", "insulated-travel-tumbler",
     "CUP-TMB-470", "Fits under most espresso machines and in car cup holders. Hot for six hours.",
     ["Color"],
     [(["Black"], "BLK", "32.00", "34.00"), (["Sand"], "SND", "32.00", "34.00"),
      (["Forest"], "FOR", "32.00", "34.00")]),
    # Kitchen -----------------------------------------------------------------------------
    ("Chef's Knife", "VG-10 steel, walnut handle", "chefs-knife",
     "KIT-KNF-CHF", "Forged in Seki, Japan. A thin, hard edge that stays sharp. Hand wash only.",
     ["Blade"],
     [(["18 cm"], "18", "129.00", "139.00"), (["21 cm"], "21", "149.00", "159.00"),
      (["24 cm"], "24", "169.00", "179.00")]),
    ("Paring Knife", "9 cm, walnut handle", "paring-knife",
     "KIT-KNF-PAR", "The small knife you reach for every day. Matches our chef's knife.",
     [], [([], "9", "59.00", "64.00")]),
    ("End-Grain Cutting Board", "Maple, oiled", "end-grain-cutting-board",
     "KIT-BRD-END", "Kind to knife edges and heavy enough not to slide. Oil once a month.",
     ["Size"],
     [(["Small 30 × 20 cm"], "S", "65.00", "69.00"), (["Large 45 × 30 cm"], "L", "110.00", "115.00")]),
    ("Cast Iron Skillet", "Pre-seasoned", "cast-iron-skillet",
     "KIT-SKL-CST", "Sears, roasts and bakes, and lasts for generations. Works on induction and in the oven.",
     ["Diameter"],
     [(["20 cm"], "20", "34.00", "36.00"), (["26 cm"], "26", "45.00", "48.00"),
      (["30 cm"], "30", "59.00", "62.00")]),
    ("Enamel Saucepan", "With lid", "enamel-saucepan",
     "KIT-PAN-ENM", "Enamelled steel in a soft cream colour. For milk, sauces and porridge.",
     ["Capacity"],
     [(["1.5 l"], "15", "42.00", "45.00"), (["2.5 l"], "25", "52.00", "55.00")]),
    ("Linen Apron", "Stonewashed linen, cross-back", "linen-apron",
     "KIT-APR-LIN", "The apron our baristas wear. Adjustable straps, deep front pocket.",
     ["Size", "Color"],
     [(["S/M", "Natural"], "SM-NAT", "48.00", "52.00"), (["S/M", "Indigo"], "SM-IND", "48.00", "52.00"),
      (["L/XL", "Natural"], "LX-NAT", "48.00", "52.00"), (["L/XL", "Indigo"], "LX-IND", "48.00", "52.00")]),
    ("Cotton Tea Towels, Set of 2", "Waffle weave", "cotton-tea-towels",
     "KIT-TWL-WAF", "Absorbent organic cotton that dries glass without streaks.",
     ["Color"],
     [(["Oatmeal"], "OAT", "18.00", "19.50"), (["Rust"], "RST", "18.00", "19.50"),
      (["Olive"], "OLV", "18.00", "19.50")]),
    ("Olive Wood Spoon Set", "Three spoons", "olive-wood-spoon-set",
     "KIT-SPN-OLV", "Carved from olive wood offcuts. Each set differs in grain.",
     [], [([], "3", "24.50", "26.00")]),
    # Pantry ------------------------------------------------------------------------------
    ("Dark Chocolate Bar 70 %", "Bean to bar, 70 g", "dark-chocolate-70",
     "PAN-CHO-70", "Made in small batches in Red Hook. Pairs well with our Kenya.",
     ["Origin"],
     [(["Madagascar"], "MDG", "8.50", "8.90"), (["Peru"], "PER", "8.50", "8.90"),
      (["Ecuador"], "ECU", "8.50", "8.90")]),
    ("Loose Leaf Tea 100 g", "In a resealable tin", "loose-leaf-tea-100",
     "PAN-TEA-100", "For the tea drinkers in the house. Steep 3 to 4 minutes.",
     ["Blend"],
     [(["Earl Grey"], "EGR", "12.00", "12.90"), (["Sencha"], "SEN", "14.00", "14.90"),
      (["Rooibos"], "ROO", "11.00", "11.90")]),
    ("Vanilla Syrup 750 ml", "Made with Madagascar vanilla", "vanilla-syrup-750",
     "PAN-SYR-VAN", "Cane sugar and real vanilla, no colourings. About 75 drinks per bottle.",
     [], [([], "750", "13.99", "14.49")]),
    # Services ----------------------------------------------------------------------------
    ("Home Brewing Class", "Saturdays, 90 minutes", "home-brewing-class",
     "SVC-CLS-BRW", "Learn to brew pour-over, French press and moka at home. Coffee and notes included.",
     [], [([], "1P", "45.00", "45.00")]),
    ("Gift Wrapping", "Recycled paper and twine", "gift-wrapping",
     "SVC-GFT-WRP", "We wrap it at the counter while you wait.",
     [], [([], "STD", "4.50", "4.50")]),
]

SHIPPING_OPTIONS = [
    # (name, {region key: amount})
    ("Counter pickup", {"us": "0.00", "eu": "0.00"}),
    ("Local delivery", {"us": "6.00", "eu": "7.50"}),
    ("Courier", {"us": "14.95", "eu": "19.90"}),
]

# Address: (company, address_1, address_2, city, province, postal_code, country, phone,
#           default shipping, default billing)
CUSTOMERS = [
    ("maeve.obrien@example.com", "Maeve", "O'Brien", "+17185550142", None, [
        (None, "187 Berry Street", "Apt 4B", "Brooklyn", "us-ny", "11249", "us", "+17185550142", True, False),
        ("Halloran & Finch LLP", "55 Water Street", "Floor 9", "New York", "us-ny", "10041", "us",
         "+12125550198", False, True),
    ]),
    ("jose.alvarez@example.net", "José", "Álvarez", "+12135550187", None, [
        (None, "2118 Echo Park Avenue", None, "Los Angeles", "us-ca", "90026", "us", "+12135550187", True, True),
    ]),
    ("priya.raman@example.com", "Priya", "Raman", "+12015550119", None, [
        (None, "95 Christopher Columbus Drive", "Apt 1207", "Jersey City", "us-nj", "07302", "us",
         "+12015550119", True, True),
    ]),
    ("d.okafor@example.org", "Daniel", "Okafor", "+16175550163", None, [
        (None, "612 Tremont Street", None, "Boston", "us-ma", "02118", "us", "+16175550163", True, True),
    ]),
    ("orders@greenpointbakehouse.example", "Hannah", "Kowalczyk", "+17185550190", "Greenpoint Bakehouse LLC", [
        ("Greenpoint Bakehouse LLC", "871 Manhattan Avenue", None, "Brooklyn", "us-ny", "11222", "us",
         "+17185550190", True, False),
        ("Greenpoint Bakehouse LLC", "26 Court Street", "Suite 300", "Brooklyn", "us-ny", "11242", "us",
         "+17185550191", False, True),
    ]),
    ("lan.nguyen@example.com", "Thị Lan", "Nguyễn", "+14155550128", None, [
        (None, "3285 24th Street", None, "San Francisco", "us-ca", "94110", "us", "+14155550128", True, True),
    ]),
    ("zoe.mueller@example.com", "Zoë", "Müller", "+492214712385", None, [
        (None, "Brüsseler Straße 42", None, "Köln", "de-nw", "50674", "de", "+492214712385", True, True),
        (None, "Aachener Straße 311", "bei Familie Müller", "Köln", "de-nw", "50933", "de",
         "+492213659041", False, False),
    ]),
    ("ayse.yilmaz@example.org", "Ayşe", "Yılmaz", "+493061207458", None, [
        (None, "Oranienstraße 164", "Hinterhaus, 3. OG", "Berlin", None, "10969", "de", "+493061207458",
         True, True),
    ]),
    ("juergen.weiss@example.net", "Jürgen", "Weiß", "+4315237418", None, [
        (None, "Neubaugasse 25/7", None, "Wien", "at-9", "1070", "at", "+4315237418", True, True),
    ]),
    ("lukasz.zolc+orders@example.com", "Łukasz", "Żółć", "+48512384907", None, [
        (None, "ul. Józefińska 14/3", None, "Kraków", "pl-12", "30-529", "pl", "+48512384907", True, True),
    ]),
    ("agnieszka.wisniewska@example.org", "Agnieszka", "Wiśniewska", "+48226284117", None, [
        (None, "ul. Marszałkowska 84/92 m. 17", None, "Warszawa", "pl-14", "00-514", "pl", "+48226284117",
         True, True),
    ]),
    ("francois.lefevre@example.com", "François", "Lefèvre", "+33478421963", None, [
        (None, "17 rue Mercière", None, "Lyon", None, "69002", "fr", "+33478421963", True, True),
    ]),
    ("mc.dubois@example.net", "Marie-Claire", "Dubois", "+33199002741", None, [
        (None, "52 rue de la Roquette", "Bâtiment B, 4e étage", "Paris", None, "75011", "fr", "+33199002741",
         True, False),
        ("Atelier Dubois SARL", "8 rue du Faubourg Saint-Antoine", None, "Paris", "fr-75c", "75012", "fr",
         "+33199002742", False, True),
    ]),
    ("sanne.devries@example.com", "Sanne", "de Vries", "+31302314478", None, [
        (None, "Oudegracht 231", None, "Utrecht", "nl-ut", "3511 NK", "nl", "+31302314478", True, True),
    ]),
    ("bram@koffiebarnoord.example", "Bram", "van den Berg", "+31204217735", "Koffiebar Noord B.V.", [
        ("Koffiebar Noord B.V.", "Prinsengracht 412-H", None, "Amsterdam", None, "1016 JB", "nl",
         "+31204217735", True, True),
    ]),
]

# (code, type, target_type, allocation, value, currency_code, max_quantity)
PROMOTIONS = [
    ("WELCOME10", "percentage", "items", "across", "10", None, None),
    ("SAVE5", "fixed", "items", "across", "5.00", "usd", None),
    ("FREESHIP", "percentage", "shipping_methods", "across", "100", None, None),
    # Close to "buy one, get one": a fixed sum off each qualifying item, capped at two items.
    ("BEANPAIR", "fixed", "items", "each", "4.00", "usd", 2),
    ("EURO5", "fixed", "items", "across", "5.00", "eur", None),
]


def build(seed: int = SEED) -> dict:
    mint = IdMint(seed)

    regions, region_id = [], {}
    for r in REGIONS:
        rid = mint("region")
        region_id[r["key"]] = rid
        regions.append({"id": rid, **{k: v for k, v in r.items() if k != "key"}})

    tax_rates = [
        {"id": mint("tax_rate"), "name": name, "code": code, "country_code": country,
         "province_code": province, "rate": rate, "is_default": True}
        for name, code, country, province, rate in TAX_RATES
    ]

    sales_channels, channel_id = [], {}
    for key, name, description in SALES_CHANNELS:
        cid = mint("sales_channel")
        channel_id[key] = cid
        sales_channels.append({"id": cid, "name": name, "description": description})

    currencies = [r["currency_code"] for r in REGIONS]
    products, seq = [], 0
    for title, subtitle, handle, stem, description, option_names, variants in PRODUCTS:
        pid = mint("product")
        out_variants = []
        for values, suffix, usd, eur in variants:
            seq += 1
            options = dict(zip(option_names, values, strict=True))
            out_variants.append({
                "id": mint("variant"),
                "title": " / ".join(values) if values else "Default variant",
                "sku": f"{stem}-{suffix}",
                "barcode": ean13(seq),
                "options": options,
                "prices": [{"currency_code": c, "amount": a} for c, a in zip(currencies, (usd, eur), strict=True)],
            })
        products.append({"id": pid, "title": title, "subtitle": subtitle, "handle": handle,
                         "description": description, "status": "published", "variants": out_variants})

    shipping_options = []
    for r in REGIONS:
        for name, amounts in SHIPPING_OPTIONS:
            shipping_options.append({"id": mint("shipping_option"), "name": name, "region_id": region_id[r["key"]],
                                     "price_type": "flat", "amount": amounts[r["key"]]})

    customers = []
    for email, first, last, phone, company, addresses in CUSTOMERS:
        cid = mint("customer")
        out_addresses = []
        for (a_company, line1, line2, city, province, postal, country, a_phone, ship, bill) in addresses:
            out_addresses.append({
                "id": mint("address"), "first_name": first, "last_name": last, "company": a_company,
                "address_1": line1, "address_2": line2, "city": city, "province": province,
                "postal_code": postal, "country_code": country, "phone": a_phone,
                "is_default_shipping": ship, "is_default_billing": bill,
            })
        customers.append({"id": cid, "email": email, "first_name": first, "last_name": last, "phone": phone,
                          "company_name": company, "addresses": out_addresses})

    promotions = [
        {"id": mint("promotion"), "code": code, "is_automatic": False, "status": "active",
         "application_method": {"type": kind, "target_type": target, "allocation": allocation, "value": value,
                                "currency_code": currency, "max_quantity": max_qty}}
        for code, kind, target, allocation, value, currency, max_qty in PROMOTIONS
    ]

    store = dict(STORE)
    store_out = {k: store[k] for k in ("name", "address_1", "address_2", "city", "postal_code", "province",
                                       "country_code", "phone", "email", "tax_id")}
    store_out["default_region_id"] = region_id["us"]
    store_out["default_sales_channel_id"] = channel_id["counter"]
    store_out.update({k: store[k] for k in ("locale", "invoice_prefix", "till_name", "footer")})

    return {
        "format": FORMAT,
        "store": store_out,
        "regions": regions,
        "tax_rates": tax_rates,
        "sales_channels": sales_channels,
        "products": products,
        "shipping_options": shipping_options,
        "customers": customers,
        "promotions": promotions,
    }


def validate(data: dict) -> list[str]:
    """What the generator refuses to write. The test suite checks the same things independently."""
    problems = []
    money = re.compile(r"^\d+\.\d{2}$")

    def phone_ok(where: str, number: str, country: str) -> None:
        try:
            parsed = phonenumbers.parse(number, None)
        except phonenumbers.NumberParseException as exc:
            problems.append(f"{where}: phone {number!r}: {exc}")
            return
        if not phonenumbers.is_valid_number(parsed):
            problems.append(f"{where}: phone {number!r} is not a valid number")
        elif phonenumbers.region_code_for_number(parsed) != country.upper():
            problems.append(f"{where}: phone {number!r} is not a {country} number")
        elif phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != number:
            problems.append(f"{where}: phone {number!r} is not in E.164 form")

    def province_ok(where: str, province: str | None, country: str) -> None:
        if province is None:
            return
        sub = pycountry.subdivisions.get(code=province.upper())
        if sub is None or sub.country_code.lower() != country or province != province.lower():
            problems.append(f"{where}: province {province!r} is not a lower-case ISO 3166-2 code of {country}")

    store = data["store"]
    phone_ok("store", store["phone"], store["country_code"])
    province_ok("store", store["province"], store["country_code"])
    for t in data["tax_rates"]:
        province_ok(f"tax rate {t['code']}", t["province_code"], t["country_code"])

    barcodes, skus = set(), set()
    for p in data["products"]:
        for v in p["variants"]:
            b = v["barcode"]
            if not (len(b) == 13 and b.isdigit() and b[0] == "2" and ean13_check_digit(b[:12]) == b[12]):
                problems.append(f"{v['sku']}: bad EAN-13 {b}")
            if b in barcodes or v["sku"] in skus:
                problems.append(f"{v['sku']}: duplicate SKU or barcode")
            barcodes.add(b)
            skus.add(v["sku"])
            for price in v["prices"]:
                if not money.match(price["amount"]) or Decimal(price["amount"]) <= 0:
                    problems.append(f"{v['sku']}: bad amount {price['amount']!r}")

    for c in data["customers"]:
        phone_ok(c["email"], c["phone"], c["addresses"][0]["country_code"])
        for a in c["addresses"]:
            phone_ok(f"{c['email']} address", a["phone"], a["country_code"])
            province_ok(f"{c['email']} address", a["province"], a["country_code"])
    return problems


def render(data: dict) -> str:
    # ensure_ascii=False keeps "Łukasz Żółć" readable in diffs; the file is always UTF-8.
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write Tilldesk's demo shop data.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write (default: the committed file)")
    parser.add_argument("--seed", type=int, default=SEED, help="seed for the ids (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)

    data = build(args.seed)
    problems = validate(data)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 2
    text = render(data)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        if current != text:
            print(f"{args.out.name} differs from what the generator makes; rerun without --check", file=sys.stderr)
            return 1
        return 0
    # newline="" so Windows writes the same bytes as Linux: the comparison test is byte-exact.
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    variants = sum(len(p["variants"]) for p in data["products"])
    print(f"wrote {args.out.name}: {len(data['products'])} products, {variants} variants, "
          f"{len(data['customers'])} customers, {len(data['promotions'])} promotions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
