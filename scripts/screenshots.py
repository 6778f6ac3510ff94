"""Render pages to PNG at phone (390 px) and desktop (1440 px) width, logged in.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 \
        --user admin_522301 --password Touyan@2026 --out test-artifacts/screens / /policy/

Uses the system Chromium (Debian package `chromium`), never a downloaded browser.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", default="test-artifacts/screens")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--full", action="store_true", help="the whole page, not just the first screen")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for width in (390, 1440):
            page = browser.new_page(viewport={"width": width, "height": 900}, locale=args.lang)
            # Pages ignore the browser's language (ChineseFirstMiddleware); the switch's cookie chooses.
            page.context.add_cookies([{"name": "django_language", "value": args.lang, "url": args.base}])
            page.goto(args.base + "/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit]")
            page.wait_for_load_state("networkidle")
            for path in args.paths:
                page.goto(args.base + path)
                page.wait_for_load_state("networkidle")
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                target = out / f"{args.user}_{name}_{width}.png"
                page.screenshot(path=str(target), full_page=args.full)
                print(target)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
