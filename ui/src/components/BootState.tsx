// The window before settings arrive: a spinner, or why it could not start and Try again.
import type { ApiError } from "../api";

export function BootState({ error }: { error: ApiError | null }) {
  if (error) {
    return (
      <div class="boot state" role="alert" data-testid="boot-error">
        <p class="state-title">Deskbell could not start its window.</p>
        <p class="muted">{error.message}</p>
        <button class="btn" onClick={() => location.reload()}>
          Try again
        </button>
      </div>
    );
  }
  return (
    <main class="boot state" aria-busy="true" data-testid="loading">
      <div class="spinner" aria-label="Loading" />
    </main>
  );
}
