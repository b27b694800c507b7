'use strict';
// An independent re-statement of claude-threshold's rules (as its help and the README
// state them), written for obviousness, not speed, and sharing no code with
// nodes/lib/threshold. The tests hold the engine to it over random sequences.

const KINDS = { session: 'session', weekly: 'weekly', weekly_scoped: 'scoped' };

function validPct(v) {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000;
}

function validTime(v) {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

/** The windows of a payload the rules apply to; null when the payload is not usage. */
function windowsOf(p) {
  if (!p || typeof p !== 'object' || typeof p.account !== 'string' || p.account === '' || !Array.isArray(p.limits)) return null;
  const out = [];
  const ids = new Set();
  const pace = p.pace && typeof p.pace === 'object' ? p.pace : {};
  for (const l of p.limits) {
    if (!l || typeof l !== 'object' || typeof l.id !== 'string' || l.id === '' || typeof l.kind !== 'string') continue;
    if (l.label !== undefined && typeof l.label !== 'string') continue;
    if (l.resetsAt !== undefined && l.resetsAt !== null && !validTime(l.resetsAt)) continue;
    const kind = KINDS[l.kind];
    if (!kind || ids.has(l.id)) continue;
    ids.add(l.id);
    if (!validPct(l.pct)) continue;
    const paceOf = kind === 'session' || kind === 'weekly' ? pace[kind] : null;
    const exhaustsAt = paceOf && validTime(paceOf.exhaustsAt) ? paceOf.exhaustsAt : null;
    out.push({ id: l.id, kind, pct: l.pct, resetsAt: l.resetsAt ?? null, exhaustsAt });
  }
  const e = p.extraUsage;
  if (e && typeof e === 'object' && validPct(e.pct)) out.push({ id: 'extra', kind: 'extra', pct: e.pct, resetsAt: null, exhaustsAt: null });
  return out;
}

/** Alerts as `{ kind, account, limit_type, threshold, pct, level, at }` for a sequence of payloads. */
function referenceAlerts(payloads, cfg, wallClock) {
  const memory = new Map();
  const alerts = [];
  for (const p of payloads) {
    const windows = windowsOf(p);
    if (windows === null) continue;
    const fetched = typeof p.fetchedAt === 'string' ? Date.parse(p.fetchedAt) : NaN;
    const now = !Number.isNaN(fetched) && fetched <= wallClock + 60_000 ? fetched : wallClock;
    for (const w of windows) {
      const list = cfg.thresholds[w.kind];
      const key = `${p.account}\n${w.id}`;
      const emit = (kind, threshold, level) => alerts.push({ kind, account: p.account, limit_type: w.id, threshold, pct: w.pct, level, at: new Date(now).toISOString() });
      let m = memory.get(key);
      if (!m) {
        m = { disarmed: new Set(), lastFire: new Map(), alertedThisWindow: false, pacedThisWindow: false };
        memory.set(key, m);
      } else {
        const movedLater = m.resetsAt !== null && w.resetsAt !== null && Date.parse(w.resetsAt) - Date.parse(m.resetsAt) > 60_000;
        const droppedToNearZero = w.pct <= 1 && m.pct > w.pct;
        const wentIdle = w.pct === 0 && w.resetsAt === null && m.resetsAt !== null;
        if (movedLater || droppedToNearZero || wentIdle) {
          if (cfg.notifyReset && m.alertedThisWindow) emit('reset', null, 'info');
          m.disarmed.clear();
          m.lastFire.clear();
          m.alertedThisWindow = false;
          m.pacedThisWindow = false;
        }
      }
      for (const t of [...m.disarmed]) if (w.pct < t - cfg.rearmPct) m.disarmed.delete(t);
      const cooledDown = (t) => !m.lastFire.has(t) || now - m.lastFire.get(t) >= cfg.cooldownMs;
      const candidates = list.filter((t) => w.pct >= t && !m.disarmed.has(t) && cooledDown(t));
      if (candidates.length > 0) {
        const best = Math.max(...candidates);
        emit('threshold', best, w.pct >= 100 || best === Math.max(...list) ? 'critical' : 'warning');
        for (const t of list) {
          if (t <= best && w.pct >= t) {
            m.disarmed.add(t);
            m.lastFire.set(t, now);
          }
        }
        m.alertedThisWindow = true;
      }
      const paceOn = cfg.pace && (w.kind === 'session' || w.kind === 'weekly');
      if (paceOn && !m.pacedThisWindow && w.exhaustsAt !== null && w.resetsAt !== null && Date.parse(w.exhaustsAt) < Date.parse(w.resetsAt)) {
        emit('pace', null, 'warning');
        m.pacedThisWindow = true;
      }
      m.pct = w.pct;
      m.resetsAt = w.resetsAt;
    }
  }
  return alerts;
}

module.exports = { referenceAlerts };
