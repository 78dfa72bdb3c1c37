#!/usr/bin/env bash
# Refreshes the committed front-end assets from the npm registry: the NL Design System CSS of
# the Utrecht component library with its design tokens, and htmx. Nothing is loaded from a CDN
# at run time; the built files live under static/vendor/ and are committed.
#   usage: scripts/refresh-frontend.sh        (needs node and npm)
set -euo pipefail
cd "$(dirname "$0")/.."
UTRECHT_CSS_VERSION="${UTRECHT_CSS_VERSION:-9}"
UTRECHT_TOKENS_VERSION="${UTRECHT_TOKENS_VERSION:-5}"
HTMX_VERSION="${HTMX_VERSION:-2}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --silent \
    "@utrecht/component-library-css@${UTRECHT_CSS_VERSION}" \
    "@utrecht/design-tokens@${UTRECHT_TOKENS_VERSION}" \
    "htmx.org@${HTMX_VERSION}"
)
nm="$work/node_modules"
mkdir -p static/vendor/utrecht static/vendor/htmx
cp "$nm/@utrecht/component-library-css/dist/index.css" static/vendor/utrecht/component-library.css
cp "$nm/@utrecht/design-tokens/dist/theme.css" static/vendor/utrecht/design-tokens.css
cp "$nm/@utrecht/component-library-css/LICENSE.md" static/vendor/utrecht/LICENSE.md 2>/dev/null || true
cp "$nm/htmx.org/dist/htmx.min.js" static/vendor/htmx/htmx.min.js
cp "$nm/htmx.org/LICENSE" static/vendor/htmx/LICENSE 2>/dev/null || true
{
  echo "Refreshed by scripts/refresh-frontend.sh on $(date -u +%Y-%m-%d)"
  for p in @utrecht/component-library-css @utrecht/design-tokens htmx.org; do
    printf '%s %s\n' "$p" "$(node -p "require('$nm/$p/package.json').version")"
  done
} > static/vendor/VERSIONS.txt
cat static/vendor/VERSIONS.txt
