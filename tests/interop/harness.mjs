// What the interoperability tests share: the refserver they talk to, the
// principals they sign as, the paired FASTQ read set they upload, and the
// checks of an error as the AWS SDK for JavaScript reports it.
//
// run.sh starts refserver and describes it in the environment:
//   MRSU_ENDPOINT      http://127.0.0.1:PORT
//   MRSU_STORE         a sequence store that exists
//   MRSU_MISSING_STORE a well-formed sequence store id that names none
//   MRSU_READS1/2      the two FASTQ files of one paired-end read set
//   MRSU_FEATURES      the optional refserver features it was started
//                      with: "credentials", "test-controls" (or nothing)
//   MRSU_KEY_ID, MRSU_SECRET              a principal of every store
//   MRSU_OTHER_KEY_ID, MRSU_OTHER_SECRET  a principal of none
// Run the tests through run.sh; alone they stop at the first import.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { OmicsClient } from "@aws-sdk/client-omics";

export const endpoint = required("MRSU_ENDPOINT");
export const store = required("MRSU_STORE");
export const missingStore = required("MRSU_MISSING_STORE");
export const missingUpload = "1111111111";
export const features = new Set(
  (process.env.MRSU_FEATURES || "").split(/\s+/).filter(Boolean));

export const principal = {
  accessKeyId: required("MRSU_KEY_ID"),
  secretAccessKey: required("MRSU_SECRET"),
};
export const otherPrincipal = {
  accessKeyId: required("MRSU_OTHER_KEY_ID"),
  secretAccessKey: required("MRSU_OTHER_SECRET"),
};

// The reason a test that needs an optional refserver feature is skipped,
// or null when refserver was started with it.
export function missingFeature(name, option) {
  if (features.has(name))
    return null;
  return `build/refserver --help offers no ${option}: ` +
    "not verified against this refserver";
}

// A client of refserver signing as who (principal by default). Host
// prefixes are off: the model sends UploadReadSetPart and Complete to
// "storage-" + host and the other operations to "control-storage-" +
// host, which names no machine when the endpoint is an address. Every
// request has a deadline, so no test can hang on a stalled server (the
// SDK only warns when a deadline passes unless told to throw).
export function client(who = principal, options = {}) {
  return new OmicsClient({
    endpoint,
    region: "us-east-1",
    credentials: who,
    disableHostPrefix: true,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: 5000,
      requestTimeout: 10000,
      throwOnRequestTimeout: true,
    },
    ...options,
  });
}

// The base64 SHA-256 of bytes: the checksum refserver returns for a
// part (spec section 12, CHECKSUM-SHA256).
export function checksumOf(bytes) {
  return createHash("sha256").update(bytes).digest("base64");
}

// The bytes of file cut into count parts of nearly equal size, in order;
// each part is at least one byte long.
export function splitFile(file, count) {
  const bytes = readFileSync(file);
  const size = Math.ceil(bytes.length / count);
  const parts = [];

  for (let start = 0; start < bytes.length; start += size)
    parts.push(bytes.subarray(start, Math.min(start + size, bytes.length)));
  return parts;
}

// The two source files of the paired-end read set, each cut into parts:
// { SOURCE1: [Buffer...], SOURCE2: [Buffer...] }.
export function pairedReads() {
  return {
    SOURCE1: splitFile(required("MRSU_READS1"), 4),
    SOURCE2: splitFile(required("MRSU_READS2"), 3),
  };
}

// Awaits promise, which must fail with the SDK's exception class type
// (of @aws-sdk/client-omics) named name, with the HTTP status of that
// error type. An error type that the service model does not define
// arrives as the base class OmicsServiceException under its own name.
// Checks the members the SDK sets on every service exception; returns
// the exception for further checks.
export async function expectError(promise, type, status, fault = "client",
  name = type.name) {
  let error = null;

  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, the call succeeded`);
  assert.equal(error.name, name, `${error.name}: ${error.message}`);
  assert.ok(error instanceof type, `not an instance of ${type.name}`);
  assert.equal(error.$metadata?.httpStatusCode, status);
  assert.equal(error.$fault, fault);
  assert.equal(typeof error.message, "string");
  assert.ok(error.message.length > 0, "the message is empty");
  return error;
}

// The value of environment variable name; throws when it is unset.
function required(name) {
  const value = process.env[name];

  if (!value)
    throw new Error(`${name} is not set: run tests/interop/run.sh`);
  return value;
}
