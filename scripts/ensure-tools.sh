#!/usr/bin/env bash
# Make sure the Debian packages the tests drive are here; install what is missing.
# Pango and DejaVu for the PDF reports,
# Chromium for the browser tests (through Playwright, never `playwright install`), tesseract
# and the OCR-B font for `borderpost document read`, Go and golang.org/x/mod (its sumdb/note
# checks an attestation statement, an implementation not ours). Fails loudly: those tests never
# skip.
# With --runtime, only what the server itself needs: Pango and the DejaVu fonts for the PDF
# reports (WeasyPrint), for `make run`.
set -euo pipefail
need=()
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ "${1:-}" != "--runtime" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v tesseract >/dev/null || need+=(tesseract-ocr)
  [ -f /usr/share/fonts/opentype/ocr-b/OCRB.otf ] || need+=(fonts-ocr-b)
  command -v go >/dev/null || need+=(golang-go)
  [ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/note ] || need+=(golang-golang-x-mod-dev)
fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
echo "Installing Debian packages the tests need: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q && apt-get install -y -q "${need[@]}"
