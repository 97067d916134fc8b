// The built-in chat page (web/chat.html) in a real browser, served by `npm run local` through the
// system's Nginx: opened with the link it prints, a question asked, the answer read off the page
// while it streams (it must grow event by event, not appear at once), and a wrong key shown as the
// proxy's error. Also: the page's Content-Security-Policy admits exactly its own style and script.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFLINE_ANSWER, OFFLINE_PACE_MS } from "../../scripts/lib/offline.js";
import { chromiumBinary, launchBrowser, type Browser } from "../fixtures/browser.js";
import { freePort } from "../../chain/ports.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { ROOT, start, type Running } from "../scripts/run.js";

const PAGE = readFileSync(path.join(ROOT, "web", "chat.html"), "utf8");

describe("web/chat.html", () => {
  it("allows its own <style> and <script> by hash, and nothing else runs", () => {
    const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
    const style = hash(/<style>([\s\S]*?)<\/style>/.exec(PAGE)![1]!);
    const script = hash(/<script>([\s\S]*?)<\/script>/.exec(PAGE)![1]!);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(PAGE)![1]!;
    expect(csp, `after an edit, put style-src ${style} and script-src ${script} in the page's CSP`).toBe(
      `default-src 'none'; style-src ${style}; script-src ${script}; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'`,
    );
    expect(PAGE.match(/<script|<style/g)).toEqual(["<style", "<script"]);
  });
});

/** [ms since the question, characters of the answer, its state] every 10 ms until it is done or failed. */
type Sample = [number, number, string];

// Runs in the page (browser code, so a string: this project's TypeScript has no DOM types).
const SAMPLER = `new Promise((resolve) => {
  const samples = [];
  const started = performance.now();
  const tick = () => {
    const answer = document.querySelector("#log .assistant:last-of-type");
    const state = answer ? answer.dataset.state : "none";
    const length = answer ? answer.querySelector(".text").textContent.length : 0;
    samples.push([performance.now() - started, length, state]);
    const failed = state === "none" && !document.querySelector("#error").hidden;
    if (state === "done" || failed || performance.now() - started > 20000) resolve(samples);
    else setTimeout(tick, 10);
  };
  tick();
})`;

function sampleAnswer(page: Page): Promise<Sample[]> {
  return page.evaluate(SAMPLER) as Promise<Sample[]>;
}

describe.skipIf(!nginxBinary || !chromiumBinary)("the chat page in Chromium, through npm run local", () => {
  let local: Running;
  let browser: Browser;
  let link: string;

  beforeAll(async () => {
    const ports = ["--proxy-port", String(await freePort()), "--http-port", String(await freePort())];
    local = start("local", ["--web", "builtin", ...ports]);
    link = (await local.waitFor(/^Open the chat: {2}(http:\/\/\S+)$/m, "the chat link"))[1]!;
    await local.waitFor(/^Ctrl-C stops everything/m, "the ready line");
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    local?.child.kill("SIGTERM");
    await local?.finished;
  });

  it("the printed link opens it with the key filled in, and the key leaves the address bar", async () => {
    const page = await browser.context.newPage();
    await page.goto(link);
    const key = new URL(link).hash.replace(/^#key=/, "");
    expect(await page.inputValue("#key")).toBe(key);
    expect(page.url()).toBe(link.replace(/#.*$/, ""));
    await page.close();
  });

  it("an answer grows on the page as its events arrive: many steps, spread over the stream's length", async () => {
    const page = await browser.context.newPage();
    await page.goto(link);
    await page.fill("#prompt", "Hello");
    const sampling = sampleAnswer(page);
    await page.press("#prompt", "Enter");
    const samples = await sampling;

    const answer = OFFLINE_ANSWER.join("");
    expect(await page.textContent("#log .assistant .text")).toBe(answer);
    expect(samples.at(-1)![2]).toBe("done");
    const lengths = samples.map(([, length]) => length);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b)); // it only ever grows
    // Each distinct length seen is a step; 19 events 60 ms apart leave room for most to be seen apart.
    const steps = [...new Set(lengths.filter((l) => l > 0))];
    expect(steps.length, JSON.stringify(samples)).toBeGreaterThanOrEqual(10);
    expect(steps.at(-1)).toBe(answer.length);
    const firstText = samples.find(([, l]) => l > 0)![0];
    const whole = samples.find(([, l]) => l === answer.length)![0];
    expect(whole - firstText).toBeGreaterThan(10 * OFFLINE_PACE_MS);
    expect(await page.isHidden("#error")).toBe(true);
    await page.close();
  });

  it("a wrong key shows the proxy's error, and the question is given back to send again", async () => {
    const page = await browser.context.newPage();
    await page.goto(link.replace(/#.*$/, ""));
    await page.fill("#key", "wrong-key-0123456789abcdef");
    await page.fill("#prompt", "Hello again");
    await page.press("#prompt", "Enter");
    await page.waitForSelector("#error", { state: "visible" });
    expect(await page.textContent("#error")).toBe("HTTP 401: Missing or wrong proxy token: the credential does not match; send Authorization: Bearer <PROXY_TOKEN>");
    expect(await page.locator("#log .msg").count()).toBe(0);
    expect(await page.inputValue("#prompt")).toBe("Hello again");
    await page.close();
  });
});
