#!/usr/bin/env node
import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);
import{a,b,c,d,e,f}from"./chunk-63SAHKVF.mjs";import"./chunk-5ZHCRD2X.mjs";import"./chunk-2AAAMLWW.mjs";import"./chunk-KXTG7UJ6.mjs";export{a as DEFAULT_URL,f as defaultConfigInputs,c as parseOrgTokenClaims,b as parseSentryCliRc,e as requireToken,d as resolveConfig};
