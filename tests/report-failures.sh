#!/usr/bin/env bash
# Prints every failed test from the .trx files under $1 (what `make test` writes), so that the end of a long,
# interleaved `dotnet test` log names what failed and why. Exits 0; the caller keeps the test run's status.
set -u
dir="${1:-artifacts/test-results}"
shopt -s nullglob
files=("$dir"/*.trx)
if [ ${#files[@]} -eq 0 ]; then
    echo "report-failures: no .trx files under $dir (a test host may have crashed before writing one)"
    exit 0
fi
echo "=================== failed tests ==================="
for trx in "${files[@]}"; do
    awk -v file="$(basename "$trx")" '
        function unescape(s) {
            gsub(/&#xD;/, "", s); gsub(/&#xA;/, "\n", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
            gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&amp;/, "\\&", s); return s
        }
        /<UnitTestResult / && /outcome="Failed"/ {
            failed = 1; lines = 0
            name = $0; sub(/.*testName="/, "", name); sub(/".*/, "", name)
            print "FAILED " unescape(name) "  (" file ")"
            next
        }
        failed && /<\/UnitTestResult>/ { failed = 0; print ""; next }
        failed && /<Message>|<StackTrace>/ { show = 1 }
        failed && show && lines < 120 {
            line = $0; gsub(/<\/?(Message|StackTrace|ErrorInfo)>/, "", line)
            print "    " unescape(line); lines++
        }
        failed && /<\/Message>|<\/StackTrace>/ { show = 0 }
    ' "$trx"
done
echo "===================================================="
