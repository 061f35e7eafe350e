// Types for the undici modules scripts/lib/http.ts imports one by one instead of undici's index
// (which loads every feature). Each is a CommonJS module whose export is what the index re-exports.

declare module "undici/lib/dispatcher/agent.js" {
  import { Agent } from "undici";
  export default Agent;
}

declare module "undici/lib/api/api-request.js" {
  import type { Dispatcher } from "undici";
  /** Dispatcher.prototype.request before undici's index installs it: call it with the dispatcher as `this`. */
  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export default request;
}

declare module "undici/lib/core/errors.js" {
  import { errors } from "undici";
  export default errors;
}
