# Claude Code status line for @claude-usage/node-red-claude-usage (claude-statusline node).
# Windows PowerShell 5.1 and PowerShell 7.
#
# Set as Claude Code's statusLine command (%USERPROFILE%\.claude\settings.json):
#   "statusLine": { "type": "command",
#     "command": "powershell -NoProfile -ExecutionPolicy Bypass -File C:\\Users\\me\\.claude\\claude-statusline.ps1" },
#   "env": { "CLAUDE_USAGE_URL": "http://nodered.local:1880/claude-usage/statusline",
#            "CLAUDE_USAGE_TOKEN": "<the node's token>" }
# Optional: CLAUDE_USAGE_NEXT   an existing status-line command (run by cmd.exe, or sh elsewhere);
#                               its output is printed instead, fed the same stdin.
#           CLAUDE_USAGE_HOST   the name this machine reports (default: its computer name).
#
# Prints one status line (5h 42% ↻ 1h12m · 7d 18%) and posts only rate_limits, session_id,
# model, version, cost and context_window, picked by name, from a hidden background process
# with a 2-second limit. The token reaches that process through the environment it inherits,
# never on a command line. Always exits 0.

$ErrorActionPreference = 'Stop'
$utf8 = New-Object System.Text.UTF8Encoding $false
try { [Console]::InputEncoding = $utf8 } catch { }
try { [Console]::OutputEncoding = $utf8 } catch { }
$OutputEncoding = $utf8

$inputText = ''
try { $inputText = [Console]::In.ReadToEnd() } catch { }
$data = $null
try { $data = $inputText | ConvertFrom-Json } catch { }
if ($data -isnot [System.Management.Automation.PSCustomObject]) { $data = $null }

function Get-Field($object, [string]$name) {
  if ($null -eq $object -or $object -isnot [System.Management.Automation.PSCustomObject]) { return $null }
  $p = $object.PSObject.Properties[$name]
  if ($null -eq $p) { return $null }
  return $p.Value
}

# resets_at (epoch seconds or milliseconds, a numeric string, or ISO text; PowerShell 7 reads
# ISO text as a DateTime) -> seconds from now, or $null.
function Get-SecondsUntil($value) {
  if ($null -eq $value) { return $null }
  $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
  if ($value -is [DateTime]) { return ([DateTimeOffset]$value).ToUnixTimeSeconds() - $now }
  $n = 0.0
  $text = [string]$value
  if ([double]::TryParse($text, [Globalization.NumberStyles]::Float, [Globalization.CultureInfo]::InvariantCulture, [ref]$n)) {
    if ($n -gt 1e11) { $n = $n / 1000 }
    return [long][Math]::Floor($n) - $now
  }
  $t = [DateTimeOffset]::MinValue
  if ([DateTimeOffset]::TryParse($text, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AssumeUniversal, [ref]$t)) {
    return $t.ToUnixTimeSeconds() - $now
  }
  return $null
}

function Format-Span([long]$seconds) {
  if ($seconds -lt 0) { $seconds = 0 }
  $d = [Math]::Floor($seconds / 86400); $h = [Math]::Floor(($seconds % 86400) / 3600); $m = [Math]::Floor(($seconds % 3600) / 60)
  if ($d -gt 0) { return "${d}d${h}h" }
  if ($h -gt 0) { return "${h}h${m}m" }
  return "${m}m"
}

function Format-Window($limits, [string]$key, [string]$label, [bool]$withReset) {
  $w = Get-Field $limits $key
  $p = Get-Field $w 'used_percentage'
  $n = 0.0
  if ($null -eq $p -or -not [double]::TryParse([string]$p, [Globalization.NumberStyles]::Float, [Globalization.CultureInfo]::InvariantCulture, [ref]$n)) { return '' }
  $out = $label + ' ' + [Math]::Round($n).ToString([Globalization.CultureInfo]::InvariantCulture) + '%'
  if ($withReset) {
    $s = Get-SecondsUntil (Get-Field $w 'resets_at')
    if ($null -ne $s) { $out += ' ' + [char]0x21BB + ' ' + (Format-Span $s) }
  }
  return $out
}

# The status line: the user's own command, or the limits, or the model, or "Claude Code".
try {
  if ($env:CLAUDE_USAGE_NEXT) {
    # a native command's stderr must not stop the script (Windows PowerShell 5.1 turns it into errors)
    $ErrorActionPreference = 'Continue'
    if (($PSVersionTable.PSVersion.Major -lt 6) -or $IsWindows) { $inputText | & cmd.exe /d /s /c $env:CLAUDE_USAGE_NEXT 2>$null | ForEach-Object { [Console]::Out.WriteLine($_) } }
    else { $inputText | & sh -c $env:CLAUDE_USAGE_NEXT 2>$null | ForEach-Object { [Console]::Out.WriteLine($_) } }
  } else {
    $limits = Get-Field $data 'rate_limits'
    $parts = @((Format-Window $limits 'five_hour' '5h' $true), (Format-Window $limits 'seven_day' '7d' $false)) | Where-Object { $_ -ne '' }
    $line = $parts -join (' ' + [char]0x00B7 + ' ')
    if ($line -eq '') { $line = [string](Get-Field (Get-Field $data 'model') 'display_name') }
    if ($line -eq '') { $line = 'Claude Code' }
    [Console]::Out.WriteLine($line)
  }
} catch { }
$ErrorActionPreference = 'Stop'

# The post, from a hidden process that outlives this one.
try {
  if ($env:CLAUDE_USAGE_URL -and $env:CLAUDE_USAGE_TOKEN) {
    $picked = [ordered]@{}
    foreach ($name in 'rate_limits', 'session_id', 'model', 'version', 'cost', 'context_window') {
      $v = Get-Field $data $name
      if ($null -ne $v) { $picked[$name] = $v }
    }
    $hostName = $env:CLAUDE_USAGE_HOST
    if (-not $hostName) { $hostName = [Environment]::MachineName }
    $hostName = ($hostName -replace '[^A-Za-z0-9._ @()-]', '')
    if ($hostName.Length -gt 64) { $hostName = $hostName.Substring(0, 64) }
    if ($hostName -eq '') { $hostName = 'unknown' }
    $env:CLAUDE_USAGE_BODY = ConvertTo-Json -InputObject $picked -Compress -Depth 8
    $env:CLAUDE_USAGE_SENDER = $hostName
    $post = @'
$ProgressPreference = 'SilentlyContinue'
try {
  $body = [Text.Encoding]::UTF8.GetBytes($env:CLAUDE_USAGE_BODY)
  $headers = @{ Authorization = 'Bearer ' + $env:CLAUDE_USAGE_TOKEN; 'X-Claude-Host' = $env:CLAUDE_USAGE_SENDER }
  Invoke-WebRequest -Uri $env:CLAUDE_USAGE_URL -Method Post -Headers $headers -ContentType 'application/json' -Body $body -TimeoutSec 2 -UseBasicParsing | Out-Null
} catch { }
'@
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($post))
    $exe = (Get-Process -Id $PID).Path
    $arguments = @('-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', $encoded)
    if (($PSVersionTable.PSVersion.Major -lt 6) -or $IsWindows) {
      # ShellExecute: the new process inherits the environment but none of this one's handles,
      # so Claude Code's pipe closes when this script ends.
      Start-Process -FilePath $exe -ArgumentList $arguments -WindowStyle Hidden | Out-Null
    } else {
      Start-Process -FilePath $exe -ArgumentList $arguments -RedirectStandardOutput '/dev/null' -RedirectStandardError ([IO.Path]::GetTempFileName()) | Out-Null
    }
  }
} catch { }
exit 0
