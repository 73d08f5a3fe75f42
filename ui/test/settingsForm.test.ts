import { describe, expect, it } from "vitest";
import type { Settings } from "../src/bindings";
import {
  accountInput,
  editAccount,
  mailInput,
  parseOrigins,
  parsePort,
  parseSendLimit,
  settingsForm,
  settingsInput,
  validate,
  withGmail,
} from "../src/lib/settingsForm";

const stored: Settings = {
  owner: { email: "maria@gmail.com", name: "Maria", business: "Rossi", timezone: "Europe/Berlin", signature: "" },
  smtp: { preset: "gmail", host: "smtp.gmail.com", port: 587, security: "starttls", username: "maria@gmail.com", hasPassword: true },
  imap: { preset: null, host: "", port: null, security: null, username: "", hasPassword: false },
  intake: { listen: "127.0.0.1:7878", publicUrl: "https://support.example.com" },
  mail: { defaultSupportAddress: "maria+support@gmail.com", newTickets: "all", supportAddress: "help@rossi.example", dailySendLimit: 2000 },
  notifications: { enabled: true, paused: false },
  configured: true,
};

describe("settings form → SettingsInput", () => {
  it("keeps stored passwords: untouched fields send null", () => {
    const input = settingsInput(settingsForm(stored));
    expect(input.smtp.password).toBeNull();
    expect(input.imap.password).toBeNull();
    expect(input).toEqual({
      owner: stored.owner,
      smtp: { preset: "gmail", host: "smtp.gmail.com", port: 587, security: "starttls", username: "maria@gmail.com", password: null },
      imap: { preset: null, host: "", port: null, security: null, username: "", password: null },
      intake: stored.intake,
      mail: { newTickets: "all", supportAddress: "help@rossi.example", dailySendLimit: 2000 },
      notifications: stored.notifications,
    });
  });

  it("never shows the stored password: the field starts empty", () => {
    const f = settingsForm(stored);
    expect(f.smtp.password).toBe("");
    expect(f.smtp.hasPassword).toBe(true);
  });

  it("a password typed and cleared again still keeps the stored one", () => {
    let a = settingsForm(stored).smtp;
    a = editAccount(a, { password: "x" });
    a = editAccount(a, { password: "" });
    expect(a.passwordTouched).toBe(true);
    expect(accountInput(a).password).toBeNull();
  });

  it("sends a typed password; a Gmail app password loses its spaces", () => {
    const gmail = editAccount(settingsForm(stored).smtp, { password: "abcd efgh ijkl mnop" });
    expect(accountInput(gmail).password).toBe("abcdefghijklmnop");
    const other = editAccount(settingsForm(stored).imap, { password: " pass word " });
    expect(accountInput(other).password).toBe(" pass word ");
  });

  it("trims text and turns empty port/security into null", () => {
    const f = settingsForm(stored);
    f.owner.email = "  maria@gmail.com ";
    f.imap = editAccount(f.imap, { host: " imap.example.com ", port: " 993 ", security: "" });
    const i = settingsInput(f);
    expect(i.owner.email).toBe("maria@gmail.com");
    expect(i.imap).toMatchObject({ host: "imap.example.com", port: 993, security: null });
  });
});

describe("[mail] in the form", () => {
  it("maps Settings.mail to the form: the limit as text, the default address for display", () => {
    expect(settingsForm(stored).mail).toEqual({
      newTickets: "all",
      supportAddress: "help@rossi.example",
      dailySendLimit: "2000",
      defaultSupportAddress: "maria+support@gmail.com",
    });
  });

  it("round-trips: an untouched form sends [mail] as it was, without the display-only default", () => {
    for (const newTickets of ["support", "all", "off"] as const) {
      const s: Settings = { ...stored, mail: { ...stored.mail, newTickets, supportAddress: "" } };
      const input = settingsInput(settingsForm(s));
      expect(input.mail).toEqual({ newTickets, supportAddress: "", dailySendLimit: 2000 });
      expect(input.mail).not.toHaveProperty("defaultSupportAddress");
    }
  });

  it("trims the address and parses the limit as a whole number", () => {
    const f = settingsForm(stored);
    f.mail = { ...f.mail, newTickets: "support", supportAddress: "  help@rosa.example \t", dailySendLimit: " 450 " };
    expect(settingsInput(f).mail).toEqual({ newTickets: "support", supportAddress: "help@rosa.example", dailySendLimit: 450 });
    f.mail.supportAddress = "   ";
    expect(settingsInput(f).mail!.supportAddress).toBe("");
  });

  it("an unreadable limit leaves [mail] as it is (null) rather than sending a guess", () => {
    const f = settingsForm(stored);
    f.mail.dailySendLimit = "lots";
    expect(settingsInput(f).mail).toBeNull();
    expect(mailInput({ ...f.mail, dailySendLimit: "10" })).toMatchObject({ dailySendLimit: 10 });
  });

  it("parses the daily sending limit", () => {
    expect(parseSendLimit("400")).toBe(400);
    expect(parseSendLimit(" 10 ")).toBe(10);
    expect(parseSendLimit("9")).toBeNull();
    expect(parseSendLimit("0")).toBeNull();
    expect(parseSendLimit("-50")).toBeNull();
    expect(parseSendLimit("12.5")).toBeNull();
    expect(parseSendLimit("1e3")).toBeNull();
    expect(parseSendLimit("")).toBeNull();
    expect(parseSendLimit("99999999999")).toBeNull();
  });

  it("validates the support address (blank = the default) and the limit", () => {
    const f = settingsForm(stored);
    f.mail.supportAddress = "help";
    f.mail.dailySendLimit = "5";
    const errs = validate(f);
    expect(Object.keys(errs).sort()).toEqual(["mail.dailySendLimit", "mail.supportAddress"]);
    expect(errs["mail.dailySendLimit"]).toContain("at least 10");
    f.mail.supportAddress = "";
    f.mail.dailySendLimit = "12.5";
    expect(Object.keys(validate(f))).toEqual(["mail.dailySendLimit"]);
    f.mail.dailySendLimit = "";
    expect(Object.keys(validate(f))).toEqual(["mail.dailySendLimit"]);
    f.mail.supportAddress = " help@rosa.example ";
    f.mail.dailySendLimit = "10";
    expect(validate(f)).toEqual({});
  });
});

describe("Gmail preset", () => {
  it("fills host, port and security, and the owner's address as username", () => {
    const imap = withGmail(settingsForm(stored).imap, "imap", "maria@gmail.com");
    expect(accountInput(imap)).toEqual({ preset: "gmail", host: "imap.gmail.com", port: 993, security: "tls", username: "maria@gmail.com", password: null });
    const smtp = withGmail(settingsForm(stored).imap, "smtp", "maria@gmail.com");
    expect(accountInput(smtp)).toMatchObject({ host: "smtp.gmail.com", port: 587, security: "starttls" });
  });
  it("keeps a username the owner typed", () => {
    const a = withGmail({ ...settingsForm(stored).imap, username: "shop@gmail.com" }, "imap", "maria@gmail.com");
    expect(a.username).toBe("shop@gmail.com");
  });
  it("is left when the server is changed by hand", () => {
    const a = editAccount(settingsForm(stored).smtp, { host: "mail.example.com" });
    expect(a.preset).toBeNull();
    const b = editAccount(settingsForm(stored).smtp, { username: "other@gmail.com" });
    expect(b.preset).toBe("gmail");
  });
});

describe("validation and parsing", () => {
  it("ports", () => {
    expect(parsePort("587")).toBe(587);
    expect(parsePort("0")).toBeNull();
    expect(parsePort("70000")).toBeNull();
    expect(parsePort("5a")).toBeNull();
    expect(parsePort("")).toBeNull();
  });
  it("names the fields to fix", () => {
    const f = settingsForm(stored);
    f.owner.email = "maria";
    f.smtp.port = "99999";
    f.intake.publicUrl = "support.example.com";
    expect(Object.keys(validate(f)).sort()).toEqual(["intake.publicUrl", "owner.email", "smtp.port"]);
    expect(validate(settingsForm(stored))).toEqual({});
  });
  it("origins from commas, spaces or lines, without trailing slashes", () => {
    expect(parseOrigins("https://a.example/, https://b.example\nhttp://localhost:8080")).toEqual([
      "https://a.example",
      "https://b.example",
      "http://localhost:8080",
    ]);
    expect(parseOrigins("  ")).toEqual([]);
  });
});
