import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, settle } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});

import { Composer } from "../src/components/Composer";

let root: HTMLElement;
beforeEach(() => {
  fake.current = fakeApi();
  root = document.createElement("div");
  document.body.appendChild(root);
});
afterEach(() => {
  render(null, root);
  root.remove();
});
const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;
const canned = [{ id: 7, title: "Shipping", body: "Hi {visitor_first_name}, {ticket_id} ships today." }];

describe("a canned reply inserted into the composer", () => {
  it("goes in with its fields filled by the core for the open ticket", async () => {
    fake.current!.api.fillCannedReply.mockResolvedValue("Hi Ana, TKT-9 ships today.");
    const textRef = { current: null };
    act(() =>
      render(<Composer ticketId="TKT-9" to="v@example.com" textRef={textRef} canned={canned} onLoadCanned={() => {}} onManageCanned={() => {}} onSent={() => {}} />, root),
    );
    act(() => $("canned-open").click());
    await act(async () => {
      ($("canned-menu").querySelector("[role=option].canned") as HTMLElement).click();
      await settle();
    });
    expect(fake.current!.api.fillCannedReply).toHaveBeenCalledWith(7, "TKT-9");
    expect(($("reply-text") as HTMLTextAreaElement).value).toBe("Hi Ana, TKT-9 ships today.");
  });

  it("goes in as written, fields visible, when the core cannot fill it", async () => {
    fake.current!.api.fillCannedReply.mockImplementation(async () => { throw { code: "not_found", message: "canned reply 7 not found" }; });
    const textRef = { current: null };
    act(() =>
      render(<Composer ticketId="TKT-10" to="v@example.com" textRef={textRef} canned={canned} onLoadCanned={() => {}} onManageCanned={() => {}} onSent={() => {}} />, root),
    );
    act(() => $("canned-open").click());
    await act(async () => {
      ($("canned-menu").querySelector("[role=option].canned") as HTMLElement).click();
      await settle();
    });
    expect(($("reply-text") as HTMLTextAreaElement).value).toBe("Hi {visitor_first_name}, {ticket_id} ships today.");
  });
});
