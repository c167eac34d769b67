// Apache Annotator's DOM matchers for the browser tests, bundled by esbuild into one script.
import { createTextPositionSelectorMatcher, createTextQuoteSelectorMatcher } from "@apache-annotator/dom";

window.annotator = { createTextPositionSelectorMatcher, createTextQuoteSelectorMatcher };
