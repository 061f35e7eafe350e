#!/usr/bin/env node
// The floor the bench compares every tool with: the least a Node program can do to answer the same
// question, one GET with node:http (the URL from argv, the token from SENTRY_AUTH_TOKEN) and the body's
// length printed. No configuration, no retries, no parsing: what is left is Node's own start and one request.

import { request } from "node:http";

const url = process.argv[2];
if (!url) {
  process.stderr.write("usage: node bench/floor.mjs URL\n");
  process.exit(2);
}
request(url, { headers: { authorization: `Bearer ${process.env.SENTRY_AUTH_TOKEN}`, accept: "application/json" } }, (res) => {
  let bytes = 0;
  res.on("data", (chunk) => (bytes += chunk.length));
  res.on("end", () => process.stdout.write(`${res.statusCode} ${bytes}\n`));
}).end();
