#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are here; install what is missing.
# Chromium for the browser tests (through Playwright, never `playwright install`), tesseract
# and the OCR-B font for `borderpost document read`. Fails loudly: those tests never skip.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
[ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || need+=(fonts-ocr-b)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages the tests need: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q && apt-get install -y -q "${need[@]}"
