#!/usr/bin/env bash
# Makes the pictures of the documentation (docs/diagrams.md, docs/journey-map.md).
# Run from the repository root: bash docs/img/make.sh
# The SVG files have no provenance line (it names a build); tests/render.rs
# checks that they are current, byte for byte. The PNG and PDF files depend
# on the renderer's version and are not checked.
set -euo pipefail
cargo build --release -q
m=target/release/meldroute
unstamp() { grep -v '^<metadata id="meldroute-provenance">'; }

# The graph view of the internal report with its gaps (needs Graphviz).
$m render rijk/interne-melding --gaps -o docs/img/interne-melding-graph.svg

# The journey map of the internal report, through the investigation.
$m render rijk/interne-melding --view journey --via onderzoek | unstamp > docs/img/interne-melding-journey.svg
$m render rijk/interne-melding --view journey --via onderzoek -o docs/img/interne-melding-journey.png

# The route map of the internal report (what it reaches), and of the whole library.
$m render rijk/interne-melding --view map | unstamp > docs/img/interne-melding-routekaart.svg
$m render rijk/interne-melding --view map -o docs/img/interne-melding-routekaart.png
$m render processes/ --view map | unstamp > docs/img/routekaart.svg

# The report of the internal report and the complaint, its screenshot at 1280 px
# in headless Chromium, its A4 PDF as Chromium prints it, and the PDF's first
# page as PNG (needs chromium-headless-shell or chromium, and poppler-utils).
$m report rijk/interne-melding rijk/klacht --runs 20000 --no-graphs -o docs/img/rapport.html
chrome=$(command -v chromium-headless-shell || command -v chromium)
"$chrome" --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,1400 \
  --screenshot=docs/img/rapport-1280.png "file://$PWD/docs/img/rapport.html"
pdf=$(mktemp -d)/rapport.pdf
"$chrome" --no-sandbox --disable-gpu --no-pdf-header-footer \
  --print-to-pdf="$pdf" "file://$PWD/docs/img/rapport.html"
pdftoppm -png -r 80 -f 1 -l 2 "$pdf" docs/img/rapport-a4
