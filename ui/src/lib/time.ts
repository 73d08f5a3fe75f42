// Times as the owner reads them: relative ("3 min ago") in lists and threads, exact on hover,
// both in the owner's time zone (Settings.owner.timezone), never the machine's by accident.

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The owner's zone if the runtime knows it, else the system zone. */
export function safeZone(tz: string | null | undefined): string | undefined {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

/** Calendar day (YYYY-MM-DD) of an instant in a zone. */
function dayKey(d: Date, tz: string | undefined): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

function daysBetween(a: Date, b: Date, tz: string | undefined): number {
  const ka = Date.parse(dayKey(a, tz) + "T00:00:00Z");
  const kb = Date.parse(dayKey(b, tz) + "T00:00:00Z");
  return Math.round((kb - ka) / (24 * HOUR));
}

/**
 * "just now", "5 min ago", "3 h ago", "yesterday", "Tue", "12 Mar", "12 Mar 2024".
 * Day words follow the owner's calendar, not 24-hour windows: at 00:10 a mail from 23:50
 * is "20 min ago", one from 22:00 the day before yesterday is "Mon".
 */
export function relativeTime(iso: string, now: Date, tz?: string | null): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return "";
  const zone = safeZone(tz);
  const diff = now.getTime() - t.getTime();
  if (diff < MIN) return "just now"; // also covers small clock skew into the future
  if (diff < HOUR) return `${Math.floor(diff / MIN)} min ago`;
  const days = daysBetween(t, now, zone);
  if (days === 0) return `${Math.floor(diff / HOUR)} h ago`;
  if (days === 1) return diff < 6 * HOUR ? `${Math.floor(diff / HOUR)} h ago` : "yesterday";
  if (days < 7) return new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short" }).format(t);
  const sameYear = dayKey(t, zone).slice(0, 4) === dayKey(now, zone).slice(0, 4);
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    day: "numeric",
    month: "short",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(t);
}

/** "Tue 12 Mar 2026, 14:05 (Europe/Berlin)" — the hover text. */
export function exactTime(iso: string, tz?: string | null): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const zone = safeZone(tz);
  // Assembled from parts: engines disagree on the commas ICU puts between them.
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(t);
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? "";
  const s = `${p("weekday")} ${p("day")} ${p("month")} ${p("year")}, ${p("hour")}:${p("minute")}`;
  const label = zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${s} (${label})`;
}

/** "14:05" in the owner's zone, with the day when it is not today ("Wed 14:05"). */
export function clockTime(iso: string, now: Date, tz?: string | null): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return "";
  const zone = safeZone(tz);
  const hm = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);
  if (dayKey(t, zone) === dayKey(now, zone)) return hm;
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: zone, weekday: "short" }).format(t);
  return `${day} ${hm}`;
}

/** "1.2 MB" — attachment sizes. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Whether a ticket's `snoozedUntil` is still ahead of `now` (a past one is waking). */
export function isSnoozed(snoozedUntil: string | null | undefined, now: Date): boolean {
  if (!snoozedUntil) return false;
  const t = Date.parse(snoozedUntil);
  return !Number.isNaN(t) && t > now.getTime();
}

/** A wake time in the owner's zone: "Tue 08:00" within the coming week, else "Tue 12 Mar 08:00". */
export function wakeTime(iso: string, now: Date, tz?: string | null): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return "";
  const zone = safeZone(tz);
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, ...o }).format(t);
  const day = f({ weekday: "short" });
  const hm = f({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  if (daysBetween(now, t, zone) < 7) return `${day} ${hm}`;
  return `${day} ${f({ day: "numeric" })} ${f({ month: "short" })} ${hm}`;
}
