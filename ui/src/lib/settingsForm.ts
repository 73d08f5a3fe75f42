// The settings form's state and its mapping to SettingsInput. The rule that must stay true:
// a stored password is never shown and never overwritten unless the owner typed a new one
// (untouched or empty password field → password: null = keep the stored one).

import type {
  AccountInput,
  AccountSettings,
  IntakeSettings,
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

export interface SettingsForm {
  owner: Owner;
  smtp: AccountForm;
  imap: AccountForm;
  intake: IntakeSettings;
  notifications: NotificationSettings;
}

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
    },
    smtp: accountInput(f.smtp),
    imap: accountInput(f.imap),
    intake: { listen: f.intake.listen.trim(), publicUrl: f.intake.publicUrl.trim() },
    notifications: { ...f.notifications },
  };
}

/** Problems the owner can fix before saving; field name → message. */
export function validate(f: SettingsForm): Record<string, string> {
  const errs: Record<string, string> = {};
  if (f.owner.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(f.owner.email.trim())) {
    errs["owner.email"] = "This does not look like an email address.";
  }
  for (const kind of ["smtp", "imap"] as const) {
    const a = f[kind];
    if (a.port.trim() && parsePort(a.port) === null) errs[`${kind}.port`] = "A port is a number from 1 to 65535.";
  }
  const url = f.intake.publicUrl.trim();
  if (url && !/^https?:\/\/[^\s]+$/.test(url)) errs["intake.publicUrl"] = "Start it with https:// (or http://).";
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
