// The four errors that no request content can cause (spec section 16):
// ServiceQuotaExceededException 402, RequestTimeoutException 408,
// ThrottlingException 429 and InternalServerException 500, produced by
// refserver's test controls (--test-controls, POST /_mrsu/control) and
// received through the AWS SDK for JavaScript v3. Each must arrive as the
// SDK's typed exception with its status and fault; the SDK must retry
// the three it classes as transient or throttling, and not the quota.
// Without --test-controls these tests are skipped with the reason, never
// passed.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  InternalServerException,
  RequestTimeoutException,
  ServiceQuotaExceededException,
  ThrottlingException,
  UploadReadSetPartCommand,
} from "@aws-sdk/client-omics";
import {
  client, endpoint, expectError, missingFeature, store,
} from "./harness.mjs";

const CONTROL_PATH = process.env.MRSU_CONTROL_PATH || "/_mrsu/control";
const skipReason = missingFeature("test-controls", "--test-controls");
const PART = Buffer.from("@r1\nACGT\n+\nIIII\n");

const FAULTS = [
  { type: ServiceQuotaExceededException, status: 402, fault: "client",
    retried: false },
  { type: RequestTimeoutException, status: 408, fault: "client",
    retried: true },
  { type: ThrottlingException, status: 429, fault: "client",
    retried: true },
  { type: InternalServerException, status: 500, fault: "server",
    retried: true },
];

for (const f of FAULTS) {
  test(`${f.type.name} (${f.status}) through the SDK`, async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const complete = await completableUpload();

    await t.test("arrives as the typed exception", async () => {
      await injectFault(f.type.name, 1);
      const e = await expectError(client().send(complete), f.type,
        f.status, f.fault);
      assert.equal(e.$metadata.attempts, 1);
    });

    await t.test(f.retried ? "is retried by the SDK" : "is not retried",
      async () => {
        await injectFault(f.type.name, 1);
        const retrying = client(undefined, { maxAttempts: 3 });
        if (f.retried) {
          const out = await retrying.send(complete);
          assert.match(out.readSetId, /^[0-9]{10,36}$/);
          assert.equal(out.$metadata.attempts, 2);
        } else {
          const e = await expectError(retrying.send(complete), f.type,
            f.status, f.fault);
          assert.equal(e.$metadata.attempts, 1);
        }
      });
  });
}

// Asks refserver to answer the next count requests with errorType.
async function injectFault(errorType, count) {
  const response = await fetch(endpoint + CONTROL_PATH, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ errorType, count }),
    signal: AbortSignal.timeout(5000),
  });

  assert.equal(response.status, 200,
    `${CONTROL_PATH}: ${response.status} ${await response.text()}`);
}

// Opens an upload with one part; returns the Complete that concludes it.
async function completableUpload() {
  const omics = client();
  const { uploadId } = await omics.send(
    new CreateMultipartReadSetUploadCommand({
      sequenceStoreId: store, sourceFileType: "FASTQ",
      subjectId: "interop-subject", sampleId: "interop-sample",
      name: "interop faults",
    }));
  const { checksum } = await omics.send(new UploadReadSetPartCommand({
    sequenceStoreId: store, uploadId, partSource: "SOURCE1", partNumber: 1,
    payload: PART,
  }));

  return new CompleteMultipartReadSetUploadCommand({
    sequenceStoreId: store, uploadId,
    parts: [{ partNumber: 1, partSource: "SOURCE1", checksum }],
  });
}
