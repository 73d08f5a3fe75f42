// A mail's links: which ones show another address than they open (lib/links.ts), how the frame
// hands its clicks over (HtmlFrame's takeLinks), and the window's answer: open at once, or the
// link sheet first (Cancel focused, Esc cancels, Open opens).
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { detail, fakeApi, row, settings, settle, status, until, pagedList } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});
import { addressParts, shownAddresses, showsOtherAddress } from "../src/lib/links";
import { takeLinks } from "../src/components/HtmlFrame";
import { App } from "../src/App";

describe("showsOtherAddress", () => {
  const EVIL = "https://evil.example/login?u=1";
  it.each([
    // text, href, ask first?
    ["https://bank.example", EVIL, true],
    ["bank.example", EVIL, true],
    ["www.bank.example/login", EVIL, true],
    ["HTTPS://BANK.EXAMPLE/", EVIL, true],
    ["<https://bank.example>", EVIL, true],
    ["Log in at https://bank.example now", EVIL, true],
    ["Log in at www.bank.example.", EVIL, true],
    ["support@bank.example", EVIL, true],
    ["bank.example", "https://bank.example.evil.example/", true],
    ["bank.example", "https://evil-bank.example/", true],
    ["ana@shop.example", "mailto:bo@shop.example", true],
    ["shop.example", "mailto:rosa@evil.example", true],
    ["shop.example", "tel:+34600000000", true],
    // the text is an IDN lookalike of the host the link goes to: another host to the parser
    ["bаnk.example", "https://bank.example/", true],
    // a user name before the real host reads as another host
    ["https://bank.example@evil.example/", "https://bank.example@evil.example/", true],
    ["Click here", "https://bank.example@evil.example/", true],
    // the text shows no address, or the one the link goes to
    ["Click here", EVIL, false],
    ["Track your parcel", "https://parcel.example/t/1", false],
    ["", EVIL, false],
    ["Version 1.2.3", EVIL, false],
    ["Made with Node.js and love", EVIL, false],
    ["https://evil.example", EVIL, false],
    ["evil.example", EVIL, false],
    ["www.evil.example", EVIL, false],
    ["Evil.Example.", EVIL, false],
    ["bank.example", "https://login.bank.example/a", false],
    ["https://bank.example", "http://bank.example/", false],
    ["rosa@shop.example", "mailto:Rosa@Shop.Example?subject=Hi", false],
    ["Write to us", "mailto:rosa@shop.example", false],
    ["+34 600 000 000", "tel:+34600000000", false],
    // not a link the shell opens: it refuses with its reason, nothing to ask
    ["bank.example", "javascript:alert(1)", false],
  ])("%j → %s: %s", (text, href, ask) => {
    expect(showsOtherAddress(text, href)).toBe(ask);
  });

  it("reads the host a text shows through the URL parser", () => {
    expect(shownAddresses("WWW.Bank.Example:8443/x")).toEqual([{ kind: "host", host: "bank.example", text: "WWW.Bank.Example:8443/x" }]);
    expect(shownAddresses("(support@bank.example)")[0]).toMatchObject({ kind: "mail", address: "support@bank.example" });
    expect(shownAddresses("see bank.example or www.shop.example")).toEqual([{ kind: "host", host: "shop.example", text: "www.shop.example" }]);
  });

  it("splits the real address so its host stands out", () => {
    expect(addressParts("https://bank.example@evil.example/login?x=1#a")).toEqual({
      before: "https://bank.example@",
      host: "evil.example",
      after: "/login?x=1#a",
    });
    expect(addressParts("not a url")).toEqual({ before: "", host: "not a url", after: "" });
  });
});

describe("takeLinks", () => {
  it("hands a click on a link (or inside one) over instead of following it", () => {
    const doc = document.implementation.createHTMLDocument("mail");
    doc.body.innerHTML = '<p>See <a href=" https://shop.example/o/1 "><b>your order</b></a> or <a>no href</a> <span id="x">text</span></p>';
    const open = vi.fn();
    takeLinks(doc, open);
    const inner = doc.querySelector("b")!;
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    inner.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledWith("https://shop.example/o/1", "your order");
    expect(doc.querySelector("a")!.getAttribute("title")).toBe(" https://shop.example/o/1 ");
    const plain = new MouseEvent("click", { bubbles: true, cancelable: true });
    doc.getElementById("x")!.dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(false);
    const bare = new MouseEvent("click", { bubbles: true, cancelable: true });
    doc.querySelectorAll("a")[1]!.dispatchEvent(bare);
    expect(bare.defaultPrevented).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
  });
});

// The window: a link clicked in a mail's frame opens at once, or waits in the link sheet.
const MAIL = '<p>Your bank: <a href="https://evil.example/login">https://bank.example</a></p><p><a href="https://parcel.example/t/1">Track your parcel</a></p>';
let root: HTMLElement;
beforeEach(() => {
  fake.current = fakeApi();
  const a = fake.current.api;
  const rows = [row("T-1")];
  a.getSettings.mockResolvedValue(settings());
  a.appStatus.mockResolvedValue(status());
  a.counts.mockResolvedValue({ open: 1, pending: 0, closed: 0, unread: 0, snoozed: 0, spam: 0, trash: 0 });
  a.listTickets.mockImplementation(pagedList(() => rows));
  a.getTicket.mockImplementation(async () => {
    const d = detail(rows[0]!, ["one"]);
    d.messages[0]!.html = MAIL;
    return d;
  });
  a.cannedReplies.mockResolvedValue([]);
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  act(() => render(null, root));
  root.remove();
});
const byId = (t: string) => document.querySelector<HTMLElement>(`[data-testid="${t}"]`);
async function key(k: string, target: EventTarget = document.activeElement ?? document.body) {
  target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  await settle();
}

describe("the window and a mail's links", () => {
  /** The open mail's frame document, once its links are taken. */
  async function mailFrame(): Promise<Document> {
    act(() => render(<App />, root));
    await until(() => byId("ticket-row"));
    byId("ticket-row")!.click();
    await until(() => byId("entry-expand"));
    byId("entry-expand")!.click();
    await until(() => root.querySelector<HTMLIFrameElement>("iframe.mail-html")?.contentDocument?.querySelector("a[title]"));
    return root.querySelector<HTMLIFrameElement>("iframe.mail-html")!.contentDocument!;
  }
  const clickLink = async (doc: Document, i: number) => {
    doc.querySelectorAll("a")[i]!.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true }));
    await settle();
  };

  it("opens a link whose text shows no other address at once", async () => {
    const doc = await mailFrame();
    await clickLink(doc, 1);
    expect(fake.current!.api.openLink).toHaveBeenCalledWith("https://parcel.example/t/1");
    expect(byId("link-sheet")).toBeNull();
  });

  it("shows the real address of a deceptive link first: Esc or Cancel opens nothing, Open opens it", async () => {
    const doc = await mailFrame();
    const api = fake.current!.api;
    await clickLink(doc, 0);
    await until(() => byId("link-sheet"));
    expect(api.openLink).not.toHaveBeenCalled();
    expect(byId("link-target")!.textContent).toBe("https://evil.example/login");
    expect(byId("link-sheet")!.textContent).toContain("https://bank.example");
    expect(document.activeElement).toBe(byId("link-cancel"));
    // keys meant for the inbox do nothing while it asks
    await key("e");
    expect(api.setStatus).not.toHaveBeenCalled();
    await key("Escape");
    expect(byId("link-sheet")).toBeNull();
    await clickLink(doc, 0);
    await until(() => byId("link-sheet"));
    byId("link-cancel")!.click();
    await settle();
    expect(byId("link-sheet")).toBeNull();
    expect(api.openLink).not.toHaveBeenCalled();
    await clickLink(doc, 0);
    await until(() => byId("link-open"));
    byId("link-open")!.click();
    await settle();
    expect(byId("link-sheet")).toBeNull();
    expect(api.openLink).toHaveBeenCalledTimes(1);
    expect(api.openLink).toHaveBeenCalledWith("https://evil.example/login");
  });

  it("says why when the shell refuses a link", async () => {
    fake.current!.api.openLink.mockRejectedValue({ code: "invalid_link", message: "cannot open a ftp: link: only web, mail and phone links open from a mail" });
    const doc = await mailFrame();
    await clickLink(doc, 1);
    await until(() => document.body.textContent?.includes("cannot open a ftp: link"));
  });
});
