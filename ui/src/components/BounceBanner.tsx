// Above the open ticket's thread: each message of it that did not arrive (refused by the mail
// server or bounced back), with the reason and Resend when the outbox row is known.
import type { TicketDetail } from "../bindings";
import { bounceHeadline, bounceNotices } from "../lib/thread";
import { Icon } from "./Icon";

export function BounceBanners(props: {
  detail: TicketDetail;
  busy?: boolean;
  onResend: (mailId: number) => void;
  /** opens the failed-mail sheet, for a failure whose outbox row is not on the ticket */
  onShowFailed?: () => void;
}) {
  const notices = bounceNotices(props.detail);
  if (notices.length === 0) return null;
  return (
    <div class="thread-banners">
      {notices.map((n, i) => (
        <div key={n.mailId ?? `entry-${i}`} class="banner bad" role="alert" data-testid="bounce-banner" data-mail-id={n.mailId ?? undefined}>
          <Icon name="alert" />
          <div>
            <strong>{bounceHeadline(n)}</strong>
            {n.reason ? (
              <>
                : <span class="banner-reason selectable">{n.reason}</span>
              </>
            ) : (
              "."
            )}
            {n.bounced && <div class="banner-hint">The address bounced: Deskbell sends it no more automatic mail. Check it with the visitor.</div>}
          </div>
          {n.mailId !== null ? (
            <button class="btn small" data-testid="bounce-resend" disabled={props.busy} onClick={() => props.onResend(n.mailId!)}>
              Resend
            </button>
          ) : (
            props.onShowFailed && (
              <button class="btn small" onClick={props.onShowFailed}>
                Failed mail
              </button>
            )
          )}
        </div>
      ))}
    </div>
  );
}
