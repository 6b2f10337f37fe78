"""Generated news-like documents for the tests and the benchmarks.

Every sentence pattern here is written for these tests (none comes from an
evaluation corpus); the places are well-known cities and regions. The same
seed gives the same documents, so a failing comparison can be reproduced.
"""

from __future__ import annotations

import json
import random

PLACES = [
    ("Aleppo", "Syria"), ("Homs", "Syria"), ("Mosul", "Iraq"), ("Erbil", "Iraq"), ("Basra", "Iraq"),
    ("Kharkiv", "Ukraine"), ("Odesa", "Ukraine"), ("Dnipro", "Ukraine"), ("Khartoum", "Sudan"),
    ("El Fasher", "Sudan"), ("Goma", "Democratic Republic of the Congo"), ("Bamako", "Mali"),
    ("Mogadishu", "Somalia"), ("Kabul", "Afghanistan"), ("Herat", "Afghanistan"), ("Karachi", "Pakistan"),
    ("Dhaka", "Bangladesh"), ("Valencia", "Spain"), ("Seville", "Spain"), ("Porto Alegre", "Brazil"),
    ("Manaus", "Brazil"), ("Lima", "Peru"), ("Quito", "Ecuador"), ("Nairobi", "Kenya"), ("Lagos", "Nigeria"),
    ("Maiduguri", "Nigeria"), ("Tripoli", "Libya"), ("Derna", "Libya"), ("Sanaa", "Yemen"), ("Aden", "Yemen"),
    ("Gaza", "Palestine"), ("Beirut", "Lebanon"), ("Izmir", "Turkey"), ("Antakya", "Turkey"),
    ("Kathmandu", "Nepal"), ("Manila", "Philippines"), ("Cebu", "Philippines"), ("Jakarta", "Indonesia"),
    ("Port-au-Prince", "Haiti"), ("Tegucigalpa", "Honduras"), ("Marseille", "France"), ("Zürich", "Switzerland"),
    ("São Paulo", "Brazil"), ("Kraków", "Poland"), ("Chennai", "India"), ("Darfur", "Sudan"),
]

HAPPENINGS = [
    "Heavy shelling struck residential districts of {place} {when}, local officials said.",
    "Floodwaters rose through the lower neighbourhoods of {place} {when} after two days of rain.",
    "Thousands of protesters marched through central {place} {when} to demand lower fuel prices.",
    "An earthquake of magnitude 5.8 shook {place} {when}, damaging schools and a hospital.",
    "Gunmen attacked a police checkpoint on the outskirts of {place} {when}, killing three officers.",
    "A fire tore through a crowded market in {place} {when}; firefighters fought it until dawn.",
    "Doctors in {place} went on strike {when} over unpaid wages.",
    "Airstrikes hit a fuel depot near {place} {when}, witnesses told reporters.",
    "Voters in {place} queued for hours {when} as polling stations opened late.",
    "A landslide buried several houses on a hillside above {place} {when}.",
]

FILLERS = [
    "Aid groups said they were struggling to reach the worst affected families.",
    "The ministry promised an inquiry but gave no timetable.",
    "Residents described scenes of confusion as roads were closed.",
    "Prices of bread and cooking gas have doubled since the spring.",
    "The United Nations called on all sides to protect civilians.",
    "Schools in the area will stay closed for the rest of the week.",
]

WHENS = ["on Monday", "on Friday", "yesterday", "on Saturday night", "this week", "on 12 March 2024",
         "on 3 October 2023", "early on Tuesday", "last month", ""]

SOURCES = ["Wire Desk", "The Morning Ledger", "Radio Horizon", None]


def document(rng: random.Random, n: int) -> dict:
    """One article: a headline-like first sentence about a place, the
    country named, fillers, and sometimes a second place."""
    place, country = rng.choice(PLACES)
    sentences = [rng.choice(HAPPENINGS).format(place=place, when=rng.choice(WHENS)).replace("  ", " ")]
    if rng.random() < 0.7:
        sentences.append(f"The violence in {country} has displaced thousands this year." if rng.random() < 0.5
                         else f"Officials in {country} said more help was on the way.")
    for _ in range(rng.randint(0, 4)):
        sentences.append(rng.choice(FILLERS))
    if rng.random() < 0.5:
        other, _ = rng.choice(PLACES)
        sentences.append(rng.choice(HAPPENINGS).format(place=other, when=rng.choice(WHENS)).replace("  ", " "))
    if rng.random() < 0.1:
        sentences = [rng.choice(FILLERS)]  # some articles name no place at all
    doc = {"id": f"gen-{n:05d}", "text": " ".join(sentences)}
    day = rng.randint(1, 28)
    if rng.random() < 0.85:
        doc["published_at"] = rng.choice([f"2024-11-{day:02d}T07:30:00Z", f"2024-10-{day:02d}", f"2024-09-{day:02d}T18:05:00+03:00"])
    source = rng.choice(SOURCES)
    if source:
        doc["source"] = source
        doc["url"] = f"https://news.example/{n}"
    if rng.random() < 0.5:
        doc["title"] = sentences[0].split(",")[0][:60]
    return doc


def documents(count: int, seed: int = 12) -> list[dict]:
    rng = random.Random(seed)
    return [document(rng, n) for n in range(1, count + 1)]


def write_jsonl(docs: list[dict], path) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    import sys

    write_jsonl(documents(int(sys.argv[1]), int(sys.argv[3]) if len(sys.argv) > 3 else 12), sys.argv[2])
