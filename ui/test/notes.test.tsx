// Internal notes: the composer's Note mode (key n), a note in the thread, the help sheet.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detail, fakeApi, row, settings, settle, status, until, page } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as (ReturnType<typeof import("./fixtures").fakeApi> & { addNote: ReturnType<typeof vi.fn> }) | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  const api = new Proxy({}, { get: (_t, k) => (k === "addNote" ? fake.current!.addNote : (fake.current!.api as Record<string, unknown>)[k as string]) });
  return { ...real, api };
});
import { App } from "../src/App";
import { Composer } from "../src/components/Composer";
import { HelpSheet } from "../src/components/HelpSheet";
import { ThreadEntryView } from "../src/components/ThreadEntryView";
import { refreshFor } from "../src/lib/events";
import type { TicketDetail } from "../src/bindings";

let root: HTMLElement;
beforeEach(() => {
  fake.current = { ...fakeApi(), addNote: vi.fn() };
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  act(() => render(null, root));
  root.remove();
});
const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
function type(el: HTMLTextAreaElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}
function withNote(d: TicketDetail, text: string): TicketDetail {
  const note = { ...d.messages[0]!, id: 77, direction: "note" as const, from: "maria@gmail.com", text, body: text };
  return { ...d, messages: [...d.messages, note] };
}

describe("Composer in note mode", () => {
  it("adds a note (no recipient, no files, never sendReply) and keeps the reply draft apart", async () => {
    const noted = withNote(detail(row("T-1")), "Called the courier");
    fake.current!.addNote.mockResolvedValue(noted);
    const onSent = vi.fn();
    const onNoted = vi.fn();
    const textRef = { current: null as HTMLTextAreaElement | null };
    act(() =>
      render(
        <Composer ticketId="T-1" to="v@example.com" textRef={textRef} canned={[]} onLoadCanned={() => {}} onManageCanned={() => {}} onSent={onSent} onNoted={onNoted} />,
        root,
      ),
    );
    expect($("composer")!.dataset.mode).toBe("reply");
    act(() => type($("reply-text") as HTMLTextAreaElement, "Reply words"));

    act(() => $("mode-note")!.click());
    expect($("composer")!.dataset.mode).toBe("note");
    expect($("composer")!.classList.contains("note")).toBe(true);
    expect($("mode-note")!.getAttribute("aria-pressed")).toBe("true");
    expect($("note-banner")!.textContent).toContain("not sent to anyone");
    expect(root.textContent).not.toContain("v@example.com");
    expect($("reply-attach")).toBeNull();
    expect($("canned-open")).toBeNull();
    expect($("reply-send")).toBeNull();
    const ta = $("reply-text") as HTMLTextAreaElement;
    expect(ta.value).toBe(""); // the reply draft is not the note's
    expect(ta.getAttribute("aria-label")).toBe("Internal note");
    expect(document.activeElement).toBe(ta);

    act(() => type(ta, "  Called the courier "));
    await act(async () => {
      ta.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true, bubbles: true }));
      await settle();
    });
    expect(fake.current!.addNote).toHaveBeenCalledWith("T-1", "  Called the courier ");
    expect(fake.current!.api.sendReply).not.toHaveBeenCalled();
    expect(onNoted).toHaveBeenCalledWith(noted);
    expect(onSent).not.toHaveBeenCalled();
    expect(ta.value).toBe("");

    act(() => $("mode-reply")!.click());
    expect($("composer")!.dataset.mode).toBe("reply");
    expect(($("reply-text") as HTMLTextAreaElement).value).toBe("Reply words");
  });
});

describe("a note in the thread", () => {
  it("is marked as an internal note that was not sent", () => {
    const note = withNote(detail(row("T-1")), "Refund approved by Luca").messages[1]!;
    act(() => render(<ThreadEntryView entry={note} visitorName="Ada" ownerName="Maria" />, root));
    const entry = $("thread-entry")!;
    expect(entry.dataset.direction).toBe("note");
    expect(entry.classList.contains("note")).toBe(true);
    expect(entry.textContent).toContain("Internal note");
    expect($("note-label")!.textContent).toContain("not sent");
    expect(entry.textContent).toContain("Refund approved by Luca");
    expect($("entry-state")).toBeNull();
  });
});

describe("the note_added event", () => {
  it("reloads the list and the open thread, not the counts", () => {
    const e = { kind: "note_added" as const, ticket_id: "T-1" };
    expect(refreshFor(e, "T-1")).toEqual({ list: true, counts: false, thread: true, status: false });
    expect(refreshFor(e, "T-2").thread).toBe(false);
  });
});

describe("the help sheet", () => {
  it("lists n", () => {
    act(() => render(<HelpSheet onClose={() => {}} />, root));
    const rowN = Array.from(root.querySelectorAll(".keys-row")).find((r) => r.querySelector("kbd")?.textContent === "n");
    expect(rowN?.textContent).toContain("internal note");
  });
});

describe("the window", () => {
  it("n opens the composer in note mode on the open ticket; r goes back to reply", async () => {
    const a = fake.current!.api;
    const t = row("T-1");
    a.getSettings.mockResolvedValue(settings());
    a.appStatus.mockResolvedValue(status());
    a.counts.mockResolvedValue({ open: 1, pending: 0, closed: 0, unread: 1, snoozed: 0, spam: 0, trash: 0 });
    a.listTickets.mockResolvedValue(page([t]));
    a.getTicket.mockResolvedValue(detail(t));
    a.cannedReplies.mockResolvedValue([]);
    fake.current!.addNote.mockResolvedValue(withNote(detail(t), "Internal words"));
    act(() => render(<App />, root));
    await until(() => $("ticket-list"));
    const key = async (k: string, target: EventTarget = document.body) => {
      target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
      await settle();
    };
    await key("j");
    await key("Enter");
    await until(() => $("ticket-view"));
    await key("n");
    await until(() => $("composer")?.dataset.mode === "note");
    const ta = $("reply-text") as HTMLTextAreaElement;
    expect(document.activeElement).toBe(ta);
    act(() => type(ta, "Internal words"));
    await act(async () => {
      $("note-add")!.click();
      await settle();
    });
    expect(fake.current!.addNote).toHaveBeenCalledWith("T-1", "Internal words");
    await until(() => root.querySelector('[data-testid="thread-entry"][data-direction="note"]'));
    ta.blur();
    await key("r");
    await until(() => $("composer")?.dataset.mode === "reply");
    expect(document.activeElement).toBe($("reply-text"));
  });
});
