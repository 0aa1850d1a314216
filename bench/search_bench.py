"""Benchmark of the catalog's Chinese full-text search on PostgreSQL (results: bench/search.md).

Fills a database of its own with realistic directory items (Zipf-distributed government
vocabulary, 文号, 索引号, some English words), builds the search index, and times
``GET /api/v1/items/?q=…`` through the whole Django/DRF stack, per query class.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench \\
        .venv/bin/python bench/search_bench.py --items 1000000

Re-runnable: generation is skipped when the database already holds ``--items`` items
(``--force`` empties the catalog tables and generates again). The script refuses to write
to a database whose name does not contain "bench".
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import itertools
import json
import multiprocessing
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Plain HTTP, no throttling: the benchmark measures search, not the rate limiter.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disclosure_portal.settings")
os.environ.setdefault("HTTPS", "off")
os.environ.setdefault("THROTTLE_ANON", "100000000/min")
os.environ.setdefault("THROTTLE_USER", "100000000/min")

from catalog.search_text import document_tokens  # noqa: E402  (standard library only)

CHUNK = 5_000
SEED = 20261101

# --- Vocabulary -------------------------------------------------------------------------------

# Head of the vocabulary, most frequent first (Zipf rank = position).
HEAD_WORDS = """
工作 政府 管理 建设 发展 服务 加强 推进 实施 公开 信息 开展 落实 相关 规定 社会 单位 部门 企业
项目 情况 要求 组织 制度 安全 经济 提高 完善 机制 重点 全面 保障 有关 监督 检查 政策 规划 资金
行政 办法 方案 通知 意见 教育 卫生 健康 环境 保护 农村 城市 市场 人民 群众 服务 质量 标准 责任
财政 预算 决算 审计 统计 数据 采购 招标 投标 许可 处罚 强制 执法 依法 法治 改革 创新 科技 人才
就业 社保 医疗 养老 住房 交通 水利 农业 林业 生态 文明 文化 旅游 体育 应急 防汛 消防 食品 药品
生产 安全生产 市场监管 疫情 防控 乡村振兴 脱贫 扶贫 民生 公共 基础设施 产业 投资 招商 营商环境
政务 公开 依申请公开 主动公开 政府信息 年度报告 信息公开 申请人 答复 告知 复议 诉讼 公示 公告
专项 补助 补贴 资助 奖励 考核 评估 验收 登记 备案 审批 核准 办理 受理 窗口 热线 网站 平台 系统
数字 智慧 网络 信用 诚信 公平 竞争 税收 减税 降费 金融 融资 债务 国有资产 土地 规划许可 不动产
城镇 老旧小区 改造 棚户区 道路 桥梁 公路 铁路 机场 港口 物流 能源 电力 燃气 供水 污水 垃圾
大气 污染 治理 排放 河道 湖泊 水源 森林 草原 耕地 粮食 种子 畜牧 渔业 兽医 动物 防疫 疾病 疫苗
医院 卫生院 诊所 医保 药店 学校 幼儿园 义务教育 高中 职业教育 高校 教师 学生 招生 考试 资助政策
残疾人 老年人 儿童 妇女 困难群众 低保 特困 救助 临时救助 慈善 志愿 社区 街道 村委会 居委会
人口 户籍 婚姻 殡葬 退役军人 优抚 安置 征兵 国防 人防 气象 地震 地质灾害 矿山 危险化学品 烟花爆竹
建筑 施工 工程 监理 造价 招聘 公务员 事业单位 人事 任免 编制 机构 职能 领导 分工 会议 纪要 调研
""".split()

# Verbs and endings of titles (关于{verb}{subject}的{genre}).
TITLE_VERBS = "印发 做好 开展 加强 进一步规范 推进 实施 公布 下达 调整 组织开展 深入推进".split()
TITLE_GENRES = "通知 意见 实施方案 工作方案 批复 公告 通报 决定 办法 实施细则 指导意见 报告".split()
ENGLISH = "GDP CPI PPI PPP PM2.5 5G APP WTO ISO9001 COVID-19 AI EPC BIM ETC API WiFi LED CT".split()
PUNCTUATION = "，，，，。。、；："

REGIONS = (
    "临沂市 兰山区 罗庄区 河东区 沂水县 郯城县 沂南县 费县 平邑县 莒南县 蒙阴县 临沭县".split()
)
REGION_ABBR = "临 兰 罗 河 沂水 郯 沂南 费 平 莒南 蒙 沭".split()
DEPARTMENTS = [
    ("人民政府", "政发"),
    ("人民政府办公室", "政办发"),
    ("教育局", "教发"),
    ("财政局", "财预"),
    ("卫生健康委员会", "卫健发"),
    ("人力资源和社会保障局", "人社发"),
    ("生态环境局", "环发"),
    ("农业农村局", "农发"),
    ("交通运输局", "交发"),
    ("住房和城乡建设局", "住建发"),
    ("市场监督管理局", "市监发"),
    ("应急管理局", "应急发"),
    ("统计局", "统发"),
    ("发展和改革委员会", "发改"),
    ("民政局", "民发"),
    ("公安局", "公通"),
    ("司法局", "司发"),
    ("文化和旅游局", "文旅发"),
    ("医疗保障局", "医保发"),
    ("自然资源和规划局", "自然资发"),
    ("水利局", "水发"),
    ("商务局", "商发"),
    ("审计局", "审计发"),
    ("退役军人事务局", "退役军人发"),
    ("林业局", "林发"),
]
NATIONAL_DOC_PREFIXES = "国办发 国发 国办函 财预 人社部发 教基".split()

START = dt.date(2015, 1, 1)
END = dt.date(2026, 10, 31)


@dataclass(frozen=True)
class OrganRow:
    id: int
    name: str
    abbr: str
    index_prefix: str


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs to generate rows (picklable)."""

    organs: list[OrganRow]
    topic_ids: list[int]
    genre_ids: list[int]
    seed: int


def char_pool() -> list[str]:
    """Ideographs of real government text, for the synthetic tail of the vocabulary."""
    text = "".join(HEAD_WORDS) + "".join(REGIONS) + "".join(d for d, _ in DEPARTMENTS)
    text += (
        "行政法规规章和规范性文件机关职能机构设置办公地址办公时间联系方式负责人姓名国民经济和社会"
        "发展规划专项规划区域规划及相关政策统计信息办理行政许可和其他对外管理服务事项的依据条件"
        "程序以及办理结果实施行政处罚行政强制有一定社会影响的决定财政预算决算信息行政事业性收费"
        "项目及其依据标准政府集中采购项目的目录实施情况重大建设项目的批准和扶贫教育医疗社会保障"
        "促进就业等方面的措施突发公共事件的应急预案预警信息及应对环境保护公共卫生安全生产食品"
        "药品产品质量的监督检查公务员招考的职位名额报考条件等事项以及录用结果法律应当主动公开"
    )
    return sorted({c for c in text if "\u4e00" <= c <= "\u9fff"})


def vocabulary(rng: random.Random, tail_size: int = 20_000) -> list[str]:
    """Head words then a synthetic tail of 2–4 character words, in Zipf rank order."""
    pool = char_pool()
    words = list(dict.fromkeys(HEAD_WORDS))
    seen = set(words)
    while len(words) < len(HEAD_WORDS) + tail_size:
        word = "".join(rng.choices(pool, k=rng.choice((2, 2, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_cum_weights(n: int, s: float = 1.1) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, n + 1)))


# --- Row generation (runs in worker processes) --------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_init(plan: Plan) -> None:
    rng = random.Random(plan.seed)
    words = vocabulary(rng)
    _WORKER.update(plan=plan, words=words, cum=zipf_cum_weights(len(words)))


def _sentence(rng: random.Random, words: list[str], cum: list[float], length: int) -> str:
    picks = rng.choices(words, cum_weights=cum, k=length)
    if rng.random() < 0.08:
        picks.insert(rng.randrange(len(picks) + 1), rng.choice(ENGLISH))
    if rng.random() < 0.05:
        year = rng.randint(2010, 2026)
        prefix = rng.choice(NATIONAL_DOC_PREFIXES)
        picks.insert(0, f"根据《{prefix}〔{year}〕{rng.randint(1, 120)}号》")
    return "".join(picks) + rng.choice(PUNCTUATION)


def _body(rng: random.Random, words: list[str], cum: list[float]) -> str:
    parts: list[str] = []
    size = 0
    target = rng.randint(220, 380)
    while size < target:
        sentence = _sentence(rng, words, cum, rng.randint(6, 14))
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


def _title(rng: random.Random, organ: OrganRow, words: list[str], cum: list[float]) -> str:
    year = rng.randint(2015, 2026)
    if rng.random() < 0.03:
        return f"{organ.name}{year}年政府信息公开工作年度报告"
    subject = "".join(rng.choices(words[:600], cum_weights=cum[:600], k=rng.randint(1, 3)))
    if rng.random() < 0.15:
        return f"{year}年{subject}工作要点"
    return f"{organ.name}关于{rng.choice(TITLE_VERBS)}{subject}的{rng.choice(TITLE_GENRES)}"


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
COLUMNS = (
    "title, doc_number, subject_terms, summary, article20, doc_type, formed_on, changed_on, "
    "published_on, status, validity, repealed_on, index_no, body, search_tokens, created_at, "
    "updated_at, created_by_id, organ_id, audience_id, genre_id, grouping_id, topic_id"
)


def _copy_field(value: object) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    # COPY text format: escape only when needed (str.translate costs more than tokenizing).
    return _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text) if _SPECIAL.search(text) else text


def generate_chunk(start: int, stop: int) -> tuple[str, int]:
    """COPY text of rows ``start``–``stop`` (deterministic per row number)."""
    plan: Plan = _WORKER["plan"]
    words: list[str] = _WORKER["words"]
    cum: list[float] = _WORKER["cum"]
    organs = plan.organs
    out = io.StringIO()
    span = (END - START).days
    for row in range(start, stop):
        rng = random.Random(plan.seed * 1_000_003 + row)
        organ = organs[row % len(organs)]
        serial = row // len(organs) + 1  # unique per organ, so 索引号 and 文号 are unique
        published = START + dt.timedelta(days=rng.randrange(span))
        formed = published - dt.timedelta(days=rng.randrange(30))
        draft = rng.random() < 0.02
        title = _title(rng, organ, words, cum)
        doc_number = f"{organ.abbr}〔{formed.year}〕{serial}号" if rng.random() < 0.6 else ""
        subjects = rng.sample(HEAD_WORDS[:120], k=rng.randint(0, 3))
        body = _body(rng, words, cum)
        summary = body[: rng.randint(40, 90)] if rng.random() < 0.5 else ""
        index_no = None if draft else f"{organ.index_prefix}/{published.year}-{serial:05d}"
        validity = "repealed" if rng.random() < 0.05 else "in_force"
        tokens = document_tokens(
            title, doc_number, " ".join(subjects), index_no or "", summary, body
        )
        stamp = f"{published.isoformat()} 09:00:00+08"
        values = (
            title,
            doc_number,
            json.dumps(subjects, ensure_ascii=False),
            summary,
            rng.randint(1, 15) if rng.random() < 0.7 else None,
            rng.choices(("rule", "normative", "other"), weights=(2, 18, 80))[0],
            formed.isoformat(),
            None,
            None if draft else published.isoformat(),
            "draft" if draft else "published",
            validity,
            published.isoformat() if validity == "repealed" else None,
            index_no,
            f"<p>{body}</p>",
            tokens,
            stamp,
            stamp,
            None,
            organ.id,
            None,
            rng.choice(plan.genre_ids),
            None,
            rng.choice(plan.topic_ids),
        )
        out.write("\t".join(_copy_field(v) for v in values))
        out.write("\n")
    return out.getvalue(), stop - start


# --- Database set-up ----------------------------------------------------------------------


def setup_django() -> None:
    import django

    django.setup()


def guard_database() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("search_bench.py measures PostgreSQL: set DATABASE_URL=postgres://…")
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to fill database {name!r}: its name must contain 'bench'")
    return name


def make_organs() -> list[OrganRow]:
    """The organ tree of a prefecture: city and county governments with their departments."""
    from catalog.models import Organ
    from catalog.validators import credit_code_check_character

    existing = {o.code: o for o in Organ.objects.all()}
    rows: list[OrganRow] = []
    root: Organ | None = None
    serial = itertools.count(900_000)
    for region, region_abbr in zip(REGIONS, REGION_ABBR, strict=True):
        government: Organ | None = None
        for department, doc_abbr in DEPARTMENTS:
            first17 = f"11371300{next(serial):08d}X"[:17]
            code = first17 + credit_code_check_character(first17)
            parent = root if department == "人民政府" else (government or root)
            organ = existing.get(code) or Organ.objects.create(
                code=code, name=f"{region}{department}", parent=parent
            )
            if department == "人民政府":
                government = organ
                root = root or organ
            rows.append(
                OrganRow(organ.pk, organ.name, region_abbr + doc_abbr, organ.effective_index_prefix)
            )
    return rows


def load_items(total: int, workers: int, seed: int) -> float:
    from django.db import connection, connections

    from catalog.models import Term, Topic

    organs = make_organs()
    plan = Plan(
        organs=organs,
        topic_ids=list(Topic.objects.filter(parent__isnull=False).values_list("pk", flat=True)),
        genre_ids=list(Term.objects.filter(kind="genre").values_list("pk", flat=True)),
        seed=seed,
    )
    bounds = [(a, min(a + CHUNK, total)) for a in range(0, total, CHUNK)]
    started = time.perf_counter()
    done = 0
    connections.close_all()  # no database socket is shared with the forked workers
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_worker_init, initargs=(plan,)) as pool:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg cursor, for COPY
            for text, count in pool.imap(_starmap_chunk, bounds):
                raw.copy_expert(f"COPY catalog_item ({COLUMNS}) FROM STDIN", io.StringIO(text))
                done += count
                if done % 100_000 < CHUNK:
                    elapsed = time.perf_counter() - started
                    print(f"  {done:>9,} items  {elapsed:6.0f} s", flush=True)
    return time.perf_counter() - started


def _starmap_chunk(bounds: tuple[int, int]) -> tuple[str, int]:
    return generate_chunk(*bounds)


def relation_sizes() -> dict[str, int]:
    from django.db import connection

    from catalog.search import PG_INDEX, PG_TITLE_INDEX

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size('catalog_item'), pg_total_relation_size('catalog_item'), "
            "pg_relation_size(%s), pg_relation_size(%s), pg_indexes_size('catalog_item'), "
            "(SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'catalog_item')",
            [PG_INDEX, PG_TITLE_INDEX],
        )
        table, total, gin, title_gin, indexes, toast = cursor.fetchone()
    return {
        "table_heap": table,
        "table_toast": toast,
        "table_total_with_indexes": total,
        "gin_index": gin,
        "title_gin_index": title_gin,
        "all_indexes": indexes,
    }


def drop_search_indexes() -> None:
    """Drop the GIN indexes (they are built after the load, and timed)."""
    from django.db import connection

    from catalog.search import PG_INDEX, PG_TITLE_INDEX

    with connection.cursor() as cursor:
        for index in (PG_INDEX, PG_TITLE_INDEX):
            cursor.execute(f"DROP INDEX IF EXISTS {index}")


def build_index(maintenance_work_mem: str) -> dict[str, float]:
    """Re-create the search structures (timed), then VACUUM ANALYZE."""
    from django.db import connection

    from catalog.search import ensure_search_structures

    timings: dict[str, float] = {}
    drop_search_indexes()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = %s", [maintenance_work_mem])
        started = time.perf_counter()
        ensure_search_structures()
        timings["index_build_s"] = time.perf_counter() - started
        cursor.execute("RESET maintenance_work_mem")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE catalog_item")
        timings["vacuum_analyze_s"] = time.perf_counter() - started
    return timings


def reset_catalog() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE catalog_item RESTART IDENTITY CASCADE")


def item_count() -> int:
    from catalog.models import Item

    return Item.objects.count()


# --- Queries ------------------------------------------------------------------------------


@dataclass
class QueryClass:
    name: str
    queries: list[str]
    extra: str = ""  # further query-string parameters
    hits: list[int] = field(default_factory=list)  # the API's count
    true: list[int] = field(default_factory=list)  # every hit
    latencies_ms: list[float] = field(default_factory=list)


def true_hits(q: str) -> int:
    """Every published hit of ``q`` (the API's count stops at search.COUNT_LIMIT)."""
    from catalog.models import Item
    from catalog.search import Search
    from catalog.search_text import parse_query

    return Item.objects.published().filter(Search(q, parse_query(q)).match()).count()


def pick_rare(rng: random.Random, low: int, high: int, want: int, length: int) -> list[str]:
    """Tail words of ``length`` ideographs with ``low``–``high`` published hits."""
    words = vocabulary(random.Random(SEED))[len(HEAD_WORDS) :]
    candidates = [w for w in words if len(w) == length]
    rng.shuffle(candidates)
    picked: list[str] = []
    for word in candidates[:400]:
        if low <= true_hits(word) <= high:
            picked.append(word)
        if len(picked) == want:
            break
    return picked


def sample_column(column: str, n: int, rng: random.Random) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM catalog_item TABLESAMPLE SYSTEM (1) REPEATABLE (%s) "
            f"WHERE status = 'published' AND {column} <> '' LIMIT %s",
            [rng.randrange(1_000_000), n],
        )
        return [row[0] for row in cursor.fetchall()]


def bracket_variants(doc_numbers: list[str]) -> list[str]:
    forms = [("〔", "〕"), ("[", "]"), ("(", ")"), ("（", "）")]
    out = []
    for index, number in enumerate(doc_numbers):
        left, right = forms[index % len(forms)]
        out.append(number.replace("〔", left).replace("〕", right))
    return out


def query_classes(rng: random.Random) -> list[QueryClass]:
    from catalog.models import Organ

    doc_numbers = bracket_variants(sample_column("doc_number", 12, rng))
    index_nos = sample_column("index_no", 12, rng)
    county = Organ.objects.get(name="沂水县人民政府").code
    return [
        QueryClass("2字·高频", ["公开", "工作", "管理", "政府", "信息", "建设"]),
        QueryClass("2字·中频", ["殡葬", "耕地", "疫苗", "桥梁", "慈善", "征兵"]),
        QueryClass("2字·千级", pick_rare(rng, 1_000, 10_000, 6, 2)),
        QueryClass("2字·低频", pick_rare(rng, 20, 1_000, 6, 2)),
        QueryClass("4字·高频", ["信息公开", "政府信息", "安全生产", "乡村振兴", "依申请公开"]),
        QueryClass("4字·低频", pick_rare(rng, 1, 1_000, 6, 4)),
        QueryClass("无结果", ["蝾螈", "公信开", "鸬鹚"]),
        QueryClass("文号（四种括号）", doc_numbers),
        QueryClass("索引号", index_nos),
        QueryClass("English", ["GDP", "gdp", "PPP", "ISO9001", "WiFi", "PM2.5"]),
        QueryClass("多词（公开 年报、财政 预算）", ["公开 年度报告", "财政 预算", "教育 GDP"]),
        QueryClass("高频 + 机关筛选（含下级）", ["公开", "管理", "信息公开"], f"&organ={county}"),
        QueryClass("高频 · 第5页", ["公开", "工作", "信息公开"], "&page=5"),
    ]


def run_queries(classes: list[QueryClass], requests: int) -> None:
    from urllib.parse import quote

    from django.test import Client

    client = Client()
    for query_class in classes:
        if not query_class.queries:
            continue
        urls = [f"/api/v1/items/?q={quote(q)}{query_class.extra}" for q in query_class.queries]
        for url in urls:  # warm-up, not measured
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            query_class.hits.append(response.json()["count"])
        query_class.true = [true_hits(q) for q in query_class.queries]
        for url in itertools.islice(itertools.cycle(urls), requests):
            started = time.perf_counter()
            response = client.get(url)
            query_class.latencies_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url


def verify(classes: list[QueryClass]) -> list[str]:
    """Pages 1 and 5 of the API against one plain ``ORDER BY`` of every hit.

    The API cuts big results tier by tier; the database's own sort of all hits by
    (rank, date, id) is slow but is the definition. Returns the mismatches.
    """
    from urllib.parse import quote

    from django.test import Client

    from catalog.models import Item
    from catalog.search import search_items

    client = Client()
    problems = []
    for query_class in classes:
        for q in query_class.queries[:1]:
            ranked = search_items(Item.objects.published(), q)
            if query_class.extra.startswith("&organ="):
                ranked = ranked.filter(organ__in=organ_subtree(query_class.extra[7:]))
            for page in (1, 5):
                expected = list(ranked.values_list("pk", flat=True)[(page - 1) * 20 : page * 20])
                url = f"/api/v1/items/?q={quote(q)}{query_class.extra.split('&page=')[0]}"
                response = client.get(f"{url}&page={page}")
                got = [row["id"] for row in response.json().get("results", [])]
                status = "ok" if got == expected else "MISMATCH"
                print(f"  verify {query_class.name} q={q} page {page}: {status}", flush=True)
                if got != expected:
                    problems.append(f"{q} page {page}")
    return problems


def organ_subtree(code: str) -> list[int]:
    from catalog.models import Organ
    from catalog.organs import subtree_ids

    return list(subtree_ids(Organ.objects.get(code=code).pk))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def span(values: list[int]) -> str:
    return f"{min(values):,}–{max(values):,}" if len(set(values)) > 1 else f"{values[0]:,}"


def report(classes: list[QueryClass]) -> str:
    lines = [
        "| 查询类别 | 查询 | 请求数 | 命中条数 | count（API） | p50 ms | p95 ms | max ms |",
        "| --- | --- | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for c in classes:
        if not c.latencies_ms:
            lines.append(f"| {c.name} | （无合适查询） | 0 | – | – | – | – |")
            continue
        shown = "、".join(c.queries[:4]) + ("…" if len(c.queries) > 4 else "")
        lines.append(
            f"| {c.name} | {shown.replace('|', '/')} | {len(c.latencies_ms)} "
            f"| {span(c.true)} | {span(c.hits)} "
            f"| {statistics.median(c.latencies_ms):.1f} | {percentile(c.latencies_ms, 0.95):.1f} "
            f"| {max(c.latencies_ms):.1f} |"
        )
    return "\n".join(lines)


def explain(queries: list[str]) -> str:
    """EXPLAIN ANALYZE of the page query and the count query the API runs for ``q``."""
    from catalog.models import Item
    from catalog.search import search_items

    out: list[str] = []
    for q in queries:
        queryset = search_items(Item.objects.published().defer("search_tokens"), q)
        out.append(f"### q={q}: page (LIMIT 20)\n")
        out.append(queryset[:20].explain(analyze=True, buffers=True))
        out.append(f"\n### q={q}: count\n")
        started = time.perf_counter()
        count = queryset.count()
        out.append(f"count() = {count} in {(time.perf_counter() - started) * 1000:.1f} ms\n")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000, help="items to generate")
    parser.add_argument("--force", action="store_true", help="empty the catalog and regenerate")
    parser.add_argument("--workers", type=int, default=2, help="tokenizing processes")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per class")
    parser.add_argument("--maintenance-work-mem", default="1GB", help="for the index build")
    parser.add_argument("--rebuild-index", action="store_true", help="re-create the index")
    parser.add_argument("--explain", nargs="*", default=None, help="EXPLAIN ANALYZE these q")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--verify", action="store_true", help="compare pages 1 and 5 with a plain ORDER BY"
    )
    args = parser.parse_args(argv)

    setup_django()
    name = guard_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results: dict[str, Any] = {"database": name, "items_requested": args.items}

    have = item_count()
    if args.force or have < args.items:
        print(f"generating {args.items:,} items into {name} (had {have:,}) …", flush=True)
        reset_catalog()
        drop_search_indexes()
        results["load_s"] = load_items(args.items, args.workers, SEED)
        print(f"loaded in {results['load_s']:.0f} s", flush=True)
        args.rebuild_index = True
    else:
        print(f"{have:,} items already in {name}: generation skipped (--force to redo)")
    if args.rebuild_index:
        print("building the search index …", flush=True)
        results.update(build_index(args.maintenance_work_mem))
        print(
            f"index built in {results['index_build_s']:.0f} s, "
            f"VACUUM ANALYZE {results['vacuum_analyze_s']:.0f} s",
            flush=True,
        )
    results["items"] = item_count()
    results["sizes_bytes"] = relation_sizes()
    print(json.dumps(results, indent=2, ensure_ascii=False), flush=True)

    if args.explain is not None:
        print(explain(args.explain or ["公开", "信息公开"]))
        return
    classes = query_classes(random.Random(SEED))
    if args.verify:
        problems = verify(classes)
        print("verify:", "all pages equal" if not problems else f"MISMATCH {problems}")
        results["verify_mismatches"] = problems
    run_queries(classes, args.requests)
    table = report(classes)
    print(table)
    if args.json:
        results["classes"] = [
            {
                "name": c.name,
                "queries": c.queries,
                "api_count": c.hits,
                "hits": c.true,
                "p50_ms": statistics.median(c.latencies_ms) if c.latencies_ms else None,
                "p95_ms": percentile(c.latencies_ms, 0.95) if c.latencies_ms else None,
                "latencies_ms": c.latencies_ms,
            }
            for c in classes
        ]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
