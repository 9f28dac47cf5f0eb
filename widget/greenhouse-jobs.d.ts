// Types for <greenhouse-jobs>, the custom element that widget.js defines.
// Served beside the loader: https://WORKER/greenhouse-jobs.d.ts
//
//   <script src="https://WORKER/widget.js" async></script>
//   <greenhouse-jobs board="acme" group-by="office" lang="de"></greenhouse-jobs>

/** The element's attributes: the same options as the script tag's `data-*` attributes. */
export interface GreenhouseJobsAttributes {
  /** The Greenhouse job board token (required). */
  board: string;
  /** How jobs are grouped: `department` (default), `office` or `none`. */
  "group-by"?: "department" | "office" | "none";
  /** Only these departments: names or ids, comma-separated. */
  departments?: string;
  /** Only these offices: names or ids, comma-separated. */
  offices?: string;
  /** `en` or `de`; else the page's `lang`; else English. */
  lang?: string;
  /** Jobs shown before "Show more" (0 or absent: all). */
  "page-size"?: string | number;
  /** `compact` for denser rows. */
  layout?: "compact";
  /** `false` hides the search and filters. */
  filters?: "true" | "false";
  /** `dark` for the dark theme. */
  theme?: "light" | "dark";
}

/** `greenhouse-jobs:open`: a job's view opened (from the list or a `gh_jid` link). */
export interface GreenhouseJobsOpenDetail {
  jobId: number;
  title: string;
}

/** `greenhouse-jobs:apply-start`: the visitor typed or chose the first answer of a job's form. */
export interface GreenhouseJobsApplyStartDetail {
  jobId: number;
}

/**
 * `greenhouse-jobs:applied`: an application was sent. `submitted`: Greenhouse has it;
 * `queued`: saved by the worker and delivered as soon as Greenhouse takes it; `failed`:
 * nothing was saved, the visitor may try again.
 */
export interface GreenhouseJobsAppliedDetail {
  jobId: number;
  outcome: "submitted" | "queued" | "failed";
}

/** The element's props in JSX. */
export type GreenhouseJobsJsx = Partial<GreenhouseJobsAttributes> & {
  board: string;
  key?: string | number;
  ref?: unknown;
  class?: string;
  className?: string;
  id?: string;
};

export interface GreenhouseJobsEventMap {
  "greenhouse-jobs:open": CustomEvent<GreenhouseJobsOpenDetail>;
  "greenhouse-jobs:apply-start": CustomEvent<GreenhouseJobsApplyStartDetail>;
  "greenhouse-jobs:applied": CustomEvent<GreenhouseJobsAppliedDetail>;
}

/** Every event the element can send: the DOM's own and its three. */
export interface GreenhouseJobsElementEventMap extends HTMLElementEventMap, GreenhouseJobsEventMap {}

/** The element. Its events bubble and cross shadow roots (`composed`); they carry no personal data. */
export interface GreenhouseJobsElement extends HTMLElement {
  addEventListener<K extends keyof GreenhouseJobsElementEventMap>(
    type: K,
    listener: (this: GreenhouseJobsElement, ev: GreenhouseJobsElementEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof GreenhouseJobsElementEventMap>(
    type: K,
    listener: (this: GreenhouseJobsElement, ev: GreenhouseJobsElementEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "greenhouse-jobs": GreenhouseJobsElement;
  }
  // The events also reach listeners on the document and window.
  interface DocumentEventMap extends GreenhouseJobsEventMap {}
  interface WindowEventMap extends GreenhouseJobsEventMap {}
  // JSX runtimes that read the global namespace (React 18, Preact's and Solid's compat
  // layers): <greenhouse-jobs board="acme" />. React 19 reads `React.JSX`: augment it in your
  // app with `declare module "react" { namespace JSX { interface IntrinsicElements {
  // "greenhouse-jobs": GreenhouseJobsJsx } } }`.
  namespace JSX {
    interface IntrinsicElements {
      "greenhouse-jobs": GreenhouseJobsJsx;
    }
  }
}
