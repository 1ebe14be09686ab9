// Times are shown in the organisation's zone (Organisation:TimeZone from /api/whoami); the UTC instant is on hover.
let zone = 'Europe/Amsterdam';
export function setZone(z) { if (z) zone = z; }
export const getZone = () => zone;

const fmt = () => new Intl.DateTimeFormat('en-GB', {
  timeZone: zone, year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
});

export function formatLocal(iso) {
  if (!iso) return '—';
  return fmt().format(new Date(iso));
}

export function utcText(iso) {
  return new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') + ' (UTC)';
}

/** <time> showing the organisation's local time with the UTC instant as its title. */
export function timeEl(iso) {
  const t = document.createElement('time');
  if (!iso) { t.textContent = '—'; return t; }
  t.dateTime = new Date(iso).toISOString();
  t.textContent = formatLocal(iso);
  t.title = utcText(iso);
  return t;
}

/** Offset (ms) of the organisation's zone from UTC at the given instant. */
function offsetAt(ms) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms)).map(p => [p.type, p.value]));
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * Converts a wall-clock "YYYY-MM-DDTHH:MM" in the organisation's zone to an ISO instant with an offset (the API
 * rejects instants without one). Two passes settle DST transitions.
 */
export function localInputToIso(value) {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  let utc = wall - offsetAt(wall);
  utc = wall - offsetAt(utc);
  return new Date(utc).toISOString();
}

/** The instant as a datetime-local value in the organisation's zone. */
export function isoToLocalInput(iso) {
  const ms = new Date(iso).getTime();
  const local = new Date(ms + offsetAt(ms));
  return local.toISOString().slice(0, 16);
}

/** "2 d 03:15:20" style remaining time; negative durations are reported by the caller. */
export function duration(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const hh = String(Math.floor((s % 86400) / 3600)).padStart(2, '0');
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return (d > 0 ? `${d} d ` : '') + `${hh}:${mm}:${ss}`;
}

const DUE_SOON_MS = 24 * 3600 * 1000;

/**
 * A deadline's display state. The server's status wins for met and not-required. Without a due instant there is
 * nothing to count down: 'not-started' while the clock has not started (a suspected incident, or an anchoring notice
 * not sent yet), 'no-deadline' when the rule sets no period ("without undue delay"). Otherwise pending/due-soon/overdue
 * are recomputed every second so the colour changes the moment a threshold passes.
 */
export function deadlineState(d, now = Date.now()) {
  if (d.metAt || d.status === 'met') return 'met';
  if (d.status === 'not-required') return 'not-required';
  if (!d.dueAt) return d.startedAt ? 'no-deadline' : 'not-started';
  const left = new Date(d.dueAt).getTime() - now;
  if (left <= 0) return 'overdue';
  if (left <= DUE_SOON_MS || d.status === 'due-soon') return 'due-soon';
  return 'pending';
}

export const stateWords = {
  met: 'met',
  'not-required': 'not required',
  'not-started': 'clock not started',
  'no-deadline': 'without undue delay (no fixed period)',
};

export function countdownText(d, now = Date.now()) {
  const state = deadlineState(d, now);
  if (stateWords[state]) return stateWords[state];
  const left = new Date(d.dueAt).getTime() - now;
  return left <= 0 ? `overdue by ${duration(left)}` : `${duration(left)} left`;
}

/** Whether a deadline has a running clock (a due instant, not met, required). */
const running = d => ['pending', 'due-soon', 'overdue'].includes(deadlineState(d));

/** The deadline that matters most: the earliest still running (overdue first), else the latest met; null when none has a clock. */
export function nearestDeadline(deadlines) {
  if (!Array.isArray(deadlines) || deadlines.length === 0) return null;
  const open = deadlines.filter(running);
  if (open.length) return open.sort((a, b) => new Date(a.dueAt) - new Date(b.dueAt))[0];
  const met = deadlines.filter(d => d.metAt || d.status === 'met');
  return met.length ? met[met.length - 1] : null;
}

/**
 * Why no deadline runs, in words, for a list that has none running: the clock has not started (suspected, or waiting
 * for another notice), nothing is required, or the rules set no fixed period.
 */
export function noClockText(incident) {
  const states = (incident.deadlines ?? []).map(d => deadlineState(d));
  if (!incident.awareAt) return 'clock not started';
  if (states.includes('no-deadline')) return 'without undue delay';
  if (states.includes('not-started')) return 'clock not started';
  if (states.length && states.every(s => s === 'not-required')) return 'not required';
  return 'none';
}

/** A live countdown element; the app ticks every [data-countdown] each second. */
export function countdownEl(d) {
  const span = document.createElement('span');
  span.className = 'countdown';
  span.dataset.countdown = JSON.stringify({ dueAt: d.dueAt ?? null, status: d.status, metAt: d.metAt ?? null, startedAt: d.startedAt ?? null });
  if (d.dueAt) span.title = `due ${formatLocal(d.dueAt)} — ${utcText(d.dueAt)}`;
  else if (d.reason) span.title = d.reason;
  tickOne(span);
  return span;
}

export function tickOne(span, now = Date.now()) {
  const d = JSON.parse(span.dataset.countdown);
  const state = deadlineState(d, now);
  span.dataset.state = state;
  span.textContent = countdownText(d, now);
}

export function tickAll() {
  const now = Date.now();
  for (const s of document.querySelectorAll('[data-countdown]')) tickOne(s, now);
}
