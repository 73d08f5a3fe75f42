// The outbox as the owner steers it: the sending budget in the sidebar's status area ("Sent 12
// of 400 today", what the daily limit holds back and until when, how many failed) and the sheet
// that lists failed mail with its reasons, to send again one by one or all at once.
import type { FailedMail, MailKind, MailStatus } from "../bindings";
import { clockTime } from "../lib/time";
import { useEnv, useNow } from "../context";
import { Sheet } from "./Sheet";

const KIND_LABEL: Record<string, string> = {
  reply: "Reply",
  confirmation: "Confirmation",
  notification: "Notification",
  digest: "Digest of new tickets",
};

export function kindLabel(k: MailKind): string {
  return KIND_LABEL[k] ?? k;
}

/** The status area's lines about sending (items of the sidebar's `.health` list). */
export function MailStatusLines({ mail, onOpenFailed }: { mail: MailStatus; onOpenFailed: () => void }) {
  const { timezone } = useEnv();
  const now = useNow();
  const waiting = mail.queued - mail.held;
  const next = mail.nextSlotAt ? clockTime(mail.nextSlotAt, now, timezone) : "";
  return (
    <>
      <li
        class={`health-item ${mail.sentLast24h >= mail.dailyLimit ? "warn" : "off"}`}
        title="Messages sent in the last 24 hours, of the daily sending limit (Settings → Mail)"
        data-testid="mail-sent"
      >
        <span class="health-dot" aria-hidden="true" />
        Sent {mail.sentLast24h} of {mail.dailyLimit} today
      </li>
      {mail.held > 0 && (
        <li class="health-item warn" data-testid="mail-held" title="They go out as the daily limit frees up, oldest first">
          <span class="health-dot" aria-hidden="true" />
          {mail.held} held by the daily limit{next && ` (next at ${next})`}
        </li>
      )}
      {waiting > 0 && (
        <li class="health-item warn" title="Sent as soon as the mail server answers">
          <span class="health-dot" aria-hidden="true" />
          {waiting} waiting to send
        </li>
      )}
      {mail.failedTotal > 0 && (
        <li class="health-item bad">
          <span class="health-dot" aria-hidden="true" />
          <button class="link" data-testid="mail-failed-open" onClick={onOpenFailed} title="See why, and send again">
            {mail.failedTotal} failed
          </button>
        </li>
      )}
    </>
  );
}

/** The failed-mail sheet: each failed mail with its reason, Resend each, Resend all. */
export function FailedMailSheet(props: {
  mail: MailStatus;
  busy: boolean;
  onClose: () => void;
  onResend: (id: number) => void;
  onResendAll: () => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { mail } = props;
  return (
    <Sheet title="Mail that was not sent" onClose={props.onClose} testid="mail-failed-sheet" wide>
      {mail.failed.length === 0 ? (
        <p class="muted">Nothing failed. Everything was sent or is on its way.</p>
      ) : (
        <>
          <p class="muted small failed-intro">
            Resend sends the same message again now. Fix the address or the account first if the reason says so.
          </p>
          <ul class="failed-list">
            {mail.failed.map((f) => (
              <FailedRow key={f.id} f={f} busy={props.busy} onResend={props.onResend} onOpenTicket={props.onOpenTicket} />
            ))}
          </ul>
          {mail.failedTotal > mail.failed.length && (
            <p class="muted small">
              The newest {mail.failed.length} of {mail.failedTotal} are shown; Resend all sends every one.
            </p>
          )}
          <div class="failed-actions">
            <button class="btn primary" data-testid="mail-resend-all" disabled={props.busy} onClick={props.onResendAll}>
              Resend all ({mail.failedTotal})
            </button>
          </div>
        </>
      )}
    </Sheet>
  );
}

function FailedRow(props: {
  f: FailedMail;
  busy: boolean;
  onResend: (id: number) => void;
  onOpenTicket: (ticketId: string) => void;
}) {
  const { f } = props;
  return (
    <li class="failed-row" data-testid="mail-failed-row" data-mail-id={f.id}>
      <div class="failed-main">
        <div class="failed-head">
          <strong>{kindLabel(f.kind)}</strong>
          <span class="failed-to selectable">to {f.to}</span>
          {f.bounced && <span class="prio urgent" data-testid="mail-bounced">bounced</span>}
        </div>
        {f.ticketId && (
          <button class="link small mono" onClick={() => props.onOpenTicket(f.ticketId!)} title="Open the ticket">
            {f.ticketId}
          </button>
        )}
        <div class="failed-reason selectable">{f.reason || "No reason was given."}</div>
      </div>
      <button class="btn small" data-testid="mail-resend" disabled={props.busy} onClick={() => props.onResend(f.id)}>
        Resend
      </button>
    </li>
  );
}
