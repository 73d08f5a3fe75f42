// The triage sheet that is open, if any: Merge into… or Block sender (lib/useTriage.ts).
import type { TicketDetail } from "../bindings";
import type { TriageSheet } from "../lib/useTriage";
import { BlockSheet } from "./BlockSheet";
import { MergeSheet } from "./MergeSheet";

export function TriageSheets(props: {
  sheet: TriageSheet;
  onClose: () => void;
  onMerged: (target: TicketDetail, sourceId: string) => void;
  onBlock: (address: string) => Promise<void>;
}) {
  const { sheet } = props;
  if (sheet?.kind === "merge") {
    return <MergeSheet source={sheet.ticket} onClose={props.onClose} onMerged={(d) => props.onMerged(d, sheet.ticket.ticketId)} />;
  }
  if (sheet?.kind === "block") return <BlockSheet ticket={sheet.ticket} onClose={props.onClose} onBlock={props.onBlock} />;
  return null;
}
