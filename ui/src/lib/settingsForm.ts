// The settings form's state and its mapping to SettingsInput. The rule that must stay true:
// a stored password is never shown and never overwritten unless the owner typed a new one
// (untouched or empty password field → password: null = keep the stored one).

import type {
  AccountInput,
  AccountSettings,
  IntakeSettings,
  MailSettings,
  NewTickets,
  NotificationSettings,
  Owner,
  Security,
  Settings,
  SettingsInput,
} from "../bindings";

export type AccountKind = "smtp" | "imap";

export interface AccountForm {
  preset: "gmail" | null;
  host: string;
  port: string;
  security: Security | "";
  username: string;
  password: string;
  passwordTouched: boolean;
  hasPassword: boolean;
}

/** [mail]: which mail starts a ticket, the support address, the daily sending limit. */
export interface MailForm {
  newTickets: NewTickets;
  /** as set in the file; "" = the default address */
  supportAddress: string;
  /** the number input's text */
  dailySendLimit: string;
  /** shown only (the placeholder): the owner's plus-address, "" without an owner */
  defaultSupportAddress: string;
}

export interface SettingsForm {
  owner: Owner;
  smtp: AccountForm;
  imap: AccountForm;
  intake: IntakeSettings;
  mail: MailForm;
  notifications: NotificationSettings;
}

/** The least daily sending limit the config accepts. */
export const MIN_DAILY_SEND_LIMIT = 10;

export const GMAIL: Record<AccountKind, { host: string; port: number; security: Security }> = {
  smtp: { host: "smtp.gmail.com", port: 587, security: "starttls" },
  imap: { host: "imap.gmail.com", port: 993, security: "tls" },
};

export function accountForm(a: AccountSettings): AccountForm {
  return {
    preset: a.preset,
    host: a.host,
    port: a.port == null ? "" : String(a.port),
    security: a.security ?? "",
    username: a.username,
    password: "",
    passwordTouched: false,
    hasPassword: a.hasPassword,
  };
}

export function settingsForm(s: Settings): SettingsForm {
  return {
    owner: { ...s.owner },
    smtp: accountForm(s.smtp),
    imap: accountForm(s.imap),
    intake: { ...s.intake },
    mail: {
      newTickets: s.mail.newTickets,
      supportAddress: s.mail.supportAddress,
      dailySendLimit: String(s.mail.dailySendLimit),
      defaultSupportAddress: s.mail.defaultSupportAddress,
    },
    notifications: { ...s.notifications },
  };
}

/** Fills host, port and security from the Gmail preset; the username defaults to the owner. */
export function withGmail(f: AccountForm, kind: AccountKind, ownerEmail: string): AccountForm {
  const p = GMAIL[kind];
  return {
    ...f,
    preset: "gmail",
    host: p.host,
    port: String(p.port),
    security: p.security,
    username: f.username.trim() || ownerEmail.trim(),
  };
}

/** Editing host/port/security by hand leaves the preset. */
export function editAccount(f: AccountForm, patch: Partial<AccountForm>): AccountForm {
  const leavesPreset = "host" in patch || "port" in patch || "security" in patch;
  const next = { ...f, ...patch };
  if ("password" in patch) next.passwordTouched = true;
  if (leavesPreset && f.preset === "gmail") {
    const p = GMAIL;
    const stillGmail =
      (next.host === p.smtp.host || next.host === p.imap.host) &&
      (next.port === String(p.smtp.port) || next.port === String(p.imap.port));
    if (!stillGmail) next.preset = null;
  }
  return next;
}

export function parsePort(s: string): number | null {
  const t = s.trim();
  if (!/^\d{1,5}$/.test(t)) return null;
  const n = Number(t);
  return n >= 1 && n <= 65535 ? n : null;
}

/** A whole number of at least 10 (and small enough for the config's u32), else null. */
export function parseSendLimit(s: string): number | null {
  const t = s.trim();
  if (!/^\d{1,9}$/.test(t)) return null;
  const n = Number(t);
  return n >= MIN_DAILY_SEND_LIMIT ? n : null;
}

/** The [mail] part of SettingsInput; null (leave [mail] as it is) while the limit is unreadable —
 *  validate() reports that, and Save stays off. */
export function mailInput(m: MailForm): MailSettings | null {
  const dailySendLimit = parseSendLimit(m.dailySendLimit);
  if (dailySendLimit === null) return null;
  return { newTickets: m.newTickets, supportAddress: m.supportAddress.trim(), dailySendLimit };
}

export function accountInput(f: AccountForm): AccountInput {
  const typed = f.passwordTouched && f.password !== "";
  return {
    preset: f.preset,
    host: f.host.trim(),
    port: parsePort(f.port),
    security: f.security === "" ? null : f.security,
    username: f.username.trim(),
    // Gmail shows app passwords in groups of four; the spaces are not part of it.
    password: typed ? (f.preset === "gmail" ? f.password.replace(/\s+/g, "") : f.password) : null,
  };
}

export function settingsInput(f: SettingsForm): SettingsInput {
  return {
    owner: {
      email: f.owner.email.trim(),
      name: f.owner.name.trim(),
      business: f.owner.business.trim(),
      timezone: f.owner.timezone.trim(),
      // multi-line: only the blank edges go
      signature: f.owner.signature.replace(/\r\n/g, "\n").trim(),
    },
    smtp: accountInput(f.smtp),
    imap: accountInput(f.imap),
    intake: { listen: f.intake.listen.trim(), publicUrl: f.intake.publicUrl.trim() },
    mail: mailInput(f.mail),
    notifications: { ...f.notifications },
  };
}

/** Problems the owner can fix before saving; field name → message. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validate(f: SettingsForm): Record<string, string> {
  const errs: Record<string, string> = {};
  if (f.owner.email.trim() && !EMAIL.test(f.owner.email.trim())) {
    errs["owner.email"] = "This does not look like an email address.";
  }
  for (const kind of ["smtp", "imap"] as const) {
    const a = f[kind];
    if (a.port.trim() && parsePort(a.port) === null) errs[`${kind}.port`] = "A port is a number from 1 to 65535.";
  }
  const url = f.intake.publicUrl.trim();
  if (url && !/^https?:\/\/[^\s]+$/.test(url)) errs["intake.publicUrl"] = "Start it with https:// (or http://).";
  const support = f.mail.supportAddress.trim();
  if (support && !EMAIL.test(support)) errs["mail.supportAddress"] = "This does not look like an email address.";
  if (parseSendLimit(f.mail.dailySendLimit) === null) {
    errs["mail.dailySendLimit"] = `A whole number of at least ${MIN_DAILY_SEND_LIMIT}.`;
  }
  return errs;
}

/** The browser's zone, proposed on first run. */
export function systemZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Origins typed one per line or comma-separated → a clean list. */
export function parseOrigins(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter((o) => o !== "");
}
