import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeApi, settle } from "./fixtures";
import type { SiteRow } from "../src/bindings";

const fake = vi.hoisted(() => ({ current: null as ReturnType<typeof import("./fixtures").fakeApi> | null }));
vi.mock("../src/api", async (orig) => {
  const real = await orig<typeof import("../src/api")>();
  return { ...real, api: new Proxy({}, { get: (_t, k) => (fake.current!.api as Record<string, unknown>)[k as string] }) };
});

import { SitesSection } from "../src/components/SitesSection";

const site = (o: Partial<SiteRow> = {}): SiteRow => ({
  id: 1,
  name: "Shop",
  botToken: "dbt_old",
  origins: ["https://shop.example"],
  snippet: '<script src="https://help.example/widget.js" data-bot-token="dbt_old" async></script>',
  pointsAtThisComputer: false,
  createdAt: "2026-11-25T10:00:00Z",
  ...o,
});

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
const $ = (testid: string) => root.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const click = (el: HTMLElement | null) => act(() => el!.click());
function type(el: HTMLElement | null, value: string) {
  const input = el as HTMLInputElement;
  act(() => {
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

describe("a site card", () => {
  function mount(sites: SiteRow[]) {
    const changed = vi.fn();
    const removed = vi.fn();
    act(() => render(<SitesSection sites={sites} onAdded={() => {}} onChanged={changed} onRemoved={removed} />, root));
    return { changed, removed };
  }

  it("edits the name and origins (the origins replace the list)", async () => {
    const { changed } = mount([site()]);
    expect($("site-edit-form")).toBeNull();
    click($("site-edit"));
    expect(($("site-edit-name") as HTMLInputElement).value).toBe("Shop");
    expect(($("site-edit-origins") as HTMLInputElement).value).toBe("https://shop.example");
    type($("site-edit-name"), " Rosa's Shop ");
    type($("site-edit-origins"), "https://rosa.example/, http://localhost:8080");
    const saved = site({ name: "Rosa's Shop", origins: ["https://rosa.example", "http://localhost:8080"] });
    fake.current!.api.editSite.mockResolvedValue(saved);
    await act(async () => {
      $("site-edit-save")!.click();
      await settle();
    });
    expect(fake.current!.api.editSite).toHaveBeenCalledWith("Shop", "Rosa's Shop", ["https://rosa.example", "http://localhost:8080"]);
    expect(changed).toHaveBeenCalledWith(saved);
    expect($("site-edit-form")).toBeNull();
  });

  it("keeps the name when only the origins change, and shows the core's refusal", async () => {
    mount([site()]);
    click($("site-edit"));
    type($("site-edit-origins"), "https://b.example");
    fake.current!.api.editSite.mockRejectedValue({ code: "invalid", message: "origin must look like https://shop.example" });
    // Enter saves the site, not the settings form around it (this is no nested <form>).
    await act(async () => {
      $("site-edit-origins")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      await settle();
    });
    expect(fake.current!.api.editSite).toHaveBeenCalledWith("Shop", null, ["https://b.example"]);
    expect(root.querySelector('[role="alert"]')!.textContent).toContain("origin must look like");
    expect($("site-edit-form")).not.toBeNull();
  });

  it("rotates the token only after the warning is confirmed, and shows the new snippet", async () => {
    const { changed } = mount([site()]);
    click($("site-rotate"));
    expect($("site-rotate-confirm")!.textContent).toContain("The old token stops working at once; paste the new snippet on your site");
    expect(fake.current!.api.rotateSiteToken).not.toHaveBeenCalled();
    const rotated = site({ botToken: "dbt_new", snippet: '<script data-bot-token="dbt_new"></script>' });
    fake.current!.api.rotateSiteToken.mockResolvedValue(rotated);
    await act(async () => {
      $("site-rotate-confirm-yes")!.click();
      await settle();
    });
    expect(fake.current!.api.rotateSiteToken).toHaveBeenCalledWith("Shop");
    expect(changed).toHaveBeenCalledWith(rotated);
    expect($("site-rotate-confirm")).toBeNull();
    // The parent passes the changed site back down: the new token and snippet show.
    act(() => render(<SitesSection sites={[rotated]} onAdded={() => {}} />, root));
    expect($("bot-token")!.textContent).toBe("dbt_new");
    expect(root.textContent).toContain("dbt_new");
  });

  it("removes after a confirm; cancel does nothing", async () => {
    const { removed } = mount([site()]);
    click($("site-remove"));
    expect($("site-remove-confirm")!.textContent).toContain("its tickets stay");
    click([...$("site-remove-confirm")!.querySelectorAll("button")].find((b) => b.textContent === "Cancel")!);
    expect($("site-remove-confirm")).toBeNull();
    expect(fake.current!.api.removeSite).not.toHaveBeenCalled();
    click($("site-remove"));
    fake.current!.api.removeSite.mockResolvedValue(undefined);
    await act(async () => {
      $("site-remove-confirm-yes")!.click();
      await settle();
    });
    expect(fake.current!.api.removeSite).toHaveBeenCalledWith("Shop");
    expect(removed).toHaveBeenCalledWith(1);
  });

  it("the add form is not a form (it sits inside the settings form) and adds on Enter", async () => {
    mount([]);
    expect(root.querySelector("form")).toBeNull();
    type($("site-name"), "Shop");
    type($("site-origins"), "https://shop.example");
    fake.current!.api.addSite.mockResolvedValue(site());
    await act(async () => {
      $("site-origins")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
      await settle();
    });
    expect(fake.current!.api.addSite).toHaveBeenCalledWith("Shop", ["https://shop.example"]);
  });
});
