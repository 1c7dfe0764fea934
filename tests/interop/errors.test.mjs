// Errors of refserver as the AWS SDK for JavaScript v3 reports them: each
// must arrive as the SDK's typed exception, with the status of its type
// (spec section 14.1), "client" as its fault, a message, and the request
// id that refserver sent. The SDK checks no constraint before sending, so
// a malformed value reaches refserver as the caller gave it.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AbortMultipartReadSetUploadCommand,
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  ListReadSetUploadPartsCommand,
  NotSupportedOperationException,
  ResourceNotFoundException,
  UploadReadSetPartCommand,
  ValidationException,
} from "@aws-sdk/client-omics";
import {
  checksumOf, client, expectError, missingStore, missingUpload, store,
} from "./harness.mjs";

const omics = client();
const PART = Buffer.from("@r1\nACGT\n+\nIIII\n");

test("ValidationException (400)", async (t) => {
  const uploadId = await openUploadWithPart();
  const good = checksumOf(PART);

  await t.test("Complete with partNumber 0", async () => {
    const e = await expectError(omics.send(complete(store, uploadId,
      [{ partNumber: 0, partSource: "SOURCE1", checksum: good }])),
      ValidationException, 400);
    assert.match(e.message, /partNumber/);
    assert.equal(e.$metadata.attempts, 1, "a 400 is not retried");
    assert.ok(e.$metadata.requestId, "x-amzn-RequestId is read");
  });

  await t.test("Complete with a checksum that is not the part's",
    async () => {
      const e = await expectError(omics.send(complete(store, uploadId,
        [{ partNumber: 1, partSource: "SOURCE1",
          checksum: checksumOf(Buffer.from("ACGT")) }])),
        ValidationException, 400);
      assert.match(e.message, /checksum/);
    });

  await t.test("Complete with an empty parts list", async () => {
    await expectError(omics.send(complete(store, uploadId, [])),
      ValidationException, 400);
  });

  await t.test("UploadReadSetPart with partNumber 0", async () => {
    await expectError(omics.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId, partSource: "SOURCE1",
      partNumber: 0, payload: PART,
    })), ValidationException, 400);
  });

  await t.test("a sequence store id of two digits", async () => {
    await expectError(omics.send(complete("12", uploadId,
      [{ partNumber: 1, partSource: "SOURCE1", checksum: good }])),
      ValidationException, 400);
  });

  await t.test("the failed Completes changed nothing", async () => {
    const out = await omics.send(complete(store, uploadId,
      [{ partNumber: 1, partSource: "SOURCE1", checksum: good }]));
    assert.match(out.readSetId, /^[0-9]{10,36}$/);
  });
});

test("ResourceNotFoundException (404)", async (t) => {
  const uploadId = await openUploadWithPart();
  const parts = [{ partNumber: 1, partSource: "SOURCE1",
    checksum: checksumOf(PART) }];

  await t.test(`Create in the unknown sequence store ${missingStore}`,
    async () => {
      await expectError(omics.send(new CreateMultipartReadSetUploadCommand({
        sequenceStoreId: missingStore, sourceFileType: "FASTQ",
        subjectId: "s", sampleId: "x", name: "n",
      })), ResourceNotFoundException, 404);
    });

  await t.test(`Complete in the unknown sequence store ${missingStore}`,
    async () => {
      await expectError(omics.send(complete(missingStore, uploadId, parts)),
        ResourceNotFoundException, 404);
    });

  await t.test("Complete of an unknown upload", async () => {
    await expectError(omics.send(complete(store, missingUpload, parts)),
      ResourceNotFoundException, 404);
  });

  await t.test("UploadReadSetPart to an unknown upload", async () => {
    await expectError(omics.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId: missingUpload,
      partSource: "SOURCE1", partNumber: 1, payload: PART,
    })), ResourceNotFoundException, 404);
  });

  await t.test("ListReadSetUploadParts of an unknown upload", async () => {
    await expectError(omics.send(new ListReadSetUploadPartsCommand({
      sequenceStoreId: store, uploadId: missingUpload, partSource: "SOURCE1",
    })), ResourceNotFoundException, 404);
  });

  await t.test("Abort of an unknown upload", async () => {
    await expectError(omics.send(new AbortMultipartReadSetUploadCommand({
      sequenceStoreId: store, uploadId: missingUpload,
    })), ResourceNotFoundException, 404);
  });
});

// No command of the SDK sends a path or method that names no operation,
// so the 405 is reached by rewriting the request after the SDK built it
// and before it signs it: the answer still goes through the SDK's own
// error parsing.
test("NotSupportedOperationException (405)", async (t) => {
  const uploadId = await openUploadWithPart();
  const parts = [{ partNumber: 1, partSource: "SOURCE1",
    checksum: checksumOf(PART) }];

  await t.test("a literal segment in another letter case", async () => {
    const rewritten = client();
    rewrite(rewritten, (request) => {
      request.path = request.path.replace(/\/complete$/, "/Complete");
    });
    await expectError(rewritten.send(complete(store, uploadId, parts)),
      NotSupportedOperationException, 405);
  });

  await t.test("the Complete path with the method PUT", async () => {
    const rewritten = client();
    rewrite(rewritten, (request) => {
      request.method = "PUT";
    });
    await expectError(rewritten.send(complete(store, uploadId, parts)),
      NotSupportedOperationException, 405);
  });
});

// Opens a FASTQ upload holding PART as SOURCE1 part 1; returns its id.
async function openUploadWithPart() {
  const { uploadId } = await omics.send(
    new CreateMultipartReadSetUploadCommand({
      sequenceStoreId: store, sourceFileType: "FASTQ",
      subjectId: "interop-subject", sampleId: "interop-sample",
      name: "interop errors",
    }));
  await omics.send(new UploadReadSetPartCommand({
    sequenceStoreId: store, uploadId, partSource: "SOURCE1", partNumber: 1,
    payload: PART,
  }));
  return uploadId;
}

// The Complete request of uploadId in storeId naming parts.
function complete(storeId, uploadId, parts) {
  return new CompleteMultipartReadSetUploadCommand({
    sequenceStoreId: storeId, uploadId, parts,
  });
}

// Makes target apply change to each HTTP request it has built, before it
// signs it.
function rewrite(target, change) {
  target.middlewareStack.add((next) => async (args) => {
    change(args.request);
    return next(args);
  }, { step: "build", name: "interopRewrite" });
}
