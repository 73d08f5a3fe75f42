// Health problems that need the owner: mail sync failing (what and how to fix), mail that
// could not be sent, mail waiting because the mail server is out of reach.
import type { AppStatus } from "../bindings";
import { Icon } from "./Icon";

export function syncHint(message: string | null): string {
  const m = (message ?? "").toLowerCase();
  if (m.includes("password") || m.includes("auth") || m.includes("credential"))
    return "Gmail refused the password. Create a new app password and enter it under Settings → Receiving email.";
  if (m.includes("tls") || m.includes("certificate"))
    return "The secure connection failed. Check the server name and security setting under Settings → Receiving email.";
  if (m.includes("resolve") || m.includes("unreachable") || m.includes("timed out") || m.includes("timeout") || m.includes("network"))
    return "The mail server cannot be reached. Deskbell keeps retrying; check the internet connection.";
  return "Deskbell keeps retrying. Check the account under Settings → Receiving email.";
}

export function Banners({ status, onSettings }: { status: AppStatus | null; onSettings: () => void }) {
  if (!status) return null;
  return (
    <>
      {status.sync.state === "error" && (
        <div class="banner bad" role="alert" data-testid="sync-error">
          <Icon name="alert" />
          <div>
            <strong>Replies are not arriving.</strong> {status.sync.message ?? "The mailbox sync stopped."}
            <div class="banner-hint">{syncHint(status.sync.message)}</div>
          </div>
          <button class="btn small" onClick={onSettings}>
            Fix
          </button>
        </div>
      )}
      {status.mailFailed > 0 && (
        <div class="banner bad" role="status" data-testid="mail-failed">
          <Icon name="alert" />
          <div>
            <strong>
              {status.mailFailed} {status.mailFailed === 1 ? "email" : "emails"} could not be sent.
            </strong>{" "}
            The ticket shows why.
          </div>
        </div>
      )}
      {status.mailQueued > 0 && (
        <div class="banner warn" role="status" data-testid="mail-queued">
          <Icon name="wifiOff" />
          <div>
            <strong>
              {status.mailQueued} {status.mailQueued === 1 ? "email" : "emails"} waiting to send.
            </strong>{" "}
            They go out once the mail server answers.
          </div>
        </div>
      )}
    </>
  );
}
