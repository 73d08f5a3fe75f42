// The public address, checked: the Check button beside it and the warning beside a snippet
// that points at this computer.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, settings, settle } from "./fixtures";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});

import { SettingsView } from "../src/components/SettingsView";
import type { SiteRow } from "../src/bindings";

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
const site = (pointsAtThisComputer: boolean): SiteRow => ({
  id: 1, name: "Shop", botToken: "dbt_1", origins: ["https://shop.example"],
  snippet: '<script src="http://127.0.0.1:7878/widget.js" async></script>', pointsAtThisComputer, createdAt: "2026-11-25T10:00:00Z",
});
const view = () => (
  <SettingsView settings={settings()} status={null} canned={[]} onCanned={() => {}} onLoadCanned={() => {}} onSaved={() => {}} onClose={() => {}} onStatusChanged={() => {}} />
);

describe("the public address", () => {
  it("checks the address as typed and shows what is wrong in plain words", async () => {
    fake.current!.api.listSites.mockResolvedValue([]);
    fake.current!.api.checkPublicUrl.mockResolvedValue({
      ok: false, verdict: "other_deskbell", url: "https://t.example",
      message: "it reaches another Deskbell, not this one (its proof does not match this install's key)",
    });
    await act(async () => {
      render(view(), root);
      await settle();
    });
    const input = $("intake-public-url") as HTMLInputElement;
    act(() => {
      input.value = " https://t.example ";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await act(async () => {
      $("public-url-check").click();
      await settle();
    });
    expect(fake.current!.api.checkPublicUrl).toHaveBeenCalledWith("https://t.example");
    const result = $("reach-result");
    expect(result.dataset.verdict).toBe("other_deskbell");
    expect(result.classList.contains("bad")).toBe(true);
    expect(result.textContent).toContain("It reaches another Deskbell");
    expect(result.textContent).toContain("does not match this install's key");
  });

  it("an empty field checks the saved address; a pass that only works here is a warning", async () => {
    fake.current!.api.listSites.mockResolvedValue([]);
    fake.current!.api.checkPublicUrl.mockResolvedValue({
      ok: true, verdict: "this_computer", url: "http://127.0.0.1:7878", message: "http://127.0.0.1:7878 reaches this Deskbell, but only from this computer",
    });
    await act(async () => {
      render(view(), root);
      await settle();
    });
    await act(async () => {
      $("public-url-check").click();
      await settle();
    });
    expect(fake.current!.api.checkPublicUrl).toHaveBeenCalledWith(null);
    expect($("reach-result").classList.contains("warn")).toBe(true);
    expect($("reach-result").textContent).toContain("Works only on this computer");
  });

  it("warns next to a snippet that points at this computer, and only there", async () => {
    fake.current!.api.listSites.mockResolvedValue([site(true), { ...site(false), id: 2, name: "Blog" }]);
    await act(async () => {
      render(view(), root);
      await settle();
    });
    // the sites arrive after the first render's effects have run
    await act(async () => {
      await settle(20);
    });
    const cards = [...root.querySelectorAll<HTMLElement>('[data-testid="site-card"]')];
    expect(cards).toHaveLength(2);
    const warning = cards[0]!.querySelector('[data-testid="snippet-local-warning"]')!;
    expect(warning.textContent).toContain("This snippet points at this computer: visitors' browsers cannot reach it.");
    expect(warning.textContent).toContain("Set your public address (the tunnel)");
    expect(cards[1]!.querySelector('[data-testid="snippet-local-warning"]')).toBeNull();
  });
});
