"""Sample data shared by the chart tests (test_charts_figures, test_charts_page)."""

from datetime import date

EVIL = "</script><script>alert(1)</script>"

GANTT_ROWS = [
    {"name": "加装电梯", "start": date(2024, 3, 1), "end": date(2024, 3, 31), "progress": 60},
    {"name": "社区食堂", "start": date(2024, 5, 1), "end": date(2024, 5, 1), "progress": 0},
]
