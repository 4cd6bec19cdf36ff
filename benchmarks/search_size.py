"""What a search costs a visitor with the chunked n-gram index (issue 14, in progress).

`python -m benchmarks.search_size --projects 10000` makes the synthetic county, builds the
index files in memory and, for sample queries, counts the bytes a client fetches for its
first search: meta.js, the key chunks the query's keys need, and the documents of the
first ten results (each confirmed against its text). Code is not counted yet: there is
no client yet. Prints the index's size and build time too.
"""

from __future__ import annotations

import argparse
import time

from benchmarks import synthetic
from generator.schema.model import Catalog
from generator.site.search_index import decode_ids, fold, index_files, key_hash, script_data
from generator.site.urls import SiteUrls

QUERIES = ("村干部", "干部", "补贴", "2024年底前完成", "满意度", "P10057D", "≥95%", "党建示范")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args(argv)
    catalog = Catalog(tuple(synthetic.departments(synthetic.Size.for_projects(args.projects))))
    start = time.process_time()
    files = dict(index_files(catalog, SiteUrls()))
    seconds = time.process_time() - start
    meta = script_data(files["search/meta.js"])
    chunks = [len(v) for p, v in files.items() if "/k/" in p]
    docs = [len(v) for p, v in files.items() if "/d/" in p]
    print(f"{args.projects} projects: {meta['documents']} documents, index built in {seconds:.1f} s CPU")
    print(f"key chunks: {len(chunks)}, {sum(chunks) / 1e6:.1f} MB, largest {max(chunks) / 1e3:.0f} KB")
    print(f"documents: {sum(docs) / 1e6:.1f} MB, median {sorted(docs)[len(docs) // 2] / 1e3:.1f} KB")
    print("| query | chunks KB | documents read | documents KB | results | first search KB |")
    print("|---|---:|---:|---:|---:|---:|")
    for query in QUERIES:
        folded = fold(query)
        keys = [folded] if len(folded) <= 2 else [folded[i : i + 2] for i in range(len(folded) - 1)]
        needed = {key_hash(key) % meta["chunks"] for key in keys}
        chunk_bytes = sum(len(files[f"search/k/{n}.js"]) for n in needed)
        candidates = None
        for key in keys:
            chunk = script_data(files[f"search/k/{key_hash(key) % meta['chunks']}.js"])
            found = {doc for tier in chunk.get(key, "").split("|") for doc in decode_ids(tier)}
            candidates = found if candidates is None else candidates & found
        read = shown = doc_bytes = 0
        for number in sorted(candidates or ()):
            if shown == 10:
                break
            data = files[f"search/d/{number}.js"]
            read += 1
            doc_bytes += len(data)
            fields = script_data(data)["fields"]
            shown += any(folded in fold(f[2]) or folded in fold(f[4]) for f in fields)
        total = len(files["search/meta.js"]) + chunk_bytes + doc_bytes
        print(
            f"| {query} | {chunk_bytes / 1e3:.0f} | {read} | {doc_bytes / 1e3:.0f} | {len(candidates or ())} | {total / 1e3:.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
