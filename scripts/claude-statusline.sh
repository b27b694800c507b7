#!/bin/sh
# Claude Code status line for @claude-usage/node-red-claude-usage (claude-statusline node).
#
# Set as Claude Code's statusLine command (~/.claude/settings.json):
#   "statusLine": { "type": "command", "command": "sh ~/.claude/claude-statusline.sh" },
#   "env": { "CLAUDE_USAGE_URL": "http://nodered.local:1880/claude-usage/statusline",
#            "CLAUDE_USAGE_TOKEN": "<the node's token>" }
# Optional: CLAUDE_USAGE_NEXT   an existing status-line command; its output is printed instead,
#                               fed the same stdin.
#           CLAUDE_USAGE_HOST   the name this machine reports (default: its host name).
#
# Prints one status line (5h 42% ↻ 1h12m · 7d 18%) and posts only rate_limits, session_id,
# model, version, cost and context_window, picked by name, in the background with a 2-second
# limit. The token and URL go to curl through its config on stdin, never on its command line.
# Needs sh and curl; jq is used when present, with the same result. Always exits 0.

input=$(cat)

# Top-level members of a JSON object, by name, as raw JSON text; and the status line.
# POSIX awk: walks the text once, minding strings and nesting; `srand()` gives the time.
AWK_JSON='
function skipws(s, i) { while (i <= length(s) && index(" \t\r\n", substr(s, i, 1))) i++; return i }
function strend(s, i,   c) { i++; while (i <= length(s)) { c = substr(s, i, 1); if (c == "\\") i += 2; else if (c == "\"") return i; else i++ } return 0 }
function valend(s, i,   c, d) {
  c = substr(s, i, 1)
  if (c == "\"") return strend(s, i)
  if (c == "{" || c == "[") {
    d = 0
    while (i <= length(s)) {
      c = substr(s, i, 1)
      if (c == "\"") { i = strend(s, i); if (!i) return 0 }
      else if (c == "{" || c == "[") d++
      else if (c == "}" || c == "]") { d--; if (d == 0) return i }
      i++
    }
    return 0
  }
  while (i <= length(s) && !index(",}] \t\r\n", substr(s, i, 1))) i++
  return i - 1
}
# Fills m[key] with the raw value of each member of the object s; returns the member count.
function members(s, m,   i, k, e, n) {
  split("", m); n = 0
  i = skipws(s, 1); if (substr(s, i, 1) != "{") return 0
  i = skipws(s, i + 1)
  while (i <= length(s) && substr(s, i, 1) == "\"") {
    e = strend(s, i); if (!e) return n
    k = substr(s, i + 1, e - i - 1)
    i = skipws(s, e + 1); if (substr(s, i, 1) != ":") return n
    i = skipws(s, i + 1); e = valend(s, i); if (!e) return n
    m[k] = substr(s, i, e - i + 1); n++
    i = skipws(s, e + 1); if (substr(s, i, 1) == ",") i = skipws(s, i + 1)
  }
  return n
}
# The text of a JSON string, for display: \" and \\ undone, other escapes dropped.
function unquote(v,   out, i, c) {
  if (substr(v, 1, 1) != "\"") return v
  v = substr(v, 2, length(v) - 2); out = ""
  for (i = 1; i <= length(v); i++) {
    c = substr(v, i, 1)
    if (c == "\\") { i++; c = substr(v, i, 1); if (c == "u") { i += 4; c = "" } else if (c != "\"" && c != "\\" && c != "/") c = "" }
    out = out c
  }
  return out
}
function civil(y, mo, d) { if (mo <= 2) { y--; mo += 12 } return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (mo - 3) + 2) / 5) + d - 719469 }
# resets_at (epoch seconds, a numeric string or ISO text) → epoch seconds, or -1.
function epoch(v,   t, z, off) {
  v = unquote(v)
  if (v ~ /^[0-9]+(\.[0-9]+)?$/) { t = v + 0; return t > 1e11 ? int(t / 1000) : int(t) }
  if (v !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]/) return -1
  t = civil(substr(v, 1, 4) + 0, substr(v, 6, 2) + 0, substr(v, 9, 2) + 0) * 86400 + substr(v, 12, 2) * 3600 + substr(v, 15, 2) * 60
  if (substr(v, 17, 1) == ":") t += substr(v, 18, 2)
  z = v; sub(/^[^T ]*[T ][0-9:.]*/, "", z); off = 0
  if (z ~ /^[+-][0-9][0-9]:?[0-9][0-9]$/) { off = substr(z, 2, 2) * 3600 + substr(z, length(z) - 1, 2) * 60; if (substr(z, 1, 1) == "+") off = -off }
  return t + off
}
function span(sec,   d, h, m) {
  if (sec < 0) sec = 0
  d = int(sec / 86400); h = int((sec % 86400) / 3600); m = int((sec % 3600) / 60)
  if (d > 0) return d "d" h "h"
  if (h > 0) return h "h" m "m"
  return m "m"
}
function window(rl, key, label, withReset,   w, p, r, out) {
  if (!(key in rl) || !members(rl[key], w) || !("used_percentage" in w)) return ""
  p = unquote(w["used_percentage"]); if (p !~ /^[0-9]+(\.[0-9]+)?$/) return ""
  out = label " " sprintf("%.0f", p) "%"
  if (withReset && ("resets_at" in w)) { r = epoch(w["resets_at"]); if (r > 0) out = out " ↻ " span(r - now) }
  return out
}
{ text = text $0 "\n" }
END {
  members(text, top)
  if (mode == "pick") {
    n = split("rate_limits session_id model version cost context_window", want, " "); out = ""
    for (j = 1; j <= n; j++) if ((want[j] in top) && top[want[j]] != "null") out = out (out == "" ? "" : ",") "\"" want[j] "\":" top[want[j]]
    gsub(/[\r\n]/, "", out)
    print "{" out "}"
    exit
  }
  srand(); now = srand()
  line = ""
  if ("rate_limits" in top && members(top["rate_limits"], rl)) {
    a = window(rl, "five_hour", "5h", 1); b = window(rl, "seven_day", "7d", 0)
    line = a; if (b != "") line = line (line == "" ? "" : " · ") b
  }
  if (line == "" && ("model" in top) && members(top["model"], md) && ("display_name" in md)) line = unquote(md["display_name"])
  if (line == "") line = "Claude Code"
  print line
}'

if [ -n "$CLAUDE_USAGE_NEXT" ]; then
  printf '%s' "$input" | sh -c "$CLAUDE_USAGE_NEXT" 2>/dev/null
else
  printf '%s' "$input" | LC_ALL=C awk -v mode=line "$AWK_JSON" 2>/dev/null
fi

if [ -n "$CLAUDE_USAGE_URL" ] && [ -n "$CLAUDE_USAGE_TOKEN" ] && command -v curl >/dev/null 2>&1; then
  if command -v jq >/dev/null 2>&1; then
    body=$(printf '%s' "$input" | jq -c '{rate_limits, session_id, model, version, cost, context_window} | with_entries(select(.value != null))' 2>/dev/null)
  fi
  [ -n "$body" ] || body=$(printf '%s' "$input" | LC_ALL=C awk -v mode=pick "$AWK_JSON" 2>/dev/null)
  host=${CLAUDE_USAGE_HOST:-$(hostname 2>/dev/null || uname -n 2>/dev/null)}
  host=$(printf '%s' "${host:-unknown}" | tr -cd 'A-Za-z0-9._ @()-' | cut -c1-64)
  # curl config strings: backslashes and double quotes escaped.
  esc() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g'; }
  (
    printf 'url = "%s"\nheader = "Authorization: Bearer %s"\nheader = "Content-Type: application/json"\nheader = "X-Claude-Host: %s"\ndata-binary = "%s"\n' \
      "$(esc "$CLAUDE_USAGE_URL")" "$(esc "$CLAUDE_USAGE_TOKEN")" "$(esc "$host")" "$(esc "$body")" |
      curl -s -o /dev/null --max-time 2 --proto =http,https -K -
  ) </dev/null >/dev/null 2>&1 &
fi
exit 0
