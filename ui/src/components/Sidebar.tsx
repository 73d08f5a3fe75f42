// Left pane: the brand, status filters with counts, and the footer with mail/sync/tunnel health,
// notification pause, settings and help.
import type { AppStatus, Counts, MailStatus, StatusFilter, TunnelState } from "../bindings";
import { Icon, type IconName } from "./Icon";
import { MailStatusLines } from "./MailPanel";
import { TunnelLine } from "./TunnelLine";

/**
 * A status, the snoozed tickets (open ones hidden until a time; "open" leaves them out), all,
 * or the two bins: Spam and Trash (deleted, restorable for 30 days). Only the bins show spam
 * and trashed tickets; merged ones are in no list.
 */
export type Filter = StatusFilter;

const FILTERS: { value: Filter; label: string; icon: IconName }[] = [
  { value: "open", label: "Open", icon: "inbox" },
  { value: "pending", label: "Pending", icon: "clock" },
  { value: "closed", label: "Closed", icon: "check" },
  { value: "snoozed", label: "Snoozed", icon: "moon" },
  { value: "all", label: "All tickets", icon: "layers" },
];
const BINS: { value: Filter; label: string; icon: IconName }[] = [
  { value: "spam", label: "Spam", icon: "ban" },
  { value: "trash", label: "Trash", icon: "trash" },
];

export function filterCount(c: Counts | null, f: Filter): number | null {
  if (!c) return null;
  return f === "all" ? c.open + c.pending + c.closed + c.snoozed : c[f] ?? 0;
}

export function Sidebar(props: {
  filter: Filter;
  settingsOpen: boolean;
  counts: Counts | null;
  status: AppStatus | null;
  /** the outbox and sending budget; null until loaded (the status line then counts from AppStatus) */
  mail?: MailStatus | null;
  /** the managed tunnel; null until loaded (and no line when not configured) */
  tunnel?: TunnelState | null;
  business: string;
  onFilter: (f: Filter) => void;
  onSettings: () => void;
  onHelp: () => void;
  onTogglePause: () => void;
  onOpenFailed?: () => void;
}) {
  const { status } = props;
  return (
    <aside class="sidebar" aria-label="Filters">
      <div class="brand">
        <span class="brand-mark">
          <Icon name="bell" size={16} />
        </span>
        <span class="brand-text">
          <strong>Deskbell</strong>
          {props.business && <span class="brand-sub">{props.business}</span>}
        </span>
      </div>
      <nav class="filters" data-testid="status-filter" aria-label="Ticket status">
        {FILTERS.map((f) => (
          <FilterButton key={f.value} f={f} {...props} />
        ))}
        <div class="filters-sep" role="separator" />
        {BINS.map((f) => (
          <FilterButton key={f.value} f={f} {...props} />
        ))}
      </nav>
      <div class="sidebar-foot">
        <Health status={status} mail={props.mail ?? null} tunnel={props.tunnel ?? null} onSettings={props.onSettings} onOpenFailed={props.onOpenFailed ?? (() => {})} />
        <button
          class="side-btn"
          onClick={props.onTogglePause}
          title={status?.notificationsPaused ? "Resume desktop notifications" : "Pause desktop notifications"}
          aria-pressed={status?.notificationsPaused ? "true" : "false"}
        >
          <Icon name={status?.notificationsPaused ? "bellOff" : "bell"} />
          {status?.notificationsPaused ? "Notifications paused" : "Notifications on"}
        </button>
        <button class={props.settingsOpen ? "side-btn active" : "side-btn"} data-testid="settings-open" onClick={props.onSettings} title="Settings">
          <Icon name="settings" />
          Settings
        </button>
        <button class="side-btn" data-testid="help-open" onClick={props.onHelp} title="Keyboard shortcuts (?)">
          <Icon name="keyboard" />
          Shortcuts <kbd class="hint">?</kbd>
        </button>
      </div>
    </aside>
  );
}

function FilterButton(props: {
  f: { value: Filter; label: string; icon: IconName };
  filter: Filter;
  settingsOpen: boolean;
  counts: Counts | null;
  onFilter: (f: Filter) => void;
}) {
  const { f, counts } = props;
  const n = filterCount(counts, f.value);
  const active = props.filter === f.value && !props.settingsOpen;
  return (
    <button
      class={active ? "filter active" : "filter"}
      aria-current={active ? "true" : undefined}
      data-testid="status-filter"
      data-status={f.value}
      onClick={() => props.onFilter(f.value)}
    >
      <Icon name={f.icon} />
      <span class="filter-label">{f.label}</span>
      {f.value === "open" && counts && counts.unread > 0 && (
        <span class="unread-pill" title={`${counts.unread} unread`}>
          {counts.unread} new
        </span>
      )}
      <span class="filter-count">{n ?? ""}</span>
    </button>
  );
}

/** A one-line summary of mail and sync health; details live in the list banner. */
function Health({
  status,
  mail,
  tunnel,
  onSettings,
  onOpenFailed,
}: {
  status: AppStatus | null;
  mail: MailStatus | null;
  tunnel: TunnelState | null;
  onSettings: () => void;
  onOpenFailed: () => void;
}) {
  if (!status) return null;
  const items: { cls: string; text: string; title: string }[] = [];
  if (status.sync.state === "error") {
    items.push({ cls: "bad", text: "Mail sync failing", title: status.sync.message ?? "" });
  } else if (status.sync.state === "connecting") {
    items.push({ cls: "warn", text: "Connecting to mail…", title: "" });
  } else if (status.sync.state === "ok") {
    items.push({ cls: "good", text: "Mail in sync", title: "Replies arrive within seconds" });
  } else {
    items.push({ cls: "off", text: "Mail sync off", title: "Set up receiving email in Settings" });
  }
  if (!mail && status.mailQueued > 0) {
    items.push({ cls: "warn", text: `${status.mailQueued} waiting to send`, title: "Sent as soon as the mail server answers" });
  }
  if (!mail && status.mailFailed > 0) {
    items.push({ cls: "bad", text: `${status.mailFailed} failed to send`, title: "See the ticket for the reason" });
  }
  return (
    <ul class="health" aria-label="Mail status" data-testid="mail-status">
      {items.map((i) => (
        <li key={i.text} class={`health-item ${i.cls}`} title={i.title}>
          <span class="health-dot" aria-hidden="true" />
          {i.cls === "off" ? (
            <button class="link" onClick={onSettings}>
              {i.text}
            </button>
          ) : (
            i.text
          )}
        </li>
      ))}
      {mail && <MailStatusLines mail={mail} onOpenFailed={onOpenFailed} />}
      <TunnelLine tunnel={tunnel} />
      <li class="health-item muted small" title="The address your website widget posts to">
        Intake {status.intakeAddr}
      </li>
    </ul>
  );
}
