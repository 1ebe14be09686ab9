#!/usr/bin/env bash
# README's walk-through, runnable as is against a running app: report a breach, read the assessment, record the DPO's
# decision, write the notice texts, upload the recipients, preview, send (queue drain), find the sent e-mails, record
# the authority submission, confirm and dismiss suspected incidents, read the register and the audit chain. Every
# answer is checked (status code and the fields that matter); the first unexpected one stops the script with exit
# status 1, printing what was expected and what came back. Needs bash, curl and python3 (no jq).
#
#   BASE    the app (default http://localhost:7071)
#   KEY     a dpo API key (default local-dpo-key-change-me: the key of local.settings.sample.json, README "Quick start")
#   OUTBOX  the app's .eml outbox folder (Email:Outbox:Directory), checked for the sent notices; default: where
#           `dotnet run --project functions/BreachNotify.FunctionApp` writes it. OUTBOX= (empty) skips the files and
#           relies on the delivery status the API reports (e.g. an app sending through SendGrid).
#   WAIT    seconds to wait for the queued notices to be sent (default 60)
#
# The notices name the organisation, its DPO and the lead authority: the app needs Organisation:Name,
# Organisation:Dpo:Name/Email, Organisation:LeadAuthority (nl) and Organisation:AuthorityNoticeEmail, as in
# local.settings.sample.json.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
BASE="${BASE:-http://localhost:7071}"
BASE="${BASE%/}"
KEY="${KEY:-local-dpo-key-change-me}"
OUTBOX="${OUTBOX-$repo/functions/BreachNotify.FunctionApp/.outbox}"
WAIT="${WAIT:-60}"
RUN="$(date +%s)-$$"   # this run's idempotency keys

for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "walkthrough: needs $tool" >&2; exit 1; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

fail() {
  printf '\nFAILED: %s\n' "$1" >&2
  if [ $# -gt 1 ]; then printf '%s\n' "$2" >&2; fi
  exit 1
}

# call EXPECTED METHOD PATH [curl options...]: the answer's body goes to $work/body, its headers to $work/headers.
call() {
  local expected=$1 method=$2 path=$3 status
  shift 3
  status=$(curl -sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" -H "X-Api-Key: $KEY" "$@" "$BASE$path") \
    || fail "$method $path: no answer from $BASE (is the app running? BASE=$BASE)"
  printf '%s %s -> %s\n' "$method" "$path" "$status"
  if [ "$status" = 401 ] && [ "$expected" != 401 ]; then
    fail "$method $path: expected HTTP $expected, got 401: the app does not accept KEY" \
      "Give KEY a dpo key the app is configured with (README, \"Quick start\": local.settings.sample.json's is local-dpo-key-change-me)."
  fi
  [ "$status" = "$expected" ] || fail "$method $path: expected HTTP $expected, got $status" "$(head -c 3000 "$work/body")"
}

# expect WHAT EXPRESSION: a Python expression over the last answer (j: its JSON, text: its text, t(): an instant,
# now: the current UTC instant, env: the environment) must be true.
expect() {
  python3 - "$work/body" "$1" "$2" <<'PY' || exit 1
import datetime as dt, json, os, sys
path, what, expr = sys.argv[1:4]
text = open(path, encoding="utf-8-sig").read()
try:
    j = json.loads(text)
except ValueError:
    j = None
t = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
now = dt.datetime.now(dt.timezone.utc)
try:
    ok = eval(expr, {"j": j, "text": text, "t": t, "now": now, "env": os.environ, "dt": dt})
except Exception as e:  # a missing field is a failed expectation, not a crash
    ok, why = False, f"{type(e).__name__}: {e}"
else:
    why = None
if not ok:
    print(f"\nFAILED: expected {what}\n  check: {expr}" + (f"\n  error: {why}" if why else "") + f"\n  got: {text[:3000]}", file=sys.stderr)
    sys.exit(1)
print(f"   ok: {what}")
PY
}

# value EXPRESSION: prints a Python expression over the last answer (as for expect).
value() {
  python3 - "$work/body" "$1" <<'PY'
import json, os, sys
j = json.loads(open(sys.argv[1], encoding="utf-8-sig").read())
v = eval(sys.argv[2], {"j": j, "env": os.environ})
print(v if isinstance(v, str) else json.dumps(v))
PY
}

header() { grep -i "^$1:" "$work/headers" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }

# An instant MINUTES minutes ago, ISO 8601 UTC (dates relative to now: the incident is not born overdue).
ago() { python3 -c 'import datetime as d, sys; print((d.datetime.now(d.timezone.utc) - d.timedelta(minutes=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$1"; }

json=(-H 'Content-Type: application/json')

step "The app answers, and KEY is a dpo key"
call 200 GET /api/health
expect 'status ok' 'j["status"] == "ok"'
call 200 GET /api/whoami
expect 'a dpo key (the walk-through records decisions, dismisses and sends notices)' 'j["role"] == "dpo"'

step "What does the engine say about these facts? (stores nothing)"
FACTS='{"breachTypes":["confidentiality"],"dataCategories":["contact","financial"],"dataSubjects":1200,
        "protection":"none","exposure":"unknown-recipients","exfiltration":"unknown","maliciousIntent":true}'
call 200 POST /api/assessments "${json[@]}" -d "$FACTS"
expect 'high risk: notify the authority and the people affected' \
  'j["risk"] == "high" and j["notifyAuthority"] is True and j["notifyDataSubjects"] is True and len(j["reasons"]) > 0'

step "Report the incident: aware two hours ago, so the 72-hour clock has 70 hours left"
export DETECTED_AT="$(ago 180)" AWARE_AT="$(ago 120)"
INCIDENT='{"title":"Laptop stolen from car","description":"Unencrypted laptop with a CRM export",
  "detectedAt":"'"$DETECTED_AT"'","awareAt":"'"$AWARE_AT"'","countries":["NL"],"facts":'"$FACTS"'}'
call 201 POST /api/incidents "${json[@]}" -H "Idempotency-Key: walkthrough-$RUN" -d "$INCIDENT"
export ID="$(value 'j["id"]')"
ETAG="$(header ETag)"
[ "$(header Location)" = "/api/incidents/$ID" ] || fail "Location /api/incidents/$ID" "got: $(header Location)"
[ -n "$ETAG" ] || fail "an ETag header" "$(cat "$work/headers")"
expect 'confirmed, aware when we said, assessed as high risk' \
  'j["status"] == "confirmed" and t(j["awareAt"]) == t(env["AWARE_AT"]) and j["assessment"]["risk"] == "high"'
expect 'the authority deadline 72 hours after awareness, not overdue' \
  '[(t(d["dueAt"]) - t(env["AWARE_AT"]), d["status"]) for d in j["deadlines"] if d["obligation"] == "notify-authority"] == [(dt.timedelta(hours=72), "pending")]'
# The same request again (a retry): the incident created the first time, nothing new.
call 200 POST /api/incidents "${json[@]}" -H "Idempotency-Key: walkthrough-$RUN" -d "$INCIDENT"
expect 'the same incident' 'j["id"] == env["ID"]'

step "Read it with its timeline; list the confirmed incidents"
call 200 GET "/api/incidents/$ID"
expect 'a timeline that starts with its creation and assessment' '[e["action"] for e in j["timeline"]][:2] == ["created", "assessed"]'
call 200 GET "/api/incidents?status=confirmed&page=1"
expect 'it is listed (newest first)' 'env["ID"] in [i["id"] for i in j["items"]]'

step "Change a field with a merge patch; a stale If-Match is refused"
call 200 PATCH "/api/incidents/$ID" -H 'Content-Type: application/merge-patch+json' -H "If-Match: $ETAG" -d '{"owner":"it-security"}'
expect 'owner set' 'j["owner"] == "it-security"'
call 412 PATCH "/api/incidents/$ID" -H 'Content-Type: application/merge-patch+json' -H "If-Match: $ETAG" -d '{"owner":"someone-else"}'

step "The DPO records the decision (as the engine recommends: no override)"
call 200 POST "/api/incidents/$ID/decision" "${json[@]}" \
  -d '{"notifyAuthority":true,"notifyDataSubjects":true,"publicCommunication":false,"rationale":"Contact and bank details of 1,200 customers on a stolen unencrypted laptop"}'
expect 'decision recorded, not an override' \
  'j["decision"]["notifyAuthority"] is True and j["decision"]["notifyDataSubjects"] is True and j["decision"]["isOverride"] is False'

step "What only people can write, in each language the recipients need"
export SUMMARY_NL="Op 1 december is uit de auto van een medewerker een laptop gestolen met daarop een export van ons klantenbestand."
export SUMMARY_EN="On 1 December a laptop holding an export of our customer records was stolen from an employee's car."
call 200 PUT "/api/incidents/$ID/notice-content/nl" "${json[@]}" -d '{"summary":"'"$SUMMARY_NL"'",
  "consequences":"Iemand kan uw naam, contactgegevens en bankrekeningnummer gebruiken voor phishing of fraude.",
  "measures":"We hebben aangifte gedaan, de laptop op afstand geblokkeerd en versleutelen voortaan alle laptops.",
  "advice":"Wees alert op berichten die naar uw bankgegevens vragen en controleer uw rekeningafschriften."}'
expect 'the Dutch texts stored' 'j["summary"] == env["SUMMARY_NL"]'
call 200 PUT "/api/incidents/$ID/notice-content/en" "${json[@]}" -d '{"summary":"'"$SUMMARY_EN"'",
  "consequences":"Someone could use your name, contact details and bank account number for phishing or fraud.",
  "measures":"We reported the theft to the police, locked the laptop remotely and now encrypt every laptop.",
  "advice":"Be wary of messages asking for your bank details and check your bank statements."}'
expect 'the English texts stored' 'j["summary"] == env["SUMMARY_EN"]'
# The authority notice has its own texts, in the third person, in the lead authority's language (NL: Dutch).
export AUTHORITY_NL="Op 1 december is uit de auto van een medewerker een laptop gestolen met daarop een export van het klantenbestand."
call 200 PUT "/api/incidents/$ID/notice-content/nl/authority" "${json[@]}" -d '{"summary":"'"$AUTHORITY_NL"'",
  "consequences":"De klanten lopen risico op phishing en fraude met hun naam, contactgegevens en bankrekeningnummer.",
  "measures":"Aangifte gedaan, de laptop op afstand geblokkeerd; voortaan worden alle laptops versleuteld."}'
expect 'the Dutch texts for the authority stored' 'j["summary"] == env["AUTHORITY_NL"]'

step "Upload the people affected (the same file twice adds nothing)"
printf 'email,name,language,country,kind,externalId\nanna@example.nl,Anna,nl,NL,data-subject,c-1\nben@example.com,Ben,en,NL,data-subject,c-2\n' > "$work/people.csv"
call 200 POST "/api/incidents/$ID/recipients" -H 'Content-Type: text/csv' --data-binary "@$work/people.csv"
expect 'two accepted, none rejected' 'j["accepted"] == 2 and j["duplicates"] == 0 and j["rejectedCount"] == 0'
call 200 POST "/api/incidents/$ID/recipients" -H 'Content-Type: text/csv' --data-binary "@$work/people.csv"
expect 'two duplicates, nothing new' 'j["accepted"] == 0 and j["duplicates"] == 2'
call 200 GET "/api/incidents/$ID/recipients"
expect 'two recipients, one Dutch, one English' 'j["total"] == 2 and (j["byLanguage"]["nl"], j["byLanguage"]["en"]) == (1, 1)'

step "Preview exactly what will be sent"
for lang in nl en; do
  call 200 GET "/api/incidents/$ID/notices/preview?kind=data-subjects&language=$lang"
  expect "the $lang notice with our summary" "j['language'] == '$lang' and j['subject'] and env['SUMMARY_' + '$lang'.upper()] in j['text']"
  cp "$work/body" "$work/preview-$lang.json"
done
call 200 GET "/api/incidents/$ID/notices/preview?kind=authority"
expect 'the notice to the Dutch authority, in Dutch, with its own texts' 'j["kind"] == "authority" and j["language"] == "nl" and "Autoriteit Persoonsgegevens" in j["text"] and env["AUTHORITY_NL"] in j["text"]'
cp "$work/body" "$work/preview-authority.json"

step "Send: notices are written as jobs and queued (the same Idempotency-Key creates nothing new)"
call 202 POST "/api/incidents/$ID/notifications" "${json[@]}" -H "Idempotency-Key: walkthrough-$RUN-people" -d '{"kind":"data-subjects","phase":"initial"}'
expect 'one job per language, two recipients' 'j["jobs"] == 2 and j["recipients"] == 2'
export PEOPLE_NOTIFICATION="$(value 'j["notificationId"]')"
call 202 POST "/api/incidents/$ID/notifications" "${json[@]}" -H "Idempotency-Key: walkthrough-$RUN-people" -d '{"kind":"data-subjects","phase":"initial"}'
expect 'the same notification' 'j["notificationId"] == env["PEOPLE_NOTIFICATION"]'
call 202 POST "/api/incidents/$ID/notifications" "${json[@]}" -H "Idempotency-Key: walkthrough-$RUN-authority" -d '{"kind":"authority"}'
expect 'one notice to the authority mailbox' 'j["jobs"] == 1 and j["recipients"] == 1'

step "The queue drain sends them (timer SendQueuedNotices, every 10 s; run now through the admin endpoint)"
deadline=$((SECONDS + WAIT))
while :; do
  call 202 POST /admin/functions/SendQueuedNotices "${json[@]}" -d '{"input":""}'
  call 200 GET "/api/incidents/$ID/notifications"
  if [ "$(value 'all(n["status"] == "completed" for n in j["items"])')" = true ]; then break; fi
  [ $SECONDS -lt $deadline ] || fail "every notification completed within $WAIT s" "$(head -c 3000 "$work/body")"
  sleep 1
done
expect 'both notifications sent to every recipient, none failed' \
  'len(j["items"]) == 2 and all(n["recipientsByStatus"]["failed"] == 0 and n["recipientsByStatus"]["queued"] == 0 and n["recipientsByStatus"]["sent"] + n["recipientsByStatus"]["delivered"] == n["recipients"] for n in j["items"])'
cp "$work/body" "$work/notifications.json"

step "What was sent is what was previewed"
python3 - "$work" "$OUTBOX" <<'PY' || exit 1
import email, email.policy, glob, hashlib, json, os, sys
work, outbox = sys.argv[1:3]
load = lambda name: json.load(open(os.path.join(work, name), encoding="utf-8"))
previews = {l: load(f"preview-{l}.json") for l in ("nl", "en")}
previews["authority"] = load("preview-authority.json")
people = {"nl": ("anna@example.nl", "Anna"), "en": ("ben@example.com", "Ben")}
problems = []
jobs = [(n["kind"], job) for n in load("notifications.json")["items"] for job in n["jobs"]]
for kind, job in jobs:
    preview = previews["authority" if kind == "authority" else job["language"]]
    if job["bodySha256"] != preview["bodySha256"]:
        problems.append(f"{job['jobId']} ({kind}, {job['language']}): sent body hash {job['bodySha256']}, previewed {preview['bodySha256']}")
if not outbox:
    print("   ok: the API reports each job sent with the previewed body (OUTBOX empty: the .eml files are not checked)")
elif not os.path.isdir(outbox):
    problems.append(f"no outbox folder {outbox}: set OUTBOX to the app's Email:Outbox:Directory, or OUTBOX= to skip the files")
else:
    for kind, job in jobs:
        files = sorted(glob.glob(os.path.join(outbox, job["jobId"] + "-*.eml")))
        if kind == "data-subjects":
            address, name = people[job["language"]]
            # One file per recipient: {job id}-{first 16 hex of SHA-256(lower-case address)}.eml
            expected = os.path.join(outbox, f"{job['jobId']}-{hashlib.sha256(address.lower().encode()).hexdigest()[:16]}.eml")
            files = [f for f in files if f == expected] or files
        if len(files) != 1:
            problems.append(f"{job['jobId']} ({kind}): expected 1 .eml file in {outbox}, found {len(files)}")
            continue
        msg = email.message_from_binary_file(open(files[0], "rb"), policy=email.policy.default)
        preview = previews["authority" if kind == "authority" else job["language"]]
        body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        if str(msg["Subject"]) != preview["subject"]:
            problems.append(f"{files[0]}: subject {msg['Subject']!r}, previewed {preview['subject']!r}")
        if kind == "data-subjects":
            greeting, _, rest = body.partition("\n")
            if address not in str(msg["To"]) or name not in greeting:
                problems.append(f"{files[0]}: to {msg['To']!r}, greeting {greeting!r}: expected {name} <{address}>")
            if rest != preview["text"].partition("\n")[2]:
                problems.append(f"{files[0]}: the text after the greeting differs from the preview")
        elif body != preview["text"]:
            problems.append(f"{files[0]}: the text differs from the preview")
if problems:
    print("\nFAILED: the sent notices are the previewed ones\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
if outbox:
    print(f"   ok: {len(jobs)} .eml files in {outbox}, each as previewed")
PY

step "The authority took the notice through its portal: record its reference (a retry records nothing new)"
call 201 POST "/api/incidents/$ID/authority-submissions" "${json[@]}" -d '{"reference":"AP-2026-0042"}'
expect 'submitted in time' 'j["reference"] == "AP-2026-0042" and j["inTime"] is True'
call 200 POST "/api/incidents/$ID/authority-submissions" "${json[@]}" -d '{"reference":"AP-2026-0042"}'
expect 'the same submission' 'j["reference"] == "AP-2026-0042"'
call 200 GET "/api/incidents/$ID"
expect 'notified: the authority and the people affected told in time' \
  'j["status"] == "notified" and {d["obligation"]: d["status"] for d in j["deadlines"] if d["obligation"] in ("notify-authority", "notify-data-subjects")} == {"notify-authority": "met", "notify-data-subjects": "met"}'

step "A monitor's alert is only suspected: a person confirms it (the clock starts) ..."
call 201 POST /api/incidents "${json[@]}" -d '{"title":"Unusual export from the CRM","detectedAt":"'"$(ago 60)"'"}'
expect 'suspected, no clock yet' 'j["status"] == "suspected" and j["awareAt"] is None'
export SUSPECTED="$(value 'j["id"]')" CONFIRMED_AT="$(ago 30)"
call 200 POST "/api/incidents/$SUSPECTED/confirm" "${json[@]}" -d '{"awareAt":"'"$CONFIRMED_AT"'","note":"Confirmed by IT"}'
expect 'confirmed, aware from then' 'j["status"] == "confirmed" and t(j["awareAt"]) == t(env["CONFIRMED_AT"])'

step "... or the DPO dismisses it (not a personal data breach)"
call 201 POST /api/incidents "${json[@]}" -d '{"title":"Phishing mail reported by staff","detectedAt":"'"$(ago 45)"'"}'
expect 'suspected' 'j["status"] == "suspected"'
export DISMISSED="$(value 'j["id"]')"
call 200 POST "/api/incidents/$DISMISSED/dismiss" "${json[@]}" -d '{"reason":"Nobody clicked; no personal data involved"}'
expect 'dismissed, with the reason' 'j["status"] == "dismissed" and j["dismissalReason"] == "Nobody clicked; no personal data involved"'

step "The timeline's hash chain holds; the breach register (Art 33(5)) lists every incident"
call 200 GET "/api/incidents/$ID/audit"
expect 'a valid chain' 'j["valid"] is True and j["broken"] is False and j["headHash"]'
export HEAD_HASH="$(value 'j["headHash"]')"
call 200 GET /api/register
expect 'the notified incident with its decision and head hash' \
  '[(e["status"], e["notifyAuthority"], e["notifyDataSubjects"], e["isOverride"], e["headHash"]) for e in j["items"] if e["id"] == env["ID"]] == [("notified", True, True, False, env["HEAD_HASH"])]'
expect 'the dismissed one with its reason' \
  '[(e["status"], e["dismissalReason"]) for e in j["items"] if e["id"] == env["DISMISSED"]] == [("dismissed", "Nobody clicked; no personal data involved")]'
call 200 GET /api/register.csv
expect 'the same as CSV' 'text.startswith("id,title,status") and any(l.startswith(env["ID"] + ",") and ",notified," in l for l in text.splitlines())'

printf '\nwalk-through passed: incident %s notified (2 people, the authority), %s confirmed, %s dismissed\n' "$ID" "$SUSPECTED" "$DISMISSED"
