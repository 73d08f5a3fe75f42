// One mail account (sending = SMTP, receiving = IMAP): Gmail preset, host/port/security,
// username, password (never shown back), and "Test connection" with the exact problem.
import { useState } from "preact/hooks";
import type { CheckReport, Security } from "../bindings";
import { api, toApiError } from "../api";
import { accountInput, editAccount, withGmail, type AccountForm, type AccountKind } from "../lib/settingsForm";
import { CheckResult } from "./CheckResult";

const LABEL: Record<AccountKind, string> = { smtp: "Sending email (SMTP)", imap: "Receiving email (IMAP)" };
const WHY: Record<AccountKind, string> = {
  smtp: "Deskbell sends notifications and your replies through this account.",
  imap: "Deskbell watches this mailbox for your visitors' replies (it never marks your mail as read).",
};

export function AccountFields(props: {
  kind: AccountKind;
  form: AccountForm;
  ownerEmail: string;
  errors: Record<string, string>;
  onChange: (f: AccountForm) => void;
}) {
  const { kind, form } = props;
  const [checking, setChecking] = useState(false);
  const [report, setReport] = useState<CheckReport | null>(null);
  const set = (patch: Partial<AccountForm>) => {
    setReport(null);
    props.onChange(editAccount(form, patch));
  };
  const test = async () => {
    setChecking(true);
    setReport(null);
    try {
      setReport(await api.testConnection(kind, accountInput(form)));
    } catch (e) {
      const err = toApiError(e);
      setReport({ ok: false, problem: "other", message: err.message, hint: null });
    } finally {
      setChecking(false);
    }
  };
  const id = (f: string) => `${kind}-${f}`;
  return (
    <section class="settings-section" id={`section-${kind}`} data-testid={`settings-${kind}`}>
      <div class="section-head">
        <div>
          <h2>{LABEL[kind]}</h2>
          <p class="muted small">{WHY[kind]}</p>
        </div>
        <button
          type="button"
          class={form.preset === "gmail" ? "btn small chosen" : "btn small"}
          onClick={() => {
            setReport(null);
            props.onChange(withGmail(form, kind, props.ownerEmail));
          }}
          data-testid={`${kind}-gmail`}
          aria-pressed={form.preset === "gmail" ? "true" : "false"}
        >
          {form.preset === "gmail" ? "Gmail ✓" : "Use Gmail"}
        </button>
      </div>
      <div class="grid3">
        <label class="field span2">
          <span>Server</span>
          <input
            id={id("host")}
            data-testid={id("host")}
            value={form.host}
            placeholder={kind === "smtp" ? "smtp.example.com" : "imap.example.com"}
            spellcheck={false}
            onInput={(e) => set({ host: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field">
          <span>Port</span>
          <input
            data-testid={id("port")}
            inputMode="numeric"
            value={form.port}
            placeholder={kind === "smtp" ? "587" : "993"}
            aria-invalid={props.errors[`${kind}.port`] ? "true" : undefined}
            onInput={(e) => set({ port: (e.currentTarget as HTMLInputElement).value })}
          />
          {props.errors[`${kind}.port`] && <em class="field-error">{props.errors[`${kind}.port`]}</em>}
        </label>
        <label class="field">
          <span>Security</span>
          <select
            data-testid={id("security")}
            value={form.security}
            title="STARTTLS usually on 587, TLS on 465 and 993; None only for a test server on this computer"
            onChange={(e) => set({ security: (e.currentTarget as HTMLSelectElement).value as Security | "" })}
          >
            <option value="">Choose…</option>
            <option value="starttls">STARTTLS</option>
            <option value="tls">TLS</option>
            <option value="plain">None</option>
          </select>
        </label>
        <label class="field span2">
          <span>Username</span>
          <input
            data-testid={id("username")}
            value={form.username}
            placeholder="you@gmail.com"
            autoComplete="off"
            spellcheck={false}
            onInput={(e) => set({ username: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field span2" data-testid={`settings-${kind}-password`}>
          <span>{form.preset === "gmail" ? "App password" : "Password"}</span>
          <input
            type="password"
            data-testid={id("password")}
            value={form.password}
            autoComplete="new-password"
            placeholder={form.hasPassword ? "stored in the keychain" : form.preset === "gmail" ? "16 letters from Google" : ""}
            onInput={(e) => set({ password: (e.currentTarget as HTMLInputElement).value })}
          />
          <em class="field-note">
            {form.hasPassword
              ? "Leave empty to keep the stored password. Type a new one to replace it."
              : "Kept in your system keychain, never in a file."}
          </em>
        </label>
      </div>
      <div class="check-row">
        <button type="button" class="btn" onClick={test} disabled={checking} data-testid={`${kind}-test`}>
          {checking ? "Testing…" : "Test connection"}
        </button>
        {report && <CheckResult report={report} label={kind} />}
      </div>
    </section>
  );
}
