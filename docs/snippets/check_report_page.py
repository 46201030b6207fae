"""Checks the HTML page of `synthdata report` and its screenshot by headless Chromium:
every section is on the page, and the screenshot is a real image of the page's width.

    check_report_page.py REPORT.html SCREENSHOT.png WIDTH
"""

import struct
import sys

SECTIONS = [
    "Data-quality report", "Score", "Tables", "Integrity", "Benford's law", "Calendar",
    "Amounts", "Settlement", "Profit and loss, balance sheet", "Statements", "The group", "Anomalies", "Column profiles",
]


def main():
    html_path, png_path, width = sys.argv[1], sys.argv[2], int(sys.argv[3])
    page = open(html_path, encoding="utf-8").read()
    missing = [s for s in SECTIONS if f">{s}</h" not in page.replace("&apos;", "'")]
    if missing:
        sys.exit(f"FAIL: the page has no section {missing}")
    png = open(png_path, "rb").read()
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("FAIL: the screenshot is not a PNG")
    w, h = struct.unpack(">II", png[16:24])
    if w != width or h < 1000:
        sys.exit(f"FAIL: the screenshot is {w} x {h}, expected {width} wide and at least 1000 high")
    if len(png) < 100_000:
        sys.exit(f"FAIL: the screenshot is {len(png)} bytes: a blank page?")
    print(f"ok: {len(SECTIONS)} sections on the page; screenshot {w} x {h}, {len(png)} bytes")


if __name__ == "__main__":
    main()
