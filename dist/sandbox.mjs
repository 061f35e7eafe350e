#!/usr/bin/env node
import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);
import{b as p,c as d,d as l}from"./chunks/chunk-23RASL22.mjs";import"./chunks/chunk-KXTG7UJ6.mjs";import{parseArgs as y}from"node:util";var g=8765,c=2,u=1,b=`Usage: node dist/sandbox.mjs [options]

A local Sentry-API-compatible server with a deterministic seeded world.
Tokens: sandbox (all scopes), sandbox-read (read scopes), sandbox-ci (org token, org:ci).

Options:
  --port N                 port to listen on (default ${g}; 0 picks a free port)
  --host HOST              address to bind (default 127.0.0.1)
  --seed N                 seed of the generated world (default ${p})
  --latency MS             delay every answer by MS milliseconds
  --rate-limit N/SECONDS   allow N requests per SECONDS per token, then answer 429 like Sentry
  --regions                serve the first organization from a second listener (its links.regionUrl)
  --state FILE             load writes from FILE at start and save them there
  --legacy-alerts-gone     legacy alert endpoints answer 410, as during Sentry's brownouts
  --current-alerts-missing workflows/detectors answer 404, as on older self-hosted servers
  --reject-spans           dataset=spans answers 400, as on older self-hosted servers
  --extra-issues N         add N generated issues (load tests)
  --print-org-token        print an sntrys_ organization token for this sandbox
  --help                   show this help

Admin API (loopback only, no token): POST/DELETE /__sandbox/faults, GET/DELETE /__sandbox/requests.
`,n=class extends Error{};function a(t,e){if(e!==void 0){if(!/^\d+$/.test(e))throw new n(`--${t} expects a non-negative integer, got "${e}"`);return Number(e)}}function E(t){if(t===void 0)return;let e=/^(\d+)\/(\d+)$/.exec(t);if(!e||Number(e[1])<1||Number(e[2])<1)throw new n(`--rate-limit expects N/SECONDS with both above 0, e.g. 40/1, got "${t}"`);return{limit:Number(e[1]),windowSeconds:Number(e[2])}}function h(t){let{values:e}=y({args:t,strict:!0,allowPositionals:!1,options:{port:{type:"string"},host:{type:"string"},seed:{type:"string"},latency:{type:"string"},"rate-limit":{type:"string"},regions:{type:"boolean"},state:{type:"string"},"legacy-alerts-gone":{type:"boolean"},"current-alerts-missing":{type:"boolean"},"reject-spans":{type:"boolean"},"extra-issues":{type:"string"},"print-org-token":{type:"boolean"},help:{type:"boolean",short:"h"}}}),o=a("port",e.port)??g;if(o>65535)throw new n(`--port must be at most 65535, got ${o}`);let r=E(e["rate-limit"]),i=a("latency",e.latency),s=a("extra-issues",e["extra-issues"]);return{options:{port:o,host:e.host??"127.0.0.1",seed:a("seed",e.seed)??p,logRequests:!0,...i!==void 0&&{latencyMs:i},...r&&{rateLimit:r},...e.regions&&{regions:!0},...e.state!==void 0&&{stateFile:e.state},...e["legacy-alerts-gone"]&&{legacyAlertsGone:!0},...e["current-alerts-missing"]&&{currentAlertsMissing:!0},...e["reject-spans"]&&{rejectSpansDataset:!0},...s!==void 0&&{extraIssues:s}},help:e.help===!0,printOrgToken:e["print-org-token"]===!0}}async function S(){let t;try{t=h(process.argv.slice(2))}catch(s){process.stderr.write(`sandbox: ${s.message.split(`
`)[0]} (see --help)
`),process.exit(c)}if(t.help){process.stdout.write(b);return}let e;try{e=await l(t.options)}catch(s){let m=s.code==="EADDRINUSE"?`port ${t.options.port} is in use; pass --port 0 for a free port or another --port`:s.message;process.stderr.write(`sandbox: ${m}
`),process.exit(s instanceof d?c:u)}let o=()=>{e.close().then(()=>process.exit(0),()=>process.exit(u))};process.once("SIGINT",o),process.once("SIGTERM",o);let r=e.world.orgs[0],i=e.world.projects.find(s=>s.orgSlug===r.slug&&s.firstEvent!==null);process.stdout.write(`${e.url}
`),process.stdout.write(`export SENTRY_URL=${e.url} SENTRY_AUTH_TOKEN=sandbox SENTRY_ORG=${r.slug} SENTRY_PROJECT=${i.slug}
`),e.regionUrl&&process.stdout.write(`region listener: ${e.regionUrl} (organization ${r.slug} lives there)
`),t.printOrgToken&&process.stdout.write(`org token: ${e.orgToken}
`)}await S();
