#!/usr/bin/env bash
# The validity benchmark: simulated personas with a known latent influence, and the critique's
# gaming tactics, through the real scorer (formula 1 and formula 2 side by side).
# Usage: Benchmarks/validity/run.sh [personas per network]   (default 1000)
# Prints a Markdown table and a last line: validity: spearman=R gaming_max_gain=G retest_sd20=S false_expertise=F
set -euo pipefail
cd "$(dirname "$0")/../.."
swift build -c release --product personad-validity >&2
"$(swift build -c release --show-bin-path)/personad-validity" "$@"
