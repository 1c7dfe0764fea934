// Signature Version 4 as the AWS SDK for JavaScript v3 signs it, checked
// by refserver when it is started with --credentials (spec section
// 14.5). A principal that may not use the sequence store gets 403
// AccessDeniedException, the SDK's typed exception. A request that fails
// authentication gets 403 with an error type of AWS's authentication
// layer, which the Omics service model does not define: the SDK raises
// its base class OmicsServiceException under that name. Without
// --credentials refserver checks no signature, so these tests are
// skipped with the reason, never passed.
//
// The signed requests that must succeed are those of the other files:
// when refserver checks signatures, every one of them is checked.

import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import {
  AccessDeniedException,
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  ListMultipartReadSetUploadsCommand,
  OmicsServiceException,
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

test("a signature made with the wrong secret: InvalidSignatureException",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const forged = client({
      accessKeyId: principal.accessKeyId,
      secretAccessKey: principal.secretAccessKey + "x",
    });

    await expectInvalidSignature(forged.send(createCommand()));
    await expectInvalidSignature(forged.send(new UploadReadSetPartCommand({
      sequenceStoreId: store, uploadId: "1000000001", partSource: "SOURCE1",
      partNumber: 1, payload: PART,
    })));
  });

test("an access key id nobody has: UnrecognizedClientException",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const stranger = client({
      accessKeyId: "AKIDUNKNOWNEXAMPLE",
      secretAccessKey: principal.secretAccessKey,
    });
    const e = await expectError(stranger.send(createCommand()),
      OmicsServiceException, 403, "client", "UnrecognizedClientException");
    assert.equal(e.$metadata.attempts, 1);
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

// Awaits promise, which must fail as a signature that does not match.
async function expectInvalidSignature(promise) {
  const e = await expectError(promise, OmicsServiceException, 403,
    "client", "InvalidSignatureException");
  assert.equal(e.$metadata.attempts, 1);
}

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
