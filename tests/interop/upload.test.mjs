// A paired-end FASTQ read set uploaded to refserver with the AWS SDK for
// JavaScript v3, from CreateMultipartReadSetUpload to
// CompleteMultipartReadSetUpload, on real reads (Debian's
// bowtie2-examples): SOURCE1 in four parts, SOURCE2 in three. The steps
// depend on each other and run in order; each checks what the SDK made
// of refserver's answer.

import assert from "node:assert/strict";
import { createReadStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { test } from "node:test";
import {
  AbortMultipartReadSetUploadCommand,
  CompleteMultipartReadSetUploadCommand,
  CreateMultipartReadSetUploadCommand,
  ListMultipartReadSetUploadsCommand,
  ListReadSetUploadPartsCommand,
  ResourceNotFoundException,
  UploadReadSetPartCommand,
  paginateListReadSetUploadParts,
} from "@aws-sdk/client-omics";
import {
  checksumOf, client, expectError, pairedReads, store,
} from "./harness.mjs";

const omics = client();
const reads = pairedReads();
const ID = /^[0-9]{10,36}$/;

test("paired FASTQ upload through the SDK", async (t) => {
  let upload;
  let sent;
  let readSetId;

  await t.test("CreateMultipartReadSetUpload opens an upload", async () => {
    upload = await createUpload("interop paired reads");
    assert.match(upload.uploadId, ID);
    assert.equal(upload.sequenceStoreId, store);
    assert.equal(upload.sourceFileType, "FASTQ");
    assert.equal(upload.name, "interop paired reads");
    assert.deepEqual(upload.tags, { origin: "bowtie2-examples" });
    assert.ok(upload.creationTime instanceof Date,
      "creationTime is parsed as a timestamp");
    assert.ok(!Number.isNaN(upload.creationTime.getTime()));
  });

  await t.test("UploadReadSetPart returns base64(SHA-256) of each part",
    async () => {
      sent = await uploadParts(upload.uploadId, reads);
      for (const part of sent)
        assert.equal(part.checksum, checksumOf(part.bytes),
          `${part.partSource} ${part.partNumber}`);
    });

  await t.test("ListMultipartReadSetUploads shows the open upload",
    async () => {
      assert.ok(await isListed(upload.uploadId));
    });

  for (const source of ["SOURCE1", "SOURCE2"]) {
    await t.test(`ListReadSetUploadParts lists the ${source} parts sent`,
      async () => {
        const out = await omics.send(new ListReadSetUploadPartsCommand({
          sequenceStoreId: store, uploadId: upload.uploadId,
          partSource: source,
        }));
        assert.deepEqual(out.parts.map(summary), expectedParts(sent, source));
        assert.equal(out.nextToken, undefined);
        for (const part of out.parts) {
          assert.ok(part.creationTime instanceof Date);
          assert.ok(part.lastUpdatedTime instanceof Date);
        }
      });
  }

  await t.test("the SDK paginator follows nextToken, two parts a page",
    async () => {
      const pages = paginateListReadSetUploadParts(
        { client: omics, pageSize: 2 },
        { sequenceStoreId: store, uploadId: upload.uploadId,
          partSource: "SOURCE1" });
      const listed = [];
      let count = 0;

      for await (const page of pages) {
        assert.ok(page.parts.length <= 2);
        listed.push(...page.parts.map(summary));
        count++;
      }
      assert.equal(count, 2);
      assert.deepEqual(listed, expectedParts(sent, "SOURCE1"));
    });

  await t.test("the list filter takes the SDK's timestamps", async () => {
    const created = upload.creationTime.getTime();
    const before = await listCreated(upload.uploadId, {
      createdBefore: new Date(created - 1500),
    });
    const after = await listCreated(upload.uploadId, {
      createdAfter: new Date(created - 500),
      createdBefore: new Date(Date.now() + 60000),
    });

    assert.equal(before.length, 0);
    assert.equal(after.length, reads.SOURCE1.length);
  });

  await t.test("CompleteMultipartReadSetUpload names the read set",
    async () => {
      const out = await omics.send(completeCommand(upload.uploadId, sent));
      readSetId = out.readSetId;
      assert.match(readSetId, ID);
      assert.equal(out.$metadata.httpStatusCode, 200);
    });

  await t.test("Complete again, the same parts in reverse: same read set",
    async () => {
      const out = await omics.send(
        completeCommand(upload.uploadId, [...sent].reverse()));
      assert.equal(out.readSetId, readSetId);
    });

  await t.test("the completed upload is no longer listed", async () => {
    assert.equal(await isListed(upload.uploadId), false);
  });
});

test("an aborted upload is gone", async (t) => {
  const upload = await createUpload("interop aborted");
  const sent = await uploadParts(upload.uploadId,
    { SOURCE1: reads.SOURCE1.slice(0, 1) });

  await t.test("AbortMultipartReadSetUpload answers 200", async () => {
    const out = await omics.send(new AbortMultipartReadSetUploadCommand({
      sequenceStoreId: store, uploadId: upload.uploadId,
    }));
    assert.equal(out.$metadata.httpStatusCode, 200);
  });

  await t.test("Complete after Abort is ResourceNotFoundException",
    async () => {
      await expectError(omics.send(completeCommand(upload.uploadId, sent)),
        ResourceNotFoundException, 404);
    });

  await t.test("the aborted upload is not listed", async () => {
    assert.equal(await isListed(upload.uploadId), false);
  });
});

test("parts sent as streams: a file and one of unknown length",
  async (t) => {
    const upload = await createUpload("interop streamed parts");
    const file = process.env.MRSU_READS1;
    const whole = readFileSync(file);
    const tail = reads.SOURCE2[0];
    const sent = [];

    await t.test("a file stream (Content-Length, UNSIGNED-PAYLOAD)",
      async () => {
        const out = await omics.send(new UploadReadSetPartCommand({
          sequenceStoreId: store, uploadId: upload.uploadId,
          partSource: "SOURCE1", partNumber: 1,
          payload: createReadStream(file),
        }));
        assert.equal(out.checksum, checksumOf(whole));
        sent.push({ partSource: "SOURCE1", partNumber: 1, bytes: whole,
          checksum: out.checksum });
      });

    await t.test("a stream of unknown length (chunked, UNSIGNED-PAYLOAD)",
      async () => {
        const chunks = [tail.subarray(0, 1000), tail.subarray(1000)];
        const out = await omics.send(new UploadReadSetPartCommand({
          sequenceStoreId: store, uploadId: upload.uploadId,
          partSource: "SOURCE1", partNumber: 2,
          payload: Readable.from(chunks),
        }));
        assert.equal(out.checksum, checksumOf(tail));
        sent.push({ partSource: "SOURCE1", partNumber: 2, bytes: tail,
          checksum: out.checksum });
      });

    await t.test("the streamed parts are listed and complete", async () => {
      const out = await omics.send(new ListReadSetUploadPartsCommand({
        sequenceStoreId: store, uploadId: upload.uploadId,
        partSource: "SOURCE1",
      }));
      assert.deepEqual(out.parts.map(summary),
        expectedParts(sent, "SOURCE1"));
      const done = await omics.send(completeCommand(upload.uploadId, sent));
      assert.match(done.readSetId, ID);
    });
  });

// Opens a FASTQ upload named name; returns the SDK's output.
async function createUpload(name) {
  return omics.send(new CreateMultipartReadSetUploadCommand({
    sequenceStoreId: store,
    sourceFileType: "FASTQ",
    subjectId: "interop-subject",
    sampleId: "interop-sample",
    name,
    description: "reads_1.fq and reads_2.fq of bowtie2-examples",
    tags: { origin: "bowtie2-examples" },
  }));
}

// Uploads every part of parts ({ SOURCE: [bytes...] }), the parts of a
// source in parallel as a client would; numbers count from 1 in each
// source. Returns one record per part: source, number, bytes, checksum.
async function uploadParts(uploadId, parts) {
  const sent = [];

  for (const [partSource, list] of Object.entries(parts)) {
    const answers = await Promise.all(list.map((bytes, i) =>
      omics.send(new UploadReadSetPartCommand({
        sequenceStoreId: store, uploadId, partSource,
        partNumber: i + 1, payload: bytes,
      }))));
    answers.forEach((out, i) => sent.push({
      partSource, partNumber: i + 1, bytes: list[i], checksum: out.checksum,
    }));
  }
  return sent;
}

// The Complete request naming the parts sent.
function completeCommand(uploadId, sent) {
  return new CompleteMultipartReadSetUploadCommand({
    sequenceStoreId: store,
    uploadId,
    parts: sent.map((p) => ({
      partNumber: p.partNumber, partSource: p.partSource,
      checksum: p.checksum,
    })),
  });
}

// What a listing should show of the parts of source sent, in number
// order.
function expectedParts(sent, source) {
  return sent.filter((p) => p.partSource === source)
    .sort((a, b) => a.partNumber - b.partNumber)
    .map((p) => ({
      partNumber: p.partNumber, partSource: p.partSource,
      partSize: p.bytes.length, checksum: checksumOf(p.bytes),
    }));
}

// The members of a listed part that the client chose.
function summary(part) {
  return {
    partNumber: part.partNumber, partSource: part.partSource,
    partSize: part.partSize, checksum: part.checksum,
  };
}

// The SOURCE1 parts of an upload that filter keeps.
async function listCreated(uploadId, filter) {
  const out = await omics.send(new ListReadSetUploadPartsCommand({
    sequenceStoreId: store, uploadId, partSource: "SOURCE1", filter,
  }));
  return out.parts;
}

// Whether ListMultipartReadSetUploads lists uploadId, on any page.
async function isListed(uploadId) {
  let nextToken;

  do {
    const out = await omics.send(new ListMultipartReadSetUploadsCommand({
      sequenceStoreId: store, nextToken,
    }));
    if (out.uploads.some((u) => u.uploadId === uploadId))
      return true;
    nextToken = out.nextToken;
  } while (nextToken);
  return false;
}
