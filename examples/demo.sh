#!/usr/bin/env bash
# A walk through casefile with made-up data, in a throw-away store.
#
# Builds casefile if needed, creates a temporary store, sets a profile, opens a harassment case,
# logs three messages (one with a screenshot, one read from stdin), walks the case up the ladder
# (ignore, block, report, indemnifier), records the platform's first answer, and shows the case,
# what is due and an fsck of the store. A second, threat case shows the police branch. Then the
# platforms' own exports in examples/exports (an SMS backup, a Facebook download, a WhatsApp
# chat and an X archive) are scanned, and only one abuser's messages are imported from all four
# into one case, with their media and provenance. Finally the first case goes out as signed
# evidence packages, for Instagram and for the indemnifier, and both are verified.
#
# Everything here is synthetic: the doctor, the accounts, the numbers and the messages are invented.
# Run it from anywhere:  ./examples/demo.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
screenshot="$here/screenshot.png"
sms_backup="$here/exports/sms-20261124080000.xml"
facebook_zip="$here/exports/facebook-drexample-20261124.zip"
whatsapp_chat="$here/exports/WhatsApp Chat with Ciaran Murphy.txt"
x_archive="$here/exports/twitter-2026-11-24-drexample.zip"

# Times typed without a zone are read in TZ; fix it so that the demo reads the same everywhere.
export TZ=Europe/Dublin

echo "== Building casefile (swift build)"
swift build --package-path "$root" >&2
casefile_bin="$(swift build --package-path "$root" --show-bin-path)/casefile"
[ -x "$casefile_bin" ] || { echo "demo: no casefile binary at $casefile_bin" >&2; exit 1; }

# A private, throw-away store. mktemp -d makes the directory readable by you alone.
workdir="$(mktemp -d "${TMPDIR:-/tmp}/casefile-demo.XXXXXX")"
export CASEFILE_STORE="$workdir/store"

# Quotes arguments the way you would type them in a shell.
quoted() {
  local out="" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:@+=,-]+$ ]]; then out+=" $arg"; else out+=" '${arg//\'/\'\\\'\'}'"; fi
  done
  printf '%s' "${out# }"
}
# Prints a casefile command as typed, then runs it.
casefile() {
  printf '\n$ casefile %s\n' "$(quoted "$@")"
  "$casefile_bin" "$@"
}
section() {
  printf '\n== %s\n' "$1"
}

# Dates relative to today, so that nothing is ever in the future: D6 is six days ago, and so on.
day() { date -d "$1 days ago" +%Y-%m-%d; }
D6="$(day 6)"; D5="$(day 5)"; D4="$(day 4)"; D3="$(day 3)"; D2="$(day 2)"

section "A new store, and the doctor's profile (used in the indemnifier's case file)"
echo "Store: $CASEFILE_STORE (from \$CASEFILE_STORE); TZ=$TZ"
casefile init
casefile profile set --name "Dr Example Clinician" --registration "EX-000000" \
  --indemnifier "Example Medical Defence" --membership "EMD-0000-0000" \
  --indemnifier-contact "advice line (example only)" --contact "practice office line (example only)" \
  --account facebook:"Dr Example Clinician"
casefile profile show

section "Open a case"
casefile case open "Abusive Instagram messages after a local news story" --category harassment --severity high \
  | tee "$workdir/opened.txt"
case1="$(sed -n 's/^Opened //p' "$workdir/opened.txt")"
rm -f "$workdir/opened.txt"

section "Log the messages: keep everything, reply to nothing"
# 1. A direct message, with a screenshot. No zone in --at: it is read in TZ and recorded as assumed.
casefile log --case "$case1" --platform instagram --kind dm \
  --author @example_troll_01 --author-name "Example Troll" \
  --at "$D6 14:03" \
  --text "You are a disgrace to your profession. Everyone will hear about you." \
  --attach "$screenshot"

# 2. A comment whose text arrives on stdin (as when pasting from the clipboard). The zone is stated.
text2="Close your clinic or I will keep posting about you every day."
args2=(log --case "$case1" --platform instagram --kind comment --author example_troll_01
  --at "$D5 09:15:30 Europe/Dublin" --url "https://instagram.example/p/EXAMPLE0001")
printf '\n$ echo %s | casefile %s\n' "$(quoted "$text2")" "$(quoted "${args2[@]}")"
echo "$text2" | "$casefile_bin" "${args2[@]}"

# 3. A second account, with a UTC offset in --at.
casefile log --case "$case1" --platform instagram --kind dm --author @example_troll_02 \
  --at "$D5 21:40+00:00" --text "Nobody trusts you. Quit now."

casefile actor list

section "A private note (confidential: never sent to a platform)"
casefile note --case "$case1" "Spoke to the practice manager; nothing to be said publicly."

section "The ladder: ignore, block, report, indemnifier"
casefile step ignore --case "$case1" --on "$D6" --decision "Not replying to any message or comment"
casefile step block --case "$case1" --on "$D5" --action block
casefile step report --case "$case1" --on "$D5" --platform instagram --channel in-app \
  --reference IG-EXAMPLE-0001 --policy "bullying and harassment"
casefile outcome --case "$case1" pending --on "$D4" --note "Automated acknowledgement; under review"
casefile step indemnifier --case "$case1" --on "$D3" --reference EMD-CASE-EXAMPLE \
  --spoke-to "Example adviser" --advice "Do not respond; keep the evidence; tell us of any threat."

section "A second case: a threat, where the police come early in the ladder"
casefile case open "Threatening text messages" --category threat --severity critical | tee "$workdir/opened.txt"
case2="$(sed -n 's/^Opened //p' "$workdir/opened.txt")"
rm -f "$workdir/opened.txt"
casefile log --case "$case2" --platform sms --kind sms --author "+44 7700 900123" \
  --at "$D2 22:10" --text "I know which car is yours. Watch yourself."
casefile step ignore --case "$case2" --on "$D2"
casefile due
casefile step police --case "$case2" --on "$D2" --force "Example Police Service" --incident "INC-EXAMPLE-0001"

section "Import from the platforms' own exports: scan first, then import only the abuser"
# Abuse often spans platforms. One person has written by text, on Messenger, on WhatsApp and on X:
# a case of its own gathers all four, each import with its provenance.
casefile case open "One person across texts, Messenger, WhatsApp and X" --category harassment --severity high \
  | tee "$workdir/opened.txt"
case3="$(sed -n 's/^Opened //p' "$workdir/opened.txt")"
rm -f "$workdir/opened.txt"

# The phone's SMS backup holds every conversation, many of them private. scan reads it without
# storing anything and prints counts, never message text, so the sender can be found.
casefile scan "$sms_backup" --contains surgery
# Only that number's messages go into the case; everyone else is skipped and stored nowhere.
casefile import "$sms_backup" --case "$case3" --from "+44 7700 900321" --dry-run
casefile import "$sms_backup" --case "$case3" --from "+44 7700 900321"
# The same backup again adds nothing twice.
casefile import "$sms_backup" --case "$case3" --from "+44 7700 900321"

# The Facebook download (a zip, HTML variant), and the WhatsApp chat exported from the phone.
casefile scan "$facebook_zip" --contains review
casefile import "$facebook_zip" --case "$case3" --from "Ciaran Murphy"
casefile import "$whatsapp_chat" --case "$case3" --from "Ciaran Murphy"
# The X archive names other people by their numeric user id only: scan shows which id wrote the
# messages (and which are yours, told apart by the archive's account.js), then import that id.
casefile scan "$x_archive" --contains everyone
casefile import "$x_archive" --case "$case3" --from 1590000000000000321
casefile case show "$case3"

section "The doctor's own view of the first case (message texts and private notes included)"
casefile case show "$case1"

section "What is due"
casefile case list
casefile due
# With a shorter wait, the Instagram report (answered only 'pending') is listed too.
casefile due --days 2

section "Check the store, and back it up safely"
casefile fsck
casefile backup "$workdir/backup"
# The copy is a store of its own; --store points any command at it.
casefile case list --store "$workdir/backup"

section "Send the evidence on: a signed package for Instagram, and the case file for the indemnifier"
# One signing key per store; its fingerprint goes to recipients by another channel.
casefile keys init
fingerprint="$("$casefile_bin" keys show --json | sed -n 's/.*"fingerprint" *: *"\([0-9a-f]*\)".*/\1/p')"
# What would stop a platform export (wording that could reveal a patient relationship), first.
casefile lint --case "$case1" --for platform
casefile export --case "$case1" --for platform --out "$workdir/$case1-instagram.zip"
casefile export --case "$case1" --for indemnifier --out "$workdir/$case1-indemnifier.zip"
casefile verify "$workdir/$case1-instagram.zip" --fingerprint "$fingerprint"
casefile verify "$workdir/$case1-indemnifier.zip" --fingerprint "$fingerprint"
# Text to paste into Instagram's report form, and the request for advice.
casefile draft report --case "$case1" --platform instagram
casefile draft indemnifier --case "$case1" --bundle "$workdir/$case1-indemnifier.zip"
# A recipient without casefile sets PKG to the package's name and pastes the commands that
# VERIFY.txt holds between its two scissor lines; here they run on the Instagram package.
section "What a recipient without casefile runs: the commands in the package's VERIFY.txt"
unzip -p "$workdir/$case1-instagram.zip" VERIFY.txt |
  sed -n '/^------8<------ copy from/,/^------8<------ to the line above/p' | sed '1d;$d' >"$workdir/recipient-check.sh"
(cd "$workdir" && PKG="$case1-instagram.zip" bash "$workdir/recipient-check.sh")

cat <<EOF

== Where everything is
Store directory:  $CASEFILE_STORE
Database:         $CASEFILE_STORE/casefile.sqlite  (SQLite, WAL mode)
Attachments:      $CASEFILE_STORE/blobs/<first 2 hex digits>/<sha256>, here:
$(find "$CASEFILE_STORE/blobs" -path "$CASEFILE_STORE/blobs/tmp" -prune -o -type f -print | sort | sed 's/^/                  /')
Backup copy:      $workdir/backup
Packages:         $workdir/$case1-instagram.zip and $workdir/$case1-indemnifier.zip
To look around:   export CASEFILE_STORE='$CASEFILE_STORE' TZ=$TZ; $casefile_bin case list
Everything above is synthetic. To remove it:
  rm -rf '$workdir'
EOF
