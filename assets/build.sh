#!/usr/bin/env bash
# Rebuilds crates/web/static from the pinned npm packages. The outputs are
# committed, so building Onward itself never needs npm or the network.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
static="$here/../crates/web/static"
cd "$here"
[ -d node_modules ] || npm ci --no-audit --no-fund
npx sass --no-source-map --style=compressed --load-path=node_modules onward.scss "$static/onward.css"
# The learner survey site's own, smaller stylesheet, also stored gzipped
# (served compressed to browsers that accept it: the page weight budget).
npx sass --no-source-map --style=compressed --load-path=node_modules survey.scss "$static/survey.css"
gzip -9 -n -c "$static/survey.css" > "$static/survey.css.gz"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$static/govuk-frontend.min.js"
cp node_modules/htmx.org/dist/htmx.min.js "$static/htmx.min.js"
echo "built: $(ls "$static" | tr '\n' ' ')"
