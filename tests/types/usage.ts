// Compiled with `tsc --noEmit --strict` by tests/e2e/tests/custom_element.rs: the element's
// declaration file types what a host app writes, and refuses what it must not.
import type { GreenhouseJobsAppliedDetail, GreenhouseJobsJsx } from "../../widget/greenhouse-jobs";

const el = document.createElement("greenhouse-jobs");
el.setAttribute("board", "acme");

el.addEventListener("greenhouse-jobs:open", (e) => {
  const title: string = e.detail.title;
  const id: number = e.detail.jobId;
  console.log(title.toUpperCase(), id + 1);
});
el.addEventListener("greenhouse-jobs:applied", (e) => {
  const outcome: GreenhouseJobsAppliedDetail["outcome"] = e.detail.outcome;
  if (outcome === "queued") console.log("saved, sent when Greenhouse takes it");
});
// The DOM's own events keep their types.
el.addEventListener("click", (e) => console.log(e.clientX));
// The events reach the document, typed too.
document.addEventListener("greenhouse-jobs:apply-start", (e) => console.log(e.detail.jobId));
const found: HTMLElement | null = document.querySelector("greenhouse-jobs");
console.log(found);

// @ts-expect-error: there is no such outcome.
const wrong: GreenhouseJobsAppliedDetail["outcome"] = "maybe";
console.log(wrong);
// @ts-expect-error: the open event has no email (no personal data).
el.addEventListener("greenhouse-jobs:open", (e) => console.log(e.detail.email));
// @ts-expect-error: a board is required.
const props: GreenhouseJobsJsx = { "group-by": "office" };
console.log(props);
const ok: GreenhouseJobsJsx = { board: "acme", "group-by": "office", lang: "de", "page-size": 20 };
console.log(ok);
