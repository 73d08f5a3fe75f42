// The tunnel's line in the sidebar's status area: the words for each state, nothing when no
// tunnel is configured, and the countdown while it waits to restart.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TunnelState } from "../src/bindings";
import { Sidebar } from "../src/components/Sidebar";
import { tunnelLine } from "../src/components/TunnelLine";
import { EnvContext } from "../src/context";
import { status } from "./fixtures";

const now = Date.parse("2026-12-01T10:00:00Z");
const restarting: TunnelState = { state: "restarting", exit: "exited with status 1", retryAt: "2026-12-01T10:00:07.200Z" };

describe("tunnelLine", () => {
  it.each<[TunnelState | null, string | null]>([
    [null, null],
    [{ state: "not_configured" }, null],
    [{ state: "starting" }, "Tunnel: starting"],
    [{ state: "running", pid: 42, since: "2026-12-01T09:00:00Z" }, "Tunnel: running"],
    [restarting, "Tunnel: restarting in 8 s (exited with status 1)"],
    [{ state: "restarting", exit: "failed to start: cloudflared not found", retryAt: "2026-12-01T09:59:00Z" }, "Tunnel: restarting in 0 s (failed to start: cloudflared not found)"],
    [{ state: "stopped" }, "Tunnel: stopped"],
  ])("%j", (t, want) => expect(tunnelLine(t, now)?.text ?? null).toBe(want));
});

describe("Sidebar: the tunnel's line", () => {
  let root: HTMLElement;
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(now);
    root = document.createElement("div");
    document.body.appendChild(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
    vi.useRealTimers();
  });
  const sidebar = (tunnel: TunnelState | null) => (
    <EnvContext.Provider value={{ timezone: "UTC", notify: () => {}, openLink: () => {} }}>
      <Sidebar
        filter="open" settingsOpen={false} counts={null} status={status()} mail={null} tunnel={tunnel}
        business="Rossi" onFilter={() => {}} onSettings={() => {}} onHelp={() => {}} onTogglePause={() => {}}
      />
    </EnvContext.Provider>
  );
  const line = () => root.querySelector('[data-testid="tunnel-status"]');

  it("is absent without a tunnel, and counts down to a restart", () => {
    act(() => render(sidebar({ state: "not_configured" }), root));
    expect(line()).toBeNull();
    act(() => render(sidebar(restarting), root));
    expect(line()!.textContent).toBe("Tunnel: restarting in 8 s (exited with status 1)");
    act(() => {
      vi.advanceTimersByTime(3000);
    });
    expect(line()!.textContent).toBe("Tunnel: restarting in 5 s (exited with status 1)");
    act(() => render(sidebar({ state: "running", pid: 7, since: "2026-12-01T10:00:08Z" }), root));
    expect(line()!.textContent).toBe("Tunnel: running");
    expect(line()!.className).toContain("good");
  });
});
