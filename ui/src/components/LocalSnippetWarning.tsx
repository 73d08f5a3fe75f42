// Next to a snippet that points at this computer (no public address, or a loopback one).
import { Icon } from "./Icon";

export function LocalSnippetWarning() {
  const goToIntake = () => {
    document.getElementById("section-intake")?.scrollIntoView?.({ block: "start" });
    document.querySelector<HTMLInputElement>('[data-testid="intake-public-url"]')?.focus();
  };
  return (
    <div class="banner warn" role="status" data-testid="snippet-local-warning">
      <Icon name="alert" />
      <div>
        This snippet points at this computer: visitors' browsers cannot reach it. Set your public address (the tunnel) in{" "}
        <button type="button" class="link" onClick={goToIntake}>
          Website intake
        </button>
        , then copy the snippet again.
      </div>
    </div>
  );
}
