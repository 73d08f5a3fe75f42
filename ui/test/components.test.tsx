import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detail, failedMail, fakeApi, mailStatus, row, settings, settle, status } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});

import { SearchBox, SEARCH_DELAY_MS } from "../src/components/SearchBox";
import { ThreadEntryView } from "../src/components/ThreadEntryView";
import { Composer } from "../src/components/Composer";
import { SnippetBox } from "../src/components/SnippetBox";
import { SelfHostWidget } from "../src/components/SelfHostWidget";
import { AccountFields } from "../src/components/AccountFields";
import { SettingsView } from "../src/components/SettingsView";
import { accountForm } from "../src/lib/settingsForm";
import { Sidebar } from "../src/components/Sidebar";
import { BounceBanners } from "../src/components/BounceBanner";
import { EnvContext } from "../src/context";
import type { MailStatus, TicketDetail } from "../src/bindings";

let root: HTMLElement;
beforeEach(() => {
  fake.current = fakeApi();
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.useRealTimers();
});
const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;
function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  el.value = value;
  el.dispatchEvent(new Event("input", { bubbles: true }));
}

describe("SearchBox", () => {
  it("searches once after the typing pauses, and at once on Enter", async () => {
    vi.useFakeTimers();
    const onSearch = vi.fn();
    act(() => render(<SearchBox onSearch={onSearch} />, root));
    const input = $("search-input") as HTMLInputElement;
    act(() => type(input, "r"));
    act(() => type(input, "re"));
    act(() => type(input, "refund "));
    vi.advanceTimersByTime(SEARCH_DELAY_MS - 1);
    expect(onSearch).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSearch).toHaveBeenCalledTimes(1);
    expect(onSearch).toHaveBeenCalledWith("refund");
    act(() => type(input, "invoice"));
    act(() => {
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    });
    expect(onSearch).toHaveBeenLastCalledWith("invoice");
    vi.advanceTimersByTime(SEARCH_DELAY_MS * 2);
    expect(onSearch).toHaveBeenCalledTimes(2);
  });

  it("Esc clears the search", () => {
    vi.useFakeTimers();
    const onSearch = vi.fn();
    act(() => render(<SearchBox onSearch={onSearch} />, root));
    const input = $("search-input") as HTMLInputElement;
    act(() => type(input, "refund"));
    act(() => {
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    });
    expect(onSearch).toHaveBeenLastCalledWith("");
  });
});

describe("ThreadEntryView", () => {
  it("collapses the quoted history behind an expander", () => {
    const e = { ...detail(row("T-1")).messages[0]!, id: 5, text: "Thanks!", body: "Thanks!\n\n> old words" };
    act(() => render(<ThreadEntryView entry={e} visitorName="Ada" ownerName="Maria" />, root));
    expect($("thread-entry").textContent).toContain("Thanks!");
    expect($("thread-entry").textContent).not.toContain("old words");
    expect($("thread-entry").dataset.direction).toBe("in");
    act(() => $("entry-expand").click());
    expect($("thread-entry").textContent).toContain("> old words");
    expect($("entry-expand").getAttribute("aria-expanded")).toBe("true");
    act(() => $("entry-expand").click());
    expect($("thread-entry").textContent).not.toContain("old words");
  });

  it("shows HTML only in a sandboxed iframe without scripts", () => {
    const e = { ...detail(row("T-1")).messages[0]!, id: 5, html: "<p>Hi <b>there</b></p>" };
    act(() => render(<ThreadEntryView entry={e} visitorName="Ada" ownerName="Maria" />, root));
    expect(root.querySelector("iframe")).toBeNull();
    act(() => $("entry-expand").click());
    const frame = root.querySelector("iframe")!;
    expect(frame.getAttribute("sandbox")).toBe("allow-same-origin");
    expect(frame.getAttribute("sandbox")).not.toContain("allow-scripts");
    expect(frame.getAttribute("srcdoc")).toContain("<p>Hi <b>there</b></p>");
    expect(frame.getAttribute("srcdoc")).toContain("default-src 'none'");
  });

  it("saves an attachment and says where", async () => {
    fake.current!.api.saveAttachment.mockResolvedValue("/home/m/Downloads/a.pdf");
    const e = { ...detail(row("T-1")).messages[0]!, attachments: [{ id: 9, name: "a.pdf", size: 2048, contentType: "application/pdf" }] };
    act(() => render(<ThreadEntryView entry={e} visitorName="Ada" ownerName="Maria" />, root));
    await act(async () => {
      $("attachment-save").click();
      await settle();
    });
    expect(fake.current!.api.saveAttachment).toHaveBeenCalledWith(9);
  });
});

describe("Composer", () => {
  it("sends the text with the attached files as base64 and clears the draft", async () => {
    const sent = detail(row("T-1"), ["question", "answer"]);
    fake.current!.api.sendReply.mockResolvedValue(sent);
    const onSent = vi.fn();
    const textRef = { current: null };
    act(() =>
      render(<Composer ticketId="T-1" to="v@example.com" textRef={textRef} canned={[]} onLoadCanned={() => {}} onManageCanned={() => {}} onSent={onSent} />, root),
    );
    const file = $("reply-attach") as HTMLInputElement;
    Object.defineProperty(file, "files", { value: [new File(["hello"], "hello.txt", { type: "text/plain" })], configurable: true });
    await act(async () => {
      file.dispatchEvent(new Event("change", { bubbles: true }));
      await settle();
    });
    expect($("reply-files").textContent).toContain("hello.txt");
    act(() => type($("reply-text") as HTMLTextAreaElement, "Here you go"));
    await act(async () => {
      $("reply-send").click();
      await settle();
    });
    expect(fake.current!.api.sendReply).toHaveBeenCalledWith("T-1", "Here you go", [
      { name: "hello.txt", contentType: "text/plain", dataBase64: "aGVsbG8=" },
    ]);
    expect(onSent).toHaveBeenCalledWith(sent);
    expect(($("reply-text") as HTMLTextAreaElement).value).toBe("");
  });

  it("keeps the draft when sending fails", async () => {
    fake.current!.api.sendReply.mockRejectedValue({ code: "smtp", message: "cannot reach smtp.gmail.com" });
    const textRef = { current: null };
    act(() =>
      render(<Composer ticketId="T-2" to="v@example.com" textRef={textRef} canned={[]} onLoadCanned={() => {}} onManageCanned={() => {}} onSent={() => {}} />, root),
    );
    act(() => type($("reply-text") as HTMLTextAreaElement, "Draft words"));
    await act(async () => {
      $("reply-send").click();
      await settle();
    });
    expect(($("reply-text") as HTMLTextAreaElement).value).toBe("Draft words");
  });
});

describe("SnippetBox", () => {
  it("copies and says Copied", async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(window.navigator, "clipboard", { value: { writeText }, configurable: true });
    act(() => render(<SnippetBox snippet={'<script src="w.js"></script>'} />, root));
    expect(($("snippet") as HTMLTextAreaElement).value).toBe('<script src="w.js"></script>');
    await act(async () => {
      $("snippet-copy").click();
      await settle();
    });
    expect(writeText).toHaveBeenCalledWith('<script src="w.js"></script>');
    expect($("snippet-copy").textContent).toContain("Copied");
  });
});

describe("SelfHostWidget", () => {
  it("saves widget.js, says where, and offers the self-hosted snippet to copy", async () => {
    const snippet = '<script src="/widget.js" data-endpoint="https://t.example" data-bot-token="dbt_1" async></script>';
    fake.current!.api.saveWidget.mockResolvedValue({ folder: "/home/m/Downloads/deskbell-widget-shop", snippet });
    act(() => render(<SelfHostWidget site="Shop" />, root));
    expect(root.querySelector('[data-testid="widget-saved"]')).toBeNull();
    await act(async () => {
      $("widget-download").click();
      await settle();
    });
    expect(fake.current!.api.saveWidget).toHaveBeenCalledWith("Shop");
    expect($("widget-folder").textContent).toBe("/home/m/Downloads/deskbell-widget-shop");
    expect(($("self-host-snippet") as HTMLTextAreaElement).value).toBe(snippet);
    expect($("widget-saved").textContent).toContain("Upload widget.js to your website, then paste this snippet instead");
    expect(root.querySelector('[data-testid="self-host-snippet-copy"]')).not.toBeNull();
  });

  it("shows the error when the folder cannot be written", async () => {
    fake.current!.api.saveWidget.mockRejectedValue({ code: "cannot_write", message: "cannot write /x/widget.js" });
    act(() => render(<SelfHostWidget site="Shop" />, root));
    await act(async () => {
      $("widget-download").click();
      await settle();
    });
    expect(root.querySelector('[role="alert"]')!.textContent).toBe("cannot write /x/widget.js");
  });
});

describe("AccountFields", () => {
  it("never shows a stored password and tests with password null until one is typed", async () => {
    fake.current!.api.testConnection.mockResolvedValue({ ok: false, problem: "wrong_password", message: "535 5.7.8 not accepted", hint: "Use an app password" });
    const form = accountForm({ preset: "gmail", host: "smtp.gmail.com", port: 587, security: "starttls", username: "m@gmail.com", hasPassword: true });
    act(() => render(<AccountFields kind="smtp" form={form} ownerEmail="m@gmail.com" errors={{}} onChange={() => {}} />, root));
    const pw = $("smtp-password") as HTMLInputElement;
    expect(pw.value).toBe("");
    expect(pw.type).toBe("password");
    expect(pw.placeholder).toBe("stored in the keychain");
    await act(async () => {
      $("smtp-test").click();
      await settle();
    });
    expect(fake.current!.api.testConnection).toHaveBeenCalledWith("smtp", expect.objectContaining({ password: null, host: "smtp.gmail.com" }));
    const result = $("check-result");
    expect(result.dataset.problem).toBe("wrong_password");
    expect(result.textContent).toContain("535 5.7.8 not accepted");
    expect(result.textContent).toContain("Use an app password");
  });
});

describe("SettingsView: Mail in and out", () => {
  const view = (s = settings()) => (
    <SettingsView
      settings={s}
      status={null}
      canned={[]}
      onCanned={() => {}}
      onLoadCanned={() => {}}
      onSaved={() => {}}
      onClose={() => {}}
      onStatusChanged={() => {}}
    />
  );
  const click = (el: HTMLElement) => act(() => el.click());

  it("shows the three choices, the default address as placeholder and the limit; saves the choice", async () => {
    fake.current!.api.listSites.mockResolvedValue([]);
    fake.current!.api.saveSettings.mockImplementation(async () => settings());
    await act(async () => {
      render(view(), root);
      await settle();
    });
    const section = root.querySelector<HTMLElement>("#section-mail")!;
    expect(section.querySelector("h2")!.textContent).toBe("Mail in and out");
    // the nav lists it right after "Receiving email"
    const nav = [...root.querySelectorAll(".settings-nav a")].map((a) => a.getAttribute("href"));
    expect(nav.indexOf("#section-mail")).toBe(nav.indexOf("#section-imap") + 1);

    const group = $("new-tickets");
    const radios = [...group.querySelectorAll<HTMLInputElement>('input[type="radio"]')];
    expect(radios.map((r) => r.dataset.testid)).toEqual(["new-tickets-support", "new-tickets-all", "new-tickets-off"]);
    expect(group.textContent).toContain("Only mail to the support address");
    expect(group.textContent).toContain("Any mail from a person");
    expect(group.textContent).toContain("None (website form only)");
    expect(($("new-tickets-support") as HTMLInputElement).checked).toBe(true);
    expect(root.querySelector('[data-testid="new-tickets-warning"]')).toBeNull();

    const address = $("support-address") as HTMLInputElement;
    expect(address.value).toBe("");
    expect(address.placeholder).toBe("maria+support@gmail.com");
    expect(address.classList.contains("mono")).toBe(true);
    expect(($("daily-send-limit") as HTMLInputElement).value).toBe("400");

    click($("new-tickets-all"));
    expect(($("new-tickets-all") as HTMLInputElement).checked).toBe(true);
    expect($("new-tickets-warning").textContent).toContain("personal Gmail");
    // the address stays editable in every mode (the widget's email fallback uses it)
    expect(address.disabled).toBe(false);

    await act(async () => {
      expect(($("settings-save") as HTMLButtonElement).disabled).toBe(false);
      // (submitted directly: the add-site fields inside are no nested form any more, see sites.test.tsx)
      root.querySelector("form.settings-form")!.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      await settle();
    });
    expect(fake.current!.api.saveSettings).toHaveBeenCalledWith(
      expect.objectContaining({ mail: { newTickets: "all", supportAddress: "", dailySendLimit: 400 } }),
    );
  });

  it("shows field errors and keeps Save off", async () => {
    fake.current!.api.listSites.mockResolvedValue([]);
    await act(async () => {
      render(view(), root);
      await settle();
    });
    act(() => type($("support-address") as HTMLInputElement, "help"));
    const address = $("support-address");
    expect(address.getAttribute("aria-invalid")).toBe("true");
    expect(address.parentElement!.querySelector(".field-error")!.textContent).toContain("email address");
    act(() => type($("daily-send-limit") as HTMLInputElement, "5"));
    const limit = $("daily-send-limit");
    expect(limit.getAttribute("aria-invalid")).toBe("true");
    expect(limit.parentElement!.querySelector(".field-error")!.textContent).toContain("at least 10");
    expect(($("settings-save") as HTMLButtonElement).disabled).toBe(true);
  });
});

describe("Sidebar: the mail status area", () => {
  const sidebar = (mail: MailStatus | null, onOpenFailed = () => {}) => (
    <EnvContext.Provider value={{ timezone: "UTC", notify: () => {}, openLink: () => {} }}>
      <Sidebar
        filter="open" settingsOpen={false} counts={null} status={status({ mailQueued: 5, mailFailed: 2 })} mail={mail}
        business="Rossi" onFilter={() => {}} onSettings={() => {}} onHelp={() => {}} onTogglePause={() => {}} onOpenFailed={onOpenFailed}
      />
    </EnvContext.Provider>
  );

  it("shows the budget, what the daily limit holds and until when, and opens the failed mail", () => {
    const next = new Date();
    next.setUTCHours(14, 5, 0, 0);
    const onOpen = vi.fn();
    const mail = mailStatus({ queued: 5, held: 3, sentLast24h: 12, nextSlotAt: next.toISOString(), failedTotal: 2, failed: [failedMail(1), failedMail(2)] });
    act(() => render(sidebar(mail, onOpen), root));
    const text = $("mail-status").textContent!;
    expect(text).toContain("Sent 12 of 400 today");
    expect($("mail-held").textContent).toBe("3 held by the daily limit (next at 14:05)");
    expect(text).toContain("2 waiting to send");
    expect(text).not.toContain("5 waiting");
    act(() => $("mail-failed-open").click());
    expect($("mail-failed-open").textContent).toBe("2 failed");
    expect(onOpen).toHaveBeenCalled();
  });

  it("says nothing of held or failed mail when there is none; AppStatus counts until loaded", () => {
    act(() => render(sidebar(mailStatus({ sentLast24h: 400 })), root));
    expect($("mail-status").textContent).toContain("Sent 400 of 400 today");
    expect($("mail-held")).toBeNull();
    expect($("mail-failed-open")).toBeNull();
    act(() => render(sidebar(null), root));
    expect($("mail-status").textContent).toContain("5 waiting to send");
    expect($("mail-status").textContent).toContain("2 failed to send");
  });
});

describe("BounceBanners", () => {
  const failedReply = (failed: TicketDetail["failedMail"]): TicketDetail => {
    const d = detail(row("T-1"), ["Where is it?", "It left today."]);
    d.messages[1] = { ...d.messages[1]!, direction: "out", to: "Ana <ana@example.com>", state: "failed" };
    d.failedMail = failed;
    return d;
  };

  it("names the address and the reason, and resends that outbox row", () => {
    const onResend = vi.fn();
    act(() => render(<BounceBanners detail={failedReply([failedMail(7, { bounced: true })])} onResend={onResend} />, root));
    const banners = root.querySelectorAll('[data-testid="bounce-banner"]');
    expect(banners.length).toBe(1);
    expect(banners[0]!.textContent).toContain("Your reply to ana@example.com did not arrive: 550 5.1.1 user unknown");
    act(() => $("bounce-resend").click());
    expect(onResend).toHaveBeenCalledWith(7);
  });

  it("without the outbox row: the banner, no Resend, a way to the failed mail", () => {
    const onShow = vi.fn();
    act(() => render(<BounceBanners detail={failedReply([])} onResend={() => {}} onShowFailed={onShow} />, root));
    expect($("bounce-banner").textContent).toContain("Your reply to ana@example.com did not arrive.");
    expect($("bounce-resend")).toBeNull();
    act(() => $("bounce-banner").querySelector("button")!.click());
    expect(onShow).toHaveBeenCalled();
  });

  it("shows nothing when everything arrived", () => {
    const d = detail(row("T-1"), ["Where is it?", "It left today."]);
    d.messages[1] = { ...d.messages[1]!, direction: "out", state: "sent" };
    act(() => render(<BounceBanners detail={d} onResend={() => {}} />, root));
    expect(root.querySelector('[data-testid="bounce-banner"]')).toBeNull();
  });
});
