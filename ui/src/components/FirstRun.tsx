// First run (Settings.configured = false): three short steps — who you are, your Gmail,
// your first website — then the inbox. Other providers are set up in Settings.
import { useState } from "preact/hooks";
import type { CheckReport, Settings, SiteRow } from "../bindings";
import { api, toApiError } from "../api";
import { settingsForm, settingsInput, systemZone, validate, withGmail, type SettingsForm } from "../lib/settingsForm";
import { AppPasswordGuide } from "./AppPasswordGuide";
import { CheckResult } from "./CheckResult";
import { Icon } from "./Icon";
import { AddSiteForm } from "./SitesSection";
import { SnippetBox } from "./SnippetBox";

type Step = "owner" | "gmail" | "site";
const STEPS: { id: Step; label: string }[] = [
  { id: "owner", label: "You" },
  { id: "gmail", label: "Gmail" },
  { id: "site", label: "Your website" },
];

export function FirstRun(props: { settings: Settings; onSaved: (s: Settings) => void; onDone: () => void; onAdvanced: () => void }) {
  const [step, setStep] = useState<Step>("owner");
  const [form, setForm] = useState<SettingsForm>(() => {
    const f = settingsForm(props.settings);
    if (!f.owner.timezone) f.owner.timezone = systemZone();
    return f;
  });
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [reports, setReports] = useState<CheckReport[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [site, setSite] = useState<SiteRow | null>(null);
  const errors = validate(form);

  /** Both accounts on the Gmail preset with the owner's address and the typed app password. */
  const gmailForm = (): SettingsForm => {
    const email = form.owner.email.trim();
    const acc = (kind: "smtp" | "imap") => {
      const a = withGmail({ ...form[kind], username: email }, kind, email);
      return password ? { ...a, password, passwordTouched: true } : a;
    };
    return { ...form, smtp: acc("smtp"), imap: acc("imap") };
  };

  const test = async () => {
    setBusy(true);
    setReports([]);
    setError(null);
    const f = settingsInput(gmailForm());
    try {
      const smtp = await api.testConnection("smtp", f.smtp);
      const imap = smtp.ok ? await api.testConnection("imap", f.imap) : null;
      setReports(imap ? [smtp, imap] : [smtp]);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const saveGmail = async () => {
    setBusy(true);
    setError(null);
    try {
      // The first run sets up the owner and Gmail only; [mail] stays as it is.
      const saved = await api.saveSettings({ ...settingsInput(gmailForm()), mail: null });
      props.onSaved(saved);
      setForm(settingsForm(saved));
      setPassword("");
      setStep("site");
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };

  const ownerOk = form.owner.name.trim() !== "" && form.owner.email.trim() !== "" && !errors["owner.email"];
  const hasStored = form.smtp.hasPassword && form.imap.hasPassword;
  const i = STEPS.findIndex((s) => s.id === step);

  return (
    <main class="firstrun" data-testid="first-run">
      <div class="firstrun-card">
        <div class="firstrun-brand">
          <span class="brand-mark big">
            <Icon name="bell" size={22} />
          </span>
          <div>
            <h1>Welcome to Deskbell</h1>
            <p class="muted">Your website's support inbox, right here on your desktop. Three short steps.</p>
          </div>
        </div>
        <ol class="steps" aria-label="Set-up steps">
          {STEPS.map((s, n) => (
            <li key={s.id} class={n < i ? "done" : n === i ? "current" : ""} aria-current={n === i ? "step" : undefined}>
              <span class="step-n">{n < i ? "✓" : n + 1}</span>
              {s.label}
            </li>
          ))}
        </ol>

        {step === "owner" && (
          <form
            class="firstrun-body"
            onSubmit={(e) => {
              e.preventDefault();
              if (ownerOk) setStep("gmail");
            }}
          >
            <div class="grid2">
              <label class="field">
                <span>Your name</span>
                <input autoFocus value={form.owner.name} placeholder="Maria Rossi" onInput={(e) => setForm({ ...form, owner: { ...form.owner, name: (e.currentTarget as HTMLInputElement).value } })} />
              </label>
              <label class="field">
                <span>Business name</span>
                <input value={form.owner.business} placeholder="Rossi Ceramics" onInput={(e) => setForm({ ...form, owner: { ...form.owner, business: (e.currentTarget as HTMLInputElement).value } })} />
              </label>
              <label class="field">
                <span>Your Gmail address</span>
                <input
                  type="email"
                  value={form.owner.email}
                  placeholder="maria@gmail.com"
                  onInput={(e) => setForm({ ...form, owner: { ...form.owner, email: (e.currentTarget as HTMLInputElement).value } })}
                />
                {errors["owner.email"] && <em class="field-error">{errors["owner.email"]}</em>}
                <em class="field-note">New tickets are sent here; your replies go out from it.</em>
              </label>
              <label class="field">
                <span>Time zone</span>
                <input value={form.owner.timezone} onInput={(e) => setForm({ ...form, owner: { ...form.owner, timezone: (e.currentTarget as HTMLInputElement).value } })} />
              </label>
            </div>
            <div class="firstrun-actions">
              <button type="button" class="link" onClick={props.onAdvanced}>
                Not using Gmail? Set up another provider
              </button>
              <button type="submit" class="btn primary" disabled={!ownerOk}>
                Continue
              </button>
            </div>
          </form>
        )}

        {step === "gmail" && (
          <form
            class="firstrun-body"
            onSubmit={(e) => {
              e.preventDefault();
              saveGmail();
            }}
          >
            <p>
              Deskbell sends and receives through <strong>{form.owner.email}</strong> with a Gmail <em>app password</em>. It is stored
              in your system keychain.
            </p>
            <AppPasswordGuide open />
            <label class="field" data-testid="settings-smtp-password">
              <span>App password</span>
              <input
                type="password"
                data-testid="firstrun-password"
                autoFocus
                value={password}
                placeholder={hasStored ? "stored in the keychain" : "abcd efgh ijkl mnop"}
                autoComplete="new-password"
                onInput={(e) => {
                  setPassword((e.currentTarget as HTMLInputElement).value);
                  setReports([]);
                }}
              />
            </label>
            <div class="check-row">
              <button type="button" class="btn" onClick={test} disabled={busy || (!password && !hasStored)} data-testid="smtp-test">
                {busy ? "Testing…" : "Test connection"}
              </button>
            </div>
            {reports.map((r, n) => (
              <CheckResult key={n} report={r} label={n === 0 ? "smtp" : "imap"} />
            ))}
            {error && (
              <p class="field-error" role="alert" data-testid="error-banner">
                {error}
              </p>
            )}
            <div class="firstrun-actions">
              <button type="button" class="btn ghost" onClick={() => setStep("owner")}>
                Back
              </button>
              <button type="submit" class="btn primary" disabled={busy || (!password && !hasStored)}>
                Save and continue
              </button>
            </div>
          </form>
        )}

        {step === "site" && (
          <div class="firstrun-body">
            {site ? (
              <>
                <p>
                  <strong>{site.name}</strong> is ready. Add this snippet to your website and the contact button appears.
                </p>
                <SnippetBox snippet={site.snippet} />
              </>
            ) : (
              <>
                <p>Which website should show the contact button? You can add more later in Settings.</p>
                <AddSiteForm compact onAdded={setSite} />
              </>
            )}
            <div class="firstrun-actions">
              <span />
              <button type="button" class={site ? "btn primary" : "btn ghost"} onClick={props.onDone} data-testid="firstrun-done">
                {site ? "Open my inbox" : "Skip for now"}
              </button>
            </div>
          </div>
        )}
      </div>
    </main>
  );
}
