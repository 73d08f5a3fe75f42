// The outcome of "Test connection": the CheckReport's exact message and hint, never a guess.
import type { CheckReport, Problem } from "../bindings";
import { Icon } from "./Icon";

const TITLES: Record<Problem, string> = {
  ok: "Connected",
  wrong_password: "Wrong username or password",
  tls: "Secure connection failed",
  untrusted_certificate: "The server's certificate is not trusted",
  unreachable: "Server not reachable",
  timeout: "The server did not answer in time",
  not_configured: "Not set up yet",
  other: "Connection failed",
};

export function CheckResult({ report, label }: { report: CheckReport; label: string }) {
  return (
    <div
      class={report.ok ? "check ok" : "check bad"}
      role="status"
      data-testid="check-result"
      data-problem={report.problem}
      data-kind={label}
    >
      <Icon name={report.ok ? "check" : "alert"} />
      <div>
        <strong>{TITLES[report.problem] ?? "Connection failed"}</strong>
        <div class="check-msg">{report.message}</div>
        {report.hint && <div class="check-hint">{report.hint}</div>}
      </div>
    </div>
  );
}
