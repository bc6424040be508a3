"""Registry-declared web sites: an address helps choose among the bodies a printed name allows, never across
places."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gongkai.orgs import load_registry
from gongkai.errors import RegistryError
from gongkai.orgs.registry import site_key
from gongkai.store import schema as t
from gongkai.store.orgs import import_registry, load_index
from tests.orgs import SAMPLE

SITES = (
    SAMPLE.replace(
        """      - name: 青禾市桐溪区人民政府
""",
        """      - name: 青禾市桐溪区人民政府
        sites: [www.tongxi.gov.cn, "http://www.qinghe.gov.cn/TX/"]
""",
    )
    .replace(
        """      - name: 青禾市梅岭区人民政府
""",
        """      - name: 青禾市梅岭区人民政府
        sites: meiling.gov.cn
""",
    )
    .replace(
        """  - name: 青禾市人民政府
""",
        """  - name: 青禾市人民政府
    sites: [www.qinghe.gov.cn]
""",
    )
)


@pytest.fixture(scope="module")
def index_ids():
    engine = sa.create_engine("sqlite://")
    t.metadata.create_all(engine)
    with engine.begin() as conn:
        import_registry(conn, load_registry(SITES))
        again = import_registry(conn, load_registry(SITES))
        index = load_index(conn)
        ids = {n.name: n.id for n in index.nodes.values()}
        rows = set(
            conn.execute(
                sa.select(t.organization_alias.c.alias).where(t.organization_alias.c.relation == "site")
            ).scalars()
        )
    engine.dispose()
    assert again.added == again.updated == 0  # sites are part of an idempotent import
    assert rows == {"www.tongxi.gov.cn", "www.qinghe.gov.cn/tx", "meiling.gov.cn", "www.qinghe.gov.cn"}
    return index, ids


def test_sites_load_normalised_and_are_checked():
    by_name = {e.name: e for top in load_registry(SITES) for e in top.walk()}
    assert by_name["青禾市桐溪区人民政府"].sites == ("www.tongxi.gov.cn", "www.qinghe.gov.cn/tx")
    assert by_name["青禾市梅岭区人民政府"].sites == ("meiling.gov.cn",)
    assert site_key("HTTPS://User@WWW.Tongxi.gov.cn:8080/a/b/?x=1") == "www.tongxi.gov.cn/a/b"
    with pytest.raises(RegistryError, match="不是网站地址"):
        load_registry("organizations:\n  - name: 青禾市人民政府\n    sites: [青禾市政府网]\n")
    twice = SITES.replace("sites: meiling.gov.cn", "sites: www.tongxi.gov.cn")
    with pytest.raises(RegistryError, match="同时属于两个机关"):
        load_registry(twice)


def test_a_site_chooses_among_the_candidates_of_the_printed_name(index_ids):
    index, ids = index_ids
    tongxi, meiling = ids["青禾市桐溪区城市运行管理中心"], ids["青禾市梅岭区城市运行管理中心"]
    assert index.match("区城市运行管理中心", 2023).status == "ambiguous"
    for address, expected in [
        ("http://www.tongxi.gov.cn/zwgk/ndbg/t1.html", tongxi),
        ("https://xxgk.meiling.gov.cn/nb/2023.pdf", meiling),  # a host under the site
        ("http://www.qinghe.gov.cn/tx/nb/t9.html", tongxi),  # a path prefix of the city site
    ]:
        m = index.match("区城市运行管理中心", 2023, hint=address)
        assert (m.status, m.org_id) == ("short", expected), address
    # the city's own site (and a path that only looks like the prefix) leaves the two districts open
    assert index.match("区城市运行管理中心", 2023, hint="http://www.qinghe.gov.cn/txq/t.html").status == "ambiguous"
    # not a site: evilmeiling.gov.cn is not under meiling.gov.cn
    assert index.match("区城市运行管理中心", 2023, hint="http://evilmeiling.gov.cn/t.html").status == "ambiguous"
    # the site narrows to the city's bodies, the printed 来源 in the hint then picks the district
    m = index.match("城市运行管理中心", 2023, hint="http://www.qinghe.gov.cn/nb/t.html 来源：梅岭区城市运行管理中心")
    assert m.org_id == meiling
    # a site and a percent-encoded path both count
    m = index.match("城市运行管理中心", 2023, hint="http://x.example/%E6%BE%9C%E5%B7%9D%E5%8E%BF/t.html")
    assert m.org_id == ids["澜川县城市运行管理中心"]


def test_an_address_never_overrides_the_printed_name(index_ids):
    index, ids = index_ids
    # printed in full: the address of another district's site changes nothing
    m = index.match("青禾市梅岭区城市运行管理中心", 2023, hint="http://www.tongxi.gov.cn/nb/t.html 桐溪区")
    assert (m.status, m.org_id) == ("exact", ids["青禾市梅岭区城市运行管理中心"])
    # a short name that only one body has: the other place's address does not move it
    m = index.match("县城市运行管理中心", 2023, hint="http://www.tongxi.gov.cn/nb/t.html")
    assert m.org_id == ids["澜川县城市运行管理中心"]
    # the city's site holds both districts: the place words of the hint then decide
    m = index.match("区城市运行管理中心", 2023, hint="http://www.qinghe.gov.cn/nb/t.html")
    assert m.status == "ambiguous"
    m = index.match("区城市运行管理中心", 2023, hint="http://www.qinghe.gov.cn/nb/t.html 梅岭区")
    assert m.org_id == ids["青禾市梅岭区城市运行管理中心"]


def test_orgs_list_shows_sites_and_export_does_not_take_them_for_names(tmp_path):
    from click.testing import CliRunner

    from gongkai.analysis.stored import load_registry as export_registry
    from gongkai.cli import main
    from gongkai.store.db import open_store

    registry = tmp_path / "名录.yaml"
    registry.write_text(SITES, encoding="utf-8")
    db = str(tmp_path / "o.db")
    assert CliRunner().invoke(main, ["orgs", "import", str(registry), "--db", db]).exit_code == 0
    shown = CliRunner().invoke(main, ["orgs", "list", "--db", db])
    assert shown.exit_code == 0 and "网站 www.qinghe.gov.cn" in shown.output and "网站 meiling.gov.cn" in shown.output
    store = open_store(db)
    with store.engine.connect() as conn:
        names = export_registry(conn).by_name
    store.dispose()
    assert "桐溪区城运中心" in names and "www.tongxi.gov.cn" not in names
