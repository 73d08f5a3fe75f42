// The error banner (any failed command: its ApiError message) and short info toasts.
import { Icon } from "./Icon";

export interface Toast {
  id: number;
  message: string;
}

export function ErrorBanner({ message, onDismiss }: { message: string | null; onDismiss: () => void }) {
  if (!message) return null;
  return (
    <div class="error-banner" role="alert" data-testid="error-banner">
      <Icon name="alert" />
      <span>{message}</span>
      <button class="icon-btn" onClick={onDismiss} aria-label="Dismiss" title="Dismiss">
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}

export function Toasts({ toasts }: { toasts: Toast[] }) {
  return (
    <div class="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div class="toast" key={t.id} data-testid="toast">
          {t.message}
        </div>
      ))}
    </div>
  );
}
