"""Tests of the organization registry. SAMPLE is an invented registry shared with tests/store/test_orgs.py."""

SAMPLE = """\
organizations:
  - name: 青禾市人民政府
    aliases: [青禾市政府]
    children:
      - name: 青禾市民政局
      - name: 青禾市桐溪区人民政府
        children:
          - name: 青禾市桐溪区城市运行管理中心
            aliases: [桐溪区城运中心]
            former:
              - {name: 青禾市桐溪区城市管理局, until: 2022}
          - name: 青禾市桐溪区杏林街道办事处
          - name: 青禾市桐溪区石桥镇人民政府
      - name: 青禾市梅岭区人民政府
        kind: government
        level: district
        children:
          - name: 青禾市梅岭区城市运行管理中心
            kind: department
  - name: 澜川县人民政府
    note: 另一个县，不在青禾市
    children:
      - name: 澜川县城市运行管理中心
"""
