import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { folderOriginals, type OriginalStore, s3Originals } from "../../image-fn/originals";
import { FIXTURES } from "../support/bad-originals";
import { type LocalS3, startLocalS3 } from "../support/s3";

const photo = readFileSync(join(FIXTURES, "chelsea.png"));
const unicodeKey = "üñí/çødé/東京 a+b.png";

function behavesLikeAnOriginalStore(store: () => OriginalStore) {
  it("reads an original by key, unicode and spaces included", async () => {
    assert.deepEqual(await store().read("photos/chelsea.png", 10_000_000), photo);
    assert.deepEqual(await store().read(unicodeKey, 10_000_000), photo);
  });

  it("answers not-found for a missing key", async () => {
    assert.equal(await store().read("photos/missing.png", 10_000_000), "not-found");
  });

  it("answers too-large without handing over a body over the limit", async () => {
    assert.equal(await store().read("photos/chelsea.png", photo.length - 1), "too-large");
  });
}

describe("originals", () => {
  describe("in a folder", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "rendorix-originals-"));
      mkdirSync(join(dir, "photos"));
      mkdirSync(join(dir, "üñí/çødé"), { recursive: true });
      writeFileSync(join(dir, "photos/chelsea.png"), photo);
      writeFileSync(join(dir, unicodeKey), photo);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    behavesLikeAnOriginalStore(() => folderOriginals(dir));

    it("never reads outside its folder", async () => {
      assert.equal(await folderOriginals(join(dir, "photos")).read("../üñí/çødé/東京 a+b.png", 10_000_000), "not-found");
      assert.equal(await folderOriginals(dir).read("/etc/passwd", 10_000_000), "not-found");
      assert.equal(await folderOriginals(dir).read("photos", 10_000_000), "not-found");
    });
  });

  describe("in S3 (s3rver on 127.0.0.1)", () => {
    let s3: LocalS3;
    before(async () => {
      s3 = await startLocalS3(["originals"]);
      await s3.put("originals", "photos/chelsea.png", photo);
      await s3.put("originals", unicodeKey, photo);
    });
    after(() => s3.close());

    behavesLikeAnOriginalStore(() => s3Originals(s3.client, "originals"));
  });
});
