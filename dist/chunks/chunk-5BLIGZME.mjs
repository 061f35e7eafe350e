#!/usr/bin/env node
import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);
async function i(n,a,o){let r=new Array(n.length),e=0,l=async()=>{for(;e<n.length;){let t=e++;r[t]=await o(n[t])}};return await Promise.all(Array.from({length:Math.min(a,n.length)},l)),r}export{i as a};
