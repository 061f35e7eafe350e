// The catalogue the issues seed draws from: per-platform issue specs with realistic exceptions (chained where
// the language chains them), stack frames in and out of app with source context, log messages, CSP reports
// and performance problems. Pure data: the seed picks specs, the event builder turns them into Sentry events.

export type Family = "javascript" | "python" | "node" | "cocoa";
export type EventKind = "error" | "chained" | "message" | "csp" | "performance";
export type Level = "fatal" | "error" | "warning" | "info" | "debug";

export interface FrameSpec {
  function: string | null;
  module: string | null;
  filename: string | null;
  absPath: string | null;
  lineNo: number | null;
  colNo: number | null;
  inApp: boolean;
  /** Native image the frame belongs to (Cocoa); null elsewhere. */
  package: string | null;
  instructionAddr: string | null;
  symbolAddr: string | null;
  /** Source lines around lineNo; `focus` is the index of the line that ran. Null when the SDK sent no source. */
  code: readonly string[] | null;
  focus: number;
  vars: Record<string, unknown> | null;
}

export interface MechanismSpec {
  type: string;
  handled: boolean;
  /** How a chained exception hangs off its parent ("__cause__", "cause", "__context__"). */
  source?: string;
  synthetic?: boolean;
  meta?: Record<string, unknown>;
}

export interface ExceptionSpec {
  type: string;
  value: string;
  module: string | null;
  mechanism: MechanismSpec;
  /** Oldest call first, the raising frame last (Sentry's order). */
  frames: FrameSpec[];
}

export interface CspSpec {
  blockedUri: string;
  documentPath: string;
  effectiveDirective: string;
  violatedDirective: string;
  originalPolicy: string;
  sourceFile: string | null;
  lineNumber: number | null;
}

export interface PerfSpec {
  /** Sentry's GroupType id (1006 = N+1 DB queries, 1001 = slow DB query, …) as the occurrence carries it. */
  typeId: number;
  issueType: string;
  title: string;
  /** Span op of the offending spans ("db", "http.client", "file.read"). */
  op: string;
  parentOp: string;
  parentDescription: string;
  offenderDescription: string;
  /** How many offending spans one transaction carries. */
  repeat: number;
  offenderMs: number;
  transactionMs: number;
}

export interface CrumbSpec {
  type: string;
  category: string;
  level: Level;
  message: string | null;
  data: Record<string, unknown> | null;
}

export interface RequestSpec {
  /** Null for browser page loads: the JS SDK sends only the page URL and headers. */
  method: string | null;
  path: string;
  query: Array<[string, string]>;
  data: unknown;
}

export interface IssueSpec {
  /** Unique within a family: template key plus variant. */
  key: string;
  family: Family;
  kind: EventKind;
  title: string;
  culprit: string;
  transaction: string;
  level: Level;
  logger: string | null;
  /** Innermost cause first, the exception that was raised last (Sentry puts the main exception last). */
  exceptions: ExceptionSpec[];
  message: string | null;
  csp: CspSpec | null;
  perf: PerfSpec | null;
  request: RequestSpec | null;
  /** The trail that led to this error (most recent last), appended after the family's routine breadcrumbs. */
  crumbs: CrumbSpec[];
  /** Template-specific event tags (on top of environment, release, browser, …). */
  tags: Record<string, string>;
  /** Whether events carry an end user (browsers and apps do; a billing cron does not). */
  hasUser: boolean;
  /** Relative likelihood within its family. */
  weight: number;
  /** Project platforms this spec fits (prefix match); null for every platform of the family. */
  platforms: string[] | null;
}

type OptionalKeys = "exceptions" | "message" | "csp" | "perf" | "request" | "crumbs" | "tags" | "hasUser" | "logger" | "platforms";
type SpecInput = Omit<IssueSpec, "family" | OptionalKeys> & Partial<Pick<IssueSpec, OptionalKeys>>;

function spec(family: Family, input: SpecInput): IssueSpec {
  return {
    family,
    exceptions: [],
    message: null,
    csp: null,
    perf: null,
    request: null,
    crumbs: [],
    tags: {},
    hasUser: true,
    logger: null,
    platforms: null,
    ...input,
  };
}

const NO_FRAME: FrameSpec = {
  function: null,
  module: null,
  filename: null,
  absPath: null,
  lineNo: null,
  colNo: null,
  inApp: false,
  package: null,
  instructionAddr: null,
  symbolAddr: null,
  code: null,
  focus: 0,
  vars: null,
};

function crumb(type: string, category: string, message: string | null, data: Record<string, unknown> | null = null, level: Level = "info"): CrumbSpec {
  return { type, category, level, message, data };
}

const http = (method: string, url: string, status: number): CrumbSpec =>
  crumb("http", "fetch", null, { method, url, status_code: status }, status >= 500 ? "error" : status >= 400 ? "warning" : "info");
const query = (sql: string): CrumbSpec => crumb("default", "query", sql);

const pascal = (s: string): string => s.replace(/(^|[-_ ])(\w)/g, (_m, _sep, c: string) => c.toUpperCase());
const camel = (s: string): string => {
  const p = pascal(s);
  return p.charAt(0).toLowerCase() + p.slice(1);
};
const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

// ---------------------------------------------------------------------------------------------------------
// JavaScript in the browser (React single-page app, Next.js storefront)
// ---------------------------------------------------------------------------------------------------------

/** A source-mapped frame of the app bundle. */
function jsApp(file: string, fn: string, line: number, col: number, code: readonly string[], focus: number): FrameSpec {
  return {
    ...NO_FRAME,
    function: fn,
    module: file.replace(/^src\//, "").replace(/\.(t|j)sx?$/, ""),
    filename: `./${file}`,
    absPath: `webpack://web/./${file}`,
    lineNo: line,
    colNo: col,
    inApp: true,
    code,
    focus,
  };
}

/** A frame inside a vendored library: source maps give a position but the SDK ships no source for it. */
function jsLib(pkg: string, file: string, fn: string, line: number, col: number): FrameSpec {
  return {
    ...NO_FRAME,
    function: fn,
    module: `${pkg}/${file.replace(/\.(c|m)?js$/, "")}`,
    filename: `./node_modules/${pkg}/${file}`,
    absPath: `webpack://web/./node_modules/${pkg}/${file}`,
    lineNo: line,
    colNo: col,
  };
}

const REACT_RENDER: FrameSpec[] = [
  jsLib("scheduler", "cjs/scheduler.production.min.js", "workLoop", 13, 2887),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "performConcurrentWorkOnRoot", 269, 8831),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "workLoopSync", 285, 4712),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "beginWork", 243, 17123),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "renderWithHooks", 157, 12402),
];

const REACT_EVENT: FrameSpec[] = [
  jsLib("react-dom", "cjs/react-dom.production.min.js", "dispatchDiscreteEvent", 126, 2991),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "batchedUpdates$1", 280, 10231),
  jsLib("react-dom", "cjs/react-dom.production.min.js", "processDispatchQueue", 124, 3542),
];

const PROMISE_JOB: FrameSpec[] = [jsLib("regenerator-runtime", "runtime.js", "asyncGeneratorStep", 63, 24)];

const JS_NAV = (route: string): CrumbSpec[] => [
  crumb("navigation", "navigation", null, { from: "/", to: route }),
  crumb("default", "ui.click", `button.${kebab(pascal(route.split("/").filter(Boolean).pop() ?? "home"))}-link`),
];

interface ReadVariant {
  component: string;
  dir: string;
  hook: string;
  subject: string;
  prop: string;
  route: string;
  api: string;
}

const UNDEFINED_READS: ReadVariant[] = [
  { component: "CartSummary", dir: "cart", hook: "useCart", subject: "cart", prop: "subtotal", route: "/cart", api: "/api/cart" },
  { component: "ProductGrid", dir: "catalog", hook: "useProducts", subject: "page", prop: "items", route: "/products", api: "/api/products" },
  { component: "OrderHistory", dir: "account", hook: "useOrders", subject: "orders", prop: "results", route: "/account/orders", api: "/api/orders" },
  { component: "ShippingAddressForm", dir: "checkout", hook: "useCustomer", subject: "customer", prop: "defaultAddress", route: "/checkout/shipping", api: "/api/customer" },
  { component: "PriceTag", dir: "catalog", hook: "useProduct", subject: "product", prop: "price", route: "/products/:slug", api: "/api/products/:slug" },
  { component: "WishlistButton", dir: "account", hook: "useWishlist", subject: "wishlist", prop: "entries", route: "/products/:slug", api: "/api/wishlist" },
  { component: "ReviewList", dir: "catalog", hook: "useReviews", subject: "reviews", prop: "summary", route: "/products/:slug/reviews", api: "/api/reviews" },
  { component: "LoyaltyBadge", dir: "account", hook: "useLoyalty", subject: "loyalty", prop: "tier", route: "/account", api: "/api/loyalty" },
  { component: "DeliveryEstimate", dir: "checkout", hook: "useShippingQuote", subject: "quote", prop: "window", route: "/checkout/delivery", api: "/api/shipping/quote" },
  { component: "RecentlyViewed", dir: "catalog", hook: "useBrowsingHistory", subject: "history", prop: "items", route: "/", api: "/api/history" },
  { component: "MiniCart", dir: "cart", hook: "useCart", subject: "cart", prop: "lines", route: "/", api: "/api/cart" },
  { component: "GiftCardBalance", dir: "account", hook: "useGiftCard", subject: "giftCard", prop: "balance", route: "/account/gift-cards", api: "/api/gift-cards" },
  { component: "StoreHours", dir: "stores", hook: "useStore", subject: "store", prop: "openingHours", route: "/stores/:id", api: "/api/stores/:id" },
  { component: "CheckoutSteps", dir: "checkout", hook: "useCheckoutSession", subject: "session", prop: "currentStep", route: "/checkout", api: "/api/checkout/session" },
];

function undefinedRead(v: ReadVariant, line: number): IssueSpec {
  const file = `src/components/${v.dir}/${v.component}.tsx`;
  const code = [
    `export function ${v.component}(props: ${v.component}Props) {`,
    `  const { data: ${v.subject}, isLoading } = ${v.hook}(props);`,
    `  const format = useCurrencyFormatter();`,
    ``,
    `  if (isLoading) return <Skeleton variant="${kebab(v.component)}" />;`,
    `  const ${v.prop} = ${v.subject}.${v.prop}.value;`,
    ``,
    `  return (`,
    `    <section className="${kebab(v.component)}" aria-live="polite">`,
    `      {render${pascal(v.prop)}(${v.prop}, format)}`,
    `    </section>`,
  ];
  return spec("javascript", {
    key: `undefined-read:${v.component}`,
    kind: "error",
    title: `TypeError: Cannot read properties of undefined (reading '${v.prop}')`,
    culprit: v.route,
    transaction: v.route,
    level: "error",
    weight: 6,
    exceptions: [
      {
        type: "TypeError",
        value: `Cannot read properties of undefined (reading '${v.prop}')`,
        module: null,
        mechanism: { type: "onerror", handled: false },
        frames: [
          ...REACT_RENDER,
          jsApp(file, v.component, line, 31, code, 5),
        ],
      },
    ],
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: [...JS_NAV(v.route), http("GET", v.api, 200)],
  });
}

interface NotFunctionVariant {
  file: string;
  fn: string;
  expr: string;
  route: string;
  code: string[];
  focus: number;
}

const NOT_FUNCTIONS: NotFunctionVariant[] = [
  {
    file: "src/features/search/useSearchSuggestions.ts",
    fn: "useSearchSuggestions",
    expr: "suggestions.filter",
    route: "/search",
    code: [
      `export function useSearchSuggestions(term: string) {`,
      `  const { data: suggestions = [] } = useQuery(["suggest", term], () => fetchSuggestions(term));`,
      `  return useMemo(`,
      `    () => suggestions.filter((s) => s.score > MIN_SUGGESTION_SCORE).slice(0, 8),`,
      `    [suggestions],`,
      `  );`,
      `}`,
    ],
    focus: 3,
  },
  {
    file: "src/features/checkout/applyPromotions.ts",
    fn: "applyPromotions",
    expr: "promo.appliesTo",
    route: "/checkout",
    code: [
      `export function applyPromotions(lines: CartLine[], promos: Promotion[]): CartLine[] {`,
      `  return lines.map((line) => {`,
      `    const promo = promos.find((p) => p.sku === line.sku || p.category === line.category);`,
      `    if (!promo) return line;`,
      `    return promo.appliesTo(line) ? discounted(line, promo) : line;`,
      `  });`,
      `}`,
    ],
    focus: 4,
  },
  {
    file: "src/lib/analytics.ts",
    fn: "trackPageView",
    expr: "window.dataLayer.push",
    route: "/products",
    code: [
      `export function trackPageView(route: string, props: PageProps = {}) {`,
      `  if (!consentGiven("analytics")) return;`,
      `  window.dataLayer.push({ event: "page_view", route, ...props });`,
      `}`,
    ],
    focus: 2,
  },
  {
    file: "src/components/catalog/FilterPanel.tsx",
    fn: "FilterPanel",
    expr: "facets.entries(...).map",
    route: "/products",
    code: [
      `export function FilterPanel({ facets, onChange }: FilterPanelProps) {`,
      `  const [open, setOpen] = useState<string | null>(null);`,
      `  return (`,
      `    <aside className="filter-panel">`,
      `      {facets.entries().map(([name, values]) => (`,
      `        <FacetGroup key={name} name={name} values={values} open={open === name} onToggle={setOpen} onChange={onChange} />`,
      `      ))}`,
      `    </aside>`,
      `  );`,
      `}`,
    ],
    focus: 4,
  },
  {
    file: "src/lib/consent.ts",
    fn: "initConsentBanner",
    expr: "window.__tcfapi",
    route: "/",
    code: [
      `export function initConsentBanner(onReady: (consent: ConsentState) => void) {`,
      `  // The CMP script is loaded async; this runs on DOMContentLoaded and assumes it is there.`,
      `  window.__tcfapi("addEventListener", 2, (data: TcData) => onReady(toConsentState(data)));`,
      `}`,
    ],
    focus: 2,
  },
  {
    file: "src/features/cart/mergeGuestCart.ts",
    fn: "mergeGuestCart",
    expr: "guest.lines.forEach",
    route: "/login",
    code: [
      `export function mergeGuestCart(guest: StoredCart, account: Cart): Cart {`,
      `  const merged = new Map(account.lines.map((l) => [l.sku, l]));`,
      `  guest.lines.forEach((line) => merged.set(line.sku, addQuantities(merged.get(line.sku), line)));`,
      `  return { ...account, lines: [...merged.values()] };`,
      `}`,
    ],
    focus: 2,
  },
];

function notFunction(v: NotFunctionVariant, line: number): IssueSpec {
  return spec("javascript", {
    key: `not-function:${v.fn}`,
    kind: "error",
    title: `TypeError: ${v.expr} is not a function`,
    culprit: v.route,
    transaction: v.route,
    level: "error",
    weight: 4,
    exceptions: [
      {
        type: "TypeError",
        value: `${v.expr} is not a function`,
        module: null,
        mechanism: { type: "onerror", handled: false },
        frames: [...REACT_RENDER.slice(0, 3), jsApp(v.file, v.fn, line, 27, v.code, v.focus)],
      },
    ],
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: JS_NAV(v.route),
  });
}

const CHUNKS: Array<{ chunk: string; route: string }> = [
  { chunk: "4821", route: "/checkout/payment" },
  { chunk: "vendors-node_modules_stripe_stripe-js_dist_stripe_esm_js", route: "/checkout/payment" },
  { chunk: "account-settings", route: "/account/settings" },
  { chunk: "917", route: "/products/:slug/reviews" },
];

function chunkLoad(v: { chunk: string; route: string }): IssueSpec {
  return spec("javascript", {
    key: `chunk-load:${v.chunk}`,
    kind: "error",
    title: `ChunkLoadError: Loading chunk ${v.chunk} failed.`,
    culprit: v.route,
    transaction: v.route,
    level: "error",
    weight: 3,
    exceptions: [
      {
        type: "ChunkLoadError",
        value: `Loading chunk ${v.chunk} failed.\n(error: https://shop.acme.example/static/js/${v.chunk}.8c1f2e.chunk.js)`,
        module: null,
        mechanism: { type: "onunhandledrejection", handled: false },
        frames: [
          jsLib("webpack", "runtime/load script", "HTMLScriptElement.onScriptComplete", 1, 20),
          jsLib("webpack", "runtime/jsonp chunk loading", "__webpack_require__.f.j", 27, 13),
        ],
      },
    ],
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: [...JS_NAV(v.route), crumb("http", "resource.script", null, { url: `/static/js/${v.chunk}.8c1f2e.chunk.js`, status_code: 404 }, "error")],
    tags: { "mechanism": "onunhandledrejection" },
  });
}

interface FetchChainVariant {
  outer: string;
  fn: string;
  file: string;
  api: string;
  route: string;
  inner: "TypeError: Failed to fetch" | "TypeError: Load failed" | "TypeError: NetworkError when attempting to fetch resource.";
}

const FETCH_CHAINS: FetchChainVariant[] = [
  { outer: "Failed to load cart", fn: "loadCart", file: "src/api/cart.ts", api: "/api/cart", route: "/cart", inner: "TypeError: Failed to fetch" },
  { outer: "Could not refresh session", fn: "refreshSession", file: "src/auth/session.ts", api: "/api/auth/refresh", route: "/account", inner: "TypeError: Load failed" },
  { outer: "Inventory check failed for 3 items", fn: "checkInventory", file: "src/api/inventory.ts", api: "/api/inventory/check", route: "/checkout", inner: "TypeError: NetworkError when attempting to fetch resource." },
  { outer: "Could not save shipping address", fn: "saveAddress", file: "src/api/customer.ts", api: "/api/customer/addresses", route: "/checkout/shipping", inner: "TypeError: Failed to fetch" },
];

function fetchChain(v: FetchChainVariant): IssueSpec {
  const [innerType, innerValue] = v.inner.split(": ") as [string, string];
  const clientCode = [
    `export async function request<T>(path: string, init: RequestInit = {}): Promise<T> {`,
    `  const response = await fetch(\`\${API_BASE}\${path}\`, {`,
    `    credentials: "include",`,
    `    ...init,`,
    `    headers: { "Content-Type": "application/json", ...init.headers },`,
    `  });`,
    `  if (!response.ok) throw new ApiError(response.status, await response.text());`,
  ];
  const callerCode = [
    `export async function ${v.fn}(): Promise<void> {`,
    `  try {`,
    `    const data = await request("${v.api}");`,
    `    store.set(data);`,
    `  } catch (cause) {`,
    `    throw new Error("${v.outer}", { cause });`,
    `  }`,
    `}`,
  ];
  return spec("javascript", {
    key: `fetch-chain:${v.fn}`,
    kind: "chained",
    title: `Error: ${v.outer}`,
    culprit: v.route,
    transaction: v.route,
    level: "error",
    weight: 4,
    exceptions: [
      {
        type: innerType,
        value: innerValue,
        module: null,
        mechanism: { type: "chained", handled: true, source: "cause" },
        frames: [...PROMISE_JOB, jsApp("src/api/client.ts", "request", 18, 26, clientCode, 1)],
      },
      {
        type: "Error",
        value: v.outer,
        module: null,
        mechanism: { type: "generic", handled: true },
        frames: [...PROMISE_JOB, jsApp(v.file, v.fn, 42, 11, callerCode, 5)],
      },
    ],
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: [...JS_NAV(v.route), http("GET", v.api, 0)],
  });
}

const JSON_PARSES: Array<{ api: string; route: string; fn: string }> = [
  { api: "/api/recommendations", route: "/products/:slug", fn: "fetchRecommendations" },
  { api: "/api/promotions/active", route: "/", fn: "fetchActivePromotions" },
  { api: "/api/store-locator", route: "/stores", fn: "fetchNearbyStores" },
];

function jsonParse(v: { api: string; route: string; fn: string }): IssueSpec {
  const code = [
    `export async function ${v.fn}(params: QueryParams) {`,
    `  const response = await fetch(withQuery("${v.api}", params));`,
    `  // The gateway answers its maintenance page with 200, so ok alone proves nothing.`,
    `  const body = await response.json();`,
    `  return body.results as Array<Record<string, unknown>>;`,
    `}`,
  ];
  return spec("javascript", {
    key: `json-parse:${v.fn}`,
    kind: "error",
    title: `SyntaxError: Unexpected token '<', "<!DOCTYPE "... is not valid JSON`,
    culprit: v.route,
    transaction: v.route,
    level: "error",
    weight: 3,
    exceptions: [
      {
        type: "SyntaxError",
        value: `Unexpected token '<', "<!DOCTYPE "... is not valid JSON`,
        module: null,
        mechanism: { type: "onunhandledrejection", handled: false },
        frames: [...PROMISE_JOB, jsApp("src/api/content.ts", v.fn, 57, 35, code, 3)],
      },
    ],
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: [...JS_NAV(v.route), http("GET", v.api, 200)],
  });
}

const HYDRATION_PAGES = ["/", "/products/[slug]", "/cart", "/blog/[slug]"];

function hydration(page: string): IssueSpec {
  return spec("javascript", {
    key: `hydration:${page}`,
    kind: "error",
    title: "Error: Hydration failed because the initial UI does not match what was rendered on the server.",
    culprit: page,
    transaction: page,
    level: "error",
    weight: 2,
    exceptions: [
      {
        type: "Error",
        value: "Hydration failed because the initial UI does not match what was rendered on the server.",
        module: null,
        mechanism: { type: "onerror", handled: false },
        frames: [
          jsLib("next", "dist/compiled/react-dom/cjs/react-dom.production.min.js", "throwOnHydrationMismatch", 9, 21431),
          jsLib("next", "dist/compiled/react-dom/cjs/react-dom.production.min.js", "tryToClaimNextHydratableInstance", 9, 21612),
        ],
      },
    ],
    request: { method: null, path: page, query: [], data: null },
    tags: { "hydration": "true" },
    platforms: ["javascript-nextjs"],
  });
}

const CSP_BLOCKS: Array<{ kind: string; host: string; directive: string; page: string }> = [
  { kind: "script", host: "cdn.tracking-pixel.example", directive: "script-src-elem", page: "/checkout" },
  { kind: "script", host: "widgets.chat-helper.example", directive: "script-src-elem", page: "/" },
  { kind: "image", host: "img.ad-network.example", directive: "img-src", page: "/products" },
  { kind: "style", host: "fonts.font-cdn.example", directive: "style-src-elem", page: "/" },
  { kind: "connect", host: "collector.session-replay.example", directive: "connect-src", page: "/account" },
];

const CSP_POLICY =
  "default-src 'self'; script-src 'self' 'nonce-r4nd0m' https://js.stripe.example; img-src 'self' data: https://images.acme.example; " +
  "style-src 'self' 'unsafe-inline'; connect-src 'self' https://api.acme.example https://o1.ingest.sentry.example; report-uri /api/csp-report";

function cspReport(v: { kind: string; host: string; directive: string; page: string }): IssueSpec {
  const base = v.directive.replace(/-(elem|attr)$/, "");
  const violated = CSP_POLICY.split("; ").find((d) => d.startsWith(`${base} `)) ?? `default-src 'self'`;
  return spec("javascript", {
    key: `csp:${v.host}`,
    kind: "csp",
    title: `Blocked '${v.kind}' from '${v.host}'`,
    culprit: violated,
    transaction: v.page,
    level: "error",
    logger: "csp",
    weight: 2,
    csp: {
      blockedUri: `https://${v.host}/${v.kind === "image" ? "p.gif" : v.kind === "style" ? "css2?family=Inter" : "v2/loader.js"}`,
      documentPath: v.page,
      effectiveDirective: v.directive,
      violatedDirective: violated,
      originalPolicy: CSP_POLICY,
      sourceFile: v.kind === "script" || v.kind === "connect" ? "https://shop.acme.example/static/js/main.3f9c1a.js" : null,
      lineNumber: v.kind === "script" || v.kind === "connect" ? 2 : null,
    },
    hasUser: false,
  });
}

const JS_MESSAGES: Array<{ text: string; level: Level; route: string; logger: string }> = [
  { text: "Payment provider fallback used: primary card form failed to mount", level: "warning", route: "/checkout/payment", logger: "checkout" },
  { text: "Feature flag service unavailable, using cached defaults", level: "warning", route: "/", logger: "flags" },
  { text: "Cart total mismatch between client and server (client 84.97, server 89.97)", level: "error", route: "/checkout", logger: "checkout" },
  { text: "Service worker update failed; serving stale assets", level: "info", route: "/", logger: "sw" },
];

function jsMessage(v: { text: string; level: Level; route: string; logger: string }): IssueSpec {
  return spec("javascript", {
    key: `message:${v.logger}:${v.text.slice(0, 24)}`,
    kind: "message",
    title: v.text,
    culprit: v.route,
    transaction: v.route,
    level: v.level,
    logger: v.logger,
    message: v.text,
    weight: 2,
    request: { method: null, path: v.route, query: [], data: null },
    crumbs: JS_NAV(v.route),
  });
}

const JS_PERF: PerfSpec[] = [
  {
    typeId: 1010,
    issueType: "performance_n_plus_one_api_calls",
    title: "N+1 API Call",
    op: "http.client",
    parentOp: "pageload",
    parentDescription: "/products",
    offenderDescription: "GET https://api.acme.example/api/products/*/availability",
    repeat: 24,
    offenderMs: 85,
    transactionMs: 3100,
  },
  {
    typeId: 1004,
    issueType: "performance_render_blocking_asset_span",
    title: "Large Render Blocking Asset",
    op: "resource.link",
    parentOp: "pageload",
    parentDescription: "/",
    offenderDescription: "https://shop.acme.example/static/css/main.a81f33.css",
    repeat: 1,
    offenderMs: 1450,
    transactionMs: 2600,
  },
];

function jsPerf(p: PerfSpec): IssueSpec {
  return spec("javascript", {
    key: `perf:${p.issueType}`,
    kind: "performance",
    title: p.title,
    culprit: p.parentDescription,
    transaction: p.parentDescription,
    level: "info",
    perf: p,
    weight: 2,
    request: { method: null, path: p.parentDescription, query: [], data: null },
  });
}

function javascriptSpecs(): IssueSpec[] {
  const specs: IssueSpec[] = [];
  UNDEFINED_READS.forEach((v, i) => specs.push(undefinedRead(v, 38 + i * 7)));
  NOT_FUNCTIONS.forEach((v, i) => specs.push(notFunction(v, 21 + i * 11)));
  CHUNKS.forEach((v) => specs.push(chunkLoad(v)));
  FETCH_CHAINS.forEach((v) => specs.push(fetchChain(v)));
  JSON_PARSES.forEach((v) => specs.push(jsonParse(v)));
  HYDRATION_PAGES.forEach((p) => specs.push(hydration(p)));
  CSP_BLOCKS.forEach((v) => specs.push(cspReport(v)));
  JS_MESSAGES.forEach((v) => specs.push(jsMessage(v)));
  JS_PERF.forEach((p) => specs.push(jsPerf(p)));

  const handlerCode = (fn: string, body: string): string[] => [
    `  const ${fn} = useCallback(async (event: React.FormEvent) => {`,
    `    event.preventDefault();`,
    `    setSubmitting(true);`,
    body,
    `    setSubmitting(false);`,
    `  }, [form]);`,
  ];
  const handlers: Array<{ component: string; fn: string; type: string; value: string; body: string; route: string }> = [
    { component: "CheckoutForm", fn: "handleSubmit", type: "RangeError", value: "Invalid time value", body: "    await placeOrder({ ...form, deliveryDate: new Date(form.deliveryDate).toISOString() });", route: "/checkout" },
    { component: "CouponField", fn: "applyCoupon", type: "TypeError", value: "Cannot read properties of null (reading 'code')", body: "    await redeem(coupon.code.trim().toUpperCase());", route: "/cart" },
    { component: "QuantityStepper", fn: "changeQuantity", type: "RangeError", value: "Maximum call stack size exceeded", body: "    onChange(clamp(quantity + delta, 1, maxQuantity));", route: "/cart" },
    { component: "NewsletterSignup", fn: "subscribe", type: "SecurityError", value: "Failed to read the 'localStorage' property from 'Window': Access is denied for this document.", body: "    localStorage.setItem(\"newsletter\", JSON.stringify({ email: form.email, at: Date.now() }));", route: "/" },
    { component: "ReturnRequestForm", fn: "submitReturn", type: "Error", value: "Return window has expired for order ORD-2024-118732", body: "    await createReturn(assertReturnable(order), form.reason);", route: "/account/orders/:id/return" },
    { component: "AddressAutocomplete", fn: "selectSuggestion", type: "TypeError", value: "place.geometry is undefined", body: "    setForm({ ...form, lat: place.geometry.location.lat(), lng: place.geometry.location.lng() });", route: "/checkout/shipping" },
    { component: "PaymentMethodPicker", fn: "selectMethod", type: "Error", value: "Stripe.js has not loaded yet.", body: "    await elements.submit();", route: "/checkout/payment" },
    { component: "ProductReviewForm", fn: "submitReview", type: "TypeError", value: "Cannot read properties of undefined (reading 'rating')", body: "    await postReview(product.slug, { stars: form.ratings.overall.rating, text: form.text });", route: "/products/:slug/reviews" },
  ];
  handlers.forEach((h, i) => {
    specs.push(
      spec("javascript", {
        key: `handler:${h.component}`,
        kind: "error",
        title: `${h.type}: ${h.value}`,
        culprit: h.route,
        transaction: h.route,
        level: "error",
        weight: 3,
        exceptions: [
          {
            type: h.type,
            value: h.value,
            module: null,
            mechanism: { type: "instrument", handled: false, meta: { handler: h.fn } },
            frames: [...REACT_EVENT, jsApp(`src/components/forms/${h.component}.tsx`, `${h.component}.${h.fn}`, 64 + i * 9, 15, handlerCode(h.fn, h.body), 3)],
          },
        ],
        request: { method: null, path: h.route, query: [], data: null },
        crumbs: [...JS_NAV(h.route), crumb("default", "ui.click", `form.${kebab(h.component)} > button[type="submit"]`)],
      }),
    );
  });
  return specs;
}

// ---------------------------------------------------------------------------------------------------------
// Python (Django API, Celery workers)
// ---------------------------------------------------------------------------------------------------------

const SITE = "/usr/local/lib/python3.12/site-packages";

function pyApp(module: string, fn: string, line: number, code: readonly string[], focus: number, vars: Record<string, unknown>): FrameSpec {
  const file = `${module.replaceAll(".", "/")}.py`;
  return { ...NO_FRAME, function: fn, module, filename: file, absPath: `/app/${file}`, lineNo: line, inApp: true, code, focus, vars };
}

function pyLib(module: string, fn: string, line: number, code: readonly string[] | null = null, focus = 0): FrameSpec {
  const file = `${module.replaceAll(".", "/")}.py`;
  return { ...NO_FRAME, function: fn, module, filename: file, absPath: `${SITE}/${file}`, lineNo: line, code, focus, vars: null };
}

const DJANGO_REQUEST: FrameSpec[] = [
  pyLib("django.core.handlers.exception", "inner", 55, ["        try:", "            response = get_response(request)", "        except Exception as exc:"], 1),
  pyLib("django.core.handlers.base", "_get_response", 197, ["            try:", "                response = wrapped_callback(request, *callback_args, **callback_kwargs)", "            except Exception as e:"], 1),
  pyLib("django.views.decorators.csrf", "_view_wrapper", 65),
  pyLib("rest_framework.views", "dispatch", 509, ["            response = handler(request, *args, **kwargs)"], 0),
];

const CELERY_TASK: FrameSpec[] = [
  pyLib("celery.app.trace", "trace_task", 453, ["                    R = retval = fun(*args, **kwargs)"], 0),
  pyLib("celery.app.trace", "__protected_call__", 736, ["                return self.run(*args, **kwargs)"], 0),
];

const DJANGO_DB: FrameSpec[] = [
  pyLib("django.db.models.query", "__iter__", 400),
  pyLib("django.db.models.sql.compiler", "execute_sql", 1574, ["            cursor.execute(sql, params)"], 0),
  pyLib("django.db.backends.utils", "execute", 122),
  pyLib("django.db.backends.utils", "_execute", 105, ["                return self.cursor.execute(sql, params)"], 0),
];

interface DjangoViewVariant {
  app: string;
  view: string;
  route: string;
  method: string;
}

const DJANGO_VIEWS: DjangoViewVariant[] = [
  { app: "orders", view: "OrderDetailView", route: "/api/orders/{order_id}/", method: "GET" },
  { app: "orders", view: "CheckoutView", route: "/api/checkout/", method: "POST" },
  { app: "catalog", view: "ProductSearchView", route: "/api/products/search/", method: "GET" },
  { app: "accounts", view: "ProfileView", route: "/api/accounts/me/", method: "GET" },
  { app: "inventory", view: "StockLevelView", route: "/api/inventory/{sku}/", method: "GET" },
  { app: "shipping", view: "QuoteView", route: "/api/shipping/quote/", method: "POST" },
  { app: "accounts", view: "AddressListView", route: "/api/accounts/me/addresses/", method: "GET" },
  { app: "promotions", view: "RedeemCouponView", route: "/api/promotions/redeem/", method: "POST" },
];

function djangoPath(route: string): string {
  return route.replace("{order_id}", "48213").replace("{sku}", "SKU-10442");
}

function viewFrame(v: DjangoViewVariant, line: number, code: readonly string[], focus: number, vars: Record<string, unknown>): FrameSpec {
  const fn = v.method === "GET" ? "get" : "post";
  return pyApp(`${v.app}.views`, fn, line, code, focus, { self: `<${v.app}.views.${v.view} object at 0x7f3c2a1b9e50>`, request: `<rest_framework.request.Request: ${v.method} '${djangoPath(v.route)}'>`, ...vars });
}

/** Specs tied to a Django request; the Celery worker project gets none of them. */
const DJANGO_ONLY = ["python-django"];

function pyRequest(v: DjangoViewVariant): RequestSpec {
  return {
    method: v.method,
    path: djangoPath(v.route),
    query: v.method === "GET" ? [["include", "lines"]] : [],
    data: v.method === "POST" ? { cart_id: "c_7Yd2kq", coupon: "SPRING24", card_number: "[Filtered]" } : null,
  };
}

function pyTransaction(v: DjangoViewVariant): string {
  return v.route;
}

function attributeNone(v: DjangoViewVariant, i: number): IssueSpec {
  const attrs = ["email", "default_address", "currency", "price", "warehouse", "carrier", "postal_code", "discount"];
  const attr = attrs[i % attrs.length]!;
  const code = [
    `    def ${v.method === "GET" ? "get" : "post"}(self, request, *args, **kwargs):`,
    `        obj = self.get_object()`,
    `        related = obj.${attr === "email" ? "customer" : "primary"}`,
    `        payload = self.serializer_class(obj, context={"request": request}).data`,
    `        payload["${attr}"] = related.${attr}`,
    `        return Response(payload)`,
  ];
  return spec("python", {
    key: `attribute-none:${v.view}`,
    kind: "error",
    title: `AttributeError: 'NoneType' object has no attribute '${attr}'`,
    culprit: pyTransaction(v),
    transaction: pyTransaction(v),
    level: "error",
    logger: null,
    weight: 5,
    exceptions: [
      {
        type: "AttributeError",
        value: `'NoneType' object has no attribute '${attr}'`,
        module: "builtins",
        mechanism: { type: "django", handled: false },
        frames: [...DJANGO_REQUEST, viewFrame(v, 41 + i * 6, code, 4, { related: "None", payload: `{'id': 48213, 'status': 'paid'}` })],
      },
    ],
    request: pyRequest(v),
  });
}

function keyError(v: DjangoViewVariant, i: number): IssueSpec {
  const keys = ["shipping_address", "variant_id", "locale", "sku", "warehouse_id", "service_level", "address_id", "coupon_code"];
  const key = keys[i % keys.length]!;
  const serializerCode = [
    `    def validate(self, attrs):`,
    `        data = super().validate(attrs)`,
    `        context = self.context["request"].data`,
    `        data["${key}"] = context["${key}"]`,
    `        return data`,
  ];
  return spec("python", {
    key: `key-error:${v.view}`,
    kind: "error",
    title: `KeyError: '${key}'`,
    culprit: pyTransaction(v),
    transaction: pyTransaction(v),
    level: "error",
    weight: 4,
    exceptions: [
      {
        type: "KeyError",
        value: `'${key}'`,
        module: "builtins",
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          viewFrame(v, 58, [`        serializer = self.get_serializer(data=request.data)`, `        serializer.is_valid(raise_exception=True)`, `        return Response(serializer.save())`], 1, {}),
          pyLib("rest_framework.serializers", "is_valid", 223),
          pyLib("rest_framework.serializers", "run_validation", 445),
          pyApp(`${v.app}.serializers`, "validate", 77 + i, serializerCode, 3, { attrs: "OrderedDict([('quantity', 2)])" }),
        ],
      },
    ],
    request: pyRequest(v),
  });
}

function programmingError(v: DjangoViewVariant, i: number): IssueSpec {
  const columns = ["users_user.role", "orders_order.fulfilment_state", "catalog_product.search_vector", "inventory_stock.reserved_qty"];
  const column = columns[i % columns.length]!;
  const sql = `SELECT "${column.split(".")[0]}"."id", "${column.replace(".", '"."')}" FROM "${column.split(".")[0]}" WHERE "${column.split(".")[0]}"."id" = %s LIMIT 21`;
  const inner = `column ${column} does not exist\nLINE 1: SELECT "${column.split(".")[0]}"."id", "${column.replace(".", '"."')}"...`;
  return spec("python", {
    key: `programming-error:${column}`,
    kind: "chained",
    title: `ProgrammingError: column ${column} does not exist`,
    culprit: pyTransaction(v),
    transaction: pyTransaction(v),
    level: "error",
    weight: 2,
    exceptions: [
      {
        type: "UndefinedColumn",
        value: inner,
        module: "psycopg.errors",
        mechanism: { type: "chained", handled: false, source: "__cause__" },
        frames: [pyLib("django.db.backends.utils", "_execute", 105, ["                return self.cursor.execute(sql, params)"], 0), pyLib("psycopg.cursor", "execute", 732)],
      },
      {
        type: "ProgrammingError",
        value: inner,
        module: "django.db.utils",
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          viewFrame(v, 33, [`        instance = self.get_object()`, `        return Response(self.get_serializer(instance).data)`], 0, {}),
          pyLib("rest_framework.generics", "get_object", 98),
          ...DJANGO_DB,
        ],
      },
    ],
    request: pyRequest(v),
    crumbs: [query(sql)],
  });
}

const UNIQUE_VIOLATIONS: Array<{ constraint: string; key: string; value: string; app: string; fn: string; line: number }> = [
  { constraint: "orders_order_reference_key", key: "reference", value: "ORD-2024-118734", app: "orders", fn: "create_order", line: 88 },
  { constraint: "accounts_user_email_key", key: "email", value: "m.jensen@example.net", app: "accounts", fn: "register_customer", line: 41 },
  { constraint: "promotions_redemption_coupon_id_order_id_uniq", key: "coupon_id, order_id", value: "118, 48213", app: "promotions", fn: "redeem_coupon", line: 63 },
];

function integrityChain(v: (typeof UNIQUE_VIOLATIONS)[number]): IssueSpec {
  const detail = `duplicate key value violates unique constraint "${v.constraint}"\nDETAIL:  Key (${v.key})=(${v.value}) already exists.`;
  const code = [
    `@transaction.atomic`,
    `def ${v.fn}(*, customer, payload):`,
    `    record = build_${v.app === "orders" ? "order" : v.app === "accounts" ? "user" : "redemption"}(customer, payload)`,
    `    record.full_clean(exclude=["${v.key.split(",")[0]}"])`,
    `    record.save(force_insert=True)`,
    `    emit_event("${v.app}.created", record.pk)`,
    `    return record`,
  ];
  const view = DJANGO_VIEWS.find((d) => d.app === v.app) ?? DJANGO_VIEWS[1]!;
  return spec("python", {
    key: `integrity:${v.constraint}`,
    kind: "chained",
    title: `IntegrityError: duplicate key value violates unique constraint "${v.constraint}"`,
    culprit: pyTransaction(view),
    transaction: pyTransaction(view),
    level: "error",
    weight: 3,
    exceptions: [
      {
        type: "UniqueViolation",
        value: detail,
        module: "psycopg.errors",
        mechanism: { type: "chained", handled: false, source: "__cause__" },
        frames: [pyLib("psycopg.cursor", "execute", 732)],
      },
      {
        type: "IntegrityError",
        value: detail,
        module: "django.db.utils",
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          pyApp(`${v.app}.services`, v.fn, v.line, code, 4, { customer: "<Customer: 77812>", record: `<${pascal(v.app)}: unsaved>` }),
          pyLib("django.db.models.base", "save", 822),
          pyLib("django.db.models.base", "_do_insert", 1105),
          pyLib("django.db.backends.utils", "_execute", 105, ["                return self.cursor.execute(sql, params)"], 0),
        ],
      },
    ],
    request: pyRequest(view),
  });
}

function operationalError(): IssueSpec[] {
  const messages = [
    `connection to server at "10.0.3.12", port 5432 failed: FATAL:  remaining connection slots are reserved for non-replication superuser connections`,
    `connection to server at "db-primary.internal", port 5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?`,
    `canceling statement due to statement timeout`,
  ];
  return messages.map((m, i) =>
    spec("python", {
      key: `operational:${i}`,
      kind: "error",
      title: `OperationalError: ${m.split("\n")[0]}`,
      culprit: pyTransaction(DJANGO_VIEWS[i]!),
      transaction: pyTransaction(DJANGO_VIEWS[i]!),
      level: "error",
      weight: 3,
      exceptions: [
        {
          type: "OperationalError",
          value: m,
          module: "django.db.utils",
          mechanism: { type: "django", handled: false },
          frames: [...DJANGO_REQUEST, viewFrame(DJANGO_VIEWS[i]!, 29, [`        queryset = self.filter_queryset(self.get_queryset())`, `        page = self.paginate_queryset(queryset)`], 1, {}), ...DJANGO_DB],
        },
      ],
      request: pyRequest(DJANGO_VIEWS[i]!),
      tags: { "database": "primary" },
    }),
  );
}

const PARTNER_TIMEOUTS: Array<{ host: string; path: string; app: string; fn: string; view: number }> = [
  { host: "api.shipping-partner.example", path: "/v2/rates", app: "shipping", fn: "fetch_rates", view: 5 },
  { host: "tax.taxcalc.example", path: "/v1/quotes", app: "orders", fn: "calculate_tax", view: 1 },
  { host: "search.internal.acme.example", path: "/products/_search", app: "catalog", fn: "search_products", view: 2 },
];

function partnerTimeout(v: (typeof PARTNER_TIMEOUTS)[number]): IssueSpec {
  const view = DJANGO_VIEWS[v.view]!;
  const code = [
    `def ${v.fn}(payload, *, timeout=PARTNER_TIMEOUT_SECONDS):`,
    `    session = partner_session("${v.host}")`,
    `    response = session.post(f"https://${v.host}${v.path}", json=payload, timeout=timeout)`,
    `    response.raise_for_status()`,
    `    return response.json()`,
  ];
  const inner = `HTTPSConnectionPool(host='${v.host}', port=443): Read timed out. (read timeout=10)`;
  return spec("python", {
    key: `timeout:${v.host}`,
    kind: "chained",
    title: `ReadTimeout: ${inner}`,
    culprit: pyTransaction(view),
    transaction: pyTransaction(view),
    level: "error",
    weight: 3,
    exceptions: [
      {
        type: "ReadTimeoutError",
        value: inner,
        module: "urllib3.exceptions",
        mechanism: { type: "chained", handled: false, source: "__context__" },
        frames: [pyLib("urllib3.connectionpool", "_make_request", 538), pyLib("urllib3.connectionpool", "_raise_timeout", 369)],
      },
      {
        type: "ReadTimeout",
        value: inner,
        module: "requests.exceptions",
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          pyApp(`${v.app}.clients`, v.fn, 24, code, 2, { payload: "{'items': 3, 'postcode': 'EC1A 1BB'}", timeout: 10 }),
          pyLib("requests.sessions", "post", 637),
          pyLib("requests.adapters", "send", 713),
        ],
      },
    ],
    request: pyRequest(view),
    crumbs: [crumb("http", "httplib", null, { method: "POST", url: `https://${v.host}${v.path}`, reason: "Read timed out" }, "error")],
  });
}

const CELERY_TASKS: Array<{ task: string; type: string; value: string; fn: string; code: string[]; focus: number }> = [
  {
    task: "billing.tasks.generate_invoices",
    type: "SoftTimeLimitExceeded",
    value: "SoftTimeLimitExceeded()",
    fn: "generate_invoices",
    code: [
      `@shared_task(soft_time_limit=300, time_limit=330)`,
      `def generate_invoices(period_id):`,
      `    period = BillingPeriod.objects.get(pk=period_id)`,
      `    for account in period.accounts.iterator(chunk_size=200):`,
      `        render_invoice_pdf(account, period)`,
    ],
    focus: 4,
  },
  {
    task: "billing.tasks.charge_overdue_accounts",
    type: "ZeroDivisionError",
    value: "division by zero",
    fn: "prorate",
    code: [
      `def prorate(amount, used_days, period_days):`,
      `    """Charge only for the days of the period the plan was active."""`,
      `    return (amount * used_days / period_days).quantize(CENT)`,
    ],
    focus: 2,
  },
  {
    task: "billing.tasks.sync_exchange_rates",
    type: "JSONDecodeError",
    value: "Expecting value: line 1 column 1 (char 0)",
    fn: "sync_exchange_rates",
    code: [
      `@shared_task(autoretry_for=(ConnectionError,), retry_backoff=True)`,
      `def sync_exchange_rates():`,
      `    response = requests.get(RATES_URL, timeout=15)`,
      `    rates = response.json()["rates"]`,
      `    ExchangeRate.objects.bulk_update_from(rates)`,
    ],
    focus: 3,
  },
  {
    task: "billing.tasks.send_dunning_emails",
    type: "SMTPServerDisconnected",
    value: "Connection unexpectedly closed",
    fn: "send_dunning_emails",
    code: [
      `@shared_task(rate_limit="30/m")`,
      `def send_dunning_emails(batch_id):`,
      `    with get_connection() as connection:`,
      `        for message in build_dunning_batch(batch_id):`,
      `            message.send(connection=connection)`,
    ],
    focus: 4,
  },
  {
    task: "orders.tasks.export_orders_csv",
    type: "MemoryError",
    value: "",
    fn: "export_orders_csv",
    code: [
      `@shared_task`,
      `def export_orders_csv(export_id):`,
      `    export = OrderExport.objects.get(pk=export_id)`,
      `    rows = list(export.queryset().values_list(*EXPORT_COLUMNS))`,
      `    upload_csv(export, rows)`,
    ],
    focus: 3,
  },
];

function celeryTask(v: (typeof CELERY_TASKS)[number]): IssueSpec {
  const module = v.task.split(".").slice(0, -1).join(".");
  return spec("python", {
    key: `celery:${v.task}`,
    kind: "error",
    title: v.value ? `${v.type}: ${v.value}` : v.type,
    culprit: v.task,
    transaction: v.task,
    level: "error",
    hasUser: false,
    weight: 3,
    exceptions: [
      {
        type: v.type,
        value: v.value,
        module: v.type === "SoftTimeLimitExceeded" ? "billiard.exceptions" : v.type === "JSONDecodeError" ? "requests.exceptions" : v.type === "SMTPServerDisconnected" ? "smtplib" : "builtins",
        mechanism: { type: "celery", handled: false },
        frames: [...CELERY_TASK, pyApp(module, v.fn, 57, v.code, v.focus, { period_id: 2024_11, batch_id: "b-20241104" })],
      },
    ],
    tags: { "celery_task_id": "9f1c2a4e-3b7d-4c1e-8a2f-6d5e4c3b2a10", "celery.queue": "billing" },
  });
}

const PY_MESSAGES: Array<{ text: string; level: Level; logger: string; transaction: string }> = [
  { text: "Invalid HTTP_HOST header: '203.0.113.7'. You may need to add '203.0.113.7' to ALLOWED_HOSTS.", level: "error", logger: "django.security.DisallowedHost", transaction: "/" },
  { text: "Payment webhook signature mismatch for event evt_1Q2w3E4r5T6y", level: "warning", logger: "payments.webhooks", transaction: "/api/webhooks/payments/" },
  { text: "Slow response from inventory service: 4.2s for 18 SKUs", level: "warning", logger: "inventory.client", transaction: "/api/inventory/{sku}/" },
  { text: "Order 48213 stuck in 'awaiting_capture' for more than 24 hours", level: "error", logger: "orders.reconciliation", transaction: "orders.tasks.reconcile_payments" },
  { text: "Falling back to default tax rate for region 'GB-NIR'", level: "info", logger: "orders.tax", transaction: "/api/checkout/" },
];

function pyMessage(v: (typeof PY_MESSAGES)[number]): IssueSpec {
  return spec("python", {
    key: `message:${v.logger}`,
    kind: "message",
    title: v.text,
    culprit: v.transaction,
    transaction: v.transaction,
    level: v.level,
    logger: v.logger,
    message: v.text,
    weight: 2,
    request: v.transaction.startsWith("/") ? { method: "POST", path: v.transaction.replace("{sku}", "SKU-10442"), query: [], data: null } : null,
    hasUser: v.transaction.startsWith("/"),
  });
}

const PY_PERF: PerfSpec[] = [
  {
    typeId: 1006,
    issueType: "performance_n_plus_one_db_queries",
    title: "N+1 Query",
    op: "db",
    parentOp: "http.server",
    // The same endpoint and statement as the N+1 pattern in the seeded spans (seed/spans.ts), so an
    // agent can follow this issue into transaction-summary and slow-queries.
    parentDescription: "GET /api/orders",
    offenderDescription: `SELECT "order_items"."id", "order_items"."product_id", "order_items"."quantity", "order_items"."price_cents" FROM "order_items" WHERE "order_items"."order_id" = %s`,
    repeat: 25,
    offenderMs: 4,
    transactionMs: 640,
  },
  {
    typeId: 1006,
    issueType: "performance_n_plus_one_db_queries",
    title: "N+1 Query",
    op: "db",
    parentOp: "http.server",
    parentDescription: "/api/accounts/me/addresses/",
    offenderDescription: `SELECT "accounts_country"."code", "accounts_country"."name" FROM "accounts_country" WHERE "accounts_country"."id" = %s LIMIT 21`,
    repeat: 12,
    offenderMs: 3,
    transactionMs: 210,
  },
  {
    typeId: 1001,
    issueType: "performance_slow_db_query",
    title: "Slow DB Query",
    op: "db",
    parentOp: "http.server",
    parentDescription: "/api/products/search/",
    offenderDescription: `SELECT "catalog_product"."id", "catalog_product"."name" FROM "catalog_product" WHERE UPPER("catalog_product"."name"::text) LIKE UPPER(%s) ORDER BY "catalog_product"."popularity" DESC LIMIT 50`,
    repeat: 1,
    offenderMs: 2350,
    transactionMs: 2610,
  },
  {
    typeId: 1007,
    issueType: "performance_consecutive_db_queries",
    title: "Consecutive DB Queries",
    op: "db",
    parentOp: "http.server",
    parentDescription: "/api/checkout/",
    offenderDescription: `SELECT "inventory_stock"."quantity" FROM "inventory_stock" WHERE "inventory_stock"."sku" = %s`,
    repeat: 3,
    offenderMs: 120,
    transactionMs: 890,
  },
];

function pyPerf(p: PerfSpec, i: number): IssueSpec {
  return spec("python", {
    key: `perf:${p.issueType}:${i}`,
    kind: "performance",
    title: p.title,
    culprit: p.parentDescription,
    transaction: p.parentDescription,
    level: "info",
    perf: p,
    weight: 2,
    request: { method: "GET", path: p.parentDescription, query: [], data: null },
  });
}

function doesNotExist(v: DjangoViewVariant, i: number): IssueSpec {
  const models = ["Order", "Customer", "Product", "Coupon"];
  const model = models[i % models.length]!;
  return spec("python", {
    key: `does-not-exist:${model}`,
    kind: "error",
    title: `DoesNotExist: ${model} matching query does not exist.`,
    culprit: pyTransaction(v),
    transaction: pyTransaction(v),
    level: "error",
    weight: 3,
    exceptions: [
      {
        type: "DoesNotExist",
        value: `${model} matching query does not exist.`,
        module: `${v.app}.models`,
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          viewFrame(
            v,
            47,
            [
              `        ${camel(model)}_id = kwargs.get("pk") or request.query_params["${camel(model)}"]`,
              `        ${camel(model)} = ${model}.objects.select_related("owner").get(pk=${camel(model)}_id)`,
              `        self.check_object_permissions(request, ${camel(model)})`,
            ],
            1,
            { [`${camel(model)}_id`]: "'48213'" },
          ),
          pyLib("django.db.models.manager", "manager_method", 87),
          pyLib("django.db.models.query", "get", 649),
        ],
      },
    ],
    request: pyRequest(v),
  });
}

function valueError(v: DjangoViewVariant, i: number): IssueSpec {
  const bad = ["'abc'", "'12.5'", "''", "'null'"][i % 4]!;
  return spec("python", {
    key: `value-error:${v.view}`,
    kind: "error",
    title: `ValueError: invalid literal for int() with base 10: ${bad}`,
    culprit: pyTransaction(v),
    transaction: pyTransaction(v),
    level: "error",
    weight: 2,
    exceptions: [
      {
        type: "ValueError",
        value: `invalid literal for int() with base 10: ${bad}`,
        module: "builtins",
        mechanism: { type: "django", handled: false },
        frames: [
          ...DJANGO_REQUEST,
          viewFrame(v, 22, [`        page_size = int(request.query_params.get("page_size", DEFAULT_PAGE_SIZE))`, `        page_size = min(page_size, MAX_PAGE_SIZE)`], 0, { page_size: bad }),
        ],
      },
    ],
    request: { ...pyRequest(v), query: [["page_size", bad.replaceAll("'", "")]] },
  });
}

function pythonSpecs(): IssueSpec[] {
  const specs: IssueSpec[] = [];
  DJANGO_VIEWS.forEach((v, i) => specs.push(attributeNone(v, i)));
  DJANGO_VIEWS.forEach((v, i) => specs.push(keyError(v, i)));
  DJANGO_VIEWS.slice(0, 4).forEach((v, i) => specs.push(programmingError(v, i)));
  UNIQUE_VIOLATIONS.forEach((v) => specs.push(integrityChain(v)));
  specs.push(...operationalError());
  PARTNER_TIMEOUTS.forEach((v) => specs.push(partnerTimeout(v)));
  CELERY_TASKS.forEach((v) => specs.push(celeryTask(v)));
  PY_MESSAGES.forEach((v) => specs.push(pyMessage(v)));
  PY_PERF.forEach((p, i) => specs.push(pyPerf(p, i)));
  DJANGO_VIEWS.slice(0, 4).forEach((v, i) => specs.push(doesNotExist(v, i)));
  DJANGO_VIEWS.slice(2, 6).forEach((v, i) => specs.push(valueError(v, i)));
  for (const s of specs) if (s.request !== null) s.platforms = DJANGO_ONLY;
  return specs;
}

// ---------------------------------------------------------------------------------------------------------
// Node.js (Express payments service)
// ---------------------------------------------------------------------------------------------------------

function nodeApp(file: string, fn: string, line: number, col: number, code: readonly string[], focus: number): FrameSpec {
  return {
    ...NO_FRAME,
    function: fn,
    module: file.replace(/^src\//, "").replace(/\.ts$/, "").replaceAll("/", ":"),
    filename: `/app/${file}`,
    absPath: `/app/${file}`,
    lineNo: line,
    colNo: col,
    inApp: true,
    code,
    focus,
  };
}

function nodeLib(pkg: string, file: string, fn: string, line: number, col: number): FrameSpec {
  const internal = pkg === "node:internal";
  return {
    ...NO_FRAME,
    function: fn,
    module: internal ? file.replace(/\.js$/, "") : `${pkg}.${file.replace(/\.js$/, "").replaceAll("/", ":")}`,
    filename: internal ? `node:internal/${file}` : `/app/node_modules/${pkg}/${file}`,
    absPath: internal ? `node:internal/${file}` : `/app/node_modules/${pkg}/${file}`,
    lineNo: line,
    colNo: col,
  };
}

const EXPRESS: FrameSpec[] = [
  nodeLib("express", "lib/router/index.js", "next", 280, 10),
  nodeLib("express", "lib/router/layer.js", "Layer.handle [as handle_request]", 95, 5),
];
const TICKS: FrameSpec[] = [nodeLib("node:internal", "process/task_queues.js", "process.processTicksAndRejections", 95, 5)];

const NODE_ROUTES: Array<{ method: string; route: string; handler: string; file: string }> = [
  { method: "POST", route: "/v1/payments/charge", handler: "chargeHandler", file: "src/routes/charges.ts" },
  { method: "POST", route: "/v1/payments/:id/refund", handler: "refundHandler", file: "src/routes/refunds.ts" },
  { method: "POST", route: "/v1/webhooks/psp", handler: "pspWebhook", file: "src/routes/webhooks.ts" },
  { method: "GET", route: "/v1/payments/:id", handler: "getPayment", file: "src/routes/payments.ts" },
  { method: "POST", route: "/v1/payouts", handler: "createPayout", file: "src/routes/payouts.ts" },
  { method: "POST", route: "/v1/payment-methods", handler: "attachPaymentMethod", file: "src/routes/methods.ts" },
];

const nodeTx = (r: (typeof NODE_ROUTES)[number]): string => `${r.method} ${r.route}`;
const nodeRequest = (r: (typeof NODE_ROUTES)[number]): RequestSpec => ({
  method: r.method,
  path: r.route.replace(":id", "pay_8KzQ2mX4vN"),
  query: [],
  data: r.method === "POST" ? { amount: 8997, currency: "EUR", payment_method: "pm_card_[Filtered]", idempotency_key: "ik_4c2d9e" } : null,
});

const PROVIDER_TIMEOUTS: Array<{ provider: string; ms: number; route: number }> = [
  { provider: "acquirer-eu", ms: 30000, route: 0 },
  { provider: "acquirer-us", ms: 30000, route: 0 },
  { provider: "fraud-screening", ms: 5000, route: 0 },
  { provider: "acquirer-eu", ms: 30000, route: 1 },
  { provider: "payout-bank-gateway", ms: 45000, route: 4 },
  { provider: "3ds-directory", ms: 10000, route: 5 },
  { provider: "acquirer-uk", ms: 30000, route: 0 },
];

function providerTimeout(v: (typeof PROVIDER_TIMEOUTS)[number], i: number): IssueSpec {
  const r = NODE_ROUTES[v.route]!;
  const clientCode = [
    `  async post<T>(path: string, body: unknown): Promise<T> {`,
    `    const controller = new AbortController();`,
    `    const timer = setTimeout(() => controller.abort(), this.timeoutMs);`,
    `    try {`,
    `      return await this.http.post<T>(path, body, { signal: controller.signal });`,
    `    } catch (cause) {`,
    `      throw new ProviderTimeoutError(\`\${this.name} request timed out after \${this.timeoutMs}ms\`, { cause });`,
    `    } finally {`,
    `      clearTimeout(timer);`,
    `    }`,
    `  }`,
  ];
  const serviceCode = [
    `export async function ${v.route === 4 ? "sendPayout" : v.route === 1 ? "refundPayment" : "authorizePayment"}(input: PaymentInput): Promise<Authorization> {`,
    `  const provider = providers.for(input.currency, "${v.provider}");`,
    `  const started = performance.now();`,
    `  const result = await provider.post<ProviderResponse>("/authorizations", toProviderPayload(input));`,
    `  metrics.timing("provider.latency", performance.now() - started, { provider: provider.name });`,
    `  return fromProviderResponse(result);`,
    `}`,
  ];
  return spec("node", {
    key: `provider-timeout:${v.provider}:${v.route}`,
    kind: "chained",
    title: `ProviderTimeoutError: ${v.provider} request timed out after ${v.ms}ms`,
    culprit: nodeTx(r),
    transaction: nodeTx(r),
    level: "error",
    weight: 5,
    exceptions: [
      {
        type: "AbortError",
        value: "This operation was aborted",
        module: null,
        mechanism: { type: "chained", handled: true, source: "cause" },
        frames: [...TICKS, nodeLib("undici", "lib/api/api-request.js", "RequestHandler.onError", 212, 14)],
      },
      {
        type: "ProviderTimeoutError",
        value: `${v.provider} request timed out after ${v.ms}ms`,
        module: null,
        mechanism: { type: "generic", handled: true },
        frames: [
          ...TICKS,
          nodeApp(r.file, r.handler, 31 + i, 22, [`  const authorization = await authorizePayment(parsed);`], 0),
          nodeApp("src/services/authorize.ts", "authorizePayment", 44 + i * 3, 18, serviceCode, 3),
          nodeApp("src/providers/client.ts", "ProviderClient.post", 58, 13, clientCode, 6),
        ],
      },
    ],
    request: nodeRequest(r),
    tags: { provider: v.provider },
    crumbs: [http("POST", `https://${v.provider}.psp.example/authorizations`, 0)],
  });
}

function nodeErrors(): IssueSpec[] {
  const list: Array<{ key: string; type: string; value: string; route: number; file: string; fn: string; code: string[]; focus: number; handled: boolean; level?: Level; libs?: FrameSpec[]; tags?: Record<string, string> }> = [
    {
      key: "destructure-body",
      type: "TypeError",
      value: "Cannot destructure property 'amount' of 'req.body' as it is undefined.",
      route: 0,
      file: "src/routes/charges.ts",
      fn: "chargeHandler",
      code: [`export const chargeHandler: RequestHandler = async (req, res) => {`, `  const { amount, currency, payment_method: method } = req.body;`, `  const parsed = ChargeSchema.parse({ amount, currency, method });`],
      focus: 1,
      handled: false,
      libs: EXPRESS,
    },
    {
      key: "ioredis-oom",
      type: "ReplyError",
      value: "OOM command not allowed when used memory > 'maxmemory'.",
      route: 0,
      file: "src/lib/idempotency.ts",
      fn: "rememberIdempotencyKey",
      code: [`export async function rememberIdempotencyKey(key: string, response: unknown): Promise<void> {`, `  await redis.set(\`idem:\${key}\`, JSON.stringify(response), "EX", IDEMPOTENCY_TTL_SECONDS);`, `}`],
      focus: 1,
      handled: false,
      libs: [nodeLib("ioredis", "built/Redis.js", "Redis.sendCommand", 389, 34)],
      tags: { "redis.command": "SET" },
    },
    {
      key: "unique-idempotency",
      type: "QueryFailedError",
      value: 'duplicate key value violates unique constraint "payments_idempotency_key_key"',
      route: 0,
      file: "src/repositories/payments.ts",
      fn: "PaymentRepository.insert",
      code: [`  async insert(payment: NewPayment): Promise<Payment> {`, `    const [row] = await this.db.query<Payment>(INSERT_PAYMENT_SQL, toRow(payment));`, `    return row;`, `  }`],
      focus: 1,
      handled: false,
      libs: [nodeLib("pg", "lib/client.js", "Client._handleErrorMessage", 336, 17)],
    },
    {
      key: "jwt-expired",
      type: "TokenExpiredError",
      value: "jwt expired",
      route: 3,
      file: "src/middleware/auth.ts",
      fn: "requireServiceToken",
      code: [`export const requireServiceToken: RequestHandler = (req, _res, next) => {`, `  const token = bearerToken(req);`, `  req.caller = jwt.verify(token, SERVICE_JWT_PUBLIC_KEY, { algorithms: ["RS256"] }) as ServiceClaims;`, `  next();`, `};`],
      focus: 2,
      handled: true,
      level: "warning",
      libs: [...EXPRESS, nodeLib("jsonwebtoken", "verify.js", "module.exports [as verify]", 190, 21)],
    },
    {
      key: "invalid-time",
      type: "RangeError",
      value: "Invalid time value",
      route: 4,
      file: "src/services/payouts.ts",
      fn: "schedulePayout",
      code: [`export function schedulePayout(request: PayoutRequest): ScheduledPayout {`, `  const settlementDate = addBusinessDays(parseISO(request.settle_on), SETTLEMENT_LAG_DAYS);`, `  return { ...request, settleOn: settlementDate.toISOString().slice(0, 10) };`, `}`],
      focus: 2,
      handled: false,
      libs: EXPRESS,
    },
    {
      key: "socket-hang-up",
      type: "Error",
      value: "socket hang up",
      route: 2,
      file: "src/services/notify.ts",
      fn: "notifyMerchant",
      code: [`export async function notifyMerchant(merchant: Merchant, event: PaymentEvent): Promise<void> {`, `  const signature = sign(event, merchant.webhookSecret);`, `  await got.post(merchant.webhookUrl, { json: event, headers: { "X-Signature": signature }, retry: { limit: 0 } });`, `}`],
      focus: 2,
      handled: true,
      libs: [...TICKS, nodeLib("got", "dist/source/core/index.js", "Request._beforeError", 1103, 26)],
      tags: { "error.code": "ECONNRESET" },
    },
    {
      key: "amount-mismatch",
      type: "RefundAmountError",
      value: "Refund amount 12000 exceeds captured amount 8997 for pay_8KzQ2mX4vN",
      route: 1,
      file: "src/services/refunds.ts",
      fn: "assertRefundable",
      code: [`export function assertRefundable(payment: Payment, amount: number): void {`, `  const remaining = payment.capturedAmount - payment.refundedAmount;`, `  if (amount > remaining) {`, `    throw new RefundAmountError(\`Refund amount \${amount} exceeds captured amount \${remaining} for \${payment.id}\`);`, `  }`, `}`],
      focus: 3,
      handled: true,
      level: "warning",
      libs: EXPRESS,
    },
    {
      key: "decimal-currency",
      type: "Error",
      value: "Unsupported currency for minor units: HUF",
      route: 5,
      file: "src/lib/money.ts",
      fn: "toMinorUnits",
      code: [`export function toMinorUnits(amount: number, currency: string): number {`, `  const exponent = CURRENCY_EXPONENTS[currency];`, `  if (exponent === undefined) throw new Error(\`Unsupported currency for minor units: \${currency}\`);`, `  return Math.round(amount * 10 ** exponent);`, `}`],
      focus: 2,
      handled: false,
      libs: EXPRESS,
    },
    {
      key: "currency-validation",
      type: "ValidationError",
      value: '"currency" must be one of [EUR, USD, GBP, SEK, DKK]',
      route: 0,
      file: "src/routes/charges.ts",
      fn: "validateCharge",
      code: [`function validateCharge(body: unknown): ChargeInput {`, `  const { error, value } = chargeSchema.validate(body, { abortEarly: true });`, `  if (error) throw error;`, `  return value;`, `}`],
      focus: 2,
      handled: true,
      level: "warning",
      libs: EXPRESS,
    },
    {
      key: "pg-etimedout",
      type: "Error",
      value: "connect ETIMEDOUT 10.0.4.21:5432",
      route: 3,
      file: "src/db/pool.ts",
      fn: "withClient",
      code: [`export async function withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {`, `  const client = await pool.connect();`, `  try {`, `    return await work(client);`, `  } finally {`, `    client.release();`, `  }`, `}`],
      focus: 1,
      handled: false,
      libs: [...TICKS, nodeLib("pg-pool", "index.js", "Pool.connect", 45, 11)],
      tags: { "error.code": "ETIMEDOUT" },
    },
    {
      key: "pg-terminated",
      type: "Error",
      value: "Connection terminated unexpectedly",
      route: 0,
      file: "src/repositories/ledger.ts",
      fn: "LedgerRepository.append",
      code: [`  async append(entries: LedgerEntry[]): Promise<void> {`, `    await this.db.query(INSERT_LEDGER_SQL, [entries.map(toLedgerRow)]);`, `  }`],
      focus: 1,
      handled: false,
      libs: [nodeLib("pg", "lib/client.js", "Connection.<anonymous>", 132, 73)],
    },
    {
      key: "card-last4",
      type: "TypeError",
      value: "Cannot read properties of undefined (reading 'last4')",
      route: 5,
      file: "src/serializers/paymentMethod.ts",
      fn: "serializePaymentMethod",
      code: [`export function serializePaymentMethod(method: StoredMethod): PublicMethod {`, `  return {`, `    id: method.id,`, `    brand: method.card.brand,`, `    last4: method.card.last4,`, `    expires: \`\${method.card.expMonth}/\${method.card.expYear}\`,`, `  };`, `}`],
      focus: 3,
      handled: false,
      libs: EXPRESS,
    },
    {
      key: "merchant-503",
      type: "HTTPError",
      value: "Response code 503 (Service Unavailable)",
      route: 2,
      file: "src/services/notify.ts",
      fn: "deliverWebhook",
      code: [`export async function deliverWebhook(target: WebhookTarget, payload: string): Promise<void> {`, `  await got.post(target.url, { body: payload, headers: signedHeaders(target, payload), timeout: { request: 10_000 } });`, `}`],
      focus: 1,
      handled: true,
      libs: [...TICKS, nodeLib("got", "dist/source/as-promise/index.js", "Request.<anonymous>", 92, 42)],
      tags: { "http.status_code": "503" },
    },
    {
      key: "webhook-json",
      type: "SyntaxError",
      value: "Unexpected end of JSON input",
      route: 2,
      file: "src/routes/webhooks.ts",
      fn: "pspWebhook",
      code: [`export const pspWebhook: RequestHandler = async (req, res) => {`, `  verifySignature(req.rawBody, req.header("psp-signature"));`, `  const event = JSON.parse(req.rawBody.toString("utf8")) as PspEvent;`, `  await handlePspEvent(event);`, `  res.sendStatus(204);`, `};`],
      focus: 2,
      handled: false,
      libs: EXPRESS,
    },
    {
      key: "payout-limit",
      type: "PayoutLimitError",
      value: "Payout exceeds daily limit for merchant mrc_29XkQ",
      route: 4,
      file: "src/services/payouts.ts",
      fn: "enforcePayoutLimit",
      code: [`export async function enforcePayoutLimit(merchantId: string, amount: number): Promise<void> {`, `  const sentToday = await payouts.sumSince(merchantId, startOfDay(new Date()));`, `  if (sentToday + amount > DAILY_PAYOUT_LIMIT) {`, `    throw new PayoutLimitError(\`Payout exceeds daily limit for merchant \${merchantId}\`);`, `  }`, `}`],
      focus: 3,
      handled: true,
      level: "warning",
      libs: EXPRESS,
    },
    {
      key: "signature",
      type: "SignatureVerificationError",
      value: "No signatures found matching the expected signature for payload",
      route: 2,
      file: "src/lib/signatures.ts",
      fn: "verifySignature",
      code: [`export function verifySignature(raw: Buffer, header: string | undefined): void {`, `  const expected = hmac(PSP_WEBHOOK_SECRET, raw);`, `  if (!header || !parseSignatures(header).some((s) => timingSafeEqual(s, expected))) {`, `    throw new SignatureVerificationError("No signatures found matching the expected signature for payload");`, `  }`, `}`],
      focus: 3,
      handled: true,
      libs: EXPRESS,
    },
  ];
  return list.map((e, i) => {
    const r = NODE_ROUTES[e.route]!;
    return spec("node", {
      key: `node:${e.key}`,
      kind: "error",
      title: `${e.type}: ${e.value}`,
      culprit: nodeTx(r),
      transaction: nodeTx(r),
      level: e.level ?? "error",
      weight: 4,
      exceptions: [
        {
          type: e.type,
          value: e.value,
          module: null,
          mechanism: { type: e.handled ? "generic" : "onunhandledrejection", handled: e.handled },
          frames: [...(e.libs ?? []), nodeApp(e.file, e.fn, 18 + i * 5, 9 + i, e.code, e.focus)],
        },
      ],
      request: nodeRequest(r),
      tags: e.tags ?? {},
    });
  });
}

const NODE_MESSAGES: Array<{ text: string; level: Level; logger: string; route: number }> = [
  { text: "Webhook retry budget exhausted for merchant mrc_29XkQ", level: "error", logger: "webhooks", route: 2 },
  { text: "Acquirer returned unknown decline code 'R9' (treated as soft decline)", level: "warning", logger: "acquirer", route: 0 },
  { text: "Payout batch 2024-11-04 settled with 3 rejected transfers", level: "warning", logger: "payouts", route: 4 },
  { text: "Exchange rate EUR/HUF older than 6 hours, using cached rate", level: "warning", logger: "fx", route: 0 },
  { text: "Chargeback received for pay_7Hq2LmN9xP (reason 10.4, fraud)", level: "info", logger: "disputes", route: 2 },
];

const NODE_PERF: PerfSpec[] = [
  {
    typeId: 1006,
    issueType: "performance_n_plus_one_db_queries",
    title: "N+1 Query",
    op: "db",
    parentOp: "http.server",
    parentDescription: "GET /v1/payments/:id",
    offenderDescription: "SELECT * FROM ledger_entries WHERE payment_id = $1 AND entry_type = $2",
    repeat: 18,
    offenderMs: 6,
    transactionMs: 380,
  },
  {
    typeId: 1009,
    issueType: "performance_consecutive_http",
    title: "Consecutive HTTP",
    op: "http.client",
    parentOp: "http.server",
    parentDescription: "POST /v1/payments/charge",
    offenderDescription: "POST https://fraud-screening.psp.example/v3/score",
    repeat: 3,
    offenderMs: 420,
    transactionMs: 1900,
  },
  {
    typeId: 1001,
    issueType: "performance_slow_db_query",
    title: "Slow DB Query",
    op: "db",
    parentOp: "http.server",
    parentDescription: "GET /v1/payments/:id",
    offenderDescription: "SELECT * FROM payments WHERE merchant_id = $1 ORDER BY created_at DESC LIMIT $2",
    repeat: 1,
    offenderMs: 1850,
    transactionMs: 2040,
  },
];

function nodeSpecs(): IssueSpec[] {
  const specs: IssueSpec[] = [];
  PROVIDER_TIMEOUTS.forEach((v, i) => specs.push(providerTimeout(v, i)));
  specs.push(...nodeErrors());
  for (const m of NODE_MESSAGES) {
    const r = NODE_ROUTES[m.route]!;
    specs.push(
      spec("node", {
        key: `message:${m.logger}`,
        kind: "message",
        title: m.text,
        culprit: nodeTx(r),
        transaction: nodeTx(r),
        level: m.level,
        logger: m.logger,
        message: m.text,
        weight: 2,
        request: nodeRequest(r),
        hasUser: false,
      }),
    );
  }
  NODE_PERF.forEach((p, i) =>
    specs.push(
      spec("node", {
        key: `perf:${p.issueType}:${i}`,
        kind: "performance",
        title: p.title,
        culprit: p.parentDescription,
        transaction: p.parentDescription,
        level: "info",
        perf: p,
        weight: 2,
        hasUser: false,
        request: { method: p.parentDescription.split(" ")[0]!, path: p.parentDescription.split(" ")[1]!.replace(":id", "pay_8KzQ2mX4vN"), query: [], data: null },
      }),
    ),
  );
  return specs;
}

// ---------------------------------------------------------------------------------------------------------
// Cocoa (iOS app): native frames carry image and addresses, not source
// ---------------------------------------------------------------------------------------------------------

const APP_IMAGE = "/private/var/containers/Bundle/Application/5E0C1A2B-7F3D-4B8E-9A61-2C4D8E0F1B3A/AcmeShop.app/AcmeShop";

function nativeFrame(pkg: string, fn: string, addr: number, inApp: boolean, file: string | null = null, line: number | null = null): FrameSpec {
  return {
    ...NO_FRAME,
    function: fn,
    package: pkg,
    filename: file,
    absPath: file,
    lineNo: line,
    inApp,
    instructionAddr: `0x${addr.toString(16).padStart(9, "0")}`,
    symbolAddr: `0x${(addr - 0x40 - (addr % 0x3c)).toString(16).padStart(9, "0")}`,
  };
}

const sys = (lib: string, fn: string, addr: number): FrameSpec => nativeFrame(`/System/Library/PrivateFrameworks/${lib}.framework/${lib}`, fn, addr, false);
const usr = (lib: string, fn: string, addr: number): FrameSpec => nativeFrame(`/usr/lib/${lib}`, fn, addr, false);
const app = (fn: string, file: string, line: number, addr: number): FrameSpec => nativeFrame(APP_IMAGE, fn, addr, true, file, line);

const MAIN_RUNLOOP: FrameSpec[] = [
  usr("dyld", "start", 0x1b2a45d54),
  app("main", "AppDelegate.swift", 14, 0x1009a5f10),
  sys("UIKitCore", "UIApplicationMain", 0x1a8c21b5c),
  sys("GraphicsServices", "GSEventRunModal", 0x1ebf1e1b4),
  nativeFrame("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", "CFRunLoopRunSpecific", 0x1a6d1a5e0, false),
  nativeFrame("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", "__CFRunLoopRun", 0x1a6d18d20, false),
];

const OBJC_THROW: FrameSpec[] = [
  nativeFrame("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", "__exceptionPreprocess", 0x1a6d4a2ec, false),
  usr("libobjc.A.dylib", "objc_exception_throw", 0x19e9c7528),
];

const COCOA_SCREENS = [
  "CheckoutViewController",
  "CartViewController",
  "ProductDetailViewController",
  "OrderTrackingViewController",
  "ProfileViewController",
  "StoreLocatorViewController",
  "SearchViewController",
  "WishlistViewController",
  "OnboardingViewController",
];

function cocoaSpecs(): IssueSpec[] {
  const specs: IssueSpec[] = [];
  const crash = (key: string, type: string, value: string, mech: MechanismSpec, frames: FrameSpec[], screen: string, weight = 4): IssueSpec =>
    spec("cocoa", {
      key,
      kind: "error",
      title: `${type}: ${value.split("\n")[0]}`,
      culprit: screen,
      transaction: screen,
      level: mech.handled ? "error" : "fatal",
      weight,
      exceptions: [{ type, value, module: null, mechanism: mech, frames }],
      crumbs: [crumb("navigation", "ui.lifecycle", null, { screen, state: "viewDidAppear" }), crumb("user", "touch", `UIButton (${screen.replace("ViewController", "")}.primaryAction)`)],
    });
  const machMeta = (signal: number, name: string, exception: number, exName: string): MechanismSpec => ({
    type: "mach",
    handled: false,
    meta: { signal: { number: signal, code: 0, name }, mach_exception: { exception, code: 1, subcode: 16, name: exName } },
  });

  COCOA_SCREENS.forEach((screen, i) => {
    specs.push(
      crash(
        `bad-access:${screen}`,
        "EXC_BAD_ACCESS",
        `Attempted to dereference garbage pointer 0x${(0x10 + i * 8).toString(16)}.`,
        machMeta(11, "SIGSEGV", 1, "EXC_BAD_ACCESS"),
        [
          ...MAIN_RUNLOOP,
          app(`${screen}.tableView(_:cellForRowAt:)`, `${screen}.swift`, 112 + i * 4, 0x1009b1c40 + i * 0x120),
          app("ImageCache.image(for:)", "ImageCache.swift", 57, 0x1009c3a18),
          usr("libswiftCore.dylib", "swift_retain", 0x1a14f3b40),
        ],
        screen,
      ),
    );
  });
  COCOA_SCREENS.slice(0, 6).forEach((screen, i) => {
    const vars = ["paymentSheet", "selectedVariant", "deliverySlot", "trackingInfo", "avatarView", "mapView"];
    specs.push(
      crash(
        `unwrap-nil:${screen}`,
        "EXC_BREAKPOINT",
        `Fatal error: Unexpectedly found nil while implicitly unwrapping an Optional value (${vars[i]})`,
        { type: "mach", handled: false, meta: { signal: { number: 5, code: 0, name: "SIGTRAP" }, mach_exception: { exception: 6, code: 1, subcode: 0, name: "EXC_BREAKPOINT" } } },
        [...MAIN_RUNLOOP, app(`${screen}.viewDidLoad()`, `${screen}.swift`, 48 + i * 6, 0x1009a8b10 + i * 0x80), usr("libswiftCore.dylib", "_assertionFailure(_:_:file:line:flags:)", 0x1a14b9e20)],
        screen,
      ),
    );
  });
  const nsExceptions: Array<[string, string, string]> = [
    ["NSInvalidArgumentException", "-[__NSCFString objectForKey:]: unrecognized selector sent to instance 0x283f1c4e0", "PushPayloadParser.parse(_:)"],
    ["NSRangeException", "*** -[__NSArrayM objectAtIndexedSubscript:]: index 5 beyond bounds [0 .. 4]", "CarouselDataSource.item(at:)"],
    ["NSInternalInconsistencyException", "Invalid update: invalid number of rows in section 0. The number of rows contained in an existing section after the update (4) must be equal to the number of rows contained in that section before the update (5), plus or minus the number of rows inserted or deleted from that section (0 inserted, 0 deleted).", "CartViewController.removeItem(at:)"],
    ["NSGenericException", "*** Collection <__NSArrayM: 0x282e4c0f0> was mutated while being enumerated.", "WishlistStore.prune()"],
    ["NSInvalidArgumentException", "*** -[__NSPlaceholderDictionary initWithObjects:forKeys:count:]: attempt to insert nil object from objects[2]", "AnalyticsEvent.payload()"],
  ];
  nsExceptions.forEach(([type, value, fn], i) => {
    const file = `${fn.split(".")[0]}.swift`;
    specs.push(
      crash(
        `ns-exception:${type}:${i}`,
        type,
        value,
        { type: "nsexception", handled: false, meta: { ns_exception: { name: type, reason: value } } },
        [...MAIN_RUNLOOP, app(fn, file, 73 + i * 11, 0x1009d2e44 + i * 0x200), ...OBJC_THROW],
        COCOA_SCREENS[i]!,
        3,
      ),
    );
  });
  COCOA_SCREENS.slice(0, 4).forEach((screen, i) => {
    specs.push(
      spec("cocoa", {
        key: `app-hang:${screen}`,
        kind: "error",
        title: "App Hanging: App hanging for at least 2000 ms.",
        culprit: screen,
        transaction: screen,
        level: "error",
        weight: 3,
        exceptions: [
          {
            type: "App Hanging",
            value: "App hanging for at least 2000 ms.",
            module: null,
            mechanism: { type: "AppHang", handled: true },
            frames: [...MAIN_RUNLOOP, app(`${screen}.reloadData()`, `${screen}.swift`, 201 + i, 0x1009e1a30 + i * 0x40), sys("UIKitCore", "-[UITableView reloadData]", 0x1a8d0e4f0)],
          },
        ],
      }),
    );
  });
  const handled: Array<[string, string, string, string]> = [
    ["NSURLErrorDomain", "Code=-1001 \"The request timed out.\"", "APIClient.send(_:)", "OrderTrackingViewController"],
    ["NSURLErrorDomain", "Code=-1009 \"The Internet connection appears to be offline.\"", "APIClient.send(_:)", "CartViewController"],
    ["DecodingError", "keyNotFound(CodingKeys(stringValue: \"discountCode\", intValue: nil))", "CartResponse.init(from:)", "CartViewController"],
    ["PKPaymentError", "Code=1 \"Apple Pay sheet failed to present\"", "ApplePayCoordinator.present()", "CheckoutViewController"],
    ["SKError", "Code=2 \"Cannot connect to iTunes Store\"", "GiftCardStore.purchase(_:)", "ProfileViewController"],
    ["kCLErrorDomain", "Code=1 \"The operation couldn’t be completed. (kCLErrorDomain error 1.)\"", "LocationProvider.requestLocation()", "StoreLocatorViewController"],
  ];
  handled.forEach(([type, value, fn, screen], i) => {
    specs.push(
      spec("cocoa", {
        key: `handled:${type}:${i}`,
        kind: "error",
        title: `${type}: ${value}`,
        culprit: screen,
        transaction: screen,
        level: "error",
        weight: 3,
        exceptions: [
          {
            type,
            value,
            module: null,
            mechanism: { type: "NSError", handled: true, synthetic: false },
            frames: [...MAIN_RUNLOOP.slice(0, 3), app(fn, `${fn.split(".")[0]}.swift`, 88 + i * 13, 0x1009f2c10 + i * 0x30)],
          },
        ],
        crumbs: type === "NSURLErrorDomain" || type === "DecodingError" ? [http("GET", "https://api.acme.example/api/cart/", type === "NSURLErrorDomain" ? 0 : 200)] : [],
      }),
    );
  });
  specs.push(
    spec("cocoa", {
      key: "watchdog",
      kind: "error",
      title: "WatchdogTermination: The OS watchdog terminated your app, possibly because it overused RAM.",
      culprit: "ProductDetailViewController",
      transaction: "ProductDetailViewController",
      level: "fatal",
      weight: 2,
      exceptions: [
        {
          type: "WatchdogTermination",
          value: "The OS watchdog terminated your app, possibly because it overused RAM.",
          module: null,
          mechanism: { type: "watchdog_termination", handled: false },
          frames: [],
        },
      ],
    }),
  );
  specs.push(
    spec("cocoa", {
      key: "message:deeplink",
      kind: "message",
      title: "Unhandled deep link: acmeshop://promo/spring-sale",
      culprit: "SceneDelegate",
      transaction: "SceneDelegate",
      level: "warning",
      logger: "DeepLinkRouter",
      message: "Unhandled deep link: acmeshop://promo/spring-sale",
      weight: 2,
    }),
  );
  specs.push(
    spec("cocoa", {
      key: "perf:file-io",
      kind: "performance",
      title: "File IO on Main Thread",
      culprit: "ProductDetailViewController",
      transaction: "ProductDetailViewController",
      level: "info",
      weight: 2,
      perf: {
        typeId: 1008,
        issueType: "performance_file_io_main_thread",
        title: "File IO on Main Thread",
        op: "file.read",
        parentOp: "ui.load",
        parentDescription: "ProductDetailViewController",
        offenderDescription: "product-cache.sqlite (4.1 MB)",
        repeat: 1,
        offenderMs: 140,
        transactionMs: 910,
      },
    }),
  );
  return specs;
}

let catalogue: Record<Family, IssueSpec[]> | undefined;

/** Every spec of every family, built once (the seed draws from them; extra issues reuse them). */
export function issueCatalogue(): Record<Family, IssueSpec[]> {
  catalogue ??= { javascript: javascriptSpecs(), python: pythonSpecs(), node: nodeSpecs(), cocoa: cocoaSpecs() };
  return catalogue;
}

/** Which catalogue a Sentry project platform ("javascript-react", "python-django", "apple-ios") draws from. */
export function familyOf(platform: string): Family {
  if (platform.startsWith("node")) return "node";
  if (platform.startsWith("python")) return "python";
  if (platform.startsWith("apple") || platform.startsWith("cocoa") || platform === "ios") return "cocoa";
  return "javascript";
}

/** The event `platform` value Sentry stores for each family's SDK. */
export const EVENT_PLATFORM: Record<Family, string> = { javascript: "javascript", python: "python", node: "node", cocoa: "cocoa" };
