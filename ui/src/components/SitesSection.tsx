// The websites that may post tickets: bot token, allowed origins, snippet; add, edit, rotate
// the token of, and remove a site. None of these is a <form>: the section sits inside the
// settings <form>, so Enter in their fields is caught here instead of saving the settings.
import { useState } from "preact/hooks";
import type { SiteRow } from "../bindings";
import { api, toApiError } from "../api";
import { parseOrigins } from "../lib/settingsForm";
import { RelTime } from "./RelTime";
import { SelfHostWidget } from "./SelfHostWidget";
import { LocalSnippetWarning } from "./LocalSnippetWarning";
import { SnippetBox } from "./SnippetBox";

/** Enter runs `action` instead of submitting the settings form around the section. */
function onEnter(action: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      action();
    }
  };
}

export function SitesSection({
  sites,
  onAdded,
  onChanged = () => {},
  onRemoved = () => {},
}: {
  sites: SiteRow[] | null;
  onAdded: (s: SiteRow) => void;
  onChanged?: (s: SiteRow) => void;
  onRemoved?: (id: number) => void;
}) {
  return (
    <section class="settings-section" id="section-sites" data-testid="settings-sites">
      <div class="section-head">
        <div>
          <h2>Websites</h2>
          <p class="muted small">Each site gets its own bot token and a list of addresses allowed to post tickets.</p>
        </div>
      </div>
      {sites === null ? (
        <p class="muted">Loading sites…</p>
      ) : sites.length === 0 ? (
        <p class="muted">No website yet. Add one below to get the snippet for your pages.</p>
      ) : (
        sites.map((s) => <SiteCard key={s.id} site={s} onChanged={onChanged} onRemoved={onRemoved} />)
      )}
      <AddSiteForm onAdded={onAdded} />
    </section>
  );
}

type Pending = "edit" | "rotate" | "remove" | null;

export function SiteCard({
  site,
  onChanged,
  onRemoved,
}: {
  site: SiteRow;
  onChanged: (s: SiteRow) => void;
  onRemoved: (id: number) => void;
}) {
  const [reveal, setReveal] = useState(false);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = (p: Pending) => {
    setPending(p);
    setError(null);
  };
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setPending(null);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  const rotate = () =>
    run(async () => {
      onChanged(await api.rotateSiteToken(site.name));
      setReveal(true);
    });
  const remove = () =>
    run(async () => {
      await api.removeSite(site.name);
      onRemoved(site.id);
    });
  return (
    <div class="site-card" data-testid="site-card" data-site-id={site.id}>
      <div class="site-head">
        <strong>{site.name}</strong>
        <span class="site-actions">
          <span class="muted small">
            added <RelTime at={site.createdAt} />
          </span>
          <button type="button" class="link small" data-testid="site-edit" onClick={() => open("edit")}>
            Edit
          </button>
          <button type="button" class="link small" data-testid="site-rotate" onClick={() => open("rotate")}>
            Rotate token
          </button>
          <button type="button" class="link small danger" data-testid="site-remove" onClick={() => open("remove")}>
            Remove
          </button>
        </span>
      </div>
      {pending === "edit" && (
        <EditSite
          site={site}
          busy={busy}
          onSave={(rename, origins) => run(async () => onChanged(await api.editSite(site.name, rename, origins)))}
          onCancel={() => open(null)}
        />
      )}
      {pending === "rotate" && (
        <Confirm
          testid="site-rotate-confirm"
          text="The old token stops working at once; paste the new snippet on your site."
          action="Rotate token"
          busy={busy}
          onConfirm={rotate}
          onCancel={() => open(null)}
        />
      )}
      {pending === "remove" && (
        <Confirm
          testid="site-remove-confirm"
          text={`Remove ${site.name}? Its widget stops working at once; its tickets stay in your inbox.`}
          action="Remove website"
          busy={busy}
          onConfirm={remove}
          onCancel={() => open(null)}
        />
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <dl class="site-facts">
        <div>
          <dt>Allowed origins</dt>
          <dd>
            {site.origins.length === 0 ? (
              <span class="muted">none — the widget will be refused everywhere</span>
            ) : (
              site.origins.map((o) => (
                <span class="origin mono" key={o}>
                  {o}
                </span>
              ))
            )}
          </dd>
        </div>
        <div>
          <dt>Bot token</dt>
          <dd>
            <span class="mono selectable" data-testid="bot-token">
              {reveal ? site.botToken : "•".repeat(Math.min(24, site.botToken.length || 24))}
            </span>{" "}
            <button type="button" class="link small" onClick={() => setReveal(!reveal)}>
              {reveal ? "Hide" : "Show"}
            </button>
          </dd>
        </div>
      </dl>
      {site.pointsAtThisComputer && <LocalSnippetWarning />}
      <SnippetBox snippet={site.snippet} />
      <SelfHostWidget site={site.name} />
    </div>
  );
}

function Confirm(props: {
  testid: string;
  text: string;
  action: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <div class="site-confirm" role="alertdialog" aria-label={props.action} data-testid={props.testid}>
      <p>{props.text}</p>
      <div class="row-buttons">
        <button type="button" class="btn danger" disabled={props.busy} data-testid={`${props.testid}-yes`} onClick={props.onConfirm}>
          {props.action}
        </button>
        <button type="button" class="btn" disabled={props.busy} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function EditSite(props: {
  site: SiteRow;
  busy: boolean;
  onSave: (rename: string | null, origins: string[]) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState(props.site.name);
  const [origins, setOrigins] = useState(props.site.origins.join(", "));
  const save = () => {
    const rename = name.trim() === props.site.name ? null : name.trim();
    props.onSave(rename, parseOrigins(origins));
  };
  const ready = name.trim() !== "" && parseOrigins(origins).length > 0 && !props.busy;
  return (
    <div class="add-site" role="group" aria-label={`Edit ${props.site.name}`} data-testid="site-edit-form">
      <div class="grid2">
        <label class="field">
          <span>Name</span>
          <input
            data-testid="site-edit-name"
            value={name}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={onEnter(() => ready && save())}
          />
        </label>
        <label class="field">
          <span>Website address(es)</span>
          <input
            data-testid="site-edit-origins"
            value={origins}
            spellcheck={false}
            onInput={(e) => setOrigins((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={onEnter(() => ready && save())}
          />
          <em class="field-note">These replace the list. Several? Separate them with commas.</em>
        </label>
      </div>
      <div class="row-buttons">
        <button type="button" class="btn primary" disabled={!ready} data-testid="site-edit-save" onClick={save}>
          {props.busy ? "Saving…" : "Save website"}
        </button>
        <button type="button" class="btn" disabled={props.busy} onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

export function AddSiteForm({ onAdded, compact = false }: { onAdded: (s: SiteRow) => void; compact?: boolean }) {
  const [name, setName] = useState("");
  const [origins, setOrigins] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ready = !busy && name.trim() !== "";
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      const site = await api.addSite(name.trim(), parseOrigins(origins));
      setName("");
      setOrigins("");
      onAdded(site);
    } catch (e) {
      setError(toApiError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class={compact ? "add-site compact" : "add-site"} role="group" aria-label="Add a website" data-testid="add-site">
      {!compact && <h3>Add a website</h3>}
      <div class="grid2">
        <label class="field">
          <span>Name</span>
          <input
            data-testid="site-name"
            value={name}
            placeholder="Acme shop"
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={onEnter(() => ready && add())}
          />
        </label>
        <label class="field">
          <span>Website address(es)</span>
          <input
            data-testid="site-origins"
            value={origins}
            placeholder="https://acme.example"
            spellcheck={false}
            onInput={(e) => setOrigins((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={onEnter(() => ready && add())}
          />
          <em class="field-note">Where the widget runs. Several? Separate them with commas.</em>
        </label>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="btn primary" disabled={!ready} data-testid="site-add" onClick={add}>
        {busy ? "Adding…" : "Add website"}
      </button>
    </div>
  );
}
