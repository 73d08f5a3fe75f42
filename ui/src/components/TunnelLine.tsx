// The managed tunnel's line in the sidebar's status area ("Tunnel: running", "Tunnel:
// restarting in 8 s (exited with status 1)"); nothing at all without a [tunnel] command.
import { useEffect, useState } from "preact/hooks";
import type { TunnelState } from "../bindings";

/** The line's text and tone at `now` (ms); null when no tunnel is configured. */
export function tunnelLine(t: TunnelState | null, now: number): { cls: string; text: string } | null {
  if (!t) return null;
  switch (t.state) {
    case "not_configured":
      return null;
    case "starting":
      return { cls: "warn", text: "Tunnel: starting" };
    case "running":
      return { cls: "good", text: "Tunnel: running" };
    case "restarting": {
      const secs = Math.max(0, Math.ceil((Date.parse(t.retryAt) - now) / 1000));
      return { cls: "bad", text: `Tunnel: restarting in ${secs} s (${t.exit})` };
    }
    case "stopped":
      return { cls: "off", text: "Tunnel: stopped" };
  }
}

export function TunnelLine({ tunnel }: { tunnel: TunnelState | null }) {
  const [now, setNow] = useState(() => Date.now());
  const restarting = tunnel?.state === "restarting";
  // Only a countdown needs the clock; refresh it once a second while it runs.
  useEffect(() => {
    setNow(Date.now());
    if (!restarting) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [tunnel]);
  const line = tunnelLine(tunnel, now);
  if (!line) return null;
  const title = tunnel?.state === "running" ? `The tunnel program runs as pid ${tunnel.pid}` : "The [tunnel] command in the config file";
  return (
    <li class={`health-item ${line.cls}`} data-testid="tunnel-status" title={title}>
      <span class="health-dot" aria-hidden="true" />
      {line.text}
    </li>
  );
}
