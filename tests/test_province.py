"""A province: each county built as a shard under its region code, the province's own pages, kept shards, faults.

Every build here runs on a real Dask cluster: a LocalCluster of this machine, or (for
the killed worker) `dask scheduler` and `dask worker` processes started by the test.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import build_site, copy_project, page_text
from province import NEIGHBOUR_REGION, PROVINCE_NAME, SEED_REGION, make_province

from generator.publish.province import ProvinceError, build_province
from generator.site.portal import COUNTIES_PER_PAGE

SHARDS = Path(".site.cache") / "shards"


def build(folder: Path, **options) -> object:
    return build_province(folder, workers=options.pop("workers", 2), log=lambda line: None, **options)


def same_tree(first: Path, second: Path) -> bool:
    """Whether two folders hold the same files, byte for byte."""
    comparison = filecmp.dircmp(first, second)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(first, second, comparison.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(first / d, second / d) for d in comparison.common_dirs)


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two counties built once; tests that change the province use their own copy."""
    folder = make_province(tmp_path_factory.mktemp("province"))
    build(folder)
    return folder


@pytest.fixture
def own_province(tmp_path: Path, province: Path) -> Path:
    """A copy of the built province, its published site and kept shards included."""
    copy = tmp_path / "province"
    shutil.copytree(province, copy, symlinks=True)
    return copy


# --- The assembled site --------------------------------------------------------------------------


def test_each_county_is_published_under_its_region_code(province: Path) -> None:
    site = province / "site"
    for region, county in ((SEED_REGION, "乐亭县"), (NEIGHBOUR_REGION, "滦南县")):
        assert county in page_text(site / region / "index.html")
        assert (site / region / "downloads" / "index.html").is_file()
        assert (site / region / "search" / "meta.js").is_file()
    assert (site / SEED_REGION / "2024" / "203001" / "13022524P00442P10057D" / "index.html").is_file()
    assert (site / NEIGHBOUR_REGION / "2025" / "203001" / "index.html").is_file()


def test_a_shard_links_only_inside_itself_and_up_to_the_province(province: Path) -> None:
    site = province / "site"
    for region in (SEED_REGION, NEIGHBOUR_REGION):
        shard = site / region
        # 404.html is served for any address, so MkDocs links it from the site's root (site_url, else "/").
        for page in set(shard.rglob("*.html")) - {shard / "404.html"}:
            for href in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text(encoding="utf-8")):
                if urlsplit(href).scheme or href.startswith("//"):
                    continue
                target = (page.parent / unquote(href)).resolve()
                assert target.is_relative_to(shard.resolve()) or target == site.resolve(), (page, href)
                assert target.exists(), (page, href)


def test_every_county_page_links_up_to_the_province_home(province: Path) -> None:
    page = province / "site" / NEIGHBOUR_REGION / "2025" / "203001" / "index.html"
    up = re.search(r'<nav class="bp-province"[^>]*><a href="([^"]+)">↑ ([^<]+)</a>', page.read_text(encoding="utf-8"))
    assert up is not None
    assert up.group(2) == PROVINCE_NAME
    assert (page.parent / up.group(1)).resolve() == (province / "site").resolve()


def test_the_province_home_adds_up_only_the_counties_that_have_published_a_year(province: Path) -> None:
    home = page_text(province / "site" / "index.html")
    # 2025: only 滦南县; its total and its own like-for-like change, as its home page says them.
    neighbour = page_text(province / "site" / NEIGHBOUR_REGION / "index.html")
    total = re.search(r"项目预算合计\s+([\d,.]+) 万元", neighbour).group(1)
    assert re.search(rf"已公开的县（市、区）\s+1/2 个\s+项目预算合计\s+{re.escape(total)} 万元", home)
    assert "2025 年已公开 1/2 个县（市、区）" in home
    change = re.search(r"比 2024 年增减\s+(-?[\d,.]+ 万元)", neighbour).group(1)
    assert f"按两年都已公开的 1 个部门比较：比上年增减 {change}" in home
    # 2024: both counties, the sum of their totals.
    assert "2024年：2 个县（市、区），2 个部门，26 个项目，合计 10,981.30 万元" in home


def test_the_county_list_links_every_county_and_its_downloads(province: Path) -> None:
    listing = (province / "site" / "counties" / "index.html").read_text(encoding="utf-8")
    assert f'href="../{SEED_REGION}/"' in listing
    assert f'href="../{NEIGHBOUR_REGION}/downloads/"' in listing
    assert COUNTIES_PER_PAGE >= 2  # one page here; the paging is checked in test_portal_pages


def test_the_province_downloads_every_countys_each_year(province: Path) -> None:
    table = (province / "site" / "downloads" / "counties.csv").read_bytes()
    assert table.startswith(b"\xef\xbb\xbf")
    lines = table.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("区划代码,网站,年度,部门数,项目数")
    assert sorted(line.split(",")[0] + "/" + line.split(",")[2] for line in lines[1:]) == [
        f"{NEIGHBOUR_REGION}/2024",
        f"{NEIGHBOUR_REGION}/2025",
        f"{SEED_REGION}/2024",
    ]


# --- Kept shards ---------------------------------------------------------------------------------


def test_a_rebuild_keeps_every_shard_and_equals_a_cold_build(own_province: Path, tmp_path: Path) -> None:
    kept = build(own_province)
    assert (kept.built, kept.kept) == (0, 2)
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(own_province / "site", rebuilt)
    shutil.rmtree(own_province / ".site.cache")
    cold = build(own_province, workers=1)
    assert (cold.built, cold.kept) == (2, 0)
    assert same_tree(rebuilt, own_province / "site")


def test_a_change_to_one_county_rebuilds_its_shard_only(own_province: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(own_province / "site", before)
    department = own_province / "滦南县" / "content" / "2025" / "203001" / "department.yaml"
    text = department.read_text(encoding="utf-8").replace(
        "\nname: 中国共产党乐亭县委员会组织部本级", "\nname: 组织部（更正）"
    )
    department.write_text(text, encoding="utf-8")
    changed = build(own_province)
    assert (changed.built, changed.kept) == (1, 1)
    assert same_tree(before / SEED_REGION, own_province / "site" / SEED_REGION)
    assert not same_tree(before / NEIGHBOUR_REGION, own_province / "site" / NEIGHBOUR_REGION)
    assert "组织部（更正）" in page_text(own_province / "site" / NEIGHBOUR_REGION / "2025" / "203001" / "index.html")
    assert len([entry for entry in (own_province / SHARDS).iterdir()]) == 2  # the replaced shard is not kept


def test_a_corrupted_kept_shard_is_built_again_never_published(own_province: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    shutil.copytree(own_province / "site", good)
    (entry,) = [e for e in (own_province / SHARDS).iterdir() if (e / "site" / "index.html").is_file()][:1]
    page = entry / "site" / "index.html"
    data = page.read_bytes()
    page.unlink()  # a hard link to the published page: replaced, not edited in place
    page.write_bytes(data.replace("预算".encode(), "豫算".encode(), 1))
    rebuilt = build(own_province)
    assert rebuilt.built == 1
    assert same_tree(good, own_province / "site")


def test_a_kept_shard_missing_a_file_is_built_again(own_province: Path, tmp_path: Path) -> None:
    good = tmp_path / "good"
    shutil.copytree(own_province / "site", good)
    entry = next(e for e in (own_province / SHARDS).iterdir() if (e / "site" / "about").is_dir())
    (entry / "site" / "about" / "index.html").unlink()
    assert build(own_province).built == 1
    assert same_tree(good, own_province / "site")


def test_a_county_built_after_a_province_in_the_same_process_is_the_countys_own_site(
    province: Path, tmp_path: Path
) -> None:
    site = build_site(copy_project(tmp_path / "county"))  # MkDocs keeps its plugin instance between builds
    assert not (site / "counties").exists()
    assert (site / "2024" / "index.html").is_file()
    assert "bp-province" not in (site / "index.html").read_text(encoding="utf-8")


def test_a_countys_folder_named_by_its_region_code_needs_no_quotes(tmp_path: Path) -> None:
    folder = make_province(tmp_path)
    (folder / "乐亭县").rename(folder / SEED_REGION)
    (folder / "province.yml").write_text(f"name: 省\ncounties: [{SEED_REGION}, 滦南县]\n", encoding="utf-8")
    assert build(folder).counties == 2


def test_another_version_of_the_generator_never_uses_a_kept_shard(own_province: Path, monkeypatch) -> None:
    from generator.publish import province

    monkeypatch.setattr(province, "generator_version", lambda: "another version")
    with pytest.raises(ProvinceError, match="版本不同"):  # the workers' code differs from this process's
        build(own_province)


# --- Bad input stops the build before any shard ---------------------------------------------------


def test_a_bad_file_in_one_county_stops_the_province_before_any_shard_is_built(own_province: Path) -> None:
    published = {path: path.read_bytes() for path in (own_province / "site").rglob("*.html")}
    shutil.rmtree(own_province / ".site.cache")
    broken = next((own_province / "乐亭县" / "content" / "2024" / "203001").glob("13022524P00442P10057D.yaml"))
    broken.write_text(broken.read_text(encoding="utf-8").replace("total: ", "total: 十万", 1), encoding="utf-8")
    with pytest.raises(ProvinceError) as stopped:
        build(own_province)
    message = str(stopped.value)
    assert "13022524P00442P10057D.yaml:" in message
    assert "未通过检查，未生成任何县的网站，已发布的网站未改动" in message
    assert not any((own_province / SHARDS).iterdir()) if (own_province / SHARDS).exists() else True
    assert {path: path.read_bytes() for path in (own_province / "site").rglob("*.html")} == published


def test_two_counties_with_one_region_code_are_refused(tmp_path: Path) -> None:
    folder = make_province(tmp_path)
    shutil.copytree(folder / "乐亭县", folder / "乐亭县副本")
    (folder / "province.yml").write_text("name: 省\ncounties: [乐亭县, 乐亭县副本]\n", encoding="utf-8")
    with pytest.raises(ProvinceError, match=f"区划代码 {SEED_REGION} 与 .*乐亭县 相同"):
        build(folder)
    assert not (folder / "site").exists()


def test_a_county_with_another_regions_projects_is_refused(tmp_path: Path) -> None:
    folder = make_province(tmp_path)
    stray = folder / "乐亭县" / "content" / "2024" / "203001" / "13022524P00442P10057D.yaml"
    moved = stray.with_name("13029924P00442P10057D.yaml")
    moved.write_text(stray.read_text(encoding="utf-8").replace("code: 130225", "code: 130299", 1), encoding="utf-8")
    stray.unlink()
    with pytest.raises(
        ProvinceError, match=r"13029924P00442P10057D\.yaml:\d+: code: 项目编码的前 6 位（区划代码）为 130299"
    ):
        build(folder)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("counties: [乐亭县]\n", "province.yml: 缺少 name"),
        ("name: 省\n", "province.yml: 缺少 counties"),
        (
            "name: 省\ncounties: [乐亭县]\npublisher: {sponsr: 省财政厅}\n",
            "publisher.sponsr: 未知设置（是否应为 sponsor？）",
        ),
        ("name: 省\ncounties: [没有这个县]\n", "counties: 没有这个县: 不存在"),
        ("name: 省\ncounties: [乐亭县, 乐亭县]\n", "counties: 乐亭县: 重复列出"),
        (
            "name: 省\ncounties: [乐亭县]\nsite_url: www.example.gov.cn\n",
            "site_url（网站地址）应为以 http:// 或 https:// 开头",
        ),
        ("name: [省\n", "province.yml:2: YAML 语法错误"),
    ],
)
def test_a_wrong_province_setting_is_named(tmp_path: Path, settings: str, message: str) -> None:
    folder = make_province(tmp_path)
    (folder / "province.yml").write_text(settings, encoding="utf-8")
    with pytest.raises(ProvinceError, match=re.escape(message)):
        build(folder)


def test_the_command_says_what_it_built_and_what_is_wrong(tmp_path: Path) -> None:
    folder = make_province(tmp_path / "province")
    command = [sys.executable, "-m", "generator", "province", str(folder), "--workers", "1"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "已发布 2 个县（市、区）的网站到 province/site/：生成 2 个，沿用 0 个" in done.stdout
    (folder / "province.yml").write_text("name: 省\n", encoding="utf-8")
    refused = subprocess.run(command, check=False, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "province/province.yml: 缺少 counties（应如 counties: [乐亭县, 滦南县]）"
    assert "Traceback" not in refused.stderr


# --- A worker killed mid-build ---------------------------------------------------------------------


class Cluster:
    """`dask scheduler` and one `dask worker` (with its nanny) as separate processes, as an operator starts them."""

    def __init__(self, folder: Path, allowed_failures: int) -> None:
        environment = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(allowed_failures)}
        self.address_file = folder / "scheduler.json"
        self.processes = [
            subprocess.Popen(
                ["dask", "scheduler", "--scheduler-file", str(self.address_file), "--no-dashboard", "--port", "0"],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        ]
        for _ in range(200):
            if self.address_file.is_file() and self.address_file.stat().st_size:
                break
            time.sleep(0.1)
        import json

        self.address = json.loads(self.address_file.read_text())["address"]
        self.processes.append(
            subprocess.Popen(
                ["dask", "worker", self.address, "--nthreads", "1", "--no-dashboard", "--name", "w1"],
                env=environment,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def kill_worker_when(self, started: Path) -> None:
        """SIGKILL the worker process (not its nanny, which starts another) once a shard is being built."""
        import psutil

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(started.glob(".*.part")):
            time.sleep(0.02)
        nanny = psutil.Process(self.processes[1].pid)
        for child in nanny.children(recursive=True):
            child.kill()

    def close(self) -> None:
        """Stop every process started, the worker's own process (the nanny's child) included."""
        import psutil

        started = [psutil.Process(process.pid) for process in self.processes if process.poll() is None]
        everything = started + [child for process in started for child in process.children(recursive=True)]
        for process in everything:
            process.terminate()
        _, alive = psutil.wait_procs(everything, timeout=10)
        for process in alive:
            process.kill()
        psutil.wait_procs(alive, timeout=10)
        for process in self.processes:
            process.wait(timeout=10)


@pytest.fixture
def cluster_factory(tmp_path: Path):
    clusters: list[Cluster] = []

    def start(allowed_failures: int) -> Cluster:
        clusters.append(Cluster(tmp_path, allowed_failures))
        return clusters[-1]

    yield start
    for cluster in clusters:
        cluster.close()


def _build_while_killing(folder: Path, cluster: Cluster) -> tuple[object, BaseException | None]:
    import threading

    outcome: list = [None, None]

    def run() -> None:
        try:
            outcome[0] = build_province(folder, scheduler=cluster.address, log=lambda line: None)
        except Exception as error:  # noqa: BLE001 (the test judges it)
            outcome[1] = error

    thread = threading.Thread(target=run)
    shutil.rmtree(folder / ".site.cache", ignore_errors=True)
    thread.start()
    cluster.kill_worker_when(folder / SHARDS)
    thread.join(timeout=300)
    assert not thread.is_alive()
    return outcome[0], outcome[1]


def test_a_killed_worker_is_replaced_and_the_build_completes(
    own_province: Path, tmp_path: Path, cluster_factory
) -> None:
    good = tmp_path / "good"
    shutil.copytree(own_province / "site", good)
    built, error = _build_while_killing(own_province, cluster_factory(allowed_failures=3))
    assert error is None
    assert built.built == 2
    assert same_tree(good, own_province / "site")
    assert not list((own_province / SHARDS).glob(".*.part"))


def test_a_worker_killed_past_dasks_retries_stops_the_build_and_the_site_stays(
    own_province: Path, cluster_factory
) -> None:
    published = {path: path.read_bytes() for path in (own_province / "site").rglob("*") if path.is_file()}
    built, error = _build_while_killing(own_province, cluster_factory(allowed_failures=0))
    assert built is None
    assert isinstance(error, ProvinceError)
    assert "工作进程多次意外退出" in str(error) and "已发布的网站未改动" in str(error)
    assert {path: path.read_bytes() for path in (own_province / "site").rglob("*") if path.is_file()} == published
    assert not (own_province / ".site.building").exists()


def test_the_provinces_pages_carry_its_publisher_and_each_county_its_own(tmp_path: Path) -> None:
    folder = make_province(tmp_path, extra="publisher: {sponsor: 河北省财政厅}\n")
    build(folder)
    assert "主办单位：河北省财政厅" in (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"主办单位\s+河北省财政厅", page_text(folder / "site" / "about" / "index.html"))
    assert "河北省财政厅" not in (folder / "site" / SEED_REGION / "index.html").read_text(encoding="utf-8")


def test_each_county_is_addressed_under_the_provinces_site_url(tmp_path: Path) -> None:
    folder = make_province(tmp_path, extra="site_url: https://czt.example.gov.cn/yjgk\n")
    build(folder)
    sitemap = (folder / "site" / SEED_REGION / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>https://czt.example.gov.cn/yjgk/{SEED_REGION}/2024/203001/</loc>" in sitemap
    data = (folder / "site" / SEED_REGION / "downloads" / "all-projects.csv").read_text(encoding="utf-8-sig")
    assert f"https://czt.example.gov.cn/yjgk/{SEED_REGION}/2024/203001/13022524P00442P10057D/" in data
    assert "<loc>https://czt.example.gov.cn/yjgk/counties/</loc>" in (folder / "site" / "sitemap.xml").read_text(
        encoding="utf-8"
    )


def test_a_worker_keeps_nothing_of_a_county_once_its_shard_is_built(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    from generator.publish.shards import ShardJob, build_shard
    from generator.site.results import outcome
    from generator.site.search_index import pinyin_of

    county = make_province(tmp_path) / "乐亭县"
    job = ShardJob(str(county), PROVINCE_NAME, "", str(tmp_path / "shards"), str(tmp_path / "staging"))
    shard = build_shard(job, "0" * 64, SEED_REGION)
    assert '"region": "130225"' in shard.summary
    assert (tmp_path / "staging" / SEED_REGION / "index.html").is_file()
    assert (outcome.cache_info().currsize, pinyin_of.cache_info().currsize) == (0, 0)
    plugin = load_config(str(county / "mkdocs.yml")).plugins["budget"]  # MkDocs' one instance per process
    assert not plugin.catalog.departments and not plugin.parts.pages
