// Signature Version 4 as the AWS SDK for JavaScript v3 signs it, checked
// by refserver when it is started with --credentials: a principal that
// may not use the sequence store, and a signature made with the wrong
// secret, are each answered 403 AccessDeniedException (spec section 14.1;
// PREC-ORDER step 2). Without --credentials refserver checks no
// signature, so these tests are skipped with the reason, never passed.
//
// The signed requests that must succeed are those of upload.test.mjs:
// when refserver checks signatures, every one of them is checked.

import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import {
  AccessDeniedException,
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  ListMultipartReadSetUploadsCommand,
  UploadReadSetPartCommand,
} from "@aws-sdk/client-omics";
import {
  checksumOf, client, expectError, missingFeature, otherPrincipal,
  principal, store,
} from "./harness.mjs";

const skipReason = missingFeature("credentials", "--credentials");
const PART = Buffer.from("@r1\nACGT\n+\nIIII\n");

test("a principal without the sequence store: AccessDeniedException",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const other = client(otherPrincipal);

    await expectError(other.send(createCommand()), AccessDeniedException,
      403);
    await expectError(other.send(new ListMultipartReadSetUploadsCommand({
      sequenceStoreId: store,
    })), AccessDeniedException, 403);
  });

test("a principal without the sequence store cannot complete an upload",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const owner = client();
    const { uploadId } = await owner.send(createCommand());
    const { checksum } = await owner.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId, partSource: "SOURCE1",
      partNumber: 1, payload: PART,
    }));
    const complete = new CompleteMultipartReadSetUploadCommand({
      sequenceStoreId: store, uploadId,
      parts: [{ partNumber: 1, partSource: "SOURCE1", checksum }],
    });

    assert.equal(checksum, checksumOf(PART));
    await expectError(client(otherPrincipal).send(complete),
      AccessDeniedException, 403);
    const out = await owner.send(complete);
    assert.match(out.readSetId, /^[0-9]{10,36}$/);
  });

test("a signature made with the wrong secret is rejected with 403",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const forged = client({
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey + "x",
    });

    await expectError(forged.send(createCommand()), AccessDeniedException,
      403);
    await expectError(forged.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId: "1000000001", partSource: "SOURCE1",
      partNumber: 1, payload: PART,
    })), AccessDeniedException, 403);
  });

test("a part signed with its payload hash and one sent unsigned",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const owner = client();
    const { uploadId } = await owner.send(createCommand());
    const signedPayload = await owner.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId, partSource: "SOURCE1",
      partNumber: 1, payload: PART,
    }));
    const unsignedPayload = await owner.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId, partSource: "SOURCE1",
      partNumber: 2, payload: streamOf(PART),
    }));

    assert.equal(signedPayload.checksum, checksumOf(PART));
    assert.equal(unsignedPayload.checksum, checksumOf(PART));
  });

// A Create in the test store.
function createCommand() {
  return new CreateMultipartReadSetUploadCommand({
    sequenceStoreId: store, sourceFileType: "FASTQ",
    subjectId: "interop-subject", sampleId: "interop-sample",
    name: "interop access",
  });
}

// bytes as a stream of unknown length: the SDK then sends the payload
// unsigned (x-amz-content-sha256: UNSIGNED-PAYLOAD) and chunked.
function streamOf(bytes) {
  return Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]);
}
