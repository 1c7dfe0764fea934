// The four errors that no request content can cause (spec section 16):
// ServiceQuotaExceededException 402, RequestTimeoutException 408,
// ThrottlingException 429 and InternalServerException 500, produced with
// refserver's test controls (--test-controls: POST /_mrsu/control sets
// quotas, throttling, the Complete deadline and storage failures, DELETE
// restores the configuration) and received through the AWS SDK for
// JavaScript v3. Each must arrive as the SDK's typed exception with its
// status and fault; the SDK retries the three it classes as throttling
// or transient and not the quota; and a Complete that failed changed
// nothing, so it succeeds once the fault is gone. Without
// --test-controls these tests are skipped with the reason, never passed.
//
// The control requests go through the SDK too, so that they are signed
// when refserver checks signatures.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  InternalServerException,
  ListMultipartReadSetUploadsCommand,
  RequestTimeoutException,
  ServiceQuotaExceededException,
  ThrottlingException,
  UploadReadSetPartCommand,
} from "@aws-sdk/client-omics";
import {
  checksumOf, client, expectError, missingFeature, store,
} from "./harness.mjs";

const CONTROL_PATH = "/_mrsu/control";
const skipReason = missingFeature("test-controls", "--test-controls");
const PART = Buffer.from("@r1\nACGT\n+\nIIII\n");

// Each fault: the controls that cause it on Complete, and how many
// attempts an SDK client allowed three makes (1: not retried; 2: the
// retry succeeded; 3: every attempt failed).
const FAULTS = [
  {
    type: ServiceQuotaExceededException, status: 402, fault: "client",
    controls: { quota: { readSetsPerStore: 0 } }, attempts: 1,
  },
  {
    type: RequestTimeoutException, status: 408, fault: "client",
    controls: { deadline: { completeMs: 1, completeDelayMs: 50 } },
    attempts: 3,
  },
  {
    type: ThrottlingException, status: 429, fault: "client",
    controls: { throttle: { rate: 0.001, burst: 1 } }, drain: true,
    attempts: 3,
  },
  {
    type: InternalServerException, status: 500, fault: "server",
    controls: { fault: { operation: "CompleteMultipartReadSetUpload",
      kind: "storage", count: 1 } },
    attempts: 2,
  },
];

for (const f of FAULTS) {
  test(`${f.type.name} (${f.status}) on Complete, through the SDK`,
    async (t) => {
      if (skipReason) {
        t.skip(skipReason);
        return;
      }
      const complete = await completableUpload();

      try {
        await t.test("arrives as the typed exception", async () => {
          await impose(f);
          const e = await expectError(client().send(complete), f.type,
            f.status, f.fault);
          assert.equal(e.$metadata.attempts, 1);
        });

        await t.test(retryTitle(f.attempts), async () => {
          await impose(f);
          const retrying = client(undefined, { maxAttempts: 3 });
          const answer = retrying.send(complete);
          const meta = f.attempts === 2
            ? (await answer).$metadata
            : (await expectError(answer, f.type, f.status, f.fault))
              .$metadata;
          assert.equal(meta.attempts, f.attempts);
        });
      } finally {
        await control("DELETE");
      }

      await t.test("without the fault the same Complete succeeds",
        async () => {
          const out = await client().send(complete);
          assert.match(out.readSetId, /^[0-9]{10,36}$/);
        });
    });
}

test("a storage failure of UploadReadSetPart is retried with the same bytes",
  async (t) => {
    if (skipReason) {
      t.skip(skipReason);
      return;
    }
    const omics = client(undefined, { maxAttempts: 3 });
    const { uploadId } = await omics.send(createCommand());

    try {
      await control("POST", { fault: { operation: "UploadReadSetPart",
        kind: "storage", count: 1 } });
      const out = await omics.send(new UploadReadSetPartCommand({
        sequenceStoreId: store, uploadId, partSource: "SOURCE1",
        partNumber: 1, payload: PART,
      }));
      assert.equal(out.$metadata.attempts, 2);
      assert.equal(out.checksum, checksumOf(PART));
    } finally {
      await control("DELETE");
    }
  });

// The title of the retry check for a fault whose client of three
// attempts makes attempts.
function retryTitle(attempts) {
  if (attempts === 1)
    return "is not retried by the SDK";
  if (attempts === 2)
    return "is retried by the SDK, which then succeeds";
  return "is retried by the SDK, three attempts in all";
}

// Puts refserver into the state of fault f. A throttle lets one request
// through after it is set (its burst), so that request is spent here.
async function impose(f) {
  await control("POST", f.controls);
  if (f.drain)
    await client().send(new ListMultipartReadSetUploadsCommand({
      sequenceStoreId: store,
    }));
}

// Sends the test controls body (POST) or a reset (DELETE). The request is
// built by the SDK as a ListMultipartReadSetUploads and rewritten before
// it is signed, so it carries a valid signature; refserver answers {}.
async function control(method, body) {
  const omics = client();

  omics.middlewareStack.add((next) => async (args) => {
    const request = args.request;
    request.method = method;
    request.path = CONTROL_PATH;
    request.query = {};
    if (body) {
      request.body = JSON.stringify(body);
      request.headers["content-type"] = "application/json";
    }
    return next(args);
  }, { step: "build", priority: "high", name: "interopControl" });
  const out = await omics.send(new ListMultipartReadSetUploadsCommand({
    sequenceStoreId: store,
  }));
  assert.equal(out.$metadata.httpStatusCode, 200);
}

// Opens an upload with one part; returns the Complete that concludes it.
async function completableUpload() {
  const omics = client();
  const { uploadId } = await omics.send(createCommand());
  const { checksum } = await omics.send(new UploadReadSetPartCommand({
    sequenceStoreId: store, uploadId, partSource: "SOURCE1", partNumber: 1,
    payload: PART,
  }));

  return new CompleteMultipartReadSetUploadCommand({
    sequenceStoreId: store, uploadId,
    parts: [{ partNumber: 1, partSource: "SOURCE1", checksum }],
  });
}

// A Create in the test store.
function createCommand() {
  return new CreateMultipartReadSetUploadCommand({
    sequenceStoreId: store, sourceFileType: "FASTQ",
    subjectId: "interop-subject", sampleId: "interop-sample",
    name: "interop faults",
  });
}
