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

# The journey map of the internal report, through the investigation.
$m render rijk/interne-melding --view journey --via onderzoek | unstamp > docs/img/interne-melding-journey.svg
$m render rijk/interne-melding --view journey --via onderzoek -o docs/img/interne-melding-journey.png

# The route map of the internal report (what it reaches), and of the whole library.
$m render rijk/interne-melding --view map | unstamp > docs/img/interne-melding-routekaart.svg
$m render rijk/interne-melding --view map -o docs/img/interne-melding-routekaart.png
$m render processes/ --view map | unstamp > docs/img/routekaart.svg
