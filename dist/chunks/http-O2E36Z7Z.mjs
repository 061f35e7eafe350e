#!/usr/bin/env node
import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);
import{a,b,c,d,e,f,g,h}from"./chunk-ESCRKY7V.mjs";import"./chunk-2AAAMLWW.mjs";import"./chunk-KXTG7UJ6.mjs";export{c as MAX_RATE_LIMIT_WAIT_S,b as MAX_RETRIES,a as USER_AGENT,d as closeHttp,f as describeErrorBody,g as errorForStatus,e as rateLimitWaitSeconds,h as sendRequest};
