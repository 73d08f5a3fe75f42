// The websites that may post tickets: bot token, allowed origins, snippet; add a site.
import { useState } from "preact/hooks";
import type { SiteRow } from "../bindings";
import { api, toApiError } from "../api";
import { parseOrigins } from "../lib/settingsForm";
import { RelTime } from "./RelTime";
import { SnippetBox } from "./SnippetBox";

export function SitesSection({ sites, onAdded }: { sites: SiteRow[] | null; onAdded: (s: SiteRow) => void }) {
  return (
    <section class="settings-section" id="section-sites" data-testid="settings-sites">
      <div class="section-head">
        <div>
          <h3>Websites</h3>
          <p class="muted small">Each site gets its own bot token and a list of addresses allowed to post tickets.</p>
        </div>
      </div>
      {sites === null ? (
        <p class="muted">Loading sites…</p>
      ) : sites.length === 0 ? (
        <p class="muted">No website yet. Add one below to get the snippet for your pages.</p>
      ) : (
        sites.map((s) => <SiteCard key={s.id} site={s} />)
      )}
      <AddSiteForm onAdded={onAdded} />
    </section>
  );
}

function SiteCard({ site }: { site: SiteRow }) {
  const [reveal, setReveal] = useState(false);
  return (
    <div class="site-card" data-testid="site-card" data-site-id={site.id}>
      <div class="site-head">
        <strong>{site.name}</strong>
        <span class="muted small">
          added <RelTime at={site.createdAt} />
        </span>
      </div>
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
      <SnippetBox snippet={site.snippet} />
    </div>
  );
}

export function AddSiteForm({ onAdded, compact = false }: { onAdded: (s: SiteRow) => void; compact?: boolean }) {
  const [name, setName] = useState("");
  const [origins, setOrigins] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
    <form
      class={compact ? "add-site compact" : "add-site"}
      data-testid="add-site"
      onSubmit={(e) => {
        e.preventDefault();
        add();
      }}
    >
      {!compact && <h4>Add a website</h4>}
      <div class="grid2">
        <label class="field">
          <span>Name</span>
          <input data-testid="site-name" value={name} required placeholder="Acme shop" onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">
          <span>Website address(es)</span>
          <input
            data-testid="site-origins"
            value={origins}
            placeholder="https://acme.example"
            spellcheck={false}
            onInput={(e) => setOrigins((e.currentTarget as HTMLInputElement).value)}
          />
          <em class="field-note">Where the widget runs. Several? Separate them with commas.</em>
        </label>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy || !name.trim()} data-testid="site-add">
        {busy ? "Adding…" : "Add website"}
      </button>
    </form>
  );
}
