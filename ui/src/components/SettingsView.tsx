// Settings: business owner, both mail accounts, mail in and out (which mail starts a ticket, the
// support address, the daily sending limit), intake, websites, notifications, canned replies.
// Form sections save together (Save bar); websites and canned replies act at once.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { AppStatus, CannedReply, NewTickets, Settings, SiteRow } from "../bindings";
import { api, toApiError } from "../api";
import { useEnv } from "../context";
import { MIN_DAILY_SEND_LIMIT, settingsForm, settingsInput, validate, type SettingsForm } from "../lib/settingsForm";
import { AccountFields } from "./AccountFields";
import { AppPasswordGuide } from "./AppPasswordGuide";
import { CannedManager } from "./CannedManager";
import { Icon } from "./Icon";
import { ReachCheck } from "./ReachCheck";
import { BlockedSection } from "./BlockedSection";
import { SitesSection } from "./SitesSection";

const SECTIONS = [
  ["owner", "Your business"],
  ["smtp", "Sending email"],
  ["imap", "Receiving email"],
  ["mail", "Mail in and out"],
  ["intake", "Website intake"],
  ["sites", "Websites"],
  ["notifications", "Notifications"],
  ["canned", "Canned replies"],
  ["blocked", "Blocked senders"],
] as const;

const NEW_TICKETS: [NewTickets, string][] = [
  ["support", "Only mail to the support address"],
  ["all", "Any mail from a person"],
  ["off", "None (website form only)"],
];

export function SettingsView(props: {
  settings: Settings;
  status: AppStatus | null;
  canned: CannedReply[] | null;
  onCanned: (r: CannedReply[]) => void;
  onLoadCanned: () => void;
  onSaved: (s: Settings) => void;
  onClose: () => void;
  onStatusChanged: () => void;
  /** a section to scroll to on open, e.g. "sites" */
  section?: string | null;
}) {
  const { notify } = useEnv();
  const initial = useMemo(() => settingsForm(props.settings), [props.settings]);
  const [form, setForm] = useState<SettingsForm>(initial);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [sites, setSites] = useState<SiteRow[] | null>(null);
  useEffect(() => setForm(initial), [initial]);
  useEffect(() => {
    api.listSites().then(setSites, (e) => {
      setSites([]);
      notify(toApiError(e).message, "error");
    });
    props.onLoadCanned();
  }, []);
  useEffect(() => {
    if (props.section && sites !== null) document.getElementById(`section-${props.section}`)?.scrollIntoView?.({ block: "start" });
  }, [props.section, sites === null]);
  const errors = validate(form);
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);

  const save = async () => {
    if (Object.keys(errors).length) return;
    setSaving(true);
    setSaveError(null);
    try {
      const saved = await api.saveSettings(settingsInput(form));
      props.onSaved(saved);
      // the snippets follow the saved public address
      api.listSites().then(setSites, () => {});
      notify("Settings saved");
    } catch (e) {
      setSaveError(toApiError(e).message);
    } finally {
      setSaving(false);
    }
  };
  const owner = (patch: Partial<SettingsForm["owner"]>) => setForm({ ...form, owner: { ...form.owner, ...patch } });
  const mail = (patch: Partial<SettingsForm["mail"]>) => setForm({ ...form, mail: { ...form.mail, ...patch } });
  const defaultSupport = form.mail.defaultSupportAddress;
  // The address stays editable in every mode: the widget's email fallback writes to it.
  const supportNote =
    (form.mail.newTickets === "support"
      ? "Tickets arrive when mail is sent to this address (any alias forwarded into this mailbox works)"
      : "Mail to this address starts tickets only with “Only mail to the support address”") +
    "; the website widget's “email it instead” link writes to it" +
    (defaultSupport ? `. Empty means ${defaultSupport}.` : ".");

  return (
    <section class="settings-view" data-testid="settings-view" aria-label="Settings">
      <header class="pane-head settings-head">
        <h1>Settings</h1>
        <button class="btn ghost" onClick={props.onClose} data-testid="settings-close" title="Back to the inbox (Esc)">
          <Icon name="x" size={14} /> Close
        </button>
      </header>
      <div class="settings-layout">
        <nav class="settings-nav" aria-label="Settings sections">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#section-${id}`}>
              {label}
            </a>
          ))}
        </nav>
        <form
          class="settings-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <section class="settings-section" id="section-owner">
            <h2>Your business</h2>
            <p class="muted small">Shown to visitors in replies and confirmations.</p>
            <div class="grid2">
              <label class="field">
                <span>Your name</span>
                <input data-testid="owner-name" value={form.owner.name} onInput={(e) => owner({ name: (e.currentTarget as HTMLInputElement).value })} />
              </label>
              <label class="field">
                <span>Business name</span>
                <input data-testid="owner-business" value={form.owner.business} onInput={(e) => owner({ business: (e.currentTarget as HTMLInputElement).value })} />
              </label>
              <label class="field">
                <span>Your email address</span>
                <input
                  type="email"
                  data-testid="owner-email"
                  value={form.owner.email}
                  aria-invalid={errors["owner.email"] ? "true" : undefined}
                  onInput={(e) => owner({ email: (e.currentTarget as HTMLInputElement).value })}
                />
                {errors["owner.email"] && <em class="field-error">{errors["owner.email"]}</em>}
              </label>
              <label class="field">
                <span>Time zone</span>
                <input data-testid="owner-timezone" value={form.owner.timezone} placeholder="Europe/Berlin" onInput={(e) => owner({ timezone: (e.currentTarget as HTMLInputElement).value })} />
                <em class="field-note">Ticket numbers and times follow this zone.</em>
              </label>
            </div>
            <label class="field">
              <span>Signature</span>
              <textarea
                data-testid="owner-signature"
                rows={3}
                value={form.owner.signature}
                placeholder={"Maria Rossi\nRossi Ceramics · +39 055 123 4567"}
                onInput={(e) => owner({ signature: (e.currentTarget as HTMLTextAreaElement).value })}
              />
              <em class="field-note">Put below every reply you send, after a “-- ” line. Not on automatic mail (confirmations, notifications).</em>
            </label>
          </section>

          <AccountFields kind="smtp" form={form.smtp} ownerEmail={form.owner.email} errors={errors} onChange={(smtp) => setForm({ ...form, smtp })} />
          {(form.smtp.preset === "gmail" || form.imap.preset === "gmail") && <AppPasswordGuide />}
          <AccountFields kind="imap" form={form.imap} ownerEmail={form.owner.email} errors={errors} onChange={(imap) => setForm({ ...form, imap })} />

          <section class="settings-section" id="section-mail" data-testid="settings-mail">
            <h2>Mail in and out</h2>
            <p class="muted small">Mail that answers no ticket becomes a new ticket only as chosen here; replies to your tickets always arrive.</p>
            <div role="radiogroup" aria-label="Which mail starts a new ticket" data-testid="new-tickets">
              {NEW_TICKETS.map(([value, label]) => (
                <label key={value} class="check-field">
                  <input
                    type="radio"
                    name="new-tickets"
                    value={value}
                    data-testid={`new-tickets-${value}`}
                    checked={form.mail.newTickets === value}
                    onChange={() => mail({ newTickets: value })}
                  />
                  <span>{label}</span>
                </label>
              ))}
            </div>
            {form.mail.newTickets === "all" && (
              <div class="banner warn" role="note" data-testid="new-tickets-warning">
                <Icon name="alert" />
                <div>
                  On a personal Gmail every mail from a person — friends, your bank, shops — becomes a ticket. Choose this only for a
                  mailbox used for support alone.
                </div>
              </div>
            )}
            <div class="grid2">
              <label class="field">
                <span>Support address</span>
                <input
                  type="email"
                  data-testid="support-address"
                  class="mono"
                  value={form.mail.supportAddress}
                  placeholder={defaultSupport}
                  spellcheck={false}
                  aria-invalid={errors["mail.supportAddress"] ? "true" : undefined}
                  onInput={(e) => mail({ supportAddress: (e.currentTarget as HTMLInputElement).value })}
                />
                {errors["mail.supportAddress"] && <em class="field-error">{errors["mail.supportAddress"]}</em>}
                <em class="field-note">{supportNote}</em>
              </label>
              <label class="field">
                <span>Daily sending limit</span>
                <input
                  type="number"
                  inputMode="numeric"
                  min={MIN_DAILY_SEND_LIMIT}
                  step={1}
                  data-testid="daily-send-limit"
                  value={form.mail.dailySendLimit}
                  placeholder="400"
                  aria-invalid={errors["mail.dailySendLimit"] ? "true" : undefined}
                  onInput={(e) => mail({ dailySendLimit: (e.currentTarget as HTMLInputElement).value })}
                />
                {errors["mail.dailySendLimit"] && <em class="field-error">{errors["mail.dailySendLimit"]}</em>}
                <em class="field-note">
                  Personal Gmail allows about 500 a day, Google Workspace 2,000. Automatic mail stops at 80 % of this, so your own replies
                  always go out.
                </em>
              </label>
            </div>
          </section>

          <section class="settings-section" id="section-intake">
            <h2>Website intake</h2>
            <p class="muted small">
              Your website's contact widget sends tickets here. To receive them from the internet, run a tunnel (for example
              Cloudflare Tunnel) to the local address and enter its public address.
            </p>
            <div class="grid2">
              <label class="field">
                <span>Local address</span>
                <input data-testid="intake-listen" class="mono" value={form.intake.listen} placeholder="127.0.0.1:7878" onInput={(e) => setForm({ ...form, intake: { ...form.intake, listen: (e.currentTarget as HTMLInputElement).value } })} />
                {props.status && <em class="field-note">Listening now on {props.status.intakeAddr}</em>}
              </label>
              <label class="field">
                <span>Public address</span>
                <input
                  data-testid="intake-public-url"
                  class="mono"
                  value={form.intake.publicUrl}
                  placeholder="https://support.example.com"
                  aria-invalid={errors["intake.publicUrl"] ? "true" : undefined}
                  onInput={(e) => setForm({ ...form, intake: { ...form.intake, publicUrl: (e.currentTarget as HTMLInputElement).value } })}
                />
                {errors["intake.publicUrl"] && <em class="field-error">{errors["intake.publicUrl"]}</em>}
              </label>
            </div>
            <ReachCheck url={form.intake.publicUrl} />
          </section>

          <SitesSection
            sites={sites}
            onAdded={(s) => setSites([...(sites ?? []), s])}
            onChanged={(s) => setSites((sites ?? []).map((x) => (x.id === s.id ? s : x)))}
            onRemoved={(id) => setSites((sites ?? []).filter((x) => x.id !== id))}
          />

          <section class="settings-section" id="section-notifications">
            <h2>Notifications</h2>
            <label class="check-field">
              <input
                type="checkbox"
                data-testid="notify-enabled"
                checked={form.notifications.enabled}
                onChange={(e) => setForm({ ...form, notifications: { ...form.notifications, enabled: (e.currentTarget as HTMLInputElement).checked } })}
              />
              <span>
                Show a desktop notification for new tickets and replies
              </span>
            </label>
            <label class="check-field">
              <input
                type="checkbox"
                data-testid="notify-paused"
                checked={form.notifications.paused}
                disabled={!form.notifications.enabled}
                onChange={(e) => setForm({ ...form, notifications: { ...form.notifications, paused: (e.currentTarget as HTMLInputElement).checked } })}
              />
              <span>Pause for now (the tray menu has the same switch)</span>
            </label>
            {props.status && (
              <label class="check-field">
                <input
                  type="checkbox"
                  data-testid="start-at-login"
                  checked={props.status.startAtLogin}
                  onChange={async (e) => {
                    try {
                      await api.setStartAtLogin((e.currentTarget as HTMLInputElement).checked);
                      props.onStatusChanged();
                    } catch (err) {
                      notify(toApiError(err).message, "error");
                    }
                  }}
                />
                <span>Start Deskbell when I log in (applies at once)</span>
              </label>
            )}
          </section>

          <section class="settings-section" id="section-canned">
            <h2>Canned replies</h2>
            {props.canned === null ? <p class="muted">Loading…</p> : <CannedManager replies={props.canned} onChange={props.onCanned} />}
          </section>
          <BlockedSection />

          <div class={dirty ? "save-bar dirty" : "save-bar"}>
            {saveError ? (
              <span class="field-error" role="alert" data-testid="error-banner">
                {saveError}
              </span>
            ) : (
              <span class="muted small">{dirty ? "You have unsaved changes." : "All changes saved."}</span>
            )}
            <button type="submit" class="btn primary" disabled={saving || !dirty || Object.keys(errors).length > 0} data-testid="settings-save">
              {saving ? "Saving…" : "Save changes"}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
