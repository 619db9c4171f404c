import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser } from "puppeteer-core";
import { printedSampleUrl, startProcess, stopProcesses } from "../support/processes";
import { vectors } from "../support/vectors";

const ROOT = join(__dirname, "../..");
/** Debian's chromium; .ci/run installs it, so only a developer's machine may lack it. */
const CHROMIUM = "/usr/bin/chromium";

/** Starts `npm start` itself and resolves with the sample URL it prints. */
async function npmStart(args: string[]): Promise<URL> {
  const child = startProcess("npm", ["start", "--", "--port", "0", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  return new URL(await printedSampleUrl(child));
}

/** What the page on the other origin managed to do with the image. */
interface PageResult {
  canvas: string;
  fetch: string;
}

/**
 * The page: loads the image with crossorigin="anonymous", draws it on a canvas and reads the canvas
 * back (which throws for a tainted canvas), and fetches the same URL.
 */
function page(imageUrl: string): string {
  return `<!doctype html><meta charset="utf-8"><title>cors</title><script>
    window.result = (async () => {
      const canvas = await new Promise((resolve) => {
        const img = new Image();
        img.crossOrigin = "anonymous";
        img.onload = () => {
          const canvas = document.createElement("canvas");
          canvas.width = img.naturalWidth;
          canvas.height = img.naturalHeight;
          canvas.getContext("2d").drawImage(img, 0, 0);
          try {
            resolve("read " + canvas.toDataURL("image/png").length + " chars of " + img.naturalWidth + "px");
          } catch (error) {
            resolve("tainted: " + error.name);
          }
        };
        img.onerror = () => resolve("load refused");
        img.src = ${JSON.stringify(imageUrl)};
      });
      const fetched = await fetch(${JSON.stringify(imageUrl)}, { mode: "cors" })
        .then(async (response) => "status " + response.status + ", " + (await response.blob()).type)
        .catch((error) => "refused: " + error.name);
      return { canvas, fetch: fetched };
    })();
  </script>`;
}

describe("CORS in a real browser (Debian chromium, puppeteer-core) against npm start", function () {
  this.timeout(120_000);
  let dir: string;
  let keyringFile: string;
  let pageServer: Server;
  let pageOrigin: string;
  let browser: Browser | undefined;
  let html = "";

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium before the suite`);
      console.log(`      skipped: ${CHROMIUM} is missing (apt-get install -y chromium runs this test)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "rendorix-cors-"));
    keyringFile = join(dir, "keyring.json");
    writeFileSync(keyringFile, JSON.stringify(vectors.keyring));
    // The page lives on "localhost", the edge on "127.0.0.1": two origins, as a site and its image host are.
    pageServer = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
    await new Promise<void>((resolve) => pageServer.listen(0, "127.0.0.1", resolve));
    pageOrigin = `http://localhost:${(pageServer.address() as AddressInfo).port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in a container has no user namespace for chromium's sandbox.
      args: ["--no-sandbox", "--disable-dev-shm-usage"],
    });
  });
  afterEach(stopProcesses);
  after(async () => {
    await browser?.close();
    pageServer?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function loadFromOtherOrigin(imageUrl: URL): Promise<PageResult> {
    html = page(imageUrl.href);
    const tab = await browser!.newPage();
    try {
      await tab.goto(`${pageOrigin}/`, { waitUntil: "load" });
      return (await tab.evaluate("window.result")) as PageResult;
    } finally {
      await tab.close();
    }
  }

  it("draws the image on a readable canvas and fetches it when --cors-origin names the page's origin", async () => {
    const imageUrl = await npmStart(["--keyring", keyringFile, "--cors-origin", pageOrigin]);
    const result = await loadFromOtherOrigin(imageUrl);
    assert.match(result.canvas, /^read \d+ chars of 200px$/);
    assert.match(result.fetch, /^status 200, image\/(avif|webp|jpeg)$/);
  });

  it("refuses both to the page without --cors-origin, the default", async () => {
    const imageUrl = await npmStart(["--keyring", keyringFile]);
    const result = await loadFromOtherOrigin(imageUrl);
    assert.equal(result.canvas, "load refused");
    assert.equal(result.fetch, "refused: TypeError");
  });

  it("refuses both to a page on an origin --cors-origin does not name", async () => {
    const imageUrl = await npmStart(["--keyring", keyringFile, "--cors-origin", "https://images.example.com"]);
    const result = await loadFromOtherOrigin(imageUrl);
    assert.equal(result.canvas, "load refused");
    assert.equal(result.fetch, "refused: TypeError");
  });
});
