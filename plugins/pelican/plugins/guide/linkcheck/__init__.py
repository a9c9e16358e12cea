"""`guide-linkcheck` (`make linkcheck`): every external link of the built site, checked.

One job per module, in the order a run meets them:
- `sources.py`: which source file each written page came from (the build leaves a map);
- `links.py`: the site's external links, each with its source file, line and text;
- `cache.py`: what answered OK in the last days, kept across runs (append-only lines);
- `checker.py`: each URL asked once, politely (aiohttp, per-host and overall limits);
- `report.py`: the findings by source file, the summary line, the progress, the JSON;
- `cli.py`: the command.

The build never imports the checker: `make html` and `make publish` ask no other host.
"""
