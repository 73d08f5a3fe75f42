// "Check" next to the public address: does it reach this Deskbell? The ReachReport's own
// sentence, under a title per verdict; a working address that only this computer (or only
// plain http) can use is a warning, not a pass.
import { useState } from "preact/hooks";
import type { ReachReport, ReachVerdict } from "../bindings";
import { api, toApiError } from "../api";
import { Icon } from "./Icon";

const TITLES: Record<ReachVerdict, string> = {
  ok: "Reaches this Deskbell",
  this_computer: "Works only on this computer",
  plain_http: "Reachable, but not over https",
  not_set: "No public address yet",
  invalid_url: "Not a valid address",
  dns: "The name does not resolve",
  refused: "Nothing is listening there",
  unreachable: "Cannot connect",
  tls: "Secure connection failed",
  timeout: "No answer in time",
  redirect: "It redirects elsewhere",
  not_deskbell: "It answers, but it is not Deskbell",
  other_deskbell: "It reaches another Deskbell",
};

export function ReachCheck({ url }: { url: string }) {
  const [report, setReport] = useState<ReachReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      setReport(await api.checkPublicUrl(url.trim() || null));
    } catch (e) {
      setReport(null);
      setError(toApiError(e).message);
    } finally {
      setChecking(false);
    }
  };
  const tone = report ? (report.verdict === "ok" ? "ok" : report.ok ? "warn" : "bad") : null;
  return (
    <div class="check-row">
      <button type="button" class="btn" onClick={check} disabled={checking} data-testid="public-url-check">
        {checking ? "Checking…" : "Check"}
      </button>
      {report && (
        <div class={`check ${tone}`} role="status" data-testid="reach-result" data-verdict={report.verdict}>
          <Icon name={tone === "ok" ? "check" : "alert"} />
          <div>
            <strong>{TITLES[report.verdict] ?? "Check failed"}</strong>
            <div class="check-msg">{report.message}</div>
          </div>
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
