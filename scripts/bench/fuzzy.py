"""Figure 18: fuzzy keyword search (migration 0031) against BM25 keyword search, on queries with typos.

The corpus is log-like text: each document names a service (two made-up words joined by a hyphen,
e.g. `tokaze-gateway`, from 2,000 services) and an error code (`ERR_<WORD>_<number>`, 300 words and
50 numbers: a number alone names no error), with filler words drawn with Zipf frequencies (as
figure 16). Each (service, code) pair is in exactly one document: a query naming them has one right
answer. The queries are those names with one or two characters changed (a swap of neighbours, a
dropped, doubled or replaced letter) in each word of the service and in the code's word, as a
hurried engineer types them; the code's digits are left as they are (a mistyped number is another
error code).

Measured as the reader login bound to the project, like the other figures: recall@10 (the right
document among the first ten) and MRR@10 of fuzzy_search_documents() and keyword_search_documents()
on the typo'd queries and on the clean ones, and their latencies. Beside them the alternative the
design was chosen against: a trigram GIN index on the documents' text, searched with
`query <% content` (word_similarity) ordered by similarity, run as the owner (no row level security,
in its favour), with its build time and size.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

import psycopg

from scripts.bench.cluster import Cluster, reader_login
from scripts.bench.plan import Plan
from scripts.bench.report import Figure, Line, Side, Table, Target
from scripts.bench.timing import percentile

K = 10
SERVICES, FILLER, FILLER_WORDS = 2_000, 5_000, 25
SUFFIXES = ("gateway", "service", "worker", "dispatcher", "relay", "sync", "writer", "scheduler", "proxy", "api")
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
TEXT_INDEX = "CREATE INDEX documents_content_trgm_idx ON agent_loggy.documents USING gin (content gin_trgm_ops)"
TEXT_SEARCH = ("SELECT id FROM agent_loggy.documents WHERE project = 'default' AND %(q)s <%% content "
               "ORDER BY word_similarity(%(q)s, content) DESC, id LIMIT 10")


def words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(*syllables))))
    return sorted(found)


def typo(rng: random.Random, word: str) -> str:
    """`word` with one or two characters changed (never the first letter, never into the word itself)."""
    for _ in range(20):
        w = list(word)
        for _ in range(rng.choice((1, 1, 2))):
            i = rng.randrange(1, len(w) - 1) if len(w) > 2 else len(w) - 1
            kind = rng.choice(("swap", "drop", "double", "replace"))
            if kind == "swap" and i + 1 < len(w):
                w[i], w[i + 1] = w[i + 1], w[i]
            elif kind == "drop" and len(w) > 4:
                del w[i]
            elif kind == "double":
                w.insert(i, w[i])
            else:
                w[i] = rng.choice("aeioubdfgklmnprstvz")
        changed = "".join(w)
        if changed != word:
            return changed
    return word + word[-1]


def corpus(n: int, seed: int) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(external_id, content) of n documents, and for each document its service, code word and code."""
    rng = random.Random(seed)
    names = words(rng, SERVICES, (2, 3))
    services = [f"{name}-{SUFFIXES[i % len(SUFFIXES)]}" for i, name in enumerate(names)]
    code_words = [w.upper() for w in words(rng, 300, (2, 3))]
    filler = [f"w{r}" for r in range(1, FILLER + 1)]
    weights = [1 / r for r in range(1, FILLER + 1)]
    docs: list[tuple[str, str]] = []
    facts: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, int]] = set()
    while len(docs) < n:
        service, code_word, number = rng.choice(services), rng.choice(code_words), rng.randrange(5000, 5050)
        if (service, code_word, number) in seen:
            continue
        seen.add((service, code_word, number))
        text = " ".join(rng.choices(filler, weights, k=FILLER_WORDS))
        docs.append((str(len(docs)), f"{service} failed with ERR_{code_word}_{number}: {text}"))
        facts.append((service, code_word, str(number)))
    return docs, facts


def queries(facts: Sequence[tuple[str, str, str]], count: int, seed: int) -> list[tuple[int, str, str]]:
    """(document, clean query, typo'd query) for `count` documents chosen at random."""
    rng = random.Random(seed + 1)
    chosen = rng.sample(range(len(facts)), count)
    out = []
    for d in chosen:
        service, code_word, number = facts[d]
        name, suffix = service.split("-")
        typed = f"{typo(rng, name)}-{typo(rng, suffix)} ERR_{typo(rng, code_word.lower()).upper()}_{number}"
        out.append((d, f"{service} ERR_{code_word}_{number}", typed))
    return out


def run(cluster: Cluster, plan: Plan) -> list[Figure]:
    return [fuzzy_figure(cluster, plan)]


def fuzzy_figure(cluster: Cluster, plan: Plan) -> Figure:
    n, count = plan.size, plan.queries
    fig = Figure(18, f"Fuzzy keyword search vs BM25 keyword search on typo'd service names and error codes "
                     f"({n:,} documents)")
    docs, facts = corpus(n, plan.seed)
    asked = queries(facts, count, plan.seed)
    found: dict[str, list[list[int]]] = {}
    latency: dict[str, list[float]] = {}
    with cluster.cloned("fuzzy") as url, reader_login(url) as (reader, _):
        with psycopg.connect(url, autocommit=True) as owner:
            began = time.perf_counter()
            with owner.cursor() as cur, cur.copy("COPY agent_loggy.documents (project, external_id, content) "
                                                 "FROM STDIN") as copy:
                for external_id, content in docs:
                    copy.write_row(("default", external_id, content))
            load_seconds = time.perf_counter() - began
            owner.execute("VACUUM ANALYZE agent_loggy.documents")
            owner.execute("VACUUM ANALYZE agent_loggy.keyword_terms")
            row_of = {int(i): int(e) for i, e in owner.execute("SELECT id, external_id FROM agent_loggy.documents")}
            sizes = owner.execute("""
                SELECT (SELECT count(*) FROM agent_loggy.keyword_terms WHERE project = 'default'),
                       pg_relation_size('agent_loggy.keyword_terms_lexeme_trgm_idx') / 1e6""").fetchone()
            assert sizes is not None
            vocabulary, vocabulary_mb = int(sizes[0]), float(sizes[1])

        def timed(name: str, conn: psycopg.Connection[tuple[int]], query: str, pick: Callable[[int], str]) -> None:
            found[name], latency[name] = [], []
            for q in range(count):
                args = {"q": pick(q)}
                conn.execute(query, args).fetchall()  # warm: the first call of each query reads pages
                t0 = time.perf_counter()
                rows = conn.execute(query, args).fetchall()
                latency[name].append(time.perf_counter() - t0)
                found[name].append([row_of[r[0]] for r in rows])

        with psycopg.connect(reader, autocommit=True) as agent:
            agent.execute("SELECT set_config('agent_loggy.project', 'default', false)")
            keyword = "SELECT id FROM agent_loggy.keyword_search_documents(%(q)s, 'default', 10)"
            fuzzy = "SELECT id FROM agent_loggy.fuzzy_search_documents(%(q)s, 'default', 10)"
            for label, pick in (("typo'd", lambda q: asked[q][2]), ("clean", lambda q: asked[q][1])):
                timed(f"keyword (BM25), {label}", agent, keyword, pick)
                timed(f"fuzzy, {label}", agent, fuzzy, pick)
        with psycopg.connect(url, autocommit=True) as owner:
            owner.execute("SET maintenance_work_mem = '1GB'")
            began = time.perf_counter()
            owner.execute(TEXT_INDEX)
            text_index_seconds = time.perf_counter() - began
            owner.execute("ANALYZE agent_loggy.documents")
            size = owner.execute("SELECT pg_relation_size('agent_loggy.documents_content_trgm_idx') / 1e6").fetchone()
            text_index_mb = float(size[0]) if size else float("nan")
            owner.execute("SET pg_trgm.word_similarity_threshold = 0.4")
            timed("trigram index on the text (owner), typo'd", owner, TEXT_SEARCH, lambda q: asked[q][2])

    relevant = [d for d, _, _ in asked]
    rows = []
    for name in found:
        rows.append((name, f"{hit_rate(found[name], relevant):.3f}", f"{mrr(found[name], relevant):.3f}",
                     f"{percentile(latency[name], 50) * 1e3:.2f} ms", f"{percentile(latency[name], 95) * 1e3:.2f} ms"))
    fig.tables.append(Table(f"Recall@10, MRR@10 and latency per search ({count} known-item queries; reader login "
                            "bound to the project unless marked owner)",
                            ("search, queries", "recall@10", "MRR@10", "p50", "p95"), rows))
    fig.tables.append(Table("Indexes", ("index", "rows indexed", "size", "build"), [
        ("keyword_terms_lexeme_trgm_idx (the vocabulary, 0031)", f"{vocabulary:,} lexemes", f"{vocabulary_mb:.1f} MB",
         "with the migration"),
        ("trigram GIN on documents.content (the alternative)", f"{n:,} documents", f"{text_index_mb:.0f} MB",
         f"{text_index_seconds:.1f} s")]))
    fuzzy_recall = hit_rate(found["fuzzy, typo'd"], relevant)
    keyword_recall = hit_rate(found["keyword (BM25), typo'd"], relevant)
    fig.lines.append(Line("Recall@10 on typo'd queries: fuzzy vs keyword (BM25)",
                          Side("fuzzy", fuzzy_recall, "recall"), Side("keyword", keyword_recall, "recall"),
                          target=Target(">=", 0.9, on="a", unit="recall"),
                          if_missed="a typo that leaves fewer shared trigrams than min_similarity 0.3 asks, or "
                                    "that lands nearer another word of the vocabulary, is not corrected"))
    text_recall = hit_rate(found["trigram index on the text (owner), typo'd"], relevant)
    fig.lines.append(Line("Recall@10 on typo'd queries: fuzzy vs a trigram index on the text",
                          Side("fuzzy", fuzzy_recall, "recall"), Side("text trigrams", text_recall, "recall")))
    clean_fuzzy, clean_keyword = hit_rate(found["fuzzy, clean"], relevant), hit_rate(found["keyword (BM25), clean"],
                                                                                      relevant)
    fig.lines.append(Line("Recall@10 on clean queries: fuzzy vs keyword (BM25)",
                          Side("fuzzy", clean_fuzzy, "recall"), Side("keyword", clean_keyword, "recall"),
                          clean_fuzzy / clean_keyword if clean_keyword else float("nan"), "of keyword's recall",
                          Target(">=", 0.99), if_missed="the corrections' documents crowd the exact match out"))
    p50 = {name: percentile(values, 50) for name, values in latency.items()}
    fig.lines.append(Line("p50 latency, typo'd queries: fuzzy vs keyword (BM25), reader login",
                          Side("fuzzy", p50["fuzzy, typo'd"]), Side("keyword", p50["keyword (BM25), typo'd"]),
                          p50["fuzzy, typo'd"] / p50["keyword (BM25), typo'd"], "keyword's time", Target("<=", 3.0),
                          if_missed="each query word is looked up in the trigram index, and the corrected query "
                                    "holds up to three lexemes per word for BM25 to score"))
    fig.lines.append(Line("p50 latency, typo'd queries: fuzzy (vocabulary) vs a trigram index on the text",
                          Side("fuzzy", p50["fuzzy, typo'd"]),
                          Side("text trigrams", p50["trigram index on the text (owner), typo'd"]),
                          p50["fuzzy, typo'd"] / p50["trigram index on the text (owner), typo'd"],
                          "the text index's time"))
    fig.notes.append(
        f"{n:,} documents loaded by COPY in {load_seconds:.1f} s (statistics and both GIN indexes kept by the "
        f"triggers), vocabulary of project default: {vocabulary:,} lexemes. Each document: a service (one of "
        f"{SERVICES:,}, two made-up words and a suffix such as -gateway), an error code ERR_<WORD>_<number> "
        f"(300 words, 50 numbers) and {FILLER_WORDS} filler words of {FILLER:,} (weight 1/rank). Queries: a "
        f"document's service and code, e.g. \"{asked[0][1]}\", typed as \"{asked[0][2]}\" (one or two "
        f"characters swapped, dropped, "
        f"doubled or replaced in each word but the code's digits). Each query run once to warm and once timed. "
        "fuzzy_search_documents at its defaults (min_similarity 0.3, 3 expansions a word). The text-trigram "
        "search is `query <% content` (pg_trgm.word_similarity_threshold 0.4) ordered by word_similarity, as "
        "the owner: as a reader, row level security would keep the non-leakproof operator off the index.")
    return fig


def hit_rate(found: Sequence[Sequence[int]], relevant: Sequence[int]) -> float:
    return sum(1 for f, r in zip(found, relevant, strict=True) if r in f[:K]) / len(relevant)


def mrr(found: Sequence[Sequence[int]], relevant: Sequence[int]) -> float:
    return sum(1 / (list(f[:K]).index(r) + 1) for f, r in zip(found, relevant, strict=True) if r in f[:K]) \
        / len(relevant)
