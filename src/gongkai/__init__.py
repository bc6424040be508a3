"""gongkai — read, parse and check 政府信息公开工作年度报告."""

__version__ = "0.1.0"
