#!/usr/bin/env python3
"""Checks a site built by scripts/build-pages.sh: every HTML page carries the stamp with this commit, version and
date (the same on every page), every local link (href/src) resolves to a file in the site, and index.html links
the pages it must. Usage: check-pages.py SITE COMMIT VERSION [REQUIRED_LINK...]. Prints each problem; exit 1 on any."""
import os, re, sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

site, commit, version, *required = sys.argv[1:]
stamp = re.compile(r"<!-- wsconform:stamp -->(.*?)<!-- /wsconform:stamp -->", re.S)
problems, dates, pages, links = [], set(), 0, 0

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []
    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)

for root, _, files in os.walk(site):
    for name in sorted(files):
        if not name.endswith(".html"):
            continue
        pages += 1
        path = os.path.join(root, name)
        rel = os.path.relpath(path, site)
        text = open(path, encoding="utf-8", errors="replace").read()
        stamps = stamp.findall(text)
        if len(stamps) != 1:
            problems.append(f"{rel}: {len(stamps)} stamps, not 1")
        else:
            s = re.sub(r"<[^>]+>", "", stamps[0])
            m = re.search(r"commit (\S+) · wsconform (\S+) · (\S+)", s)
            if not m:
                problems.append(f"{rel}: the stamp does not read 'commit SHA · wsconform VERSION · DATE': {s.strip()}")
            else:
                if m.group(1) != commit: problems.append(f"{rel}: stamped commit {m.group(1)}, not {commit}")
                if m.group(2) != version: problems.append(f"{rel}: stamped version {m.group(2)}, not {version}")
                dates.add(m.group(3))
        parser = Links()
        parser.feed(text)
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("#"):
                continue
            links += 1
            target = os.path.normpath(os.path.join(root, unquote(parts.path)))
            if os.path.relpath(target, site).split(os.sep)[0] == "..":
                problems.append(f"{rel}: link {link} leaves the site")
            elif not os.path.isfile(target):
                problems.append(f"{rel}: link {link} resolves to nothing")
if pages == 0:
    problems.append("no HTML pages")
if len(dates) > 1:
    problems.append(f"pages stamped with different dates: {sorted(dates)}")
index = os.path.join(site, "index.html")
if os.path.isfile(index):
    parser = Links()
    parser.feed(open(index, encoding="utf-8").read())
    for r in required:
        if r not in parser.found:
            problems.append(f"index.html does not link {r}")
else:
    problems.append("no index.html")
for p in problems:
    print("check-pages: " + p)
print(f"check-pages: {pages} pages, {links} local links, {len(problems)} problems")
sys.exit(1 if problems else 0)
