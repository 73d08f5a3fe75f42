// Who wrote in: name, email, phone, the page they were on, the site; and their other tickets.
import type { TicketDetail } from "../bindings";
import { initials } from "../lib/thread";
import { Icon } from "./Icon";
import { RelTime } from "./RelTime";

export function VisitorCard({ detail, onOpen }: { detail: TicketDetail; onOpen: (id: string) => void }) {
  const t = detail.ticket;
  const name = t.visitorName || t.visitorEmail || "Unknown visitor";
  return (
    <aside class="visitor" aria-label="Visitor" data-testid="visitor-card">
      <div class="visitor-head">
        <div class="avatar in big" aria-hidden="true">
          {initials(name)}
        </div>
        <div>
          <div class="visitor-name">{name}</div>
          <div class="muted small">
            {t.channel === "web" ? "Wrote through the website" : "Wrote by email"} · <RelTime at={t.createdAt} />
          </div>
        </div>
      </div>
      <dl class="visitor-facts">
        {t.visitorEmail && (
          <div>
            <dt>
              <Icon name="mail" size={14} />
              <span class="sr">Email</span>
            </dt>
            <dd>
              <span class="selectable">{t.visitorEmail}</span>
            </dd>
          </div>
        )}
        {detail.visitorPhone && (
          <div>
            <dt>
              <Icon name="phone" size={14} />
              <span class="sr">Phone</span>
            </dt>
            <dd class="selectable">{detail.visitorPhone}</dd>
          </div>
        )}
        {detail.pageUrl && (
          <div>
            <dt>
              <Icon name="link" size={14} />
              <span class="sr">Page</span>
            </dt>
            <dd class="selectable ellipsis" title={detail.pageUrl}>
              {detail.pageUrl}
            </dd>
          </div>
        )}
        {t.site && (
          <div>
            <dt>
              <Icon name="globe" size={14} />
              <span class="sr">Site</span>
            </dt>
            <dd>{t.site}</dd>
          </div>
        )}
      </dl>
      <div class="history" data-testid="visitor-history">
        <h3>
          Earlier conversations <span class="muted">{detail.history.length}</span>
        </h3>
        {detail.history.length === 0 ? (
          <p class="muted small">This is their first ticket.</p>
        ) : (
          <ul>
            {detail.history.map((h) => (
              <li key={h.ticketId}>
                <button class="history-item" onClick={() => onOpen(h.ticketId)} data-testid="history-item" data-ticket-id={h.ticketId}>
                  <span class={`status-dot ${h.status}`} aria-label={`status ${h.status}`} />
                  <span class="ellipsis">{h.firstLine || h.ticketId}</span>
                  <RelTime at={h.createdAt} class="muted small" />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
