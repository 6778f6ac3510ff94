"""Bench data for the roster at scale (issue #3): N synthetic cadres over villages of the whole country.

Loads the national division codes (/work/shared/data/divisions-2023) if they are not in the database,
draws a sample of villages spread over every province, gives each village a committee of 5–7 people
with `touyan.cadres.demo.demo_people` (the same generator as `make demo`: posts per R-POS-01/02,
one-shoulder secretaries, professionalised tiers, earlier terms, valid ID numbers with the county's
code), and writes them with PostgreSQL COPY straight into cadres_person and cadres_post, then VACUUM (ANALYZE).

Bench data bypasses the services, but each row is what `cadre_create` would store: the ID number
encrypted with touyan.core.crypto (context "id_number", one fresh encryption per row), its keyed hash
(unique), the masked number (the national default mask), the simplified name for search, the phone
encrypted and masked. Not written: history rows, audit events and filings (the roster reads none of
them).

    psql -h 127.0.0.1 -U postgres -c 'create database touyan_bench_1m'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench_1m .venv/bin/python bench/gen_cadres.py \\
        --people 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DIVISIONS = Path("/work/shared/data/divisions-2023")
MEAN_COMMITTEE = 6.75  # demo_people's mean village size (5–7 people)
CHUNK_VILLAGES = 20000  # villages per generation chunk (whole counties, so ID numbers stay unique)


def _county_chunks(villages: list[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    """Consecutive runs of whole counties, about `size` villages each. ID numbers carry the county code,
    so people generated in different chunks can never share one."""
    chunk: list[tuple[str, str]] = []
    for i, village in enumerate(villages):
        chunk.append(village)
        last_of_county = i + 1 == len(villages) or villages[i + 1][0][:6] != village[0][:6]
        if len(chunk) >= size and last_of_county:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def main() -> None:
    parser = argparse.ArgumentParser(description="Generate N cadres over the whole country with COPY.")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--replace", action="store_true", help="delete the cadres already in the database first")
    parser.add_argument("--within", default="", help="only villages under this code prefix (e.g. 43: one province)")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Model
    from django.utils import timezone

    from touyan.cadres.demo import demo_people
    from touyan.cadres.models import POST_ORG, Person, Post
    from touyan.cadres.selectors import normalize_name
    from touyan.cadres.services import ID_CONTEXT, PHONE_CONTEXT, id_hash
    from touyan.core import crypto, idnumber
    from touyan.policy.selectors import policy_resolve
    from touyan.regions import rules as region_rules
    from touyan.regions.importer import import_divisions
    from touyan.regions.models import Region

    if connection.vendor != "postgresql":
        sys.exit("gen_cadres needs PostgreSQL (COPY); set DATABASE_URL=postgres://…")
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()

    if args.within and not Region.objects.filter(code__startswith=args.within, level=region_rules.VILLAGE).exists():
        print(f"importing the divisions under {args.within} from {DIVISIONS} …", flush=True)
        report = import_divisions(source=DIVISIONS, within=args.within)
        print(f"  {report.summary()}  ({time.perf_counter() - started:.0f} s)", flush=True)
    elif not args.within and Region.objects.filter(level=region_rules.PROVINCE).count() < 31:
        print(f"importing the national divisions from {DIVISIONS} …", flush=True)
        report = import_divisions(source=DIVISIONS)
        print(f"  {report.summary()}  ({time.perf_counter() - started:.0f} s)", flush=True)
    if Person.objects.exists():
        if not args.replace:
            sys.exit(f"{Person.objects.count()} cadres already in the database; use --replace to start again")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cadres_person, cadres_post, cadres_filing, cadres_historicalperson, "
                           "cadres_historicalpost RESTART IDENTITY")  # fmt: skip

    t = time.perf_counter()
    villages = list(
        Region.objects.filter(level=region_rules.VILLAGE, code__startswith=args.within)
        .order_by("code")
        .values_list("code", "name")
        .iterator()
    )
    rng = random.Random(args.seed)
    wanted = min(len(villages), math.ceil(args.people / MEAN_COMMITTEE * 1.02))
    sample = [villages[i] for i in sorted(rng.sample(range(len(villages)), wanted))]
    provinces = len({code[:2] for code, _n in sample})
    print(
        f"{len(villages)} villages; {len(sample)} sampled across {provinces} provinces "
        f"({time.perf_counter() - t:.1f} s)",
        flush=True,
    )

    root = policy_resolve(None)  # the national default; the bench database has no regional policy
    keep_first, keep_last = root["id_mask_keep_first"], root["id_mask_keep_last"]
    now = timezone.now()
    names: dict[str, str] = {}

    def defaults(model: type[Model]) -> tuple[list[str], dict[str, Any]]:
        fields = list(model._meta.concrete_fields)
        return [str(f.column) for f in fields], {f.attname: f.get_default() for f in fields}

    person_cols, person_defaults = defaults(Person)
    post_cols, post_defaults = defaults(Post)
    person_sql = f"COPY cadres_person ({', '.join(person_cols)}) FROM STDIN"
    post_sql = f"COPY cadres_post ({', '.join(post_cols)}) FROM STDIN"
    person_attnames = [f.attname for f in Person._meta.concrete_fields]
    post_attnames = [f.attname for f in Post._meta.concrete_fields]

    person_id = post_id = 0
    written = 0
    gen_s = copy_s = 0.0
    for n_chunk, chunk in enumerate(_county_chunks(sample, CHUNK_VILLAGES)):
        if written >= args.people:
            break
        t = time.perf_counter()
        people = demo_people(chunk, seed=args.seed * 1000 + n_chunk, today=dt.date(2026, 11, 22))
        people = people[: args.people - written]
        person_rows: list[tuple[Any, ...]] = []
        post_rows: list[tuple[Any, ...]] = []
        for data in people:
            person_id += 1
            facts = idnumber.parse_id(data.id_number)
            name = names.get(data.name)
            if name is None:
                name = names[data.name] = normalize_name(data.name)
            values = person_defaults | {
                "id": person_id,
                "village_id": data.village,
                "name": data.name,
                "name_search": name,
                "id_enc": crypto.encrypt(facts.number, context=ID_CONTEXT),
                "id_hash": id_hash(facts.number),
                "id_masked": idnumber.mask_id(facts.number, keep_first, keep_last),
                "gender": facts.gender,
                "birth_date": facts.birth_date,
                "ethnicity": data.ethnicity,
                "phone_enc": crypto.encrypt(data.phone, context=PHONE_CONTEXT),
                "phone_masked": idnumber.mask_phone(data.phone),
                "political_status": data.political_status,
                "party_join_date": data.party_join_date,
                "education": data.education,
                "full_time_education": data.full_time_education,
                "origin": data.origin,
                "photo": "",
                "created_at": now,
                "updated_at": now,
            }
            person_rows.append(tuple(values[a] for a in person_attnames))
            for p in data.posts:
                post_id += 1
                values = post_defaults | {
                    "id": post_id,
                    "person_id": person_id,
                    "village_id": data.village,
                    "post": p.post,
                    "organisation": str(POST_ORG[p.post]),
                    "term_year": p.term_year,
                    "start_date": p.start_date,
                    "end_date": p.end_date,
                    "end_reason": p.end_reason,
                    "full_time": p.full_time,
                    "professionalized": p.professionalized,
                    "tier": p.tier,
                    "source": p.source,
                    "created_at": now,
                    "created_by_id": None,
                }
                post_rows.append(tuple(values[a] for a in post_attnames))
        gen_s += time.perf_counter() - t
        t = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(person_sql) as copy:
                for row in person_rows:
                    copy.write_row(row)
            with raw.copy(post_sql) as copy:
                for row in post_rows:
                    copy.write_row(row)
        copy_s += time.perf_counter() - t
        written += len(people)
        print(f"  {written:>9,} people, {post_id:>9,} posts  (generate {gen_s:.0f} s, copy {copy_s:.0f} s)", flush=True)

    t = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("cadres_person", "cadres_post"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # VACUUM as autovacuum would after a big insert: statistics, and the visibility map that
        # lets the roster answer "in office?" from the index alone.
        for table in ("cadres_person", "cadres_post", "regions_region"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('cadres_person')), "
                       "pg_size_pretty(pg_total_relation_size('cadres_post'))")  # fmt: skip
        sizes = cursor.fetchone()
    print(f"sequences, VACUUM (ANALYZE): {time.perf_counter() - t:.1f} s; person {sizes[0]}, post {sizes[1]} on disk")
    print(f"done: {written:,} people, {post_id:,} posts in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
